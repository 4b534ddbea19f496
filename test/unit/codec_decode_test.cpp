#define BOOST_TEST_MODULE codec_decode_test
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include "codec/instance_codec.hpp"
#include "codec_test_util.hpp"

using namespace eureka;
using namespace eureka::codec;
using namespace codec_fixtures;

namespace {

constexpr int64_t now = 1700000099999;

decode_result json(std::string_view body) {
  return decode_instance_json(body, now);
}

decode_result xml(std::string_view body) {
  return decode_instance_xml(body, now);
}

// Contract §2.3, what a Spring Cloud client POSTs (one line on the wire).
constexpr const char* spring_post =
    R"({"instance":{"instanceId":"host1:order-service:8080","app":"ORDER-SERVICE","appGroupName":null,)"
    R"("ipAddr":"10.1.2.3","sid":"na","homePageUrl":"http://host1:8080/",)"
    R"("statusPageUrl":"http://host1:8080/actuator/info","healthCheckUrl":"http://host1:8080/actuator/health",)"
    R"("secureHealthCheckUrl":null,"vipAddress":"order-service","secureVipAddress":"order-service","countryId":1,)"
    R"("dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},)"
    R"("hostName":"host1","status":"UP","overriddenStatus":"UNKNOWN",)"
    R"("leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,"registrationTimestamp":0,)"
    R"("lastRenewalTimestamp":0,"evictionTimestamp":0,"serviceUpTimestamp":0},)"
    R"("isCoordinatingDiscoveryServer":false,"lastUpdatedTimestamp":1700000000000,)"
    R"("lastDirtyTimestamp":1700000000100,"actionType":null,"asgName":null,)"
    R"("port":{"$":8080,"@enabled":"true"},"securePort":{"$":443,"@enabled":"false"},)"
    R"("metadata":{"management.port":"8080"}}})";

// What hudl/fargo POSTs by default (clients.md: empty instanceId, no class
// attribute on dataCenterInfo).
constexpr const char* fargo_xml = R"(<instance>
  <instanceId></instanceId>
  <hostName>fargo-host</hostName>
  <app>fargo-app</app>
  <ipAddr>10.0.0.7</ipAddr>
  <vipAddress>fargo-app</vipAddress>
  <status>up</status>
  <overriddenstatus>unknown</overriddenstatus>
  <port enabled="true">7101</port>
  <securePort>7102</securePort>
  <countryId>1</countryId>
  <dataCenterInfo>
    <name>MyOwn</name>
  </dataCenterInfo>
  <leaseInfo>
    <renewalIntervalInSecs>10</renewalIntervalInSecs>
    <durationInSecs>20</durationInSecs>
    <evictionDurationInSecs>99</evictionDurationInSecs>
  </leaseInfo>
  <metadata>
    <my__key>v1</my__key>
    <dollar_-key>v2</dollar_-key>
  </metadata>
</instance>)";

} // namespace

BOOST_AUTO_TEST_SUITE(round_trips)

BOOST_AUTO_TEST_CASE(json_round_trip) {
  for (const auto& x :
       {spec_host1_full(), spec_host1(), spec_host2(), spec_host3(), everything_set()}) {
    auto r = json(instance_document_json(x));
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.info == x);
    std::string unwrapped;
    append_instance_json(unwrapped, x);
    auto u = json(unwrapped);
    BOOST_TEST_REQUIRE(u.ok, u.error);
    BOOST_TEST(u.info == x);
  }
}

BOOST_AUTO_TEST_CASE(xml_round_trip) {
  for (const auto& x :
       {spec_host1_full(), spec_host1(), spec_host2(), spec_host3(), everything_set()}) {
    auto r = xml(instance_document_xml(x));
    BOOST_TEST_REQUIRE(r.ok, r.error);
    BOOST_TEST(r.info == x);
  }
}

BOOST_AUTO_TEST_CASE(metadata_keys_needing_name_coding) {
  auto x = spec_host1();
  x.metadata = {{"a_b", "1"}, {"$c$", "2"}, {"_.", "3"}, {"k\xC3\xA9_\xF0\x9F\x98\x80", "4"}};
  auto r = xml(instance_document_xml(x));
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.metadata == x.metadata);
  auto j = json(instance_document_json(x));
  BOOST_TEST_REQUIRE(j.ok, j.error);
  BOOST_TEST(j.info.metadata == x.metadata);
}

BOOST_AUTO_TEST_CASE(xml_to_json_equivalence) {
  auto x = everything_set();
  auto r = xml(instance_document_xml(x));
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(instance_document_json(r.info) == instance_document_json(x));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lenient_json)

