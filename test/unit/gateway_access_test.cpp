// Who may do what on the Eureka API (docs/security.md, "Users and roles"):
// the roles of eureka.auth.users, what each includes, and the access table
// request_plan applies with eureka.auth.enabled, without sockets.
#define BOOST_TEST_MODULE gateway_access
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "common/base64.hpp"
#include "common/password_hash.hpp"
#include "http_gateway/auth.hpp"
#include "http_gateway/request_plan.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

/// One cheap hash for every user: the rules do not depend on the cost.
const std::string& hash_text() {
  static const std::string text = [] {
    auto h = hash_password("pw", min_password_iterations);
    BOOST_REQUIRE(h);
    return format_password_hash(*h);
  }();
  return text;
}

std::string basic(std::string_view user, std::string_view password = "pw") {
  return "Basic " + base64_encode(std::string{user} + ":" + std::string{password});
}

/// The users of every case below.
auth_config users() {
  auto h = hash_text();
  auto parsed = parse_users("reader:read:" + h + ",orders:read+register=order|Billing:" + h
                            + ",writer:register:" + h + ",root:admin:" + h + ",peer:peer:" + h);
  BOOST_REQUIRE_MESSAGE(parsed.error.empty(), parsed.error);
  auth_config cfg;
  cfg.users = std::move(parsed.users);
  return cfg;
}

