#define BOOST_TEST_MODULE codec_replication_test
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "codec/applications_reader.hpp"
#include "codec/instance_codec.hpp"
#include "codec/replication_codec.hpp"
#include "codec_spec_examples.hpp"
#include "codec_test_util.hpp"

using namespace eureka;
using namespace eureka::codec;
using namespace codec_fixtures;

namespace eureka::codec {

/// The items without their decode-side fields, as the encoder takes them.
inline std::string encode_replication_list(const std::vector<decoded_replication_item>& items) {
  return encode_replication_list(std::vector<replication_item>(items.begin(), items.end()));
}

inline std::ostream& operator<<(std::ostream& os, const decoded_replication_item& x) {
  os << encode_replication_list(std::vector<replication_item>{x});
  if (!x.valid)
    os << " invalid: " << x.error;
  return os;
}

} // namespace eureka::codec

namespace eureka {

inline std::ostream& operator<<(std::ostream& os, replication_action a) {
  return os << to_string(a);
}

inline std::ostream& operator<<(std::ostream& os, const replication_result& x) {
  return os << codec::encode_replication_response({x});
}

} // namespace eureka

namespace caf {

// Boost.Test diagnostics for optional timestamps and statuses (the string
// form is codec_test_util.hpp's).
template <class T>
std::ostream& operator<<(std::ostream& os, const optional<T>& x) {
  return x ? os << *x : os << "<none>";
}

} // namespace caf

namespace {

constexpr int64_t now = 1700000099999;
constexpr size_t max_items = 250;

std::string json_object(const instance_info& x) {
  std::string out;
  append_instance_json(out, x);
  return out;
}

replication_list_result decode(std::string_view body, size_t limit = max_items) {
  return decode_replication_list(body, now, limit);
}

/// `{"replicationList":[<items>]}`.
std::string batch(const std::vector<std::string>& items) {
  std::string out = "{\"replicationList\":[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return out + "]}";
}

decoded_replication_item item(replication_action a, std::string app, std::string id) {
  decoded_replication_item x;
  x.action = a;
  x.app = std::move(app);
  x.id = std::move(id);
  return x;
}

/// Contract §2.8's example batch, with the elided instanceInfo filled in by
/// the §2.7 host1 instance (the example marks its fields `"...":"..."`).
std::string spec_batch() {
  return R"({"replicationList":[)"
         R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","lastDirtyTimestamp":1700000000100,)"
         R"("status":"UP","instanceInfo":)"
         + json_object(spec_host1())
         + R"(,"action":"Register"},)"
           R"({"appName":"ORDER-SERVICE","id":"host2:order-service:8080","lastDirtyTimestamp":1700000000900,)"
           R"("status":"OUT_OF_SERVICE","overriddenStatus":"OUT_OF_SERVICE","action":"Heartbeat"},)"
           R"({"appName":"BILLING","id":"host3:billing:9000","action":"Cancel"}]})";
}

/// The items of spec_batch().
std::vector<decoded_replication_item> spec_items() {
  auto reg =
      item(replication_action::register_instance, "ORDER-SERVICE", "host1:order-service:8080");
  reg.last_dirty_timestamp = 1700000000100;
  reg.status = instance_status::up;
  reg.info = spec_host1();
  auto beat = item(replication_action::heartbeat, "ORDER-SERVICE", "host2:order-service:8080");
  beat.last_dirty_timestamp = 1700000000900;
  beat.status = instance_status::out_of_service;
  beat.overridden_status = instance_status::out_of_service;
  auto cancel = item(replication_action::cancel, "BILLING", "host3:billing:9000");
  return {reg, beat, cancel};
}

