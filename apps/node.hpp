// A caf-eureka node: the actors and the gateway of one process, started in
// dependency order and stopped in reverse (directory → eviction → cluster:
// peer frontend on the BASP port and replication → gateway).
#pragma once

#include <cstdint>
#include <functional>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>
#include <caf/io/middleman_actor.hpp>

#include "actors/time_anchor.hpp"
#include "apps/node_config.hpp"
#include "cluster/self_registration.hpp"
#include "messages/interfaces.hpp"

namespace eureka {

/// Prepares an actor system configuration for a node: message types, the
/// middleman, scheduler size. Never reads caf-application.ini.
void configure_actor_system(caf::actor_system_config& sys_cfg, const node_config& cfg);

class node {
public:
  /// `on_failure` runs (on an actor thread) when the directory, the eviction
  /// actor or the gateway stops while the node is running: the process can
  /// no longer serve correctly and should exit so that it gets restarted.
  node(caf::actor_system& sys, node_config cfg, std::function<void()> on_failure = {});
  ~node();

  node(const node&) = delete;
  node& operator=(const node&) = delete;

  /// Spawns the actors and binds the HTTP port; on error nothing is left
  /// running.
  caf::error start();

  /// Stops the gateway first (no new requests), then the actors. Idempotent.
  void stop();

  /// The bound HTTP port (valid after start()).
  uint16_t port() const { return port_; }

  /// The bound cluster (BASP) port; 0 when the node has no peers configured.
  uint16_t cluster_port() const { return cluster_port_; }

  directory_actor directory() const { return directory_; }

private:
  /// With peers configured: publishes the peer frontend on the cluster
  /// port and spawns the replication actor (wired to the directory).
  caf::error start_cluster(const time_anchor& anchor);

  caf::actor_system& sys_;
  node_config cfg_;
  directory_actor directory_;
  eviction_actor eviction_;
  /// The cluster (only with peers configured): the published entry point of
  /// peers and the owner of the outbound replication.
  peer_frontend_actor peer_frontend_;
  /// Opens the BASP links with mutual TLS; null without TLS.
  caf::io::middleman_actor tls_middleman_;
  replication_actor replication_;
  uint16_t cluster_port_ = 0;
  /// The node's own registration (eureka.client.register-with-eureka).
  cluster::self_registration_actor self_registration_;
  std::string self_instance_id_;
  caf::actor gateway_;
  /// Monitors the three above; stopped first by stop().
  caf::actor watchdog_;
  std::function<void()> on_failure_;
  uint16_t port_ = 0;
};

} // namespace eureka
