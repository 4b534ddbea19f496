// What a caf-eureka node publishes on its BASP port: the entry point of its
// peers. A peer first says hello with its cluster name; only then are its
// replication batches executed (each item as a replicated write through the
// directory, contract §1.5 E14, answered item by item in order). Digests and
// exports for catch-up and start-up sync are served by the directory. The
// frontend a caller sends with its hello goes to this node's replication
// actor, which replicates back over the caller's link (one link per pair).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include <caf/node_id.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/time_anchor.hpp"
#include "common/log.hpp"
#include "messages/interfaces.hpp"

namespace eureka::cluster {

struct peer_frontend_config {
  std::string cluster;
  std::string node_id;
  /// eureka.server.max-dirty-timestamp-skew-ms (0: no bound).
  int64_t max_dirty_timestamp_skew_ms = 0;
  /// Most items in one batch (eureka.gateway.max-replication-batch-items).
  size_t max_batch_items = 1000;
};

struct peer_frontend_state {
  peer_frontend_config cfg;
  directory_actor directory;
  /// The replication actor of this node: told of each caller's frontend.
  peer_offer_actor offers;
  time_anchor clock;
  /// Nodes that said hello with our cluster name.
  std::set<caf::node_id> welcomed;
  /// Refusals so far; logged at the 1st, 2nd, 4th, 8th ...: any process
  /// reaching the port can cause them.
  uint64_t refusals = 0;
  uint64_t batches = 0;
  uint64_t items = 0;
  static const char* name;
};

peer_frontend_actor::behavior_type
peer_frontend(peer_frontend_actor::stateful_pointer<peer_frontend_state> self,
              peer_frontend_config cfg, time_anchor clock, directory_actor directory,
              peer_offer_actor offers);

} // namespace eureka::cluster
