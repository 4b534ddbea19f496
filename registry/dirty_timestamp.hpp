// The bound on a lastDirtyTimestamp supplied by a client or a peer (ours;
// the Java server has none). Conflicts between copies of an instance are
// decided by that timestamp alone (contract §3.2 step 2, §3.4, §3.5), so
// without a bound one registration or status update carrying
// 9223372036854775807 beats every later change the real owner makes, for
// ever. The bound keeps a forged timestamp from beating the owner's changes
// made more than the skew later. It does not stop anyone from replacing an
// instance with a timestamp within the bound (Java's design: the owner's
// heartbeats then keep the replacement alive): only authentication does.
// Applied to every write that carries one, from clients and from peers
// alike (the HTTP gateway now; peer messages when the cluster replicates).
#pragma once

#include <cstdint>
#include <limits>

namespace eureka {

/// Default of eureka.server.max-dirty-timestamp-skew-ms: 10 minutes, in the
/// range of the usual clock-skew allowances (Kerberos uses 5).
inline constexpr int64_t default_max_dirty_timestamp_skew_ms = 600000;

/// Whether `ts` may take part in conflict resolution on a node whose clock
/// reads `now_ms`: at most `max_skew_ms` ahead of it. `max_skew_ms` 0 means
/// no bound (the Java server's behaviour; configuration refuses negatives).
/// Timestamps in the past are always acceptable: an old copy only loses.
constexpr bool dirty_timestamp_acceptable(int64_t ts, int64_t now_ms, int64_t max_skew_ms) {
  if (max_skew_ms <= 0)
    return true;
  // now_ms + max_skew_ms without overflow (now_ms near the top accepts all).
  if (now_ms > std::numeric_limits<int64_t>::max() - max_skew_ms)
    return true;
  return ts <= now_ms + max_skew_ms;
}

} // namespace eureka
