// What the actors report about themselves to the admin console, the admin
// API and /metrics (admin_atom requests). Local only: these never cross BASP,
// but they are inspectable so tests and logs can print them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace eureka {

/// The load of one actor at the moment it answered.
struct actor_load {
  /// Messages waiting in its mailbox behind the admin request.
  uint64_t mailbox_depth = 0;
  /// Messages it handled since it started.
  uint64_t messages_total = 0;
  /// Messages per second over the last rate window (common/rate_meter.hpp).
  double messages_per_second = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, actor_load& x) {
  return f(caf::meta::type_name("eureka.actor_load"), x.mailbox_depth, x.messages_total,
           x.messages_per_second);
}

/// One application's registry actor (app_registry → directory → gateway).
struct app_registry_report {
  std::string app;
  uint32_t instances = 0;
  /// Instances per status, indexed by instance_status's value (DOWN,
  /// OUT_OF_SERVICE, STARTING, UNKNOWN, UP: registry/instance_info.hpp).
  std::vector<uint32_t> status_counts;
  /// Instances with a status override in force.
  uint32_t overrides = 0;
  /// Writes this actor applied since it started (local and replicated).
  uint64_t registrations_total = 0;
  uint64_t renewals_total = 0;
  uint64_t cancels_total = 0;
  uint64_t evictions_total = 0;
  uint64_t status_changes_total = 0;
  int64_t renews_last_minute = 0;
  actor_load load;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_registry_report& x) {
  return f(caf::meta::type_name("eureka.app_registry_report"), x.app, x.instances, x.status_counts,
           x.overrides, x.registrations_total, x.renewals_total, x.cancels_total, x.evictions_total,
           x.status_changes_total, x.renews_last_minute, x.load);
}

/// The reader (actors/reader.hpp): what reads are served from.
struct reader_report {
  /// Applications with instances, and instances, in the views it holds.
  uint32_t applications = 0;
  uint32_t instances = 0;
  /// Read payloads cached until the next change (each format and encoding
  /// counts once), and their bytes.
  uint64_t cached_payloads = 0;
  uint64_t cached_payload_bytes = 0;
  /// The recently-changed queue behind GET apps/delta.
  uint64_t delta_queue_length = 0;
  uint64_t delta_queue_bytes = 0;
  actor_load load;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reader_report& x) {
  return f(caf::meta::type_name("eureka.reader_report"), x.applications, x.instances,
           x.cached_payloads, x.cached_payload_bytes, x.delta_queue_length, x.delta_queue_bytes,
           x.load);
}

/// The directory and, through it, the reader and every registry actor.
struct directory_report {
  /// Registry actors alive (an empty application's actor lingers until it
  /// retires).
  uint32_t registry_actors = 0;
  /// The reader's figures (applications, instances, payloads, delta).
  reader_report reads;
  /// Node-wide write totals: every registry actor's, including retired ones
  /// (so they never decrease).
  uint64_t registrations_total = 0;
  uint64_t renewals_total = 0;
  uint64_t cancels_total = 0;
  uint64_t evictions_total = 0;
  uint64_t status_changes_total = 0;
  actor_load load;
  /// One per registry actor that answered, sorted by application name.
  std::vector<app_registry_report> apps;
  /// Registry actors that did not answer (retired meanwhile, or failed).
  uint32_t apps_unanswered = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, directory_report& x) {
  return f(caf::meta::type_name("eureka.directory_report"), x.registry_actors, x.reads,
           x.registrations_total, x.renewals_total, x.cancels_total, x.evictions_total,
           x.status_changes_total, x.load, x.apps, x.apps_unanswered);
}

/// The eviction actor: its last sweep and the self-preservation decision.
struct eviction_report {
  /// Epoch ms of the last completed sweep (0: none yet) and of the next.
  int64_t last_sweep_ms = 0;
  int64_t next_sweep_ms = 0;
  uint64_t sweeps_total = 0;
  /// Leases found expired and leases evicted by the last sweep.
  uint64_t last_expired = 0;
  uint64_t last_evicted = 0;
  uint64_t evictions_total = 0;
  /// Figures the decision was taken on.
  uint64_t leases = 0;
  int64_t renews_last_minute = 0;
  int64_t renew_threshold = 0;
  bool lease_expiration_enabled = true;
  bool self_preservation_enabled = true;
  /// True while self-preservation withholds evictions (renewals below the
  /// threshold with self-preservation on).
  bool self_preservation_active = false;
  /// Why, in one sentence for people (e.g. "renewals in the last minute
  /// (12) below the threshold (17): expired leases are kept").
  std::string decision;
  actor_load load;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, eviction_report& x) {
  return f(caf::meta::type_name("eureka.eviction_report"), x.last_sweep_ms, x.next_sweep_ms,
           x.sweeps_total, x.last_expired, x.last_evicted, x.evictions_total, x.leases,
           x.renews_last_minute, x.renew_threshold, x.lease_expiration_enabled,
           x.self_preservation_enabled, x.self_preservation_active, x.decision, x.load);
}

} // namespace eureka
