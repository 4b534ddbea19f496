// The directory: maps application names to their registry actors (spawned
// on first registration, retired once the application has been empty for
// the delta retention), admits registrations within the capacity limits and
// routes writes to them. Reads it hands to the reader (actors/reader.hpp),
// which it spawns and tells its routes: no read is ever handled in this
// mailbox, so none can hold up a write behind it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/app_slots.hpp"
#include "actors/app_view.hpp"
#include "actors/reader.hpp"
#include "actors/time_anchor.hpp"
#include "common/log.hpp"
#include "common/rate_meter.hpp"
#include "messages/admin_messages.hpp"
#include "messages/interfaces.hpp"
#include "messages/registry_stats.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

/// Write counters of registry actors, summed (the node-wide totals of the
/// admin report).
struct write_totals {
  uint64_t registrations = 0;
  uint64_t renewals = 0;
  uint64_t cancels = 0;
  uint64_t evictions = 0;
  uint64_t status_changes = 0;

  void add(const app_registry_report& r) {
    registrations += r.registrations_total;
    renewals += r.renewals_total;
    cancels += r.cancels_total;
    evictions += r.evictions_total;
    status_changes += r.status_changes_total;
  }

  void subtract(const app_registry_report& r) {
    registrations -= r.registrations_total;
    renewals -= r.renewals_total;
    cancels -= r.cancels_total;
    evictions -= r.evictions_total;
    status_changes -= r.status_changes_total;
  }

  write_totals operator+(const write_totals& o) const {
    return {registrations + o.registrations, renewals + o.renewals, cancels + o.cancels,
            evictions + o.evictions, status_changes + o.status_changes};
  }
};

/// An admin report being gathered from the registry actors.
struct admin_gathering {
  caf::typed_response_promise<directory_report> promise;
  directory_report report;
  /// Counters of the actors that answered, and which report is whose: an
  /// actor that retires before the report is delivered is then counted once
  /// (its final report replaces its answer).
  write_totals answered;
  std::vector<std::pair<caf::actor_addr, size_t>> answered_by;
  size_t pending = 0;
};

/// A retired registry actor still answering what was delegated to it.
struct retiring_actor {
  std::string app;
  app_registry_actor actor;
};

struct directory_state {
  registry_config cfg;
  time_anchor clock;
  /// The registry actor of each application, with what the capacity limits
  /// and retirement need to know about it.
  app_slots<app_registry_actor> apps{0, 0};
  /// Retired registry actors still answering what was delegated to them
  /// before retirement; their exit is expected, not a failure.
  std::unordered_map<caf::actor_addr, retiring_actor> retiring;
  /// Registrations refused at capacity, rate-limited in the log (flushed by
  /// the retention timer).
  log::warning_burst capacity_refusals;
  /// Serves the reads (linked: it stops with the directory, and a failure
  /// of either stops both).
  reader_actor reader;
  /// Lease expiration enabled (from the eviction actor), told to every
  /// registry actor.
  bool lease_expiration_enabled = false;
  /// The replication actor every registry actor publishes to (none until
  /// the node wires the cluster).
  replication_actor replication;
  /// Gateways subscribed to the routing table (routes_atom): they send
  /// heartbeats straight to the registry actors. Weak references: the
  /// gateway already holds the directory, and a cycle would keep both alive
  /// past shutdown.
  std::vector<caf::actor_addr> route_subscribers;
  // -- admin figures (admin_atom) --------------------------------------------
  /// Every message handled, counted once.
  rate_meter load;
  /// Final write counters of the registry actors that retired (so the
  /// node-wide totals never decrease).
  write_totals retired;
  /// Admin reports waiting for registry actors (usually none or one).
  std::vector<std::shared_ptr<admin_gathering>> admin_gatherings;
  static const char* name;
};

/// Spawn with (config, clock anchor, where its reader runs).
directory_actor::behavior_type directory(directory_actor::stateful_pointer<directory_state> self,
                                         registry_config cfg, time_anchor clock,
                                         reader_placement placement);

} // namespace eureka
