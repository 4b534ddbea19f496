// The admin API's pure rules: base64 and password hashes (common/), the
// users of eureka.auth.users, HTTP basic authentication, the credential
// cache and the password-check budget (auth.hpp), the admin routes and
// the access table of docs/admin-api.md (router, request_plan). The Eureka
// API's access rules are in gateway_access_test.
#define BOOST_TEST_MODULE gateway_admin
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/base64.hpp"
#include "common/password_hash.hpp"
#include "http_gateway/auth.hpp"
#include "http_gateway/console_assets.hpp"
#include "http_gateway/request_plan.hpp"
#include "http_gateway/router.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

/// Cheap hashes keep the suite fast; the rules do not depend on the cost.
constexpr uint32_t test_iterations = min_password_iterations;

std::string hash_text(std::string_view password) {
  auto h = hash_password(password, test_iterations);
  BOOST_REQUIRE(h);
  return format_password_hash(*h);
}

std::string basic(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string{user} + ":" + std::string{password});
}

/// alice (admin) with password "wonderland", bob (read) with "builder".
auth_config two_users() {
  auto parsed =
      parse_users("alice:admin:" + hash_text("wonderland") + ",bob:read:" + hash_text("builder"));
  BOOST_REQUIRE_MESSAGE(parsed.error.empty(), parsed.error);
  auth_config cfg;
  cfg.users = std::move(parsed.users);
  return cfg;
}

} // namespace

BOOST_AUTO_TEST_SUITE(base64)