/// One item per action, filled as ReplicationTaskProcessor fills it (§2.8).
std::vector<decoded_replication_item> one_per_action() {
  auto full = everything_set(); // Amazon, every optional field; id() = "i-0abc"
  auto reg = item(replication_action::register_instance, full.app, full.id());
  reg.last_dirty_timestamp = full.last_dirty_timestamp;
  reg.status = full.status;
  reg.info = full;
  auto beat = item(replication_action::heartbeat, "ORDER-SERVICE", "host1:order-service:8080");
  beat.last_dirty_timestamp = 1700000000100;
  beat.status = instance_status::up;
  beat.overridden_status = instance_status::down;
  auto cancel = item(replication_action::cancel, "BILLING", "host3:billing:9000");
  auto status = item(replication_action::status_update, "BILLING", "host3:billing:9000");
  status.last_dirty_timestamp = 1700000001900;
  status.status = instance_status::out_of_service;
  auto del = item(replication_action::delete_status_override, "BILLING", "host3:billing:9000");
  del.last_dirty_timestamp = 1700000002900;
  del.status = instance_status::unknown;
  return {reg, beat, cancel, status, del};
}

} // namespace

BOOST_AUTO_TEST_SUITE(actions)

BOOST_AUTO_TEST_CASE(wire_names_exact_and_case_sensitive) {
  const std::pair<replication_action, std::string> names[] = {
      {replication_action::register_instance, "Register"},
      {replication_action::heartbeat, "Heartbeat"},
      {replication_action::cancel, "Cancel"},
      {replication_action::status_update, "StatusUpdate"},
      {replication_action::delete_status_override, "DeleteStatusOverride"},
  };
  for (const auto& [a, name] : names) {
    BOOST_TEST(to_string(a) == name);
    auto parsed = replication_action::cancel;
    if (a == replication_action::cancel)
      parsed = replication_action::heartbeat;
    BOOST_TEST(parse_replication_action(name, parsed));
    BOOST_TEST(parsed == a);
  }
  auto out = replication_action::cancel;
  for (std::string_view bad : {"register", "REGISTER", "Register ", "", "Statusupdate", "Delete"})
    BOOST_TEST(!parse_replication_action(bad, out), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replication_list)

BOOST_AUTO_TEST_CASE(spec_instance_is_the_section_2_7_object) {
  // The instanceInfo of spec_batch() is byte for byte an instance of §2.7.
  BOOST_TEST(std::string(spec_registry_json).find(json_object(spec_host1())) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(spec_batch_decodes) {
  auto r = decode(spec_batch());
  BOOST_TEST_REQUIRE(r.ok, r.error);
  auto expected = spec_items();
  BOOST_TEST_REQUIRE(r.items.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    BOOST_TEST(r.items[i].valid, i << ": " << r.items[i].error);
    BOOST_TEST(r.items[i] == expected[i], "item " << i);
  }
  BOOST_TEST(r.items[0].info->lease.duration_secs == 90);
  BOOST_TEST(!r.items[1].info);
}

BOOST_AUTO_TEST_CASE(encoding_is_byte_exact) {
  // Contract §2.8's field order (ReplicationInstance's creator order):
  // appName, id, lastDirtyTimestamp, overriddenStatus, status, instanceInfo,
  // action, unset ones omitted. (The §2.8 example batch writes "status"
  // before "overriddenStatus", contradicting that order and Jackson's; the
  // order wins.)
  const std::string expected =
      R"({"replicationList":[)"
      R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","lastDirtyTimestamp":1700000000100,)"
      R"("status":"UP","instanceInfo":)"
      + json_object(spec_host1())
      + R"(,"action":"Register"},)"
        R"({"appName":"ORDER-SERVICE","id":"host2:order-service:8080","lastDirtyTimestamp":1700000000900,)"
        R"("overriddenStatus":"OUT_OF_SERVICE","status":"OUT_OF_SERVICE","action":"Heartbeat"},)"
        R"({"appName":"BILLING","id":"host3:billing:9000","action":"Cancel"}]})";
  BOOST_TEST(encode_replication_list(spec_items()) == expected);
  BOOST_TEST(encode_replication_list(std::vector<replication_item>{})
             == R"({"replicationList":[]})");
  // Every field of one item, and strings escaped as Jackson does.
  auto x = item(replication_action::delete_status_override, "A\"B", "id\\1\n");
  x.last_dirty_timestamp = -5;
  x.overridden_status = instance_status::starting;
  x.status = instance_status::down;
  BOOST_TEST(
      encode_replication_list(std::vector<decoded_replication_item>{x})
      == R"({"replicationList":[{"appName":"A\"B","id":"id\\1\n","lastDirtyTimestamp":-5,)"
         R"("overriddenStatus":"STARTING","status":"DOWN","action":"DeleteStatusOverride"}]})");
  // valid/error are decode-side only.
  x.valid = false;
  x.error = "whatever";
  BOOST_TEST(encode_replication_list(std::vector<decoded_replication_item>{x}).find("whatever")
             == std::string::npos);
}

BOOST_AUTO_TEST_CASE(round_trip_every_action) {
  auto items = one_per_action();
  auto r = decode(encode_replication_list(items));
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == items.size());
  for (size_t i = 0; i < items.size(); ++i)
    BOOST_TEST(r.items[i] == items[i], "item " << i);
  // And each alone, with every optional field the action does not need.
  for (auto x : items) {
    x.overridden_status = instance_status::starting;
    if (!x.last_dirty_timestamp)
      x.last_dirty_timestamp = 1;
    auto one = decode(encode_replication_list(std::vector<decoded_replication_item>{x}));
    BOOST_TEST_REQUIRE(one.ok, one.error);
    BOOST_TEST_REQUIRE(one.items.size() == 1u);
    BOOST_TEST(one.items[0] == x);
  }
}

BOOST_AUTO_TEST_CASE(field_order_free_unknown_and_null_fields_ignored) {
  auto body = batch({
      R"({"action":"Heartbeat","futureField":{"deep":[1,{"x":null}]},"status":null,)"
      R"("overriddenStatus":"DOWN","id":"i1","lastDirtyTimestamp":"1700000000000","appName":"app-a",)"
      R"("instanceInfo":null})",
      R"({"id":"i2","appName":"B","action":"Cancel","lastDirtyTimestamp":null})",
  });
  auto r = decode(body + "");
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 2u);
  auto beat = item(replication_action::heartbeat, "APP-A", "i1"); // appName upper-cased
  beat.last_dirty_timestamp = 1700000000000;                      // numeric string
  beat.overridden_status = instance_status::down;
  BOOST_TEST(r.items[0] == beat);
  BOOST_TEST(r.items[1] == item(replication_action::cancel, "B", "i2"));
  // Unknown root fields too, before or after the list; a repeated key: last.
  auto root = decode(R"({"v":1,"replicationList":[],"replicationList":[)"
                     R"({"appName":"C","id":"c","action":"Cancel"}],"w":{}})");
  BOOST_TEST_REQUIRE(root.ok, root.error);
  BOOST_TEST_REQUIRE(root.items.size() == 1u);
  BOOST_TEST(root.items[0] == item(replication_action::cancel, "C", "c"));
}

