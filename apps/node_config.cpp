#include "apps/node_config.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include <fmt/format.h>

#include "cluster/peer_url.hpp"
#include "cluster/tls_settings.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "http_gateway/router.hpp"
#include "registry/instance_info.hpp"

namespace eureka {

namespace {

using text::trim;

template <class Int>
std::string parse_int(std::string_view text, Int min, Int max, Int& out) {
  int64_t value = 0;
  if (!text::parse_long(text, value))
    return fmt::format("'{}' is not a whole number", text);
  if (value < static_cast<int64_t>(min) || value > static_cast<int64_t>(max))
    return fmt::format("{} is out of range [{}, {}]", value, min, max);
  out = static_cast<Int>(value);
  return {};
}

using accessor_bool = bool& (*)(node_config&);

option_spec make_bool(std::string key, std::string description, accessor_bool get) {
  return {std::move(key), std::move(description),
          [get](node_config& c, std::string_view v) -> std::string {
            auto s = text::to_lower(v);
            if (s == "true")
              get(c) = true;
            else if (s == "false")
              get(c) = false;
            else
              return fmt::format("'{}' is not true or false", v);
            return {};
          },
          [get](const node_config& c) -> std::string {
            return get(const_cast<node_config&>(c)) ? "true" : "false";
          }};
}

template <class Int>
option_spec make_int(std::string key, std::string description, Int& (*get)(node_config&), Int min,
                     Int max) {
  return {std::move(key), std::move(description),
          [get, min, max](node_config& c, std::string_view v) {
            return parse_int<Int>(v, min, max, get(c));
          },
          [get](const node_config& c) { return std::to_string(get(const_cast<node_config&>(c))); }};
}

option_spec make_ms(std::string key, std::string description,
                    std::chrono::milliseconds& (*get)(node_config&), int64_t min) {
  return {std::move(key), std::move(description),
          [get, min](node_config& c, std::string_view v) {
            int64_t ms = 0;
            auto err = parse_int<int64_t>(v, min, std::numeric_limits<int32_t>::max(), ms);
            if (err.empty())
              get(c) = std::chrono::milliseconds{ms};
            return err;
          },
          [get](const node_config& c) {
            return std::to_string(get(const_cast<node_config&>(c)).count());
          }};
}

option_spec make_string(std::string key, std::string description, std::string& (*get)(node_config&),
                        std::string (*check)(std::string_view) = nullptr) {
  return {std::move(key), std::move(description),
          [get, check](node_config& c, std::string_view v) -> std::string {
            if (check != nullptr)
              if (auto err = check(v); !err.empty())
                return err;
            get(c) = std::string{v};
            return {};
          },
          [get](const node_config& c) { return get(const_cast<node_config&>(c)); }};
}

std::string check_log_level(std::string_view v) {
  log::level ignored;
  return log::parse_level(v, ignored) ? std::string{}
                                      : fmt::format("'{}' is not one of debug, info, warn, "
                                                    "error, off",
                                                    v);
}

std::string check_log_format(std::string_view v) {
  log::style ignored;
  return log::parse_style(v, ignored) ? std::string{}
                                      : fmt::format("'{}' is not one of text, json", v);
}

std::string check_cluster_name(std::string_view v) {
  if (v.empty())
    return "the cluster name must not be empty";
  for (char c : v)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) == 0x7f)
      return fmt::format("'{}' has a blank or control character", log::printable(v));
  return {};
}

std::string check_ip_address(std::string_view v) {
  return cluster::canonical_address(v) ? std::string{}
                                       : fmt::format("'{}' is not an IP address", v);
}

/// Empty (the node's host name), a host name or an IP address.
std::string check_host(std::string_view v) {
  if (v.empty() || cluster::canonical_address(v))
    return {};
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
          || c == '.' || c == '_'))
      return fmt::format("'{}' is not a host name or IP address", log::printable(v));
  return {};
}

std::vector<std::string> split_list(std::string_view v) {
  std::vector<std::string> out;
  while (!v.empty()) {
    auto pos = v.find(',');
    auto item = trim(v.substr(0, pos));
    if (!item.empty())
      out.emplace_back(item);
    if (pos == std::string_view::npos)
      break;
    v.remove_prefix(pos + 1);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty())
      out += ',';
    out += i;
  }
  return out;
}