BOOST_AUTO_TEST_CASE(spring_cloud_post_decodes) {
  auto r = json(spring_post);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  const auto& x = r.info;
  BOOST_TEST(x.instance_id == opt_string{"host1:order-service:8080"});
  BOOST_TEST(x.app == "ORDER-SERVICE");
  BOOST_TEST(!x.app_group_name);
  BOOST_TEST(x.ip_addr == "10.1.2.3");
  BOOST_TEST(x.sid == "na");
  BOOST_TEST(x.home_page_url == opt_string{"http://host1:8080/"});
  BOOST_TEST(x.status_page_url == opt_string{"http://host1:8080/actuator/info"});
  BOOST_TEST(x.health_check_url == opt_string{"http://host1:8080/actuator/health"});
  BOOST_TEST(!x.secure_health_check_url);
  BOOST_TEST(x.vip_address == opt_string{"order-service"});
  BOOST_TEST(x.secure_vip_address == opt_string{"order-service"});
  BOOST_TEST(x.country_id == 1);
  BOOST_TEST(x.data_center.present);
  BOOST_TEST((x.data_center.kind == data_center_kind::my_own));
  BOOST_TEST(x.data_center.name == "MyOwn");
  BOOST_TEST(x.host_name == "host1");
  BOOST_TEST((x.status == instance_status::up));
  BOOST_TEST((x.overridden_status == instance_status::unknown));
  BOOST_TEST(x.lease.renewal_interval_secs == 30);
  BOOST_TEST(x.lease.duration_secs == 90);
  BOOST_TEST(!x.is_coordinating_discovery_server);
  BOOST_TEST(x.last_updated_timestamp == 1700000000000);
  BOOST_TEST(x.last_dirty_timestamp == 1700000000100);
  BOOST_TEST((x.action == action_type::none));
  BOOST_TEST(!x.asg_name);
  BOOST_TEST((x.port == port_info{8080, true}));
  BOOST_TEST((x.secure_port == port_info{443, false}));
  BOOST_TEST((x.metadata == string_pairs{{"management.port", "8080"}}));
  BOOST_TEST(validate_registration(r.info, "ORDER-SERVICE") == "");
}

