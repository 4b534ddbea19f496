// Maps a request line (method + target) to a Eureka endpoint with decoded
// parameters. Pure: no I/O, no actors, so every path rule is unit-tested.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eureka::gateway {

/// Endpoints of contract §1.2 plus the gateway's own.
enum class route_id {
  apps_full,         // E1  GET apps
  apps_delta,        // E2  GET apps/delta
  app,               // E3  GET apps/{app}
  register_instance, // E4 POST apps/{app}
  instance,          // E5  GET apps/{app}/{id}
  renew,             // E6  PUT apps/{app}/{id}
  cancel,            // E7  DELETE apps/{app}/{id}
  status_update,     // E8  PUT apps/{app}/{id}/status
  status_delete,     // E9  DELETE apps/{app}/{id}/status
  metadata,          // E10 PUT apps/{app}/{id}/metadata
  instance_by_id,    // E11 GET instances/{id}
  vip,               // E12 GET vips/{vip}
  svip,              // E13 GET svips/{svip}
  replication_batch, // E14 POST peerreplication/batch
  server_status,     // E15 GET status
  status_overrides,  // E17 GET serverinfo/statusoverrides
  cluster_node,      // GET cluster/node (ours: this node, for peers)
  metrics,           // GET /metrics (Prometheus, outside the base paths)
  ready,             // GET /ready (start-up sync done; outside the base paths)
  health,            // GET /health (the process answers; outside the base paths)
  // The admin API (docs/admin-api.md), under /admin/api/, outside the base paths.
  admin_session,       // GET /admin/api/session
  admin_overview,      // GET /admin/api/overview
  admin_actors,        // GET /admin/api/actors
  admin_apps,          // GET /admin/api/apps
  admin_instance,      // GET /admin/api/apps/{app}/{id}
  admin_cancel,        // DELETE /admin/api/apps/{app}/{id}
  admin_status_update, // PUT /admin/api/apps/{app}/{id}/status
  admin_status_delete, // DELETE /admin/api/apps/{app}/{id}/status
  console,             // GET / and GET /console/{file}: the web console's files
  not_found,           // no such path: 404
  method_not_allowed,  // known path, wrong method: 405 + Allow
  bad_request,         // malformed %-escape in path or query: 400
};

/// Stable label of a route, used in metrics (`route="apps_full"`).
std::string_view route_label(route_id id);

/// Decoded query parameters in request order (duplicates kept; lookups take
/// the first, as JAX-RS @QueryParam does).
using query_params = std::vector<std::pair<std::string, std::string>>;

/// First value of `key`, or nullptr.
const std::string* find_param(const query_params& q, std::string_view key);

struct route {
  route_id id = route_id::not_found;
  /// Upper-cased application name (E3-E10).
  std::string app;
  /// Instance id, case preserved (E5-E11).
  std::string instance_id;
  /// VIP or secure VIP address, case preserved (E12, E13).
  std::string vip;
  query_params query;
  /// Value of the Allow header for method_not_allowed.
  std::string allow;
  /// Reason for bad_request.
  std::string error;
  /// HEAD on a GET route: answer like GET but without the body.
  bool head = false;
  /// The path is under /admin/api/ (its errors are JSON), whatever `id`.
  bool admin = false;
  /// console: the decoded path of the file ("/" for the page itself).
  std::string asset;
};

/// True for the admin API's actions (PUT, DELETE).
bool is_admin_action(route_id id);

/// Routes `target` (origin-form: path plus optional query) for `method`.
/// `bases` are mount points like "/eureka" (a trailing '/' is ignored; ""
/// mounts at the root); each accepts an optional "v2" segment after it.
route route_request(std::string_view method, std::string_view target,
                    const std::vector<std::string>& bases);

/// Room left in eureka.gateway.max-header-bytes for the headers of an
/// ordinary request (Host, Accept, Accept-Encoding, Content-Type,
/// User-Agent, the DiscoveryIdentity-* set, x-netflix-discovery-replication,
/// an Authorization token) beside its request line.
inline constexpr size_t ordinary_header_bytes = 4096;

/// Bytes of the longest request line (method, target, version, CRLF) a
/// client or peer sends to address an instance registered within the field
/// limits under `base`: every byte of the app name, instance id and VIP
/// percent-encoded, the longest path (PUT .../{app}/{id}/status, or a VIP
/// read) and query (a peer's renew with status, lastDirtyTimestamp and
/// overriddenstatus). Callers' own metadata queries are not included.
size_t longest_request_line(std::string_view base);

/// Decodes %XX escapes (and, if `plus_is_space`, '+' as a space, which is how
/// Jersey decodes query strings). False on a malformed escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

/// Parses `a=1&b=%20&c` into decoded pairs. False on a malformed escape.
bool parse_query(std::string_view query, query_params& out);

} // namespace eureka::gateway
