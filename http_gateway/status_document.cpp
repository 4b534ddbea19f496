#include "http_gateway/status_document.hpp"

#include <iterator>
#include <thread>
#include <utility>

#include <fmt/format.h>
#include <unistd.h>

#include "codec/instance_codec.hpp"
#include "codec/text.hpp"

namespace eureka::gateway {

namespace {

int64_t physical_memory_mb() {
  auto pages = sysconf(_SC_PHYS_PAGES);
  auto page_size = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0)
    return 0;
  return static_cast<int64_t>(pages) * page_size / (1024 * 1024);
}

// Resident set size from /proc/self/statm (second field, in pages).
int64_t resident_memory_mb() {
  auto* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr)
    return 0;
  long size = 0;
  long resident = 0;
  auto n = std::fscanf(f, "%ld %ld", &size, &resident);
  std::fclose(f);
  if (n != 2)
    return 0;
  return static_cast<int64_t>(resident) * sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

void append_json_map(std::string& out, std::string_view name, const stat_list& xs) {
  out += '"';
  out += name;
  out += "\":{";
  bool first = true;
  for (auto& [k, v] : xs) {
    if (!first)
      out += ',';
    first = false;
    codec::detail::append_json_string(out, k);
    out += ':';
    codec::detail::append_json_string(out, v);
  }
  out += '}';
}

void append_xml_map(std::string& out, std::string_view name, const stat_list& xs) {
  fmt::format_to(std::back_inserter(out), "  <{}>\n", name);
  for (auto& [k, v] : xs) {
    fmt::format_to(std::back_inserter(out), "    <{}>", k);
    codec::detail::append_xml_text(out, v);
    fmt::format_to(std::back_inserter(out), "</{}>\n", k);
  }
  fmt::format_to(std::back_inserter(out), "  </{}>\n", name);
}

// The codec writes `<instance>`; StatusInfo names the field `instanceInfo`.
void append_node_xml(std::string& out, const instance_info& node) {
  std::string fragment;
  codec::append_instance_xml(fragment, node, 1);
  constexpr std::string_view open = "<instance>";
  constexpr std::string_view close = "</instance>";
  if (auto pos = fragment.find(open); pos != std::string::npos)
    fragment.replace(pos, open.size(), "<instanceInfo>");
  if (auto pos = fragment.rfind(close); pos != std::string::npos)
    fragment.replace(pos, close.size(), "</instanceInfo>");
  out += fragment;
  out += '\n';
}

} // namespace

stat_list general_stats(const status_inputs& in) {
  auto total = physical_memory_mb();
  auto used = resident_memory_mb();
  auto percent = total > 0 ? used * 100 / total : 0;
  auto flag = [](bool b) { return std::string{b ? "true" : "false"}; };
  return {
      {"environment", in.environment},
      {"num-of-cpus", std::to_string(std::thread::hardware_concurrency())},
      {"total-avail-memory", fmt::format("{}mb", total)},
      {"current-memory-usage", fmt::format("{}mb ({}%)", used, percent)},
      {"server-uptime", format_uptime(in.uptime_ms)},
      {"registered-applications", std::to_string(in.stats.applications)},
      {"registered-instances", std::to_string(in.stats.instances)},
      {"renews-last-minute", std::to_string(in.stats.renews_last_minute)},
      {"renews-threshold", std::to_string(in.stats.renew_threshold)},
      {"lease-expiration-enabled", flag(in.stats.lease_expiration_enabled)},
      {"self-preservation-enabled", flag(in.stats.self_preservation_enabled)},
  };
}

stat_list application_stats(const status_inputs& in) {
  std::string registered;
  std::string available;
  std::string unavailable;
  auto add = [&](const std::string& url) {
    if (!registered.empty())
      registered += ", ";
    registered += url;
  };
  if (in.peers) {
    for (const auto& p : *in.peers) {
      add(p.url);
      (p.link_up ? available : unavailable) += p.url + ",";
    }
  } else {
    for (const auto& url : in.peer_urls)
      add(url);
  }
  return {{"registered-replicas", registered},
          {"available-replicas", available},
          {"unavailable-replicas", unavailable}};
}

std::string format_uptime(int64_t uptime_ms) {
  if (uptime_ms < 0)
    uptime_ms = 0;
  auto minutes = uptime_ms / 60000 % 60;
  auto hours = uptime_ms / 3600000 % 24;
  auto days = uptime_ms / 86400000;
  auto hhmm = fmt::format("{:02d}:{:02d}", hours, minutes);
  if (days == 0)
    return hhmm;
  return fmt::format("{} {} {}", days, days == 1 ? "day" : "days", hhmm);
}

instance_info make_node_instance(const gateway_config& cfg, uint16_t port, int64_t start_ms) {
  instance_info x;
  x.app = to_upper_ascii(cfg.node_app);
  std::string lower_app;
  for (auto c : cfg.node_app)
    lower_app.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  x.host_name = cfg.node_hostname;
  x.ip_addr = cfg.node_ip;
  x.instance_id = fmt::format("{}:{}:{}", x.host_name, lower_app, port);
  x.status = instance_status::up;
  x.port = port_info{port, true};
  x.secure_port = port_info{443, false};
  auto base = fmt::format("http://{}:{}/", x.host_name, port);
  x.home_page_url = base;
  x.status_page_url = base + "info";
  x.health_check_url = base + "health";
  x.vip_address = lower_app;
  x.secure_vip_address = lower_app;
  x.lease.registration_timestamp = start_ms;
  x.lease.last_renewal_timestamp = start_ms;
  x.lease.service_up_timestamp = start_ms;
  x.last_updated_timestamp = start_ms;
  x.last_dirty_timestamp = start_ms;
  x.action = action_type::added;
  return x;
}

std::string status_document(payload_format f, const status_inputs& in) {
  std::string out;
  if (f == payload_format::json) {
    out += '{';
    append_json_map(out, "generalStats", general_stats(in));
    out += ',';
    append_json_map(out, "applicationStats", application_stats(in));
    out += ",\"instanceInfo\":";
    codec::append_instance_json(out, in.node);
    out += '}';
    return out;
  }
  out += "<com.netflix.eureka.util.StatusInfo>\n";
  append_xml_map(out, "generalStats", general_stats(in));
  append_xml_map(out, "applicationStats", application_stats(in));
  append_node_xml(out, in.node);
  out += "</com.netflix.eureka.util.StatusInfo>";
  return out;
}

std::string overrides_json(const string_pairs& overrides) {
  std::string out = "{";
  bool first = true;
  for (auto& [id, status] : overrides) {
    if (!first)
      out += ',';
    first = false;
    codec::detail::append_json_string(out, id);
    out += ':';
    codec::detail::append_json_string(out, status);
  }
  out += '}';
  return out;
}

} // namespace eureka::gateway
