// The admin API's state documents and the registry's /metrics figures
// against a real node (docs/admin-api.md, docs/metrics.md): what the
// actors report (admin_atom) reaches GET /admin/api/actors,
// GET /admin/api/overview and GET /metrics.
#define BOOST_TEST_MODULE http_admin_state
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>
#include <simdjson.h>

using namespace http_test;

namespace {

const std::string admin_type = "application/json; charset=utf-8";

instance_spec spec(std::string app, std::string id, std::string status) {
  instance_spec s;
  s.app = std::move(app);
  s.instance_id = id;
  s.host = id;
  s.status = std::move(status);
  return s;
}

/// Registers ORDER (one UP, one DOWN) and PAY (one UP).
void register_three(node_fixture& f) {
  BOOST_REQUIRE(f.register_json("ORDER", instance_json(spec("ORDER", "o1", "UP"))).status == 204u);
  BOOST_REQUIRE(f.register_json("ORDER", instance_json(spec("ORDER", "o2", "DOWN"))).status
                == 204u);
  BOOST_REQUIRE(f.register_json("PAY", instance_json(spec("PAY", "p1", "UP"))).status == 204u);
}

/// GET an admin document: 200, JSON, never cached; the parsed document.
simdjson::dom::element get_admin(node_fixture& f, simdjson::dom::parser& parser,
                                 std::string_view target, std::string& body) {
  auto r = f.get(target, "");
  BOOST_TEST_REQUIRE(r.status == 200u, target << ": " << r.body);
  BOOST_TEST(r.header("content-type") == admin_type);
  BOOST_TEST(r.header("cache-control") == "no-store");
  body = r.body;
  simdjson::dom::element doc;
  auto err = parser.parse(body).get(doc);
  BOOST_TEST_REQUIRE(!err, target << " is not JSON: " << body);
  return doc;
}

int64_t num(simdjson::dom::element e, std::string_view path) {
  int64_t v = -1;
  auto err = e.at_pointer(path).get(v);
  BOOST_TEST(!err, "no integer at " << path);
  return v;
}

bool flag(simdjson::dom::element e, std::string_view path) {
  bool v = false;
  auto err = e.at_pointer(path).get(v);
  BOOST_TEST(!err, "no boolean at " << path);
  return v;
}

std::string str(simdjson::dom::element e, std::string_view path) {
  std::string_view v;
  auto err = e.at_pointer(path).get(v);
  BOOST_TEST(!err, "no string at " << path);
  return std::string{v};
}

bool is_null(simdjson::dom::element e, std::string_view path) {
  simdjson::dom::element v;
  return !e.at_pointer(path).get(v) && v.is_null();
}

} // namespace

BOOST_FIXTURE_TEST_CASE(actors_lists_each_registry_actor_and_the_eviction_actor, node_fixture) {
  register_three(*this);
  simdjson::dom::parser parser;
  std::string body;
  auto doc = get_admin(*this, parser, "/admin/api/actors", body);
  BOOST_TEST_CONTEXT(body) {
    BOOST_TEST(num(doc, "/directory/applications") == 2);
    BOOST_TEST(num(doc, "/directory/instances") == 3);
    BOOST_TEST(num(doc, "/directory/registrations_total") == 3);
    BOOST_TEST(num(doc, "/directory/load/messages_total") > 0);
    // One registry actor per application, sorted by name, with its leases.
    simdjson::dom::array registries;
    BOOST_TEST_REQUIRE(!doc.at_pointer("/registries").get(registries));
    BOOST_TEST_REQUIRE(registries.size() == 2u);
    BOOST_TEST(str(doc, "/registries/0/app") == "ORDER");
    BOOST_TEST(num(doc, "/registries/0/instances") == 2);
    BOOST_TEST(num(doc, "/registries/0/status_counts/UP") == 1);
    BOOST_TEST(num(doc, "/registries/0/status_counts/DOWN") == 1);
    BOOST_TEST(num(doc, "/registries/0/registrations_total") == 2);
    BOOST_TEST(str(doc, "/registries/1/app") == "PAY");
    BOOST_TEST(num(doc, "/registries/1/instances") == 1);
    BOOST_TEST(num(doc, "/registries/1/status_counts/UP") == 1);
    BOOST_TEST(num(doc, "/registries_unanswered") == 0);
    // The eviction actor, as configured (test_node_config: self-preservation off).
    BOOST_TEST(!flag(doc, "/eviction/self_preservation_enabled"));
    BOOST_TEST(!flag(doc, "/eviction/self_preservation_active"));
    BOOST_TEST(num(doc, "/eviction/load/mailbox_depth") >= 0);
    // No peers configured: no replication actor.
    BOOST_TEST(is_null(doc, "/replication"));
    // The gateway's own figures, the registrations counted by route.
    BOOST_TEST(num(doc, "/gateway/connections_open") >= 1);
    BOOST_TEST(flag(doc, "/gateway/accepting"));
    bool registrations_counted = false;
    simdjson::dom::array requests;
    BOOST_TEST_REQUIRE(!doc.at_pointer("/gateway/requests").get(requests));
    for (auto r : requests)
      if (str(r, "/route") == "register" && num(r, "/code") == 204 && num(r, "/count") == 3)
        registrations_counted = true;
    BOOST_TEST(registrations_counted);
  }
}

