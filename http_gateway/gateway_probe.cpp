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

std::string gateway_probe::render_prometheus(const gateway_gauges& gauges) const {
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
  static_assert(std::size(gateway_metrics) == 15);
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
  constexpr std::string_view kinds[] = {"idle", "request", "slow_reader"};
  static_assert(std::size(kinds) == sizeof(timeouts_) / sizeof(timeouts_[0]));
  for (size_t i = 0; i < std::size(kinds); ++i)
    fmt::format_to(it, "{}{{kind=\"{}\"}} {}\n", gateway_metrics[6].name, kinds[i], timeouts_[i]);
  plain(gateway_metrics[7], directory_errors_);
  plain(gateway_metrics[8], gauges.output_buffered);
  plain(gateway_metrics[9], gauges.output_pinned);
  plain(gateway_metrics[10], output_refused_);
  plain(gateway_metrics[11], gauges.accepting ? 1 : 0);
  plain(gateway_metrics[12], replication_errors_);
  plain(gateway_metrics[13], report_errors_);
  plain(gateway_metrics[14], tls_handshake_failures_);
  return fmt::to_string(out);
}

} // namespace eureka::gateway
