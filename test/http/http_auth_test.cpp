// The Eureka API with eureka.auth.enabled, over HTTP (docs/security.md,
// "Users and roles"): refusals (401 with the challenge, 403) change nothing
// and keep the connection; a client with the register role for its
// application registers, renews, changes metadata and cancels; only a peer's
// replicated writes and batches are applied; probes stay open.
#define BOOST_TEST_MODULE http_auth
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>

#include "common/base64.hpp"
#include "common/password_hash.hpp"

using namespace http_test;

namespace {

const std::string challenge = R"(Basic realm="eureka", charset="UTF-8")";

header_list as(std::string_view user, std::string_view password = "pw") {
  return {{"Authorization",
           "Basic " + eureka::base64_encode(std::string{user} + ":" + std::string{password})}};
}

header_list with(header_list h, std::string name, std::string value) {
  h.emplace_back(std::move(name), std::move(value));
  return h;
}

/// orders (read, register=ORDER), reader (read), replica (peer).
eureka::node_config secured() {
  auto cfg = test_node_config();
  auto h = eureka::hash_password("pw", eureka::min_password_iterations);
  BOOST_REQUIRE(h);
  auto text = eureka::format_password_hash(*h);
  auto parsed = eureka::gateway::parse_users("orders:read+register=ORDER:" + text
                                             + ",reader:read:" + text + ",replica:peer:" + text);
  BOOST_REQUIRE_MESSAGE(parsed.error.empty(), parsed.error);
  cfg.gateway.auth.users = std::move(parsed.users);
  cfg.gateway.auth.enabled = true;
  return cfg;
}

struct secured_fixture : node_fixture {
  secured_fixture() : node_fixture(secured()) {}

  /// GET /eureka/apps as the reader.
  apps_doc apps() {
    auto r = get("/eureka/apps", "application/json", as("reader"));
    BOOST_REQUIRE_MESSAGE(r.status == 200u, "GET apps as reader: " << r.status);
    return parse_apps_json(r.body);
  }

  response register_as(std::string_view user, std::string_view app, std::string id,
                       std::string_view password = "pw") {
    instance_spec s;
    s.app = std::string{app};
    s.instance_id = std::move(id);
    return req("POST", "/eureka/apps/" + std::string{app},
               with(as(user, password), "Content-Type", "application/json"), instance_json(s));
  }
};

void check_refused(const response& r, unsigned status, std::string_view reason) {
  BOOST_TEST(r.status == status);
  BOOST_TEST(r.body == reason);
  if (status == 401)
    BOOST_TEST(r.header("www-authenticate") == challenge);
  else
    BOOST_TEST(r.header("www-authenticate").empty());
}

} // namespace

BOOST_FIXTURE_TEST_CASE(refusals_change_nothing_and_keep_the_connection, secured_fixture) {
  auto before = apps();
  instance_spec s;
  s.app = "ORDER";
  s.instance_id = "i-1";
  auto json = with({}, "Content-Type", "application/json");
  check_refused(req("POST", "/eureka/apps/ORDER", json, instance_json(s)), 401,
                "credentials needed");
  check_refused(register_as("orders", "ORDER", "i-1", "guess"), 401, "wrong credentials");
  check_refused(register_as("mallory", "ORDER", "i-1"), 401, "wrong credentials");
  check_refused(register_as("reader", "ORDER", "i-1"), 403, "the register role is needed");
  check_refused(register_as("orders", "PAYMENT", "p-1"), 403,
                "the register role for application PAYMENT is needed");
  check_refused(get("/eureka/apps", "application/json"), 401, "credentials needed");
  check_refused(get("/eureka/apps/delta", "application/json"), 401, "credentials needed");
  check_refused(req("GET", "/metrics"), 401, "credentials needed");
  // Every answer came on the one keep-alive connection.
  auto after = apps();
  BOOST_TEST(after.instance_count() == 0u);
  BOOST_TEST(after.hash == before.hash);
}

