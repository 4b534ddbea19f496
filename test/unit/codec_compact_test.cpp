// The compact representation (X-Eureka-Accept: compact, contract §2.5). The
// expected bytes are what the Spring Cloud Eureka server (2025.1.1, the
// differential suite's reference) sent for the same instances.
#define BOOST_TEST_MODULE codec_compact_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "codec/documents.hpp"
#include "codec/instance_codec.hpp"

using namespace eureka;
using namespace eureka::codec;

namespace {

/// POST apps/DIFF-A with test/interop/differential/cases/instance.json.
instance_info diff_a1() {
  instance_info x;
  x.instance_id = std::string{"a1"};
  x.host_name = "host-a1";
  x.app = "DIFF-A";
  x.ip_addr = "10.0.0.1";
  x.port = {8080, true};
  x.secure_port = {443, false};
  x.vip_address = std::string{"diff-a"};
  x.secure_vip_address = std::string{"diff-a-secure"};
  x.metadata = {{"zone", "z1"}};
  x.home_page_url = std::string{"http://host-a1:8080/"};
  x.lease.registration_timestamp = 1795466363535;
  x.last_updated_timestamp = 1795466363535;
  x.last_dirty_timestamp = 1000;
  x.sid = "s1";
  x.overridden_status = instance_status::out_of_service;
  x.action = action_type::added;
  return x;
}

/// An Amazon instance with an ASG name, an unlisted metadata key and text
/// that needs escaping (metadata in the order Java's HashMap wrote it).
instance_info diff_esc() {
  instance_info x;
  x.instance_id = std::string{"e1"};
  x.host_name = "h<&>\"'x]]>y\r\tz";
  x.app = "DIFF-ESC";
  x.ip_addr = "10.0.0.1";
  x.data_center.kind = data_center_kind::amazon;
  x.data_center.name = "Amazon";
  x.data_center.metadata = {{"public-ipv4", "1.2.3.4"},
                            {"ami-id", "ami-9"},
                            {"public-hostname", "p"},
                            {"instance-id", "i-1"},
                            {"local-ipv4", "10.0.0.1"}};
  x.asg_name = std::string{"asg1"};
  x.last_updated_timestamp = 1795466423970;
  x.action = action_type::added;
  return x;
}

std::string json(const instance_info& x) {
  std::string out;
  append_instance_json_compact(out, x);
  return out;
}

std::string xml(const instance_info& x) {
  std::string out;
  append_instance_xml_compact(out, x);
  return out;
}

const char* a1_json =
    R"({"instanceId":"a1","app":"DIFF-A","ipAddr":"10.0.0.1","vipAddress":"diff-a",)"
    R"("secureVipAddress":"diff-a-secure","dataCenterInfo":{"@class":)"
    R"("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},)"
    R"("hostName":"host-a1","status":"UP","lastUpdatedTimestamp":1795466363535,)"
    R"("actionType":"ADDED","port":{"$":8080,"@enabled":"true"},)"
    R"("securePort":{"$":443,"@enabled":"false"}})";

const char* a1_xml =
    R"(<instance><instanceId>a1</instanceId><app>DIFF-A</app><ipAddr>10.0.0.1</ipAddr>)"
    R"(<vipAddress>diff-a</vipAddress><secureVipAddress>diff-a-secure</secureVipAddress>)"
    R"(<dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">)"
    R"(<name>MyOwn</name></dataCenterInfo><hostName>host-a1</hostName><status>UP</status>)"
    R"(<lastUpdatedTimestamp>1795466363535</lastUpdatedTimestamp><actionType>ADDED</actionType>)"
    R"(<port enabled="true">8080</port><securePort enabled="false">443</securePort></instance>)";

} // namespace

BOOST_AUTO_TEST_CASE(instance_json_as_java) {
  BOOST_TEST(json(diff_a1()) == std::string(a1_json));
}

BOOST_AUTO_TEST_CASE(instance_xml_as_java) {
  BOOST_TEST(xml(diff_a1()) == std::string(a1_xml));
}

