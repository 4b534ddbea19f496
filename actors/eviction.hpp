// The eviction actor: every eviction interval it asks each registry actor
// for expired leases, applies the self-preservation rule over the whole
// registry (contract §3.7, §3.8; decisions.md §3) and evicts at most the
// allowed share, chosen at random. Evictions are local, never replicated.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "actors/time_anchor.hpp"
#include "common/rate_meter.hpp"
#include "messages/admin_messages.hpp"
#include "messages/interfaces.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

struct eviction_state {
  registry_config cfg;
  time_anchor clock;
  directory_actor directory;
  std::mt19937_64 rng;
  int64_t last_run_ms = 0;
  /// Compensation of the pass in progress (contract §3.8).
  int64_t extra_ms = 0;
  /// One pass at a time: replies of the pass in progress.
  bool sweeping = false;
  size_t pending = 0;
  std::vector<std::pair<app_registry_actor, std::string>> expired;
  uint64_t lease_count = 0;
  int64_t renews_last_minute = 0;
  /// Published figures (also used to log self-preservation transitions).
  registry_stats figures;
  bool figures_valid = false;
  // -- admin figures (admin_atom) --------------------------------------------
  /// Every message handled, counted once.
  rate_meter load;
  /// Epoch ms the last pass completed (0: none yet) and the next is due.
  int64_t last_sweep_ms = 0;
  int64_t next_sweep_ms = 0;
  uint64_t sweeps = 0;
  /// Of the last completed pass: leases seen, expired, and sent for
  /// eviction (a lease renewed meanwhile is then kept by its actor).
  uint64_t last_leases = 0;
  uint64_t last_expired = 0;
  uint64_t last_evicted = 0;
  static const char* name;
};

/// Why expired leases are evicted or kept, in one sentence for the admin
/// console, following lease_expiration_enabled (registry/self_preservation.hpp):
/// nothing before the first pass; always evicted with self-preservation off;
/// otherwise evicted only while the renewals of the last minute strictly
/// exceed a positive threshold.
std::string eviction_decision(bool swept, bool self_preservation_enabled,
                              int64_t renews_last_minute, int64_t renew_threshold);

/// Spawn with (config, clock anchor, directory, random seed).
eviction_actor::behavior_type eviction(eviction_actor::stateful_pointer<eviction_state> self,
                                       registry_config cfg, time_anchor clock,
                                       directory_actor directory, uint64_t seed);

} // namespace eureka
