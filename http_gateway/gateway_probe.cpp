#include "http_gateway/gateway_probe.hpp"

#include <iterator>

#include <fmt/format.h>

namespace eureka::gateway {

uint64_t gateway_probe::requests(std::string_view route, unsigned code) const {
  auto i = requests_.find({std::string{route}, code});
  return i == requests_.end() ? 0 : i->second;
}

uint64_t gateway_probe::total_requests() const {
  uint64_t total = 0;
  for (auto& kv : requests_)
    total += kv.second;
  return total;
}

std::string gateway_probe::render_prometheus() const {
  fmt::memory_buffer out;
  auto it = std::back_inserter(out);
  auto header = [&](const metric_def& m) {
    fmt::format_to(it, "# HELP {} {}\n# TYPE {} {}\n", m.name, m.help, m.name, m.type);
  };
  auto plain = [&](const metric_def& m, uint64_t value) {
    header(m);
    fmt::format_to(it, "{} {}\n", m.name, value);
  };
  // Indices follow gateway_metrics; a static_assert below keeps them honest.
  static_assert(std::size(gateway_metrics) == 8);
  header(gateway_metrics[0]);
  for (auto& [key, value] : requests_)
    fmt::format_to(it, "{}{{route=\"{}\",code=\"{}\"}} {}\n", gateway_metrics[0].name, key.first,
                   key.second, value);
  plain(gateway_metrics[1], bytes_in_);
  plain(gateway_metrics[2], bytes_out_);
  plain(gateway_metrics[3], open_);
  plain(gateway_metrics[4], accepted_);
  plain(gateway_metrics[5], rejected_);
  header(gateway_metrics[6]);
  fmt::format_to(it, "{}{{kind=\"idle\"}} {}\n", gateway_metrics[6].name, idle_timeouts_);
  fmt::format_to(it, "{}{{kind=\"request\"}} {}\n", gateway_metrics[6].name, request_timeouts_);
  plain(gateway_metrics[7], directory_errors_);
  return fmt::to_string(out);
}

} // namespace eureka::gateway
