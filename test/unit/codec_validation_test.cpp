#define BOOST_TEST_MODULE codec_validation_test
#include <boost/test/unit_test.hpp>

#include <string>

#include "codec/instance_codec.hpp"
#include "codec_test_util.hpp"

using namespace eureka;
using namespace eureka::codec;

namespace {

constexpr const char* my_own =
    R"("dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"})";

/// Decodes `{"instance":{<fields>}}` and validates it against `path_app`.
std::string check(const std::string& fields, std::string_view path_app,
                  instance_info* out = nullptr) {
  auto r = decode_instance_json("{\"instance\":{" + fields + "}}", 1);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  auto reason = validate_registration(r.info, path_app);
  if (out)
    *out = r.info;
  return reason;
}

std::string valid_fields() {
  return std::string(R"("instanceId":"i1","hostName":"h1","app":"FOO","ipAddr":"10.0.0.1",)")
         + my_own;
}

} // namespace

BOOST_AUTO_TEST_CASE(t1_valid_registration) {
  BOOST_TEST(check(valid_fields(), "FOO") == "");
}

BOOST_AUTO_TEST_CASE(t2_missing_instance_id) {
  BOOST_TEST(check(std::string(R"("app":"FOO","ipAddr":"10.0.0.1",)") + my_own, "FOO")
             == "Missing instanceId");
  BOOST_TEST(
      check(std::string(R"("instanceId":"","hostName":"","app":"FOO","ipAddr":"1",)") + my_own,
            "FOO")
      == "Missing instanceId");
  // ApplicationResource.isBlank is "null or empty": whitespace passes.
  BOOST_TEST(
      check(std::string(R"("instanceId":" \t","hostName":" ","app":"FOO","ipAddr":" ",)") + my_own,
            "FOO")
      == "");
}

BOOST_AUTO_TEST_CASE(t3_missing_hostname) {
  BOOST_TEST(
      check(std::string(R"("instanceId":"i1","hostName":"","app":"FOO","ipAddr":"1",)") + my_own,
            "FOO")
      == "Missing hostname");
  BOOST_TEST(check(std::string(R"("instanceId":"i1","app":"FOO","ipAddr":"1",)") + my_own, "FOO")
             == "Missing hostname");
}

BOOST_AUTO_TEST_CASE(t4_missing_ip_address) {
  BOOST_TEST(check(std::string(R"("instanceId":"i1","hostName":"h","app":"FOO",)") + my_own, "FOO")
             == "Missing ip address");
  BOOST_TEST(
      check(std::string(R"("instanceId":"i1","hostName":"h","app":"FOO","ipAddr":"",)") + my_own,
            "FOO")
      == "Missing ip address");
}

BOOST_AUTO_TEST_CASE(t5_missing_app_name) {
  BOOST_TEST(
      check(std::string(R"("instanceId":"i1","hostName":"h","app":"","ipAddr":"1",)") + my_own,
            "FOO")
      == "Missing appName");
}

BOOST_AUTO_TEST_CASE(t6_mismatched_app_name) {
  BOOST_TEST(check(std::string(R"("instanceId":"i1","hostName":"h","app":"FOOextraExtra",)")
                       + R"("ipAddr":"1",)" + my_own,
                   "FOO")
             == "Mismatched appName, expecting FOO but was FOOEXTRAEXTRA");
}

BOOST_AUTO_TEST_CASE(t7_missing_data_center) {
  BOOST_TEST(check(R"("instanceId":"i1","hostName":"h","app":"FOO","ipAddr":"1")", "FOO")
             == "Missing dataCenterInfo");
  BOOST_TEST(
      check(
          R"("instanceId":"i1","hostName":"h","app":"FOO","ipAddr":"1",)"
          R"("dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo"})",
          "FOO")
      == "Missing dataCenterInfo Name");
  BOOST_TEST(check(R"("instanceId":"i1","hostName":"h","app":"FOO","ipAddr":"1",)"
                   R"("dataCenterInfo":{"name":null})",
                   "FOO")
             == "Missing dataCenterInfo Name");
  // The same through XML: <dataCenterInfo> without <name> is a null data centre.
  auto r = decode_instance_xml("<instance><instanceId>i1</instanceId><hostName>h</hostName>"
                               "<app>FOO</app><ipAddr>1</ipAddr><dataCenterInfo "
                               "class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\"/>"
                               "</instance>",
                               1);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(validate_registration(r.info, "FOO") == "Missing dataCenterInfo");
}

