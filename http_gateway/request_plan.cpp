#include "http_gateway/request_plan.hpp"

#include <limits>
#include <optional>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "codec/gzip.hpp"
#include "codec/instance_codec.hpp"
#include "codec/node_identity.hpp"
#include "codec/replication_codec.hpp"
#include "codec/text.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "common/version.hpp"
#include "http_gateway/console_assets.hpp"
#include "http_gateway/negotiation.hpp"
#include "registry/dirty_timestamp.hpp"

namespace eureka::gateway {

namespace {

std::string lower_trimmed(std::string_view s) {
  return text::to_lower(text::trim(s));
}

// Bad query values answer 400 where Java answers 500 (an exception from
// valueOf / Long.valueOf): a 5xx makes clients fail over to another server
// for what is the caller's mistake. Nothing is changed on bad input.
http_response bad_value(std::string_view text) {
  return make_text(400, text);
}

// A lastDirtyTimestamp too far ahead of our clock would win every later
// conflict (registry/dirty_timestamp.hpp): refused, from clients and peers
// alike, with a warning for the log, since an honest client whose clock
// runs ahead by more than the bound cannot register until it is fixed.
// False with the answer and the warning set in `p`.
std::string skew_warning(std::string_view what, int64_t ts, std::string_view app,
                         std::string_view instance, bool replication, const gateway_config& cfg,
                         int64_t now_ms) {
  return fmt::format("refused {}{} of {}/{}: lastDirtyTimestamp {} is more than {} ms ahead "
                     "of this node's clock ({})",
                     replication ? "replicated " : "", what, log::printable(app),
                     log::printable(instance), ts, cfg.max_dirty_timestamp_skew_ms, now_ms);
}

std::string skew_reason(int64_t ts, const gateway_config& cfg) {
  return fmt::format("lastDirtyTimestamp {} is more than {} ms ahead of the server's clock", ts,
                     cfg.max_dirty_timestamp_skew_ms);
}

bool dirty_ts_acceptable(int64_t ts, std::string_view app, std::string_view instance,
                         bool replication, const gateway_config& cfg, int64_t now_ms,
                         request_plan& p) {
  if (dirty_timestamp_acceptable(ts, now_ms, cfg.max_dirty_timestamp_skew_ms))
    return true;
  p.warning = skew_warning(route_label(p.r.id), ts, app, instance, replication, cfg, now_ms);
  p.immediate = bad_value(skew_reason(ts, cfg));
  return false;
}

// Reads the optional lastDirtyTimestamp of an instance route; false (with
// `err` set) if malformed or too far ahead.
bool read_dirty_ts(bool replication, const gateway_config& cfg, int64_t now_ms,
                   caf::optional<int64_t>& out, request_plan& p) {
  const auto& r = p.r;
  auto* v = find_param(r.query, "lastDirtyTimestamp");
  if (v == nullptr)
    return true;
  int64_t ts = 0;
  if (!text::parse_long(*v, ts)) {
    p.immediate = bad_value("invalid lastDirtyTimestamp");
    return false;
  }
  if (!dirty_ts_acceptable(ts, r.app, r.instance_id, replication, cfg, now_ms, p))
    return false;
  out = ts;
  return true;
}

// §1.6: the body reader's error entity is JSON only when the request media
// type equals application/json (Jersey's MediaType.equals: type and subtype
// case-insensitive, no parameters), else XML; the response carries the
// request's media type as Jersey prints it ("type/subtype;name=value", as
// given, without spaces) -- seen on the wire with the Spring Cloud server.
http_response unparsable_body(std::string_view content_type) {
  std::string echoed;
  bool has_params = false;
  size_t pos = 0;
  while (pos <= content_type.size()) {
    auto semi = content_type.find(';', pos);
    auto part =
        content_type.substr(pos, semi == std::string_view::npos ? content_type.npos : semi - pos);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t'))
      part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t'))
      part.remove_suffix(1);
    if (pos == 0) {
      echoed = part;
    } else if (!part.empty()) {
      auto eq = part.find('=');
      std::string name{part.substr(0, eq)};
      while (!name.empty() && name.back() == ' ')
        name.pop_back();
      std::string_view value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
      while (!value.empty() && value.front() == ' ')
        value.remove_prefix(1);
      echoed += ";" + name + "=" + std::string{value};
      has_params = true;
    }
    if (semi == std::string_view::npos)
      break;
    pos = semi + 1;
  }
  if (!has_params && lower_trimmed(echoed) == "application/json")
    return make_response(400, echoed, R"({"error": "cannot parse request body"})");
  return make_response(400, echoed, "<error><message>cannot parse request body</message></error>");
}

/// The body of a request as text to decode: gzip inflated (within
/// max_body_bytes, as the body as received), ISO-8859-1 re-encoded as UTF-8;
/// `storage` holds what was produced. nullopt with the answer set in `p`
/// for an unknown coding (415) or a body that does not inflate (400).
std::optional<std::string_view> body_text(const request_view& req, const body_media& media,
                                          const gateway_config& cfg, std::string& storage,
                                          request_plan& p) {
  std::string_view body = req.body;
  auto encoding = lower_trimmed(req.content_encoding);
  if (encoding == "gzip" || encoding == "x-gzip") {
    if (!codec::gzip_decompress(req.body, storage, cfg.max_body_bytes)) {
      p.immediate = make_text(400, "cannot inflate gzip request body (malformed or too large)");
      return std::nullopt;
    }
    body = storage;
  } else if (!encoding.empty() && encoding != "identity") {
    p.immediate = make_empty(415);
    return std::nullopt;
  }
  if (media.latin1) {
    auto converted = latin1_to_utf8(body);
    storage = std::move(converted);
    body = storage;
  }
  return body;
}

void plan_register(const request_view& req, const gateway_config& cfg, int64_t now_ms,
                   request_plan& p) {
  auto media = registration_media(req.content_type);
  if (media.format == body_format::unsupported) {
    p.immediate = make_empty(415);
    return;
  }
  std::string storage;
  auto text = body_text(req, media, cfg, storage, p);
  if (!text)
    return;
  auto body = *text;
  auto decoded = media.format == body_format::json ? codec::decode_instance_json(body, now_ms)
                                                   : codec::decode_instance_xml(body, now_ms);
  if (!decoded.ok) {
    p.immediate = unparsable_body(req.content_type);
    return;
  }
  if (auto reason = codec::validate_registration(decoded.info, p.r.app); !reason.empty()) {
    // The Java resource returns a bare string entity, under the negotiated
    // type (application/xml unless Accept asks for JSON).
    p.immediate = make_response(400, content_type_of(p.format), reason);
    return;
  }
  auto replication = is_replication(req.replication);
  auto& x = decoded.info;
  if (!dirty_ts_acceptable(x.last_dirty_timestamp, x.app, x.id(), replication, cfg, now_ms, p))
    return;
  p.call = register_cmd{std::move(decoded.info), replication};
}

/// The lastDirtyTimestamp an item's command decides conflicts with: the
/// instance's for Register, the item's for Heartbeat, StatusUpdate and
/// DeleteStatusOverride; none for Cancel (it reads none).
std::optional<int64_t> deciding_timestamp(const replication_item& item) {
  switch (item.action) {
  case replication_action::register_instance:
    if (item.info)
      return item.info->last_dirty_timestamp;
    return std::nullopt;
  case replication_action::heartbeat:
  case replication_action::status_update:
  case replication_action::delete_status_override:
    if (item.last_dirty_timestamp)
      return *item.last_dirty_timestamp;
    return std::nullopt;
  case replication_action::cancel:
    break;
  }
  return std::nullopt;
}

/// One item of E14 (contract §1.5): its answer, or its command.
/// `skewed` is set for an item refused for its lastDirtyTimestamp, and
/// `warning` (when still empty) says why.
planned_item plan_replication_item(codec::decoded_replication_item& item, const gateway_config& cfg,
                                   int64_t now_ms, bool& skewed, std::string& warning) {
  planned_item x;
  x.action = item.action;
  x.app = item.app;
  x.id = item.id;
  if (!item.valid) {
    x.step = cluster::failed_item(); // Java's dispatch throws: 500
    x.note = item.error;
    return x;
  }
  if (item.action == replication_action::register_instance && item.info) {
    // addInstance validates as E4 does and answers 400, but the batch
    // answers the item 200 whatever it returned; nothing is applied.
    if (auto reason = codec::validate_registration(*item.info, item.app); !reason.empty()) {
      x.step = replication_result{200, caf::none};
      x.note = "not applied: " + reason;
      return x;
    }
  }
  if (auto ts = deciding_timestamp(item);
      ts && !dirty_timestamp_acceptable(*ts, now_ms, cfg.max_dirty_timestamp_skew_ms)) {
    // Refused as from a client (registry/dirty_timestamp.hpp); 500, as an
    // item that could not be executed: the sender logs it and goes on.
    x.step = cluster::failed_item();
    x.note = skew_reason(*ts, cfg);
    skewed = true;
    if (warning.empty())
      warning = skew_warning(fmt::format("peerreplication/batch {}", to_string(item.action)), *ts,
                             item.app, item.id, true, cfg, now_ms);
    return x;
  }
  auto cmd = cluster::command_of(std::move(item));
  if (!cmd) {
    x.step = cluster::failed_item();
    x.note = "a field the action needs is missing";
    return x;
  }
  x.step = std::move(*cmd);
  return x;
}

/// E14 (contract §1.5, §2.8): the document decoded, every item planned.
void plan_replication_batch(const request_view& req, const gateway_config& cfg, int64_t now_ms,
                            request_plan& p) {
  // Java peers send JSON (contract §2.8); an XML ReplicationList is not
  // read here.
  auto media = registration_media(req.content_type);
  if (media.format != body_format::json) {
    p.immediate = make_empty(415);
    return;
  }
  std::string storage;
  auto body = body_text(req, media, cfg, storage, p);
  if (!body)
    return;
  auto list = codec::decode_replication_list(*body, now_ms, cfg.max_replication_batch_items);
  if (!list.ok) {
    if (list.too_many_items) {
      p.warning = fmt::format("refused peerreplication/batch: {} "
                              "(eureka.gateway.max-replication-batch-items)",
                              list.error);
      p.immediate = make_text(400, "replication batch too large: " + list.error);
    } else {
      p.immediate = unparsable_body(req.content_type); // Java's body reader
    }
    return;
  }
  replication_batch_call call;
  call.items.reserve(list.items.size());
  size_t skewed = 0;
  for (auto& item : list.items) {
    bool refused = false;
    call.items.push_back(plan_replication_item(item, cfg, now_ms, refused, p.warning));
    skewed += refused ? 1 : 0;
  }
  if (skewed > 1)
    p.warning += fmt::format(" (and {} more items of this batch)", skewed - 1);
  p.call = std::move(call);
}

/// Who, for a log line: the user, or the name wrong credentials claimed
/// (untrusted), or "anonymous".
std::string who_of(const auth_result& who) {
  if (who.user.empty())
    return "anonymous";
  if (who.outcome == auth_outcome::user)
    return log::printable(who.user);
  return fmt::format("{} ({})", log::printable(who.user),
                     who.outcome == auth_outcome::wrong_credentials ? "wrong credentials"
                                                                    : "not checked");
}

/// The warning of a request refused because password checks ran out.
std::string throttled_warning(const auth_result& who, const auth_config& cfg) {
  return fmt::format("password check for {} refused: more than {} per second "
                     "(eureka.auth.max-password-checks-per-second)",
                     who_of(who), cfg.max_password_checks_per_second);
}

// -- access to the Eureka API (docs/security.md) --------------------------------

/// The realm of the Eureka API's challenge.
constexpr std::string_view eureka_challenge = R"(Basic realm="eureka", charset="UTF-8")";

/// What a route of the Eureka API needs with eureka.auth.enabled.
enum class access_need {
  /// Served to anyone: /health, /ready, the console's files, the answers to
  /// unknown paths; the admin API has its own table (admit_admin).
  open,
  /// The read role (or eureka.auth.read-without-auth).
  read,
  /// The register role for the route's application, or admin.
  write,
  /// The peer role: replication, and the endpoint that tells peers where
  /// this node's cluster port is.
  peer,
};

access_need access_of(route_id id, bool replication) {
  switch (id) {
  case route_id::apps_full:
  case route_id::apps_delta:
  case route_id::app:
  case route_id::instance:
  case route_id::instance_by_id:
  case route_id::vip:
  case route_id::svip:
  case route_id::server_status:
  case route_id::status_overrides:
  case route_id::metrics:
    return access_need::read;
  case route_id::register_instance:
  case route_id::renew:
  case route_id::cancel:
  case route_id::status_update:
  case route_id::status_delete:
  case route_id::metadata:
    // A write marked replicated skips the conflict rules a client's write
    // goes through (contract §1.5): only a peer may send one.
    return replication ? access_need::peer : access_need::write;
  case route_id::replication_batch:
  case route_id::cluster_node:
    return access_need::peer;
  default:
    return access_need::open;
  }
}

/// Refuses a request of the Eureka API: a text answer (401 with the
/// challenge), and a warning naming who was refused what (the gateway
/// rate-limits it: any client can cause it).
void refuse_eureka(request_plan& p, unsigned status, std::string_view reason,
                   const auth_result& who) {
  p.immediate = make_text(status, reason);
  if (status == 401)
    p.immediate->www_authenticate = std::string{eureka_challenge};
  auto target = p.r.app.empty() ? std::string{}
                                : fmt::format(" of {}{}{}", log::printable(p.r.app),
                                              p.r.instance_id.empty() ? "" : "/",
                                              log::printable(p.r.instance_id));
  if (p.warning.empty())
    p.warning = fmt::format("refused {}{} to {}: {} ({})", route_label(p.r.id), target, who_of(who),
                            reason, status);
}

/// With eureka.auth.enabled: true when the request may go on, else the
/// refusal is set in `p`. Credentials sent are checked even where they are
/// not needed, so a client with a wrong password learns it at its first
/// fetch rather than at its first registration.
bool admit_eureka(const request_view& req, const gateway_config& cfg, authenticator& auth,
                  int64_t now_ms, request_plan& p) {
  if (!cfg.auth.enabled)
    return true;
  auto need = access_of(p.r.id, is_replication(req.replication));
  if (need == access_need::open)
    return true;
  auto who = auth.authenticate(cfg.auth, req.authorization, now_ms);
  switch (who.outcome) {
  case auth_outcome::throttled:
    p.warning = throttled_warning(who, cfg.auth);
    refuse_eureka(p, 429, "too many authentication attempts", who);
    return false;
  case auth_outcome::wrong_credentials:
    refuse_eureka(p, 401, "wrong credentials", who);
    return false;
  case auth_outcome::anonymous:
    if (need == access_need::read && cfg.auth.read_without_auth)
      return true;
    refuse_eureka(p, 401, "credentials needed", who);
    return false;
  case auth_outcome::user:
    break;
  }
  switch (need) {
  case access_need::read:
    if (who.may(role::read) || cfg.auth.read_without_auth)
      return true;
    refuse_eureka(p, 403, "the read role is needed", who);
    return false;
  case access_need::write:
    if (who.may_write(p.r.app))
      return true;
    refuse_eureka(p, 403,
                  who.may(role::register_instances) ? fmt::format(
                      "the register role for application {} is needed", log::printable(p.r.app))
                                                    : std::string{"the register role is needed"},
                  who);
    return false;
  case access_need::peer:
    if (who.may(role::peer))
      return true;
    refuse_eureka(p, 403,
                  p.r.id == route_id::replication_batch || p.r.id == route_id::cluster_node
                      ? "the peer role is needed"
                      : "the peer role is needed for a write marked "
                        "x-netflix-discovery-replication: true",
                  who);
    return false;
  case access_need::open:
    break;
  }
  return true;
}

// -- the admin API (docs/admin-api.md) -----------------------------------------

/// The realm browsers show in their sign-in dialog.
constexpr std::string_view admin_challenge = R"(Basic realm="caf-eureka admin", charset="UTF-8")";

/// An `Origin` header from another origin than the request's `Host`: a page
/// elsewhere making a signed-in browser act. No Origin (curl, the CLI) is
/// not cross-origin.
bool cross_origin(std::string_view origin, std::string_view host) {
  origin = text::trim(origin);
  if (origin.empty())
    return false;
  auto h = text::to_lower(text::trim(host));
  if (h.empty())
    return true;
  auto o = text::to_lower(origin);
  return o != "http://" + h && o != "https://" + h;
}

/// What an action does, for log lines ("deregistration of ORDER/i-1").
std::string action_text(route_id id, std::string_view app, std::string_view instance_id,
                        const instance_status* value) {
  auto target = fmt::format("{}/{}", log::printable(app), log::printable(instance_id));
  switch (id) {
  case route_id::admin_status_update:
    return value ? fmt::format("status override {} of {}", to_string(*value), target)
                 : fmt::format("status override of {}", target);
  case route_id::admin_status_delete:
    return fmt::format("removal of the status override of {}", target);
  default:
    return fmt::format("deregistration of {}", target);
  }
}

/// Refuses an admin request: the JSON error (401 with the challenge), and
/// for an action the info line saying who was refused what.
void refuse_admin(request_plan& p, unsigned status, std::string_view reason,
                  const auth_result& who) {
  p.immediate = admin_error(status, reason);
  if (status == 401)
    p.immediate->www_authenticate = std::string{admin_challenge};
  if (is_admin_action(p.r.id))
    p.audit = fmt::format("admin: refused {} to {}: {} ({})",
                          action_text(p.r.id, p.r.app, p.r.instance_id, nullptr), who_of(who),
                          reason, status);
}

/// The access table of docs/admin-api.md. True when the request may go on
/// (`who` says who sent it); else the refusal is set in `p`.
bool admit_admin(const request_view& req, const gateway_config& cfg, authenticator& auth,
                 int64_t now_ms, request_plan& p, auth_result& who) {
  auto action = is_admin_action(p.r.id);
  // Refused before any password is checked: nothing to learn, no time spent.
  if (action && !cfg.auth.has_admin()) {
    refuse_admin(p, 403, "actions are off: no user has the admin role (eureka.auth.users)", who);
    return false;
  }
  if (action && cross_origin(req.origin, req.host)) {
    refuse_admin(p, 403, "cross-origin request refused", who);
    return false;
  }
  who = auth.authenticate(cfg.auth, req.authorization, now_ms);
  auto reads_open = admin_reads_open(cfg.auth, cfg.admin);
  switch (who.outcome) {
  case auth_outcome::throttled:
    p.warning = throttled_warning(who, cfg.auth);
    refuse_admin(p, 429, "too many authentication attempts", who);
    return false;
  case auth_outcome::wrong_credentials:
    refuse_admin(p, 401, "wrong credentials", who);
    return false;
  case auth_outcome::anonymous:
    if (action || !reads_open) {
      refuse_admin(p, 401, "credentials needed", who);
      return false;
    }
    return true;
  case auth_outcome::user:
    if (action && !who.may(role::admin)) {
      refuse_admin(p, 403, "the admin role is needed", who);
      return false;
    }
    if (!action && !reads_open && !who.may(role::read)) {
      refuse_admin(p, 403, "the read role is needed", who);
      return false;
    }
    return true;
  }
  return false;
}

/// GET /admin/api/session: the caller and every role it holds, including
/// the ones its configured roles include.
std::string session_json(const auth_result& who, const gateway_config& cfg) {
  std::string out = R"({"user": )";
  if (who.outcome == auth_outcome::user)
    codec::detail::append_json_string(out, who.user);
  else
    out += "null";
  out += R"(, "roles": [)";
  bool first = true;
  for (auto [r, name] :
       {std::pair{role::admin, "admin"}, std::pair{role::read, "read"},
        std::pair{role::register_instances, "register"}, std::pair{role::peer, "peer"}}) {
    if (!who.may(r))
      continue;
    out += fmt::format(R"({}"{}")", first ? "" : ", ", name);
    first = false;
  }
  out += fmt::format(R"(], "actions_enabled": {}, "read_without_auth": {}}})", cfg.auth.has_admin(),
                     admin_reads_open(cfg.auth, cfg.admin));
  return out;
}

/// The admin actions: checked like E7, E8 and E9, then a local write (not
/// marked replicated: it reaches the peers as a client's would).
void plan_admin_action(const auth_result& who, request_plan& p) {
  auto& r = p.r;
  admin_action a{r.id, who.user, r.app, r.instance_id, std::nullopt};
  if (r.id == route_id::admin_cancel) {
    p.call = cancel_cmd{r.app, r.instance_id, false, caf::none};
  } else {
    status_cmd cmd;
    cmd.app = r.app;
    cmd.id = r.instance_id;
    cmd.remove = r.id == route_id::admin_status_delete;
    auto* v = find_param(r.query, "value");
    if ((v == nullptr && !cmd.remove) || (v != nullptr && !parse_status_exact(*v, cmd.value))) {
      auto reason = v == nullptr ? "missing status value" : "invalid status value";
      p.immediate = admin_error(400, reason);
      p.audit = fmt::format("admin: refused {} to {}: {} (400)",
                            action_text(r.id, r.app, r.instance_id, nullptr), who_of(who), reason);
      return;
    }
    if (v != nullptr)
      a.value = cmd.value;
    p.call = std::move(cmd);
  }
  p.format = payload_format::json;
  p.action = std::move(a);
}

/// GET / and GET /console/{file}: the embedded file, gzipped when the
/// client takes it; revalidated on every load (no-cache) so that a node
/// upgraded under an open console serves the new files.
http_response console_response(const route& r, const request_view& req) {
  const auto* asset = find_console_asset(r.asset);
  if (asset == nullptr)
    return make_empty(404);
  auto gzip = !asset->gzip_body.empty() && accepts_gzip(req.accept_encoding);
  auto resp =
      make_response(200, asset->content_type, std::string{gzip ? asset->gzip_body : asset->body});
  if (gzip)
    resp.content_encoding = "gzip";
  resp.cache_control = "no-cache";
  resp.vary = "Accept-Encoding";
  return resp;
}

/// The admin routes: access first, then what each asks for.
void plan_admin(const request_view& req, const gateway_config& cfg, authenticator& auth,
                int64_t now_ms, request_plan& p) {
  auto& r = p.r;
  auth_result who;
  if (!admit_admin(req, cfg, auth, now_ms, p, who))
    return;
  p.format = payload_format::json;
  switch (r.id) {
  case route_id::admin_session:
    p.immediate = admin_json(200, session_json(who, cfg));
    break;
  case route_id::admin_overview:
    p.call = admin_overview_call{};
    break;
  case route_id::admin_actors:
    p.call = admin_actors_call{};
    break;
  case route_id::admin_apps:
    // E1's document as JSON (the full representation, whatever the client).
    p.call = read_query{read_kind::all_apps,
                        {},
                        payload_format::json,
                        accepts_gzip(req.accept_encoding),
                        representation::full};
    break;
  case route_id::admin_instance:
    p.call = instance_query{r.app, r.instance_id, payload_format::json};
    break;
  default:
    plan_admin_action(who, p);
    break;
  }
}

} // namespace

http_response admin_json(unsigned status, std::string body) {
  auto resp = make_response(status, "application/json; charset=utf-8", std::move(body));
  resp.cache_control = "no-store";
  return resp;
}

http_response admin_error(unsigned status, std::string_view reason) {
  std::string body = R"({"error": )";
  codec::detail::append_json_string(body, reason);
  body += '}';
  return admin_json(status, std::move(body));
}

size_t replication_batch_call::commands() const {
  size_t n = 0;
  for (auto& x : items)
    if (std::holds_alternative<cluster::replicated_command>(x.step))
      ++n;
  return n;
}

request_plan plan_request(const request_view& req, const gateway_config& cfg, authenticator& auth,
                          int64_t now_ms) {
  request_plan p;
  p.r = route_request(req.method, req.target, cfg.base_paths);
  p.format = negotiated_format(req.accept);
  auto& r = p.r;
  if (!admit_eureka(req, cfg, auth, now_ms, p)) {
    p.immediate->head_only = r.head;
    return p;
  }
  auto replication = is_replication(req.replication);
  auto cached_read = [&](read_kind kind, std::string name, bool gzip_allowed) {
    p.format = cached_read_format(req.accept);
    p.call = read_query{kind, std::move(name), p.format,
                        gzip_allowed && accepts_gzip(req.accept_encoding),
                        requested_representation(req.eureka_accept)};
  };
  switch (r.id) {
  case route_id::not_found:
    p.immediate = r.admin ? admin_error(404, "no such endpoint") : make_empty(404);
    break;
  case route_id::method_not_allowed:
    p.immediate = r.admin ? admin_error(405, "method not allowed") : make_empty(405);
    p.immediate->allow = r.allow;
    break;
  case route_id::bad_request:
    if (r.admin)
      p.immediate = admin_error(400, r.error.empty() ? "bad request" : r.error);
    else
      p.immediate = r.error.empty() ? make_empty(400) : make_text(400, r.error);
    break;
  case route_id::admin_session:
  case route_id::admin_overview:
  case route_id::admin_actors:
  case route_id::admin_apps:
  case route_id::admin_instance:
  case route_id::admin_cancel:
  case route_id::admin_status_update:
  case route_id::admin_status_delete:
    plan_admin(req, cfg, auth, now_ms, p);
    break;
  case route_id::console:
    p.immediate = console_response(r, req);
    break;
  case route_id::apps_full:
    cached_read(read_kind::all_apps, {}, true);
    break;
  case route_id::apps_delta:
    cached_read(read_kind::delta, {}, true);
    break;
  case route_id::app:
    cached_read(read_kind::app, r.app, false);
    break;
  case route_id::vip:
    cached_read(read_kind::vip, r.vip, false);
    break;
  case route_id::svip:
    cached_read(read_kind::svip, r.vip, false);
    break;
  case route_id::instance:
    p.call = instance_query{r.app, r.instance_id, p.format};
    break;
  case route_id::instance_by_id:
    p.call = instance_query{{}, r.instance_id, p.format};
    break;
  case route_id::register_instance:
    plan_register(req, cfg, now_ms, p);
    break;
  case route_id::renew: {
    renew_cmd cmd{r.app, r.instance_id, replication, {}, {}};
    if (!read_dirty_ts(replication, cfg, now_ms, cmd.last_dirty_timestamp, p))
      break;
    // `status` is accepted but unused (as in Java); an unknown
    // `overriddenstatus` is ignored rather than failing the heartbeat.
    if (auto* os = find_param(r.query, "overriddenstatus")) {
      instance_status s;
      if (parse_status_exact(*os, s))
        cmd.overridden_status = s;
    }
    p.call = std::move(cmd);
    break;
  }
  case route_id::cancel:
    p.call = cancel_cmd{r.app, r.instance_id, replication, caf::none};
    break;
  case route_id::status_update:
  case route_id::status_delete: {
    status_cmd cmd;
    cmd.app = r.app;
    cmd.id = r.instance_id;
    cmd.is_replication = replication;
    cmd.remove = r.id == route_id::status_delete;
    auto* v = find_param(r.query, "value");
    if (v == nullptr && !cmd.remove) {
      p.immediate = bad_value("missing status value");
      break;
    }
    if (v != nullptr && !parse_status_exact(*v, cmd.value)) {
      p.immediate = bad_value("invalid status value");
      break;
    }
    if (!read_dirty_ts(replication, cfg, now_ms, cmd.last_dirty_timestamp, p))
      break;
    p.call = std::move(cmd);
    break;
  }
  case route_id::metadata: {
    metadata_cmd cmd{r.app, r.instance_id, {}};
    std::unordered_set<std::string_view> seen;
    for (auto& [k, v] : r.query) // first value of each key, in request order
      if (seen.insert(k).second)
        cmd.entries.emplace_back(k, v);
    if (auto reason = codec::validate_metadata(cmd.entries); !reason.empty()) {
      p.immediate = bad_value(reason);
      break;
    }
    p.call = std::move(cmd);
    break;
  }
  case route_id::server_status:
    p.call = stats_call{};
    break;
  case route_id::status_overrides:
    p.call = overrides_call{};
    break;
  case route_id::metrics:
    p.call = metrics_call{};
    break;
  case route_id::replication_batch:
    plan_replication_batch(req, cfg, now_ms, p);
    break;
  case route_id::cluster_node:
    // Without a cluster listener, as an unknown path: a peer asking takes
    // this node for a Java server rather than for a caf-eureka peer.
    if (cfg.cluster.node_id.empty())
      p.immediate = make_empty(404);
    else
      p.immediate = make_response(200, "application/json", cluster_node_document(cfg.cluster));
    break;
  case route_id::ready:
    p.call = ready_call{};
    break;
  case route_id::health:
    p.immediate = make_text(200, "ok\n");
    break;
  }
  if (p.immediate && r.head)
    p.immediate->head_only = true;
  return p;
}

http_response respond_write(route_id id, const write_reply& reply, payload_format format) {
  switch (reply.outcome) {
  case write_outcome::ok:
    // Register answers 204 (backward compatibility, §1.5); the rest 200.
    // Neither carries a body: clients try to parse any renew body.
    return make_empty(id == route_id::register_instance ? 204 : 200);
  case write_outcome::not_found:
    return make_empty(404);
  case write_outcome::conflict:
    if (!reply.entity)
      return make_empty(409);
    if (format == payload_format::json)
      return make_response(409, "application/json", codec::instance_document_json(*reply.entity));
    {
      // V1AwareInstanceInfoConverter: no request version is set while the 409
      // entity is written, so XML shows OUT_OF_SERVICE and UNKNOWN as DOWN
      // (contract §2.6; seen on the wire). JSON is exact.
      auto shown = *reply.entity;
      if (shown.status == instance_status::out_of_service
          || shown.status == instance_status::unknown)
        shown.status = instance_status::down;
      return make_response(409, "application/xml", codec::instance_document_xml(shown));
    }
  case write_outcome::rejected:
    return bad_value(fmt::format("metadata limits exceeded (at most {} entries, {} bytes)",
                                 max_metadata_entries, max_metadata_bytes));
  case write_outcome::over_capacity:
    // A capacity limit of this node, not the caller's fault: 503 lets a
    // client try another node of the cluster.
    return make_text(503, "registry full: it holds the maximum number of applications");
  case write_outcome::over_instance_capacity:
    return make_text(503, "registry full: it holds the maximum number of instances");
  }
  return make_empty(500);
}

http_response respond_read(route_id id, const read_reply& reply, payload_format format) {
  if (id == route_id::admin_apps || id == route_id::admin_instance) {
    switch (reply.outcome) {
    case read_outcome::ok: {
      http_response r;
      r.status = 200;
      r.content_type = "application/json; charset=utf-8";
      r.cache_control = "no-store";
      r.body = reply.body;
      if (reply.gzipped)
        r.content_encoding = "gzip";
      return r;
    }
    case read_outcome::not_found:
      return admin_error(404, "no such instance");
    case read_outcome::forbidden:
      return admin_error(403, "forbidden");
    }
    return admin_error(500, "unexpected read outcome");
  }
  switch (reply.outcome) {
  case read_outcome::ok: {
    http_response r;
    r.status = 200;
    r.content_type = std::string{content_type_of(format)};
    r.body = reply.body;
    if (reply.gzipped)
      r.content_encoding = "gzip";
    return r;
  }
  case read_outcome::not_found:
    return make_empty(404);
  case read_outcome::forbidden:
    return make_empty(403);
  }
  return make_empty(500);
}

http_response respond_admin_action(const admin_action& action, const write_reply& reply) {
  switch (reply.outcome) {
  case write_outcome::ok: {
    std::string result;
    if (action.id == route_id::admin_cancel)
      result = "deregistered";
    else if (action.id == route_id::admin_status_update)
      result = fmt::format("status override set to {}", to_string(*action.value));
    else if (action.value)
      result = fmt::format("status override removed, status set to {}", to_string(*action.value));
    else
      result = "status override removed";
    std::string body = R"({"result": )";
    codec::detail::append_json_string(body, result);
    body += R"(, "app": )";
    codec::detail::append_json_string(body, action.app);
    body += R"(, "id": )";
    codec::detail::append_json_string(body, action.instance_id);
    body += '}';
    return admin_json(200, std::move(body));
  }
  case write_outcome::not_found:
    return admin_error(404, "no such instance");
  case write_outcome::conflict:
    return admin_error(409, "the instance changed meanwhile");
  case write_outcome::rejected:
  case write_outcome::over_capacity:
  case write_outcome::over_instance_capacity:
    break;
  }
  return admin_error(500, "unexpected registry answer");
}

std::string admin_action_log(const admin_action& action, const write_reply& reply) {
  auto target =
      fmt::format("{}/{}", log::printable(action.app), log::printable(action.instance_id));
  auto user = log::printable(action.user);
  if (reply.outcome != write_outcome::ok) {
    auto what = action_text(action.id, action.app, action.instance_id,
                            action.value ? &*action.value : nullptr);
    return fmt::format("admin: {} by {} failed: {}", what, user,
                       reply.outcome == write_outcome::not_found ? "no such instance"
                                                                 : "the registry refused it");
  }
  switch (action.id) {
  case route_id::admin_status_update:
    return fmt::format("admin: {} set the status override of {} to {}", user, target,
                       to_string(*action.value));
  case route_id::admin_status_delete:
    return action.value ? fmt::format("admin: {} removed the status override of {} (status {})",
                                      user, target, to_string(*action.value))
                        : fmt::format("admin: {} removed the status override of {}", user, target);
  default:
    return fmt::format("admin: {} deregistered {}", user, target);
  }
}

http_response respond_replication_batch(const std::vector<replication_result>& results) {
  return make_response(200, "application/json", codec::encode_replication_response(results));
}

http_response respond_ready(const sync_status& status) {
  std::string body = status.ready ? "ready\n" : "not ready\n";
  if (!status.detail.empty())
    body += status.detail + "\n";
  return make_text(status.ready ? 200 : 503, body);
}

std::string_view node_version() {
  return project_version;
}

std::string cluster_node_document(const cluster_identity& self) {
  peer_discovery d;
  d.node_id = self.node_id;
  d.cluster = self.cluster;
  d.basp_host = self.basp_host;
  d.basp_port = self.basp_port;
  d.protocol = cluster_protocol_version;
  return codec::encode_node_identity(node_version(), d);
}

} // namespace eureka::gateway