std::vector<option_spec> build_options() {
  std::vector<option_spec> o;
  // -- server ------------------------------------------------------------------
  o.push_back(make_int<uint16_t>(
      "server.port", "HTTP port of the Eureka REST API (0: an ephemeral port)",
      [](node_config& c) -> uint16_t& { return c.gateway.port; }, 0, 65535));
  o.push_back(make_string("server.address", "Address the HTTP port binds to",
                          [](node_config& c) -> std::string& { return c.gateway.bind_address; }));
  // TLS with PEM files, under Spring Boot's names (docs/security.md).
  o.push_back(make_string(
      "server.ssl.certificate",
      "PEM file of the HTTPS certificate, then its chain; set: the HTTP port speaks TLS 1.2+ only",
      [](node_config& c) -> std::string& { return c.gateway.tls.certificate; }));
  o.push_back(make_string(
      "server.ssl.certificate-private-key", "PEM file of the certificate's (unencrypted) key",
      [](node_config& c) -> std::string& { return c.gateway.tls.private_key; }));
  o.push_back(make_string(
      "server.ssl.trust-certificate",
      "PEM file of the CAs client certificates must chain to (with server.ssl.client-auth)",
      [](node_config& c) -> std::string& { return c.gateway.tls.trust_certificate; }));
  o.push_back({"server.ssl.client-auth",
               "none, want (a client certificate is verified when sent) or need (required)",
               [](node_config& c, std::string_view v) -> std::string {
                 auto x = text::to_lower(v);
                 if (x == "none")
                   c.gateway.tls.clients = gateway::client_auth::none;
                 else if (x == "want")
                   c.gateway.tls.clients = gateway::client_auth::want;
                 else if (x == "need")
                   c.gateway.tls.clients = gateway::client_auth::need;
                 else
                   return fmt::format("'{}' is not one of none, want, need", log::printable(v));
                 return {};
               },
               [](const node_config& c) {
                 return std::string{gateway::to_string(c.gateway.tls.clients)};
               }});
  o.push_back({"eureka.gateway.base-paths",
               "Comma-separated mount points of the API; each also accepts /v2",
               [](node_config& c, std::string_view v) -> std::string {
                 auto list = split_list(v);
                 if (list.empty())
                   return "at least one base path is needed";
                 for (const auto& p : list)
                   if (p.empty() || p.front() != '/')
                     return fmt::format("base path '{}' must start with '/'", p);
                 c.gateway.base_paths = std::move(list);
                 return {};
               },
               [](const node_config& c) { return join(c.gateway.base_paths); }});
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-header-bytes", "Largest request line plus headers (431 beyond)",
      [](node_config& c) -> size_t& { return c.gateway.max_header_bytes; }, 1024, 1u << 20));
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-body-bytes", "Largest request body, also after gzip inflation (413)",
      [](node_config& c) -> size_t& { return c.gateway.max_body_bytes; }, 1024, 64u << 20));
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-connections", "Most open HTTP connections (503 beyond)",
      [](node_config& c) -> size_t& { return c.gateway.max_connections; }, 1, 1000000));
  o.push_back(make_ms(
      "eureka.gateway.idle-timeout-ms", "Idle keep-alive connections close",
      [](node_config& c) -> std::chrono::milliseconds& { return c.gateway.idle_timeout; }, 100));
  o.push_back(make_ms(
      "eureka.gateway.request-timeout-ms",
      "Most time from a request's first byte to its last (408)",
      [](node_config& c) -> std::chrono::milliseconds& { return c.gateway.request_timeout; }, 100));
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-connection-output-bytes",
      "Unsent output of one connection beyond which its further pipelined requests wait",
      [](node_config& c) -> size_t& { return c.gateway.max_connection_output_bytes; }, 64u << 10,
      size_t{1} << 30));
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-output-bytes",
      "Unsent output held for all clients (distinct bodies plus socket copies); a response that "
      "would go beyond gets 503 (one body is always admitted)",
      [](node_config& c) -> size_t& { return c.gateway.max_output_bytes; }, 1u << 20,
      size_t{1} << 40));
  o.push_back(make_int<size_t>(
      "eureka.gateway.min-send-rate-bytes-per-second",
      "A client with output pending that takes less than this per send-rate window is "
      "disconnected (0: only one that takes nothing)",
      [](node_config& c) -> size_t& { return c.gateway.min_send_rate; }, 0, size_t{1} << 30));
  o.push_back(make_ms(
      "eureka.gateway.send-rate-window-ms", "Window over which min-send-rate is measured",
      [](node_config& c) -> std::chrono::milliseconds& { return c.gateway.send_rate_window; },
      100));
  o.push_back(make_ms(
      "eureka.gateway.shutdown-grace-ms",
      "On SIGTERM/SIGINT: how long answers in progress may take before remaining connections are "
      "reset",
      [](node_config& c) -> std::chrono::milliseconds& { return c.gateway.shutdown_grace; }, 0));
  o.push_back(make_int<size_t>(
      "eureka.gateway.max-replication-batch-items",
      "Most items of one peerreplication/batch (400 for the whole batch beyond)",
      [](node_config& c) -> size_t& { return c.gateway.max_replication_batch_items; }, 1, 1000000));
  o.push_back(make_string("eureka.environment", "Environment shown on the status page",
                          [](node_config& c) -> std::string& { return c.gateway.environment; }));
  o.push_back(make_string("eureka.instance.hostname",
                          "Host name this node reports (empty: detected)",
                          [](node_config& c) -> std::string& { return c.gateway.node_hostname; }));
  // -- registry ----------------------------------------------------------------
  o.push_back(
      make_bool("eureka.server.enable-self-preservation",
                "Stop evicting while renewals fall below the threshold",
                [](node_config& c) -> bool& { return c.registry.enable_self_preservation; }));
  o.push_back(make_int<int64_t>(
      "eureka.server.eviction-interval-timer-in-ms", "Period of the eviction sweep",
      [](node_config& c) -> int64_t& { return c.registry.eviction_interval_ms; }, 100,
      std::numeric_limits<int32_t>::max()));
  o.push_back({"eureka.server.renewal-percent-threshold",
               "Share of expected renewals below which self-preservation engages",
               [](node_config& c, std::string_view v) -> std::string {
                 std::string text{v};
                 char* end = nullptr;
                 errno = 0;
                 double d = std::strtod(text.c_str(), &end);
                 if (text.empty() || end != text.c_str() + text.size() || errno != 0
                     || !std::isfinite(d))
                   return fmt::format("'{}' is not a number", v);
                 if (d <= 0.0 || d > 1.0)
                   return fmt::format("{} is out of range (0, 1]", d);
                 c.registry.renewal_percent_threshold = d;
                 return {};
               },
               [](const node_config& c) {
                 return fmt::format("{}", c.registry.renewal_percent_threshold);
               }});
  o.push_back(make_int<int32_t>(
      "eureka.server.expected-client-renewal-interval-seconds",
      "Heartbeat interval clients are expected to use",
      [](node_config& c) -> int32_t& { return c.registry.expected_client_renewal_interval_secs; },
      1, 3600));
  o.push_back(make_int<int64_t>(
      "eureka.server.retention-time-in-m-s-in-delta-queue",
      "How long a change stays in /apps/delta",
      [](node_config& c) -> int64_t& { return c.registry.retention_time_in_delta_queue_ms; }, 1000,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<int64_t>(
      "eureka.server.delta-retention-timer-interval-in-ms",
      "Period of the sweep that drops old changes from the delta",
      [](node_config& c) -> int64_t& { return c.registry.delta_retention_timer_interval_ms; }, 100,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_bool("eureka.server.disable-delta", "Answer /apps/delta with 403",
                        [](node_config& c) -> bool& { return c.registry.disable_delta; }));
  o.push_back(make_bool("eureka.server.legacy-lease-expiry",
                        "Java's expiry after 2 x duration (decisions.md 1)",
                        [](node_config& c) -> bool& { return c.registry.legacy_lease_expiry; }));
  o.push_back(
      make_bool("eureka.server.use-read-only-response-cache",
                "Java's 30 s read-only response cache (decisions.md 2)",
                [](node_config& c) -> bool& { return c.registry.use_read_only_response_cache; }));
  o.push_back(make_int<int64_t>(
      "eureka.server.response-cache-update-interval-ms",
      "Read-only cache refresh; most a renewal timestamp may lag in payloads",
      [](node_config& c) -> int64_t& { return c.registry.response_cache_update_interval_ms; }, 100,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<int32_t>(
      "eureka.server.max-applications",
      "Most live applications (with instances); registering a new one beyond answers 503",
      [](node_config& c) -> int32_t& { return c.registry.max_applications; }, 1, 10000000));
  o.push_back(make_int<int32_t>(
      "eureka.server.max-instances",
      "Most instances held; registering a new one beyond answers 503 (re-registering never)",
      [](node_config& c) -> int32_t& { return c.registry.max_instances; }, 1, 100000000));
  o.push_back(make_int<int64_t>(
      "eureka.server.max-delta-queue-bytes",
      "Most bytes of encoded changes kept for /apps/delta (oldest leave first)",
      [](node_config& c) -> int64_t& { return c.registry.max_delta_queue_bytes; }, 1 << 20,
      std::numeric_limits<int64_t>::max() / 2));
  o.push_back(make_int<int64_t>(
      "eureka.server.max-plain-cache-bytes",
      "Most bytes of plain encoded applications kept between reads, all forms (least recently "
      "used leave first; 0: none)",
      [](node_config& c) -> int64_t& { return c.registry.max_plain_cache_bytes; }, 0,
      std::numeric_limits<int64_t>::max() / 2));
  o.push_back(make_int<int64_t>(
      "eureka.server.max-dirty-timestamp-skew-ms",
      "Most a lastDirtyTimestamp may be ahead of this node's clock (400 beyond; 0: no bound)",
      [](node_config& c) -> int64_t& { return c.gateway.max_dirty_timestamp_skew_ms; }, 0,
      std::numeric_limits<int32_t>::max()));
  // -- cluster -----------------------------------------------------------------
  o.push_back({"eureka.client.service-url.default-zone",
               "Comma-separated Eureka URLs of the cluster's nodes (http://, https://), the same "
               "list on every node; this node's own URL is recognised and skipped",
               [](node_config& c, std::string_view v) -> std::string {
                 // Validated here so a typo stops the node at start; kept as
                 // given (the cluster parses them again, de-duplicated).
                 if (auto parsed = cluster::parse_peer_list(v); !parsed.error.empty())
                   return parsed.error;
                 c.cluster.peer_urls = split_list(v);
                 return {};
               },
               [](const node_config& c) { return join(c.cluster.peer_urls); }});
  o.push_back(make_string(
      "eureka.cluster.name", "Cluster name; a caf-eureka peer with another name is refused",
      [](node_config& c) -> std::string& { return c.cluster.name; }, check_cluster_name));
  o.push_back(make_string(
      "eureka.cluster.bind-address", "Address the cluster (BASP) port binds to",
      [](node_config& c) -> std::string& { return c.cluster.bind_address; }, check_ip_address));
  o.push_back(make_int<uint16_t>(
      "eureka.cluster.port", "Cluster (BASP) port peers connect to (0: an ephemeral port)",
      [](node_config& c) -> uint16_t& { return c.cluster.port; }, 0, 65535));
  o.push_back(make_string(
      "eureka.cluster.advertised-host",
      "Host name or IP peers use to reach the cluster port (empty: this node's host name)",
      [](node_config& c) -> std::string& { return c.cluster.advertised_host; }, check_host));
  o.push_back(make_string(
      "eureka.cluster.tls.certificate",
      "Mutual TLS between peers: this node's PEM certificate (chain). With "
      "eureka.cluster.tls.key and eureka.cluster.tls.ca every BASP link is TLS and a peer "
      "without a certificate of the cluster's CA is refused (empty: plain BASP)",
      [](node_config& c) -> std::string& { return c.cluster.tls.certificate; }));
  o.push_back(make_string("eureka.cluster.tls.key",
                          "Mutual TLS between peers: the PEM private key of the certificate",
                          [](node_config& c) -> std::string& { return c.cluster.tls.key; }));
  o.push_back(make_string(
      "eureka.cluster.tls.key-password",
      "Mutual TLS between peers: the password of an encrypted key (empty: the key is not "
      "encrypted)",
      [](node_config& c) -> std::string& { return c.cluster.tls.key_password; }));
  o.push_back(
      make_string("eureka.cluster.tls.ca",
                  "Mutual TLS between peers: PEM file of the cluster's CA certificate(s); a peer's "
                  "certificate must chain to one of them",
                  [](node_config& c) -> std::string& { return c.cluster.tls.ca; }));
  o.push_back(make_int<size_t>(
      "eureka.cluster.max-batch-items", "Most replicated actions in one batch to a peer",
      [](node_config& c) -> size_t& { return c.cluster.max_batch_items; }, 1, 10000));
  o.push_back(make_int<int64_t>(
      "eureka.cluster.heartbeat-tick-ms",
      "Renewals are relayed to each peer once per tick, coalesced per instance",
      [](node_config& c) -> int64_t& { return c.cluster.heartbeat_tick_ms; }, 10, 30000));
  o.push_back(make_int<size_t>(
      "eureka.cluster.max-peer-queue-bytes",
      "Actions queued for one peer; beyond, the queue is dropped and the peer caught up by "
      "registry digest when it answers again",
      [](node_config& c) -> size_t& { return c.cluster.max_peer_queue_bytes; }, 64u << 10,
      size_t{1} << 40));
  o.push_back(make_int<int64_t>(
      "eureka.cluster.ack-timeout-ms",
      "A batch not acknowledged within this is a failure (link re-established, peer caught up)",
      [](node_config& c) -> int64_t& { return c.cluster.ack_timeout_ms; }, 100,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<int64_t>(
      "eureka.cluster.retry-min-ms", "First back-off before retrying a peer that is down",
      [](node_config& c) -> int64_t& { return c.cluster.retry_min_ms; }, 10,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<int64_t>(
      "eureka.cluster.retry-max-ms",
      "Longest back-off before retrying a peer that is down (at least retry-min-ms)",
      [](node_config& c) -> int64_t& { return c.cluster.retry_max_ms; }, 10,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<int64_t>(
      "eureka.server.wait-time-in-ms-when-sync-empty",
      "Longest a starting node waits for its start-up sync from a peer before it reports ready "
      "anyway (0: no wait)",
      [](node_config& c) -> int64_t& { return c.cluster.wait_time_in_ms_when_sync_empty; }, 0,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_bool("eureka.client.register-with-eureka",
                        "Register this node in the registry under eureka.instance.appname",
                        [](node_config& c) -> bool& { return c.cluster.register_with_eureka; }));
  o.push_back({"eureka.instance.appname",
               "Application name this node registers under (stored upper case)",
               [](node_config& c, std::string_view v) -> std::string {
                 if (text::trim(v).empty())
                   return "the application name must not be empty";
                 if (v.size() > max_app_name_bytes)
                   return too_long_reason("appname", v.size(), max_app_name_bytes);
                 c.cluster.self_app_name = to_upper_ascii(v);
                 return {};
               },
               [](const node_config& c) { return c.cluster.self_app_name; }});
  // -- this node's calls to https:// peers (docs/security.md) -------------------
  o.push_back(make_string(
      "eureka.client.tls.trust-certificate",
      "PEM file of the CAs https:// peers' certificates must chain to (empty: the system's CAs)",
      [](node_config& c) -> std::string& { return c.client_tls.trust_certificate; }));
  o.push_back(
      make_string("eureka.client.tls.certificate",
                  "PEM file of the client certificate shown to https:// peers that ask for one",
                  [](node_config& c) -> std::string& { return c.client_tls.certificate; }));
  o.push_back(make_string("eureka.client.tls.certificate-private-key",
                          "PEM file of that certificate's key",
                          [](node_config& c) -> std::string& { return c.client_tls.private_key; }));
  // -- who may do what (docs/security.md) ---------------------------------------
  o.push_back(make_bool("eureka.auth.enabled",
                        "The Eureka API and /metrics need HTTP basic authentication of a user of "
                        "eureka.auth.users holding the request's role (401, 403)",
                        [](node_config& c) -> bool& { return c.gateway.auth.enabled; }));
  o.push_back(make_bool(
      "eureka.auth.read-without-auth",
      "With eureka.auth.enabled, GETs of the Eureka API and /metrics still need no credentials",
      [](node_config& c) -> bool& { return c.gateway.auth.read_without_auth; }));
  o.push_back({"eureka.auth.users",
               "Users: comma-separated name:roles:hash, roles read, register (or "
               "register=APP|APP...), admin and peer joined with '+' (admin includes read and "
               "register, peer includes read); the hash as printed by caf-eureka-admin "
               "hash-password",
               [](node_config& c, std::string_view v) -> std::string {
                 auto parsed = gateway::parse_users(v);
                 if (!parsed.error.empty())
                   return parsed.error;
                 c.gateway.auth.users = std::move(parsed.users);
                 return {};
               },
               [](const node_config& c) { return gateway::format_users(c.gateway.auth.users); }});
  o.push_back(make_int<int64_t>(
      "eureka.auth.cache-ms",
      "How long verified credentials are remembered (0: each request is checked)",
      [](node_config& c) -> int64_t& { return c.gateway.auth.cache_ms; }, 0,
      std::numeric_limits<int32_t>::max()));
  o.push_back(make_int<uint32_t>(
      "eureka.auth.max-password-checks-per-second",
      "Most password checks (PBKDF2) per second; a request needing one more gets 429",
      [](node_config& c) -> uint32_t& { return c.gateway.auth.max_password_checks_per_second; }, 1,
      100000));
  // -- admin API and console (docs/admin-api.md) -------------------------------
  o.push_back(make_bool("eureka.admin.read-without-auth",
                        "The admin API's reads (and the console's views) need no credentials "
                        "(with eureka.auth.enabled, only if eureka.auth.read-without-auth too)",
                        [](node_config& c) -> bool& { return c.gateway.admin.read_without_auth; }));
  // -- process -----------------------------------------------------------------
  o.push_back(make_string(
      "logging.level", "debug, info, warn, error or off",
      [](node_config& c) -> std::string& { return c.log_level; }, check_log_level));
  o.push_back(make_string(
      "logging.format", "text (one plain line per event) or json (one JSON object per line)",
      [](node_config& c) -> std::string& { return c.log_format; }, check_log_format));
  o.push_back(make_int<int32_t>(
      "node.scheduler-threads", "Actor scheduler threads (CAF scheduler.max-threads)",
      [](node_config& c) -> int32_t& { return c.scheduler_threads; }, 1, 64));
  o.push_back(make_int<int64_t>(
      "node.malloc-mmap-threshold-bytes",
      "Allocations this large get their own mapping, returned to the system when freed (glibc "
      "M_MMAP_THRESHOLD; 0: glibc's adaptive default)",
      [](node_config& c) -> int64_t& { return c.malloc_mmap_threshold_bytes; }, 0,
      32 * 1024 * 1024));
  o.push_back(make_bool("node.reader-thread",
                        "Serve registry-wide reads on a thread of their own (false: on the "
                        "actor scheduler's threads)",
                        [](node_config& c) -> bool& { return c.reader_thread; }));
  o.push_back(make_int<int32_t>(
      "node.reader-nice",
      "Nice value of the reader's thread, 0-19 (higher: reads yield the CPU to writes sooner)",
      [](node_config& c) -> int32_t& { return c.reader_nice; }, 0, 19));
  return o;
}

/// Keys with other accepted spellings: Spring writes defaultZone in camel
/// case (a map key, which relaxed binding does not turn into kebab case);
/// keys renamed keep their old names.
const std::vector<std::pair<std::string_view, std::vector<std::string>>>& alias_table() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string>>> table = {
      {"eureka.client.service-url.default-zone",
       {"eureka.client.service-url.defaultZone", "eureka.client.serviceUrl.defaultZone"}},
      // The names these keys had while only the admin console had users.
      {"eureka.auth.users", {"eureka.admin.users"}},
      {"eureka.auth.cache-ms", {"eureka.admin.auth-cache-ms"}},
      {"eureka.auth.max-password-checks-per-second",
       {"eureka.admin.max-password-checks-per-second"}},
  };
  return table;
}

const option_spec* find_option(std::string_view key) {
  for (const auto& o : node_options())
    if (o.key == key)
      return &o;
  for (const auto& [canonical, aliases] : alias_table())
    for (const auto& alias : aliases)
      if (alias == key)
        return find_option(canonical);
  return nullptr;
}

std::string apply(node_config& cfg, std::string_view key, std::string_view value,
                  std::string_view origin) {
  auto opt = find_option(key);
  if (opt == nullptr)
    return fmt::format("{}: unknown key '{}' (see --help)", origin, key);
  if (auto err = opt->apply(cfg, trim(value)); !err.empty())
    return fmt::format("{}: {}: {}", origin, key, err);
  return {};
}

std::string load_file(node_config& cfg, const std::string& path) {
  std::ifstream in{path};
  if (!in)
    return fmt::format("cannot read config file '{}'", path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto text = trim(line);
    if (text.empty() || text.front() == '#' || text.front() == '!')
      continue;
    auto pos = text.find_first_of("=:");
    if (pos == std::string_view::npos)
      return fmt::format("{}:{}: expected key=value", path, number);
    auto origin = fmt::format("{}:{}", path, number);
    if (auto err = apply(cfg, trim(text.substr(0, pos)), text.substr(pos + 1), origin);
        !err.empty())
      return err;
  }
  return {};
}

/// Every instance a registration may create stays addressable: the longest
/// request naming it (field limits, percent-encoded) under every base path,
/// plus room for ordinary headers, must fit max-header-bytes.
std::string check_header_budget(const node_config& c) {
  for (const auto& base : c.gateway.base_paths) {
    auto line = gateway::longest_request_line(base);
    auto need = line + gateway::ordinary_header_bytes;
    if (c.gateway.max_header_bytes < need)
      return fmt::format("eureka.gateway.max-header-bytes: {} cannot address every instance that "
                         "may register under base path '{}': at least {} needed (a request line "
                         "of up to {} bytes plus {} for headers)",
                         c.gateway.max_header_bytes, base, need, line,
                         gateway::ordinary_header_bytes);
  }
  return {};
}

std::string check_cluster(const node_config& c) {
  if (c.cluster.retry_min_ms > c.cluster.retry_max_ms)
    return fmt::format("eureka.cluster.retry-min-ms ({}) must not exceed "
                       "eureka.cluster.retry-max-ms ({})",
                       c.cluster.retry_min_ms, c.cluster.retry_max_ms);
  return {};
}

/// The server.ssl.* keys go together, and their files load (checked here so
/// that a typo stops the node with the file's name, not a refused client).
std::string check_tls(const node_config& c) {
  const auto& t = c.gateway.tls;
  if (!t.enabled()) {
    if (!t.private_key.empty() || !t.trust_certificate.empty()
        || t.clients != gateway::client_auth::none)
      return "server.ssl.certificate-private-key, trust-certificate and client-auth need "
             "server.ssl.certificate";
    return {};
  }
  if (t.private_key.empty())
    return "server.ssl.certificate needs server.ssl.certificate-private-key";
  if (t.clients == gateway::client_auth::none && !t.trust_certificate.empty())
    return "server.ssl.trust-certificate is used only with server.ssl.client-auth=want or need";
  if (t.clients != gateway::client_auth::none && t.trust_certificate.empty())
    return fmt::format("server.ssl.client-auth={} needs server.ssl.trust-certificate (the CAs "
                       "client certificates must chain to)",
                       gateway::to_string(t.clients));
  std::string error;
  if (!gateway::tls_context::create(t, error))
    return error;
  return {};
}

/// The files of eureka.client.tls.* load (when any is set).
std::string check_client_tls(const node_config& c) {
  const auto& t = c.client_tls;
  if (t.trust_certificate.empty() && t.certificate.empty() && t.private_key.empty())
    return {};
  std::string error;
  if (!cluster::peer_tls_context::create(t, error))
    return error;
  return {};
}

/// Authentication on without a user would refuse every client.
std::string check_auth(const node_config& c) {
  if (c.gateway.auth.enabled && c.gateway.auth.users.empty())
    return "eureka.auth.enabled=true needs eureka.auth.users: without a user every request of "
           "the Eureka API would be refused";
  return {};
}

} // namespace

std::vector<std::string> key_aliases(std::string_view key) {
  for (const auto& [canonical, aliases] : alias_table())
    if (canonical == key)
      return aliases;
  return {};
}

const std::vector<option_spec>& node_options() {
  static const std::vector<option_spec> options = build_options();
  return options;
}

std::vector<std::string> env_names(std::string_view key) {
  std::string canonical, spaced;
  for (char c : key) {
    char up = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    if (c == '.') {
      canonical += '_';
      spaced += '_';
    } else if (c == '-') {
      spaced += '_';
    } else {
      canonical += up;
      spaced += up;
    }
  }
  if (canonical == spaced)
    return {canonical};
  return {canonical, spaced};
}

config_load_result load_node_config(const std::vector<std::string>& args,
                                    const std::function<const char*(const char*)>& getenv_fn) {
  config_load_result r;
  std::string config_file;
  if (auto v = getenv_fn("CAF_EUREKA_CONFIG_FILE"); v != nullptr && *v != '\0')
    config_file = v;
  std::vector<std::pair<std::string, std::string>> cli;
  for (const auto& arg : args) {
    if (arg == "--help" || arg == "-h") {
      r.show_help = true;
      continue;
    }
    if (arg == "--dump-config") {
      r.dump_config = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.find('=') == std::string::npos) {
      r.error = fmt::format("command line: expected --<key>=<value>, got '{}'", arg);
      return r;
    }
    auto eq = arg.find('=');
    auto key = arg.substr(2, eq - 2);
    auto value = arg.substr(eq + 1);
    if (key == "config-file")
      config_file = value;
    else
      cli.emplace_back(std::move(key), std::move(value));
  }
  if (r.show_help)
    return r;
  if (!config_file.empty())
    if (r.error = load_file(r.config, config_file); !r.error.empty())
      return r;
  for (const auto& opt : node_options()) {
    auto names = env_names(opt.key);
    for (const auto& alias : key_aliases(opt.key))
      for (auto& name : env_names(alias))
        if (std::find(names.begin(), names.end(), name) == names.end())
          names.push_back(std::move(name));
    for (const auto& name : names)
      if (auto v = getenv_fn(name.c_str()); v != nullptr) {
        if (r.error = apply(r.config, opt.key, v, "environment " + name); !r.error.empty())
          return r;
        break;
      }
  }
  for (const auto& [key, value] : cli)
    if (r.error = apply(r.config, key, value, "command line"); !r.error.empty())
      return r;
  if (r.error = check_header_budget(r.config); !r.error.empty())
    return r;
  if (r.error = check_cluster(r.config); !r.error.empty())
    return r;
  if (r.error = check_auth(r.config); !r.error.empty())
    return r;
  if (r.error = check_tls(r.config); !r.error.empty())
    return r;
  if (r.error = check_client_tls(r.config); !r.error.empty())
    return r;
  // The files now, not when the first peer connects (cluster/tls_settings).
  if (r.error = cluster::check_tls_keys(r.config.cluster.tls); !r.error.empty())
    return r;
  if (r.error = cluster::check_tls_files(r.config.cluster.tls); !r.error.empty())
    return r;
  // The status page lists the peers (registered-replicas) from the one key
  // that configures them, normalised: never with their credentials.
  r.config.gateway.peer_urls.clear();
  for (const auto& url : cluster::parse_peer_list(join(r.config.cluster.peer_urls)).urls)
    r.config.gateway.peer_urls.push_back(url.text);
  return r;
}

std::string help_text() {
  node_config defaults;
  std::ostringstream out;
  out << "Usage: caf-eureka-node [--config-file=PATH] [--<key>=<value> ...] [--dump-config]\n\n"
         "A Eureka-compatible service registry node. Every key can be set as\n"
         "--<key>=<value>, as an environment variable (dots to '_', upper case,\n"
         "dashes removed or turned into '_', e.g. EUREKA_SERVER_ENABLESELFPRESERVATION)\n"
         "or in a .properties file (--config-file or CAF_EUREKA_CONFIG_FILE).\n"
         "Precedence: command line > environment > file > default.\n\nKeys (default):\n";
  for (const auto& opt : node_options()) {
    out << fmt::format("  {:<56} {}\n  {:<56}   default: {}\n", opt.key, opt.description, "",
                       opt.render(defaults));
    for (const auto& alias : key_aliases(opt.key))
      out << fmt::format("  {:<56}   also: {}\n", "", alias);
  }
  return out.str();
}

std::string dump_config(const node_config& cfg) {
  std::string out;
  for (const auto& opt : node_options())
    out += fmt::format("{}={}\n", opt.key, opt.render(cfg));
  return out;
}

} // namespace eureka