BOOST_FIXTURE_TEST_CASE(overview_shows_the_dashboard_figures, node_fixture) {
  register_three(*this);
  simdjson::dom::parser parser;
  std::string body;
  auto doc = get_admin(*this, parser, "/admin/api/overview", body);
  BOOST_TEST_CONTEXT(body) {
    BOOST_TEST(str(doc, "/node/host") == "testnode");
    BOOST_TEST(num(doc, "/node/port") == port());
    BOOST_TEST(is_null(doc, "/node/node_id"));
    BOOST_TEST(num(doc, "/node/current_time_ms") >= num(doc, "/node/started_ms"));
    BOOST_TEST(num(doc, "/registry/applications") == 2);
    BOOST_TEST(num(doc, "/registry/instances") == 3);
    BOOST_TEST(num(doc, "/registry/status_counts/UP") == 2);
    BOOST_TEST(num(doc, "/registry/status_counts/DOWN") == 1);
    BOOST_TEST(num(doc, "/registry/status_counts/OUT_OF_SERVICE") == 0);
    BOOST_TEST(!flag(doc, "/registry/self_preservation_enabled"));
    BOOST_TEST(!flag(doc, "/registry/self_preservation_active"));
    // Self-preservation off and no renewals: at or below any threshold.
    BOOST_TEST(str(doc, "/registry/banner").rfind("RENEWALS ARE LESSER THAN THE THRESHOLD.", 0)
               == 0u);
    simdjson::dom::array replicas;
    BOOST_TEST_REQUIRE(!doc.at_pointer("/replicas").get(replicas));
    BOOST_TEST(replicas.size() == 0u);
    BOOST_TEST(str(doc, "/general/registered-instances") == "3");
    BOOST_TEST(flag(doc, "/ready"));
    BOOST_TEST(str(doc, "/base_paths/0") == "/eureka");
  }
}

BOOST_FIXTURE_TEST_CASE(metrics_carry_the_registry_figures, node_fixture) {
  register_three(*this);
  auto m = metrics();
  BOOST_TEST_CONTEXT(m) {
    BOOST_TEST(metric_value(m, "eureka_registry_applications") == 2);
    BOOST_TEST(metric_value(m, "eureka_registry_instances", R"(app="ORDER",status="UP")") == 1);
    BOOST_TEST(metric_value(m, "eureka_registry_instances", R"(app="ORDER",status="DOWN")") == 1);
    BOOST_TEST(metric_value(m, "eureka_registry_instances", R"(app="PAY",status="UP")") == 1);
    BOOST_TEST(metric_value(m, "eureka_registry_registrations_total") == 3);
    BOOST_TEST(metric_value(m, "eureka_registry_self_preservation_active") == 0);
    BOOST_TEST(metric_value(m, "eureka_eviction_sweeps_total") >= 0);
    BOOST_TEST(metric_value(m, "eureka_actor_messages_total", R"(actor="directory")") > 0);
    BOOST_TEST(metric_value(m, "eureka_actor_mailbox_depth", R"(actor="eviction")") >= 0);
    BOOST_TEST(metric_value(m, "eureka_actor_messages_total", R"(actor="app_registry",app="ORDER")")
               > 0);
    BOOST_TEST(metric_value(m, "eureka_http_report_errors_total") == 0);
    // The gateway's figures come first, the registry's after them.
    BOOST_TEST(m.rfind("# HELP eureka_http_requests_total ", 0) == 0u);
    BOOST_TEST(m.find("# HELP eureka_http_report_errors_total")
               < m.find("# HELP eureka_registry_applications"));
  }
}
