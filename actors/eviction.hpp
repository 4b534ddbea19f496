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
  static const char* name;
};

/// Spawn with (config, clock anchor, directory, random seed).
eviction_actor::behavior_type eviction(eviction_actor::stateful_pointer<eviction_state> self,
                                       registry_config cfg, time_anchor clock,
                                       directory_actor directory, uint64_t seed);

} // namespace eureka
