#define BOOST_TEST_MODULE codec_json_test
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "codec/documents.hpp"
#include "codec/instance_codec.hpp"
#include "codec/text.hpp"
#include "codec_spec_examples.hpp"
#include "codec_test_util.hpp"

using namespace eureka;
using namespace eureka::codec;
using namespace codec_fixtures;

namespace {

std::string json_object(const instance_info& x) {
  std::string out;
  append_instance_json(out, x);
  return out;
}

std::string escaped(std::string_view s) {
  std::string out;
  detail::append_json_string(out, s);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(spec_examples)

BOOST_AUTO_TEST_CASE(instance_document_matches_section_2_7) {
  BOOST_TEST(instance_document_json(spec_host1_full()) == std::string(spec_instance_json));
}

BOOST_AUTO_TEST_CASE(full_registry_matches_section_2_7) {
  auto i1 = json_object(spec_host1());
  auto i2 = json_object(spec_host2());
  auto i3 = json_object(spec_host3());
  auto order = application_object_json("ORDER-SERVICE", {i1, i2});
  auto billing = application_object_json("BILLING", {i3});
  auto doc = applications_json("1", "DOWN_1_UP_2_", {order, billing});
  BOOST_TEST(doc == std::string(spec_registry_json));
}

BOOST_AUTO_TEST_CASE(empty_registry) {
  BOOST_TEST(applications_json("1", "", {})
             == R"({"applications":{"versions__delta":"1","apps__hashcode":"","application":[]}})");
}

BOOST_AUTO_TEST_CASE(single_app_single_instance_are_arrays) {
  auto i3 = json_object(spec_host3());
  auto doc = applications_json("1", "UP_1_", {application_object_json("BILLING", {i3})});
  BOOST_TEST(doc.find(R"("application":[{"name":"BILLING","instance":[{"instanceId")")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(application_document) {
  auto i3 = json_object(spec_host3());
  BOOST_TEST(application_document_json("BILLING", {i3})
             == R"({"application":{"name":"BILLING","instance":[)" + i3 + "]}}");
  BOOST_TEST(application_object_json("X", {}) == R"({"name":"X","instance":[]})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(field_rules)

BOOST_AUTO_TEST_CASE(instance_id_only_when_set) {
  auto x = spec_host1();
  x.instance_id = caf::none;
  auto s = json_object(x);
  BOOST_TEST(s.rfind(R"({"hostName":"host1","app":"ORDER-SERVICE")", 0) == 0);
  x.instance_id = std::string();
  BOOST_TEST(json_object(x).rfind(R"({"instanceId":"","hostName":"host1")", 0) == 0);
}

BOOST_AUTO_TEST_CASE(sid_omitted_for_na_and_unknown) {
  auto x = spec_host1();
  x.sid = "na";
  BOOST_TEST(json_object(x).find("\"sid\"") == std::string::npos);
  x.sid = "unknown";
  BOOST_TEST(json_object(x).find("\"sid\"") == std::string::npos);
  x.sid = "";
  BOOST_TEST(json_object(x).find(R"("ipAddr":"10.1.2.3","sid":"","status":"UP")")
             != std::string::npos);
  x.sid = "s1";
  BOOST_TEST(json_object(x).find(R"("ipAddr":"10.1.2.3","sid":"s1","status":"UP")")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(everything_set_field_order) {
  auto s = json_object(everything_set());
  const char* expected =
      R"({"instanceId":"i-0abc","hostName":"ec2-1.compute.amazonaws.com","app":"FULL-APP",)"
      R"("ipAddr":"172.31.0.9","sid":"sid-7","status":"OUT_OF_SERVICE",)"
      R"("overriddenStatus":"OUT_OF_SERVICE","port":{"$":8080,"@enabled":"false"},)"
      R"("securePort":{"$":8443,"@enabled":"true"},"countryId":44,)"
      R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
      R"("metadata":{"instance-id":"i-0abc","availability-zone":"eu-west-1a",)"
      R"("local-ipv4":"172.31.0.9"}},"leaseInfo":{"renewalIntervalInSecs":5,)"
      R"("durationInSecs":15,"registrationTimestamp":1,"lastRenewalTimestamp":2,)"
      R"("evictionTimestamp":3,"serviceUpTimestamp":4},)"
      R"("metadata":{"my_key":"a<b>&\"c'","dollar$key":"v$","__both_$":"x",)"
      "\"unicode\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\","
      R"("ws":"tab\tnl\ncr\r"},"appGroupName":"GROUP","homePageUrl":"http://h/",)"
      R"("statusPageUrl":"http://h/info","healthCheckUrl":"http://h/health",)"
      R"("secureHealthCheckUrl":"https://h/health","vipAddress":"full-app",)"
      R"("secureVipAddress":"full-app-secure","isCoordinatingDiscoveryServer":"true",)"
      R"("lastUpdatedTimestamp":"1700000009000","lastDirtyTimestamp":"1700000008000",)"
      R"("actionType":"MODIFIED","asgName":"asg-1"})";
  BOOST_TEST(s == std::string(expected));
}

BOOST_AUTO_TEST_CASE(netflix_and_empty_amazon_data_centres) {
  auto x = spec_host1();
  x.data_center.kind = data_center_kind::netflix;
  x.data_center.name = "Netflix";
  BOOST_TEST(json_object(x).find(R"("dataCenterInfo":{"@class":"com.netflix.appinfo.)"
                                 R"(InstanceInfo$DefaultDataCenterInfo","name":"Netflix"})")
             != std::string::npos);
  x.data_center.kind = data_center_kind::amazon;
  x.data_center.name = "Amazon";
  BOOST_TEST(json_object(x).find(R"("dataCenterInfo":{"@class":"com.netflix.appinfo.)"
                                 R"(AmazonInfo","name":"Amazon","metadata":{}},"leaseInfo")")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(absent_data_centre_is_omitted) {
  auto x = spec_host1();
  x.data_center.present = false;
  BOOST_TEST(json_object(x).find(R"("countryId":1,"leaseInfo":{)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_metadata_marker) {
  auto s = json_object(spec_host1());
  BOOST_TEST(s.find(R"("metadata":{"@class":"java.util.Collections$EmptyMap"},"vipAddress")")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(negative_and_extreme_numbers) {
  auto x = spec_host1();
  x.port = {-1, true};
  x.lease.eviction_timestamp = std::numeric_limits<int64_t>::min();
  x.last_dirty_timestamp = std::numeric_limits<int64_t>::max();
  auto s = json_object(x);
  BOOST_TEST(s.find(R"("port":{"$":-1,"@enabled":"true"})") != std::string::npos);
  BOOST_TEST(s.find(R"("evictionTimestamp":-9223372036854775808,)") != std::string::npos);
  BOOST_TEST(s.find(R"("lastDirtyTimestamp":"9223372036854775807")") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(escaping)

BOOST_AUTO_TEST_CASE(jackson_escapes) {
  BOOST_TEST(escaped("plain") == "\"plain\"");
  BOOST_TEST(escaped("a\"b\\c") == R"("a\"b\\c")");
  BOOST_TEST(escaped("\b\t\n\f\r") == R"("\b\t\n\f\r")");
  BOOST_TEST(escaped(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001F")");
  BOOST_TEST(escaped("\x0b\x1b") == R"("\u000B\u001B")");
  BOOST_TEST(escaped("a/b") == R"("a/b")");
  BOOST_TEST(escaped("\x7f") == "\"\x7f\"");
  BOOST_TEST(escaped("\xC3\xA9\xE2\x80\xA8\xF0\x9F\x98\x80")
             == "\"\xC3\xA9\xE2\x80\xA8\xF0\x9F\x98\x80\"");
  BOOST_TEST(escaped("<>&'") == "\"<>&'\"");
}

BOOST_AUTO_TEST_CASE(escaping_applies_to_values_and_keys) {
  auto x = spec_host1();
  x.host_name = "h\"1";
  x.metadata = {{"k\"\n", "v\\"}};
  auto s = json_object(x);
  BOOST_TEST(s.find(R"("hostName":"h\"1")") != std::string::npos);
  BOOST_TEST(s.find(R"("metadata":{"k\"\n":"v\\"})") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(document_strings_escaped) {
  BOOST_TEST(
      applications_json("1", "a\"b", {})
      == R"({"applications":{"versions__delta":"1","apps__hashcode":"a\"b","application":[]}})");
  BOOST_TEST(application_object_json("A\\B", {}) == R"({"name":"A\\B","instance":[]})");
}

BOOST_AUTO_TEST_SUITE_END()