BOOST_AUTO_TEST_CASE(last_dirty_timestamp_forms) {
  auto body = batch({
      R"({"appName":"A","id":"1","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":42})",
      R"({"appName":"A","id":"2","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":"43"})",
      R"({"appName":"A","id":"3","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":44.9})",
      R"({"appName":"A","id":"4","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":"x"})",
      R"({"appName":"A","id":"5","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":{}})",
      R"({"appName":"A","id":"6","action":"StatusUpdate","status":"UP","lastDirtyTimestamp":1e30})",
  });
  auto r = decode(body);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 6u);
  BOOST_TEST(r.items[0].valid);
  BOOST_TEST(r.items[0].last_dirty_timestamp == caf::optional<int64_t>(42));
  BOOST_TEST(r.items[1].valid);
  BOOST_TEST(r.items[1].last_dirty_timestamp == caf::optional<int64_t>(43));
  BOOST_TEST(r.items[2].valid);
  BOOST_TEST(r.items[2].last_dirty_timestamp == caf::optional<int64_t>(44)); // Jackson truncates
  for (size_t i = 3; i < 6; ++i) {
    BOOST_TEST(!r.items[i].valid, i);
    BOOST_TEST(r.items[i].error.find("lastDirtyTimestamp") != std::string::npos, r.items[i].error);
  }
}

