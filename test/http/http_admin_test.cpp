// The admin API's access rules over HTTP (docs/admin-api.md, "Access" and
// "Actions"): actions refused without users, without or with wrong
// credentials, for a read-only user and from another origin, each leaving
// the registry unchanged; an admin's deregistration and overrides seen
// through the Eureka API; reads closed by read-without-auth=false.
#define BOOST_TEST_MODULE http_admin
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>

#include "common/base64.hpp"
#include "common/password_hash.hpp"
#include "http_gateway/console_assets.hpp"

using namespace http_test;

namespace {

const std::string challenge = R"(Basic realm="caf-eureka admin", charset="UTF-8")";

std::string basic(std::string_view user, std::string_view password) {
  return "Basic " + eureka::base64_encode(std::string{user} + ":" + std::string{password});
}

std::string hash_of_password(std::string_view password) {
  auto h = eureka::hash_password(password, eureka::min_password_iterations);
  BOOST_REQUIRE(h);
  return eureka::format_password_hash(*h);
}

/// alice (admin, "wonderland") and bob (read, "builder").
eureka::node_config with_users(bool read_without_auth = true) {
  auto cfg = test_node_config();
  auto parsed = eureka::gateway::parse_users("alice:admin:" + hash_of_password("wonderland")
                                             + ",bob:read:" + hash_of_password("builder"));
  BOOST_REQUIRE_MESSAGE(parsed.error.empty(), parsed.error);
  cfg.gateway.auth.users = std::move(parsed.users);
  cfg.gateway.admin.read_without_auth = read_without_auth;
  return cfg;
}

struct users_fixture : node_fixture {
  users_fixture() : node_fixture(with_users()) {}
};

struct closed_fixture : node_fixture {
  closed_fixture() : node_fixture(with_users(false)) {}
};

instance_spec order(std::string id) {
  instance_spec s;
  s.app = "ORDER";
  s.instance_id = std::move(id);
  return s;
}

/// The instance as the Eureka API shows it (status, overriddenStatus), or
/// nullopt if it is gone.
std::optional<instance_doc> eureka_view(node_fixture& f, std::string_view id) {
  auto r = f.get("/eureka/apps/ORDER/" + std::string{id});
  if (r.status == 404)
    return std::nullopt;
  BOOST_REQUIRE_MESSAGE(r.status == 200u, "GET instance: " << r.status);
  return parse_instance_json(r.body);
}

void check_json_error(const response& r, unsigned status, std::string_view reason) {
  BOOST_TEST(r.status == status);
  BOOST_TEST(r.header("content-type") == "application/json; charset=utf-8");
  BOOST_TEST(r.header("cache-control") == "no-store");
  BOOST_TEST(r.body == R"({"error": ")" + std::string{reason} + R"("})");
  if (status == 401)
    BOOST_TEST(r.header("www-authenticate") == challenge);
}

struct action {
  const char* method;
  const char* target;
};

const action actions[] = {{"DELETE", "/admin/api/apps/ORDER/i-1"},
                          {"PUT", "/admin/api/apps/ORDER/i-1/status?value=OUT_OF_SERVICE"},
                          {"DELETE", "/admin/api/apps/ORDER/i-1/status?value=DOWN"}};

/// Every action refused with `status` / `reason`, the instance untouched.
void every_action_refused(node_fixture& f, const header_list& hdrs, unsigned status,
                          std::string_view reason) {
  for (auto& a : actions) {
    BOOST_TEST_CONTEXT(a.method << " " << a.target) {
      check_json_error(f.req(a.method, a.target, hdrs), status, reason);
    }
  }
  auto x = eureka_view(f, "i-1");
  BOOST_REQUIRE_MESSAGE(x, "the instance was deregistered");
  BOOST_TEST(x->status == "UP");
  BOOST_TEST(x->overridden == "UNKNOWN");
}

} // namespace

BOOST_FIXTURE_TEST_CASE(without_users_actions_are_off, node_fixture) {
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-1"))).status == 204u);
  auto off = "actions are off: no user has the admin role (eureka.auth.users)";
  every_action_refused(*this, {}, 403, off);
  every_action_refused(*this, {{"Authorization", basic("alice", "wonderland")}}, 403, off);
  // Reads are open.
  auto r = get("/admin/api/session", "");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("cache-control") == "no-store");
  BOOST_TEST(r.body
             == R"({"user": null, "roles": [], "actions_enabled": false, )"
                R"("read_without_auth": true})");
  r = get("/admin/api/apps/order/i-1", "");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("content-type") == "application/json; charset=utf-8");
  BOOST_TEST(parse_instance_json(r.body).instance_id == "i-1");
  check_json_error(get("/admin/api/apps/ORDER/nope", ""), 404, "no such instance");
  r = get("/admin/api/apps", "application/xml"); // JSON whatever is asked
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse_apps_json(r.text()).find("i-1") != nullptr);
}

