// The registry actor of one application: sole owner of its lease table,
// overrides and status rules. It answers writes and publishes a new app_view
// (records sharing its instances, nothing encoded) to the reader after every
// change, before the replies that depend on it, so reads never see stale
// data (decisions.md §2); the directory gets the figures its admission and
// retirement rules need (app_view_count) whenever they change. The directory
// retires it (retire_atom) once its application is empty. Client writes it
// applied go to the replication actor with each flush; client renewals are
// relayed once per tick, coalesced per instance (decisions.md §5).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/app_view.hpp"
#include "actors/time_anchor.hpp"
#include "common/log.hpp"
#include "common/rate_meter.hpp"
#include "messages/interfaces.hpp"
#include "registry/app_table.hpp"
#include "registry/record_sequence.hpp"

namespace eureka {

struct app_registry_state {
  std::unique_ptr<app_table> table;
  directory_actor directory;
  /// Where every view goes (reads are served from there).
  reader_actor reader;
  /// The figures last sent to the directory (app_view_count).
  uint64_t counted_instances = 0;
  uint64_t counted_registrations = 0;
  /// Registrations refused at max-instances (only_replacing), rate-limited
  /// in the log (flushed by the refresh tick).
  log::warning_burst capacity_refusals;
  /// Where applied writes go to reach the peers (none without a cluster).
  replication_actor replication;
  time_anchor clock;
  registry_config cfg;
  /// Renewed since the last view built anew: lastRenewalTimestamp in
  /// payloads lags until the directory's next refresh tick.
  bool renewed = false;
  /// The instances of the last view and their status counts: the next view
  /// is made from them with the changes since (copying only the runs those
  /// touch), or built anew from the table when `rebuild` (first view, and
  /// the refresh tick after renewals).
  record_sequence published;
  status_counts published_counts;
  bool rebuild = true;
  /// Lease expiration is enabled (told by the directory): expired leases
  /// then read as absent for E5/E8/E9/E11 (contract §3.10).
  bool hide_expired = false;
  /// Changes not yet published, and the replies waiting for them: a burst
  /// of writes is published once, and every reply leaves after the view it
  /// depends on (so the next read through the directory already sees it).
  table_changes pending;
  std::vector<std::pair<caf::typed_response_promise<write_reply>, write_reply>> waiting;
  std::vector<
      std::pair<caf::typed_response_promise<std::vector<write_reply>>, std::vector<write_reply>>>
      waiting_batches;
  bool flush_scheduled = false;
  /// Registrations applied so far, published with every view (app_slots).
  uint64_t registrations = 0;
  /// Applied client writes not yet handed to the replication actor (sent
  /// with the next flush), and ids renewed by clients since the last relay
  /// (sent once per relay tick, whatever the number of heartbeats).
  std::vector<replication_item> to_replicate;
  std::unordered_set<std::string> to_relay;
  /// Client renewals behind `to_relay` (coalesced into one item each).
  uint64_t renewals_to_relay = 0;
  bool relay_scheduled = false;
  // -- admin figures (admin_atom) --------------------------------------------
  /// Every message handled, counted once.
  rate_meter load;
  /// Writes applied since start (local and replicated; refused or unknown
  /// ones are not counted). A metadata update (E10) counts as none of them.
  uint64_t registrations_applied = 0;
  uint64_t renewals_applied = 0;
  uint64_t cancels_applied = 0;
  uint64_t evictions_applied = 0;
  /// Overrides set or removed.
  uint64_t status_changes_applied = 0;
  static const char* name;
};

/// Spawn with (app name, config, clock anchor, directory, reader).
app_registry_actor::behavior_type
app_registry(app_registry_actor::stateful_pointer<app_registry_state> self, std::string app,
             registry_config cfg, time_anchor clock, directory_actor directory,
             reader_actor reader);

/// What the registry actor reports about itself (admin_atom, and its last
/// word to the directory when it retires). Call only from its handlers.
app_registry_report report_of(app_registry_actor::stateful_pointer<app_registry_state> self);

/// The digest of a lease table (same instances, ids, lastDirtyTimestamps,
/// statuses and overrides on two nodes ⇔ same digest, short of a hash
/// collision).
app_digest digest_of(const app_table& table);

} // namespace eureka