BOOST_AUTO_TEST_CASE(fields_an_action_does_not_read_are_dropped_when_malformed) {
  auto body = batch({
      // Cancel reads no timestamp, status or instance.
      R"({"appName":"A","id":"1","action":"Cancel","lastDirtyTimestamp":"x","status":"up",)"
      R"("overriddenStatus":{},"instanceInfo":{"no":"app"}})",
      // Heartbeat does not read status (InstanceResource.renewLease ignores it).
      R"({"appName":"A","id":"2","action":"Heartbeat","lastDirtyTimestamp":5,"status":"Up"})",
      // Register reads neither status field nor the item's timestamp.
      R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","action":"Register",)"
      R"("status":"BAD","overriddenStatus":"BAD","lastDirtyTimestamp":[],"instanceInfo":)"
          + json_object(spec_host1()) + "}",
      // An instance on an action other than Register is not read at all.
      R"({"appName":"A","id":"4","action":"StatusUpdate","status":"DOWN","lastDirtyTimestamp":7,)"
      R"("instanceInfo":)"
          + json_object(spec_host3()) + "}",
  });
  auto r = decode(body);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 4u);
  BOOST_TEST(r.items[0] == item(replication_action::cancel, "A", "1"));
  auto beat = item(replication_action::heartbeat, "A", "2");
  beat.last_dirty_timestamp = 5;
  BOOST_TEST(r.items[1] == beat);
  auto reg =
      item(replication_action::register_instance, "ORDER-SERVICE", "host1:order-service:8080");
  reg.info = spec_host1();
  BOOST_TEST(r.items[2] == reg);
  auto status = item(replication_action::status_update, "A", "4");
  status.status = instance_status::down;
  status.last_dirty_timestamp = 7;
  BOOST_TEST(r.items[3] == status);
}

BOOST_AUTO_TEST_CASE(register_instance_decoded_as_a_registration_body) {
  // A Spring Cloud-style body: numbers as numbers, nulls, lower-case app,
  // old `overriddenstatus` spelling, no instanceId but metadata instanceId.
  auto body = batch({
      R"({"appName":"order","id":"h1:order:1","action":"Register","instanceInfo":)"
      R"({"app":"order","hostName":"h1","ipAddr":"10.0.0.1","status":"DOWN","overriddenstatus":"DOWN",)"
      R"("dataCenterInfo":{"@class":"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},)"
      R"("leaseInfo":{"renewalIntervalInSecs":5,"durationInSecs":15},"metadata":{"instanceId":"order:1"},)"
      R"("asgName":null,"actionType":"MODIFIED","port":{"$":"8080","@enabled":true}}})",
  });
  auto r = decode(body);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 1u);
  const auto& x = r.items[0];
  BOOST_TEST_REQUIRE(x.valid, x.error);
  BOOST_TEST(x.app == "ORDER");
  BOOST_TEST_REQUIRE(static_cast<bool>(x.info));
  BOOST_TEST(x.info->app == "ORDER");
  BOOST_TEST(x.info->instance_id == opt_string("h1:order:1")); // Spring's rule
  BOOST_TEST(x.info->status == instance_status::down);
  BOOST_TEST(x.info->overridden_status == instance_status::down);
  BOOST_TEST(x.info->lease.duration_secs == 15);
  BOOST_TEST(x.info->lease.renewal_interval_secs == 5);
  BOOST_TEST(x.info->action == action_type::modified);
  BOOST_TEST(x.info->port.port == 8080);
  BOOST_TEST(x.info->last_dirty_timestamp == now); // absent: decode time
  BOOST_TEST(x.info->last_updated_timestamp == now);
}