BOOST_FIXTURE_TEST_CASE(a_client_writes_its_own_application, secured_fixture) {
  BOOST_TEST(register_as("orders", "ORDER", "i-1").status == 204u);
  // The application as routed: the path's case does not matter.
  BOOST_TEST(register_as("orders", "order", "i-2").status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/ORDER/i-1", as("orders")).status == 200u);
  BOOST_TEST(req("PUT", "/eureka/apps/ORDER/i-1/metadata?zone=a", as("orders")).status == 200u);
  BOOST_TEST(req("PUT", "/eureka/apps/ORDER/i-1/status?value=OUT_OF_SERVICE", as("orders")).status
             == 200u);
  auto doc = apps();
  BOOST_REQUIRE(doc.find("i-1"));
  BOOST_TEST(doc.find("i-1")->metadata.at("zone") == "a");
  BOOST_TEST(doc.find("i-1")->status == "OUT_OF_SERVICE");
  // The reader sees it, and may not touch it.
  check_refused(req("DELETE", "/eureka/apps/ORDER/i-1", as("reader")), 403,
                "the register role is needed");
  BOOST_TEST(apps().find("i-1"));
  BOOST_TEST(req("DELETE", "/eureka/apps/ORDER/i-1", as("orders")).status == 200u);
  BOOST_TEST(!apps().find("i-1"));
  BOOST_TEST(apps().find("i-2"));
}

BOOST_FIXTURE_TEST_CASE(only_a_peer_replicates, secured_fixture) {
  BOOST_REQUIRE(register_as("orders", "ORDER", "i-1").status == 204u);
  auto marked = "the peer role is needed for a write marked x-netflix-discovery-replication: true";
  auto replicated = [](header_list h) {
    return with(std::move(h), "x-netflix-discovery-replication", "true");
  };
  check_refused(req("DELETE", "/eureka/apps/ORDER/i-1", replicated(as("orders"))), 403, marked);
  check_refused(req("PUT", "/eureka/apps/ORDER/i-1/status?value=DOWN", replicated(as("orders"))),
                403, marked);
  check_refused(req("DELETE", "/eureka/apps/ORDER/i-1", replicated({})), 401, "credentials needed");
  auto batch = std::string{R"({"replicationList": [{"appName": "ORDER", "id": "i-1", )"}
               + R"("action": "Cancel"}]})";
  auto batch_headers = with(as("orders"), "Content-Type", "application/json");
  check_refused(req("POST", "/eureka/peerreplication/batch", batch_headers, batch), 403,
                "the peer role is needed");
  BOOST_TEST(apps().find("i-1"));
  // The peer's batch is applied.
  auto peer_headers = with(as("replica"), "Content-Type", "application/json");
  auto r = req("POST", "/eureka/peerreplication/batch", peer_headers, batch);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.find(R"("statusCode":200)") != std::string::npos, r.body);
  BOOST_TEST(!apps().find("i-1"));
  // A peer cannot write as a client: register is not among its roles.
  check_refused(register_as("replica", "ORDER", "i-3"), 403, "the register role is needed");
}

BOOST_FIXTURE_TEST_CASE(probes_stay_open_and_refusals_are_counted, secured_fixture) {
  BOOST_TEST(req("GET", "/health").status == 200u);
  BOOST_TEST(req("GET", "/ready").status == 200u);
  check_refused(get("/eureka/apps", "application/json"), 401, "credentials needed");
  check_refused(req("GET", "/eureka/apps", as("reader", "guess")), 401, "wrong credentials");
  auto r = req("GET", "/metrics", as("reader"));
  BOOST_REQUIRE(r.status == 200u);
  BOOST_TEST(r.body.find(R"(eureka_http_requests_total{route="apps_full",code="401"} 2)")
                 != std::string::npos,
             r.body.substr(0, 2000));
}
