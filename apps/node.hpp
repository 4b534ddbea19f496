// A caf-eureka node: the actors and the gateway of one process, started in
// dependency order and stopped in reverse (directory → eviction → gateway).
#pragma once

#include <cstdint>
#include <functional>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>

#include "apps/node_config.hpp"
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

  directory_actor directory() const { return directory_; }

private:
  caf::actor_system& sys_;
  node_config cfg_;
  directory_actor directory_;
  eviction_actor eviction_;
  caf::actor gateway_;
  /// Monitors the three above; stopped first by stop().
  caf::actor watchdog_;
  std::function<void()> on_failure_;
  uint16_t port_ = 0;
};

} // namespace eureka
