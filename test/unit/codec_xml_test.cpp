#define BOOST_TEST_MODULE codec_xml_test
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

std::string xml_at(const instance_info& x, int depth) {
  std::string out;
  append_instance_xml(out, x, depth);
  return out;
}

std::string text(std::string_view s) {
  std::string out;
  detail::append_xml_text(out, s);
  return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(spec_examples)

BOOST_AUTO_TEST_CASE(registry_matches_section_2_7) {
  auto i3 = xml_at(spec_host3(), 2);
  auto billing = application_element_xml("BILLING", {i3});
  auto doc = applications_xml("1", "DOWN_1_UP_2_", {billing});
  BOOST_TEST(doc == std::string(spec_registry_xml_billing_only));
}

BOOST_AUTO_TEST_CASE(empty_registry) {
  BOOST_TEST(applications_xml("1", "", {})
             == "<applications>\n"
                "  <versions__delta>1</versions__delta>\n"
                "  <apps__hashcode></apps__hashcode>\n"
                "</applications>");
}

BOOST_AUTO_TEST_CASE(instance_document_at_depth_0) {
  const char* expected = "<instance>\n"
                         "  <instanceId>host1:order-service:8080</instanceId>\n"
                         "  <hostName>host1</hostName>\n"
                         "  <app>ORDER-SERVICE</app>\n"
                         "  <ipAddr>10.1.2.3</ipAddr>\n"
                         "  <status>UP</status>\n"
                         "  <overriddenstatus>UNKNOWN</overriddenstatus>\n"
                         "  <port enabled=\"true\">8080</port>\n"
                         "  <securePort enabled=\"false\">443</securePort>\n"
                         "  <countryId>1</countryId>\n"
                         "  <dataCenterInfo "
                         "class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">\n"
                         "    <name>MyOwn</name>\n"
                         "  </dataCenterInfo>\n"
                         "  <leaseInfo>\n"
                         "    <renewalIntervalInSecs>30</renewalIntervalInSecs>\n"
                         "    <durationInSecs>90</durationInSecs>\n"
                         "    <registrationTimestamp>1700000000500</registrationTimestamp>\n"
                         "    <lastRenewalTimestamp>1700000210500</lastRenewalTimestamp>\n"
                         "    <evictionTimestamp>0</evictionTimestamp>\n"
                         "    <serviceUpTimestamp>1700000000500</serviceUpTimestamp>\n"
                         "  </leaseInfo>\n"
                         "  <metadata class=\"java.util.Collections$EmptyMap\"/>\n"
                         "  <vipAddress>order-service</vipAddress>\n"
                         "  <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>\n"
                         "  <lastUpdatedTimestamp>1700000000500</lastUpdatedTimestamp>\n"
                         "  <lastDirtyTimestamp>1700000000100</lastDirtyTimestamp>\n"
                         "  <actionType>ADDED</actionType>\n"
                         "</instance>";
  BOOST_TEST(instance_document_xml(spec_host1()) == std::string(expected));
}

BOOST_AUTO_TEST_CASE(application_document) {
  auto i1 = xml_at(spec_host1(), 1);
  auto i2 = xml_at(spec_host2(), 1);
  auto doc = application_document_xml("ORDER-SERVICE", {i1, i2});
  BOOST_TEST(doc.rfind("<application>\n  <name>ORDER-SERVICE</name>\n  <instance>\n    "
                       "<instanceId>host1:order-service:8080</instanceId>\n",
                       0)
             == 0);
  BOOST_TEST(i1.rfind("  <instance>\n    <instanceId>", 0) == 0);
  BOOST_TEST(i1.substr(i1.size() - 14) == "\n  </instance>");
  BOOST_TEST(
      doc == "<application>\n  <name>ORDER-SERVICE</name>\n" + i1 + "\n" + i2 + "\n</application>");
  BOOST_TEST(application_document_xml("EMPTY", {})
             == "<application>\n  <name>EMPTY</name>\n</application>");
}

BOOST_AUTO_TEST_CASE(depth_shifts_every_line) {
  auto d0 = xml_at(spec_host3(), 0);
  auto d3 = xml_at(spec_host3(), 3);
  std::string shifted = "      ";
  for (char c : d0) {
    shifted += c;
    if (c == '\n')
      shifted += "      ";
  }
  BOOST_TEST(d3 == shifted);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(field_rules)

BOOST_AUTO_TEST_CASE(everything_set) {
  const char* expected = "<instance>\n"
                         "  <instanceId>i-0abc</instanceId>\n"
                         "  <hostName>ec2-1.compute.amazonaws.com</hostName>\n"
                         "  <app>FULL-APP</app>\n"
                         "  <ipAddr>172.31.0.9</ipAddr>\n"
                         "  <sid>sid-7</sid>\n"
                         "  <status>OUT_OF_SERVICE</status>\n"
                         "  <overriddenstatus>OUT_OF_SERVICE</overriddenstatus>\n"
                         "  <port enabled=\"false\">8080</port>\n"
                         "  <securePort enabled=\"true\">8443</securePort>\n"
                         "  <countryId>44</countryId>\n"
                         "  <dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\">\n"
                         "    <name>Amazon</name>\n"
                         "    <metadata>\n"
                         "      <instance-id>i-0abc</instance-id>\n"
                         "      <availability-zone>eu-west-1a</availability-zone>\n"
                         "      <local-ipv4>172.31.0.9</local-ipv4>\n"
                         "    </metadata>\n"
                         "  </dataCenterInfo>\n"
                         "  <leaseInfo>\n"
                         "    <renewalIntervalInSecs>5</renewalIntervalInSecs>\n"
                         "    <durationInSecs>15</durationInSecs>\n"
                         "    <registrationTimestamp>1</registrationTimestamp>\n"
                         "    <lastRenewalTimestamp>2</lastRenewalTimestamp>\n"
                         "    <evictionTimestamp>3</evictionTimestamp>\n"
                         "    <serviceUpTimestamp>4</serviceUpTimestamp>\n"
                         "  </leaseInfo>\n"
                         "  <metadata>\n"
                         "    <my__key>a&lt;b&gt;&amp;&quot;c&apos;</my__key>\n"
                         "    <dollar_-key>v$</dollar_-key>\n"
                         "    <____both___->x</____both___->\n"
                         "    <unicode>caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80</unicode>\n"
                         "    <ws>tab\tnl\ncr&#xd;</ws>\n"
                         "  </metadata>\n"
                         "  <appGroupName>GROUP</appGroupName>\n"
                         "  <homePageUrl>http://h/</homePageUrl>\n"
                         "  <statusPageUrl>http://h/info</statusPageUrl>\n"
                         "  <healthCheckUrl>http://h/health</healthCheckUrl>\n"
                         "  <secureHealthCheckUrl>https://h/health</secureHealthCheckUrl>\n"
                         "  <vipAddress>full-app</vipAddress>\n"
                         "  <secureVipAddress>full-app-secure</secureVipAddress>\n"
                         "  <isCoordinatingDiscoveryServer>true</isCoordinatingDiscoveryServer>\n"
                         "  <lastUpdatedTimestamp>1700000009000</lastUpdatedTimestamp>\n"
                         "  <lastDirtyTimestamp>1700000008000</lastDirtyTimestamp>\n"
                         "  <actionType>MODIFIED</actionType>\n"
                         "  <asgName>asg-1</asgName>\n"
                         "</instance>";
  BOOST_TEST(instance_document_xml(codec_fixtures::everything_set()) == std::string(expected));
}

BOOST_AUTO_TEST_CASE(empty_amazon_metadata_and_netflix) {
  auto x = spec_host1();
  x.data_center.kind = data_center_kind::amazon;
  x.data_center.name = "Amazon";
  BOOST_TEST(
      instance_document_xml(x).find("  <dataCenterInfo class=\"com.netflix.appinfo.AmazonInfo\">\n"
                                    "    <name>Amazon</name>\n"
                                    "    <metadata class=\"java.util.Collections$EmptyMap\"/>\n"
                                    "  </dataCenterInfo>\n")
      != std::string::npos);
  x.data_center.kind = data_center_kind::netflix;
  BOOST_TEST(instance_document_xml(x).find("    <name>Netflix</name>\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_strings_and_absent_dc) {
  auto x = spec_host1();
  x.instance_id = std::string();
  x.sid = "";
  x.data_center.present = false;
  auto s = instance_document_xml(x);
  BOOST_TEST(s.rfind("<instance>\n  <instanceId></instanceId>\n", 0) == 0);
  BOOST_TEST(s.find("  <ipAddr>10.1.2.3</ipAddr>\n  <sid></sid>\n  <status>") != std::string::npos);
  BOOST_TEST(s.find("dataCenterInfo") == std::string::npos);
  BOOST_TEST(s.find("  <countryId>1</countryId>\n  <leaseInfo>\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(escaping)

BOOST_AUTO_TEST_CASE(xstream_text_escapes) {
  BOOST_TEST(text("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&apos;f");
  BOOST_TEST(text("\r\n\t") == "&#xd;\n\t");
  BOOST_TEST(text(std::string_view("\x00\x01\x1f\x7f", 4)) == "&#x0;&#x1;&#x1f;&#x7f;");
  BOOST_TEST(text("\xC2\x85\xC2\x9F\xC2\xA0") == "&#x85;&#x9f;\xC2\xA0"); // C1 controls, NBSP
  BOOST_TEST(text("\xEF\xBF\xBE\xEF\xB7\x90\xEF\xBF\xBD") == "&#xfffe;&#xfdd0;\xEF\xBF\xBD");
  BOOST_TEST(text("caf\xC3\xA9/\xF0\x9F\x98\x80") == "caf\xC3\xA9/\xF0\x9F\x98\x80");
  BOOST_TEST(text("&amp;") == "&amp;amp;");
}

BOOST_AUTO_TEST_CASE(xstream_name_coder) {
  using detail::decode_xml_name;
  using detail::encode_xml_name;
  BOOST_TEST(encode_xml_name("plain.key-1") == "plain.key-1");
  BOOST_TEST(encode_xml_name("my_key") == "my__key");
  BOOST_TEST(encode_xml_name("a$b") == "a_-b");
  BOOST_TEST(encode_xml_name("_$_") == "___-__");
  // XStream's fast path: without $, _, controls or non-ASCII nothing changes,
  // even characters that are invalid in XML names.
  BOOST_TEST(encode_xml_name("a b") == "a b");
  BOOST_TEST(encode_xml_name("1abc") == "1abc");
  // Once the fast path is left, invalid characters are hex-coded.
  BOOST_TEST(encode_xml_name("a_b c") == "a__b_.0020c");
  BOOST_TEST(encode_xml_name("k\xC3\xA9y") == "k\xC3\xA9y");
  BOOST_TEST(encode_xml_name("1\xC3\xA9") == "1\xC3\xA9"); // prefix "1" kept by the fast scan
  BOOST_TEST(encode_xml_name("\xC3\x97x") == "_.00d7x");   // U+00D7 is not a name char
  BOOST_TEST(encode_xml_name("a\xF0\x9F\x98\x80") == "a_.d83d_.de00");
  BOOST_TEST(decode_xml_name("my__key") == "my_key");
  BOOST_TEST(decode_xml_name("a_-b") == "a$b");
  BOOST_TEST(decode_xml_name("___-__") == "_$_");
  BOOST_TEST(decode_xml_name("a__b_.0020c") == "a_b c");
  BOOST_TEST(decode_xml_name("a_.d83d_.de00") == "a\xF0\x9F\x98\x80");
  BOOST_TEST(decode_xml_name("_.zz") == "_.zz");
  BOOST_TEST(decode_xml_name("x_") == "x_");
  for (std::string k : {"my_key", "$x$", "__", "a b_c", "k\xC3\xA9_\xF0\x9F\x98\x80", "_._-"})
    BOOST_TEST(decode_xml_name(encode_xml_name(k)) == k);
}

BOOST_AUTO_TEST_CASE(document_strings_escaped) {
  BOOST_TEST(applications_xml("1", "<&>", {})
             == "<applications>\n  <versions__delta>1</versions__delta>\n"
                "  <apps__hashcode>&lt;&amp;&gt;</apps__hashcode>\n</applications>");
  BOOST_TEST(application_document_xml("A&B", {})
             == "<application>\n  <name>A&amp;B</name>\n</application>");
}

// The one XML-character rule, shared by registration validation and the XML
// reader (issue 6 item 9).
BOOST_AUTO_TEST_CASE(xml_character_rule) {
  using detail::first_non_xml_char;
  using detail::is_xml_char;
  for (uint32_t cp :
       {0x9u, 0xAu, 0xDu, 0x20u, 0x7Fu, 0x85u, 0xD7FFu, 0xE000u, 0xFFFDu, 0x10000u, 0x10FFFFu})
    BOOST_TEST(is_xml_char(cp), cp);
  for (uint32_t cp : {0x0u, 0x1u, 0x8u, 0xBu, 0xCu, 0x1Fu, 0xD800u, 0xDFFFu, 0xFFFEu, 0xFFFFu,
                      0x110000u, 0xFFFFFFFFu})
    BOOST_TEST(!is_xml_char(cp), cp);
  BOOST_TEST(first_non_xml_char("") == -1);
  BOOST_TEST(first_non_xml_char("tab\tlf\ncr\r \x7f \xC2\x85 \xEF\xBF\xBD \xF0\x9F\x98\x80") == -1);
  BOOST_TEST(first_non_xml_char(std::string("a\0b", 3)) == 0);
  BOOST_TEST(first_non_xml_char("ab\x1b") == 0x1B);
  BOOST_TEST(first_non_xml_char("a\xEF\xBF\xBE") == 0xFFFE);
  BOOST_TEST(first_non_xml_char("\xEF\xBF\xBF") == 0xFFFF);
  // Bytes that are not UTF-8 are no characters either, surrogates included.
  BOOST_TEST(first_non_xml_char("a\xED\xA0\x80") == 0xED);
  BOOST_TEST(first_non_xml_char("\xFF") == 0xFF);
  BOOST_TEST(first_non_xml_char("\xC3") == 0xC3);
  BOOST_TEST(first_non_xml_char("\xC0\xAF") == 0xC0);
  BOOST_TEST(first_non_xml_char("\xF4\x90\x80\x80") == 0xF4);
  // So metadata from a query string (PUT .../metadata?k=%FF) is refused too.
  BOOST_TEST(!validate_metadata({{"k", "\xFF"}}).empty());
  BOOST_TEST(!validate_metadata({{"k", "\xED\xA0\x80"}}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
