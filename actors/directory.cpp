#include "actors/directory.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/actor_load.hpp"
#include "actors/app_registry.hpp"
#include "actors/reader.hpp"
#include "common/log.hpp"
#include "messages/atoms.hpp"

namespace eureka {

const char* directory_state::name = "directory";

namespace {

using self_ptr = directory_actor::stateful_pointer<directory_state>;

/// Tells the reader and the gateways where `app` is served from now (an
/// invalid handle: nowhere; the reader drops its view, the gateways send its
/// heartbeats here again, answered from the table). Sent before anything is
/// delegated to a new actor, so the reader learns a route before that
/// actor's first view, and a gateway before any reply of it.
void publish_route(self_ptr self, const std::string& app, const app_registry_actor& actor) {
  self->send(self->state.reader, routes_atom::value, app, actor);
  for (const auto& addr : self->state.route_subscribers)
    if (auto subscriber = caf::actor_cast<route_subscriber_actor>(addr))
      self->send(subscriber, routes_atom::value, app, actor);
}

/// Forgets an application whose registry actor failed.
void forget_app(self_ptr self, const std::string& name) {
  self->state.apps.erase(name);
  publish_route(self, name, app_registry_actor{});
}

/// Retires the registry actor of an empty application, already taken out
/// of `apps`: nothing is routed to it any more. The view goes too; an empty
/// view shows in no payload and no total (the delta serves the queued forms
/// of the removed instances either way), so no cached payload changes
/// (the reader drops it when told the route is gone). The retire message is an ordinary one, not an
/// exit message that could overtake them: the actor first answers everything already delegated to
/// it, then quits.
void retire(self_ptr self, const std::string& name, const app_registry_actor& hdl,
            const char* why) {
  auto& st = self->state;
  publish_route(self, name, app_registry_actor{});
  st.retiring.emplace(hdl.address(), retiring_actor{name, hdl});
  self->send(hdl, retire_atom::value);
  log::debug("directory", "retiring the registry actor of empty application {} ({})",
             log::esc(name), why);
}

app_registry_actor app_actor(self_ptr self, const std::string& app) {
  auto s = self->state.apps.find(app);
  return s == nullptr ? app_registry_actor{} : s->actor;
}

/// Routes a registration to the registry actor of its application, spawning
/// it on first use. `checked`: subject to the capacity limits (a hand-back
/// from a retired actor is not: it was admitted once).
caf::result<write_reply> delegate_registration(self_ptr self, register_cmd& cmd, bool checked) {
  auto& st = self->state;
  auto name = cmd.info.app;
  if (checked) {
    switch (st.apps.admit(name)) {
    case admission::admitted:
      break;
    case admission::only_replacing:
      // Its registry actor refuses it unless it replaces an instance.
      cmd.only_replacing = true;
      break;
    case admission::too_many_applications:
      if (st.capacity_refusals.note())
        log::warn("directory", "refused registration of {}: {} live applications is the maximum",
                  log::esc(name), st.cfg.max_applications);
      return write_reply{write_outcome::over_capacity, caf::none};
    case admission::too_many_instances:
      if (st.capacity_refusals.note())
        log::warn("directory", "refused registration of {}/{}: {} instances is the maximum",
                  log::esc(name), log::esc(cmd.info.id()), st.cfg.max_instances);
      return write_reply{write_outcome::over_instance_capacity, caf::none};
    }
  }
  auto target = app_actor(self, name);
  if (!target) {
    // The actor count stays within max-applications: the oldest empty
    // application's actor leaves early.
    if (auto room = st.apps.make_room())
      retire(self, room->first, room->second, "room for a new application");
    target = self->spawn<caf::linked>(app_registry, name, st.cfg, st.clock,
                                      caf::actor_cast<directory_actor>(self), st.reader);
    // Sent before the registration: the actor learns them first.
    self->send(target, expiry_atom::value, st.lease_expiration_enabled);
    if (st.replication)
      self->send(target, cluster_atom::value, st.replication);
    st.apps.add(name, target, epoch_now(self));
    publish_route(self, name, target);
  }
  st.apps.delegated(name);
  self->delegate(target, std::move(cmd));
  return caf::delegated<write_reply>{};
}

template <class Cmd>
caf::result<write_reply> forward_write(self_ptr self, Cmd& cmd) {
  auto target = app_actor(self, cmd.app);
  if (!target)
    return write_reply{write_outcome::not_found, caf::none};
  self->delegate(target, std::move(cmd));
  return caf::delegated<write_reply>{};
}

/// Collects one answer per registry actor asked, then delivers them all,
/// ordered by application name. A registry actor that retired since it was
/// asked (its mailbox bounced the request) held nothing: it is skipped.
template <class Part, class Whole>
struct gathering {
  caf::typed_response_promise<Whole> promise;
  Whole parts;
  size_t pending = 0;

