#include "actors/app_registry.hpp"

#include <chrono>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/actor_load.hpp"
#include "codec/instance_codec.hpp"
#include "common/log.hpp"
#include "messages/atoms.hpp"

namespace eureka {

const char* app_registry_state::name = "app_registry";

namespace {

using self_ptr = app_registry_actor::stateful_pointer<app_registry_state>;

/// Publishes the current view plus the delta entries of the pending
/// changes, then releases the replies that waited for it.
void flush(self_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  app_view_update update;
  update.timestamp_ms = epoch_now(self);
  if (st.rebuild) {
    // Every record with its lease timing as of now (renewals show). Records
    // share the table's instances: a pointer and the timing per instance,
    // nothing encoded; the lease map is ordered by id, so are they.
    std::vector<instance_record> instances;
    instances.reserve(st.table->size());
    for (const auto& entry : st.table->leases())
      instances.push_back(entry.second.record());
    st.published = record_sequence::from_sorted(std::move(instances));
    st.published_counts = count_statuses(st.published);
    st.rebuild = false;
    st.renewed = false;
  } else {
    // Only what changed: the rest of the last view is shared as it is.
    for (const auto& change : st.pending) {
      std::optional<instance_record> replaced;
      if (auto l = st.table->find(change.id)) {
        auto current = l->record();
        st.published_counts.add(current.status());
        replaced = st.published.upsert(std::move(current));
      } else {
        replaced = st.published.erase(change.id);
      }
      if (replaced)
        st.published_counts.add(replaced->status(), -1);
    }
  }
  for (auto& change : st.pending)
    if (change.in_delta)
      update.delta.push_back(std::move(change.record));
  st.pending.clear();
  update.view =
      make_app_view(st.table->name(), st.published, st.published_counts, st.table->overrides());
  update.registrations = st.registrations;
  auto count = static_cast<uint64_t>(st.table->size());
  self->send(st.reader, view_atom::value, std::move(update));
  // Renewals change neither figure: most flushes skip the directory.
  if (count != st.counted_instances || st.registrations != st.counted_registrations) {
    st.counted_instances = count;
    st.counted_registrations = st.registrations;
    self->send(st.directory, view_atom::value,
               app_view_count{st.table->name(), count, st.registrations});
  }
  if (!st.to_replicate.empty()) {
    if (st.replication)
      self->send(st.replication, replicate_atom::value, std::move(st.to_replicate), uint64_t{0});
    st.to_replicate.clear();
  }
  for (auto& [promise, reply] : st.waiting)
    promise.deliver(std::move(reply));
  st.waiting.clear();
  for (auto& [promise, replies] : st.waiting_batches)
    promise.deliver(std::move(replies));
  st.waiting_batches.clear();
}

/// Publishes a new view at the next flush (one flush message per burst).
void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

/// Queues changes for the next flush.
void stage(self_ptr self, table_changes&& changes) {
  auto& st = self->state;
  if (changes.empty())
    return;
  st.pending.insert(st.pending.end(), std::make_move_iterator(changes.begin()),
                    std::make_move_iterator(changes.end()));
  schedule_flush(self);
}

/// Answers at once when nothing is unpublished, else after the flush.
caf::result<write_reply> answer(self_ptr self, write_reply reply) {
  auto& st = self->state;
  if (st.pending.empty())
    return reply;
  auto promise = self->make_response_promise<write_reply>();
  st.waiting.emplace_back(promise, std::move(reply));
  return promise;
}

/// answer() for a batch: one reply for all its items.
caf::result<std::vector<write_reply>> answer_batch(self_ptr self,
                                                   std::vector<write_reply> replies) {
  auto& st = self->state;
  if (st.pending.empty())
    return replies;
  auto promise = self->make_response_promise<std::vector<write_reply>>();
  st.waiting_batches.emplace_back(promise, std::move(replies));
  return promise;
}

/// Publishes the renewal timestamps of the last tick (a view built anew, no
/// delta entries) when something was renewed since the last such view.
void publish_renewals(self_ptr self) {
  if (self->state.renewed) {
    self->state.rebuild = true;
    schedule_flush(self);
  }
}

/// "APP/id" in a log line: both come from requests, so both are escaped,
/// and only when the line is written (heartbeats log at debug level).
struct who {
  std::string_view app;
  std::string_view id;
};

/// The directory's retire_atom: it no longer routes anything here, and
/// everything it delegated before came first (mailbox order), so the table
/// is empty and the actor quits. Anything else is a bookkeeping bug: it is
/// logged loudly and the instances are handed back through the directory
/// (as replicated registrations) instead of being dropped.
void retire(self_ptr self) {
  auto& st = self->state;
  if (!st.pending.empty() || !st.waiting.empty() || !st.waiting_batches.empty())
    flush(self); // no reply may wait forever (the reader ignores the view)
  if (st.table->size() > 0) {
    log::error("registry",
               "registry actor of {} told to retire while holding {} instances (bookkeeping "
               "bug): handing them back to the directory",
               log::printable(st.table->name()), st.table->size());
    for (const auto& [id, l] : st.table->leases())
      self->send(st.directory, handback_atom::value, register_cmd{l.decorated(), true, false});
  }
  // Its counters stay in the node-wide totals (sent before it quits, so
  // before any request it bounces reaches the directory).
  self->send(st.directory, handback_atom::value, report_of(self));
  log::debug("registry", "registry actor of {} retired", log::esc(st.table->name()));
  self->quit();
}

write_reply reply_of(bool found) {
  return write_reply{found ? write_outcome::ok : write_outcome::not_found, caf::none};
}

/// Queues a client write the table applied for the peers (contract §2.8:
/// what ReplicationTaskProcessor fills in per action). Replicated writes
/// are never replicated again; without a cluster nothing is kept.
void replicate(self_ptr self, replication_action action, const std::string& id) {
  auto& st = self->state;
  if (!st.replication)
    return;
  replication_item item;
  item.action = action;
  item.app = st.table->name();
  item.id = id;
  if (action != replication_action::cancel) {
    auto l = st.table->find(id);
    if (l == nullptr)
      return; // nothing applied
    item.last_dirty_timestamp = l->holder().last_dirty_timestamp;
    item.status = l->holder().status;
    if (action == replication_action::register_instance)
      item.info = l->decorated();
  }
  st.to_replicate.push_back(std::move(item));
  schedule_flush(self);
}

/// Relays the renewals of the last tick: one heartbeat item per renewed
/// instance, described by its registry copy (contract §2.8).
void relay(self_ptr self) {
  auto& st = self->state;
  st.relay_scheduled = false;
  if (!st.replication) {
    st.to_relay.clear();
    return;
  }
  auto renewals = std::exchange(st.renewals_to_relay, 0);
  std::vector<replication_item> items;
  items.reserve(st.to_relay.size());
  for (const auto& id : st.to_relay)
    if (auto l = st.table->find(id)) {
      replication_item item;
      item.action = replication_action::heartbeat;
      item.app = st.table->name();
      item.id = id;
      item.last_dirty_timestamp = l->holder().last_dirty_timestamp;
      item.status = l->holder().status;
      item.overridden_status = st.table->override_of(id);
      items.push_back(std::move(item));
    }
  st.to_relay.clear();
  if (!items.empty())
    self->send(st.replication, replicate_atom::value, std::move(items), renewals);
}

void note_renewal(self_ptr self, const std::string& id) {
  auto& st = self->state;
  if (!st.replication)
    return;
  st.to_relay.insert(id);
  ++st.renewals_to_relay;
  if (!st.relay_scheduled) {
    st.relay_scheduled = true;
    self->delayed_send(self, std::chrono::milliseconds{st.cfg.heartbeat_relay_interval_ms},
                       relay_atom::value);
  }
}

uint64_t fnv1a(uint64_t h, std::string_view bytes) {
  for (auto c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

} // namespace

app_registry_report report_of(self_ptr self) {
  auto& st = self->state;
  auto& table = *st.table;
  auto now = epoch_now(self);
  app_registry_report r;
  r.app = table.name();
  r.instances = static_cast<uint32_t>(table.size());
  r.status_counts.assign(std::size(all_statuses), 0);
  for (const auto& entry : table.leases())
    ++r.status_counts[static_cast<size_t>(entry.second.holder().status)];
  r.overrides = static_cast<uint32_t>(table.overrides().size());
  r.registrations_total = st.registrations_applied;
  r.renewals_total = st.renewals_applied;
  r.cancels_total = st.cancels_applied;
  r.evictions_total = st.evictions_applied;
  r.status_changes_total = st.status_changes_applied;
  r.renews_last_minute = table.renews_last_minute(now);
  r.load = load_of(self, st.load, now);
  return r;
}

app_digest digest_of(const app_table& table) {
  app_digest d;
  d.app = table.name();
  d.count = static_cast<uint32_t>(table.size());
  uint64_t h = 14695981039346656037ULL;
  for (const auto& [id, l] : table.leases()) { // ordered by id
    h = fnv1a(h, id);
    h = fnv1a(h, std::string_view{"\0", 1});
    auto ts = std::to_string(l.holder().last_dirty_timestamp);
    h = fnv1a(h, ts);
    h = fnv1a(h, to_string(l.holder().status));
    h = fnv1a(h, to_string(l.holder().overridden_status));
    // What a metadata update (E10) changes without touching the dirty
    // timestamp, and what a re-registration may change.
    h = fnv1a(h, l.holder().host_name);
    h = fnv1a(h, l.holder().ip_addr);
    h = fnv1a(h, std::to_string(l.holder().port.port));
    h = fnv1a(h, l.holder().vip_address ? *l.holder().vip_address : std::string{});
    for (const auto& [k, v] : l.holder().metadata) {
      h = fnv1a(h, k);
      h = fnv1a(h, std::string_view{"=", 1});
      h = fnv1a(h, v);
    }
    h = fnv1a(h, std::string_view{"\n", 1});
  }
  d.hash = h;
  return d;
}

} // namespace eureka

template <>
struct fmt::formatter<eureka::who> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }

