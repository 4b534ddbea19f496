#include "registry/app_table.hpp"

#include <algorithm>
#include <utility>

#include "registry/status_rules.hpp"

namespace eureka {

app_table::app_table(std::string app_name, registry_config cfg, int64_t origin_ms)
    : name_(std::move(app_name)), cfg_(cfg), renewals_(origin_ms) {
  // nop
}

const lease* app_table::find(const std::string& id) const {
  auto i = leases_.find(id);
  return i == leases_.end() ? nullptr : &i->second;
}

caf::optional<instance_status> app_table::override_of(const std::string& id) const {
  auto i = overrides_.find(id);
  if (i == overrides_.end())
    return caf::none;
  return i->second.status;
}

const instance_status* app_table::lookup_override(const std::string& id, int64_t now_ms) {
  auto i = overrides_.find(id);
  if (i == overrides_.end())
    return nullptr;
  i->second.last_access_ms = now_ms;
  return &i->second.status;
}

template <class F>
app_table::lease_map::iterator app_table::modify_holder(lease_map::iterator i, F change) {
  auto next = std::next(i);
  auto node = leases_.extract(i);
  node.mapped().modify_holder(change, &pool_);
  // Same id, new memory: the key must view the new registrant's (the old
  // one may be freed as soon as no reader holds it).
  node.key() = node.mapped().holder().id_view();
  return leases_.insert(next, std::move(node));
}

void app_table::emit(const lease& l, bool in_delta, table_changes& changes) const {
  changes.push_back(table_change{l.holder().id(), l.record(), false, in_delta});
}

bool app_table::register_instance(instance_info info, bool is_replication, int64_t now_ms,
                                  table_changes& changes, bool adopt_override) {
  auto id = info.id();
  if (adopt_override && info.overridden_status != instance_status::unknown)
    overrides_[id] = override_entry{info.overridden_status, now_ms};
  auto duration_ms = granted_duration_ms(info);
  auto existing_it = leases_.find(id);
  const lease* existing = existing_it == leases_.end() ? nullptr : &existing_it->second;
  // A registrant older than what we hold loses: keep our copy (§3.2 step 2).
  if (existing != nullptr && existing->holder().last_dirty_timestamp > info.last_dirty_timestamp)
    info = existing->holder().expand();
  lease fresh;
  fresh.registration_timestamp = now_ms;
  fresh.last_update_timestamp = now_ms;
  fresh.duration_ms = duration_ms;
  if (existing != nullptr)
    fresh.service_up_timestamp = existing->service_up_timestamp;
  // Initial override transfer (step 6).
  if (info.overridden_status != instance_status::unknown && overrides_.count(id) == 0)
    overrides_.emplace(id, override_entry{info.overridden_status, now_ms});
  auto override_status = lookup_override(id, now_ms);
  if (override_status != nullptr)
    info.overridden_status = *override_status;
  info.status = compute_instance_status(info, existing, override_status, is_replication);
  if (info.status == instance_status::up)
    fresh.service_up(now_ms);
  if (info.lease.renewal_interval_secs <= 0)
    info.lease.renewal_interval_secs = default_renewal_interval_secs;
  info.lease.duration_secs = static_cast<int32_t>(duration_ms / 1000);
  info.action = action_type::added;
  info.last_updated_timestamp = now_ms;
  fresh.set_holder(info, &pool_);
  bool was_new = existing == nullptr;
  tombstones_.erase(id);
  // The key views the id inside the new registrant (moving the lease moves
  // the pointer, not the registrant).
  std::string_view key = fresh.holder().id_view();
  lease_map::iterator slot;
  if (existing_it != leases_.end()) {
    // Reuse the node: no allocation for a re-registration.
    auto next = std::next(existing_it);
    auto node = leases_.extract(existing_it);
    node.mapped() = std::move(fresh);
    node.key() = key;
    slot = leases_.insert(next, std::move(node));
  } else {
    slot = leases_.emplace(key, std::move(fresh)).first;
  }
  emit(slot->second, true, changes);
  return was_new;
}

void app_table::store_override_if_required(lease_map::iterator i, instance_status status,
                                           int64_t now_ms, table_changes& changes) {
  auto id = i->second.holder().id();
  auto o = overrides_.find(id);
  if (o != overrides_.end() && o->second.status == status)
    return;
  overrides_[id] = override_entry{status, now_ms};
  i = modify_holder(i, [&](instance_info& h) { h.overridden_status = status; });
  // Not a status change (Java does not queue it), but readers must see it.
  emit(i->second, false, changes);
}

renew_result app_table::renew(const std::string& id, bool is_replication,
                              const caf::optional<int64_t>& last_dirty_timestamp,
                              const caf::optional<instance_status>& overridden_status,
                              int64_t now_ms, table_changes& changes) {
  auto i = leases_.find(id);
  if (i == leases_.end())
    return {renew_outcome::not_found, caf::none};
  auto override_status = lookup_override(id, now_ms);
  auto computed =
      compute_instance_status(i->second.holder(), &i->second, override_status, is_replication);
  if (computed == instance_status::unknown)
    return {renew_outcome::not_found, caf::none}; // the client must register again
  if (computed != i->second.holder().status) {
    i = modify_holder(i, [&](instance_info& h) { h.status = computed; });
    // Java changes the status silently (no delta entry, no invalidation); we
    // publish it so reads and the delta stay consistent (decisions.md §2).
    emit(i->second, true, changes);
  }
  auto& l = i->second;
  renewals_.count(now_ms);
  l.renew(now_ms, cfg_.legacy_lease_expiry);
  if (!last_dirty_timestamp)
    return {renew_outcome::ok, caf::none};
  auto ours = l.holder().last_dirty_timestamp;
  if (*last_dirty_timestamp > ours) {
    // The caller has a newer copy: make it register again. A peer also
    // hands over its override.
    if (is_replication && overridden_status && *overridden_status != instance_status::unknown)
      store_override_if_required(i, *overridden_status, now_ms, changes);
    return {renew_outcome::not_found, caf::none};
  }
  if (*last_dirty_timestamp < ours && is_replication)
    return {renew_outcome::conflict, l.decorated()};
  return {renew_outcome::ok, caf::none};
}

bool app_table::cancel(const std::string& id, int64_t now_ms, table_changes& changes,
                       const caf::optional<int64_t>& cancelled_at) {
  // A peer's time of a cancel never lies ahead of ours: a forged one must
  // not outlive the retention or beat every later registration.
  auto at = cancelled_at ? std::min(*cancelled_at, now_ms) : now_ms;
  auto i = leases_.find(id);
  if (cancelled_at && i != leases_.end() && i->second.registration_timestamp > at)
    return false;       // registered again here since that cancel
  overrides_.erase(id); // always, even without a lease (internalCancel)
  if (i == leases_.end())
    return false; // no tombstone: anyone may send cancels of unknown ids
  remember_cancel(id, at);
  // Out of the map first: its key views the registrant about to be replaced.
  auto node = leases_.extract(i);
  auto& l = node.mapped();
  l.eviction_timestamp = now_ms;
  l.modify_holder(
      [&](instance_info& h) {
        h.action = action_type::deleted;
        h.last_updated_timestamp = now_ms;
      },
      &pool_);
  changes.push_back(table_change{id, l.record(), true, true});
  return true;
}

void app_table::modify_status(lease_map::iterator i, instance_status overridden,
                              instance_status status,
                              const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                              table_changes& changes) {
  i = modify_holder(i, [&](instance_info& h) {
    h.overridden_status = overridden;
    h.status = status;
    // A supplied dirty timestamp only ever raises ours.
    if (last_dirty_timestamp && *last_dirty_timestamp > h.last_dirty_timestamp)
      h.last_dirty_timestamp = *last_dirty_timestamp;
    h.action = action_type::modified;
    h.last_updated_timestamp = now_ms;
  });
  emit(i->second, true, changes);
}

bool app_table::set_override(const std::string& id, instance_status value,
                             const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                             table_changes& changes) {
  auto i = leases_.find(id);
  if (i == leases_.end())
    return false;
  auto& l = i->second;
  l.renew(now_ms, cfg_.legacy_lease_expiry); // extends, not counted as a renewal
  if (l.holder().status == value)
    return true; // an override equal to the status is not recorded (§3.5)
  if (value == instance_status::up)
    l.service_up(now_ms);
  overrides_[id] = override_entry{value, now_ms};
  modify_status(i, value, value, last_dirty_timestamp, now_ms, changes);
  return true;
}

bool app_table::delete_override(const std::string& id, instance_status value,
                                const caf::optional<int64_t>& last_dirty_timestamp, int64_t now_ms,
                                table_changes& changes) {
  auto i = leases_.find(id);
  if (i == leases_.end())
    return false;
  auto& l = i->second;
  l.renew(now_ms, cfg_.legacy_lease_expiry);
  if (overrides_.erase(id) == 0)
    return true; // nothing to remove: no change (§3.5)
  modify_status(i, instance_status::unknown, value, last_dirty_timestamp, now_ms, changes);
  return true;
}

app_table::metadata_result app_table::update_metadata(const std::string& id,
                                                      const string_pairs& entries, int64_t now_ms,
                                                      table_changes& changes) {
  auto i = leases_.find(id);
  if (i == leases_.end())
    return metadata_result::not_found;
  auto info = i->second.holder().expand();
  pairs_merger merged{info.metadata};
  for (const auto& [key, value] : entries)
    merged.put(key, value);
  if (!within_metadata_limits(info.metadata))
    return metadata_result::too_large;
  register_instance(std::move(info), false, now_ms, changes);
  return metadata_result::updated;
}

std::vector<std::string> app_table::expired(int64_t now_ms, int64_t extra_ms) const {
  std::vector<std::string> out;
  for (const auto& [id, l] : leases_)
    if (l.is_expired(now_ms, extra_ms))
      out.emplace_back(id);
  return out;
}

size_t app_table::evict(const std::vector<std::string>& ids, int64_t now_ms, int64_t extra_ms,
                        table_changes& changes) {
  size_t n = 0;
  for (const auto& id : ids) {
    auto l = find(id);
    if (l != nullptr && l->is_expired(now_ms, extra_ms) && cancel(id, now_ms, changes)) {
      tombstones_.erase(id); // an eviction is no one's intent to leave
      ++n;
    }
  }
  return n;
}

void app_table::remember_cancel(const std::string& id, int64_t at_ms) {
  if (tombstones_.size() >= max_tombstones && tombstones_.count(id) == 0) {
    auto oldest = tombstones_.begin();
    for (auto i = tombstones_.begin(); i != tombstones_.end(); ++i)
      if (i->second < oldest->second)
        oldest = i;
    tombstones_.erase(oldest);
  }
  tombstones_[id] = at_ms;
}

bool app_table::cancelled_after(const std::string& id, int64_t registered_ms) const {
  if (registered_ms <= 0)
    return false;
  auto i = tombstones_.find(id);
  return i != tombstones_.end() && i->second >= registered_ms;
}

size_t app_table::expire_tombstones(int64_t now_ms) {
  size_t n = 0;
  for (auto i = tombstones_.begin(); i != tombstones_.end();) {
    if (now_ms - i->second > cfg_.tombstone_retention_ms) {
      i = tombstones_.erase(i);
      ++n;
    } else {
      ++i;
    }
  }
  return n;
}

size_t app_table::expire_overrides(int64_t now_ms) {
  size_t n = 0;
  for (auto i = overrides_.begin(); i != overrides_.end();) {
    if (now_ms - i->second.last_access_ms > cfg_.override_expiry_ms) {
      i = overrides_.erase(i);
      ++n;
    } else {
      ++i;
    }
  }
  return n;
}

const lease* app_table::find_live(const std::string& id, int64_t now_ms, bool hide_expired) const {
  auto l = find(id);
  if (l != nullptr && hide_expired && l->is_expired(now_ms, 0))
    return nullptr;
  return l;
}

string_pairs app_table::overrides() const {
  string_pairs out;
  out.reserve(overrides_.size());
  for (const auto& [id, entry] : overrides_)
    out.emplace_back(id, std::string{to_string(entry.status)});
  return out;
}

} // namespace eureka
