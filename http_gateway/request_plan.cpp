#include "http_gateway/request_plan.hpp"

#include <limits>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

#include "codec/gzip.hpp"
#include "codec/instance_codec.hpp"
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
bool dirty_ts_acceptable(int64_t ts, std::string_view app, std::string_view instance,
                         bool replication, const gateway_config& cfg, int64_t now_ms,
                         request_plan& p) {
  if (dirty_timestamp_acceptable(ts, now_ms, cfg.max_dirty_timestamp_skew_ms))
    return true;
  p.warning =
      fmt::format("refused {}{} of {}/{}: lastDirtyTimestamp {} is more than {} ms ahead "
                  "of this node's clock ({})",
                  replication ? "replicated " : "", route_label(p.r.id), log::printable(app),
                  log::printable(instance), ts, cfg.max_dirty_timestamp_skew_ms, now_ms);
  p.immediate =
      bad_value(fmt::format("lastDirtyTimestamp {} is more than {} ms ahead of the server's clock",
                            ts, cfg.max_dirty_timestamp_skew_ms));
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

void plan_register(const request_view& req, const gateway_config& cfg, int64_t now_ms,
                   request_plan& p) {
  auto media = registration_media(req.content_type);
  if (media.format == body_format::unsupported) {
    p.immediate = make_empty(415);
    return;
  }
  std::string inflated;
  std::string_view body = req.body;
  auto encoding = lower_trimmed(req.content_encoding);
  if (encoding == "gzip" || encoding == "x-gzip") {
    if (!codec::gzip_decompress(req.body, inflated, cfg.max_body_bytes)) {
      p.immediate = make_text(400, "cannot inflate gzip request body (malformed or too large)");
      return;
    }
    body = inflated;
  } else if (!encoding.empty() && encoding != "identity") {
    p.immediate = make_empty(415);
    return;
  }
  std::string converted;
  if (media.latin1) {
    converted = latin1_to_utf8(body);
    body = converted;
  }
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

} // namespace

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
    p.call = cancel_cmd{r.app, r.instance_id, replication};
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

} // namespace eureka::gateway