bool has_line(const std::vector<std::string>& lines, std::string_view text) {
  for (const auto& l : lines)
    if (l.find(text) != std::string::npos)
      return true;
  return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(roles)

BOOST_AUTO_TEST_CASE(each_role_includes_what_the_docs_say) {
  auto cfg = users();
  const auto& u = cfg.users;
  BOOST_REQUIRE(u.size() == 5u);
  // reader
  BOOST_TEST(u[0].may(role::read));
  BOOST_TEST(!u[0].may(role::register_instances));
  BOOST_TEST(!u[0].may_write("ORDER"));
  // orders: its two applications only, upper-cased as routes are.
  BOOST_TEST(u[1].may(role::read));
  BOOST_TEST(u[1].may_write("ORDER"));
  BOOST_TEST(u[1].may_write("BILLING"));
  BOOST_TEST(!u[1].may_write("PAYMENT"));
  BOOST_TEST(!u[1].may_write("order"));
  BOOST_TEST(!u[1].may(role::admin));
  // writer: register alone does not read.
  BOOST_TEST(!u[2].may(role::read));
  BOOST_TEST(u[2].may_write("ANY"));
  // root: admin includes read and register, not peer.
  BOOST_TEST(u[3].may(role::read));
  BOOST_TEST(u[3].may(role::register_instances));
  BOOST_TEST(u[3].may_write("ANY"));
  BOOST_TEST(!u[3].may(role::peer));
  // peer: includes read only.
  BOOST_TEST(u[4].may(role::peer));
  BOOST_TEST(u[4].may(role::read));
  BOOST_TEST(!u[4].may_write("ANY"));
  BOOST_TEST(!u[4].may(role::admin));
  BOOST_TEST(cfg.has_admin());
  BOOST_TEST(!auth_config{}.has_admin());
}

BOOST_AUTO_TEST_CASE(the_text_form_round_trips) {
  auto cfg = users();
  auto text = format_users(cfg.users);
  BOOST_TEST(text.find("orders:read+register=ORDER|BILLING:") != std::string::npos, text);
  BOOST_TEST(text.find("writer:register:") != std::string::npos, text);
  auto again = parse_users(text);
  BOOST_REQUIRE_MESSAGE(again.error.empty(), again.error);
  BOOST_REQUIRE(again.users.size() == cfg.users.size());
  for (size_t i = 0; i < cfg.users.size(); ++i) {
    BOOST_TEST(again.users[i].roles == cfg.users[i].roles);
    BOOST_TEST(again.users[i].register_apps == cfg.users[i].register_apps);
  }
}

BOOST_AUTO_TEST_CASE(malformed_roles_are_named) {
  auto h = hash_text();
  struct bad_case {
    std::string text;
    std::string reason;
  };
  std::vector<bad_case> cases{
      {"a:peer=ORDER:" + h, "entry 1 (a): only register takes applications"},
      {"a:register=:" + h, "register=: '' is not an application name"},
      {"a:register=ORDER|:" + h, "register=: '' is not an application name"},
      {"a:register=OR DER:" + h, "register=: 'OR DER' is not an application name"},
      {"a:read+read:" + h, "entry 1 (a): role 'read' is listed twice"},
      {"a:register+register=X:" + h, "role 'register' is listed twice"},
      {"a:writer:" + h, "unknown role 'writer'"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      auto r = parse_users(c.text);
      BOOST_TEST(r.users.empty());
      BOOST_TEST(r.error.find(c.reason) != std::string::npos, r.error);
      BOOST_TEST(r.error.find(h.substr(14)) == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(eureka_api_access)

struct plan_fixture {
  gateway_config cfg;
  authenticator auth;
  int64_t now = 1000;

  plan_fixture() {
    cfg.auth = users();
    cfg.auth.enabled = true;
    // Wrong passwords cost a check each; the bound has its own case.
    cfg.auth.max_password_checks_per_second = 100000;
    cfg.cluster.node_id = "node-1";
  }

  request_plan plan(std::string_view method, std::string_view target,
                    std::string_view authorization = {}, std::string_view replication = {},
                    std::string_view body = {}) {
    request_view v;
    v.method = method;
    v.target = target;
    v.authorization = authorization;
    v.replication = replication;
    v.body = body;
    v.content_type = body.empty() ? "" : "application/json";
    return plan_request(v, cfg, auth, now);
  }
};

/// Planned: no immediate answer but a call, or an answer the route gives
/// (E14's 415 for an empty body, cluster/node's 200, /health).
bool admitted(const request_plan& p) {
  if (!p.immediate)
    return !std::holds_alternative<std::monostate>(p.call);
  return p.immediate->status != 401 && p.immediate->status != 403 && p.immediate->status != 429;
}

void check_refused(const request_plan& p, unsigned status, std::string_view reason) {
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == status);
  BOOST_TEST(p.immediate->body.str() == reason);
  if (status == 401)
    BOOST_TEST(p.immediate->www_authenticate == R"(Basic realm="eureka", charset="UTF-8")");
  else
    BOOST_TEST(p.immediate->www_authenticate.empty());
  BOOST_TEST(std::holds_alternative<std::monostate>(p.call));
  // A throttled check says so instead (its own warning, asserted where needed).
  if (status != 429)
    BOOST_TEST(p.warning.find("refused ") == 0u, p.warning);
}

struct route_case {
  const char* method;
  const char* target;
};

const route_case reads[] = {
    {"GET", "/eureka/apps"},
    {"GET", "/eureka/apps/delta"},
    {"GET", "/eureka/apps/ORDER"},
    {"GET", "/eureka/apps/ORDER/i-1"},
    {"GET", "/eureka/instances/i-1"},
    {"GET", "/eureka/vips/order"},
    {"GET", "/eureka/svips/order"},
    {"GET", "/eureka/status"},
    {"GET", "/eureka/serverinfo/statusoverrides"},
    {"GET", "/metrics"},
    {"HEAD", "/eureka/apps"},
};

/// Writes of instances of ORDER (the register routes but E4, whose body
/// is checked after access: see registration_is_checked_after_access).
const route_case order_writes[] = {
    {"PUT", "/eureka/apps/ORDER/i-1"},
    {"DELETE", "/eureka/apps/ORDER/i-1"},
    {"PUT", "/eureka/apps/ORDER/i-1/status?value=OUT_OF_SERVICE"},
    {"DELETE", "/eureka/apps/ORDER/i-1/status"},
    {"PUT", "/eureka/apps/ORDER/i-1/metadata?zone=a"},
};

const route_case always_open[] = {
    {"GET", "/health"},         {"GET", "/ready"},        {"GET", "/"},
    {"GET", "/eureka/nowhere"}, {"POST", "/eureka/apps"},
};

BOOST_FIXTURE_TEST_CASE(off_by_default_everything_is_open, plan_fixture) {
  cfg.auth.enabled = false;
  for (auto& c : reads)
    BOOST_TEST(admitted(plan(c.method, c.target)), c.target);
  for (auto& c : order_writes) {
    BOOST_TEST(admitted(plan(c.method, c.target)), c.target);
    BOOST_TEST(admitted(plan(c.method, c.target, {}, "true")), c.target);
  }
  BOOST_TEST(admitted(plan("POST", "/eureka/peerreplication/batch")));
  BOOST_TEST(admitted(plan("GET", "/eureka/cluster/node")));
  // Credentials are not even looked at.
  BOOST_TEST(admitted(plan("GET", "/eureka/apps", "Basic %%%")));
  BOOST_TEST(auth.password_checks() == 0u);
}

BOOST_FIXTURE_TEST_CASE(reads_need_the_read_role, plan_fixture) {
  for (auto& c : reads) {
    BOOST_TEST_CONTEXT(c.method << " " << c.target) {
      auto p = plan(c.method, c.target);
      check_refused(p, 401, "credentials needed");
      BOOST_TEST(p.immediate->head_only == (std::string_view{c.method} == "HEAD"));
      check_refused(plan(c.method, c.target, basic("reader", "guess")), 401, "wrong credentials");
      check_refused(plan(c.method, c.target, basic("nobody")), 401, "wrong credentials");
      check_refused(plan(c.method, c.target, "Bearer abc"), 401, "wrong credentials");
      for (auto user : {"reader", "orders", "root", "peer"})
        BOOST_TEST(admitted(plan(c.method, c.target, basic(user))), user);
      check_refused(plan(c.method, c.target, basic("writer")), 403, "the read role is needed");
    }
  }
}

BOOST_FIXTURE_TEST_CASE(reads_without_auth_when_asked, plan_fixture) {
  cfg.auth.read_without_auth = true;
  for (auto& c : reads) {
    BOOST_TEST(admitted(plan(c.method, c.target)), c.target);
    BOOST_TEST(admitted(plan(c.method, c.target, basic("writer"))), c.target);
    // Wrong credentials are still refused: the client learns at its first fetch.
    check_refused(plan(c.method, c.target, basic("reader", "guess")), 401, "wrong credentials");
  }
  // Writes still need their role.
  check_refused(plan("PUT", "/eureka/apps/ORDER/i-1"), 401, "credentials needed");
}

BOOST_FIXTURE_TEST_CASE(writes_need_register_for_the_application, plan_fixture) {
  for (auto& c : order_writes) {
    BOOST_TEST_CONTEXT(c.method << " " << c.target) {
      check_refused(plan(c.method, c.target), 401, "credentials needed");
      check_refused(plan(c.method, c.target, basic("reader")), 403, "the register role is needed");
      check_refused(plan(c.method, c.target, basic("peer")), 403, "the register role is needed");
      for (auto user : {"orders", "writer", "root"})
        BOOST_TEST(admitted(plan(c.method, c.target, basic(user))), user);
      std::string other = c.target;
      other.replace(other.find("ORDER"), 5, "PAYMENT");
      check_refused(plan(c.method, other, basic("orders")), 403,
                    "the register role for application PAYMENT is needed");
      BOOST_TEST(admitted(plan(c.method, other, basic("writer"))));
      BOOST_TEST(admitted(plan(c.method, other, basic("root"))));
    }
  }
  // The application as routed: lower case in the path is the same one.
  BOOST_TEST(admitted(plan("PUT", "/eureka/apps/billing/i-1", basic("orders"))));
}

BOOST_FIXTURE_TEST_CASE(registration_is_checked_after_access, plan_fixture) {
  auto body = R"({"instance": {"instanceId": "i-1", "hostName": "h", "app": "ORDER",
    "ipAddr": "10.0.0.1", "status": "UP", "dataCenterInfo": {"@class":
    "com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo", "name": "MyOwn"}}})";
  check_refused(plan("POST", "/eureka/apps/ORDER", {}, {}, body), 401, "credentials needed");
  check_refused(plan("POST", "/eureka/apps/ORDER", basic("reader"), {}, body), 403,
                "the register role is needed");
  // Refused before the body is read: a malformed one gets the same answer.
  check_refused(plan("POST", "/eureka/apps/ORDER", basic("reader"), {}, "{"), 403,
                "the register role is needed");
  auto p = plan("POST", "/eureka/apps/ORDER", basic("orders"), {}, body);
  BOOST_TEST(std::holds_alternative<register_cmd>(p.call));
  check_refused(plan("POST", "/eureka/apps/PAYMENT", basic("orders"), {}, body), 403,
                "the register role for application PAYMENT is needed");
}

BOOST_FIXTURE_TEST_CASE(replication_needs_the_peer_role, plan_fixture) {
  auto marked = "the peer role is needed for a write marked x-netflix-discovery-replication: true";
  for (auto& c : order_writes) {
    BOOST_TEST_CONTEXT(c.method << " " << c.target) {
      check_refused(plan(c.method, c.target, {}, "true"), 401, "credentials needed");
      for (auto user : {"orders", "writer", "root", "reader"})
        check_refused(plan(c.method, c.target, basic(user), "true"), 403, marked);
      BOOST_TEST(admitted(plan(c.method, c.target, basic("peer"), "true")));
      // The header's other values are not a replication mark.
      BOOST_TEST(admitted(plan(c.method, c.target, basic("orders"), "false")));
    }
  }
  auto p = plan("PUT", "/eureka/apps/ORDER/i-1", basic("peer"), "true");
  auto* renew = std::get_if<renew_cmd>(&p.call);
  BOOST_REQUIRE(renew);
  BOOST_TEST(renew->is_replication);
  for (auto target : {"/eureka/peerreplication/batch", "/eureka/cluster/node"}) {
    auto method = std::string_view{target}.find("batch") != std::string_view::npos ? "POST" : "GET";
    BOOST_TEST_CONTEXT(target) {
      check_refused(plan(method, target), 401, "credentials needed");
      for (auto user : {"orders", "root", "reader"})
        check_refused(plan(method, target, basic(user)), 403, "the peer role is needed");
      BOOST_TEST(admitted(plan(method, target, basic("peer"))));
    }
  }
  auto node = plan("GET", "/eureka/cluster/node", basic("peer"));
  BOOST_REQUIRE(node.immediate);
  BOOST_TEST(node.immediate->status == 200u);
}

BOOST_FIXTURE_TEST_CASE(probes_and_the_console_stay_open, plan_fixture) {
  for (auto& c : always_open)
    BOOST_TEST(admitted(plan(c.method, c.target)), c.target);
  BOOST_TEST(plan("GET", "/health").immediate->status == 200u);
  BOOST_TEST(std::holds_alternative<ready_call>(plan("GET", "/ready").call));
  BOOST_TEST(plan("GET", "/eureka/nowhere").immediate->status == 404u);
  BOOST_TEST(auth.password_checks() == 0u);
}

BOOST_FIXTURE_TEST_CASE(password_checks_are_bounded, plan_fixture) {
  cfg.auth.max_password_checks_per_second = 2;
  check_refused(plan("GET", "/eureka/apps", basic("reader", "a")), 401, "wrong credentials");
  BOOST_TEST(admitted(plan("GET", "/eureka/apps", basic("reader"))));
  auto p = plan("GET", "/eureka/apps", basic("reader", "b"));
  check_refused(p, 429, "too many authentication attempts");
  BOOST_TEST(p.warning.find("eureka.auth.max-password-checks-per-second") != std::string::npos,
             p.warning);
  // Verified credentials are remembered: no check needed (403, not 429).
  check_refused(plan("PUT", "/eureka/apps/ORDER/i-1", basic("reader")), 403,
                "the register role is needed");
  BOOST_TEST(auth.password_checks() == 2u);
  now += 1000;
  BOOST_TEST(admitted(plan("GET", "/eureka/apps", basic("orders"))));
}

BOOST_FIXTURE_TEST_CASE(refusals_say_who_and_what, plan_fixture) {
  auto p = plan("DELETE", "/eureka/apps/PAYMENT/i-9", basic("orders"));
  BOOST_TEST(p.warning
                 == "refused cancel of PAYMENT/i-9 to orders: the register role for application "
                    "PAYMENT is needed (403)",
             p.warning);
  p = plan("GET", "/eureka/apps", basic("mallory\n", "x"));
  BOOST_TEST(p.warning.find("to mallory\\x0a (wrong credentials): wrong credentials (401)")
                 != std::string::npos,
             p.warning);
  p = plan("GET", "/eureka/apps");
  BOOST_TEST(p.warning == "refused apps_full to anonymous: credentials needed (401)", p.warning);
}

BOOST_FIXTURE_TEST_CASE(admin_api_reads_follow_both_switches, plan_fixture) {
  // eureka.admin.read-without-auth (true by default) alone no longer opens
  // the admin API's reads once the Eureka API needs credentials.
  BOOST_TEST(plan("GET", "/admin/api/apps").immediate->status == 401u);
  BOOST_TEST(admitted(plan("GET", "/admin/api/apps", basic("reader"))));
  BOOST_TEST(plan("GET", "/admin/api/apps", basic("writer")).immediate->status == 403u);
  cfg.auth.read_without_auth = true;
  BOOST_TEST(admitted(plan("GET", "/admin/api/apps")));
  cfg.admin.read_without_auth = false;
  BOOST_TEST(plan("GET", "/admin/api/apps").immediate->status == 401u);
  // Actions: the admin role, as before.
  BOOST_TEST(plan("DELETE", "/admin/api/apps/ORDER/i-1", basic("orders")).immediate->status
             == 403u);
  BOOST_TEST(plan("DELETE", "/admin/api/apps/ORDER/i-1", basic("root")).action.has_value());
  auto session = plan("GET", "/admin/api/session", basic("peer"));
  BOOST_REQUIRE(session.immediate);
  BOOST_TEST(session.immediate->body.str().find(R"("roles": ["read", "peer"])")
                 != std::string::npos,
             session.immediate->body.str());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(start_up_log)

BOOST_AUTO_TEST_CASE(loopback_addresses) {
  for (auto a : {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost"})
    BOOST_TEST(loopback_address(a), a);
  for (auto a : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "eureka.local", ""})
    BOOST_TEST(!loopback_address(a), a);
}

BOOST_AUTO_TEST_CASE(open_beyond_loopback_is_a_warning) {
  admin_config admin;
  auto s = summarize_access(auth_config{}, admin, "0.0.0.0", 8761, false);
  BOOST_TEST(has_line(s.info, "Eureka API: no authentication"));
  BOOST_TEST(has_line(s.warnings, "the Eureka API listens on 0.0.0.0:8761 without "
                                  "authentication: anyone who reaches the port can register"));
  s = summarize_access(auth_config{}, admin, "127.0.0.1", 8761, false);
  BOOST_TEST(s.warnings.empty());
  auto on = users();
  on.enabled = true;
  s = summarize_access(on, admin, "0.0.0.0", 8761, true);
  BOOST_TEST(s.warnings.empty());
  // Passwords over plain HTTP beyond this machine.
  s = summarize_access(on, admin, "0.0.0.0", 8761, false);
  BOOST_TEST(has_line(s.warnings, "takes passwords over plain HTTP"));
  BOOST_TEST(s.warnings.size() == 1u);
  BOOST_TEST(summarize_access(on, admin, "127.0.0.1", 8761, false).warnings.empty());
  BOOST_TEST(has_line(s.info, "Eureka API: basic authentication on for 5 user(s) (3 may "
                              "register, 1 peer(s)); reads need the read role"));
  // Without a peer, Java servers' batches would be refused.
  on.users.pop_back();
  s = summarize_access(on, admin, "0.0.0.0", 8761, true);
  BOOST_TEST(has_line(s.warnings, "no user has the peer role"));
}

BOOST_AUTO_TEST_SUITE_END()
