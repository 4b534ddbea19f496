// A node's own registration (eureka.client.register-with-eureka): like the
// embedded client of a Java server in a ring, the node registers itself
// under eureka.instance.appname and renews every renewal interval, through
// its directory as an ordinary client write — so the registration and its
// renewals replicate to the peers like anyone's, and operators and tools
// find the registry's nodes in the registry. The node cancels it on a clean
// stop (node::stop).
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "actors/time_anchor.hpp"
#include "messages/interfaces.hpp"

namespace eureka::cluster {

using self_registration_actor = caf::typed_actor<caf::reacts_to<selfrenew_atom>>;

struct self_identity {
  std::string app;
  std::string host_name;
  std::string ip;
  uint16_t port = 0;
  /// First base path ("/eureka").
  std::string base_path;
  std::string cluster;
  std::string node_id;
  /// The HTTP port speaks TLS (server.ssl.*): registered as the secure
  /// port, with https URLs, the plain port disabled.
  bool https = false;
};

/// The instance a node registers for itself (id `host:app:port`, VIP the
/// lower-case app name, status UP, leases of 30/90 s, the node id and
/// cluster in its metadata).
instance_info self_instance(const self_identity& me, int64_t now_ms);

self_registration_actor spawn_self_registration(caf::actor_system& sys, self_identity me,
                                                time_anchor clock, directory_actor directory);

} // namespace eureka::cluster