BOOST_FIXTURE_TEST_CASE(actions_need_admin_credentials, users_fixture) {
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-1"))).status == 204u);
  every_action_refused(*this, {}, 401, "credentials needed");
  every_action_refused(*this, {{"Authorization", basic("alice", "guess")}}, 401,
                       "wrong credentials");
  every_action_refused(*this, {{"Authorization", basic("mallory", "wonderland")}}, 401,
                       "wrong credentials");
  every_action_refused(*this, {{"Authorization", "Basic %%%"}}, 401, "wrong credentials");
  every_action_refused(*this, {{"Authorization", basic("bob", "builder")}}, 403,
                       "the admin role is needed");
  // Reads are open, but credentials sent must be right.
  BOOST_TEST(get("/admin/api/apps", "").status == 200u);
  check_json_error(get("/admin/api/apps", "", {{"Authorization", basic("bob", "x")}}), 401,
                   "wrong credentials");
  auto r = get("/admin/api/session", "", {{"Authorization", basic("bob", "builder")}});
  BOOST_TEST(r.body
             == R"({"user": "bob", "roles": ["read"], "actions_enabled": true, )"
                R"("read_without_auth": true})");
}

BOOST_FIXTURE_TEST_CASE(cross_origin_actions_are_refused, users_fixture) {
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-1"))).status == 204u);
  every_action_refused(
      *this, {{"Authorization", basic("alice", "wonderland")}, {"Origin", "http://evil.example"}},
      403, "cross-origin request refused");
  // The same origin as the Host header (http_support sends Host: 127.0.0.1).
  auto r = req("PUT", "/admin/api/apps/ORDER/i-1/status?value=OUT_OF_SERVICE",
               {{"Authorization", basic("alice", "wonderland")}, {"Origin", "http://127.0.0.1"}});
  BOOST_TEST(r.status == 200u, r.body);
}

BOOST_FIXTURE_TEST_CASE(an_admin_acts, users_fixture) {
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-1"))).status == 204u);
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-2"))).status == 204u);
  header_list alice{{"Authorization", basic("alice", "wonderland")}};

  auto r = req("PUT", "/admin/api/apps/order/i-1/status?value=OUT_OF_SERVICE", alice);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("cache-control") == "no-store");
  BOOST_TEST(r.body
             == R"({"result": "status override set to OUT_OF_SERVICE", "app": "ORDER", )"
                R"("id": "i-1"})");
  auto x = eureka_view(*this, "i-1");
  BOOST_REQUIRE(x);
  BOOST_TEST(x->status == "OUT_OF_SERVICE");
  BOOST_TEST(x->overridden == "OUT_OF_SERVICE");

  r = req("DELETE", "/admin/api/apps/ORDER/i-1/status", alice);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body == R"({"result": "status override removed", "app": "ORDER", "id": "i-1"})");
  x = eureka_view(*this, "i-1");
  BOOST_REQUIRE(x);
  BOOST_TEST(x->overridden == "UNKNOWN");
  BOOST_TEST(x->status == "UNKNOWN"); // until its client's next heartbeat (Eureka's rule)

  check_json_error(req("PUT", "/admin/api/apps/ORDER/i-2/status?value=SLEEPY", alice), 400,
                   "invalid status value");
  BOOST_TEST(eureka_view(*this, "i-2")->status == "UP");

  r = req("DELETE", "/admin/api/apps/ORDER/i-2", alice);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body == R"({"result": "deregistered", "app": "ORDER", "id": "i-2"})");
  BOOST_TEST(!eureka_view(*this, "i-2"));
  check_json_error(req("DELETE", "/admin/api/apps/ORDER/i-2", alice), 404, "no such instance");
  BOOST_TEST(eureka_view(*this, "i-1").has_value());

  // The session of an admin.
  r = get("/admin/api/session", "", alice);
  BOOST_TEST(
      r.body
      == R"({"user": "alice", "roles": ["admin", "read", "register"], "actions_enabled": true, )"
         R"("read_without_auth": true})");
}

BOOST_FIXTURE_TEST_CASE(reads_closed_without_credentials, closed_fixture) {
  BOOST_REQUIRE(register_json("ORDER", instance_json(order("i-1"))).status == 204u);
  for (auto target : {"/admin/api/session", "/admin/api/overview", "/admin/api/actors",
                      "/admin/api/apps", "/admin/api/apps/ORDER/i-1"}) {
    BOOST_TEST_CONTEXT(target) {
      check_json_error(get(target, ""), 401, "credentials needed");
      check_json_error(get(target, "", {{"Authorization", basic("bob", "nope")}}), 401,
                       "wrong credentials");
    }
  }
  auto r = get("/admin/api/apps/ORDER/i-1", "", {{"Authorization", basic("bob", "builder")}});
  BOOST_TEST(r.status == 200u);
  // The Eureka API itself is not affected.
  BOOST_TEST(get("/eureka/apps/ORDER/i-1").status == 200u);
}

BOOST_FIXTURE_TEST_CASE(console_page_and_unknown_files, node_fixture) {
  const auto* page = eureka::gateway::find_console_asset("/");
  BOOST_REQUIRE(page);
  auto r = get("/", "");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("content-type") == std::string{page->content_type});
  BOOST_TEST(r.header("cache-control") == "no-cache");
  BOOST_TEST(r.text() == std::string{page->body});
  BOOST_TEST(get("/console/no-such-file.js", "").status == 404u);
  r = req("DELETE", "/", {});
  BOOST_TEST(r.status == 405u);
}
