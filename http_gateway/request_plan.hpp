// Turns one parsed HTTP request into either an immediate answer or one
// directory call, and turns directory replies into HTTP answers. Pure, so
// every status-code rule is tested without sockets or actors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "http_gateway/gateway_config.hpp"
#include "http_gateway/http_response.hpp"
#include "http_gateway/router.hpp"
#include "messages/registry_messages.hpp"

namespace eureka::gateway {

/// The request as the parser delivered it (header values empty if absent).
struct request_view {
  std::string_view method;
  std::string_view target;
  std::string_view accept;
  std::string_view accept_encoding;
  std::string_view content_type;
  std::string_view content_encoding;
  std::string_view replication;
  /// `X-Eureka-Accept`.
  std::string_view eureka_accept;
  std::string_view body;
};

/// E17: ask the directory for (overrides_atom).
struct overrides_call {};
/// E15: ask the directory for (stats_atom), then build the status document.
struct stats_call {};
/// GET /metrics: answered by the broker from its probe.
struct metrics_call {};

using directory_call =
    std::variant<std::monostate, register_cmd, renew_cmd, cancel_cmd, status_cmd, metadata_cmd,
                 read_query, instance_query, overrides_call, stats_call, metrics_call>;

struct request_plan {
  route r;
  /// Set when the gateway answers without the directory (errors, 404/405).
  std::optional<http_response> immediate;
  directory_call call;
  /// Format of instance / status / 409 bodies for this request.
  payload_format format = payload_format::xml;
  /// A refusal worth a warning in the node's log (already escaped); the
  /// gateway logs these rate-limited, as any client can cause them.
  std::string warning;
};

/// Routes and validates; never touches registry state.
request_plan plan_request(const request_view& req, const gateway_config& cfg, int64_t now_ms);

/// Maps a write_reply to the response of write route `id` (contract §1.5).
http_response respond_write(route_id id, const write_reply& reply, payload_format format);

/// Maps a read_reply (cache-backed or instance read) to a response.
http_response respond_read(const read_reply& reply, payload_format format);

} // namespace eureka::gateway