BOOST_AUTO_TEST_CASE(bad_items_marked_invalid_rest_decodes) {
  const std::string host1 = json_object(spec_host1());
  const std::vector<std::pair<std::string, std::string>> bad = {
      // {item, expected piece of the error}
      {R"({"appName":"A","id":"1","action":"register"})", "action"},
      {R"({"appName":"A","id":"1","action":"Evict"})", "action"},
      {R"({"appName":"A","id":"1"})", "action"},
      {R"({"appName":"A","id":"1","action":null})", "action"},
      {R"({"appName":"A","id":"1","action":0})", "action"},
      {R"({"appName":"A","id":"1","action":["Cancel"]})", "action"},
      {R"({"id":"1","action":"Cancel"})", "appName"},
      {R"({"appName":"","id":"1","action":"Cancel"})", "appName"},
      {R"({"appName":{},"id":"1","action":"Cancel"})", "appName"},
      {R"({"appName":"A","action":"Cancel"})", "'id'"},
      {R"({"appName":"A","id":"","action":"Cancel"})", "'id'"},
      {R"({"appName":"A","id":[1],"action":"Cancel"})", "'id'"},
      {R"({"appName":"A","id":"1","action":"StatusUpdate","lastDirtyTimestamp":1})", "status"},
      {R"({"appName":"A","id":"1","action":"StatusUpdate","status":"up","lastDirtyTimestamp":1})",
       "status"},
      {R"({"appName":"A","id":"1","action":"StatusUpdate","status":{},"lastDirtyTimestamp":1})",
       "status"},
      {R"({"appName":"A","id":"1","action":"DeleteStatusOverride","status":"UP"})",
       "lastDirtyTimestamp"},
      {R"({"appName":"A","id":"1","action":"DeleteStatusOverride","status":"NOPE",)"
       R"("lastDirtyTimestamp":1})",
       "status"},
      {R"({"appName":"A","id":"1","action":"Heartbeat","overriddenStatus":"Down"})",
       "overriddenStatus"},
      {R"({"appName":"A","id":"1","action":"Heartbeat","lastDirtyTimestamp":"12a"})",
       "lastDirtyTimestamp"},
      {R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","action":"Register"})",
       "instanceInfo"},
      {R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","action":"Register",)"
       R"("instanceInfo":"x"})",
       "instanceInfo"},
      {R"({"appName":"ORDER-SERVICE","id":"h","action":"Register","instanceInfo":{"hostName":"h"}})",
       "app"},
      {R"({"appName":"ORDER-SERVICE","id":"h","action":"Register","instanceInfo":)"
       R"({"app":"ORDER-SERVICE","hostName":"h","port":[]}})",
       "port"},
      {R"({"appName":"BILLING","id":"host1:order-service:8080","action":"Register","instanceInfo":)"
           + host1 + "}",
       "appName"},
      {R"({"appName":"ORDER-SERVICE","id":"host2:order-service:8080","action":"Register",)"
       R"("instanceInfo":)"
           + host1 + "}",
       "id"},
  };
  const std::string good =
      R"({"appName":"G","id":"g","action":"StatusUpdate","status":"DOWN","lastDirtyTimestamp":9})";
  std::vector<std::string> items{good};
  for (const auto& [body, _] : bad) {
    items.push_back(body);
    items.push_back(good);
  }
  auto r = decode(batch(items));
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == items.size());
  auto expected_good = item(replication_action::status_update, "G", "g");
  expected_good.status = instance_status::down;
  expected_good.last_dirty_timestamp = 9;
  for (size_t i = 0; i < r.items.size(); i += 2)
    BOOST_TEST(r.items[i] == expected_good, "item " << i);
  for (size_t k = 0; k < bad.size(); ++k) {
    const auto& x = r.items[2 * k + 1];
    BOOST_TEST(!x.valid, bad[k].first);
    BOOST_TEST(x.error.find(bad[k].second) != std::string::npos, bad[k].first << " -> " << x.error);
    BOOST_TEST(!x.info, bad[k].first); // never half an instance
  }
  // An invalid item still says what it was about when it could be read.
  BOOST_TEST(r.items[1].app == "A");
  BOOST_TEST(r.items[1].id == "1");
}

