#include "http_gateway/auth.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include <fmt/format.h>

#include "common/base64.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "registry/instance_info.hpp"

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

/// The roles' names in eureka.auth.users, in the order format_users writes
/// them.
constexpr std::pair<uint8_t, std::string_view> role_names[] = {
    {static_cast<uint8_t>(role::read), "read"},
    {static_cast<uint8_t>(role::register_instances), "register"},
    {static_cast<uint8_t>(role::admin), "admin"},
    {static_cast<uint8_t>(role::peer), "peer"},
};

/// The bit of a role's name, 0 if unknown.
uint8_t role_bit(std::string_view name) {
  for (const auto& [bit, role_name] : role_names)
    if (role_name == name)
      return bit;
  return 0;
}

/// The longest application name register= takes (the registry's own limit
/// is larger, but a user list naming longer ones is a typo).
constexpr size_t max_listed_app_bytes = 256;

/// An application name register= can list: printable ASCII without blanks
/// and without the list's separators.
bool valid_app_name(std::string_view app) {
  if (app.empty() || app.size() > max_listed_app_bytes)
    return false;
  return std::all_of(app.begin(), app.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != ':' && c != ',' && c != '+' && c != '=' && c != '|';
  });
}

} // namespace

bool user_account::may(role r) const {
  auto holds = [&](role x) { return (roles & static_cast<uint8_t>(x)) != 0; };
  switch (r) {
  case role::read:
    return holds(role::read) || holds(role::admin) || holds(role::peer);
  case role::register_instances:
    return holds(role::register_instances) || holds(role::admin);
  case role::admin:
    return holds(role::admin);
  case role::peer:
    return holds(role::peer);
  }
  return false;
}

bool user_account::may_write(std::string_view app) const {
  if ((roles & static_cast<uint8_t>(role::admin)) != 0)
    return true;
  if ((roles & static_cast<uint8_t>(role::register_instances)) == 0)
    return false;
  return register_apps.empty()
         || std::find(register_apps.begin(), register_apps.end(), app) != register_apps.end();
}

bool auth_config::has_admin() const {
  return std::any_of(users.begin(), users.end(),
                     [](const user_account& u) { return u.may(role::admin); });
}

bool admin_reads_open(const auth_config& auth, const admin_config& admin) {
  return admin.read_without_auth && (!auth.enabled || auth.read_without_auth);
}

