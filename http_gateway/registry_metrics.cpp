#include "http_gateway/registry_metrics.hpp"

#include <iterator>

#include <fmt/format.h>

#include "common/utf8.hpp"
#include "http_gateway/admin_documents.hpp"

namespace eureka::gateway {

namespace {

/// Indices into registry_metrics, in its order.
namespace idx {
enum metric : size_t {
  applications,
  actors,
  instances,
  registrations,
  renewals,
  cancels,
  evictions,
  status_changes,
  cached_payloads,
  cached_payload_bytes,
  delta_queue_length,
  delta_queue_bytes,
  renewals_last_minute,
  renewal_threshold,
  self_preservation_active,
  lease_expiration_enabled,
  last_sweep,
  sweeps,
  mailbox_depth,
  messages,
  metric_count,
};
} // namespace idx
using idx::metric;

static_assert(std::size(registry_metrics) == idx::metric_count);

class writer {
public:
  void header(metric m) {
    const auto& d = registry_metrics[m];
    fmt::format_to(it(), "# HELP {} {}\n# TYPE {} {}\n", d.name, d.help, d.name, d.type);
  }

  /// `# HELP`, `# TYPE` and one unlabelled sample.
  template <class T>
  void plain(metric m, T value) {
    header(m);
    fmt::format_to(it(), "{} {}\n", registry_metrics[m].name, value);
  }

  /// One sample of `m` labelled `actor` (and `app` when not empty).
  void actor_sample(metric m, std::string_view actor, std::string_view app, uint64_t value) {
    out_ += registry_metrics[m].name;
    out_ += "{actor=\"";
    out_ += actor;
    out_ += '"';
    if (!app.empty()) {
      out_ += ",app=\"";
      append_label_value(out_, app);
      out_ += '"';
    }
    fmt::format_to(it(), "}} {}\n", value);
  }

  void instances_sample(std::string_view app, instance_status s, uint64_t value) {
    out_ += registry_metrics[idx::instances].name;
    out_ += "{app=\"";
    append_label_value(out_, app);
    fmt::format_to(it(), "\",status=\"{}\"}} {}\n", to_string(s), value);
  }

  std::string take() { return std::move(out_); }

private:
  std::back_insert_iterator<std::string> it() { return std::back_inserter(out_); }

  std::string out_;
};

} // namespace

void append_label_value(std::string& out, std::string_view v) {
  for (size_t i = 0; i < v.size();) {
    char32_t cp = 0;
    auto n = utf8::decode(v, i, cp);
    if (n == 0) {
      utf8::append(out, U'\uFFFD');
      ++i;
      continue;
    }
    if (cp == '\\')
      out += "\\\\";
    else if (cp == '"')
      out += "\\\"";
    else if (cp == '\n')
      out += "\\n";
    else
      out.append(v.substr(i, n));
    i += n;
  }
}

std::string render_registry_metrics(const directory_report* directory,
                                    const eviction_report* eviction) {
  writer w;
  if (directory != nullptr) {
    const auto& d = *directory;
    w.plain(idx::applications, d.reads.applications);
    w.plain(idx::actors, d.registry_actors);
    w.header(idx::instances);
    for (const auto& app : d.apps)
      for (auto s : shown_statuses)
        w.instances_sample(app.app, s, status_count(app.status_counts, s));
    w.plain(idx::registrations, d.registrations_total);
    w.plain(idx::renewals, d.renewals_total);
    w.plain(idx::cancels, d.cancels_total);
    w.plain(idx::evictions, d.evictions_total);
    w.plain(idx::status_changes, d.status_changes_total);
    w.plain(idx::cached_payloads, d.reads.cached_payloads);
    w.plain(idx::cached_payload_bytes, d.reads.cached_payload_bytes);
    w.plain(idx::delta_queue_length, d.reads.delta_queue_length);
    w.plain(idx::delta_queue_bytes, d.reads.delta_queue_bytes);
  }
  if (eviction != nullptr) {
    const auto& e = *eviction;
    w.plain(idx::renewals_last_minute, e.renews_last_minute);
    w.plain(idx::renewal_threshold, e.renew_threshold);
    w.plain(idx::self_preservation_active, e.self_preservation_active ? 1 : 0);
    w.plain(idx::lease_expiration_enabled, e.lease_expiration_enabled ? 1 : 0);
    w.plain(idx::last_sweep, static_cast<double>(e.last_sweep_ms) / 1000.0);
    w.plain(idx::sweeps, e.sweeps_total);
  }
  if (directory == nullptr && eviction == nullptr)
    return w.take();
  // Each family once, its samples together (the text format requires it).
  for (auto m : {idx::mailbox_depth, idx::messages}) {
    auto figure = [m](const actor_load& l) {
      return m == idx::mailbox_depth ? l.mailbox_depth : l.messages_total;
    };
    w.header(m);
    if (directory != nullptr) {
      w.actor_sample(m, "directory", {}, figure(directory->load));
      w.actor_sample(m, "reader", {}, figure(directory->reads.load));
    }
    if (eviction != nullptr)
      w.actor_sample(m, "eviction", {}, figure(eviction->load));
    if (directory != nullptr)
      for (const auto& app : directory->apps)
        w.actor_sample(m, "app_registry", app.app, figure(app.load));
  }
  return w.take();
}

} // namespace eureka::gateway
