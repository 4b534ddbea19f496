#include "http_gateway/admin_auth.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "common/base64.hpp"
#include "common/log.hpp"
#include "common/text.hpp"

namespace eureka::gateway {

namespace {

/// Splits `text` at every `sep` (empty parts kept).
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    auto pos = text.find(sep);
    out.push_back(text.substr(0, pos));
    if (pos == std::string_view::npos)
      return out;
    text.remove_prefix(pos + 1);
  }
}

/// A user name HTTP basic authentication can carry and a log line shows as
/// is: printable ASCII without blanks, ':' (the basic-auth separator) or ','
/// (the list separator).
bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return c > 0x20 && c < 0x7f && c != ':' && c != ','; });
}

/// Checked instead of a real hash when the claimed user does not exist, so
/// that an unknown name costs as much time (and as much of the per-second
/// budget) as a wrong password: the answer's timing does not tell which
/// names exist.
const password_hash& decoy_hash() {
  static const password_hash h{default_password_iterations, std::string(password_salt_bytes, 's'),
                               std::string(password_key_bytes, '\0')};
  return h;
}

} // namespace

admin_users_result parse_admin_users(std::string_view text) {
  admin_users_result r;
  if (text::trim(text).empty())
    return r;
  size_t position = 0;
  for (auto raw : split(text, ',')) {
    ++position;
    auto entry = text::trim(raw);
    auto fail = [&](std::string_view name, std::string reason) {
      r.users.clear();
      if (name.empty())
        r.error = fmt::format("entry {}: {}", position, reason);
      else
        r.error = fmt::format("entry {} ({}): {}", position, log::printable(name), reason);
      return r;
    };
    if (entry.empty())
      return fail({}, "empty entry (expected name:roles:hash)");
    auto fields = split(entry, ':');
    if (fields.size() != 3)
      // Only the name is shown: the rest may hold a hash.
      return fail(fields.size() > 1 ? fields[0] : std::string_view{},
                  "expected name:roles:hash (3 fields separated by ':')");
    auto name = fields[0];
    if (!valid_user_name(name))
      return fail(name, "a user name is 1 to 64 printable ASCII characters without blanks, "
                        "':' or ','");
    admin_user u;
    u.name = std::string{name};
    // Every user may read: "read" alone makes a read-only user.
    for (auto role : split(fields[1], '+')) {
      if (role != "read" && role != "admin")
        return fail(name, fmt::format("unknown role '{}' (roles are read and admin, joined "
                                      "with '+')",
                                      log::printable(role)));
      u.admin = u.admin || role == "admin";
    }
    std::string error;
    auto hash = parse_password_hash(fields[2], error);
    if (!hash)
      return fail(name, "malformed password hash: " + error);
    u.hash = std::move(*hash);
    for (const auto& other : r.users)
      if (other.name == u.name)
        return fail(name, "the user is listed twice");
    r.users.push_back(std::move(u));
  }
  return r;
}

std::string format_admin_users(const std::vector<admin_user>& users) {
  std::string out;
  for (const auto& u : users) {
    if (!out.empty())
      out += ',';
    out +=
        fmt::format("{}:{}:{}", u.name, u.admin ? "admin" : "read", format_password_hash(u.hash));
  }
  return out;
}

admin_access_summary summarize_admin_access(const admin_config& cfg) {
  admin_access_summary s;
  if (cfg.actions_enabled())
    s.info = fmt::format("admin console: actions on for {} admin user(s) of {}; reads {}",
                         std::count_if(cfg.users.begin(), cfg.users.end(),
                                       [](const admin_user& u) { return u.admin; }),
                         cfg.users.size(), cfg.read_without_auth ? "open" : "need credentials");
  else
    s.info = fmt::format("admin console: actions off (no eureka.admin.users); reads {}",
                         cfg.read_without_auth ? "open" : "refused");
  if (!cfg.actions_enabled() && !cfg.read_without_auth)
    s.warning = "admin console unreachable: eureka.admin.read-without-auth=false and no "
                "eureka.admin.users configured";
  return s;
}

std::optional<basic_credentials> parse_basic_authorization(std::string_view header) {
  header = text::trim(header);
  // The scheme is case-insensitive (RFC 7235 §2.1).
  constexpr std::string_view scheme = "basic";
  if (header.size() <= scheme.size() || text::to_lower(header.substr(0, scheme.size())) != scheme
      || header[scheme.size()] != ' ')
    return std::nullopt;
  auto decoded = base64_decode(text::trim(header.substr(scheme.size() + 1)));
  if (!decoded)
    return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos)
    return std::nullopt;
  return basic_credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

admin_authenticator::admin_authenticator() {
  auto salt = random_bytes(32);
  if (!salt) {
    // Without a random source no password could be hashed either.
    log::error("gateway", "no random bytes for the admin credential cache: the system's random "
                          "source failed");
    std::abort();
  }
  salt_ = std::move(*salt);
}

bool admin_authenticator::admit_check(const admin_config& cfg, int64_t now_ms) {
  // One-second windows; a clock that steps back starts a new one.
  if (now_ms - window_start_ms_ >= 1000 || now_ms < window_start_ms_) {
    window_start_ms_ = now_ms;
    window_checks_ = 0;
  }
  if (window_checks_ >= cfg.max_password_checks_per_second)
    return false;
  ++window_checks_;
  ++checks_total_;
  return true;
}

void admin_authenticator::remember(const std::string& key, size_t user, const admin_config& cfg,
                                   int64_t now_ms) {
  if (cache_.size() >= max_cached && cache_.count(key) == 0) {
    for (auto i = cache_.begin(); i != cache_.end();)
      i = i->second.expires_ms <= now_ms ? cache_.erase(i) : std::next(i);
    if (cache_.size() >= max_cached)
      cache_.erase(std::min_element(cache_.begin(), cache_.end(), [](auto& a, auto& b) {
        return a.second.expires_ms < b.second.expires_ms;
      }));
  }
  cache_[key] = entry{user, now_ms + cfg.auth_cache_ms};
}

auth_result admin_authenticator::authenticate(const admin_config& cfg,
                                              std::string_view authorization, int64_t now_ms) {
  auth_result r;
  if (cfg.users.empty() || text::trim(authorization).empty())
    return r;
  auto key = sha256(salt_ + std::string{authorization});
  if (auto i = cache_.find(key); i != cache_.end()) {
    if (i->second.expires_ms > now_ms && i->second.user < cfg.users.size()) {
      const auto& u = cfg.users[i->second.user];
      r.outcome = auth_outcome::user;
      r.user = u.name;
      r.admin = u.admin;
      return r;
    }
    cache_.erase(i);
  }
  auto credentials = parse_basic_authorization(authorization);
  if (!credentials) {
    r.outcome = auth_outcome::wrong_credentials;
    return r;
  }
  r.user = credentials->user;
  if (!admit_check(cfg, now_ms)) {
    r.outcome = auth_outcome::throttled;
    return r;
  }
  auto u = std::find_if(cfg.users.begin(), cfg.users.end(),
                        [&](const admin_user& x) { return x.name == credentials->user; });
  if (u == cfg.users.end()) {
    verify_password(decoy_hash(), credentials->password);
    r.outcome = auth_outcome::wrong_credentials;
    return r;
  }
  if (!verify_password(u->hash, credentials->password)) {
    r.outcome = auth_outcome::wrong_credentials;
    return r;
  }
  remember(key, static_cast<size_t>(u - cfg.users.begin()), cfg, now_ms);
  r.outcome = auth_outcome::user;
  r.admin = u->admin;
  return r;
}

} // namespace eureka::gateway