BOOST_AUTO_TEST_CASE(malformed_documents_rejected) {
  const std::vector<std::string> bodies = {
      "",
      "not json",
      "null",
      "[]",
      R"("replicationList")",
      "{}",
      R"({"replicationList":null})",
      R"({"replicationList":{}})",
      R"({"replicationList":"x"})",
      R"({"replicationList":{"appName":"A","id":"1","action":"Cancel"}})",
      R"({"replicationList":[1]})",
      R"({"replicationList":[null]})",
      R"({"replicationList":[{"appName":"A","id":"1","action":"Cancel"},"x"]})",
      R"({"replicationList":[[]]})",
      R"({"replicationList":[{"appName":"A","id":"1","action":"Cancel"},]})",
      "{\"replicationList\":[{\"appName\":\"\xff\",\"id\":\"1\",\"action\":\"Cancel\"}]}",
      std::string(100000, '[') + std::string(100000, ']'),
      "{\"replicationList\":[{\"appName\":\"A\",\"id\":\"1\",\"action\":\"Cancel\",\"x\":"
          + std::string(3000, '[') + std::string(3000, ']') + "}]}",
      "{\"replicationList\":[{\"appName\":\"A\",\"id\":\"1\",\"action\":\"Register\","
      "\"instanceInfo\":{\"app\":\"A\",\"metadata\":"
          + std::string(2000, '[') + std::string(2000, ']') + "}}]}",
  };
  for (const auto& body : bodies) {
    auto r = decode(body);
    BOOST_TEST(!r.ok, "accepted: " << body.substr(0, 80));
    BOOST_TEST(!r.error.empty());
    BOOST_TEST(r.items.empty());
  }
}

BOOST_AUTO_TEST_CASE(every_truncation_rejected) {
  auto body = spec_batch();
  for (size_t n = 0; n < body.size(); ++n)
    BOOST_TEST(!decode(std::string_view(body).substr(0, n)).ok, "accepted prefix of " << n);
  BOOST_TEST(decode(body).ok);
}

BOOST_AUTO_TEST_CASE(item_limit) {
  std::vector<std::string> items(3, R"({"appName":"A","id":"1","action":"Cancel"})");
  auto body = batch(items);
  BOOST_TEST(decode(body, 3).ok);
  auto r = decode(body, 2);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.error == "replicationList has 3 items (at most 2)");
  BOOST_TEST(r.items.empty());
  BOOST_TEST(decode(batch({}), 0).ok);
  BOOST_TEST(!decode(batch({items[0]}), 0).ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(replication_response)

BOOST_AUTO_TEST_CASE(spec_response_encoding) {
  BOOST_TEST(encode_replication_response({{200, {}}, {200, {}}, {404, {}}})
             == R"({"responseList":[{"statusCode":200},{"statusCode":200},{"statusCode":404}]})");
  BOOST_TEST(encode_replication_response({}) == R"({"responseList":[]})");
}

BOOST_AUTO_TEST_CASE(conflict_carries_the_instance) {
  std::vector<replication_result> items{{200, {}}, {409, spec_host1_full()}, {500, {}}};
  auto body = encode_replication_response(items);
  BOOST_TEST(body
             == R"({"responseList":[{"statusCode":200},{"statusCode":409,"responseEntity":)"
                    + json_object(spec_host1_full()) + R"(},{"statusCode":500}]})");
  auto r = decode_replication_response(body, now);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 3u);
  for (size_t i = 0; i < items.size(); ++i)
    BOOST_TEST(r.items[i] == items[i], "item " << i);
}

