// Who is calling, and what they may do (docs/security.md, "Users and
// roles"): the users of eureka.auth.users with their roles, HTTP basic
// authentication, a cache of verified credentials and a bound on password
// checks per second. Pure: time is passed in, and the only state
// (authenticator) is owned by the gateway broker, so every rule is
// unit-tested.
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

/// What a user may do. A user holds any set of them.
enum class role : uint8_t {
  /// GETs of the Eureka API, GET /metrics, the admin API's reads.
  read = 1,
  /// Register, renew, cancel, status and metadata of instances, of every
  /// application or only of the ones named (user_account::register_apps).
  register_instances = 2,
  /// Everything of read and register for every application, and the admin
  /// API's actions (the console's).
  admin = 4,
  /// Replication: peerreplication/batch, writes marked
  /// x-netflix-discovery-replication: true, GET cluster/node; and read.
  peer = 8,
};

/// One configured user.
struct user_account {
  std::string name;
  /// The roles as configured, a bit per `role`; may() applies what each
  /// role includes.
  uint8_t roles = 0;
  /// `register=ORDER|BILLING`: the applications (upper case, as routed)
  /// whose instances `register` covers; empty: every application.
  std::vector<std::string> register_apps;
  password_hash hash;

  /// Holds `r`, or a role that includes it (admin: read and register;
  /// peer: read).
  bool may(role r) const;
  /// May write instances of `app` (upper case): admin, or register of
  /// every application or of this one.
  bool may_write(std::string_view app) const;
};

/// Authentication of every HTTP caller (eureka.auth.*).
struct auth_config {
  /// eureka.auth.users, parsed (parse_users). Empty: nobody can sign in.
  std::vector<user_account> users;
  /// The Eureka API and GET /metrics need credentials and the role of
  /// each request. Off by default: Eureka clients that send none keep
  /// working, and the node says so at start.
  bool enabled = false;
  /// With `enabled`: reads (GETs of the Eureka API and /metrics) are still
  /// served without credentials.
  bool read_without_auth = false;
  /// How long verified credentials are remembered.
  int64_t cache_ms = 300000;
  /// Password checks (PBKDF2) per second beyond which a request that needs
  /// one gets 429.
  uint32_t max_password_checks_per_second = 20;

  /// Some user holds the admin role (the console's actions are on).
  bool has_admin() const;
};

/// The admin API and console (eureka.admin.*); who signs in is auth_config's.
struct admin_config {
  /// Reads (GET) of the admin API without credentials are allowed (and,
  /// with eureka.auth.enabled, only if eureka.auth.read-without-auth too).
  bool read_without_auth = true;
};

/// Whether the admin API's reads are served without credentials.
bool admin_reads_open(const auth_config& auth, const admin_config& admin);

struct users_result {
  std::vector<user_account> users;
  /// Empty unless malformed; names the entry (by position and user name),
  /// never a hash.
  std::string error;
};

/// Parses `name:roles:hash[,name:roles:hash...]`: roles `read`, `register`
/// (or `register=APP|APP...`), `admin` and `peer`, joined with `+`. Blank
/// text is no user.
users_result parse_users(std::string_view text);

/// The text form parse_users reads (--dump-config).
std::string format_users(const std::vector<user_account>& users);

/// What the node logs at start about who may do what.
struct access_summary {
  /// One line each: the Eureka API's and the admin console's access.
  std::vector<std::string> info;
  /// Exposures and configurations that lock everyone out.
  std::vector<std::string> warnings;
};

/// `bind_address` is where the HTTP port listens (server.address); `tls`
/// whether it speaks HTTPS (server.ssl.*).
access_summary summarize_access(const auth_config& auth, const admin_config& admin,
                                std::string_view bind_address, uint16_t port, bool tls);

/// True for an address only this machine reaches (127.0.0.0/8, ::1,
/// localhost).
bool loopback_address(std::string_view address);

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
  /// The user's account (auth_outcome::user): an element of the
  /// auth_config::users the request was checked against.
  const user_account* account = nullptr;

  bool may(role r) const { return account != nullptr && account->may(r); }
  bool may_write(std::string_view app) const {
    return account != nullptr && account->may_write(app);
  }
};

/// The gateway's authentication state: verified credentials and the count
/// of password checks in the current second.
class authenticator {
public:
  /// Most credentials remembered; beyond, the entry closest to expiry goes.
  static constexpr size_t max_cached = 1024;

  /// Draws the per-process salt of the cache keys.
  authenticator();

  /// Who sent `authorization` (the header value, empty if absent) at
  /// `now_ms`. Without users, every request is anonymous.
  auth_result authenticate(const auth_config& cfg, std::string_view authorization, int64_t now_ms);

  /// Password checks computed so far (tests, metrics).
  uint64_t password_checks() const { return checks_total_; }
  size_t cached() const { return cache_.size(); }

private:
  struct entry {
    /// Index into auth_config::users.
    size_t user = 0;
    int64_t expires_ms = 0;
  };

  /// True (and counted) if one more password check fits this second.
  bool admit_check(const auth_config& cfg, int64_t now_ms);
  void remember(const std::string& key, size_t user, const auth_config& cfg, int64_t now_ms);

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
