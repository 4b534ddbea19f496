// The HTTP/1.1 front end of a caf-eureka node: one CAF broker that parses
// Eureka REST calls and turns them into typed requests to the directory
// actor. It never owns registry state and never blocks.
//
// Usage:
//   auto fe = start_http_frontend(sys, cfg, directory, replication, eviction);  // binds, or fails
//   ... fe->port is the bound port (useful with cfg.port == 0) ...
//   stop_http_frontend(sys, *fe);  // or caf::anon_send_exit(fe->broker, user_shutdown)
//
// Stopping (stop_http_frontend) closes the listening socket and idle
// connections at once, lets answers in progress reach their clients for at
// most `cfg.shutdown_grace`, then resets whatever is left: a client that
// never reads cannot hold the node up. An exit message resets every
// connection at once. The broker also answers `caf::get_atom` with the
// Prometheus text of its metrics (std::string), for dashboards living in the
// same process.
#pragma once

#include <cstdint>

#include <caf/actor.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include "http_gateway/gateway_config.hpp"
#include "messages/interfaces.hpp"

namespace eureka::gateway {

struct http_frontend_handle {
  /// The broker; send it an exit message to stop the front end.
  caf::actor broker;
  /// The port actually bound.
  uint16_t port = 0;
};

/// Spawns the gateway broker and binds `cfg.bind_address:cfg.port` with
/// SO_REUSEADDR. Blocks the caller until the socket is bound (call it from
/// main or a test, not from an actor). Requires the io::middleman module.
/// `replication`, the node's replication actor if it has one, answers
/// GET /ready and adds its figures to GET /metrics; without one the node
/// is always ready. `eviction`, the node's eviction actor if it has one,
/// reports its sweeps and self-preservation decision (GET /metrics, the
/// admin API); without one they are left out.
caf::expected<http_frontend_handle>
start_http_frontend(caf::actor_system& sys, const gateway_config& cfg, directory_actor directory,
                    replication_actor replication = {}, eviction_actor eviction = {});

/// Fills this node's host name and IP when not configured (the system host
/// name; the bind address, or the first non-loopback IPv4 address). The node
/// calls it once so that the status page, its peers and its own
/// registration agree; start_http_frontend calls it for a bare gateway.
void detect_node_identity(gateway_config& cfg);

/// Asks the broker to stop (see above) and blocks until it has terminated,
/// which takes at most the shutdown grace period. Waiting matters before
/// destroying the actor_system: a broker still running when the middleman
/// stops is never cleaned up (LeakSanitizer reports it). Call from main or a
/// test.
void stop_http_frontend(caf::actor_system& sys, const http_frontend_handle& fe);

} // namespace eureka::gateway
