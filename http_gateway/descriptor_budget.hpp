// File descriptors and the connections they allow.
//
// Why: the default max-connections (4096) is above the common soft limit of
// 1024 descriptors. When accept() fails with EMFILE, CAF 0.17's acceptor
// ignores the error and the listening socket stays readable, so the network
// thread spins on it and new clients hang unanswered. The node therefore
// raises its soft limit to the hard one at start, keeps max-connections
// (plus the sockets it keeps briefly after a 503) below what it may open, and
// the gateway stops accepting while descriptors run out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace eureka::gateway {

/// Descriptors kept free for everything that is not an HTTP connection:
/// CAF's own pipes and epoll, BASP links to peers, files, the log.
inline constexpr size_t descriptor_headroom = 32;

/// Most sockets kept open after a 503 "too many connections" (each lingers
/// briefly so the client reads the answer instead of a reset).
inline constexpr size_t max_rejecting_connections = 64;

/// Descriptors that stay free while the node runs: with fewer, the gateway
/// stops accepting, so that accept() never fails with EMFILE and the process
/// (CAF's pipes, the log, sanitizer runtimes) can still open what it needs.
inline constexpr size_t descriptor_low_water = 16;

struct connection_budget {
  /// Connections served at once.
  size_t max_connections = 0;
  /// Sockets that may linger after a 503 on top of those.
  size_t max_rejecting = 0;
  /// max_connections is below what the configuration asked for.
  bool lowered = false;
};

/// How many connections fit under `descriptor_limit` when `open_now`
/// descriptors are already in use and `requested` connections are
/// configured; nullopt when too few descriptors remain to serve at all.
std::optional<connection_budget> plan_connection_budget(uint64_t descriptor_limit, size_t open_now,
                                                        size_t requested);

struct descriptor_limit {
  uint64_t soft_before = 0;
  uint64_t soft = 0;
  uint64_t hard = 0;
  /// Non-empty when the limit could not be read or raised.
  std::string error;
};

/// Raises the soft RLIMIT_NOFILE to the hard limit (capped by the kernel's
/// fs.nr_open when the hard limit is unlimited).
descriptor_limit raise_descriptor_limit();

/// Descriptors this process has open now (/proc/self/fd).
size_t count_open_descriptors();

/// The current soft RLIMIT_NOFILE (it can change while the node runs, e.g.
/// through prlimit).
uint64_t descriptor_soft_limit();

/// Whether the process can open one more descriptor now (probed with a
/// duplicate that is closed at once).
bool descriptor_available();

} // namespace eureka::gateway