BOOST_AUTO_TEST_CASE(t8_amazon_instance_id_back_filled) {
  instance_info x;
  // No instanceId: getId() falls back to the host name, which is back-filled.
  BOOST_TEST(check(R"("hostName":"ec2-host","app":"FOO","ipAddr":"1",)"
                   R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
                   R"("metadata":{"ami-id":"ami-1"}})",
                   "FOO", &x)
             == "");
  BOOST_TEST(
      (x.data_center.metadata == string_pairs{{"ami-id", "ami-1"}, {"instance-id", "ec2-host"}}));
  BOOST_TEST(x.id() == "ec2-host");

  // With an instanceId, that id is back-filled.
  BOOST_TEST(
      check(
          R"("instanceId":"my-id","hostName":"ec2-host","app":"FOO","ipAddr":"1",)"
          R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{}})",
          "FOO", &x)
      == "");
  BOOST_TEST((x.data_center.metadata == string_pairs{{"instance-id", "my-id"}}));

  // An instance-id that is present (even blank) is left alone.
  BOOST_TEST(check(R"("instanceId":"my-id","hostName":"ec2-host","app":"FOO","ipAddr":"1",)"
                   R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
                   R"("metadata":{"instance-id":""}})",
                   "FOO", &x)
             == "");
  BOOST_TEST((x.data_center.metadata == string_pairs{{"instance-id", ""}}));
  BOOST_TEST(check(R"("hostName":"ec2-host","app":"FOO","ipAddr":"1",)"
                   R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
                   R"("metadata":{"instance-id":"i-77"}})",
                   "FOO", &x)
             == "");
  BOOST_TEST((x.data_center.metadata == string_pairs{{"instance-id", "i-77"}}));
  BOOST_TEST(x.id() == "i-77");

  // MyOwn data centres are never touched.
  BOOST_TEST(check(valid_fields(), "FOO", &x) == "");
  BOOST_TEST(x.data_center.metadata.empty());
}

BOOST_AUTO_TEST_CASE(t9_app_name_case_insensitive) {
  instance_info x;
  BOOST_TEST(
      check(std::string(R"("instanceId":"i1","hostName":"h","app":"Foo","ipAddr":"1",)") + my_own,
            to_upper_ascii("foo"), &x)
      == "");
  BOOST_TEST(x.app == "FOO");
}

BOOST_AUTO_TEST_CASE(steps_run_in_order) {
  // Everything missing: the first step wins.
  BOOST_TEST(check(R"("app":"")", "FOO") == "Missing instanceId");
  // Host and ip missing: hostname first.
  BOOST_TEST(check(R"("instanceId":"i","app":"")", "FOO") == "Missing hostname");
  // App mismatch is reported before the missing data centre.
  BOOST_TEST(check(R"("instanceId":"i","hostName":"h","ipAddr":"1","app":"BAR")", "FOO")
             == "Mismatched appName, expecting FOO but was BAR");
}

BOOST_AUTO_TEST_CASE(metadata_keys_must_be_xml_names) {
  auto with = [](const std::string& metadata) {
    return check(valid_fields() + R"(,"metadata":)" + metadata, "FOO");
  };
  BOOST_TEST(with(R"({"management.port":"8080","my_key":"1","x$y":"2","zoné":"3"})") == "");
  for (auto bad :
       {R"({"a b":"1"})", R"({"":"1"})", R"({"x<y":"1"})", R"({"1abc":"1"})", R"({"a/b":"1"})"})
    BOOST_TEST(with(bad).find("Invalid metadata key") == 0u, bad);
}

