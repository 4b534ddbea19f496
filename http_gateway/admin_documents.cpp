#include "http_gateway/admin_documents.hpp"

#include <cmath>
#include <iterator>
#include <type_traits>

#include <fmt/format.h>

#include "codec/text.hpp"
#include "registry/self_preservation.hpp"

namespace eureka::gateway {

namespace {

/// Writes one JSON object member by member (keys and strings escaped by the
/// codec's Jackson escaper); nested values through `open`/`close`.
class json_object {
public:
  explicit json_object(std::string& out) : out_(out) { out_ += '{'; }

  void str(std::string_view k, std::string_view v) {
    key(k);
    codec::detail::append_json_string(out_, v);
  }

  template <class T>
  void num(std::string_view k, T v) {
    static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
    key(k);
    fmt::format_to(std::back_inserter(out_), "{}", v);
  }

  /// Rounded to thousandths; a non-finite figure is written as 0 (JSON has
  /// no NaN).
  void real(std::string_view k, double v) {
    key(k);
    if (!std::isfinite(v))
      v = 0;
    fmt::format_to(std::back_inserter(out_), "{}", std::round(v * 1000) / 1000);
  }

  void flag(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
  }

  void null(std::string_view k) {
    key(k);
    out_ += "null";
  }

  /// Starts a member whose value the caller writes (an object or array).
  std::string& member(std::string_view k) {
    key(k);
    return out_;
  }

  void close() { out_ += '}'; }

private:
  void key(std::string_view k) {
    if (!first_)
      out_ += ',';
    first_ = false;
    codec::detail::append_json_string(out_, k);
    out_ += ':';
  }

