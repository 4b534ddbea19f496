// Self-preservation arithmetic (contract §3.7, §3.8; decisions.md §3).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace eureka {

/// numberOfRenewsPerMinThreshold =
///   (int)(expected × (60 / expected-client-renewal-interval) × percent).
inline int64_t renew_threshold(int64_t expected_clients, int32_t renewal_interval_secs,
                               double percent) {
  if (renewal_interval_secs <= 0)
    renewal_interval_secs = 30; // Java: <= 0 means the default
  return static_cast<int64_t>(static_cast<double>(expected_clients) * (60.0 / renewal_interval_secs)
                              * percent);
}

/// isLeaseExpirationEnabled(): always with self-preservation off; otherwise
/// only while renewals of the last minute strictly exceed the threshold.
inline bool lease_expiration_enabled(bool self_preservation, int64_t threshold,
                                     int64_t renews_last_minute) {
  if (!self_preservation)
    return true;
  return threshold > 0 && renews_last_minute > threshold;
}

/// How many leases one eviction pass may remove: size − (int)(size × percent).
inline size_t eviction_limit(size_t registry_size, double percent) {
  auto keep = static_cast<size_t>(static_cast<double>(registry_size) * percent);
  return registry_size - std::min(keep, registry_size);
}

/// Eviction compensation: time by which the previous run is late (GC pause,
/// clock jump); 0 on the first run.
inline int64_t eviction_compensation_ms(int64_t last_run_ms, int64_t now_ms, int64_t interval_ms) {
  if (last_run_ms <= 0)
    return 0;
  return std::max<int64_t>(0, (now_ms - last_run_ms) - interval_ms);
}

} // namespace eureka