  void add(Part part) {
    parts.push_back(std::move(part));
    done_one();
  }

  void done_one() {
    if (--pending > 0)
      return;
    std::sort(parts.begin(), parts.end(),
              [](const Part& a, const Part& b) { return a.app < b.app; });
    promise.deliver(std::move(parts));
  }
};

template <class Part, class Whole, class Atom>
caf::result<Whole> gather(self_ptr self, std::vector<app_registry_actor> targets, Atom atom,
                          bool (*keep)(const Part&)) {
  if (targets.empty())
    return Whole{};
  auto g = std::make_shared<gathering<Part, Whole>>();
  g->promise = self->template make_response_promise<Whole>();
  g->pending = targets.size();
  for (auto& target : targets)
    self->request(target, caf::infinite, atom)
        .then(
            [self, g, keep](Part& part) {
              count_handled(self);
              if (keep(part))
                g->add(std::move(part));
              else
                g->done_one();
            },
            [self, g](caf::error&) {
              count_handled(self);
              g->done_one();
            });
  return g->promise;
}

caf::result<registry_digest> gather_digests(self_ptr self) {
  std::vector<app_registry_actor> targets;
  self->state.apps.for_each(
      [&](const std::string&, const auto& slot) { targets.push_back(slot.actor); });
  return gather<app_digest, registry_digest>(self, std::move(targets), digest_atom::value,
                                             [](const app_digest& d) { return d.count > 0; });
}

/// The instances of `names` (every application when empty).
caf::result<registry_export> gather_exports(self_ptr self, std::vector<std::string> names) {
  std::vector<app_registry_actor> targets;
  if (names.empty()) {
    self->state.apps.for_each(
        [&](const std::string&, const auto& slot) { targets.push_back(slot.actor); });
  } else {
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    for (const auto& name : names)
      if (auto target = app_actor(self, name))
        targets.push_back(target);
  }
  return gather<app_export, registry_export>(
      self, std::move(targets), export_atom::value,
      [](const app_export& e) { return !e.instances.empty() || !e.cancelled.empty(); });
}

// -- admin report -------------------------------------------------------------

/// Delivers a gathered report: the node-wide totals are the retired actors'
/// final counters plus those of the actors that answered.
void deliver_admin(self_ptr self, const std::shared_ptr<admin_gathering>& g) {
  auto& st = self->state;
  auto& r = g->report;
  std::sort(
      r.apps.begin(), r.apps.end(),
      [](const app_registry_report& a, const app_registry_report& b) { return a.app < b.app; });
  auto totals = st.retired + g->answered;
  r.registrations_total = totals.registrations;
  r.renewals_total = totals.renewals;
  r.cancels_total = totals.cancels;
  r.evictions_total = totals.evictions;
  r.status_changes_total = totals.status_changes;
  g->promise.deliver(std::move(r));
  auto& list = st.admin_gatherings;
  list.erase(std::remove(list.begin(), list.end(), g), list.end());
}

/// The directory's admin report: its own figures at once, then one report
/// per registry actor. Retiring actors are asked too, only for ordering:
/// their final report (handback_atom) reaches the directory before their
/// mailbox bounces the request, so the totals never miss them.
caf::result<directory_report> admin_report(self_ptr self) {
  auto& st = self->state;
  directory_report r;
  r.registry_actors = static_cast<uint32_t>(st.apps.size());
  r.load = load_of(self, st.load, epoch_now(self));
  std::vector<std::pair<app_registry_actor, bool>> targets; // (actor, retiring)
  st.apps.for_each(
      [&](const std::string&, const auto& slot) { targets.emplace_back(slot.actor, false); });
  for (const auto& entry : st.retiring)
    targets.emplace_back(entry.second.actor, true);
  auto g = std::make_shared<admin_gathering>();
  g->report = std::move(r);
  g->promise = self->make_response_promise<directory_report>();
  st.admin_gatherings.push_back(g);
  g->pending = targets.size() + 1; // and the reader
  auto done_one = [self, g] {
    if (--g->pending == 0)
      deliver_admin(self, g);
  };
  // The read figures are the reader's.
  self->request(st.reader, caf::infinite, admin_atom::value)
      .then(
          [self, g, done_one](reader_report& part) {
            count_handled(self);
            g->report.reads = std::move(part);
            done_one();
          },
          [self, done_one](caf::error& err) {
            count_handled(self);
            log::error("directory", "the reader did not answer an admin report: {}",
                       self->system().render(err));
            done_one();
          });
  for (auto& [target, retiring] : targets) {
    auto addr = target.address();
    self->request(target, caf::infinite, admin_atom::value)
        .then(
            [self, g, addr, retiring = retiring, done_one](app_registry_report& part) {
              count_handled(self);
              if (!retiring) {
                g->answered.add(part);
                g->answered_by.emplace_back(addr, g->report.apps.size());
                g->report.apps.push_back(std::move(part));
              }
              done_one();
            },
            [self, g, retiring = retiring, done_one](caf::error&) {
              count_handled(self);
              // A retiring actor bounces the request once it has quit: its
              // final report is counted already. Anyone else failed.
              if (!retiring)
                ++g->report.apps_unanswered;
              done_one();
            });
  }
  return g->promise;
}

/// A retiring registry actor's final report: its counters move into the
/// retired totals (and out of any report still being gathered, which
/// counted its earlier answer).
void retired_report(self_ptr self, const app_registry_report& last) {
  auto& st = self->state;
  auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
  bool ours = st.retiring.count(sender) > 0;
  st.apps.for_each([&](const std::string&, const auto& slot) {
    if (slot.actor.address() == sender)
      ours = true;
  });
  if (!ours) {
    log::error("directory", "ignored a final report of {} from an unknown actor",
               log::printable(last.app));
    return;
  }
  for (auto& g : st.admin_gatherings) {
    auto& by = g->answered_by;
    for (auto i = by.begin(); i != by.end(); ++i)
      if (i->first == sender) {
        g->answered.subtract(g->report.apps[i->second]);
        by.erase(i);
        break;
      }
  }
  st.retired.add(last);
}

} // namespace

directory_actor::behavior_type directory(self_ptr self, registry_config cfg, time_anchor clock,
                                         reader_placement placement) {
  auto& state = self->state;
  state.cfg = cfg;
  state.clock = clock;
  state.reader = spawn_reader(self, cfg, clock, placement);
  // Until the first eviction pass says otherwise (Java: no renewals yet).
  state.lease_expiration_enabled = !cfg.enable_self_preservation;
  self->set_default_handler(caf::drop);
  state.apps = app_slots<app_registry_actor>{static_cast<size_t>(cfg.max_applications),
                                             static_cast<size_t>(cfg.max_instances)};
  // Registry actors are linked: they stop with the directory, and a
  // registry actor that fails is reported loudly and forgotten. A retired
  // one is expected to stop.
  self->set_exit_handler([=](caf::exit_msg& em) {
    count_handled(self);
    auto& st = self->state;
    if (auto r = st.retiring.find(em.source); r != st.retiring.end()) {
      if (em.reason)
        log::error("directory", "retired registry actor of {} failed: {}",
                   log::printable(r->second.app), self->system().render(em.reason));
      st.retiring.erase(r);
      return;
    }
    if (em.source == st.reader.address()) {
      log::error("directory", "the reader stopped: {}", self->system().render(em.reason));
      self->quit(em.reason ? em.reason : caf::exit_reason::unknown);
      return;
    }
    std::string failed;
    st.apps.for_each([&](const std::string& name, const auto& slot) {
      if (slot.actor.address() == em.source)
        failed = name;
    });
    if (!failed.empty()) {
      log::error("directory", "registry actor of {} stopped: {}", log::printable(failed),
                 self->system().render(em.reason));
      forget_app(self, failed);
      return;
    }
    self->quit(em.reason);
  });
  auto retention_period = std::chrono::milliseconds(cfg.delta_retention_timer_interval_ms);
  auto refresh_period = std::chrono::milliseconds(cfg.response_cache_update_interval_ms);
  self->delayed_send(self, retention_period, retain_atom::value);
  self->delayed_send(self, refresh_period, refresh_atom::value);
  return {
      // -- writes: routed to the owning registry actor, which replies ----------
      [=](register_cmd& cmd) {
        count_handled(self);
        return delegate_registration(self, cmd, true);
      },
      // An instance handed back by a retired registry actor (a bookkeeping
      // bug it has logged): registered again rather than lost.
      [=](handback_atom, register_cmd& cmd) {
        count_handled(self);
        auto& st = self->state;
        auto sender = caf::actor_cast<caf::actor_addr>(self->current_sender());
        bool from_registry = st.retiring.count(sender) > 0;
        if (auto s = st.apps.find(cmd.info.app); s != nullptr && s->actor.address() == sender) {
          // Retired by someone else while still routed to: route elsewhere.
          auto name = cmd.info.app;
          auto actor = s->actor;
          forget_app(self, name);
          st.retiring.emplace(sender, retiring_actor{name, std::move(actor)});
          from_registry = true;
        }
        // Only our own registry actors skip the limits. Nobody waits for
        // the answer: a refusal (a stranger's hand-back) is logged.
        auto result = delegate_registration(self, cmd, !from_registry);
        (void)result;
      },
      [=](handback_atom, const app_registry_report& last) {
        count_handled(self);
        retired_report(self, last);
      },
      [=](renew_cmd& cmd) {
        count_handled(self);
        return forward_write(self, cmd);
      },
      // Heartbeats of an application the gateway has no route for (yet, or
      // any more): its registry actor answers them, or nobody holds them.
      [=](renew_batch& batch) -> caf::result<std::vector<write_reply>> {
        count_handled(self);
        auto target = app_actor(self, batch.app);
        if (!target)
          return std::vector<write_reply>(batch.items.size(),
                                          write_reply{write_outcome::not_found, caf::none});
        self->delegate(target, std::move(batch));
        return caf::delegated<std::vector<write_reply>>{};
      },
      [=](cancel_cmd& cmd) {
        count_handled(self);
        return forward_write(self, cmd);
      },
      [=](status_cmd& cmd) {
        count_handled(self);
        return forward_write(self, cmd);
      },
      [=](metadata_cmd& cmd) {
        count_handled(self);
        return forward_write(self, cmd);
      },
      // -- publications of the registry actors ---------------------------------
      [=](view_atom, const app_view_count& update) {
        count_handled(self);
        auto& st = self->state;
        const auto& name = update.app;
        auto from = st.apps.find(name);
        if (from == nullptr
            || from->actor.address() != caf::actor_cast<caf::actor_addr>(self->current_sender())) {
          // From an actor no longer routed to: retired in the bookkeeping-bug
          // case (its instances come back as registrations) or forgotten
          // after it failed.
          log::error("directory", "ignored a view of {} from a registry actor no longer in use",
                     log::printable(name));
          return;
        }
        if (!st.apps.viewed(name, update.instances, update.registrations, epoch_now(self)))
          log::error("directory", "registry actor of {} applied more registrations than given",
                     log::printable(name));
      },
      // -- reads: the reader's (one hop, never any encoding here) ----------------
      [=](read_query& q) {
        count_handled(self);
        self->delegate(self->state.reader, std::move(q));
        return caf::delegated<read_reply>{};
      },
      [=](instance_query& q) -> caf::result<read_reply> {
        count_handled(self);
        auto& st = self->state;
        if (q.app.empty()) {
          // GET instances/{id}: the reader finds the application by index.
          self->delegate(st.reader, std::move(q));
          return caf::delegated<read_reply>{};
        }
        auto target = app_actor(self, q.app);
        if (!target)
          return read_reply{read_outcome::not_found, {}, false};
        self->delegate(target, std::move(q));
        return caf::delegated<read_reply>{};
      },
      [=](overrides_atom atom) {
        count_handled(self);
        self->delegate(self->state.reader, atom);
        return caf::delegated<string_pairs>{};
      },
      [=](stats_atom atom) {
        count_handled(self);
        self->delegate(self->state.reader, atom);
        return caf::delegated<registry_stats>{};
      },
      [=](figures_atom atom, const registry_stats& figures) {
        count_handled(self);
        auto& st = self->state;
        // Before any later stats request reaches it (mailbox order).
        self->send(st.reader, atom, figures);
        if (figures.lease_expiration_enabled != st.lease_expiration_enabled) {
          st.lease_expiration_enabled = figures.lease_expiration_enabled;
          st.apps.for_each([&](const std::string&, const auto& slot) {
            self->send(slot.actor, expiry_atom::value, st.lease_expiration_enabled);
          });
        }
      },
      [=](apps_atom) -> std::vector<app_registry_actor> {
        count_handled(self);
        std::vector<app_registry_actor> out;
        out.reserve(self->state.apps.size());
        self->state.apps.for_each(
            [&](const std::string&, const auto& slot) { out.push_back(slot.actor); });
        return out;
      },
      // -- cluster ---------------------------------------------------------------
      [=](digest_atom) -> caf::result<registry_digest> {
        count_handled(self);
        return gather_digests(self);
      },
      [=](export_atom, std::vector<std::string>& names) -> caf::result<registry_export> {
        count_handled(self);
        return gather_exports(self, std::move(names));
      },
      [=](cluster_atom, replication_actor& replication) {
        count_handled(self);
        auto& st = self->state;
        st.replication = std::move(replication);
        st.apps.for_each([&](const std::string&, const auto& slot) {
          self->send(slot.actor, cluster_atom::value, st.replication);
        });
      },
      [=](routes_atom, route_subscriber_actor& subscriber) {
        count_handled(self);
        auto& st = self->state;
        st.apps.for_each([&](const std::string& name, const auto& slot) {
          self->send(subscriber, routes_atom::value, name, slot.actor);
        });
        st.route_subscribers.push_back(subscriber.address());
      },
      // -- timers ----------------------------------------------------------------
      [=](retain_atom) {
        count_handled(self);
        auto& st = self->state;
        if (auto more = st.capacity_refusals.flush(); more > 0)
          log::warn("directory",
                    "... and {} more registrations refused at capacity in the last {} ms", more,
                    st.cfg.delta_retention_timer_interval_ms);
        // Applications empty for the retention: their actors retire (an
        // application registering again gets a new one).
        for (auto& [name, hdl] :
             st.apps.take_empty_before(self->state.cfg.delta_cutoff_ms(epoch_now(self))))
          retire(self, name, hdl, "empty for the delta retention");
        self->delayed_send(self, retention_period, retain_atom::value);
      },
      [=](refresh_atom) {
        count_handled(self);
        auto& st = self->state;
        // One tick for every application: renewals show in the next view.
        st.apps.for_each([&](const std::string&, const auto& slot) {
          self->send(slot.actor, refresh_atom::value);
        });
        self->delayed_send(self, refresh_period, refresh_atom::value);
      },
      // -- admin -----------------------------------------------------------------
      [=](admin_atom) -> caf::result<directory_report> {
        count_handled(self);
        return admin_report(self);
      },
  };
}

} // namespace eureka