BOOST_AUTO_TEST_CASE(defaults_for_absent_fields) {
  auto r = json(R"({"instance":{"app":"a"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  const auto& x = r.info;
  BOOST_TEST(x.app == "A");
  BOOST_TEST(!x.instance_id);
  BOOST_TEST((x.status == instance_status::up));
  BOOST_TEST((x.overridden_status == instance_status::unknown));
  BOOST_TEST((x.port == port_info{7001, true}));
  BOOST_TEST((x.secure_port == port_info{7002, false}));
  BOOST_TEST(x.country_id == 1);
  BOOST_TEST(x.sid == "na");
  BOOST_TEST(x.metadata.empty());
  BOOST_TEST(!x.data_center.present);
  BOOST_TEST(x.lease.renewal_interval_secs == 30);
  BOOST_TEST(x.lease.duration_secs == 90);
  BOOST_TEST(x.last_updated_timestamp == now);
  BOOST_TEST(x.last_dirty_timestamp == now);
  BOOST_TEST(!x.is_coordinating_discovery_server);
  BOOST_TEST((x.action == action_type::none));
}

BOOST_AUTO_TEST_CASE(old_overriddenstatus_spelling) {
  auto r = json(R"({"instance":{"app":"A","overriddenstatus":"OUT_OF_SERVICE"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.overridden_status == instance_status::out_of_service));
  r = json(R"({"instance":{"app":"A","overriddenStatus":"DOWN"}})");
  BOOST_TEST((r.info.overridden_status == instance_status::down));
}

BOOST_AUTO_TEST_CASE(statuses_exact_else_unknown) {
  auto r = json(R"({"instance":{"app":"A","status":"up","overriddenStatus":"BOGUS"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.status == instance_status::unknown));
  BOOST_TEST((r.info.overridden_status == instance_status::unknown));
  r = json(R"({"instance":{"app":"A","status":"STARTING"}})");
  BOOST_TEST((r.info.status == instance_status::starting));
}

BOOST_AUTO_TEST_CASE(numbers_as_strings_and_ports) {
  // fargo: "$" as a string; ArthurHlt: "@enabled" as a boolean and an extra
  // leaseInfo field; py_eureka_client: timestamps and countryId as strings.
  auto r = json(R"({"instance":{"app":"A","countryId":"7",)"
                R"("port":{"$":"7101","@enabled":true},"securePort":{"@enabled":"true","$":8443},)"
                R"("leaseInfo":{"renewalIntervalInSecs":"5","durationInSecs":15,)"
                R"("evictionDurationInSecs":90,"registrationTimestamp":null},)"
                R"("lastUpdatedTimestamp":"123","lastDirtyTimestamp":" 456 ",)"
                R"("isCoordinatingDiscoveryServer":"true"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.country_id == 7);
  BOOST_TEST((r.info.port == port_info{7101, true}));
  BOOST_TEST((r.info.secure_port == port_info{8443, true}));
  BOOST_TEST(r.info.lease.renewal_interval_secs == 5);
  BOOST_TEST(r.info.lease.duration_secs == 15);
  BOOST_TEST(r.info.lease.registration_timestamp == 0);
  BOOST_TEST(r.info.last_updated_timestamp == 123);
  BOOST_TEST(r.info.last_dirty_timestamp == 456);
  BOOST_TEST(r.info.is_coordinating_discovery_server);
}

BOOST_AUTO_TEST_CASE(enabled_flag_forms) {
  auto r = json(R"({"instance":{"app":"A","port":{"$":1,"@enabled":"false"},)"
                R"("securePort":{"$":2,"@enabled":false}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.port == port_info{1, false}));
  BOOST_TEST((r.info.secure_port == port_info{2, false}));
  r = json(
      R"({"instance":{"app":"A","port":{"$":1,"@enabled":"yes"},"securePort":{"$":2,"@enabled":1}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.port == port_info{1, false})); // Jackson: only "true" is true
  BOOST_TEST((r.info.secure_port == port_info{2, true}));
  // Lenient: unknown keys in a port object and a bare port number.
  r = json(R"({"instance":{"app":"A","port":{"$":9,"@enabled":"true","x":1},"securePort":444}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.port == port_info{9, true}));
  BOOST_TEST((r.info.secure_port == port_info{444, false}));
}

BOOST_AUTO_TEST_CASE(null_and_unknown_fields) {
  auto r = json(
      R"({"instance":{"app":"A","hostName":null,"instanceId":null,"unknown":{"deep":[1,2,{"x":null}]},)"
      R"("identifyingAttribute":"x","vipAddress":null,"leaseInfo":null,"metadata":null,)"
      R"("dataCenterInfo":null,"port":null,"sid":null,"foo":[]}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.host_name == "");
  BOOST_TEST(!r.info.instance_id);
  BOOST_TEST(!r.info.vip_address);
  BOOST_TEST(!r.info.data_center.present);
  BOOST_TEST((r.info.port == port_info{7001, true}));
  BOOST_TEST(r.info.sid == "na");
}

BOOST_AUTO_TEST_CASE(unwrapped_instance_object) {
  auto r = json(
      R"({"hostName":"h","app":"svc","ipAddr":"1.2.3.4",)"
      R"("dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.app == "SVC");
  BOOST_TEST(r.info.host_name == "h");
  BOOST_TEST(r.info.id() == "h");
}

BOOST_AUTO_TEST_CASE(metadata_class_marker_dropped) {
  auto r =
      json(R"({"instance":{"app":"A","metadata":{"@class":"java.util.Collections$EmptyMap"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.metadata.empty());
  r = json(R"({"instance":{"app":"A","metadata":{"a":"1","@class":"x","b":2,"c":null,"a":"3"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.metadata == string_pairs{{"a", "3"}, {"b", "2"}}));
}

BOOST_AUTO_TEST_CASE(app_and_app_group_upper_cased) {
  auto r = json(R"({"instance":{"app":"order-Service","appGroupName":"grp-a"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.app == "ORDER-SERVICE");
  BOOST_TEST(r.info.app_group_name == opt_string{"GRP-A"});
}

BOOST_AUTO_TEST_CASE(action_type_values) {
  auto r = json(R"({"instance":{"app":"A","actionType":"DELETED","asgName":"g"}})");
  BOOST_TEST((r.info.action == action_type::deleted));
  BOOST_TEST(r.info.asg_name == opt_string{"g"});
  r = json(R"({"instance":{"app":"A","actionType":"added"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.action == action_type::none));
}

BOOST_AUTO_TEST_CASE(data_centre_variants) {
  // eureka-js-client configs often omit @class.
  auto r = json(R"({"instance":{"app":"A","dataCenterInfo":{"name":"MyOwn"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.data_center.present);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::my_own));
  BOOST_TEST(r.info.data_center.name == "MyOwn");

  r = json(
      R"({"instance":{"app":"A","dataCenterInfo":{"name":"Amazon","metadata":{"instance-id":"i-1","ami-id":"ami-2"}}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::amazon));
  BOOST_TEST(r.info.data_center.name == "Amazon");
  BOOST_TEST(
      (r.info.data_center.metadata == string_pairs{{"instance-id", "i-1"}, {"ami-id", "ami-2"}}));
  BOOST_TEST(r.info.id() == "i-1");

  // AmazonInfo's class decides regardless of the name (Java ignores it).
  r = json(
      R"({"instance":{"app":"A","dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","metadata":{"x":"y"}}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::amazon));
  BOOST_TEST(r.info.data_center.name == "Amazon");

  r = json(
      R"({"instance":{"app":"A","dataCenterInfo":{"@class":"com.netflix.appinfo.MyDataCenterInfo","name":"Netflix"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::netflix));
  BOOST_TEST(r.info.data_center.name == "Netflix");

  // A class but no name: Java's MyDataCenterInfo(null).
  r = json(
      R"({"instance":{"app":"A","dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.data_center.present);
  BOOST_TEST(r.info.data_center.name == "");

  // Lenient: unknown class or name.
  r = json(
      R"({"instance":{"app":"A","dataCenterInfo":{"@class":"com.example.Foo","name":"Mars"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::my_own));
  BOOST_TEST(r.info.data_center.name == "MyOwn");
}

BOOST_AUTO_TEST_CASE(scalars_read_as_text) {
  // eureka-js-client sends its config's metadata as JSON numbers and booleans
  // (YAML `version: 1.2`); Java stores each token's text.
  auto r = json(R"({"instance":{"app":1.5,"metadata":{"version":1.2,"n":3,"b":false,)"
                R"("w":-0.25,"e":1e300,"s":"x"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.app == "1.5");
  BOOST_TEST((r.info.metadata
              == string_pairs{{"version", "1.2"},
                              {"n", "3"},
                              {"b", "false"},
                              {"w", "-0.25"},
                              {"e", "1e+300"},
                              {"s", "x"}}));
}

BOOST_AUTO_TEST_CASE(spring_metadata_instance_id) {
  // scs/CloudJacksonJson.updateIfNeeded (contract §2.3).
  auto r = json(R"({"instance":{"app":"A","hostName":"h","metadata":{"instanceId":"a:1"}}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.instance_id == opt_string{"h:a:1"});
  r = json(R"({"instance":{"app":"A","hostName":"h","metadata":{"instanceId":"h:a:1"}}})");
  BOOST_TEST(r.info.instance_id == opt_string{"h:a:1"});
  r = json(R"({"instance":{"app":"A","metadata":{"instanceId":"a:1"}}})");
  BOOST_TEST(r.info.instance_id == opt_string{"a:1"});
  r = json(R"({"instance":{"app":"A","hostName":"h","metadata":{"instanceId":" "}}})");
  BOOST_TEST(!r.info.instance_id);
  r = json(
      R"({"instance":{"app":"A","instanceId":"","hostName":"h","metadata":{"instanceId":"x"}}})");
  BOOST_TEST(r.info.instance_id == opt_string{""});
  // The JSON encoder applies it too (an XML registration keeps no instanceId).
  auto x = xml("<instance><app>A</app><hostName>h</hostName><metadata><instanceId>x</instanceId>"
               "</metadata></instance>");
  BOOST_TEST_REQUIRE(x.ok, x.error);
  BOOST_TEST(!x.info.instance_id);
  BOOST_TEST(
      instance_document_json(x.info).rfind(R"({"instance":{"instanceId":"h:x","hostName":"h",)", 0)
      == 0);
  BOOST_TEST(instance_document_xml(x.info).rfind("<instance>\n  <hostName>h</hostName>", 0) == 0);
}

BOOST_AUTO_TEST_CASE(non_ascii_and_escapes_in_strings) {
  auto r = json(R"({"instance":{"app":"A","hostName":"h\u00e9\ud83d\ude00\n\"\/"}})");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.host_name == "h\xC3\xA9\xF0\x9F\x98\x80\n\"/");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lenient_xml)

BOOST_AUTO_TEST_CASE(fargo_registration) {
  auto r = xml(fargo_xml);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  const auto& x = r.info;
  BOOST_TEST(x.instance_id == opt_string{""});
  BOOST_TEST(x.id() == "fargo-host");
  BOOST_TEST(x.app == "FARGO-APP");
  BOOST_TEST((x.status == instance_status::up));
  BOOST_TEST((x.overridden_status == instance_status::unknown));
  BOOST_TEST((x.port == port_info{7101, true}));
  BOOST_TEST((x.secure_port == port_info{7102, false}));
  BOOST_TEST(x.data_center.present);
  BOOST_TEST((x.data_center.kind == data_center_kind::my_own));
  BOOST_TEST(x.lease.renewal_interval_secs == 10);
  BOOST_TEST(x.lease.duration_secs == 20);
  BOOST_TEST((x.metadata == string_pairs{{"my_key", "v1"}, {"dollar$key", "v2"}}));
  BOOST_TEST(x.last_updated_timestamp == now);
  BOOST_TEST(x.last_dirty_timestamp == now);
  BOOST_TEST(x.vip_address == opt_string{"fargo-app"});
  auto copy = x;
  BOOST_TEST(validate_registration(copy, "FARGO-APP") == "");
}

BOOST_AUTO_TEST_CASE(port_enabled_attribute_rules) {
  auto r = xml("<instance><app>a</app><port enabled=\"FALSE\">1</port>"
               "<securePort enabled=\"TRUE\">2</securePort></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.port == port_info{1, true}));         // only exactly "false" disables
  BOOST_TEST((r.info.secure_port == port_info{2, false})); // only exactly "true" enables
  r = xml("<instance><app>a</app><port enabled=\"false\">1</port>"
          "<securePort enabled=\"true\">2</securePort></instance>");
  BOOST_TEST((r.info.port == port_info{1, false}));
  BOOST_TEST((r.info.secure_port == port_info{2, true}));
}

BOOST_AUTO_TEST_CASE(statuses_case_insensitive_and_both_spellings) {
  auto r = xml("<instance><app>a</app><status>Down</status>"
               "<overriddenStatus>out_of_service</overriddenStatus></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.status == instance_status::down));
  BOOST_TEST((r.info.overridden_status == instance_status::out_of_service));
  r = xml("<instance><app>a</app><status>bogus</status></instance>");
  BOOST_TEST((r.info.status == instance_status::unknown));
}

BOOST_AUTO_TEST_CASE(auto_fields_failures_ignored) {
  auto r = xml("<instance><app>a</app><lastUpdatedTimestamp>x</lastUpdatedTimestamp>"
               "<lastDirtyTimestamp>77</lastDirtyTimestamp><actionType>nope</actionType>"
               "<isCoordinatingDiscoveryServer>TRUE</isCoordinatingDiscoveryServer>"
               "<appGroupName>grp</appGroupName><leaseInfo><durationInSecs>x</durationInSecs>"
               "<renewalIntervalInSecs>3</renewalIntervalInSecs></leaseInfo>"
               "<unknownThing><deep/></unknownThing></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.last_updated_timestamp == now);
  BOOST_TEST(r.info.last_dirty_timestamp == 77);
  BOOST_TEST((r.info.action == action_type::none));
  BOOST_TEST(r.info.is_coordinating_discovery_server);
  BOOST_TEST(r.info.app_group_name == opt_string{"grp"}); // XML keeps it verbatim
  BOOST_TEST(r.info.lease.duration_secs == 90);
  BOOST_TEST(r.info.lease.renewal_interval_secs == 3);
}

BOOST_AUTO_TEST_CASE(amazon_data_centre) {
  auto r = xml("<instance><app>a</app><hostName>h</hostName>"
               "<dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\">"
               "<metadata><instance-id>i-9</instance-id><public__x>p</public__x></metadata>"
               "<name>amazon</name></dataCenterInfo></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST((r.info.data_center.kind == data_center_kind::amazon));
  BOOST_TEST(r.info.data_center.name == "Amazon");
  BOOST_TEST(
      (r.info.data_center.metadata == string_pairs{{"instance-id", "i-9"}, {"public_x", "p"}}));
  BOOST_TEST(r.info.id() == "i-9");
}

BOOST_AUTO_TEST_CASE(data_centre_without_name_is_absent) {
  auto r = xml("<instance><app>a</app><dataCenterInfo class=\"x\"></dataCenterInfo></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(!r.info.data_center.present);
  r = xml("<instance><app>a</app><dataCenterInfo><name></name></dataCenterInfo></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.data_center.present);
  BOOST_TEST(r.info.data_center.name == "");
}

BOOST_AUTO_TEST_CASE(entities_cdata_and_whitespace) {
  auto r = xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<instance>\n  <app>a</app>\n"
               "  <hostName>a&amp;b&#xd;&#x41;</hostName>\n  <ipAddr><![CDATA[<1.2>]]></ipAddr>\n"
               "  <sid> </sid>\n</instance>\n");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.host_name == "a&b\rA");
  BOOST_TEST(r.info.ip_addr == "<1.2>");
  BOOST_TEST(r.info.sid == " ");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(malformed)

BOOST_AUTO_TEST_CASE(json_rejected) {
  std::vector<std::string> bodies = {
      "",
      " ",
      "{",
      "{\"instance\":",
      "{\"instance\":{\"app\":\"A\"}",
      "{\"instance\":{\"app\":\"A\"}}x",
      "[]",
      "null",
      "42",
      "\"str\"",
      "{\"instance\":[]}",
      "{\"instance\":\"x\"}",
      "{\"instance\":null}",
      "{\"instance\":{}}",                   // no app: Builder.build() throws in Java
      "{\"instance\":{\"hostName\":\"h\"}}", // same
      "{\"instance\":{\"app\":{\"x\":1}}}",
      "{\"instance\":{\"app\":[\"A\"]}}",
      "{\"instance\":{\"app\":\"A\",\"port\":\"abc\"}}",
      "{\"instance\":{\"app\":\"A\",\"port\":[8080]}}",
      "{\"instance\":{\"app\":\"A\",\"port\":{\"$\":\"12x\"}}}",
      "{\"instance\":{\"app\":\"A\",\"port\":{\"$\":99999999999}}}",
      "{\"instance\":{\"app\":\"A\",\"port\":{\"$\":8080,\"@enabled\":{}}}}",
      "{\"instance\":{\"app\":\"A\",\"countryId\":\"\"}}",
      "{\"instance\":{\"app\":\"A\",\"countryId\":true}}",
      "{\"instance\":{\"app\":\"A\",\"countryId\":1e400}}",
      "{\"instance\":{\"app\":\"A\",\"lastDirtyTimestamp\":99999999999999999999999}}",
      "{\"instance\":{\"app\":\"A\",\"lastDirtyTimestamp\":18446744073709551615}}",
      "{\"instance\":{\"app\":\"A\",\"lastDirtyTimestamp\":\"9223372036854775808\"}}",
      "{\"instance\":{\"app\":\"A\",\"lastDirtyTimestamp\":1e19}}",
      "{\"instance\":{\"app\":\"A\",\"metadata\":[]}}",
      "{\"instance\":{\"app\":\"A\",\"metadata\":\"x\"}}",
      "{\"instance\":{\"app\":\"A\",\"metadata\":{\"k\":{\"v\":1}}}}",
      "{\"instance\":{\"app\":\"A\",\"leaseInfo\":\"x\"}}",
      "{\"instance\":{\"app\":\"A\",\"leaseInfo\":{\"durationInSecs\":\"long\"}}}",
      "{\"instance\":{\"app\":\"A\",\"dataCenterInfo\":\"MyOwn\"}}",
      "{\"instance\":{\"app\":\"A\",\"dataCenterInfo\":{\"@class\":{}}}}",
      "{\"instance\":{\"app\":\"A\",\"dataCenterInfo\":{\"name\":\"Amazon\",\"metadata\":7}}}",
      "{\"instance\":{\"app\":\"A\",\"status\":{}}}",
      "{\"instance\":{\"app\":\"A\",\"isCoordinatingDiscoveryServer\":[]}}",
      "{\"instance\":{\"app\":\"\xff\"}}",
      "{\"instance\":{\"app\":\"\xc3\"}}",
      "{\"instance\":{\"app\":\"\xed\xa0\x80\"}}",
      "{\"instance\":{\"app\":\"\\ud800\"}}",
      "{\"instance\":{\"app\":\"A\",\"hostName\":\"unterminated}}",
      "{\"instance\":{\"app\":\"A\",}}",
      "{'instance':{'app':'A'}}",
      std::string("{\"instance\":{\"app\":\"A\0\"}}", 26),
      std::string(100000, '[') + std::string(100000, ']'),
      std::string(5000, '{'),
      "{\"instance\":" + std::string(3000, '[') + std::string(3000, ']') + "}",
  };
  for (const auto& body : bodies) {
    auto r = json(body);
    BOOST_TEST(!r.ok, "accepted: " << body.substr(0, 80));
    BOOST_TEST(!r.error.empty());
  }
}

BOOST_AUTO_TEST_CASE(json_truncations_rejected) {
  std::string body = spring_post;
  for (size_t n = 0; n < body.size(); ++n) {
    auto r = json(std::string_view(body).substr(0, n));
    BOOST_TEST(!r.ok, "accepted prefix of " << n << " bytes");
  }
  BOOST_TEST(json(body).ok);
}

BOOST_AUTO_TEST_CASE(xml_rejected) {
  std::vector<std::string> bodies = {
      "",
      "   ",
      "<instance>",
      "<instance><app>A</app>",
      "<instance><app>A</instance>",
      "<foo><app>A</app></foo>",
      "<instance/>",                                 // no app
      "<instance><hostName>h</hostName></instance>", // no app
      "<instance><app>A</app><port>abc</port></instance>",
      "<instance><app>A</app><port></port></instance>",
      "<instance><app>A</app><port>99999999999</port></instance>",
      "<instance><app>A</app><securePort>1.5</securePort></instance>",
      "<instance><app>A</app><countryId></countryId></instance>",
      "<instance><app>\xff</app></instance>",
      "<instance><app>\xc3</app></instance>",
      "<instance><app>A</app></instance><instance>",
      "not xml at all",
      "<instance><app>A</app><x a=\"1></instance>",
      "<instance><app>A</app><!-- unterminated </instance>",
      "<instance><app>A<app></instance>",
      "<" + std::string(1000, 'a'),
  };
  for (const auto& body : bodies) {
    auto r = xml(body);
    BOOST_TEST(!r.ok, "accepted: " << body.substr(0, 80));
    BOOST_TEST(!r.error.empty());
  }
}

// Issue 6 item 9: pugixml decodes `&#0;` to NUL, which cut the C string and
// stored "n"; any character XML 1.0 cannot carry, raw or as a reference,
// anywhere in the body, now fails the decode (JSON refuses U+0000 too).
BOOST_AUTO_TEST_CASE(xml_characters_xml_cannot_carry_rejected) {
  auto in_id = [](const std::string& text) {
    return "<instance><app>A</app><instanceId>" + text + "</instanceId></instance>";
  };
  std::vector<std::string> bodies = {
      in_id("n&#0;ul"),
      in_id("&#x0;"),
      in_id("&#1;"),
      in_id("&#x1;"),
      in_id("&#x1F;"),
      in_id("&#xB;"),
      in_id("&#xFFFE;"),
      in_id("&#xFFFF;"),
      in_id("&#65535;"),
      in_id("&#xD800;"),
      in_id("&#xDFFF;"),
      in_id("&#55296;"),
      in_id("&#x110000;"),
      in_id("&#1114112;"),
      in_id("&#4294967361;"),  // wraps around to 'A' in 32 bits
      in_id("&#x100000041;"),  // likewise
      in_id("&#x0000000000;"), // leading zeros do not hide NUL
      in_id("&#99999999999999999999999;"),
      // Malformed character references (not well-formed XML).
      in_id("&#;"),
      in_id("&#x;"),
      in_id("&#12a;"),
      in_id("&#x4G;"),
      in_id("&#X41;"), // XML writes the x in lower case only
      in_id("&# 65;"),
      in_id("&#65"),
      in_id("a&#65"),
      // Raw characters, wherever they are.
      in_id("a\x01"
            "b"),
      in_id(std::string("n\0ul", 4)),
      in_id("\x0b"),
      in_id("\xEF\xBF\xBE"), // U+FFFE
      in_id("\xEF\xBF\xBF"), // U+FFFF
      "<instance><app>A</app><instanceId><![CDATA[a\x02]]></instanceId></instance>",
      "<instance><app>A</app><!-- \x1b[2J --></instance>",
      "<instance><app>A</app><x a=\"\x07\"/></instance>",
      std::string("<instance><app>A</app></instance>\0", 34),
      // References in every place a value comes from.
      "<instance><app>A&#0;B</app></instance>",
      "<instance><app>A</app><hostName>h&#x7;</hostName></instance>",
      "<instance><app>A</app><port enabled=\"tr&#0;ue\">1</port></instance>",
      "<instance><app>A</app><dataCenterInfo class=\"&#x1;\"><name>MyOwn</name></dataCenterInfo>"
      "</instance>",
      "<instance><app>A</app><dataCenterInfo><name>Amazon</name><metadata>"
      "<instance-id>i&#0;</instance-id></metadata></dataCenterInfo></instance>",
      "<instance><app>A</app><dataCenterInfo><name>My&#0;Own</name></dataCenterInfo></instance>",
      "<instance><app>A</app><metadata><k>v&#xFFFF;</k></metadata></instance>",
      "<instance><app>A</app><metadata><k\x01>v</k\x01></metadata></instance>",
      "<instance><app>A</app><unknown a=\"&#0;\">&#0;</unknown></instance>",
      "<instance><app>A</app><leaseInfo><durationInSecs>9&#0;0</durationInSecs></leaseInfo>"
      "</instance>",
  };
  for (const auto& body : bodies) {
    auto r = xml(body);
    BOOST_TEST(!r.ok, "accepted: " << body << " as instanceId '" << r.info.instance_id.value_or("")
                                   << "'");
    BOOST_TEST(!r.error.empty());
  }
}

BOOST_AUTO_TEST_CASE(xml_legal_references_still_resolved) {
  auto r = xml("<instance><app>a&#x41;</app><instanceId>&#9;&#x41;&#233;&#x1F600;&#10;&#xd;"
               "&#x10FFFF;&#xFFFD;&#x85;&#127;&#x0041;&#00065;</instanceId>"
               "<hostName>&lt;&gt;&amp;&apos;&quot;&amp;#0;</hostName>"
               "<ipAddr><![CDATA[&#0;&amp;]]></ipAddr>"
               "<sid>a & b &foo; &amp</sid>"
               "<port enabled=\"f&#x61;lse\">1</port>"
               "<metadata><k>&#x1F600;</k></metadata></instance>");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.app == "AA");
  BOOST_TEST(*r.info.instance_id
             == "\tA\xC3\xA9\xF0\x9F\x98\x80\n\r\xF4\x8F\xBF\xBF\xEF\xBF\xBD\xC2\x85\x7F"
                "AA");
  BOOST_TEST(r.info.host_name == "<>&'\"&#0;");
  BOOST_TEST(r.info.ip_addr == "&#0;&amp;");    // CDATA is never resolved
  BOOST_TEST(r.info.sid == "a & b &foo; &amp"); // pugixml's leniency, kept
  BOOST_TEST(!r.info.port.enabled);
  BOOST_TEST_REQUIRE(r.info.metadata.size() == 1u);
  BOOST_TEST(r.info.metadata[0].second == "\xF0\x9F\x98\x80");
}

BOOST_AUTO_TEST_CASE(xml_truncations_rejected) {
  std::string body = fargo_xml;
  auto last_close = body.rfind("</instance>");
  for (size_t n = 0; n <= last_close; ++n) {
    auto r = xml(std::string_view(body).substr(0, n));
    BOOST_TEST(!r.ok, "accepted prefix of " << n << " bytes");
  }
  BOOST_TEST(xml(body).ok);
}

BOOST_AUTO_TEST_CASE(xml_hostile_documents_stay_bounded) {
  // Deep nesting inside an ignored element.
  std::string deep = "<instance><app>A</app><x>";
  for (int i = 0; i < 200000; ++i)
    deep += "<a>";
  for (int i = 0; i < 200000; ++i)
    deep += "</a>";
  deep += "</x></instance>";
  auto r = xml(deep);
  BOOST_TEST(r.ok, r.error);
  // Entity expansion ("billion laughs") is never performed.
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                       "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                       "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                       "<instance><app>&lol3;</app></instance>";
  r = xml(laughs);
  if (r.ok)
    BOOST_TEST(r.info.app.size() < 100u);
  // A deep document as the root is rejected.
  std::string deep_root;
  for (int i = 0; i < 100000; ++i)
    deep_root += "<a>";
  BOOST_TEST(!xml(deep_root).ok);
}

BOOST_AUTO_TEST_CASE(random_mutations_never_crash) {
  std::mt19937 rng(12345);
  std::string json_body = spring_post;
  std::string xml_body = fargo_xml;
  const char alphabet[] = "{}[]\":,\\0123456789-.eE tfnul<>/&;=!?\x00\xff\xc3";
  for (int round = 0; round < 3000; ++round) {
    for (auto* body : {&json_body, &xml_body}) {
      auto mutated = *body;
      auto edits = 1 + rng() % 4;
      for (unsigned e = 0; e < edits && !mutated.empty(); ++e) {
        auto pos = rng() % mutated.size();
        switch (rng() % 3) {
        case 0:
          mutated[pos] = alphabet[rng() % (sizeof(alphabet) - 1)];
          break;
        case 1:
          mutated.erase(pos, 1 + rng() % 8);
          break;
        default:
          mutated.insert(pos, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
        }
      }
      auto r = body == &json_body ? json(mutated) : xml(mutated);
      if (!r.ok)
        BOOST_CHECK(!r.error.empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