  template <class FormatContext>
  auto format(const eureka::who& w, FormatContext& ctx) const {
    return fmt::format_to(ctx.out(), "{}/{}", eureka::log::esc(w.app), eureka::log::esc(w.id));
  }
};

namespace eureka {

namespace {

// After the formatter of `who`, which it logs with.
/// Applies one heartbeat (alone or in a batch); the reply leaves with
/// answer() once the changes it staged, if any, are published.
write_reply renew(self_ptr self, renew_cmd& cmd) {
  auto& st = self->state;
  table_changes changes;
  auto result = st.table->renew(cmd.id, cmd.is_replication, cmd.last_dirty_timestamp,
                                cmd.overridden_status, epoch_now(self), changes);
  stage(self, std::move(changes));
  switch (result.outcome) {
  case renew_outcome::ok:
    ++st.renewals_applied;
    st.renewed = true;
    if (!cmd.is_replication)
      note_renewal(self, cmd.id);
    log::debug("registry", "renewed {}", who{cmd.app, cmd.id});
    return write_reply{};
  case renew_outcome::conflict:
    st.renewed = true;
    return write_reply{write_outcome::conflict, std::move(result.conflict_entity)};
  case renew_outcome::not_found:
    break;
  }
  log::debug("registry", "renew refused for {}: unknown or must re-register", who{cmd.app, cmd.id});
  return write_reply{write_outcome::not_found, caf::none};
}

} // namespace

app_registry_actor::behavior_type app_registry(self_ptr self, std::string app, registry_config cfg,
                                               time_anchor clock, directory_actor directory,
                                               reader_actor reader) {
  auto& st = self->state;
  st.cfg = cfg;
  st.clock = clock;
  st.directory = std::move(directory);
  st.reader = std::move(reader);
  st.table = std::make_unique<app_table>(app, cfg, clock.epoch_ms);
  self->set_default_handler(caf::drop);
  return {
      [=](register_cmd& cmd) -> caf::result<write_reply> {
        count_handled(self);
        auto id = cmd.info.id();
        ++self->state.registrations;
        if (cmd.is_replication
            && self->state.table->cancelled_after(id, cmd.info.lease.registration_timestamp)) {
          // A peer's copy older than a cancel made here: answered like any
          // replicated registration (Java: always 200), but not applied.
          log::info("registry", "ignored a replicated registration of {}: cancelled here since",
                    who{self->state.table->name(), id});
          schedule_flush(self); // the directory learns it is no longer in flight
          return answer(self, write_reply{});
        }
        if (cmd.only_replacing && self->state.table->find(id) == nullptr) {
          // Admitted at max-instances only to replace an instance: this one
          // would add one.
          if (self->state.capacity_refusals.note())
            log::warn("registry", "refused registration of {}: {} instances is the maximum",
                      who{self->state.table->name(), id}, self->state.cfg.max_instances);
          schedule_flush(self); // the directory learns it is no longer in flight
          return answer(self, write_reply{write_outcome::over_instance_capacity, caf::none});
        }
        table_changes changes;
        bool fresh = self->state.table->register_instance(
            std::move(cmd.info), cmd.is_replication, epoch_now(self), changes, cmd.adopt_override);
        ++self->state.registrations_applied;
        auto l = self->state.table->find(id);
        // Replicated registrations (a peer's, a start-up sync's: thousands at
        // once) at debug level; the node that took the client's is at info.
        log::write(cmd.is_replication ? log::level::debug : log::level::info, "registry",
                   "{} {} status={} lease={}s replication={}",
                   fresh ? "registered" : "re-registered", who{self->state.table->name(), id},
                   l ? to_string(l->holder().status) : "?", l ? l->duration_ms / 1000 : 0,
                   cmd.is_replication);
        stage(self, std::move(changes));
        if (!cmd.is_replication)
          replicate(self, replication_action::register_instance, id);
        // Always a view after a registration: it tells the directory the
        // registration is no longer in flight.
        schedule_flush(self);
        return answer(self, write_reply{});
      },
      [=](renew_cmd& cmd) -> caf::result<write_reply> {
        count_handled(self);
        auto reply = renew(self, cmd);
        return answer(self, std::move(reply));
      },
      // The gateway's heartbeats of this application from one I/O poll.
      [=](renew_batch& batch) -> caf::result<std::vector<write_reply>> {
        count_handled(self);
        std::vector<write_reply> replies;
        replies.reserve(batch.items.size());
        for (auto& cmd : batch.items)
          replies.push_back(renew(self, cmd));
        return answer_batch(self, std::move(replies));
      },
      [=](cancel_cmd& cmd) -> caf::result<write_reply> {
        count_handled(self);
        table_changes changes;
        bool found = self->state.table->cancel(cmd.id, epoch_now(self), changes, cmd.cancelled_at);
        if (found) {
          ++self->state.cancels_applied;
          log::write(cmd.is_replication ? log::level::debug : log::level::info, "registry",
                     "cancelled {} replication={}", who{cmd.app, cmd.id}, cmd.is_replication);
          stage(self, std::move(changes));
          self->state.to_relay.erase(cmd.id);
          if (!cmd.is_replication)
            replicate(self, replication_action::cancel, cmd.id);
        } else {
          // Debug only: anyone can send these, and they change nothing.
          log::debug("registry", "cancel of unknown instance {}", who{cmd.app, cmd.id});
        }
        return answer(self, reply_of(found));
      },
      [=](status_cmd& cmd) -> caf::result<write_reply> {
        count_handled(self);
        table_changes changes;
        auto now = epoch_now(self);
        auto& table = *self->state.table;
        // An expired lease counts as absent while expiration is enabled.
        if (table.find_live(cmd.id, now, self->state.hide_expired) == nullptr)
          return answer(self, reply_of(false));
        bool found =
            cmd.remove
                ? table.delete_override(cmd.id, cmd.value, cmd.last_dirty_timestamp, now, changes)
                : table.set_override(cmd.id, cmd.value, cmd.last_dirty_timestamp, now, changes);
        if (found) {
          ++self->state.status_changes_applied;
          log::info("registry", "{} override of {}: status now {}", cmd.remove ? "removed" : "set",
                    who{cmd.app, cmd.id}, to_string(table.find(cmd.id)->holder().status));
        }
        stage(self, std::move(changes));
        if (found && !cmd.is_replication)
          replicate(self,
                    cmd.remove ? replication_action::delete_status_override
                               : replication_action::status_update,
                    cmd.id);
        return answer(self, reply_of(found));
      },
      [=](metadata_cmd& cmd) -> caf::result<write_reply> {
        count_handled(self);
        table_changes changes;
        using result = app_table::metadata_result;
        switch (self->state.table->update_metadata(cmd.id, cmd.entries, epoch_now(self), changes)) {
        case result::updated:
          log::info("registry", "metadata of {} updated ({} keys)", who{cmd.app, cmd.id},
                    cmd.entries.size());
          stage(self, std::move(changes));
          // E10 registers the merged instance again: replicated as Register.
          replicate(self, replication_action::register_instance, cmd.id);
          return answer(self, write_reply{});
        case result::too_large:
          return answer(self, write_reply{write_outcome::rejected, caf::none});
        case result::not_found:
          break;
        }
        return answer(self, reply_of(false));
      },
      [=](const instance_query& query) -> read_reply {
        count_handled(self);
        auto l = self->state.table->find_live(query.id, epoch_now(self), self->state.hide_expired);
        if (l == nullptr)
          return read_reply{read_outcome::not_found, {}, false};
        auto info = l->decorated();
        // Java's V1AwareInstanceInfoConverter: E5/E11 XML is written with no
        // request version set, so OUT_OF_SERVICE and UNKNOWN show as DOWN
        // (contract §2.6, seen on the wire). JSON and cached reads are exact.
        if (query.format != payload_format::json
            && (info.status == instance_status::out_of_service
                || info.status == instance_status::unknown))
          info.status = instance_status::down;
        auto body = query.format == payload_format::json ? codec::instance_document_json(info)
                                                         : codec::instance_document_xml(info);
        return read_reply{read_outcome::ok, std::make_shared<const std::string>(std::move(body)),
                          false};
      },
      [=](sweep_atom, int64_t extra_ms) -> sweep_report {
        count_handled(self);
        auto now = epoch_now(self);
        auto& table = *self->state.table;
        return sweep_report{table.expired(now, extra_ms), table.size(),
                            table.renews_last_minute(now)};
      },
      [=](evict_atom, const std::vector<std::string>& ids, int64_t extra_ms) {
        count_handled(self);
        table_changes changes;
        auto& table = *self->state.table;
        self->state.evictions_applied += table.evict(ids, epoch_now(self), extra_ms, changes);
        for (const auto& change : changes)
          log::info("registry", "evicted {} (lease expired)", who{table.name(), change.id});
        stage(self, std::move(changes));
      },
      [=](digest_atom) -> app_digest {
        count_handled(self);
        return digest_of(*self->state.table);
      },
      [=](export_atom) -> app_export {
        count_handled(self);
        app_export out;
        out.app = self->state.table->name();
        out.instances.reserve(self->state.table->size());
        for (const auto& [id, l] : self->state.table->leases())
          out.instances.push_back(l.decorated());
        for (const auto& [id, at] : self->state.table->tombstones())
          out.cancelled.push_back(tombstone{id, at});
        return out;
      },
      [=](cluster_atom, replication_actor& replication) {
        count_handled(self);
        self->state.replication = std::move(replication);
      },
      [=](flush_atom) {
        count_handled(self);
        flush(self);
      },
      [=](relay_atom) {
        count_handled(self);
        relay(self);
      },
      [=](refresh_atom) {
        count_handled(self);
        // The directory's tick, one for all applications.
        if (self->state.table->expire_overrides(epoch_now(self)) > 0)
          schedule_flush(self); // the override dump changed
        self->state.table->expire_tombstones(epoch_now(self));
        if (auto more = self->state.capacity_refusals.flush(); more > 0)
          log::warn("registry", "... and {} more registrations of {} refused at capacity", more,
                    log::esc(self->state.table->name()));
        publish_renewals(self);
      },
      [=](expiry_atom, bool lease_expiration_enabled) {
        count_handled(self);
        self->state.hide_expired = lease_expiration_enabled;
      },
      [=](retire_atom) {
        count_handled(self);
        retire(self);
      },
      [=](admin_atom) -> app_registry_report {
        count_handled(self);
        return report_of(self);
      },
  };
}

} // namespace eureka
