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
#include "common/log.hpp"
#include "common/text.hpp"
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

} // namespace

size_t replication_batch_call::commands() const {
  size_t n = 0;
  for (auto& x : items)
    if (std::holds_alternative<cluster::replicated_command>(x.step))
      ++n;
  return n;
}

request_plan plan_request(const request_view& req, const gateway_config& cfg, int64_t now_ms) {
  request_plan p;
  p.r = route_request(req.method, req.target, cfg.base_paths);
  p.format = negotiated_format(req.accept);
  auto& r = p.r;
  auto replication = is_replication(req.replication);
  auto cached_read = [&](read_kind kind, std::string name, bool gzip_allowed) {
    p.format = cached_read_format(req.accept);
    p.call = read_query{kind, std::move(name), p.format,
                        gzip_allowed && accepts_gzip(req.accept_encoding),
                        requested_representation(req.eureka_accept)};
  };
  switch (r.id) {
  case route_id::not_found:
    p.immediate = make_empty(404);
    break;
  case route_id::method_not_allowed:
    p.immediate = make_empty(405);
    p.immediate->allow = r.allow;
    break;
  case route_id::bad_request:
    p.immediate = r.error.empty() ? make_empty(400) : make_text(400, r.error);
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

http_response respond_read(const read_reply& reply, payload_format format) {
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
  return EUREKA_PROJECT_VERSION;
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
