#include "http_gateway/router.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "registry/instance_info.hpp"

namespace eureka::gateway {

std::string_view route_label(route_id id) {
  switch (id) {
  case route_id::apps_full:
    return "apps_full";
  case route_id::apps_delta:
    return "apps_delta";
  case route_id::app:
    return "app";
  case route_id::register_instance:
    return "register";
  case route_id::instance:
    return "instance";
  case route_id::renew:
    return "renew";
  case route_id::cancel:
    return "cancel";
  case route_id::status_update:
    return "status_update";
  case route_id::status_delete:
    return "status_delete";
  case route_id::metadata:
    return "metadata";
  case route_id::instance_by_id:
    return "instance_by_id";
  case route_id::vip:
    return "vip";
  case route_id::svip:
    return "svip";
  case route_id::replication_batch:
    return "replication_batch";
  case route_id::server_status:
    return "status";
  case route_id::status_overrides:
    return "status_overrides";
  case route_id::cluster_node:
    return "cluster_node";
  case route_id::metrics:
    return "metrics";
  case route_id::ready:
    return "ready";
  case route_id::health:
    return "health";
  case route_id::admin_session:
    return "admin_session";
  case route_id::admin_overview:
    return "admin_overview";
  case route_id::admin_actors:
    return "admin_actors";
  case route_id::admin_apps:
    return "admin_apps";
  case route_id::admin_instance:
    return "admin_instance";
  case route_id::admin_cancel:
    return "admin_cancel";
  case route_id::admin_status_update:
    return "admin_status_update";
  case route_id::admin_status_delete:
    return "admin_status_delete";
  case route_id::console:
    return "console";
  case route_id::not_found:
    return "not_found";
  case route_id::method_not_allowed:
    return "method_not_allowed";
  case route_id::bad_request:
    return "bad_request";
  }
  return "unknown";
}

bool is_admin_action(route_id id) {
  return id == route_id::admin_cancel || id == route_id::admin_status_update
         || id == route_id::admin_status_delete;
}

const std::string* find_param(const query_params& q, std::string_view key) {
  for (auto& [k, v] : q)
    if (k == key)
      return &v;
  return nullptr;
}

namespace {

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> result;
  size_t pos = 0;
  for (;;) {
    auto next = text.find(sep, pos);
    if (next == std::string_view::npos) {
      result.push_back(text.substr(pos));
      return result;
    }
    result.push_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
}

std::string normalize_base(std::string_view base) {
  while (!base.empty() && base.back() == '/')
    base.remove_suffix(1);
  std::string result;
  if (!base.empty() && base.front() != '/')
    result += '/';
  result.append(base);
  return result;
}

// Which methods a path accepts; GET implies HEAD.
struct methods {
  bool get = false, post = false, put = false, del = false;
  std::string allow() const {
    std::string result;
    auto add = [&](const char* m) {
      if (!result.empty())
        result += ", ";
      result += m;
    };
    if (get) {
      add("GET");
      add("HEAD");
    }
    if (post)
      add("POST");
    if (put)
      add("PUT");
    if (del)
      add("DELETE");
    return result;
  }
};

struct matcher {
  std::string_view method;
  route& r;

  // Assigns `id` when `method` is `m` (HEAD counts as GET); returns true.
  bool on(std::string_view m, route_id id) {
    if (method == m || (m == "GET" && method == "HEAD")) {
      r.id = id;
      r.head = method == "HEAD";
      return true;
    }
    return false;
  }

