// Limits that bound what one registrant can do to everyone else (issue 6
// items 3 and 8), against a real node: the lastDirtyTimestamp skew bound
// (no registration hijack), the field size limits (every registered instance
// stays addressable; one byte more is refused) and the metadata limits on
// dataCenterInfo metadata.
#define BOOST_TEST_MODULE http_limits
#include "test/http/http_support.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include <boost/test/unit_test.hpp>

#include "http_gateway/router.hpp"
#include "registry/instance_info.hpp"

using namespace http_test;

namespace {

const std::string max_ts = std::to_string(std::numeric_limits<int64_t>::max());

/// Every byte as %XX: the worst case a client may send.
std::string encode_all(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

/// `n` bytes of `unit` repeated (n a multiple of its size).
std::string repeat(std::string_view unit, size_t n) {
  BOOST_REQUIRE(n % unit.size() == 0);
  std::string out;
  while (out.size() < n)
    out += unit;
  return out;
}

instance_spec owner() {
  instance_spec s;
  s.app = "PAYMENTS";
  s.instance_id = "pay-1";
  s.host = "owner-host";
  s.ip = "10.0.0.1";
  return s;
}

/// A JSON registration with an AmazonInfo data centre whose metadata object
/// is `metadata` (raw JSON).
std::string amazon_json(const std::string& metadata) {
  return R"({"instance":{"instanceId":"ec2-1","hostName":"ec2-host","app":"AWS",)"
         R"("ipAddr":"10.0.0.9","status":"UP","port":{"$":8080,"@enabled":"true"},)"
         R"("dataCenterInfo":{"@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon",)"
         R"("metadata":)"
         + metadata + "}}}";
}

} // namespace

// -- issue 6 item 3: lastDirtyTimestamp skew ----------------------------------

BOOST_AUTO_TEST_SUITE(dirty_timestamp_skew)

BOOST_FIXTURE_TEST_CASE(hijack_is_refused_and_the_owner_keeps_winning, node_fixture) {
  BOOST_REQUIRE_EQUAL(register_json("PAYMENTS", instance_json(owner())).status, 204u);
  auto hijack = owner();
  hijack.host = "evil-host";
  hijack.ip = "6.6.6.6";
  hijack.last_dirty = std::numeric_limits<int64_t>::max();
  const std::string reason =
      "lastDirtyTimestamp " + max_ts + " is more than 600000 ms ahead of the server's clock";
  for (bool replication : {false, true}) {
    BOOST_TEST_CONTEXT("replication " << replication) {
      header_list extra;
      if (replication)
        extra.emplace_back("x-netflix-discovery-replication", "true");
      auto with_type = [&](const char* type) {
        auto hdrs = extra;
        hdrs.emplace_back("Content-Type", type);
        return hdrs;
      };
      auto r = req("POST", "/eureka/apps/PAYMENTS", with_type("application/json"),
                   instance_json(hijack));
      BOOST_TEST(r.status == 400u);
      BOOST_TEST(r.header("content-type") == "text/plain");
      BOOST_TEST(r.body == reason);
      r = req("POST", "/eureka/apps/PAYMENTS", with_type("application/xml"), instance_xml(hijack));
      BOOST_TEST(r.status == 400u);
      BOOST_TEST(r.body == reason);
      // The same value on the other writes that carry one.
      const std::string q = "lastDirtyTimestamp=" + max_ts;
      BOOST_TEST(
          req("PUT", "/eureka/apps/PAYMENTS/pay-1/status?value=OUT_OF_SERVICE&" + q, extra).body
          == reason);
      BOOST_TEST(req("DELETE", "/eureka/apps/PAYMENTS/pay-1/status?value=DOWN&" + q, extra).status
                 == 400u);
      BOOST_TEST(req("PUT", "/eureka/apps/PAYMENTS/pay-1?status=UP&" + q, extra).status == 400u);
    }
  }
  // Nothing changed: the owner's copy, UP, no override.
  auto x = parse_instance_json(get("/eureka/apps/PAYMENTS/pay-1").body);
  BOOST_TEST(x.host == "owner-host");
  BOOST_TEST(x.ip == "10.0.0.1");
  BOOST_TEST(x.status == "UP");
  BOOST_TEST(x.overridden == "UNKNOWN");
  // The owner's heartbeats and re-registrations keep working and winning.
  BOOST_TEST(
      req("PUT", "/eureka/apps/PAYMENTS/pay-1?status=UP&lastDirtyTimestamp=" + x.last_dirty).status
      == 200u);
  auto moved = owner();
  moved.ip = "10.0.0.2";
  BOOST_REQUIRE_EQUAL(register_json("PAYMENTS", instance_json(moved)).status, 204u);
  BOOST_TEST(parse_instance_json(get("/eureka/apps/PAYMENTS/pay-1").body).ip == "10.0.0.2");
}

// 0 restores Java's behaviour (no bound): the far-future timestamp is taken.
BOOST_AUTO_TEST_CASE(zero_means_no_bound) {
  auto cfg = test_node_config();
  cfg.gateway.max_dirty_timestamp_skew_ms = 0;
  node_fixture f{cfg};
  auto s = owner();
  s.last_dirty = std::numeric_limits<int64_t>::max();
  BOOST_REQUIRE_EQUAL(f.register_json("PAYMENTS", instance_json(s)).status, 204u);
  BOOST_TEST(parse_instance_json(f.get("/eureka/apps/PAYMENTS/pay-1").body).last_dirty == max_ts);
}

BOOST_AUTO_TEST_SUITE_END()

// -- issue 6 item 8: field sizes ----------------------------------------------

BOOST_AUTO_TEST_SUITE(field_sizes)

// The longest app name, id and VIP, made of bytes that all need encoding,
// percent-encoded in every byte: register, read, renew, override, delete the
// override, read by VIP and cancel -- with max-header-bytes only 256 bytes
// (this client's few headers) above the computed longest request line, so
// the bound the configuration check relies on is shown to be enough.
BOOST_AUTO_TEST_CASE(a_maximal_instance_stays_addressable) {
  auto cfg = test_node_config();
  cfg.gateway.max_header_bytes = eureka::gateway::longest_request_line("/eureka") + 256;
  node_fixture f{cfg};
  const auto app = repeat("\xC3\x89", eureka::max_app_name_bytes); // É, upper case already
  const auto id = repeat("\xC3\xA9/?", eureka::max_instance_id_bytes);
  const auto vip = repeat("v\xC3\xA9#", eureka::max_vip_address_bytes);
  instance_spec s;
  s.app = app;
  s.instance_id = id;
  s.vip = vip;
  s.svip = vip;
  auto path = "/eureka/v2/apps/" + encode_all(app) + "/" + encode_all(id);
  BOOST_REQUIRE_EQUAL(f.register_json(encode_all(app), instance_json(s), "/eureka/v2").status,
                      204u);
  auto x = parse_instance_json(f.get(path).body);
  BOOST_TEST(x.instance_id == id);
  BOOST_TEST(x.app == app);
  BOOST_TEST(f.get("/eureka/v2/instances/" + encode_all(id)).status == 200u);
  BOOST_TEST(f.get("/eureka/v2/vips/" + encode_all(vip)).body.find("\"vipAddress\"")
             != std::string::npos);
  BOOST_TEST(f.get("/eureka/v2/svips/" + encode_all(vip)).status == 200u);
  const std::string min_ts = "-9223372036854775808";
  BOOST_TEST(f.req("PUT", path + "?status=UP&lastDirtyTimestamp=" + x.last_dirty).status == 200u);
  BOOST_TEST(f.req("PUT", path + "/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=" + min_ts).status
             == 200u);
  BOOST_TEST(parse_instance_json(f.get(path).body).status == "OUT_OF_SERVICE");
  // A peer's renew, the longest query there is.
  BOOST_TEST(f.req("PUT",
                   path + "?status=OUT_OF_SERVICE&lastDirtyTimestamp=" + x.last_dirty
                       + "&overriddenstatus=OUT_OF_SERVICE",
                   {{"x-netflix-discovery-replication", "true"}})
                 .status
             == 200u);
  BOOST_TEST(f.req("DELETE", path + "/status?value=UP&lastDirtyTimestamp=" + min_ts).status
             == 200u);
  BOOST_TEST(parse_instance_json(f.get(path).body).status == "UP");
  BOOST_TEST(f.req("DELETE", path).status == 200u);
  BOOST_TEST(f.get(path).status == 404u);
}

BOOST_FIXTURE_TEST_CASE(one_byte_more_is_refused, node_fixture) {
  auto refused = [&](const instance_spec& s, std::string_view path_app, std::string_view reason) {
    auto r = register_json(path_app, instance_json(s));
    BOOST_TEST(r.status == 400u);
    BOOST_TEST(r.body == reason);
  };
  instance_spec s;
  s.instance_id = std::string(eureka::max_instance_id_bytes + 1, 'i');
  refused(s, "APP", "instanceId too long: 1025 bytes (at most 1024)");
  s.instance_id = std::string(900 * 1024, 'i'); // the issue's 900 KB id
  refused(s, "APP", "instanceId too long: 921600 bytes (at most 1024)");
  s = instance_spec{};
  s.host = std::string(eureka::max_host_name_bytes + 1, 'h');
  refused(s, "APP", "hostName too long: 256 bytes (at most 255)");
  s = instance_spec{};
  s.vip = std::string(eureka::max_vip_address_bytes + 1, 'v');
  refused(s, "APP", "vipAddress too long: 1025 bytes (at most 1024)");
  s = instance_spec{};
  s.app = std::string(eureka::max_app_name_bytes + 1, 'A');
  refused(s, s.app, "application name too long: 257 bytes (at most 256)");
  BOOST_TEST(apps_json() == empty_apps_json);
  // Path values beyond the limits: a clear 400, and the connection stays.
  auto long_id = std::string(eureka::max_instance_id_bytes + 1, 'i');
  for (std::string method : {"GET", "PUT", "DELETE"}) {
    auto r = req(method, "/eureka/apps/APP/" + long_id);
    BOOST_TEST(r.status == 400u, method);
    BOOST_TEST(r.body == "instance id too long: 1025 bytes (at most 1024)");
  }
  BOOST_TEST(get("/eureka/instances/" + long_id).status == 400u);
  BOOST_TEST(apps_json() == empty_apps_json);
}

BOOST_FIXTURE_TEST_CASE(data_center_metadata_has_the_metadata_limits, node_fixture) {
  std::string many = "{";
  for (size_t i = 0; i < eureka::max_metadata_entries + 1; ++i)
    many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  many += "}";
  auto r = register_json("AWS", amazon_json(many));
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(r.body == "Too many dataCenterInfo metadata entries: 1026 (at most 1024)");
  r = register_json("AWS", amazon_json(R"({"ami-id":")" + std::string(300 * 1024, 'x') + "\"}"));
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(r.body.find("dataCenterInfo metadata too large: ") == 0u, r.body);
  r = register_json("AWS", amazon_json(R"({"a b":"1"})"));
  BOOST_TEST(r.status == 400u);
  BOOST_TEST(r.body.find("Invalid dataCenterInfo metadata key 'a b'") == 0u, r.body);
  BOOST_TEST(apps_json() == empty_apps_json);
  // Within the limits it registers, as before.
  BOOST_TEST(register_json("AWS", amazon_json(R"({"ami-id":"ami-1"})")).status == 204u);
}

BOOST_AUTO_TEST_SUITE_END()
