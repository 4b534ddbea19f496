#include "actors/directory.hpp"

#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/all.hpp>

#include "actors/app_registry.hpp"
#include "codec/documents.hpp"
#include "codec/gzip.hpp"
#include "common/log.hpp"
#include "messages/atoms.hpp"

namespace eureka {

const char* directory_state::name = "directory";

namespace {

using self_ptr = caf::stateful_actor<directory_state>*;

int64_t now_ms(self_ptr self) {
  return self->state.clock.to_epoch_ms(self->clock().now());
}

std::string cache_key(const read_query& q) {
  std::string key;
  key.reserve(q.name.size() + 4);
  key += static_cast<char>('0' + static_cast<int>(q.kind));
  key += q.format == payload_format::json ? 'j' : 'x';
  key += q.name;
  return key;
}

/// Collects application forms into a full <applications> document.
struct applications_builder {
  std::vector<std::string> owned; // per-app forms built on the fly
  std::vector<std::string_view> parts;

  void add_existing(std::string_view part) { parts.push_back(part); }

  void add_built(std::string part) { owned.push_back(std::move(part)); }

  std::string finish(payload_format format, std::string_view version, std::string_view hash) {
    for (const auto& part : owned)
      parts.emplace_back(part);
    return format == payload_format::json ? codec::applications_json(version, hash, parts)
                                          : codec::applications_xml(version, hash, parts);
  }
};

/// One application's `{"name":..}` object or `<application>` element from a
/// subset of its encoded instances.
std::string application_part(payload_format format, const std::string& name,
                             const std::vector<const encoded_instance*>& instances) {
  std::vector<std::string_view> parts;
  parts.reserve(instances.size());
  for (auto i : instances)
    parts.emplace_back(format == payload_format::json ? std::string_view{i->json}
                                                      : std::string_view{i->xml_depth2});
  return format == payload_format::json ? codec::application_object_json(name, parts)
                                        : codec::application_element_xml(name, parts);
}

/// The documents of a (non-empty) view, built on first use.
const app_documents& documents_of(self_ptr self, const app_view& view) {
  auto& docs = self->state.documents;
  auto i = docs.find(view.name);
  if (i == docs.end())
    i = docs.emplace(view.name, make_app_documents(view)).first;
  return i->second;
}

/// Computes the payload for `q` from the current views; `forbidden` and
/// `not_found` leave `out` empty.
read_outcome compute(self_ptr self, const read_query& q, shared_body& out) {
  auto& st = self->state;
  auto hash = reconcile_hash(st.totals);
  auto make = [&](std::string body) { out = std::make_shared<const std::string>(std::move(body)); };
  switch (q.kind) {
  case read_kind::all_apps: {
    applications_builder b;
    for (const auto& [name, view] : st.views)
      if (!view->instances.empty()) {
        const auto& docs = documents_of(self, *view);
        b.add_existing(q.format == payload_format::json ? std::string_view{docs.json_object}
                                                        : std::string_view{docs.xml_element});
      }
    make(b.finish(q.format, "1", hash));
    return read_outcome::ok;
  }
  case read_kind::delta: {
    if (st.cfg.disable_delta)
      return read_outcome::forbidden;
    applications_builder b;
    for (const auto& [name, entries] : st.changes.collapse()) {
      std::vector<const encoded_instance*> instances;
      for (auto entry : entries)
        instances.push_back(entry->get());
      b.add_built(application_part(q.format, name, instances));
    }
    // The version counts generated delta payloads (ResponseCacheImpl).
    make(b.finish(q.format, std::to_string(++st.delta_version), hash));
    return read_outcome::ok;
  }
  case read_kind::app: {
    auto i = st.views.find(q.name);
    if (i == st.views.end() || i->second->instances.empty())
      return read_outcome::not_found;
    const auto& docs = documents_of(self, *i->second);
    out = q.format == payload_format::json ? docs.json_document : docs.xml_document;
    return read_outcome::ok;
  }
  case read_kind::vip:
  case read_kind::svip: {
    applications_builder b;
    status_counts matched;
    for (const auto& [name, view] : st.views) {
      std::vector<const encoded_instance*> instances;
      for (const auto& i : view->instances) {
        const auto& names = q.kind == read_kind::vip ? i->vips : i->svips;
        for (const auto& n : names)
          if (n == q.name) {
            instances.push_back(i.get());
            matched.add(i->status);
            break;
          }
      }
      if (!instances.empty())
        b.add_built(application_part(q.format, name, instances));
    }
    // A VIP document never sets its version: Applications' unset -1.
    make(b.finish(q.format, "-1", reconcile_hash(matched)));
    return read_outcome::ok;
  }
  }
  return read_outcome::not_found;
}

read_reply serve(const read_query& q, read_outcome outcome, cached_payload& p) {
  if (outcome != read_outcome::ok)
    return read_reply{outcome, nullptr, false};
  if (!q.gzip)
    return read_reply{read_outcome::ok, p.plain, false};
  if (!p.gzipped)
    p.gzipped = std::make_shared<const std::string>(codec::gzip_compress(*p.plain));
  return read_reply{read_outcome::ok, p.gzipped, true};
}

read_reply read(self_ptr self, const read_query& q) {
  auto& st = self->state;
  auto key = cache_key(q);
  if (st.cfg.use_read_only_response_cache) {
    auto i = st.read_only.find(key);
    if (i != st.read_only.end()) {
      auto& p = i->second.second;
      return serve(q, p.plain ? read_outcome::ok : read_outcome::not_found, p);
    }
  }
  if (auto i = st.cache.find(key); i != st.cache.end())
    return serve(q, read_outcome::ok, i->second);
  cached_payload p;
  auto outcome = compute(self, q, p.plain);
  if (outcome == read_outcome::forbidden)
    return read_reply{outcome, nullptr, false};
  if (st.cache.size() >= max_cached_payloads)
    st.cache.clear();
  if (st.cfg.use_read_only_response_cache) {
    if (st.read_only.size() >= max_cached_payloads)
      st.read_only.clear();
    auto& slot = st.read_only[key];
    slot = {q, std::move(p)};
    return serve(q, outcome, slot.second);
  }
  if (outcome != read_outcome::ok)
    return read_reply{outcome, nullptr, false};
  return serve(q, outcome, st.cache[key] = std::move(p));
}

caf::actor app_actor(self_ptr self, const std::string& app) {
  auto i = self->state.apps.find(app);
  return i == self->state.apps.end() ? caf::actor{} : i->second;
}

template <class Cmd>
caf::result<write_reply> forward_write(self_ptr self, Cmd& cmd) {
  auto target = app_actor(self, cmd.app);
  if (!target)
    return write_reply{write_outcome::not_found, caf::none};
  self->delegate(target, std::move(cmd));
  return caf::delegated<write_reply>{};
}

} // namespace

caf::behavior directory(self_ptr self, registry_config cfg, time_anchor clock) {
  self->state.cfg = cfg;
  self->state.clock = clock;
  self->state.eviction_figures.self_preservation_enabled = cfg.enable_self_preservation;
  self->set_default_handler(caf::drop);
  // Registry actors are linked: they stop with the directory, and a
  // registry actor that fails is reported loudly and forgotten.
  self->set_exit_handler([=](caf::exit_msg& em) {
    auto& st = self->state;
    for (auto i = st.apps.begin(); i != st.apps.end(); ++i)
      if (i->second.address() == em.source) {
        log::error("directory", "registry actor of {} stopped: {}", i->first,
                   self->system().render(em.reason));
        st.documents.erase(i->first);
        if (auto v = st.views.find(i->first); v != st.views.end()) {
          st.totals -= v->second->counts;
          st.views.erase(v);
        }
        st.apps.erase(i);
        st.cache.clear();
        return;
      }
    self->quit(em.reason);
  });
  auto retention_period = std::chrono::milliseconds(cfg.delta_retention_timer_interval_ms);
  auto refresh_period = std::chrono::milliseconds(cfg.response_cache_update_interval_ms);
  self->delayed_send(self, retention_period, retain_atom::value);
  if (cfg.use_read_only_response_cache)
    self->delayed_send(self, refresh_period, refresh_atom::value);
  return {
      // -- writes: routed to the owning registry actor, which replies ----------
      [=](register_cmd& cmd) -> caf::result<write_reply> {
        auto& st = self->state;
        auto name = cmd.info.app;
        auto target = app_actor(self, name);
        if (!target) {
          target = self->spawn<caf::linked>(app_registry, name, st.cfg, st.clock, caf::actor{self});
          st.apps.emplace(name, target);
        }
        self->delegate(target, std::move(cmd));
        return caf::delegated<write_reply>{};
      },
      [=](renew_cmd& cmd) { return forward_write(self, cmd); },
      [=](cancel_cmd& cmd) { return forward_write(self, cmd); },
      [=](status_cmd& cmd) { return forward_write(self, cmd); },
      [=](metadata_cmd& cmd) { return forward_write(self, cmd); },
      // -- publications of the registry actors ---------------------------------
      [=](view_atom, app_view_update& update) {
        auto& st = self->state;
        auto& slot = st.views[update.view->name];
        if (slot)
          st.totals -= slot->counts;
        slot = std::move(update.view);
        st.documents.erase(slot->name);
        st.totals += slot->counts;
        for (auto& entry : update.delta) {
          auto id = entry->id;
          st.changes.push(update.timestamp_ms, slot->name, std::move(id), std::move(entry));
        }
        st.cache.clear(); // never stale (decisions.md §2)
      },
      // -- reads -----------------------------------------------------------------
      [=](const read_query& q) -> read_reply { return read(self, q); },
      [=](instance_query& q) -> caf::result<read_reply> {
        auto& st = self->state;
        if (q.app.empty()) {
          // GET instances/{id}: the first application holding the id.
          for (const auto& [name, view] : st.views)
            for (const auto& i : view->instances)
              if (i->id == q.id) {
                q.app = name;
                break;
              }
          if (q.app.empty())
            return read_reply{read_outcome::not_found, nullptr, false};
        }
        auto target = app_actor(self, q.app);
        if (!target)
          return read_reply{read_outcome::not_found, nullptr, false};
        self->delegate(target, std::move(q));
        return caf::delegated<read_reply>{};
      },
      [=](overrides_atom) -> string_pairs {
        string_pairs out;
        for (const auto& [name, view] : self->state.views)
          out.insert(out.end(), view->overrides.begin(), view->overrides.end());
        return out;
      },
      [=](stats_atom) -> registry_stats {
        auto& st = self->state;
        auto stats = st.eviction_figures;
        stats.applications = 0;
        for (const auto& [name, view] : st.views)
          if (!view->instances.empty())
            ++stats.applications;
        stats.instances = static_cast<uint32_t>(st.totals.total());
        return stats;
      },
      [=](stats_atom, const registry_stats& figures) { self->state.eviction_figures = figures; },
      [=](apps_atom) -> std::vector<caf::actor> {
        std::vector<caf::actor> out;
        for (const auto& [name, hdl] : self->state.apps)
          out.push_back(hdl);
        return out;
      },
      // -- timers ----------------------------------------------------------------
      [=](retain_atom) {
        auto& st = self->state;
        auto cutoff = now_ms(self) - st.cfg.retention_time_in_delta_queue_ms;
        if (st.changes.drop_older_than(cutoff) > 0)
          st.cache.clear();
        self->delayed_send(self, retention_period, retain_atom::value);
      },
      [=](refresh_atom) {
        // Java's read-only cache: refresh only the keys already served.
        auto& st = self->state;
        for (auto& [key, entry] : st.read_only) {
          cached_payload p;
          compute(self, entry.first, p.plain);
          entry.second = std::move(p);
        }
        self->delayed_send(self, refresh_period, refresh_atom::value);
      },
  };
}

} // namespace eureka
