// The lease table of one application and every rule that changes it
// (contract §3.2–§3.6). Pure logic: no actors, no I/O, time passed in, so
// each rule is unit-tested directly. The app_registry actor owns one.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <caf/optional.hpp>

#include "registry/instance_info.hpp"
#include "registry/lease.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

/// What one operation changed, for the owner to publish.
struct table_change {
  std::string id;
  /// The instance as readers now see it (actionType set); for a removal,
  /// the last state with actionType DELETED.
  instance_record record;
  bool removed = false;
  /// Whether the change goes into the recently-changed (delta) queue.
  bool in_delta = true;
};

using table_changes = std::vector<table_change>;

enum class renew_outcome { ok, not_found, conflict };

struct renew_result {
  renew_outcome outcome = renew_outcome::ok;
  /// Our copy, for a replicated renew answered with 409.
  caf::optional<instance_info> conflict_entity;
};

/// Renewals counted per minute; reports the previous full minute like
/// Java's MeasuredRate (minutes counted from `origin_ms`).
class renewal_rate {
public:
  explicit renewal_rate(int64_t origin_ms = 0) : origin_ms_(origin_ms) {}

  void count(int64_t now_ms) {
    roll(now_ms);
    ++current_;
  }

  int64_t last_minute(int64_t now_ms) {
    roll(now_ms);
    return previous_;
  }

private:
  void roll(int64_t now_ms) {
    auto minute = (now_ms - origin_ms_) / 60000;
    if (minute == minute_)
      return;
    previous_ = minute == minute_ + 1 ? current_ : 0;
    current_ = 0;
    minute_ = minute;
  }

  int64_t origin_ms_;
  int64_t minute_ = 0;
  int64_t current_ = 0;
  int64_t previous_ = 0;
};

class app_table {
public:
  app_table(std::string app_name, registry_config cfg, int64_t origin_ms);

  const std::string& name() const { return name_; }

  /// POST apps/{app}. Returns true when the id had no lease before.
  /// `adopt_override`: a peer's newer copy taken after its 409 (contract
  /// §5.2): its overridden status, unless UNKNOWN, replaces ours first
  /// (storeOverriddenStatusIfRequired), then it registers as a replication.
  bool register_instance(instance_info info, bool is_replication, int64_t now_ms,
                         table_changes& changes, bool adopt_override = false);

  /// PUT apps/{app}/{id}, including the lastDirtyTimestamp reconciliation
  /// of InstanceResource.renewLease.
  renew_result renew(const std::string& id, bool is_replication,
                     const caf::optional<int64_t>& last_dirty_timestamp,
                     const caf::optional<instance_status>& overridden_status, int64_t now_ms,
                     table_changes& changes);

  /// DELETE apps/{app}/{id} (and eviction). False when there was no lease.
  /// `cancelled_at`: a cancel a peer re-sends while catching this node up
  /// (ours, not Java's): it applies only to a lease registered no later than
  /// that time, so a registration made here since is kept.
  bool cancel(const std::string& id, int64_t now_ms, table_changes& changes,
              const caf::optional<int64_t>& cancelled_at = caf::none);

  /// Whether `id` was cancelled here (by a client or a peer, not evicted)
  /// after `registered_ms`: a replicated copy registered before that is
  /// stale (a peer catching us up, or a heartbeat's re-registration racing
  /// the cancel) and must not bring the instance back. 0 is "unknown" (Java
  /// peers send no registration time): never stale.
  bool cancelled_after(const std::string& id, int64_t registered_ms) const;

  /// Cancels kept for cancelled_after (id → time), for catch-ups.
  const std::unordered_map<std::string, int64_t>& tombstones() const { return tombstones_; }

  /// Forgets cancels older than the configured tombstone retention.
  size_t expire_tombstones(int64_t now_ms);

  /// Most cancels remembered per application (the oldest goes first).
  static constexpr size_t max_tombstones = 10000;

  /// PUT .../status?value=S. False when there is no lease.
  bool set_override(const std::string& id, instance_status value,
                    const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                    table_changes& changes);

  /// DELETE .../status[?value=S]. False when there is no lease.
  bool delete_override(const std::string& id, instance_status value,
                       const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                       table_changes& changes);

  /// PUT .../metadata?k=v: merge, then register the result again. A merge
  /// that would exceed the metadata limits changes nothing.
  enum class metadata_result { updated, not_found, too_large };
  metadata_result update_metadata(const std::string& id, const string_pairs& entries,
                                  int64_t now_ms, table_changes& changes);

  /// Ids of leases expired at `now_ms` allowing `extra_ms` compensation.
  std::vector<std::string> expired(int64_t now_ms, int64_t extra_ms) const;

  /// Evicts those of `ids` that are still present and still expired (a
  /// renewal may have arrived since they were reported); returns how many.
  size_t evict(const std::vector<std::string>& ids, int64_t now_ms, int64_t extra_ms,
               table_changes& changes);

  /// Renewals counted in the previous full minute.
  int64_t renews_last_minute(int64_t now_ms) { return renewals_.last_minute(now_ms); }

  /// Forgets overrides not accessed within the configured expiry; returns
  /// how many were forgotten.
  size_t expire_overrides(int64_t now_ms);

  /// The lease of `id` as reads and status changes see it: absent when
  /// expired while `hide_expired` (lease expiration enabled, §3.10).
  const lease* find_live(const std::string& id, int64_t now_ms, bool hide_expired) const;

  const lease* find(const std::string& id) const;

  /// Leases by instance id (ordered: payloads list instances in id order).
  /// A key views the id inside its own lease's registrant (the id is not
  /// stored twice): valid while that lease is, not beyond.
  using lease_map = std::map<std::string_view, lease>;
  const lease_map& leases() const { return leases_; }

  size_t size() const { return leases_.size(); }

  /// The strings the records of this table share.
  const string_pool& pool() const { return pool_; }

  /// The override map (id → status), for the status-overrides dump.
  string_pairs overrides() const;

  /// The override of `id`, if any (without touching its expiry: replication
  /// reads it to describe a heartbeat, which is not an access).
  caf::optional<instance_status> override_of(const std::string& id) const;

private:
  struct override_entry {
    instance_status status;
    int64_t last_access_ms;
  };

  const instance_status* lookup_override(const std::string& id, int64_t now_ms);

  void store_override_if_required(lease_map::iterator i, instance_status status, int64_t now_ms,
                                  table_changes& changes);

  /// Replaces the registrant of `*i` by a copy `change` modified, and points
  /// its key at the new registrant's id; returns the lease's new position.
  template <class F>
  lease_map::iterator modify_holder(lease_map::iterator i, F change);

  void emit(const lease& l, bool in_delta, table_changes& changes) const;

  void remember_cancel(const std::string& id, int64_t at_ms);

  /// The effective part of a status update or override deletion (§3.5).
  void modify_status(lease_map::iterator i, instance_status overridden, instance_status status,
                     const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                     table_changes& changes);

  std::string name_;
  registry_config cfg_;
  /// The strings this application's instances share (records point into it).
  string_pool pool_;
  lease_map leases_;
  std::unordered_map<std::string, override_entry> overrides_;
  /// Recent cancels (id → time); evictions leave none (each node evicts on
  /// its own, and a peer still renewing the instance is right).
  std::unordered_map<std::string, int64_t> tombstones_;
  renewal_rate renewals_;
};

} // namespace eureka
