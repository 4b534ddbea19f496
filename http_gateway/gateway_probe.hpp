// Counters of the HTTP front end, rendered in Prometheus text format at
// GET /metrics. Owned by the broker, so single-threaded: no atomics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace eureka::gateway {

struct metric_def {
  std::string_view name;
  std::string_view type;
  std::string_view help;
};

/// Every metric the gateway exports, declared once. Interop tests and
/// dashboards depend on these names: change them only on purpose.
inline constexpr metric_def gateway_metrics[] = {
    {"eureka_http_requests_total", "counter",
     "HTTP requests answered, by route (apps_full, apps_delta, renew, ...; none = rejected "
     "before routing) and status code"},
    {"eureka_http_received_bytes_total", "counter", "Bytes read from HTTP connections"},
    {"eureka_http_sent_bytes_total", "counter", "Bytes written to HTTP connections"},
    {"eureka_http_connections_open", "gauge", "HTTP connections currently open"},
    {"eureka_http_connections_accepted_total", "counter", "HTTP connections accepted"},
    {"eureka_http_connections_rejected_total", "counter",
     "HTTP connections refused with 503 because max_connections was reached"},
    {"eureka_http_timeouts_total", "counter",
     "HTTP connections closed by a timeout, by kind (idle, request, slow_reader: output pending "
     "and the client took less than min-send-rate)"},
    {"eureka_http_directory_errors_total", "counter",
     "Requests whose directory call failed (answered 500)"},
    {"eureka_http_output_buffered_bytes", "gauge",
     "Response bytes copied into socket buffers and not yet written"},
    {"eureka_http_output_pinned_bytes", "gauge",
     "Distinct response bodies kept alive for clients that have not read them yet"},
    {"eureka_http_output_refused_total", "counter",
     "Responses answered 503 because max-output-bytes of unsent output was reached"},
    {"eureka_http_accepting", "gauge",
     "1 while new connections are accepted; 0 while paused (fewer than 16 file descriptors "
     "free) or stopping"},
    {"eureka_http_replication_errors_total", "counter",
     "Requests whose call to the node's replication actor failed (GET /ready answered 503, "
     "GET /metrics served without the replication figures)"},
    {"eureka_http_report_errors_total", "counter",
     "Requests whose report call (admin_atom) to the directory or the eviction actor failed "
     "(GET /metrics served without those figures, /admin/api/actors with them null)"},
    {"eureka_http_tls_handshake_failures_total", "counter",
     "HTTPS connections closed because their TLS handshake failed (plain HTTP sent to the TLS "
     "port, an old protocol version, a client certificate missing or not trusted)"},
};

/// The gateway's current levels, read when the metrics are rendered.
struct gateway_gauges {
  size_t output_buffered = 0;
  size_t output_pinned = 0;
  bool accepting = true;
};

/// Label of requests that failed before a route was known (malformed HTTP,
/// 431, 413, 408).
inline constexpr std::string_view unrouted_label = "none";

enum class timeout_kind { idle, request, slow_reader };

class gateway_probe {
public:
  void request(std::string_view route, unsigned code) { ++requests_[{std::string{route}, code}]; }
  void bytes_in(size_t n) { bytes_in_ += n; }
  void bytes_out(size_t n) { bytes_out_ += n; }
  void connection_opened() {
    ++open_;
    ++accepted_;
  }
  void connection_closed() {
    if (open_ > 0)
      --open_;
  }
  void connection_rejected() { ++rejected_; }
  void timeout(timeout_kind k) { ++timeouts_[static_cast<size_t>(k)]; }
  void directory_error() { ++directory_errors_; }
  void output_refused() { ++output_refused_; }
  void replication_error() { ++replication_errors_; }
  void report_error() { ++report_errors_; }
  void tls_handshake_failed() { ++tls_handshake_failures_; }

  uint64_t requests(std::string_view route, unsigned code) const;
  uint64_t total_requests() const;
  uint64_t bytes_in() const { return bytes_in_; }
  uint64_t bytes_out() const { return bytes_out_; }
  uint64_t open_connections() const { return open_; }
  uint64_t accepted_connections() const { return accepted_; }
  uint64_t rejected_connections() const { return rejected_; }
  uint64_t timeouts(timeout_kind k) const { return timeouts_[static_cast<size_t>(k)]; }
  uint64_t directory_errors() const { return directory_errors_; }
  uint64_t output_refused() const { return output_refused_; }
  uint64_t replication_errors() const { return replication_errors_; }
  uint64_t report_errors() const { return report_errors_; }
  uint64_t tls_handshake_failures() const { return tls_handshake_failures_; }
  /// Requests answered, by (route label, status code).
  const std::map<std::pair<std::string, unsigned>, uint64_t>& request_counts() const {
    return requests_;
  }

  /// Prometheus text exposition format 0.0.4.
  std::string render_prometheus(const gateway_gauges& gauges) const;

private:
  std::map<std::pair<std::string, unsigned>, uint64_t> requests_;
  uint64_t bytes_in_ = 0;
  uint64_t bytes_out_ = 0;
  uint64_t open_ = 0;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  uint64_t timeouts_[3] = {};
  uint64_t directory_errors_ = 0;
  uint64_t output_refused_ = 0;
  uint64_t replication_errors_ = 0;
  uint64_t report_errors_ = 0;
  uint64_t tls_handshake_failures_ = 0;
};

} // namespace eureka::gateway