  void otherwise(methods allowed) {
    r.id = route_id::method_not_allowed;
    r.allow = allowed.allow();
  }
};

// Routes the decoded segments after the base (and "v2"); leaves r.id as
// not_found when nothing matches.
void match_segments(std::string_view method, std::vector<std::string>& s, route& r) {
  matcher m{method, r};
  auto n = s.size();
  if (n == 0)
    return;
  auto& head = s[0];
  if (head == "apps") {
    if (n == 1) {
      if (!m.on("GET", route_id::apps_full))
        m.otherwise({true, false, false, false});
    } else if (n == 2 && s[1] == "delta") {
      // A literal path beats the {app} template in JAX-RS, for every method.
      if (!m.on("GET", route_id::apps_delta))
        m.otherwise({true, false, false, false});
    } else if (n == 2) {
      r.app = to_upper_ascii(s[1]);
      if (!m.on("GET", route_id::app) && !m.on("POST", route_id::register_instance))
        m.otherwise({true, true, false, false});
    } else if (n == 3) {
      r.app = to_upper_ascii(s[1]);
      r.instance_id = std::move(s[2]);
      if (!m.on("GET", route_id::instance) && !m.on("PUT", route_id::renew)
          && !m.on("DELETE", route_id::cancel))
        m.otherwise({true, false, true, true});
    } else if (n == 4 && s[3] == "status") {
      r.app = to_upper_ascii(s[1]);
      r.instance_id = std::move(s[2]);
      if (!m.on("PUT", route_id::status_update) && !m.on("DELETE", route_id::status_delete))
        m.otherwise({false, false, true, true});
    } else if (n == 4 && s[3] == "metadata") {
      r.app = to_upper_ascii(s[1]);
      r.instance_id = std::move(s[2]);
      if (!m.on("PUT", route_id::metadata))
        m.otherwise({false, false, true, false});
    }
  } else if (head == "instances" && n == 2) {
    r.instance_id = std::move(s[1]);
    if (!m.on("GET", route_id::instance_by_id))
      m.otherwise({true, false, false, false});
  } else if ((head == "vips" || head == "svips") && n == 2) {
    r.vip = std::move(s[1]);
    if (!m.on("GET", head == "vips" ? route_id::vip : route_id::svip))
      m.otherwise({true, false, false, false});
  } else if (head == "status" && n == 1) {
    if (!m.on("GET", route_id::server_status))
      m.otherwise({true, false, false, false});
  } else if (head == "serverinfo" && n == 2 && s[1] == "statusoverrides") {
    if (!m.on("GET", route_id::status_overrides))
      m.otherwise({true, false, false, false});
  } else if (head == "peerreplication" && n == 2 && s[1] == "batch") {
    // The Java sender posts to "peerreplication/batch/" (the trailing slash
    // is dropped before matching).
    if (!m.on("POST", route_id::replication_batch))
      m.otherwise({false, true, false, false});
  } else if (head == "cluster" && n == 2 && s[1] == "node") {
    if (!m.on("GET", route_id::cluster_node))
      m.otherwise({true, false, false, false});
  } else if (head == "asg" && n == 3 && s[2] == "status") {
    // E16: only Java's AWS registry supports ASG status; elsewhere (Spring
    // Cloud included) ASGResource answers 400 with no entity.
    if (method == "PUT")
      r.id = route_id::bad_request;
    else
      m.otherwise({false, false, true, false});
  }
}

// A path value longer than any registration may carry names nothing: say so
// (400) rather than look it up.
void refuse_oversized_values(route& r) {
  if (r.id == route_id::not_found || r.id == route_id::method_not_allowed
      || r.id == route_id::bad_request)
    return;
  std::string reason;
  if (r.app.size() > max_app_name_bytes)
    reason = too_long_reason("application name", r.app.size(), max_app_name_bytes);
  else if (r.instance_id.size() > max_instance_id_bytes)
    reason = too_long_reason("instance id", r.instance_id.size(), max_instance_id_bytes);
  else if (r.vip.size() > max_vip_address_bytes)
    reason = too_long_reason("VIP address", r.vip.size(), max_vip_address_bytes);
  if (reason.empty())
    return;
  auto head = r.head;
  r = route{};
  r.id = route_id::bad_request;
  r.error = std::move(reason);
  r.head = head;
}

// The decoded segments of `rest` ("" or starting with '/'; a trailing slash
// is dropped: apps/ == apps). False, with `r` set, if nothing can match:
// not_found for an empty path or an empty segment ("//" matches nothing in
// Jersey either), bad_request for a malformed %-escape.
bool decode_segments(std::string_view rest, std::vector<std::string>& segments, route& r) {
  if (!rest.empty())
    rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '/')
    rest.remove_suffix(1);
  if (rest.empty())
    return false;
  for (auto raw : split(rest, '/')) {
    if (raw.empty())
      return false;
    std::string decoded;
    if (!percent_decode(raw, decoded, false)) {
      r.id = route_id::bad_request;
      r.error = "malformed percent-encoding in path";
      return false;
    }
    segments.push_back(std::move(decoded));
  }
  return true;
}

// Routes the part of the path after one base; `rest` is "" or starts with '/'.
route route_under_base(std::string_view method, std::string_view rest) {
  route r;
  std::vector<std::string> segments;
  if (!decode_segments(rest, segments, r))
    return r;
  if (segments.front() == "v2")
    segments.erase(segments.begin());
  match_segments(method, segments, r);
  refuse_oversized_values(r);
  return r;
}

// Routes the part of the path after "/admin/api" (docs/admin-api.md).
route route_admin(std::string_view method, std::string_view rest) {
  route r;
  std::vector<std::string> s;
  if (decode_segments(rest, s, r)) {
    matcher m{method, r};
    auto n = s.size();
    auto read_only = [&](route_id id) {
      if (!m.on("GET", id))
        m.otherwise({true, false, false, false});
    };
    if (n == 1 && s[0] == "session") {
      read_only(route_id::admin_session);
    } else if (n == 1 && s[0] == "overview") {
      read_only(route_id::admin_overview);
    } else if (n == 1 && s[0] == "actors") {
      read_only(route_id::admin_actors);
    } else if (n == 1 && s[0] == "apps") {
      read_only(route_id::admin_apps);
    } else if (n >= 3 && s[0] == "apps" && (n == 3 || (n == 4 && s[3] == "status"))) {
      r.app = to_upper_ascii(s[1]);
      r.instance_id = std::move(s[2]);
      if (n == 3) {
        if (!m.on("GET", route_id::admin_instance) && !m.on("DELETE", route_id::admin_cancel))
          m.otherwise({true, false, false, true});
      } else if (!m.on("PUT", route_id::admin_status_update)
                 && !m.on("DELETE", route_id::admin_status_delete)) {
        m.otherwise({false, false, true, true});
      }
      refuse_oversized_values(r);
    }
  }
  r.admin = true;
  return r;
}

// GET / (the console's page) and GET /console/{file}: `asset` is the
// decoded path to look up; false if `path` is neither.
bool route_console(std::string_view method, std::string_view path, route& r) {
  constexpr std::string_view dir = "/console/";
  if (path != "/" && (path.size() <= dir.size() || path.compare(0, dir.size(), dir) != 0))
    return false;
  if (!percent_decode(path, r.asset, false)) {
    r.id = route_id::bad_request;
    r.error = "malformed percent-encoding in path";
    return true;
  }
  matcher m{method, r};
  if (!m.on("GET", route_id::console))
    m.otherwise({true, false, false, false});
  return true;
}

} // namespace