BOOST_AUTO_TEST_CASE(lenient_decoding) {
  auto r = decode_replication_response(
      R"({"extra":1,"responseList":[{"statusCode":"404"},{},{"statusCode":null},)"
      R"({"responseEntity":{"hostName":"no app"},"statusCode":409},)"
      R"({"statusCode":409,"responseEntity":null,"x":[]},)"
      R"({"responseEntity":{"app":"billing","hostName":"h"},"statusCode":200.0}]})",
      now);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.items.size() == 6u);
  BOOST_TEST(r.items[0] == (replication_result{404, {}}));
  BOOST_TEST(r.items[1] == (replication_result{0, {}})); // Jackson's int default
  BOOST_TEST(r.items[2] == (replication_result{0, {}}));
  BOOST_TEST(r.items[3] == (replication_result{409, {}})); // undecodable entity dropped
  BOOST_TEST(r.items[4] == (replication_result{409, {}}));
  BOOST_TEST(r.items[5].status_code == 200);
  BOOST_TEST_REQUIRE(static_cast<bool>(r.items[5].entity));
  BOOST_TEST(r.items[5].entity->app == "BILLING");
  BOOST_TEST(r.items[5].entity->last_dirty_timestamp == now);
}

BOOST_AUTO_TEST_CASE(malformed_responses_rejected) {
  const std::vector<std::string> bodies = {
      "",
      "<html/>",
      "[]",
      "{}",
      R"({"responseList":null})",
      R"({"responseList":{"statusCode":200}})",
      R"({"responseList":[200]})",
      R"({"responseList":[{"statusCode":"OK"}]})",
      R"({"responseList":[{"statusCode":{}}]})",
      R"({"responseList":[{"statusCode":4294967496}]})",
      std::string(100000, '[') + std::string(100000, ']'),
  };
  for (const auto& body : bodies) {
    auto r = decode_replication_response(body, now);
    BOOST_TEST(!r.ok, "accepted: " << body.substr(0, 80));
    BOOST_TEST(!r.error.empty());
    BOOST_TEST(r.items.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(applications_document)

BOOST_AUTO_TEST_CASE(spec_registry_decodes) {
  auto r = decode_applications_json(spec_registry_json, now, 100);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.skipped == 0u);
  BOOST_TEST_REQUIRE(r.instances.size() == 3u);
  BOOST_TEST(r.instances[0] == spec_host1());
  BOOST_TEST(r.instances[1] == spec_host2());
  BOOST_TEST(r.instances[2] == spec_host3());
}

BOOST_AUTO_TEST_CASE(instances_keep_what_the_peer_wrote) {
  // Overrides, action type, dirty timestamp and a non-default lease (its
  // durationInSecs becomes the synced lease's duration).
  auto x = everything_set(); // OUT_OF_SERVICE / OUT_OF_SERVICE, MODIFIED, lease {5, 15, ...}
  auto body = R"({"applications":{"versions__delta":"1","apps__hashcode":"OUT_OF_SERVICE_1_",)"
              R"("application":[{"name":"FULL-APP","instance":[)"
              + json_object(x) + "]}]}}";
  auto r = decode_applications_json(body, now, 100);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.instances.size() == 1u);
  BOOST_TEST(r.instances[0] == x);
  BOOST_TEST(r.instances[0].lease.duration_secs == 15);
  BOOST_TEST(r.instances[0].overridden_status == instance_status::out_of_service);
  BOOST_TEST(r.instances[0].action == action_type::modified);
  BOOST_TEST(r.instances[0].last_dirty_timestamp == 1700000008000);
}

BOOST_AUTO_TEST_CASE(single_object_forms) {
  auto h3 = json_object(spec_host3());
  auto h1 = json_object(spec_host1());
  const std::vector<std::string> bodies = {
      // application and instance as single objects (old Jettison codec)
      R"({"applications":{"application":{"name":"BILLING","instance":)" + h3 + "}}}",
      // one of each form, versions__delta as a number, fields in any order
      R"({"applications":{"application":[{"instance":)" + h3
          + R"(,"name":"BILLING"},{"name":"ORDER-SERVICE","instance":[)" + h1
          + R"(]}],"versions__delta":7,"apps__hashcode":"UP_2_"}})",
  };
  auto r = decode_applications_json(bodies[0], now, 100);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST_REQUIRE(r.instances.size() == 1u);
  BOOST_TEST(r.instances[0] == spec_host3());
  auto both = decode_applications_json(bodies[1], now, 100);
  BOOST_TEST_REQUIRE(both.ok, both.error);
  BOOST_TEST_REQUIRE(both.instances.size() == 2u);
  BOOST_TEST(both.instances[0] == spec_host3());
  BOOST_TEST(both.instances[1] == spec_host1());
}

BOOST_AUTO_TEST_CASE(empty_registry) {
  for (std::string body : {
           R"({"applications":{"versions__delta":"1","apps__hashcode":"","application":[]}})",
           R"({"applications":{"versions__delta":"1","apps__hashcode":""}})",
           R"({"applications":{"application":null}})",
           R"({"applications":{"application":[{"name":"EMPTY","instance":[]}]}})",
           R"({"applications":{"application":[{"name":"EMPTY"}]}})",
       }) {
    auto r = decode_applications_json(body, now, 0);
    BOOST_TEST(r.ok, body << ": " << r.error);
    BOOST_TEST(r.instances.empty());
    BOOST_TEST(r.skipped == 0u);
  }
}

BOOST_AUTO_TEST_CASE(bad_instances_skipped_and_counted) {
  auto body = R"({"applications":{"application":[{"name":"ORDER-SERVICE","instance":[)"
              R"({"hostName":"no-app"},)"
              + json_object(spec_host1())
              + R"(,42,{"app":"X","port":"eighty"}]},)"
                R"({"name":"BILLING","instance":)"
              + json_object(spec_host3()) + "}]}}";
  auto r = decode_applications_json(body, now, 100);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.skipped == 3u);
  BOOST_TEST(r.first_skip_error == "field 'app': missing");
  BOOST_TEST_REQUIRE(r.instances.size() == 2u);
  BOOST_TEST(r.instances[0] == spec_host1());
  BOOST_TEST(r.instances[1] == spec_host3());
}

