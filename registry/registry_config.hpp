// Registry behaviour settings. Names mirror Spring Cloud's eureka.server.*
// keys (see apps/node_config.cpp for the key ↔ field mapping).
#pragma once

#include <cstdint>

namespace eureka {

struct registry_config {
  bool enable_self_preservation = true;
  int64_t eviction_interval_ms = 60000;
  double renewal_percent_threshold = 0.85;
  int32_t expected_client_renewal_interval_secs = 30;
  int64_t retention_time_in_delta_queue_ms = 180000;
  /// What the delta must still hold at `now_ms`: the changes since then.
  int64_t delta_cutoff_ms(int64_t now_ms) const {
    return now_ms - retention_time_in_delta_queue_ms;
  }
  int64_t delta_retention_timer_interval_ms = 30000;
  bool disable_delta = false;
  /// decisions.md §1 switch: Java's "duration added twice" lease expiry.
  bool legacy_lease_expiry = false;
  /// decisions.md §2 switch: Java's 30 s read-only response cache.
  bool use_read_only_response_cache = false;
  /// Read-only cache refresh period; also the most a renewal's
  /// lastRenewalTimestamp may lag in cached payloads.
  int64_t response_cache_update_interval_ms = 30000;
  /// Overrides not touched for this long are forgotten (Java: 1 h
  /// expire-after-access cache).
  int64_t override_expiry_ms = 3600000;
  /// Most live applications (with instances); a registration for a new one
  /// beyond this is refused (ours; bounds what registrants can make us hold).
  /// Also the most registry actors: empty applications' actors retire after
  /// the delta retention, the oldest earlier when this many exist.
  int32_t max_applications = 10000;
  /// Most instances over all applications; a registration of a new instance
  /// beyond this is refused (re-registrations never are).
  int32_t max_instances = 100000;
  /// Most bytes of encoded instances held by the delta queue; beyond it the
  /// oldest changes leave early (clients then reconcile by a full fetch).
  int64_t max_delta_queue_bytes = int64_t{256} << 20;
  /// Most bytes of plain (not gzipped) encoded applications the read side
  /// keeps between reads, all forms together; beyond it the least recently
  /// used leave and a read encodes the missing ones for its response only.
  /// 32 MiB keeps all four forms of a registry of about 10,000 instances
  /// (full JSON + XML ≈ 2.4 KB per instance) and bounds the rest: plain full
  /// fetches are rare (clients ask for gzip) and their documents large.
  int64_t max_plain_cache_bytes = int64_t{32} << 20;
  /// Period at which a registry actor relays its renewals to the
  /// replication actor, coalesced per instance (eureka.cluster.heartbeat-tick-ms).
  int64_t heartbeat_relay_interval_ms = 1000;
  /// How long a cancel is remembered, so that a stale copy a peer still
  /// holds cannot bring the instance back (app_table::cancelled_after).
  int64_t tombstone_retention_ms = 600000;
};

} // namespace eureka
