#include "actors/eviction.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <caf/all.hpp>

#include "actors/actor_load.hpp"
#include "common/log.hpp"
#include "registry/self_preservation.hpp"

namespace eureka {

const char* eviction_state::name = "eviction";

namespace {

using self_ptr = eviction_actor::stateful_pointer<eviction_state>;

/// Ends a pass: decide with the collected figures, evict, publish.
void finish_pass(self_ptr self) {
  auto& st = self->state;
  st.sweeping = false;
  auto expected = static_cast<int64_t>(st.lease_count); // decisions.md §3
  auto threshold = renew_threshold(expected, st.cfg.expected_client_renewal_interval_secs,
                                   st.cfg.renewal_percent_threshold);
  auto enabled =
      lease_expiration_enabled(st.cfg.enable_self_preservation, threshold, st.renews_last_minute);
  if (st.figures_valid && enabled != st.figures.lease_expiration_enabled) {
    if (enabled)
      log::info("eviction", "self-preservation off: {} renewals in the last minute > threshold {}",
                st.renews_last_minute, threshold);
    else
      log::warn("eviction",
                "self-preservation on: {} renewals in the last minute <= threshold {} "
                "({} leases); expired leases are kept",
                st.renews_last_minute, threshold, st.lease_count);
  }
  st.figures.renews_last_minute = st.renews_last_minute;
  st.figures.renew_threshold = threshold;
  st.figures.lease_expiration_enabled = enabled;
  st.figures.self_preservation_enabled = st.cfg.enable_self_preservation;
  st.figures_valid = true;
  st.last_sweep_ms = epoch_now(self);
  ++st.sweeps;
  st.last_leases = st.lease_count;
  st.last_expired = st.expired.size();
  st.last_evicted = 0;
  if (enabled && !st.expired.empty()) {
    auto limit = eviction_limit(st.lease_count, st.cfg.renewal_percent_threshold);
    auto n = std::min(limit, st.expired.size());
    if (n < st.expired.size())
      log::warn("eviction", "{} leases expired, evicting {} this pass (cap {} of {} leases)",
                st.expired.size(), n, limit, st.lease_count);
    // Partial Fisher-Yates: a random choice of n expired leases.
    for (size_t i = 0; i < n; ++i) {
      std::uniform_int_distribution<size_t> pick(i, st.expired.size() - 1);
      std::swap(st.expired[i], st.expired[pick(st.rng)]);
    }
    std::map<app_registry_actor, std::vector<std::string>> by_app;
    for (size_t i = 0; i < n; ++i)
      by_app[st.expired[i].first].push_back(std::move(st.expired[i].second));
    for (auto& [hdl, ids] : by_app)
      self->send(hdl, evict_atom::value, std::move(ids), st.extra_ms);
    st.figures.evictions_total += n;
    st.last_evicted = n;
  }
  st.expired.clear();
  self->send(st.directory, figures_atom::value, st.figures);
}

void start_pass(self_ptr self) {
  auto& st = self->state;
  if (st.sweeping) {
    log::warn("eviction", "previous pass still running; skipping this tick");
    return;
  }
  auto now = epoch_now(self);
  auto extra = eviction_compensation_ms(st.last_run_ms, now, st.cfg.eviction_interval_ms);
  st.last_run_ms = now;
  st.extra_ms = extra;
  st.sweeping = true;
  self->request(st.directory, caf::infinite, apps_atom::value)
      .then(
          [=](const std::vector<app_registry_actor>& apps) {
            count_handled(self);
            auto& s = self->state;
            s.pending = apps.size();
            s.lease_count = 0;
            s.renews_last_minute = 0;
            s.expired.clear();
            if (apps.empty()) {
              finish_pass(self);
              return;
            }
            for (const auto& app : apps)
              self->request(app, caf::infinite, sweep_atom::value, extra)
                  .then(
                      [=](sweep_report& report) {
                        count_handled(self);
                        auto& s2 = self->state;
                        s2.lease_count += report.lease_count;
                        s2.renews_last_minute += report.renews_last_minute;
                        for (auto& id : report.expired_ids)
                          s2.expired.emplace_back(app, std::move(id));
                        if (--s2.pending == 0)
                          finish_pass(self);
                      },
                      [=](caf::error&) {
                        count_handled(self);
                        // E.g. request_receiver_down: the actor of an empty
                        // application retired since the list was made (it
                        // held no leases; its mailbox bounced the request).
                        if (--self->state.pending == 0)
                          finish_pass(self);
                      });
          },
          [=](caf::error& err) {
            count_handled(self);
            self->state.sweeping = false;
            log::error("eviction", "cannot list applications: {}", self->system().render(err));
          });
}

eviction_report report_of(self_ptr self) {
  auto& st = self->state;
  eviction_report r;
  bool swept = st.sweeps > 0;
  r.last_sweep_ms = st.last_sweep_ms;
  r.next_sweep_ms = st.next_sweep_ms;
  r.sweeps_total = st.sweeps;
  r.last_expired = st.last_expired;
  r.last_evicted = st.last_evicted;
  r.evictions_total = st.figures.evictions_total;
  r.leases = st.last_leases;
  r.renews_last_minute = swept ? st.figures.renews_last_minute : 0;
  r.renew_threshold = swept ? st.figures.renew_threshold : 0;
  r.self_preservation_enabled = st.cfg.enable_self_preservation;
  // Before the first pass, what the directory assumes (Java: no renewals
  // seen yet).
  r.lease_expiration_enabled =
      swept ? st.figures.lease_expiration_enabled : !st.cfg.enable_self_preservation;
  r.self_preservation_active =
      swept && st.cfg.enable_self_preservation && !st.figures.lease_expiration_enabled;
  r.decision = eviction_decision(swept, st.cfg.enable_self_preservation, r.renews_last_minute,
                                 r.renew_threshold);
  r.load = load_of(self, st.load, epoch_now(self));
  return r;
}

} // namespace

std::string eviction_decision(bool swept, bool self_preservation_enabled,
                              int64_t renews_last_minute, int64_t renew_threshold) {
  if (!swept)
    return "no eviction pass yet (the first runs one eviction interval after start): nothing is "
           "evicted";
  if (!self_preservation_enabled)
    return "self-preservation is off: expired leases are evicted";
  if (renew_threshold <= 0)
    return fmt::format("renewal threshold {} (no leases expected): expired leases are kept",
                       renew_threshold);
  if (lease_expiration_enabled(self_preservation_enabled, renew_threshold, renews_last_minute))
    return fmt::format(
        "renewals in the last minute ({}) above the threshold ({}): expired leases are evicted",
        renews_last_minute, renew_threshold);
  return fmt::format("renewals in the last minute ({}) at or below the threshold ({}): expired "
                     "leases are kept (self-preservation)",
                     renews_last_minute, renew_threshold);
}

eviction_actor::behavior_type eviction(self_ptr self, registry_config cfg, time_anchor clock,
                                       directory_actor directory, uint64_t seed) {
  auto& st = self->state;
  st.cfg = cfg;
  st.clock = clock;
  st.directory = std::move(directory);
  st.rng.seed(seed);
  self->set_default_handler(caf::drop);
  auto period = std::chrono::milliseconds(cfg.eviction_interval_ms);
  // The first pass runs one interval after start: a node that just started
  // has not yet seen a full renewal interval (decisions.md §4).
  self->delayed_send(self, period, pass_atom::value);
  st.next_sweep_ms = epoch_now(self) + cfg.eviction_interval_ms;
  return {
      [=](pass_atom) {
        count_handled(self);
        start_pass(self);
        self->delayed_send(self, period, pass_atom::value);
        // The soonest pass armed (an extra pass_atom, e.g. a test's, arms a
        // second timer; the node's own timer is then still the next).
        auto& s = self->state;
        auto now = epoch_now(self);
        auto due = now + s.cfg.eviction_interval_ms;
        if (s.next_sweep_ms <= now || due < s.next_sweep_ms)
          s.next_sweep_ms = due;
      },
      [=](admin_atom) -> eviction_report {
        count_handled(self);
        return report_of(self);
      },
  };
}

} // namespace eureka