// RFC 4648 §10.
BOOST_AUTO_TEST_CASE(rfc4648_vectors) {
  std::vector<std::pair<std::string, std::string>> vectors{{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
  for (auto& [plain, encoded] : vectors) {
    BOOST_TEST(base64_encode(plain) == encoded);
    auto decoded = base64_decode(encoded);
    BOOST_REQUIRE(decoded);
    BOOST_TEST(*decoded == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  BOOST_TEST(*base64_decode(base64_encode(all)) == all);
}

BOOST_AUTO_TEST_CASE(only_canonical_text_decodes) {
  for (auto bad :
       {"Zg", "Zg=", "Z===", "Zm9v\n", " Zm9v", "Zm=v", "Zh==", "Zm9=", "Zm-v", "====", "Zg==Zg=="})
    BOOST_TEST(!base64_decode(bad), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(password_hashes)

// RFC 7914 §11 and the well-known PBKDF2-HMAC-SHA256 vectors of RFC 6070's
// inputs.
BOOST_AUTO_TEST_CASE(pbkdf2_known_answers) {
  BOOST_TEST(hex(pbkdf2_sha256("passwd", "salt", 1, 64))
             == "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  BOOST_TEST(hex(pbkdf2_sha256("Password", "NaCl", 80000, 64))
             == "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
  BOOST_TEST(hex(pbkdf2_sha256("password", "salt", 1, 32))
             == "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
  BOOST_TEST(hex(pbkdf2_sha256("password", "salt", 2, 32))
             == "ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
  BOOST_TEST(hex(pbkdf2_sha256("password", "salt", 4096, 32))
             == "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
  BOOST_TEST(pbkdf2_sha256("password", "salt", 0, 32).empty());
}

BOOST_AUTO_TEST_CASE(a_known_hash_text_verifies) {
  // pbkdf2-sha256 of "password" with salt "salt" (4 bytes is too short for a
  // stored hash, so the salt "saltsalt") at 1000 iterations.
  password_hash h{1000, "saltsalt", pbkdf2_sha256("password", "saltsalt", 1000, 32)};
  auto text = format_password_hash(h);
  BOOST_TEST(text.rfind("pbkdf2-sha256$1000$c2FsdHNhbHQ=$", 0) == 0u);
  std::string error;
  auto parsed = parse_password_hash(text, error);
  BOOST_REQUIRE_MESSAGE(parsed, error);
  BOOST_TEST(parsed->iterations == 1000u);
  BOOST_TEST(parsed->salt == "saltsalt");
  BOOST_TEST(verify_password(*parsed, "password"));
  BOOST_TEST(!verify_password(*parsed, "passwore"));
  BOOST_TEST(!verify_password(*parsed, ""));
}

BOOST_AUTO_TEST_CASE(hash_round_trips_with_a_fresh_salt) {
  auto a = hash_password("secret", test_iterations);
  auto b = hash_password("secret", test_iterations);
  BOOST_REQUIRE(a);
  BOOST_REQUIRE(b);
  BOOST_TEST(a->salt.size() == password_salt_bytes);
  BOOST_TEST(a->salt != b->salt);
  BOOST_TEST(a->key != b->key);
  std::string error;
  auto parsed = parse_password_hash(format_password_hash(*a), error);
  BOOST_REQUIRE_MESSAGE(parsed, error);
  BOOST_TEST(verify_password(*parsed, "secret"));
  BOOST_TEST(!verify_password(*parsed, "Secret"));
  BOOST_TEST(hash_password("x")->iterations == default_password_iterations);
  BOOST_TEST(!hash_password("x", min_password_iterations - 1));
  BOOST_TEST(!hash_password("x", max_password_iterations + 1));
}

BOOST_AUTO_TEST_CASE(malformed_texts_say_what_is_wrong_without_the_hash) {
  auto good = password_hash{1000, "saltsalt", std::string(32, 'k')};
  auto salt = base64_encode(good.salt);
  auto key = base64_encode(good.key);
  struct bad_case {
    std::string text;
    std::string reason;
  };
  std::vector<bad_case> cases{
      {"", "4 fields"},
      {"pbkdf2-sha256$1000$" + salt, "4 fields"},
      {"pbkdf2-sha256$1000$" + salt + "$" + key + "$x", "4 fields"},
      {"pbkdf2-sha1$1000$" + salt + "$" + key, "unknown scheme"},
      {"pbkdf2-sha256$$" + salt + "$" + key, "not a whole number"},
      {"pbkdf2-sha256$1e3$" + salt + "$" + key, "not a whole number"},
      {"pbkdf2-sha256$-1000$" + salt + "$" + key, "not a whole number"},
      {"pbkdf2-sha256$+1000$" + salt + "$" + key, "not a whole number"},
      {"pbkdf2-sha256$999$" + salt + "$" + key, "out of range [1000, 10000000]"},
      {"pbkdf2-sha256$10000001$" + salt + "$" + key, "out of range"},
      {"pbkdf2-sha256$99999999999999999999$" + salt + "$" + key, "not a whole number"},
      {"pbkdf2-sha256$1000$c2Fsd*Rz$" + key, "salt is not base64"},
      {"pbkdf2-sha256$1000$c2FsdA==$" + key, "salt has 4 bytes"},
      {"pbkdf2-sha256$1000$" + salt + "$" + key.substr(0, 42), "key is not base64"},
      {"pbkdf2-sha256$1000$" + salt + "$" + base64_encode(std::string(31, 'k')), "key has 31"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      std::string error;
      BOOST_TEST(!parse_password_hash(c.text, error));
      BOOST_TEST(error.find(c.reason) != std::string::npos, error);
      BOOST_TEST(error.find(key) == std::string::npos);
      BOOST_TEST(error.find(salt) == std::string::npos);
    }
  }
  // The bounds themselves are allowed.
  std::string error;
  BOOST_TEST(parse_password_hash("pbkdf2-sha256$1000$" + salt + "$" + key, error).has_value());
  BOOST_TEST(parse_password_hash("pbkdf2-sha256$10000000$" + salt + "$" + key, error).has_value());
}

BOOST_AUTO_TEST_CASE(constant_time_equality) {
  BOOST_TEST(constant_time_equal("abc", "abc"));
  BOOST_TEST(!constant_time_equal("abc", "abd"));
  BOOST_TEST(!constant_time_equal("abc", "ab"));
  BOOST_TEST(constant_time_equal("", ""));
  BOOST_TEST(hex(sha256("abc"))
             == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_users)

BOOST_AUTO_TEST_CASE(entries_parse_with_roles) {
  auto h = hash_text("pw");
  auto r = parse_users(" alice:admin:" + h + " , bob:read:" + h + ",carol:read+admin:" + h
                       + ",dave:admin+read:" + h);
  BOOST_REQUIRE_MESSAGE(r.error.empty(), r.error);
  BOOST_REQUIRE(r.users.size() == 4u);
  BOOST_TEST(r.users[0].name == "alice");
  BOOST_TEST(r.users[0].may(role::admin));
  BOOST_TEST(!r.users[1].may(role::admin));
  BOOST_TEST(r.users[2].may(role::admin));
  BOOST_TEST(r.users[3].may(role::admin));
  BOOST_TEST(verify_password(r.users[1].hash, "pw"));
  BOOST_TEST(parse_users("").users.empty());
  BOOST_TEST(parse_users("  ").error.empty());
  // Round trip (--dump-config).
  auto again = parse_users(format_users(r.users));
  BOOST_REQUIRE_MESSAGE(again.error.empty(), again.error);
  BOOST_TEST(again.users.size() == 4u);
  BOOST_TEST(again.users[2].may(role::admin));
  BOOST_TEST(!again.users[1].may(role::admin));
}

BOOST_AUTO_TEST_CASE(malformed_entries_are_named_and_hashes_never_shown) {
  auto h = hash_text("pw");
  auto broken_hash = h.substr(0, h.size() - 4);
  struct bad_case {
    std::string text;
    std::string reason;
  };
  std::vector<bad_case> cases{
      {"alice:admin:" + h + ",", "entry 2: empty entry"},
      {"alice:admin", "entry 1 (alice): expected name:roles:hash"},
      {"alice:admin:" + h + ":x", "entry 1 (alice): expected name:roles:hash"},
      {"alice:write:" + h, "entry 1 (alice): unknown role 'write'"},
      {"alice::" + h, "entry 1 (alice): unknown role ''"},
      {"alice:admin+:" + h, "unknown role ''"},
      {"al ice:admin:" + h, "entry 1 (al ice): a user name"},
      {":admin:" + h, "entry 1: a user name"},
      {"alice:admin:" + broken_hash, "entry 1 (alice): malformed password hash: the key"},
      {"alice:admin:secret", "entry 1 (alice): malformed password hash"},
      {"bob:read:" + h + ",bob:admin:" + h, "entry 2 (bob): the user is listed twice"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      auto r = parse_users(c.text);
      BOOST_TEST(r.users.empty());
      BOOST_TEST(r.error.find(c.reason) != std::string::npos, r.error);
      BOOST_TEST(r.error.find(h.substr(14)) == std::string::npos);
      BOOST_TEST(r.error.find("secret") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(summary_for_the_start_up_log) {
  auto has = [](const std::vector<std::string>& lines, std::string_view text) {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos)
        return true;
    return false;
  };
  auth_config none;
  admin_config admin;
  auto s = summarize_access(none, admin, "127.0.0.1", 8761, false);
  BOOST_TEST(has(s.info, "admin console: actions off"));
  BOOST_TEST(s.warnings.empty());
  admin.read_without_auth = false;
  s = summarize_access(none, admin, "127.0.0.1", 8761, false);
  BOOST_TEST(has(s.warnings, "admin console unreachable"));
  auto two = two_users();
  s = summarize_access(two, admin, "127.0.0.1", 8761, false);
  BOOST_TEST(has(s.info, "actions on for 1 admin user(s); reads need credentials"));
  BOOST_TEST(s.warnings.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(basic_authentication)

BOOST_AUTO_TEST_CASE(header_values) {
  auto c = parse_basic_authorization(basic("alice", "a:b c"));
  BOOST_REQUIRE(c);
  BOOST_TEST(c->user == "alice");
  BOOST_TEST(c->password == "a:b c"); // the first ':' separates
  BOOST_TEST(parse_basic_authorization("basic " + base64_encode("u:")).has_value());
  BOOST_TEST(parse_basic_authorization("BASIC " + base64_encode("u:p"))->password == "p");
  for (std::string bad : {std::string{}, std::string{"Basic"}, std::string{"Basic "},
                          "Bearer " + base64_encode("u:p"), "Basic " + base64_encode("nocolon"),
                          std::string{"Basic !!!!"}, "Basic" + base64_encode("u:p"),
                          "Basic " + base64_encode("u:p").substr(1)})
    BOOST_TEST(!parse_basic_authorization(bad), bad);
}

BOOST_AUTO_TEST_CASE(outcomes) {
  auto cfg = two_users();
  authenticator auth;
  auto r = auth.authenticate(cfg, "", 0);
  BOOST_TEST((r.outcome == auth_outcome::anonymous));
  r = auth.authenticate(cfg, basic("alice", "wonderland"), 0);
  BOOST_TEST((r.outcome == auth_outcome::user));
  BOOST_TEST(r.user == "alice");
  BOOST_TEST(r.may(role::admin));
  r = auth.authenticate(cfg, basic("bob", "builder"), 0);
  BOOST_TEST((r.outcome == auth_outcome::user));
  BOOST_TEST(!r.may(role::admin));
  BOOST_TEST(r.may(role::read));
  r = auth.authenticate(cfg, basic("bob", "wonderland"), 0);
  BOOST_TEST((r.outcome == auth_outcome::wrong_credentials));
  BOOST_TEST(r.user == "bob");
  r = auth.authenticate(cfg, basic("mallory", "wonderland"), 0);
  BOOST_TEST((r.outcome == auth_outcome::wrong_credentials));
  r = auth.authenticate(cfg, "Basic %%%", 0);
  BOOST_TEST((r.outcome == auth_outcome::wrong_credentials));
  // Without users nothing can be checked: every request is anonymous.
  r = auth.authenticate(auth_config{}, basic("alice", "wonderland"), 0);
  BOOST_TEST((r.outcome == auth_outcome::anonymous));
}

BOOST_AUTO_TEST_CASE(an_unknown_user_costs_a_password_check) {
  auto cfg = two_users();
  authenticator auth;
  auth.authenticate(cfg, basic("mallory", "x"), 0);
  BOOST_TEST(auth.password_checks() == 1u);
  // A malformed header has no password to check.
  auth.authenticate(cfg, "Basic %%%", 0);
  BOOST_TEST(auth.password_checks() == 1u);
}

BOOST_AUTO_TEST_CASE(verified_credentials_are_cached_until_they_expire) {
  auto cfg = two_users();
  cfg.cache_ms = 1000;
  authenticator auth;
  auto alice = basic("alice", "wonderland");
  auth.authenticate(cfg, alice, 0);
  BOOST_TEST(auth.password_checks() == 1u);
  BOOST_TEST(auth.cached() == 1u);
  for (int64_t t : {1, 500, 999})
    BOOST_TEST((auth.authenticate(cfg, alice, t).outcome == auth_outcome::user));
  BOOST_TEST(auth.password_checks() == 1u);
  BOOST_TEST((auth.authenticate(cfg, alice, 1000).outcome == auth_outcome::user));
  BOOST_TEST(auth.password_checks() == 2u); // expired: checked again
  // Wrong credentials are never cached: each costs a check.
  auth.authenticate(cfg, basic("alice", "x"), 2000);
  auth.authenticate(cfg, basic("alice", "x"), 2000);
  BOOST_TEST(auth.password_checks() == 4u);
  BOOST_TEST(auth.cached() == 1u);
  // 0: nothing is remembered.
  cfg.cache_ms = 0;
  authenticator uncached;
  uncached.authenticate(cfg, alice, 0);
  uncached.authenticate(cfg, alice, 0);
  BOOST_TEST(uncached.password_checks() == 2u);
}

BOOST_AUTO_TEST_CASE(the_cache_is_bounded) {
  auto cfg = two_users();
  cfg.max_password_checks_per_second = 100000;
  authenticator auth;
  // Header values differing in base64-irrelevant ways are different keys:
  // "Basic" spelled in other cases.
  auto value = base64_encode("bob:builder");
  size_t n = 0;
  for (int mask = 0; mask < 32 && n < authenticator::max_cached + 8; ++mask) {
    std::string scheme = "basic";
    for (int i = 0; i < 5; ++i)
      if (mask & (1 << i))
        scheme[i] = static_cast<char>(scheme[i] - 'a' + 'A');
    for (int spaces = 1; spaces <= 40 && n < authenticator::max_cached + 8; ++spaces) {
      auto header = scheme + std::string(static_cast<size_t>(spaces), ' ') + value;
      BOOST_REQUIRE(
          (auth.authenticate(cfg, header, static_cast<int64_t>(n)).outcome == auth_outcome::user));
      ++n;
    }
  }
  BOOST_TEST(n == authenticator::max_cached + 8);
  BOOST_TEST(auth.cached() == authenticator::max_cached);
}

BOOST_AUTO_TEST_CASE(password_checks_are_bounded_per_second) {
  auto cfg = two_users();
  cfg.max_password_checks_per_second = 3;
  authenticator auth;
  auto alice = basic("alice", "wonderland");
  for (int i = 0; i < 3; ++i)
    BOOST_TEST((auth.authenticate(cfg, basic("alice", "guess"), 100).outcome
                == auth_outcome::wrong_credentials));
  auto r = auth.authenticate(cfg, alice, 999);
  BOOST_TEST((r.outcome == auth_outcome::throttled));
  BOOST_TEST(r.user == "alice");
  BOOST_TEST(auth.password_checks() == 3u);
  // The next second has a new budget.
  BOOST_TEST((auth.authenticate(cfg, alice, 1100).outcome == auth_outcome::user));
  // Cached credentials need no check, so they pass while guessers are held.
  for (int i = 0; i < 2; ++i)
    auth.authenticate(cfg, basic("alice", "guess"), 1200);
  BOOST_TEST(
      (auth.authenticate(cfg, basic("alice", "guess"), 1300).outcome == auth_outcome::throttled));
  BOOST_TEST((auth.authenticate(cfg, alice, 1300).outcome == auth_outcome::user));
  // A clock stepping back starts a new window rather than locking out.
  BOOST_TEST((auth.authenticate(cfg, basic("bob", "builder"), 50).outcome == auth_outcome::user));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_routes)

const std::vector<std::string> bases{"/eureka"};

BOOST_AUTO_TEST_CASE(every_admin_route) {
  struct expected {
    const char* method;
    const char* target;
    route_id id;
  };
  for (auto& e : std::vector<expected>{
           {"GET", "/admin/api/session", route_id::admin_session},
           {"GET", "/admin/api/session/", route_id::admin_session},
           {"HEAD", "/admin/api/overview", route_id::admin_overview},
           {"GET", "/admin/api/actors", route_id::admin_actors},
           {"GET", "/admin/api/apps", route_id::admin_apps},
           {"GET", "/admin/api/apps/order/i-1", route_id::admin_instance},
           {"DELETE", "/admin/api/apps/order/i-1", route_id::admin_cancel},
           {"PUT", "/admin/api/apps/order/i-1/status?value=UP", route_id::admin_status_update},
           {"DELETE", "/admin/api/apps/order/i-1/status", route_id::admin_status_delete},
           {"GET", "/", route_id::console},
           {"HEAD", "/", route_id::console},
           {"GET", "/console/app.js", route_id::console},
       }) {
    BOOST_TEST_CONTEXT(e.method << " " << e.target) {
      auto r = route_request(e.method, e.target, bases);
      BOOST_TEST((r.id == e.id), route_label(r.id));
      BOOST_TEST(r.admin == (e.id != route_id::console));
    }
  }
  auto r = route_request("DELETE", "/admin/api/apps/order/i%2F1", bases);
  BOOST_TEST(r.app == "ORDER");
  BOOST_TEST(r.instance_id == "i/1");
  r = route_request("PUT", "/admin/api/apps/a/b/status?value=OUT_OF_SERVICE", bases);
  BOOST_TEST(*find_param(r.query, "value") == "OUT_OF_SERVICE");
  r = route_request("GET", "/console/a%20b.js?v=1", bases);
  BOOST_TEST(r.asset == "/console/a b.js");
  BOOST_TEST(route_request("GET", "/", bases).asset == "/");
}

BOOST_AUTO_TEST_CASE(wrong_methods_and_unknown_paths) {
  auto r = route_request("POST", "/admin/api/session", bases);
  BOOST_TEST((r.id == route_id::method_not_allowed));
  BOOST_TEST(r.allow == "GET, HEAD");
  BOOST_TEST(r.admin);
  r = route_request("PUT", "/admin/api/apps/a/b", bases);
  BOOST_TEST((r.id == route_id::method_not_allowed));
  BOOST_TEST(r.allow == "GET, HEAD, DELETE");
  r = route_request("GET", "/admin/api/apps/a/b/status", bases);
  BOOST_TEST((r.id == route_id::method_not_allowed));
  BOOST_TEST(r.allow == "PUT, DELETE");
  r = route_request("DELETE", "/", bases);
  BOOST_TEST((r.id == route_id::method_not_allowed));
  BOOST_TEST(r.allow == "GET, HEAD");
  for (auto target : {"/admin/api", "/admin/api/", "/admin/api/nope", "/admin/api/apps/a",
                      "/admin/api/apps/a/b/metadata", "/admin/api//apps"}) {
    r = route_request("GET", target, bases);
    BOOST_TEST((r.id == route_id::not_found), target);
    BOOST_TEST(r.admin, target);
  }
  for (auto target : {"/admin", "/admin/apix", "/console", "/console/", "/consolex/a"}) {
    r = route_request("GET", target, bases);
    BOOST_TEST((r.id == route_id::not_found), target);
    BOOST_TEST(!r.admin, target);
  }
  r = route_request("GET", "/admin/api/apps/a/%zz", bases);
  BOOST_TEST((r.id == route_id::bad_request));
  BOOST_TEST(r.admin);
  r = route_request("GET", "/admin/api/apps?x=%zz", bases);
  BOOST_TEST((r.id == route_id::bad_request));
  BOOST_TEST(r.admin);
  r = route_request("GET", "/admin/api/apps/" + std::string(300, 'x') + "/b", bases);
  BOOST_TEST((r.id == route_id::bad_request));
  BOOST_TEST(r.admin);
  BOOST_TEST((route_request("GET", "/console/%zz", bases).id == route_id::bad_request));
  // A base path mounted at the root does not hide the admin routes.
  BOOST_TEST((route_request("GET", "/admin/api/apps", {""}).id == route_id::admin_apps));
  BOOST_TEST((route_request("GET", "/apps", {""}).id == route_id::apps_full));
}

BOOST_AUTO_TEST_CASE(labels_are_stable) {
  BOOST_TEST(route_label(route_id::admin_session) == "admin_session");
  BOOST_TEST(route_label(route_id::admin_overview) == "admin_overview");
  BOOST_TEST(route_label(route_id::admin_actors) == "admin_actors");
  BOOST_TEST(route_label(route_id::admin_apps) == "admin_apps");
  BOOST_TEST(route_label(route_id::admin_instance) == "admin_instance");
  BOOST_TEST(route_label(route_id::admin_cancel) == "admin_cancel");
  BOOST_TEST(route_label(route_id::admin_status_update) == "admin_status_update");
  BOOST_TEST(route_label(route_id::admin_status_delete) == "admin_status_delete");
  BOOST_TEST(route_label(route_id::console) == "console");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_plans)

struct plan_fixture {
  gateway_config cfg;
  authenticator auth;
  int64_t now = 1000;

  request_plan plan(std::string_view method, std::string_view target,
                    std::string_view authorization = {}, std::string_view origin = {},
                    std::string_view host = "node:8761") {
    request_view v;
    v.method = method;
    v.target = target;
    v.authorization = authorization;
    v.origin = origin;
    v.host = host;
    return plan_request(v, cfg, auth, now);
  }

  void with_users(bool read_without_auth = true) {
    cfg.auth = two_users();
    cfg.admin.read_without_auth = read_without_auth;
  }
};

const std::string alice = basic("alice", "wonderland");
const std::string bob = basic("bob", "builder");
const std::string wrong = basic("alice", "guess");

const char* const reads[] = {"/admin/api/session", "/admin/api/overview", "/admin/api/actors",
                             "/admin/api/apps", "/admin/api/apps/ORDER/i-1"};

struct action_case {
  const char* method;
  const char* target;
};
const action_case actions[] = {{"DELETE", "/admin/api/apps/ORDER/i-1"},
                               {"PUT", "/admin/api/apps/ORDER/i-1/status?value=OUT_OF_SERVICE"},
                               {"DELETE", "/admin/api/apps/ORDER/i-1/status"}};

void check_json_error(const request_plan& p, unsigned status, std::string_view reason) {
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == status);
  BOOST_TEST(p.immediate->content_type == "application/json; charset=utf-8");
  BOOST_TEST(p.immediate->cache_control == "no-store");
  BOOST_TEST(p.immediate->body.str() == R"({"error": ")" + std::string{reason} + R"("})");
  if (status == 401)
    BOOST_TEST(p.immediate->www_authenticate
               == R"(Basic realm="caf-eureka admin", charset="UTF-8")");
  else
    BOOST_TEST(p.immediate->www_authenticate.empty());
}

bool planned_read(const request_plan& p) {
  if (p.immediate)
    return p.immediate->status == 200; // session
  return !std::holds_alternative<std::monostate>(p.call);
}

// Row 1 of the access table: no users.
BOOST_FIXTURE_TEST_CASE(without_users_reads_are_open_and_actions_off, plan_fixture) {
  for (auto target : reads)
    BOOST_TEST(planned_read(plan("GET", target)), target);
  // Credentials cannot be checked without users: ignored on reads.
  BOOST_TEST(planned_read(plan("GET", "/admin/api/apps", alice)));
  for (auto& a : actions) {
    BOOST_TEST_CONTEXT(a.method << " " << a.target) {
      for (auto& credentials : {std::string{}, alice}) {
        auto p = plan(a.method, a.target, credentials);
        check_json_error(p, 403, "actions are off: no user has the admin role (eureka.auth.users)");
        BOOST_TEST(p.audit.find("admin: refused ") == 0u, p.audit);
        BOOST_TEST(p.audit.find("ORDER/i-1") != std::string::npos, p.audit);
        BOOST_TEST(!p.action);
      }
    }
  }
  cfg.admin.read_without_auth = false;
  for (auto target : reads)
    check_json_error(plan("GET", target), 401, "credentials needed");
  BOOST_TEST(auth.password_checks() == 0u);
}

// Row 2: users, reads open.
BOOST_FIXTURE_TEST_CASE(with_users_reads_open_credentials_must_be_right, plan_fixture) {
  with_users();
  for (auto target : reads) {
    BOOST_TEST(planned_read(plan("GET", target)), target);
    BOOST_TEST(planned_read(plan("GET", target, bob)), target);
    check_json_error(plan("GET", target, wrong), 401, "wrong credentials");
    check_json_error(plan("GET", target, "Bearer abc"), 401, "wrong credentials");
  }
  for (auto& a : actions) {
    BOOST_TEST_CONTEXT(a.method << " " << a.target) {
      auto p = plan(a.method, a.target);
      check_json_error(p, 401, "credentials needed");
      BOOST_TEST(p.audit.find("to anonymous: credentials needed (401)") != std::string::npos,
                 p.audit);
      p = plan(a.method, a.target, wrong);
      check_json_error(p, 401, "wrong credentials");
      BOOST_TEST(p.audit.find("to alice (wrong credentials)") != std::string::npos, p.audit);
      p = plan(a.method, a.target, bob);
      check_json_error(p, 403, "the admin role is needed");
      BOOST_TEST(p.audit.find("to bob: the admin role is needed (403)") != std::string::npos,
                 p.audit);
      p = plan(a.method, a.target, alice);
      BOOST_TEST(!p.immediate);
      BOOST_REQUIRE(p.action);
      BOOST_TEST(p.action->user == "alice");
      BOOST_TEST(p.audit.empty());
    }
  }
}

// Row 3: users, reads need credentials.
BOOST_FIXTURE_TEST_CASE(with_users_reads_closed, plan_fixture) {
  with_users(false);
  for (auto target : reads) {
    check_json_error(plan("GET", target), 401, "credentials needed");
    check_json_error(plan("GET", target, wrong), 401, "wrong credentials");
    BOOST_TEST(planned_read(plan("GET", target, bob)), target);
    BOOST_TEST(planned_read(plan("GET", target, alice)), target);
  }
  check_json_error(plan("DELETE", "/admin/api/apps/ORDER/i-1", bob), 403,
                   "the admin role is needed");
  BOOST_TEST(plan("DELETE", "/admin/api/apps/ORDER/i-1", alice).action.has_value());
}

BOOST_FIXTURE_TEST_CASE(cross_origin_actions_are_refused, plan_fixture) {
  with_users();
  auto target = "/admin/api/apps/ORDER/i-1";
  auto mallory = basic("mallory", "guess");
  for (auto origin : {"http://node:8761", "https://node:8761", "HTTP://Node:8761"})
    BOOST_TEST(plan("DELETE", target, alice, origin).action.has_value(), origin);
  auto checks = auth.password_checks();
  for (auto origin : {"http://evil:8761", "http://node:8762", "http://node", "null",
                      "http://node:8761/", "ftp://node:8761"}) {
    BOOST_TEST_CONTEXT(origin) {
      auto p = plan("DELETE", target, mallory, origin);
      check_json_error(p, 403, "cross-origin request refused");
      BOOST_TEST(!p.action);
      BOOST_TEST(p.audit.find("cross-origin request refused (403)") != std::string::npos);
    }
  }
  // No Host to compare with: refused; reads are not checked (a GET is harmless).
  check_json_error(plan("DELETE", target, alice, "http://node:8761", ""), 403,
                   "cross-origin request refused");
  BOOST_TEST(planned_read(plan("GET", "/admin/api/apps", alice, "http://evil")));
  // Refused before any password is checked.
  BOOST_TEST(auth.password_checks() == checks);
}

BOOST_FIXTURE_TEST_CASE(throttled_checks_answer_429, plan_fixture) {
  with_users();
  cfg.auth.max_password_checks_per_second = 1;
  check_json_error(plan("GET", "/admin/api/apps", wrong), 401, "wrong credentials");
  auto p = plan("DELETE", "/admin/api/apps/ORDER/i-1", alice);
  check_json_error(p, 429, "too many authentication attempts");
  BOOST_TEST(p.audit.find("too many authentication attempts (429)") != std::string::npos);
  BOOST_TEST(p.warning.find("eureka.auth.max-password-checks-per-second") != std::string::npos);
  check_json_error(plan("GET", "/admin/api/apps", bob), 429, "too many authentication attempts");
  // Reads without credentials need no check.
  BOOST_TEST(planned_read(plan("GET", "/admin/api/apps")));
  now += 1000;
  BOOST_TEST(plan("DELETE", "/admin/api/apps/ORDER/i-1", alice).action.has_value());
}

BOOST_FIXTURE_TEST_CASE(session_says_who_and_what, plan_fixture) {
  auto body = [&](std::string_view credentials) {
    auto p = plan("GET", "/admin/api/session", credentials);
    BOOST_REQUIRE(p.immediate);
    BOOST_TEST(p.immediate->status == 200u);
    BOOST_TEST(p.immediate->cache_control == "no-store");
    return p.immediate->body.str();
  };
  BOOST_TEST(body("")
             == R"({"user": null, "roles": [], "actions_enabled": false, )"
                R"("read_without_auth": true})");
  with_users();
  BOOST_TEST(body(alice)
             == R"({"user": "alice", "roles": ["admin", "read", "register"], )"
                R"("actions_enabled": true, "read_without_auth": true})");
  BOOST_TEST(body(bob)
             == R"({"user": "bob", "roles": ["read"], "actions_enabled": true, )"
                R"("read_without_auth": true})");
  BOOST_TEST(body("")
             == R"({"user": null, "roles": [], "actions_enabled": true, )"
                R"("read_without_auth": true})");
  auto p = plan("HEAD", "/admin/api/session");
  BOOST_TEST(p.immediate->head_only);
}

BOOST_FIXTURE_TEST_CASE(reads_go_to_the_directory_as_json, plan_fixture) {
  BOOST_TEST(std::holds_alternative<admin_overview_call>(plan("GET", "/admin/api/overview").call));
  BOOST_TEST(std::holds_alternative<admin_actors_call>(plan("GET", "/admin/api/actors").call));
  request_view v;
  v.method = "GET";
  v.target = "/admin/api/apps";
  v.accept = "application/xml";
  v.eureka_accept = "compact";
  v.accept_encoding = "gzip";
  auto p = plan_request(v, cfg, auth, now);
  auto* q = std::get_if<read_query>(&p.call);
  BOOST_REQUIRE(q);
  BOOST_TEST((q->kind == read_kind::all_apps));
  BOOST_TEST((q->format == payload_format::json));
  BOOST_TEST((q->repr == representation::full));
  BOOST_TEST(q->gzip);
  p = plan("GET", "/admin/api/apps/order/i-1");
  auto* i = std::get_if<instance_query>(&p.call);
  BOOST_REQUIRE(i);
  BOOST_TEST(i->app == "ORDER");
  BOOST_TEST(i->id == "i-1");
  BOOST_TEST((i->format == payload_format::json));
}

BOOST_FIXTURE_TEST_CASE(actions_become_local_writes, plan_fixture) {
  with_users();
  auto p = plan("DELETE", "/admin/api/apps/order/i-1", alice);
  auto* cancel = std::get_if<cancel_cmd>(&p.call);
  BOOST_REQUIRE(cancel);
  BOOST_TEST(cancel->app == "ORDER");
  BOOST_TEST(cancel->id == "i-1");
  BOOST_TEST(!cancel->is_replication);
  BOOST_TEST((p.action->id == route_id::admin_cancel));

  p = plan("PUT", "/admin/api/apps/order/i-1/status?value=OUT_OF_SERVICE", alice);
  auto* set = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(set);
  BOOST_TEST(!set->remove);
  BOOST_TEST(!set->is_replication);
  BOOST_TEST((set->value == instance_status::out_of_service));
  BOOST_TEST((p.action->value == instance_status::out_of_service));

  p = plan("DELETE", "/admin/api/apps/order/i-1/status", alice);
  auto* del = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(del);
  BOOST_TEST(del->remove);
  BOOST_TEST(!p.action->value);
  p = plan("DELETE", "/admin/api/apps/order/i-1/status?value=UP", alice);
  BOOST_TEST((std::get<status_cmd>(p.call).value == instance_status::up));
  BOOST_TEST((p.action->value == instance_status::up));

  for (auto target : {"/admin/api/apps/order/i-1/status", "/admin/api/apps/order/i-1/status?value=",
                      "/admin/api/apps/order/i-1/status?value=up",
                      "/admin/api/apps/order/i-1/status?value=SLEEPING"}) {
    BOOST_TEST_CONTEXT(target) {
      p = plan("PUT", target, alice);
      BOOST_REQUIRE(p.immediate);
      BOOST_TEST(p.immediate->status == 400u);
      BOOST_TEST(p.immediate->content_type == "application/json; charset=utf-8");
      BOOST_TEST(!p.action);
      BOOST_TEST(p.audit.find("to alice") != std::string::npos, p.audit);
    }
  }
  check_json_error(plan("DELETE", "/admin/api/apps/order/i-1/status?value=NOPE", alice), 400,
                   "invalid status value");
}

BOOST_FIXTURE_TEST_CASE(admin_errors_are_json, plan_fixture) {
  check_json_error(plan("GET", "/admin/api/nope"), 404, "no such endpoint");
  auto p = plan("POST", "/admin/api/apps");
  check_json_error(p, 405, "method not allowed");
  BOOST_TEST(p.immediate->allow == "GET, HEAD");
  check_json_error(plan("GET", "/admin/api/apps/a/%zz"), 400, "malformed percent-encoding in path");
  // Other paths keep their bodiless answers.
  p = plan("GET", "/nope");
  BOOST_TEST(p.immediate->status == 404u);
  BOOST_TEST(p.immediate->body.empty());
}

BOOST_FIXTURE_TEST_CASE(console_files, plan_fixture) {
  const auto* page = find_console_asset("/");
  BOOST_REQUIRE(page);
  auto p = plan("GET", "/");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 200u);
  BOOST_TEST(p.immediate->content_type == std::string{page->content_type});
  BOOST_TEST(p.immediate->cache_control == "no-cache");
  BOOST_TEST(p.immediate->body.str() == std::string{page->body});
  BOOST_TEST(p.immediate->content_encoding.empty());
  if (!page->gzip_body.empty()) {
    request_view v;
    v.method = "GET";
    v.target = "/";
    v.accept_encoding = "gzip, deflate";
    p = plan_request(v, cfg, auth, now);
    BOOST_TEST(p.immediate->content_encoding == "gzip");
    BOOST_TEST(p.immediate->body.str() == std::string{page->gzip_body});
  }
  BOOST_TEST(plan("HEAD", "/").immediate->head_only);
  p = plan("GET", "/console/no-such-file.js");
  BOOST_TEST(p.immediate->status == 404u);
  // Console files are public (they hold no data), even with reads closed.
  with_users(false);
  BOOST_TEST(plan("GET", "/").immediate->status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(admin_replies)

BOOST_AUTO_TEST_CASE(action_answers_and_log_lines) {
  admin_action cancel{route_id::admin_cancel, "alice", "ORDER", "i-1", std::nullopt};
  auto r = respond_admin_action(cancel, write_reply{write_outcome::ok, caf::none});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.cache_control == "no-store");
  BOOST_TEST(r.body.str() == R"({"result": "deregistered", "app": "ORDER", "id": "i-1"})");
  BOOST_TEST(admin_action_log(cancel, write_reply{write_outcome::ok, caf::none})
             == "admin: alice deregistered ORDER/i-1");
  r = respond_admin_action(cancel, write_reply{write_outcome::not_found, caf::none});
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.body.str() == R"({"error": "no such instance"})");
  BOOST_TEST(admin_action_log(cancel, write_reply{write_outcome::not_found, caf::none})
             == "admin: deregistration of ORDER/i-1 by alice failed: no such instance");

  admin_action set{route_id::admin_status_update, "alice", "ORDER", "i\n1",
                   instance_status::out_of_service};
  r = respond_admin_action(set, write_reply{});
  BOOST_TEST(r.body.str()
             == R"({"result": "status override set to OUT_OF_SERVICE", "app": "ORDER", )"
                R"("id": "i\n1"})");
  BOOST_TEST(admin_action_log(set, write_reply{})
             == "admin: alice set the status override of ORDER/i\\x0a1 to OUT_OF_SERVICE");

  admin_action remove{route_id::admin_status_delete, "alice", "ORDER", "i-1", std::nullopt};
  BOOST_TEST(respond_admin_action(remove, write_reply{}).body.str()
             == R"({"result": "status override removed", "app": "ORDER", "id": "i-1"})");
  remove.value = instance_status::up;
  BOOST_TEST(respond_admin_action(remove, write_reply{}).body.str()
             == R"({"result": "status override removed, status set to UP", "app": "ORDER", )"
                R"("id": "i-1"})");
  BOOST_TEST(admin_action_log(remove, write_reply{})
             == "admin: alice removed the status override of ORDER/i-1 (status UP)");
}

BOOST_AUTO_TEST_CASE(admin_reads_answer_json) {
  auto body = std::make_shared<const std::string>("{}");
  auto r = respond_read(route_id::admin_instance, read_reply{read_outcome::ok, body, false},
                        payload_format::json);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.content_type == "application/json; charset=utf-8");
  BOOST_TEST(r.cache_control == "no-store");
  r = respond_read(route_id::admin_apps, read_reply{read_outcome::ok, body, true},
                   payload_format::json);
  BOOST_TEST(r.content_encoding == "gzip");
  r = respond_read(route_id::admin_instance, read_reply{read_outcome::not_found, {}, false},
                   payload_format::json);
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.body.str() == R"({"error": "no such instance"})");
  // The Eureka API's 404 stays bodiless.
  r = respond_read(route_id::instance, read_reply{read_outcome::not_found, {}, false},
                   payload_format::json);
  BOOST_TEST(r.status == 404u);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.cache_control.empty());
}

BOOST_AUTO_TEST_SUITE_END()