size_t longest_request_line(std::string_view base) {
  constexpr std::string_view method = "DELETE"; // the longest one used
  constexpr std::string_view query =
      "?status=OUT_OF_SERVICE&lastDirtyTimestamp=-9223372036854775808"
      "&overriddenstatus=OUT_OF_SERVICE";
  constexpr size_t encoded = 3; // %XX per byte
  auto b = normalize_base(base).size();
  auto instance_target = b + std::string_view{"/v2/apps/"}.size() + encoded * max_app_name_bytes + 1
                         + encoded * max_instance_id_bytes + std::string_view{"/status"}.size()
                         + query.size();
  auto vip_target = b + std::string_view{"/v2/svips/"}.size() + encoded * max_vip_address_bytes;
  return method.size() + 1 + std::max(instance_target, vip_target)
         + std::string_view{" HTTP/1.1\r\n"}.size();
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    auto c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return false;
      auto hi = text::hex_digit(in[i + 1]);
      auto lo = text::hex_digit(in[i + 2]);
      if (hi < 0 || lo < 0)
        return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool parse_query(std::string_view query, query_params& out) {
  out.clear();
  if (query.empty())
    return true;
  for (auto part : split(query, '&')) {
    if (part.empty())
      continue;
    auto eq = part.find('=');
    auto raw_key = part.substr(0, eq);
    auto raw_value = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
    std::string key, value;
    if (!percent_decode(raw_key, key, true) || !percent_decode(raw_value, value, true))
      return false;
    out.emplace_back(std::move(key), std::move(value));
  }
  return true;
}

route route_request(std::string_view method, std::string_view target,
                    const std::vector<std::string>& bases) {
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  route r;
  // The node's own endpoints, outside the base paths.
  auto own = [&](std::string_view name) { // "/name" or "/name/"
    auto p = path;
    if (p.size() > 1 && p.back() == '/')
      p.remove_suffix(1);
    return p.size() == name.size() + 1 && p.front() == '/' && p.substr(1) == name;
  };
  constexpr std::string_view admin_api = "/admin/api";
  if (path.compare(0, admin_api.size(), admin_api) == 0
      && (path.size() == admin_api.size() || path[admin_api.size()] == '/')) {
    r = route_admin(method, path.substr(admin_api.size()));
  } else if (route_console(method, path, r)) {
    // routed (or refused) by route_console
  } else if (own("metrics") || own("ready") || own("health")) {
    auto id = own("metrics") ? route_id::metrics
              : own("ready") ? route_id::ready
                             : route_id::health;
    matcher m{method, r};
    if (!m.on("GET", id))
      m.otherwise({true, false, false, false});
  } else {
    for (auto& raw_base : bases) {
      auto base = normalize_base(raw_base);
      if (path.size() < base.size() || path.compare(0, base.size(), base) != 0)
        continue;
      auto rest = path.substr(base.size());
      if (!rest.empty() && rest.front() != '/')
        continue; // "/eurekafoo" is not under "/eureka"
      r = route_under_base(method, rest);
      if (r.id != route_id::not_found)
        break;
    }
  }
  if (r.id == route_id::not_found || r.id == route_id::method_not_allowed
      || r.id == route_id::bad_request)
    return r;
  if (!parse_query(query, r.query)) {
    route bad;
    bad.id = route_id::bad_request;
    bad.error = "malformed percent-encoding in query";
    bad.admin = r.admin;
    return bad;
  }
  return r;
}

} // namespace eureka::gateway