BOOST_AUTO_TEST_CASE(characters_xml_cannot_carry_are_refused) {
  // Java writes them as &#x7; and the like; Go's encoding/xml (Prometheus's
  // eureka_sd_configs, fargo) and expat then reject the whole registry.
  auto with = [](const std::string& extra) { return check(valid_fields() + "," + extra, "FOO"); };
  BOOST_TEST(with(R"("metadata":{"ok":"tab\tlf\ncr\r \u007f \u0085 \ufffd \ud83d\ude00 é"})")
             == "");
  BOOST_TEST(with(R"("metadata":{"k":"bell\u0007"})")
             == "Invalid metadata value of 'k': character U+0007 cannot be written in XML");
  BOOST_TEST(with(R"("metadata":{"k":"\u0000"})").find("character U+0000") != std::string::npos);
  BOOST_TEST(with(R"("metadata":{"k":"x\uffff"})").find("character U+FFFF") != std::string::npos);
  BOOST_TEST(with(R"("metadata":{"k":"\ufffe"})").find("character U+FFFE") != std::string::npos);
  BOOST_TEST(with(R"("vipAddress":"v\u001f")")
             == "Invalid vipAddress: character U+001F cannot be written in XML");
  BOOST_TEST(check(R"("instanceId":"i1","hostName":"h\u0001","app":"FOO","ipAddr":"1",)"
                       + std::string(my_own),
                   "FOO")
             == "Invalid hostName: character U+0001 cannot be written in XML");
  BOOST_TEST(validate_metadata({{"k", "v\x0b"}}).find("U+000B") != std::string::npos);
  BOOST_TEST(validate_metadata({{"k", "v\t"}}) == "");
}

BOOST_AUTO_TEST_CASE(metadata_limits) {
  string_pairs many;
  for (size_t i = 0; i <= max_metadata_entries; ++i)
    many.emplace_back("k" + std::to_string(i), "v");
  BOOST_TEST(validate_metadata(many).find("Too many metadata entries") == 0u);
  many.pop_back();
  BOOST_TEST(validate_metadata(many) == "");
  string_pairs big{{"k", std::string(max_metadata_bytes, 'x')}};
  BOOST_TEST(validate_metadata(big).find("Metadata too large") == 0u);
}

BOOST_AUTO_TEST_CASE(metadata_with_many_keys_decodes_in_linear_time) {
  // 20k distinct keys: a quadratic duplicate scan would take seconds here;
  // the assertion is on the result, the bound on time is the suite timeout.
  std::string json = R"({"instance":{"instanceId":"i1","hostName":"h","app":"A","ipAddr":"1",)"
                     R"("metadata":{)";
  for (int i = 0; i < 20000; ++i)
    json += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":\"v\"";
  json += R"(,"k7":"last"}}})";
  auto r = decode_instance_json(json, 1);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.info.metadata.size() == 20000u);
  BOOST_TEST(r.info.metadata[7].second == "last");
}

namespace {

/// A valid registration (app FOO) after `change`, validated.
template <class Change>
std::string check_changed(Change change) {
  auto r = decode_instance_json("{\"instance\":{" + valid_fields() + "}}", 1);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  change(r.info);
  return validate_registration(r.info, r.info.app);
}

} // namespace

// Issue 6 item 8: every text field is bounded, so that a registered instance
// stays addressable and one registration cannot cost megabytes.
BOOST_AUTO_TEST_CASE(text_fields_are_bounded) {
  struct field {
    const char* name;
    opt_string instance_info::*opt;
    std::string instance_info::*req;
    size_t limit;
  };
  const field fields[] = {
      {"instanceId", &instance_info::instance_id, nullptr, max_instance_id_bytes},
      {"hostName", nullptr, &instance_info::host_name, max_host_name_bytes},
      {"app", nullptr, &instance_info::app, max_app_name_bytes},
      {"ipAddr", nullptr, &instance_info::ip_addr, max_host_name_bytes},
      {"sid", nullptr, &instance_info::sid, max_short_field_bytes},
      {"appGroupName", &instance_info::app_group_name, nullptr, max_app_name_bytes},
      {"homePageUrl", &instance_info::home_page_url, nullptr, max_url_bytes},
      {"statusPageUrl", &instance_info::status_page_url, nullptr, max_url_bytes},
      {"healthCheckUrl", &instance_info::health_check_url, nullptr, max_url_bytes},
      {"secureHealthCheckUrl", &instance_info::secure_health_check_url, nullptr, max_url_bytes},
      {"vipAddress", &instance_info::vip_address, nullptr, max_vip_address_bytes},
      {"secureVipAddress", &instance_info::secure_vip_address, nullptr, max_vip_address_bytes},
      {"asgName", &instance_info::asg_name, nullptr, max_short_field_bytes},
  };
  for (const auto& f : fields) {
    BOOST_TEST_CONTEXT(f.name) {
      auto set = [&](size_t n) {
        return [&f, n](instance_info& x) {
          std::string v(n, 'A');
          if (f.opt)
            x.*f.opt = v;
          else
            x.*f.req = v;
        };
      };
      BOOST_TEST(check_changed(set(f.limit)) == "");
      BOOST_TEST(check_changed(set(f.limit + 1))
                 == std::string(f.name) + " too long: " + std::to_string(f.limit + 1)
                        + " bytes (at most " + std::to_string(f.limit) + ")");
    }
  }
  BOOST_TEST(check_changed([](instance_info& x) { x.data_center.name = std::string(256, 'x'); })
             == "dataCenterInfo name too long: 256 bytes (at most 255)");
  // The issue's 900 KB id.
  BOOST_TEST(check_changed([](instance_info& x) {
               x.instance_id = std::string(900 * 1024, 'i');
             }).find("instanceId too long: 921600 bytes")
             == 0u);
}

