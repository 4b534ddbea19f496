// The HTTP calls a node makes to one peer, on a detached actor of its own:
// the calls block (cluster/peer_http_client.hpp), so they never run on the
// scheduler's threads or the multiplexer, and a slow peer delays nobody
// but itself. One worker per peer URL, spawned and stopped with the
// replication actor.
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "cluster/peer_http_client.hpp"
#include "cluster/peer_url.hpp"
#include "messages/atoms.hpp"
#include "messages/cluster_messages.hpp"

namespace eureka::cluster {

using peer_http_worker_actor =
    caf::typed_actor<caf::replies_to<discover_atom>::with<peer_discovery>,
                     caf::replies_to<fetch_atom, int64_t>::with<fetched_registry>,
                     caf::replies_to<batch_atom, std::string>::with<peer_http_reply>>;

/// Spawns the worker of `url` (detached). `max_instances` bounds what a
/// full fetch may decode.
peer_http_worker_actor spawn_peer_http_worker(caf::actor_system& sys, peer_url url,
                                              http_limits limits, size_t max_instances);

} // namespace eureka::cluster