users_result parse_users(std::string_view text) {
  users_result r;
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
    user_account u;
    u.name = std::string{name};
    for (auto item : split(fields[1], '+')) {
      auto eq = item.find('=');
      auto role_name = item.substr(0, eq);
      auto bit = role_bit(role_name);
      if (bit == 0)
        return fail(name, fmt::format("unknown role '{}' (roles are read, register, "
                                      "register=APP|APP..., admin and peer, joined with '+')",
                                      log::printable(role_name)));
      if ((u.roles & bit) != 0)
        return fail(name, fmt::format("role '{}' is listed twice", role_name));
      u.roles |= bit;
      if (eq == std::string_view::npos)
        continue;
      if (bit != static_cast<uint8_t>(role::register_instances))
        return fail(name, fmt::format("only register takes applications (register=APP|APP), "
                                      "not {}",
                                      role_name));
      for (auto app : split(item.substr(eq + 1), '|')) {
        if (!valid_app_name(app))
          return fail(name, fmt::format("register=: '{}' is not an application name (1 to {} "
                                        "printable ASCII characters without blanks, ':', ',', "
                                        "'+', '=' or '|')",
                                        log::printable(app), max_listed_app_bytes));
        u.register_apps.push_back(to_upper_ascii(app));
      }
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

std::string format_users(const std::vector<user_account>& users) {
  std::string out;
  for (const auto& u : users) {
    if (!out.empty())
      out += ',';
    std::string roles;
    for (const auto& [bit, role_name] : role_names) {
      if ((u.roles & bit) == 0)
        continue;
      if (!roles.empty())
        roles += '+';
      roles += role_name;
      if (bit == static_cast<uint8_t>(role::register_instances) && !u.register_apps.empty()) {
        roles += '=';
        for (size_t i = 0; i < u.register_apps.size(); ++i)
          roles += (i == 0 ? "" : "|") + u.register_apps[i];
      }
    }
    out += fmt::format("{}:{}:{}", u.name, roles, format_password_hash(u.hash));
  }
  return out;
}

bool loopback_address(std::string_view address) {
  auto a = text::to_lower(text::trim(address));
  if (a.size() > 2 && a.front() == '[' && a.back() == ']')
    a = a.substr(1, a.size() - 2);
  return a == "localhost" || a == "::1" || a.rfind("127.", 0) == 0;
}

access_summary summarize_access(const auth_config& auth, const admin_config& admin,
                                std::string_view bind_address, uint16_t port, bool tls) {
  access_summary s;
  auto count = [&](role r) {
    return std::count_if(auth.users.begin(), auth.users.end(),
                         [r](const user_account& u) { return u.may(r); });
  };
  if (auth.enabled) {
    s.info.push_back(fmt::format("Eureka API: basic authentication on for {} user(s) ({} may "
                                 "register, {} peer(s)); reads {}",
                                 auth.users.size(), count(role::register_instances),
                                 count(role::peer),
                                 auth.read_without_auth ? "open" : "need the read role"));
    if (!tls && !loopback_address(bind_address))
      s.warnings.push_back(fmt::format(
          "the Eureka API on {}:{} takes passwords over plain HTTP: anyone on the network path "
          "can read them. Set server.ssl.certificate and server.ssl.certificate-private-key "
          "(docs/security.md)",
          bind_address, port));
    if (count(role::peer) == 0)
      s.warnings.push_back("eureka.auth.enabled: no user has the peer role, so replicated "
                           "writes and peerreplication/batch from Java Eureka servers are "
                           "refused");
  } else {
    s.info.emplace_back("Eureka API: no authentication (eureka.auth.enabled=false)");
    if (!loopback_address(bind_address))
      s.warnings.push_back(fmt::format(
          "the Eureka API listens on {}:{} without authentication: anyone who reaches the port "
          "can register, deregister and override any instance and send replicated writes that "
          "bypass the conflict rules. Set eureka.auth.enabled=true with eureka.auth.users, or "
          "server.address=127.0.0.1 (docs/security.md)",
          bind_address, port));
  }
  auto reads_open = admin_reads_open(auth, admin);
  if (auth.has_admin())
    s.info.push_back(fmt::format("admin console: actions on for {} admin user(s); reads {}",
                                 count(role::admin), reads_open ? "open" : "need credentials"));
  else
    s.info.push_back(fmt::format("admin console: actions off (no user with the admin role in "
                                 "eureka.auth.users); reads {}",
                                 reads_open ? "open" : "need credentials"));
  if (!reads_open && count(role::read) == 0)
    s.warnings.emplace_back("admin console unreachable: its reads need credentials and no user "
                            "in eureka.auth.users has the read role (or one including it)");
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

authenticator::authenticator() {
  auto salt = random_bytes(32);
  if (!salt) {
    // Without a random source no password could be hashed either.
    log::error("gateway", "no random bytes for the admin credential cache: the system's random "
                          "source failed");
    std::abort();
  }
  salt_ = std::move(*salt);
}

bool authenticator::admit_check(const auth_config& cfg, int64_t now_ms) {
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

void authenticator::remember(const std::string& key, size_t user, const auth_config& cfg,
                             int64_t now_ms) {
  if (cache_.size() >= max_cached && cache_.count(key) == 0) {
    for (auto i = cache_.begin(); i != cache_.end();)
      i = i->second.expires_ms <= now_ms ? cache_.erase(i) : std::next(i);
    if (cache_.size() >= max_cached)
      cache_.erase(std::min_element(cache_.begin(), cache_.end(), [](auto& a, auto& b) {
        return a.second.expires_ms < b.second.expires_ms;
      }));
  }
  cache_[key] = entry{user, now_ms + cfg.cache_ms};
}

auth_result authenticator::authenticate(const auth_config& cfg, std::string_view authorization,
                                        int64_t now_ms) {
  auth_result r;
  if (cfg.users.empty() || text::trim(authorization).empty())
    return r;
  auto key = sha256(salt_ + std::string{authorization});
  if (auto i = cache_.find(key); i != cache_.end()) {
    if (i->second.expires_ms > now_ms && i->second.user < cfg.users.size()) {
      const auto& u = cfg.users[i->second.user];
      r.outcome = auth_outcome::user;
      r.user = u.name;
      r.account = &u;
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
                        [&](const user_account& x) { return x.name == credentials->user; });
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
  r.account = &*u;
  return r;
}

} // namespace eureka::gateway
