// Hostile input over HTTP that must be refused whole (issue 6): bodies the
// codecs must not half-read.
#define BOOST_TEST_MODULE http_input
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace http_test;

namespace {

/// A complete XML registration of APP whose instanceId and one metadata value
/// are written verbatim (references and all).
std::string registration_xml(const std::string& id_text, const std::string& meta_text = "v") {
  return "<instance>\n  <instanceId>" + id_text
         + "</instanceId>\n  <hostName>h</hostName>\n  <app>APP</app>\n"
           "  <ipAddr>10.0.0.1</ipAddr>\n  <status>UP</status>\n"
           "  <port enabled=\"true\">8080</port>\n"
           "  <dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">\n"
           "    <name>MyOwn</name>\n  </dataCenterInfo>\n"
           "  <metadata>\n    <k>"
         + meta_text + "</k>\n  </metadata>\n</instance>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(xml_characters)

// Item 9: `&#0;` was decoded to NUL and `n&#0;ul` registered as "n".
BOOST_FIXTURE_TEST_CASE(references_to_characters_xml_cannot_carry_are_400, node_fixture) {
  const std::pair<std::string, std::string> bodies[] = {
      {"n&#0;ul", "v"},    {"n&#x1;ul", "v"},       {"n", "v&#xFFFE;"}, {"n", "&#xD800;"},
      {"n", "&#x110000;"}, {"n&#4294967406;", "v"}, {"n\x01ul", "v"}, // raw, too
  };
  for (const auto& [id, meta] : bodies) {
    BOOST_TEST_CONTEXT("instanceId " << id << ", metadata " << meta) {
      auto r = register_xml("APP", registration_xml(id, meta));
      BOOST_TEST(r.status == 400u);
      BOOST_TEST(r.header("content-type") == xml_type);
      BOOST_TEST(r.body == "<error><message>cannot parse request body</message></error>");
      BOOST_TEST(get("/eureka/apps/APP").status == 404u);
      BOOST_TEST(get("/eureka/apps/APP/n").status == 404u);
      BOOST_TEST(apps_json() == empty_apps_json);
    }
  }
}

BOOST_FIXTURE_TEST_CASE(legal_references_still_register, node_fixture) {
  auto r = register_xml("APP", registration_xml("n&#x41;&#233;&#x1F600;", "a&#9;b"));
  BOOST_TEST_REQUIRE(r.status == 204u, r.body);
  auto x = parse_instance_json(get("/eureka/apps/APP/nA%C3%A9%F0%9F%98%80").body);
  BOOST_TEST(x.metadata["k"] == "a\tb");
}

BOOST_AUTO_TEST_SUITE_END()
