#include "actors/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <caf/all.hpp>

#include "actors/actor_load.hpp"
#include "common/log.hpp"
#include "messages/atoms.hpp"

namespace eureka {

const char* reader_state::name = "reader";

namespace {

/// Sets the calling thread's nice value (Linux: per thread, by its id).
/// Failing leaves the reader at the normal priority: logged, not fatal.
void lower_thread_priority(int nice) {
  auto tid = static_cast<id_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, tid, nice) != 0)
    log::warn("reader", "could not set the reader thread's nice value to {}: {}", nice,
              std::strerror(errno));
}

using self_ptr = reader_actor::stateful_pointer<reader_state>;

/// A route from the directory: `actor` serves `app` from now on (an invalid
/// handle: nothing does). A view belongs to the actor that published it, so
/// it goes whenever the actor does; an empty view shows in no payload and
/// no total, and the delta keeps serving the queued forms of the removed
/// instances, so no cached payload changes.
void route(self_ptr self, const std::string& app, app_registry_actor actor) {
  auto& st = self->state;
  auto i = st.routes.find(app);
  if (i != st.routes.end() && i->second != actor)
    st.reads->drop(app);
  if (!actor) {
    if (i != st.routes.end())
      st.routes.erase(i);
    return;
  }
  if (i != st.routes.end())
    i->second = std::move(actor);
  else
    st.routes.emplace(app, std::move(actor));
}

registry_stats stats_of(const reader_state& st) {
  auto stats = st.eviction_figures;
  const auto& totals = st.reads->totals();
  stats.applications = st.reads->applications();
  stats.instances = static_cast<uint32_t>(totals.total());
  stats.status_counts.assign(totals.by_status.size(), 0);
  for (size_t i = 0; i < totals.by_status.size(); ++i)
    stats.status_counts[i] = static_cast<uint32_t>(std::max<int64_t>(0, totals.by_status[i]));
  return stats;
}

} // namespace

reader_actor::behavior_type reader(self_ptr self, registry_config cfg, time_anchor clock,
                                   reader_placement placement) {
  auto& state = self->state;
  // A detached actor is initialized on its own thread: this call lowers the
  // priority of that thread only.
  if (placement.own_thread && placement.nice != 0)
    lower_thread_priority(placement.nice);
  state.cfg = cfg;
  state.clock = clock;
  state.reads = std::make_unique<read_model>(cfg);
  state.eviction_figures.self_preservation_enabled = cfg.enable_self_preservation;
  self->set_default_handler(caf::drop);
  auto retention_period = std::chrono::milliseconds(cfg.delta_retention_timer_interval_ms);
  auto refresh_period = std::chrono::milliseconds(cfg.response_cache_update_interval_ms);
  self->delayed_send(self, retention_period, retain_atom::value);
  if (cfg.use_read_only_response_cache)
    self->delayed_send(self, refresh_period, refresh_atom::value);
  return {
      // -- publications --------------------------------------------------------
      [=](view_atom, app_view_update& update) {
        count_handled(self);
        auto& st = self->state;
        const auto& name = update.view->name;
        auto i = st.routes.find(name);
        if (i == st.routes.end()
            || i->second.address() != caf::actor_cast<caf::actor_addr>(self->current_sender())) {
          // From an actor no longer routed to: retired in the bookkeeping-bug
          // case (its instances come back as registrations) or forgotten
          // after it failed.
          log::error("reader", "ignored a view of {} from a registry actor no longer in use",
                     log::printable(name));
          return;
        }
        st.reads->apply(update);
      },
      [=](routes_atom, const std::string& app, app_registry_actor& actor) {
        count_handled(self);
        route(self, app, std::move(actor));
      },
      [=](figures_atom, const registry_stats& figures) {
        count_handled(self);
        self->state.eviction_figures = figures;
      },
      // -- reads -----------------------------------------------------------------
      [=](const read_query& q) -> read_reply {
        count_handled(self);
        auto reply = self->state.reads->read(q, self->state.cfg.delta_cutoff_ms(epoch_now(self)));
        self->state.reply_bytes_since_trim += reply.body.size();
        return reply;
      },
      [=](instance_query& q) -> caf::result<read_reply> {
        count_handled(self);
        auto& st = self->state;
        if (q.app.empty()) {
          // GET instances/{id}: the first application holding the id.
          q.app = st.reads->app_of(q.id);
          if (q.app.empty())
            return read_reply{read_outcome::not_found, {}, false};
        }
        auto i = st.routes.find(q.app);
        if (i == st.routes.end())
          return read_reply{read_outcome::not_found, {}, false};
        // Its registry actor answers from the table: lease timestamps as of
        // now, not as of the last view.
        self->delegate(i->second, std::move(q));
        return caf::delegated<read_reply>{};
      },
      [=](overrides_atom) -> string_pairs {
        count_handled(self);
        return self->state.reads->overrides();
      },
      [=](stats_atom) -> registry_stats {
        count_handled(self);
        return stats_of(self->state);
      },
      // -- timers ----------------------------------------------------------------
      [=](retain_atom) {
        count_handled(self);
        auto& st = self->state;
        st.reads->retain(st.cfg.delta_cutoff_ms(epoch_now(self)));
        if (placement.release_free_memory != nullptr
            && st.reply_bytes_since_trim >= placement.trim_after_reply_bytes) {
          st.reply_bytes_since_trim = 0;
          placement.release_free_memory();
        }
        self->delayed_send(self, retention_period, retain_atom::value);
      },
      [=](refresh_atom) {
        count_handled(self);
        // Java's read-only cache: refresh only the keys already served, from
        // the current payloads (a delta's version moves only when it changed).
        self->state.reads->refresh_read_only(self->state.cfg.delta_cutoff_ms(epoch_now(self)));
        self->delayed_send(self, refresh_period, refresh_atom::value);
      },
      // -- admin -----------------------------------------------------------------
      [=](admin_atom) -> reader_report {
        count_handled(self);
        reader_report r;
        self->state.reads->report(r);
        r.load = load_of(self, self->state.load, epoch_now(self));
        return r;
      },
  };
}

} // namespace eureka
