// Who is calling the admin API (docs/admin-api.md, "Access"): the admin users
// of eureka.admin.users, HTTP basic authentication, a cache of verified
// credentials and a bound on password checks per second. Pure: time is
// passed in, and the only state (admin_authenticator) is owned by the
// gateway broker, so every rule is unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/password_hash.hpp"

namespace eureka::gateway {

/// One admin user. Every user may read; `admin` may also act (deregister,
/// set and remove overrides).
struct admin_user {
  std::string name;
  bool admin = false;
  password_hash hash;
};

/// The admin API's access settings (eureka.admin.*).
struct admin_config {
  /// eureka.admin.users, parsed (parse_admin_users). Empty: actions are off.
  std::vector<admin_user> users;
  /// Reads (GET) without credentials are allowed.
  bool read_without_auth = true;
  /// How long verified credentials are remembered.
  int64_t auth_cache_ms = 300000;
  /// Password checks (PBKDF2) per second beyond which a request that needs
  /// one gets 429.
  uint32_t max_password_checks_per_second = 20;

  bool actions_enabled() const { return !users.empty(); }
};

struct admin_users_result {
  std::vector<admin_user> users;
  /// Empty unless malformed; names the entry (by position and user name),
  /// never a hash.
  std::string error;
};

/// Parses `name:roles:hash[,name:roles:hash...]` (roles `read`, `admin`,
/// joined with `+`). Blank text is no user.
admin_users_result parse_admin_users(std::string_view text);

/// The text form parse_admin_users reads (--dump-config).
std::string format_admin_users(const std::vector<admin_user>& users);

/// What the node logs at start about its admin console.
struct admin_access_summary {
  /// Whether actions are on, and for whom; whether reads need credentials.
  std::string info;
  /// Non-empty when nobody can use the console at all.
  std::string warning;
};
admin_access_summary summarize_admin_access(const admin_config& cfg);

/// The user and password of an `Authorization: Basic` header value, or
/// nullopt unless it is one (well-formed base64 of `user:password`).
struct basic_credentials {
  std::string user;
  std::string password;
};
std::optional<basic_credentials> parse_basic_authorization(std::string_view header);

enum class auth_outcome {
  /// No credentials (or no users configured: none can be checked).
  anonymous,
  /// Credentials of a configured user.
  user,
  /// Credentials sent but not those of a user (or malformed): 401.
  wrong_credentials,
  /// The password check the request needs is beyond the per-second bound: 429.
  throttled,
};

struct auth_result {
  auth_outcome outcome = auth_outcome::anonymous;
  /// The user (auth_outcome::user), else the name the credentials claimed
  /// (untrusted: escape before logging), or empty.
  std::string user;
  bool admin = false;
};

/// The gateway's authentication state: verified credentials and the count
/// of password checks in the current second.
class admin_authenticator {
public:
  /// Most credentials remembered; beyond, the entry closest to expiry goes.
  static constexpr size_t max_cached = 1024;

  /// Draws the per-process salt of the cache keys.
  admin_authenticator();

  /// Who sent `authorization` (the header value, empty if absent) at
  /// `now_ms`. Without users, every request is anonymous.
  auth_result authenticate(const admin_config& cfg, std::string_view authorization, int64_t now_ms);

  /// Password checks computed so far (tests, metrics).
  uint64_t password_checks() const { return checks_total_; }
  size_t cached() const { return cache_.size(); }

private:
  struct entry {
    /// Index into admin_config::users.
    size_t user = 0;
    int64_t expires_ms = 0;
  };

  /// True (and counted) if one more password check fits this second.
  bool admit_check(const admin_config& cfg, int64_t now_ms);
  void remember(const std::string& key, size_t user, const admin_config& cfg, int64_t now_ms);

  /// Random bytes prepended to a header value before hashing it into a
  /// cache key: the cache never holds anything a password can be read or
  /// guessed from without this process's memory.
  std::string salt_;
  std::unordered_map<std::string, entry> cache_;
  int64_t window_start_ms_ = 0;
  uint32_t window_checks_ = 0;
  uint64_t checks_total_ = 0;
};

} // namespace eureka::gateway