BOOST_AUTO_TEST_CASE(amazon_asg_and_escaping_json) {
  BOOST_TEST(
      json(diff_esc())
      == std::string(
          R"({"instanceId":"e1","app":"DIFF-ESC","ipAddr":"10.0.0.1","dataCenterInfo":)"
          R"({"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":)"
          R"({"public-ipv4":"1.2.3.4","public-hostname":"p","instance-id":"i-1",)"
          R"("local-ipv4":"10.0.0.1"}},"hostName":"h<&>\"'x]]>y\r\tz","status":"UP",)"
          R"("lastUpdatedTimestamp":1795466423970,"actionType":"ADDED","asgName":"asg1",)"
          R"("port":{"$":7001,"@enabled":"true"},"securePort":{"$":7002,"@enabled":"false"}})"));
}

BOOST_AUTO_TEST_CASE(amazon_asg_and_escaping_xml) {
  BOOST_TEST(xml(diff_esc())
             == std::string(
                 "<instance><instanceId>e1</instanceId><app>DIFF-ESC</app><ipAddr>10.0.0.1</ipAddr>"
                 "<dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\"><name>Amazon</name>"
                 "<metadata><public-ipv4>1.2.3.4</public-ipv4><public-hostname>p</public-hostname>"
                 "<instance-id>i-1</instance-id><local-ipv4>10.0.0.1</local-ipv4></metadata>"
                 "</dataCenterInfo><hostName>h&lt;&amp;&gt;\"'x]]&gt;y&#xd;\tz</hostName>"
                 "<status>UP</status><lastUpdatedTimestamp>1795466423970</lastUpdatedTimestamp>"
                 "<actionType>ADDED</actionType><asgName>asg1</asgName>"
                 "<port enabled=\"true\">7001</port><securePort enabled=\"false\">7002</securePort>"
                 "</instance>"));
}

BOOST_AUTO_TEST_CASE(absent_fields_are_omitted) {
  auto x = diff_a1();
  x.instance_id = caf::none;
  x.vip_address = caf::none;
  x.action = action_type::none;
  auto j = json(x);
  BOOST_TEST(j.rfind(R"({"app":"DIFF-A","ipAddr":"10.0.0.1","secureVipAddress")", 0) == 0);
  BOOST_TEST(j.find("actionType") == std::string::npos);
  auto m = xml(x);
  BOOST_TEST(m.rfind("<instance><app>DIFF-A</app><ipAddr>10.0.0.1</ipAddr><secureVipAddress>", 0)
             == 0);
  BOOST_TEST(m.find("actionType") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(applications_json_application_first) {
  auto i = json(diff_a1());
  auto doc = applications_json_compact("1", "UP_1_", {application_object_json("DIFF-A", {i})});
  BOOST_TEST(doc
             == R"({"applications":{"application":[{"name":"DIFF-A","instance":[)" + i
                    + R"(]}],"versions__delta":"1","apps__hashcode":"UP_1_"}})");
  BOOST_TEST(
      applications_json_compact("-1", "", {})
      == R"({"applications":{"application":[],"versions__delta":"-1","apps__hashcode":""}})");
}

BOOST_AUTO_TEST_CASE(applications_xml_one_line_application_first) {
  auto i = xml(diff_a1());
  auto app = application_xml_compact("DIFF-A", {i});
  BOOST_TEST(app == "<application><name>DIFF-A</name>" + i + "</application>");
  BOOST_TEST(applications_xml_compact("5", "UP_1_", {app})
             == "<applications>" + app
                    + "<versions__delta>5</versions__delta><apps__hashcode>UP_1_</apps__hashcode>"
                      "</applications>");
  // GET vips/nope, compact XML, as Java wrote it
  BOOST_TEST(applications_xml_compact("-1", "", {})
             == "<applications><versions__delta>-1</versions__delta><apps__hashcode>"
                "</apps__hashcode></applications>");
}