BOOST_AUTO_TEST_CASE(java_reasons_come_before_the_limits) {
  BOOST_TEST(check(std::string(R"("instanceId":")") + std::string(2000, 'i')
                       + R"(","hostName":"","app":"FOO","ipAddr":"1",)" + my_own,
                   "FOO")
             == "Missing hostname");
  BOOST_TEST(check(std::string(R"("instanceId":"i","hostName":"h","app":"FOO","ipAddr":"1",)")
                       + R"("vipAddress":")" + std::string(2000, 'v') + "\"",
                   "FOO")
             == "Missing dataCenterInfo");
}

BOOST_AUTO_TEST_CASE(amazon_instance_id_standing_in_for_the_id_is_bounded) {
  auto amazon = [](const std::string& id) {
    return check(R"("hostName":"ec2-host","app":"FOO","ipAddr":"1",)"
                 R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
                 R"("metadata":{"instance-id":")"
                     + id + "\"}}",
                 "FOO");
  };
  BOOST_TEST(amazon(std::string(max_instance_id_bytes, 'i')) == "");
  BOOST_TEST(amazon(std::string(max_instance_id_bytes + 1, 'i'))
             == "dataCenterInfo metadata instance-id (the instance id) too long: 1025 bytes "
                "(at most 1024)");
}

// AmazonInfo metadata is written like the instance's metadata, so it has the
// same limits (it used to bypass them).
BOOST_AUTO_TEST_CASE(data_center_metadata_has_the_metadata_limits) {
  auto amazon = [](const std::string& metadata) {
    return check(R"("instanceId":"i1","hostName":"h","app":"FOO","ipAddr":"1",)"
                 R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
                 R"("metadata":)"
                     + metadata + "}",
                 "FOO");
  };
  BOOST_TEST(amazon(R"({"ami-id":"ami-1","availability-zone":"eu-west-1a"})") == "");
  // instance-id is back-filled: 1023 sent + 1 = the limit.
  std::string many = "{";
  for (size_t i = 0; i + 1 < max_metadata_entries; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  BOOST_TEST(amazon(many + "}") == "");
  BOOST_TEST(amazon(many + R"(,"one-more":"v"})")
             == "Too many dataCenterInfo metadata entries: 1025 (at most 1024)");
  BOOST_TEST(amazon(R"({"big":")" + std::string(max_metadata_bytes, 'x') + "\"}")
                 .find("dataCenterInfo metadata too large: ")
             == 0u);
  BOOST_TEST(amazon(R"({"a b":"1"})")
             == "Invalid dataCenterInfo metadata key 'a b': not usable as an XML element name");
  BOOST_TEST(amazon(R"({"k":"bell\u0007"})")
             == "Invalid dataCenterInfo metadata value of 'k': character U+0007 cannot be "
                "written in XML");
}

// A metadata key that is not UTF-8 text (PUT .../metadata?%FF=v) is refused
// like a value, without echoing the raw bytes.
BOOST_AUTO_TEST_CASE(metadata_key_that_is_not_text_is_refused) {
  for (std::string key :
       {std::string("\xFF"), std::string("k\xED\xA0\x80"), std::string("a\x01")}) {
    auto reason = validate_metadata({{key, "v"}});
    BOOST_TEST(reason.find("Invalid metadata key: character") == 0u, reason);
    BOOST_TEST(reason.find(key) == std::string::npos);
  }
  BOOST_TEST(validate_metadata({{"z\xC3\xBCrich", "v"}}).empty());
}