BOOST_AUTO_TEST_CASE(instance_limit) {
  BOOST_TEST(decode_applications_json(spec_registry_json, now, 3).ok);
  auto r = decode_applications_json(spec_registry_json, now, 2);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.error == "more than 2 instances");
  BOOST_TEST(r.instances.empty());
}

BOOST_AUTO_TEST_CASE(malformed_documents_rejected) {
  const std::vector<std::string> bodies = {
      "",
      "{",
      "[]",
      "{}",
      R"({"application":[]})",
      R"({"applications":null})",
      R"({"applications":[]})",
      R"({"applications":{"application":[1]}})",
      R"({"applications":{"application":[null]}})",
      R"({"applications":{"application":["BILLING"]}})",
      "{\"applications\":{\"apps__hashcode\":\"\xc3\"}}",
      std::string(100000, '{'),
      "{\"applications\":{\"application\":[{\"name\":\"A\",\"instance\":[" + std::string(3000, '[')
          + std::string(3000, ']') + "]}]}}",
  };
  for (const auto& body : bodies) {
    auto r = decode_applications_json(body, now, 100);
    BOOST_TEST(!r.ok, "accepted: " << body.substr(0, 80));
    BOOST_TEST(!r.error.empty());
    BOOST_TEST(r.instances.empty());
  }
  // Every truncation of the §2.7 registry.
  std::string_view full = spec_registry_json;
  for (size_t n = 0; n < full.size(); n += 7)
    BOOST_TEST(!decode_applications_json(full.substr(0, n), now, 100).ok, n);
}

BOOST_AUTO_TEST_SUITE_END()