  std::string& out_;
  bool first_ = true;
};

/// Writes `[f(x), ...]`.
template <class Range, class F>
void array(std::string& out, const Range& xs, F f) {
  out += '[';
  bool first = true;
  for (const auto& x : xs) {
    if (!first)
      out += ',';
    first = false;
    f(out, x);
  }
  out += ']';
}

void status_counts_json(std::string& out, const std::vector<uint32_t>& counts) {
  json_object o{out};
  for (auto s : shown_statuses)
    o.num(to_string(s), status_count(counts, s));
  o.close();
}

void load_json(std::string& out, const actor_load& x) {
  json_object o{out};
  o.num("mailbox_depth", x.mailbox_depth);
  o.num("messages_total", x.messages_total);
  o.real("messages_per_second", x.messages_per_second);
  o.close();
}

void directory_json(std::string& out, const directory_report& x) {
  json_object o{out};
  o.num("applications", x.reads.applications);
  o.num("registry_actors", x.registry_actors);
  o.num("instances", x.reads.instances);
  o.num("cached_payloads", x.reads.cached_payloads);
  o.num("cached_payload_bytes", x.reads.cached_payload_bytes);
  o.num("delta_queue_length", x.reads.delta_queue_length);
  o.num("delta_queue_bytes", x.reads.delta_queue_bytes);
  o.num("registrations_total", x.registrations_total);
  o.num("renewals_total", x.renewals_total);
  o.num("cancels_total", x.cancels_total);
  o.num("evictions_total", x.evictions_total);
  o.num("status_changes_total", x.status_changes_total);
  load_json(o.member("load"), x.load);
  load_json(o.member("reader_load"), x.reads.load);
  o.close();
}

void registry_json(std::string& out, const app_registry_report& x) {
  json_object o{out};
  o.str("app", x.app);
  o.num("instances", x.instances);
  status_counts_json(o.member("status_counts"), x.status_counts);
  o.num("overrides", x.overrides);
  o.num("registrations_total", x.registrations_total);
  o.num("renewals_total", x.renewals_total);
  o.num("cancels_total", x.cancels_total);
  o.num("evictions_total", x.evictions_total);
  o.num("status_changes_total", x.status_changes_total);
  o.num("renews_last_minute", x.renews_last_minute);
  load_json(o.member("load"), x.load);
  o.close();
}

void eviction_json(std::string& out, const eviction_report& x) {
  json_object o{out};
  o.num("last_sweep_ms", x.last_sweep_ms);
  o.num("next_sweep_ms", x.next_sweep_ms);
  o.num("sweeps_total", x.sweeps_total);
  o.num("last_expired", x.last_expired);
  o.num("last_evicted", x.last_evicted);
  o.num("evictions_total", x.evictions_total);
  o.num("leases", x.leases);
  o.num("renews_last_minute", x.renews_last_minute);
  o.num("renew_threshold", x.renew_threshold);
  o.flag("lease_expiration_enabled", x.lease_expiration_enabled);
  o.flag("self_preservation_enabled", x.self_preservation_enabled);
  o.flag("self_preservation_active", x.self_preservation_active);
  o.str("decision", x.decision);
  load_json(o.member("load"), x.load);
  o.close();
}

void peer_json(std::string& out, const peer_status& x) {
  json_object o{out};
  o.str("url", x.url);
  o.str("kind", x.kind);
  o.flag("link_up", x.link_up);
  o.str("node_id", x.node_id);
  o.num("queued_bytes", x.queued_bytes);
  o.num("queued_items", x.queued_items);
  o.num("batches_in_flight", x.batches_in_flight);
  o.num("batches_sent", x.batches_sent);
  o.num("items_sent", x.items_sent);
  o.num("heartbeats_coalesced", x.heartbeats_coalesced);
  o.num("failures", x.failures);
  o.num("overflows", x.overflows);
  o.num("catch_ups", x.catch_ups);
  o.num("last_ack_ms", x.last_ack_ms);
  o.num("lag_ms", x.lag_ms);
  o.flag("catching_up", x.catching_up);
  o.flag("paused", x.paused);
  o.close();
}

void replication_json(std::string& out, const replication_figures& x) {
  json_object o{out};
  if (x.ready)
    o.flag("ready", *x.ready);
  else
    o.null("ready");
  if (x.peers)
    array(o.member("peers"), *x.peers, peer_json);
  else
    o.null("peers");
  o.close();
}

void gateway_json(std::string& out, const gateway_probe& probe, const gateway_gauges& gauges) {
  json_object o{out};
  o.num("connections_open", probe.open_connections());
  o.num("connections_accepted", probe.accepted_connections());
  o.num("connections_rejected", probe.rejected_connections());
  o.flag("accepting", gauges.accepting);
  o.num("bytes_received", probe.bytes_in());
  o.num("bytes_sent", probe.bytes_out());
  o.num("output_buffered_bytes", gauges.output_buffered);
  o.num("output_pinned_bytes", gauges.output_pinned);
  array(o.member("requests"), probe.request_counts(), [](std::string& s, const auto& kv) {
    json_object r{s};
    r.str("route", kv.first.first);
    r.num("code", kv.first.second);
    r.num("count", kv.second);
    r.close();
  });
  o.close();
}

} // namespace

uint64_t status_count(const std::vector<uint32_t>& counts, instance_status s) {
  auto i = static_cast<size_t>(s);
  return i < counts.size() ? counts[i] : 0;
}

bool self_preservation_active(const registry_stats& s) {
  return s.self_preservation_enabled && !s.lease_expiration_enabled;
}

std::optional<std::string_view> registry_banner(const registry_stats& s) {
  if (s.self_preservation_enabled) {
    if (self_preservation_active(s))
      return banner_emergency;
    return std::nullopt;
  }
  if (!lease_expiration_enabled(true, s.renew_threshold, s.renews_last_minute))
    return banner_below_threshold;
  return banner_self_preservation_off;
}

std::string overview_json(const overview_inputs& in) {
  const auto& stats = in.status.stats;
  std::string out;
  json_object doc{out};
  {
    json_object o{doc.member("node")};
    o.str("version", in.version);
    o.str("host", in.status.node.host_name);
    o.str("ip", in.status.node.ip_addr);
    o.num("port", in.status.node.port.port);
    o.str("environment", in.status.environment);
    o.str("data_center", in.data_center);
    if (in.cluster.node_id.empty()) {
      o.null("node_id");
      o.null("cluster");
    } else {
      o.str("node_id", in.cluster.node_id);
      o.str("cluster", in.cluster.cluster);
    }
    o.num("current_time_ms", in.now_ms);
    o.num("started_ms", in.started_ms);
    o.num("uptime_ms", in.status.uptime_ms);
    o.str("uptime", format_uptime(in.status.uptime_ms));
    o.close();
  }
  {
    json_object o{doc.member("registry")};
    o.num("applications", stats.applications);
    o.num("instances", stats.instances);
    status_counts_json(o.member("status_counts"), stats.status_counts);
    o.flag("lease_expiration_enabled", stats.lease_expiration_enabled);
    o.flag("self_preservation_enabled", stats.self_preservation_enabled);
    o.flag("self_preservation_active", self_preservation_active(stats));
    o.num("renews_last_minute", stats.renews_last_minute);
    o.num("renew_threshold", stats.renew_threshold);
    o.num("evictions_total", stats.evictions_total);
    if (auto banner = registry_banner(stats))
      o.str("banner", *banner);
    else
      o.null("banner");
    o.close();
  }
  auto& replicas = doc.member("replicas");
  if (in.status.peers) {
    array(replicas, *in.status.peers, [](std::string& s, const peer_status& p) {
      json_object o{s};
      o.str("url", p.url);
      o.str("kind", p.kind);
      o.flag("available", p.link_up);
      o.close();
    });
  } else {
    array(replicas, in.status.peer_urls, [](std::string& s, const std::string& url) {
      json_object o{s};
      o.str("url", url);
      o.str("kind", "unknown");
      o.flag("available", false);
      o.close();
    });
  }
  {
    json_object o{doc.member("general")};
    for (const auto& [k, v] : in.general)
      o.str(k, v);
    o.close();
  }
  doc.flag("ready", in.ready);
  array(doc.member("base_paths"), in.base_paths,
        [](std::string& s, const std::string& p) { codec::detail::append_json_string(s, p); });
  doc.close();
  return out;
}

std::string actors_json(const actors_inputs& in) {
  std::string out;
  json_object doc{out};
  if (in.directory) {
    directory_json(doc.member("directory"), *in.directory);
    array(doc.member("registries"), in.directory->apps, registry_json);
    doc.num("registries_unanswered", in.directory->apps_unanswered);
  } else {
    doc.null("directory");
    doc.null("registries");
    doc.null("registries_unanswered");
  }
  if (in.eviction)
    eviction_json(doc.member("eviction"), *in.eviction);
  else
    doc.null("eviction");
  if (in.replication)
    replication_json(doc.member("replication"), *in.replication);
  else
    doc.null("replication");
  if (in.probe != nullptr)
    gateway_json(doc.member("gateway"), *in.probe, in.gauges);
  else
    doc.null("gateway");
  doc.close();
  return out;
}

} // namespace eureka::gateway
