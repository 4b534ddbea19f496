// Capacity limits over HTTP (issue 6, items 6 and 8). max-applications
// counts live applications (with instances), so cancelling an application
// frees its slot at once: no wait for the delta retention, which only
// decides when an idle empty application's actor retires. max-instances
// refuses a new instance with 503 but never a re-registration.
#define BOOST_TEST_MODULE http_capacity
#include "test/http/http_support.hpp"

#include <string>

#include <boost/test/unit_test.hpp>

using namespace http_test;

namespace {

instance_spec inst(const std::string& id, const std::string& app) {
  instance_spec s;
  s.app = app;
  s.instance_id = id;
  s.host = "h-" + id;
  return s;
}

eureka::node_config limited(int32_t max_applications, int32_t max_instances) {
  auto cfg = test_node_config();
  cfg.registry.max_applications = max_applications;
  cfg.registry.max_instances = max_instances;
  return cfg;
}

struct three_applications : node_fixture {
  three_applications() : node_fixture(limited(3, 1000)) {}
};

struct three_instances : node_fixture {
  three_instances() : node_fixture(limited(1000, 3)) {}
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(capacity)

BOOST_FIXTURE_TEST_CASE(cancelled_applications_free_their_slots_at_once, three_applications) {
  // Registering and cancelling many more applications than the limit: each
  // cancelled one frees its slot for the next at once.
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 3; ++i) {
      auto app = "R" + std::to_string(round) + "A" + std::to_string(i);
      auto r = register_json(app, instance_json(inst("i" + std::to_string(i), app)));
      BOOST_REQUIRE_MESSAGE(r.status == 204u, app << ": " << r.status << " " << r.body);
    }
    for (int i = 0; i < 3; ++i) {
      auto app = "R" + std::to_string(round) + "A" + std::to_string(i);
      BOOST_REQUIRE_EQUAL(req("DELETE", "/eureka/apps/" + app + "/i" + std::to_string(i)).status,
                          200u);
    }
  }
  BOOST_TEST(apps_json() == empty_apps_json);
  BOOST_TEST(contains(get("/eureka/status").body, R"("registered-applications":"0")"));
  // Three live applications fill the registry; a fourth is refused, saying
  // which limit it hit; an existing one takes more instances.
  for (auto app : {"LIVE1", "LIVE2", "LIVE3"})
    BOOST_REQUIRE_EQUAL(register_json(app, instance_json(inst("x", app))).status, 204u);
  auto refused = register_json("LIVE4", instance_json(inst("x", "LIVE4")));
  BOOST_TEST(refused.status == 503u);
  BOOST_TEST(refused.body == "registry full: it holds the maximum number of applications");
  BOOST_TEST(register_json("LIVE1", instance_json(inst("y", "LIVE1"))).status == 204u);
  BOOST_TEST(contains(get("/eureka/status").body, R"("registered-applications":"3")"));
  BOOST_TEST(get("/eureka/apps/LIVE4").status == 404u);
  // Cancelling one application makes room for another.
  BOOST_REQUIRE_EQUAL(req("DELETE", "/eureka/apps/LIVE2/x").status, 200u);
  BOOST_TEST(register_json("LIVE4", instance_json(inst("x", "LIVE4"))).status == 204u);
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.ids() == (std::vector<std::string>{"LIVE1/x", "LIVE1/y", "LIVE3/x", "LIVE4/x"}));
}

BOOST_FIXTURE_TEST_CASE(instances_beyond_the_maximum_are_refused, three_instances) {
  for (auto id : {"i1", "i2"})
    BOOST_REQUIRE_EQUAL(register_json("APP", instance_json(inst(id, "APP"))).status, 204u);
  BOOST_REQUIRE_EQUAL(register_json("OTHER", instance_json(inst("o1", "OTHER"))).status, 204u);
  for (auto [app, id] : {std::pair{"APP", "i3"}, std::pair{"NEW", "n1"}}) {
    auto r = register_xml(app, instance_xml(inst(id, app)));
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(r.body == "registry full: it holds the maximum number of instances");
  }
  BOOST_TEST(get("/eureka/apps/APP/i3").status == 404u);
  BOOST_TEST(get("/eureka/apps/NEW").status == 404u);
  // A re-registration (e.g. a client restarting with the same id, or
  // changing its data) replaces an instance: admitted at the limit.
  auto again = inst("i1", "APP");
  again.host = "moved";
  BOOST_TEST(register_json("APP", instance_json(again)).status == 204u);
  BOOST_TEST(parse_instance_json(get("/eureka/apps/APP/i1").body).host == "moved");
  BOOST_TEST(contains(get("/eureka/status").body, R"("registered-instances":"3")"));
  // A cancellation frees a slot at once.
  BOOST_REQUIRE_EQUAL(req("DELETE", "/eureka/apps/APP/i2").status, 200u);
  BOOST_TEST(register_json("NEW", instance_json(inst("n1", "NEW"))).status == 204u);
  BOOST_TEST(parse_apps_json(apps_json()).instance_count() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
