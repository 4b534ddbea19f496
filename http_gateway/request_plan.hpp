// Turns one parsed HTTP request into either an immediate answer or one
// directory call, and turns directory replies into HTTP answers. Pure, so
// every status-code rule is tested without sockets or actors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cluster/replication_rules.hpp"
#include "http_gateway/gateway_config.hpp"
#include "http_gateway/http_response.hpp"
#include "http_gateway/router.hpp"
#include "messages/cluster_messages.hpp"
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
  /// `Authorization`, `Origin` and `Host` (admin API and console).
  std::string_view authorization;
  std::string_view origin;
  std::string_view host;
  std::string_view body;
};

/// E17: ask the directory for (overrides_atom).
struct overrides_call {};
/// E15: ask the directory for (stats_atom), then build the status document.
struct stats_call {};
/// GET /metrics: answered by the broker from its probe, followed by what
/// the replication actor answers to (metrics_atom) when there is one.
struct metrics_call {};
/// GET /ready: the replication actor's (ready_atom); ready when the node has
/// no replication actor.
struct ready_call {};

/// GET /admin/api/overview: the directory's figures (stats_atom), the peers
/// and readiness, rendered by admin_documents.
struct admin_overview_call {};
/// GET /admin/api/actors: the directory's and the eviction actor's reports
/// (admin_atom), the peers, and the gateway's own probe.
struct admin_actors_call {};

/// E14: one item of a batch as planned.
struct planned_item {
  replication_action action = replication_action::register_instance;
  /// What the item names (for the debug log; untrusted, escape it).
  std::string app;
  std::string id;
  /// Its answer when known without the registry (invalid, refused), or the
  /// command that executes it (answered by cluster::result_of).
  std::variant<replication_result, cluster::replicated_command> step;
  /// Why the item was answered without the registry (for the debug log).
  std::string note;
};

/// E14: every item of a batch, in order. The broker sends every command to
/// the directory at once (CAF delivers one sender's messages in order, so
/// they are applied in item order) and answers once every result is in.
struct replication_batch_call {
  std::vector<planned_item> items;

  /// Items that go to the directory.
  size_t commands() const;
};

using directory_call =
    std::variant<std::monostate, register_cmd, renew_cmd, cancel_cmd, status_cmd, metadata_cmd,
                 read_query, instance_query, overrides_call, stats_call, metrics_call, ready_call,
                 replication_batch_call, admin_overview_call, admin_actors_call>;

/// An admin action on its way to the registry (docs/admin-api.md,
/// "Actions"): who asked for what, for its answer (respond_admin_action) and
/// its info log line (admin_action_log) once the registry replied.
struct admin_action {
  /// admin_cancel, admin_status_update or admin_status_delete.
  route_id id = route_id::admin_cancel;
  /// The user (from eureka.admin.users, so printable as is).
  std::string user;
  std::string app;
  std::string instance_id;
  /// The status routes: the override set, or the status set on removal.
  std::optional<instance_status> value;
};

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
  /// An admin action going to the registry (`call` holds its command):
  /// answer it with respond_admin_action and log admin_action_log.
  std::optional<admin_action> action;
  /// An admin action refused (401, 403, 429, 400): the line to log at info
  /// (escaped), every time (docs/admin-api.md: every refusal is logged).
  std::string audit;
};

/// Routes, checks access and validates; never touches registry state.
/// `auth` (the gateway's, one per broker) remembers verified credentials
/// and counts password checks: the only state a plan changes.
request_plan plan_request(const request_view& req, const gateway_config& cfg, authenticator& auth,
                          int64_t now_ms);

/// Maps a write_reply to the response of write route `id` (contract §1.5).
http_response respond_write(route_id id, const write_reply& reply, payload_format format);

/// Maps a read_reply (cache-backed or instance read) of route `id` to a
/// response (the admin routes' in JSON, errors included).
http_response respond_read(route_id id, const read_reply& reply, payload_format format);

/// The admin API's answer to an action: 200 {"result": ..., "app": ...,
/// "id": ...}, 404 {"error": "no such instance"}, else a JSON error.
http_response respond_admin_action(const admin_action& action, const write_reply& reply);

/// The info log line of an action the registry answered, e.g. "admin: alice
/// deregistered ORDER/i-1" (escaped).
std::string admin_action_log(const admin_action& action, const write_reply& reply);

/// An answer of the admin API: `body` as application/json; charset=utf-8,
/// with Cache-Control: no-store.
http_response admin_json(unsigned status, std::string body);

/// An admin API error: {"error": "<reason>"}.
http_response admin_error(unsigned status, std::string_view reason);

/// E14: 200 with the ReplicationListResponse, one result per item in order.
/// JSON whatever the Accept header (the Java sender asks for JSON).
http_response respond_replication_batch(const std::vector<replication_result>& results);

/// GET /ready: 200 "ready\n" or 503 "not ready\n", then the detail line.
http_response respond_ready(const sync_status& status);

/// The JSON document of GET {base}/cluster/node for an identity with a node id.
std::string cluster_node_document(const cluster_identity& self);

/// The version this node reports to peers (the project's).
std::string_view node_version();

} // namespace eureka::gateway
