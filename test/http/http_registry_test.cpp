// Registry behaviour over HTTP (contract §1.5, §3, §8 T1-T45, T63-T65) and
// the deliberate improvements of decisions.md: every change is visible on
// the very next read of /apps, /apps/delta, /apps/{app}, /vips and /svips,
// and leases expire after their real duration.
#define BOOST_TEST_MODULE http_registry
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace http_test;

namespace {

instance_spec inst(std::string id, std::string app = "APP", std::string status = "UP") {
  instance_spec s;
  s.app = std::move(app);
  s.instance_id = id;
  s.host = "h-" + id;
  s.status = std::move(status);
  s.vip = "vip-" + s.app;
  s.svip = "svip-" + s.app;
  return s;
}

/// The instance `id` as GET apps/{app}/{id} shows it (JSON).
instance_doc read_instance(node_fixture& f, const std::string& app, const std::string& id) {
  auto r = f.get("/eureka/apps/" + app + "/" + id);
  BOOST_REQUIRE_MESSAGE(r.status == 200u, "GET instance " << id << ": " << r.status);
  return parse_instance_json(r.body);
}

std::string status_of(node_fixture& f, const std::string& app, const std::string& id) {
  return read_instance(f, app, id).status;
}

/// Everything a client could read, to show that a request changed nothing.
struct snapshot {
  std::string apps_json, apps_xml, app_json, overrides;
  bool operator==(const snapshot& o) const {
    return apps_json == o.apps_json && apps_xml == o.apps_xml && app_json == o.app_json
           && overrides == o.overrides;
  }
};

snapshot take(node_fixture& f, const std::string& app = "APP") {
  snapshot s;
  s.apps_json = f.get("/eureka/apps/").body;
  s.apps_xml = f.get("/eureka/apps/", "").body;
  s.app_json = f.get("/eureka/apps/" + app).body;
  s.overrides = f.get("/eureka/serverinfo/statusoverrides").body;
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(registration)

// T1, T9, T31: JSON registration, visible with the registered values.
BOOST_FIXTURE_TEST_CASE(register_json_is_204_and_visible, node_fixture) {
  auto s = inst("i1", "Foo");
  s.last_dirty = 1700000000100;
  s.metadata_json = R"({"management.port":"8080","zone":"z1"})";
  auto r = register_json("foo", instance_json(s));
  BOOST_TEST(r.status == 204u);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.header("content-length") == "0");
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.version == "1");
  BOOST_TEST(d.hash == "UP_1_");
  BOOST_REQUIRE_EQUAL(d.apps.size(), 1u);
  BOOST_TEST(d.apps[0].name == "FOO");
  auto* x = d.find("i1");
  BOOST_REQUIRE(x);
  BOOST_TEST(x->app == "FOO");
  BOOST_TEST(x->host == "h-i1");
  BOOST_TEST(x->ip == "10.0.0.1");
  BOOST_TEST(x->status == "UP");
  BOOST_TEST(x->overridden == "UNKNOWN");
  BOOST_TEST(x->port == 8080);
  BOOST_TEST(x->action == "ADDED");
  BOOST_TEST(x->vip == "vip-Foo");
  BOOST_TEST(x->last_dirty == "1700000000100");
  BOOST_TEST(x->duration == 90);
  BOOST_TEST(x->registration_ts > 0);
  BOOST_TEST(x->service_up_ts > 0);
  BOOST_TEST(x->eviction_ts == 0);
  BOOST_TEST(x->metadata.at("zone") == "z1");
  BOOST_TEST(x->metadata.at("management.port") == "8080");
  BOOST_TEST(!x->metadata_empty_marker);
  // A second UP instance: UP_2_ (T31).
  BOOST_TEST(register_json("FOO", instance_json(inst("i2", "FOO"))).status == 204u);
  BOOST_TEST(parse_apps_json(apps_json()).hash == "UP_2_");
}

// clients.md §0.5: fargo POSTs XML.
BOOST_FIXTURE_TEST_CASE(register_xml_is_204_and_visible, node_fixture) {
  auto s = inst("x1");
  s.last_dirty = 1700000000200;
  auto r = register_xml("APP", instance_xml(s));
  BOOST_TEST(r.status == 204u);
  BOOST_TEST(r.body.empty());
  auto x = read_instance(*this, "APP", "x1");
  BOOST_TEST(x.host == "h-x1");
  BOOST_TEST(x.status == "UP");
  BOOST_TEST(x.last_dirty == "1700000000200");
  BOOST_TEST(x.metadata_empty_marker);
  // Content-Type with an accepted charset.
  auto s2 = inst("x2");
  BOOST_TEST(req("POST", "/eureka/apps/APP", {{"Content-Type", "application/xml; charset=UTF-8"}},
                 instance_xml(s2))
                 .status
             == 204u);
  BOOST_TEST(req("POST", "/eureka/apps/APP",
                 {{"Content-Type", "application/json;charset=ISO-8859-1"}},
                 instance_json(inst("x3")))
                 .status
             == 204u);
  BOOST_TEST(parse_apps_json(apps_json()).instance_count() == 3u);
}

// T2-T7: the exact reason texts, and nothing registered.
BOOST_FIXTURE_TEST_CASE(validation_reasons_are_exact, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("keep"))).status == 204u);
  auto before = take(*this);
  struct item {
    std::string name;
    instance_spec spec;
    std::string path_app;
    std::string reason;
  };
  std::vector<item> items;
  {
    auto s = inst("a");
    s.instance_id.reset();
    s.host = "";
    items.push_back({"T2 no id, empty host", s, "APP", "Missing instanceId"});
  }
  {
    auto s = inst("a");
    s.instance_id.reset();
    s.host.reset();
    items.push_back({"T2 no id, no host", s, "APP", "Missing instanceId"});
  }
  {
    auto s = inst("a");
    s.host = "";
    items.push_back({"T3 empty host", s, "APP", "Missing hostname"});
  }
  {
    auto s = inst("a");
    s.host.reset();
    items.push_back({"T3 no host", s, "APP", "Missing hostname"});
  }
  {
    auto s = inst("a");
    s.ip.reset();
    items.push_back({"T4 no ip", s, "APP", "Missing ip address"});
  }
  {
    auto s = inst("a");
    s.ip = "";
    items.push_back({"T4 empty ip", s, "APP", "Missing ip address"});
  }
  {
    auto s = inst("a", "");
    items.push_back({"T5 empty app", s, "APP", "Missing appName"});
  }
  {
    auto s = inst("a", "FOOextraExtra");
    items.push_back(
        {"T6 mismatch", s, "FOO", "Mismatched appName, expecting FOO but was FOOEXTRAEXTRA"});
  }
  {
    auto s = inst("a");
    s.data_center = false;
    items.push_back({"T7 no dataCenterInfo", s, "APP", "Missing dataCenterInfo"});
  }
  {
    auto s = inst("a");
    s.data_center_name = false;
    items.push_back({"T7 no dataCenterInfo name", s, "APP", "Missing dataCenterInfo Name"});
  }
  for (auto& x : items) {
    for (bool xml : {false, true}) {
      BOOST_TEST_CONTEXT(x.name << (xml ? " (XML)" : " (JSON)")) {
        auto r = xml ? register_xml(x.path_app, instance_xml(x.spec))
                     : register_json(x.path_app, instance_json(x.spec));
        // XStream's DataCenterInfoConverter yields null without <name>.
        auto reason =
            xml && x.reason == "Missing dataCenterInfo Name" ? "Missing dataCenterInfo" : x.reason;
        BOOST_TEST(r.status == 400u);
        BOOST_TEST(r.body == reason);
        // A bare string under the negotiated type (register_json asks for JSON).
        BOOST_TEST(r.header("content-type") == (xml ? "application/xml" : "application/json"));
        BOOST_TEST((take(*this) == before));
      }
    }
  }
}

// T65 and §1.6: unparseable bodies, JSON and XML wrappers.
BOOST_FIXTURE_TEST_CASE(unparseable_bodies_are_400, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("keep"))).status == 204u);
  auto before = take(*this);
  for (auto body : {"{", "not json", "", "{\"instance\":{\"app\":\"APP\",\"port\":[1,2,]}}",
                    "{\"instance\":", "[]", "\xff\xfe{}"}) {
    BOOST_TEST_CONTEXT("JSON body: " << body) {
      auto r = req("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, body);
      BOOST_TEST(r.status == 400u);
      BOOST_TEST(r.header("content-type") == json_type);
      BOOST_TEST(r.body == R"({"error": "cannot parse request body"})");
      BOOST_TEST((take(*this) == before));
    }
  }
  for (auto body : {"<instance>", "not xml", "", "<instance><port>abc</port></instance>x<"}) {
    BOOST_TEST_CONTEXT("XML body: " << body) {
      auto r = req("POST", "/eureka/apps/APP", {{"Content-Type", "application/xml"}}, body);
      BOOST_TEST(r.status == 400u);
      BOOST_TEST(r.header("content-type") == xml_type);
      BOOST_TEST(r.body == "<error><message>cannot parse request body</message></error>");
      BOOST_TEST((take(*this) == before));
    }
  }
}

// §1.3: only application/json and application/xml (UTF-8 / ISO-8859-1).
BOOST_FIXTURE_TEST_CASE(wrong_content_type_is_415, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("keep"))).status == 204u);
  auto before = take(*this);
  auto body = instance_json(inst("new"));
  for (auto ct : {"text/plain", "application/x-www-form-urlencoded", "text/html",
                  "application/json; charset=UTF-16", "multipart/form-data; boundary=x"}) {
    BOOST_TEST_CONTEXT(ct) {
      auto r = req("POST", "/eureka/apps/APP", {{"Content-Type", ct}}, body);
      BOOST_TEST(r.status == 415u);
      BOOST_TEST((take(*this) == before));
    }
  }
  auto none = req("POST", "/eureka/apps/APP", {}, body);
  BOOST_TEST(none.status == 415u);
  BOOST_TEST((take(*this) == before));
  BOOST_TEST(get("/eureka/apps/APP/new").status == 404u);
}

// T63: the old `overriddenstatus` spelling is the same as `overriddenStatus`.
BOOST_FIXTURE_TEST_CASE(old_overriddenstatus_spelling, node_fixture) {
  for (auto key : {"overriddenStatus", "overriddenstatus"}) {
    BOOST_TEST_CONTEXT(key) {
      auto s = inst(std::string{"o-"} + key);
      s.overridden_key = key;
      s.overridden_value = "OUT_OF_SERVICE";
      BOOST_TEST(register_json("APP", instance_json(s)).status == 204u);
      auto x = read_instance(*this, "APP", *s.instance_id);
      BOOST_TEST(x.overridden == "OUT_OF_SERVICE");
      BOOST_TEST(x.status == "OUT_OF_SERVICE");
    }
  }
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.hash == "OUT_OF_SERVICE_2_");
  auto so = get("/eureka/serverinfo/statusoverrides").body;
  BOOST_TEST(so.find(R"("o-overriddenstatus":"OUT_OF_SERVICE")") != std::string::npos);
  BOOST_TEST(so.find(R"("o-overriddenStatus":"OUT_OF_SERVICE")") != std::string::npos);
}

// T64: empty metadata echoes Java's empty-map marker, in JSON and XML.
BOOST_FIXTURE_TEST_CASE(empty_metadata_marker, node_fixture) {
  auto a = inst("m1");
  a.metadata_json = "{}";
  auto b = inst("m2");
  b.metadata_json = R"({"@class":"java.util.Collections$EmptyMap"})";
  auto c = inst("m3"); // no metadata at all
  for (auto* s : {&a, &b, &c})
    BOOST_TEST(register_json("APP", instance_json(*s)).status == 204u);
  auto full = apps_json();
  BOOST_TEST(full.find(R"("metadata":{"@class":"java.util.Collections$EmptyMap"})")
             != std::string::npos);
  BOOST_TEST(full.find(R"("@class":"java.util.Collections$EmptyMap",)") == std::string::npos);
  for (auto id : {"m1", "m2", "m3"}) {
    auto x = read_instance(*this, "APP", id);
    BOOST_TEST(x.metadata_empty_marker);
    BOOST_TEST(x.metadata.empty());
    auto xml = get(std::string{"/eureka/apps/APP/"} + id, "application/xml").body;
    BOOST_TEST(xml.find(R"(<metadata class="java.util.Collections$EmptyMap"/>)")
               != std::string::npos);
  }
}

// T32: statuses sorted by name, trailing underscore; hash counts all apps.
BOOST_FIXTURE_TEST_CASE(hashcode_over_full_registry, node_fixture) {
  BOOST_TEST(register_json("A", instance_json(inst("a1", "A"))).status == 204u);
  BOOST_TEST(register_json("A", instance_json(inst("a2", "A"))).status == 204u);
  BOOST_TEST(register_json("B", instance_json(inst("b1", "B"))).status == 204u);
  BOOST_TEST(register_json("B", instance_json(inst("b2", "B", "DOWN"))).status == 204u);
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.hash == "DOWN_1_UP_3_");
  BOOST_TEST(hash_of(d) == d.hash);
  BOOST_TEST(parse_apps_xml(get("/eureka/apps/", "").body).hash == "DOWN_1_UP_3_");
  BOOST_TEST(register_json("C", instance_json(inst("c1", "C", "STARTING"))).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/A/a1/status?value=OUT_OF_SERVICE").status == 200u);
  BOOST_TEST(parse_apps_json(apps_json()).hash == "DOWN_1_OUT_OF_SERVICE_1_STARTING_1_UP_2_");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(renew_and_cancel)

// T10, T11.
BOOST_FIXTURE_TEST_CASE(renew_200_and_404, node_fixture) {
  auto s = inst("r1");
  s.last_dirty = 1000;
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  for (auto t : {"/eureka/apps/APP/r1", "/eureka/apps/APP/r1?status=UP&lastDirtyTimestamp=1000",
                 "/eureka/v2/apps/app/r1?status=DOWN"}) {
    BOOST_TEST_CONTEXT(t) {
      auto r = req("PUT", t);
      BOOST_TEST(r.status == 200u);
      BOOST_TEST(r.body.empty());
      BOOST_TEST(!r.has("content-type"));
    }
  }
  // `status` on a heartbeat is ignored.
  BOOST_TEST(status_of(*this, "APP", "r1") == "UP");
  // Jersey 3 clients send "{}" with a JSON content type; ignored.
  BOOST_TEST(req("PUT", "/eureka/apps/APP/r1", {{"Content-Type", "application/json"}}, "{}").status
             == 200u);
  for (auto t : {"/eureka/apps/APP/other", "/eureka/apps/OTHER/r1", "/eureka/apps/APP/R1"}) {
    auto r = req("PUT", t);
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.body.empty());
  }
}

// T12-T14: lastDirtyTimestamp conflict handling.
BOOST_FIXTURE_TEST_CASE(renew_dirty_timestamp_rules, node_fixture) {
  auto s = inst("d1");
  s.last_dirty = 100;
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  auto before = take(*this);
  // T12: the client's copy is newer -> 404 (re-register).
  auto newer = req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=200");
  BOOST_TEST(newer.status == 404u);
  BOOST_TEST(newer.body.empty());
  // T13: older, no replication -> 200.
  auto older = req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=50");
  BOOST_TEST(older.status == 200u);
  BOOST_TEST(older.body.empty());
  // Equal -> 200.
  BOOST_TEST(req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=100").status == 200u);
  // T14: older with replication -> 409 with the server's instance.
  auto conflict =
      req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=50",
          {{"x-netflix-discovery-replication", "true"}, {"Accept", "application/json"}});
  BOOST_TEST(conflict.status == 409u);
  BOOST_TEST(conflict.header("content-type") == json_type);
  auto x = parse_instance_json(conflict.body);
  BOOST_TEST(x.instance_id == "d1");
  BOOST_TEST(x.last_dirty == "100");
  BOOST_TEST(x.status == "UP");
  auto conflict_xml =
      req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=50",
          {{"x-netflix-discovery-replication", "true"}, {"Accept", "application/xml"}});
  BOOST_TEST(conflict_xml.status == 409u);
  BOOST_TEST(conflict_xml.header("content-type") == xml_type);
  BOOST_TEST(parse_instance_xml(conflict_xml.body).last_dirty == "100");
  // Only the exact string "true" marks replication.
  BOOST_TEST(req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=50",
                 {{"x-netflix-discovery-replication", "TRUE"}})
                 .status
             == 200u);
  // A replicated renew with the newer copy -> 404 as well.
  BOOST_TEST(req("PUT", "/eureka/apps/APP/d1?lastDirtyTimestamp=200",
                 {{"x-netflix-discovery-replication", "true"}})
                 .status
             == 404u);
  // None of these changed what readers see (only the lease was renewed).
  auto after = take(*this);
  auto a = parse_apps_json(after.apps_json);
  auto b = parse_apps_json(before.apps_json);
  BOOST_TEST(a.ids() == b.ids());
  BOOST_TEST(a.hash == b.hash);
  BOOST_TEST(a.find("d1")->status == "UP");
  BOOST_TEST(a.find("d1")->last_dirty == "100");
  BOOST_TEST(after.overrides == before.overrides);
}

// A malformed lastDirtyTimestamp is the caller's mistake: 400, no change.
BOOST_FIXTURE_TEST_CASE(renew_with_malformed_dirty_timestamp, node_fixture) {
  auto s = inst("d1");
  s.last_dirty = 100;
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  auto before = take(*this);
  for (auto q : {"abc", "", "1.5", "99999999999999999999"}) {
    BOOST_TEST_CONTEXT(q) {
      auto r = req("PUT", std::string{"/eureka/apps/APP/d1?lastDirtyTimestamp="} + q);
      BOOST_TEST(r.status == 400u);
      BOOST_TEST((take(*this) == before));
    }
  }
}

// T15, T16: cancel is visible at once, everywhere.
BOOST_FIXTURE_TEST_CASE(cancel_200_and_404, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("c1"))).status == 204u);
  BOOST_REQUIRE(register_json("APP", instance_json(inst("c2"))).status == 204u);
  // Warm every cache first.
  take(*this);
  get("/eureka/apps/delta");
  get("/eureka/vips/vip-APP");
  auto r = req("DELETE", "/eureka/apps/APP/c1");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.empty());
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.ids() == std::vector<std::string>{"APP/c2"});
  BOOST_TEST(d.hash == "UP_1_");
  BOOST_TEST(get("/eureka/apps/APP/c1").status == 404u);
  BOOST_TEST(get("/eureka/instances/c1").status == 404u);
  BOOST_TEST(parse_app_json(get("/eureka/apps/APP").body).instances.size() == 1u);
  BOOST_TEST(parse_apps_json(get("/eureka/vips/vip-APP").body).ids()
             == std::vector<std::string>{"APP/c2"});
  auto delta = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_REQUIRE(delta.find("c1"));
  BOOST_TEST(delta.find("c1")->action == "DELETED");
  BOOST_TEST(delta.find("c1")->eviction_ts > 0);
  BOOST_TEST(delta.hash == "UP_1_");
  // T16.
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/c1").status == 404u);
  BOOST_TEST(req("DELETE", "/eureka/apps/NOPE/c2").status == 404u);
  // The last instance: the app disappears (never an app with no instances).
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/c2").status == 200u);
  BOOST_TEST(apps_json() == empty_apps_json);
  BOOST_TEST(get("/eureka/apps/APP").status == 404u);
  auto vip = get("/eureka/vips/vip-APP").body;
  BOOST_TEST(vip
             == R"({"applications":{"versions__delta":"-1","apps__hashcode":"",)"
                R"("application":[]}})");
  // Renewing a cancelled instance: 404 (the client re-registers).
  BOOST_TEST(req("PUT", "/eureka/apps/APP/c2").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(status_overrides)

// T17, T18: override DOWN, delete without value -> UNKNOWN, renew 404.
BOOST_FIXTURE_TEST_CASE(override_then_delete_without_value, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("s1"))).status == 204u);
  auto r = req("PUT", "/eureka/apps/APP/s1/status?value=DOWN");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.empty());
  auto x = read_instance(*this, "APP", "s1");
  BOOST_TEST(x.status == "DOWN");
  BOOST_TEST(x.overridden == "DOWN");
  BOOST_TEST(get("/eureka/serverinfo/statusoverrides").body == R"({"s1":"DOWN"})");
  // The override survives heartbeats without status (eureka-js-client).
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1").status == 200u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "DOWN");
  auto del = req("DELETE", "/eureka/apps/APP/s1/status");
  BOOST_TEST(del.status == 200u);
  auto y = read_instance(*this, "APP", "s1");
  BOOST_TEST(y.status == "UNKNOWN");
  BOOST_TEST(y.overridden == "UNKNOWN");
  BOOST_TEST(get("/eureka/serverinfo/statusoverrides").body == "{}");
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1").status == 404u);
  // Re-registration brings it back UP.
  BOOST_TEST(register_json("APP", instance_json(inst("s1"))).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "UP");
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1").status == 200u);
}

// T19.
BOOST_FIXTURE_TEST_CASE(override_then_delete_with_value, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("s1"))).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1/status?value=OUT_OF_SERVICE").status == 200u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "OUT_OF_SERVICE");
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/s1/status?value=DOWN").status == 200u);
  auto x = read_instance(*this, "APP", "s1");
  BOOST_TEST(x.status == "DOWN");
  BOOST_TEST(x.overridden == "UNKNOWN");
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1").status == 200u);
}

// T20, T21, T22 (400 instead of Java's 500: decisions in request_plan).
BOOST_FIXTURE_TEST_CASE(override_errors, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("s1"))).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/nope/status?value=DOWN").status == 404u);
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/nope/status").status == 404u);
  BOOST_TEST(req("PUT", "/eureka/apps/NOPE/s1/status?value=DOWN").status == 404u);
  auto before = take(*this);
  for (auto t : {"/eureka/apps/APP/s1/status", "/eureka/apps/APP/s1/status?value=up",
                 "/eureka/apps/APP/s1/status?value=", "/eureka/apps/APP/s1/status?value=BOGUS",
                 "/eureka/apps/APP/s1/status?other=DOWN",
                 "/eureka/apps/APP/s1/status?value=DOWN&lastDirtyTimestamp=x"}) {
    BOOST_TEST_CONTEXT("PUT " << t) {
      auto r = req("PUT", t);
      BOOST_TEST(r.status == 400u);
      BOOST_TEST((take(*this) == before));
    }
  }
  for (auto t : {"/eureka/apps/APP/s1/status?value=down", "/eureka/apps/APP/s1/status?value=x"}) {
    BOOST_TEST_CONTEXT("DELETE " << t) {
      auto r = req("DELETE", t);
      BOOST_TEST(r.status == 400u);
      BOOST_TEST((take(*this) == before));
    }
  }
  // Unknown instance with a bad value: either answer is an error, never 200.
  BOOST_TEST(req("PUT", "/eureka/apps/APP/nope/status?value=bogus").status >= 400u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "UP");
}

// T23, T24: the override survives newer re-registrations until deleted.
BOOST_FIXTURE_TEST_CASE(override_survives_reregistration, node_fixture) {
  auto s = inst("s1");
  s.last_dirty = 100;
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1/status?value=OUT_OF_SERVICE").status == 200u);
  s.last_dirty = 200;
  BOOST_TEST(register_json("APP", instance_json(s)).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "OUT_OF_SERVICE");
  BOOST_TEST(read_instance(*this, "APP", "s1").overridden == "OUT_OF_SERVICE");
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/s1/status?value=DOWN").status == 200u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "DOWN");
  BOOST_TEST(register_json("APP", instance_json(s)).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "UP");
}

// T26: a client's STARTING beats the override.
BOOST_FIXTURE_TEST_CASE(client_starting_beats_override, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("s1"))).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/s1/status?value=OUT_OF_SERVICE").status == 200u);
  BOOST_TEST(register_json("APP", instance_json(inst("s1", "APP", "STARTING"))).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "STARTING");
  BOOST_TEST(register_json("APP", instance_json(inst("s1", "APP", "DOWN"))).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "s1") == "DOWN");
}

// T27, T28: an existing UP / OUT_OF_SERVICE lease keeps its status.
BOOST_FIXTURE_TEST_CASE(existing_lease_status_sticks, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("u1"))).status == 204u);
  for (int i = 0; i < 2; ++i)
    BOOST_TEST(register_json("APP", instance_json(inst("u1", "APP", "OUT_OF_SERVICE"))).status
               == 204u);
  BOOST_TEST(status_of(*this, "APP", "u1") == "UP");
  BOOST_REQUIRE(register_json("APP", instance_json(inst("o1", "APP", "OUT_OF_SERVICE"))).status
                == 204u);
  for (int i = 0; i < 2; ++i)
    BOOST_TEST(register_json("APP", instance_json(inst("o1"))).status == 204u);
  BOOST_TEST(status_of(*this, "APP", "o1") == "OUT_OF_SERVICE");
}

// T29: an older re-registration does not replace the newer copy.
BOOST_FIXTURE_TEST_CASE(older_registration_keeps_newer_copy, node_fixture) {
  auto s = inst("t1");
  s.last_dirty = 200;
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  auto old = inst("t1", "APP", "DOWN");
  old.last_dirty = 100;
  old.ip = "10.9.9.9";
  BOOST_TEST(register_json("APP", instance_json(old)).status == 204u);
  auto x = read_instance(*this, "APP", "t1");
  BOOST_TEST(x.status == "UP");
  BOOST_TEST(x.ip == "10.0.0.1");
  BOOST_TEST(x.last_dirty == "200");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reads)

// E10: metadata merged and visible in every read; unknown -> 404.
BOOST_FIXTURE_TEST_CASE(metadata_update_visible_everywhere, node_fixture) {
  auto s = inst("m1");
  s.metadata_json = R"({"a":"1","b":"2"})";
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  take(*this); // warm caches
  get("/eureka/apps/delta");
  get("/eureka/vips/vip-APP");
  auto r = req("PUT", "/eureka/apps/APP/m1/metadata?b=20&c=3%203&c=ignored");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.empty());
  std::map<std::string, std::string> want{{"a", "1"}, {"b", "20"}, {"c", "3 3"}};
  BOOST_TEST((read_instance(*this, "APP", "m1").metadata == want));
  BOOST_TEST((parse_instance_json(get("/eureka/instances/m1").body).metadata == want));
  BOOST_TEST((parse_apps_json(apps_json()).find("m1")->metadata == want));
  BOOST_TEST((parse_apps_xml(get("/eureka/apps/", "").body).find("m1")->metadata == want));
  BOOST_TEST((parse_app_json(get("/eureka/apps/APP").body).instances.at(0).metadata == want));
  BOOST_TEST((parse_apps_json(get("/eureka/vips/vip-APP").body).find("m1")->metadata == want));
  auto delta = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_REQUIRE(delta.find("m1"));
  BOOST_TEST((delta.find("m1")->metadata == want));
  BOOST_TEST(req("PUT", "/eureka/apps/APP/nope/metadata?a=1").status == 404u);
  // Metadata on an instance with an empty map.
  BOOST_REQUIRE(register_json("APP", instance_json(inst("m2"))).status == 204u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/m2/metadata?k=v").status == 200u);
  auto m2 = read_instance(*this, "APP", "m2");
  BOOST_TEST(!m2.metadata_empty_marker);
  BOOST_TEST(m2.metadata.at("k") == "v");
}

// T41: VIP and SVIP documents hold exactly the matching instances.
BOOST_FIXTURE_TEST_CASE(vip_and_svip_documents, node_fixture) {
  int n = 0;
  for (auto app : {"A", "B", "C"}) {
    for (int k = 0; k < 2; ++k) {
      auto s = inst(std::string{app} + std::to_string(k), app);
      s.vip = k == 0 ? "X#VIP" : "other,X#VIP";
      s.svip = "secure-" + std::string{app};
      BOOST_REQUIRE(register_json(app, instance_json(s)).status == 204u);
      ++n;
    }
  }
  auto d1 = inst("D0", "D");
  d1.vip = "x#vip"; // case-sensitive: no match
  d1.svip = "secure-A";
  BOOST_REQUIRE(register_json("D", instance_json(d1)).status == 204u);
  auto d2 = inst("D1", "D", "DOWN");
  d2.vip = " X#VIP"; // no trimming: no match
  BOOST_REQUIRE(register_json("D", instance_json(d2)).status == 204u);
  auto r = get("/eureka/vips/X%23VIP");
  BOOST_TEST(r.status == 200u);
  auto d = parse_apps_json(r.body);
  BOOST_TEST(d.version == "-1");
  BOOST_TEST(d.ids() == (std::vector<std::string>{"A/A0", "A/A1", "B/B0", "B/B1", "C/C0", "C/C1"}));
  BOOST_TEST(d.hash == "UP_6_");
  BOOST_TEST(parse_apps_xml(get("/eureka/v2/vips/X%23VIP", "").body).ids() == d.ids());
  BOOST_TEST(parse_apps_json(get("/eureka/vips/other").body).instance_count() == 3u);
  auto sv = parse_apps_json(get("/eureka/svips/secure-A").body);
  BOOST_TEST(sv.ids() == (std::vector<std::string>{"A/A0", "A/A1", "D/D0"}));
  BOOST_TEST(sv.version == "-1");
  // A status change shows at once in the VIP document and its hash.
  BOOST_TEST(req("PUT", "/eureka/apps/A/A0/status?value=OUT_OF_SERVICE").status == 200u);
  auto after = parse_apps_json(get("/eureka/vips/X%23VIP").body);
  BOOST_TEST(after.hash == "OUT_OF_SERVICE_1_UP_5_");
  BOOST_TEST(after.find("A0")->status == "OUT_OF_SERVICE");
}

// T43.
BOOST_FIXTURE_TEST_CASE(instance_reads, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("i1"))).status == 204u);
  BOOST_REQUIRE(register_json("OTHER", instance_json(inst("i2", "OTHER"))).status == 204u);
  auto a = get("/eureka/apps/APP/i1");
  BOOST_TEST(a.status == 200u);
  BOOST_TEST(a.body.find(R"({"instance":{"instanceId":"i1","hostName":"h-i1","app":"APP",)") == 0u);
  auto b = get("/eureka/instances/i2");
  BOOST_TEST(b.status == 200u);
  BOOST_TEST(parse_instance_json(b.body).app == "OTHER");
  // The app in the path must hold the id.
  BOOST_TEST(get("/eureka/apps/APP/i2").status == 404u);
  BOOST_TEST(get("/eureka/apps/OTHER/i1").status == 404u);
  BOOST_TEST(get("/eureka/instances/i3").status == 404u);
  auto x = get("/eureka/instances/i1", "application/xml");
  BOOST_TEST(x.status == 200u);
  BOOST_TEST(x.body.find("<instance>") == 0u);
}

// T44, T45: delta entries for ADDED, MODIFIED, DELETED, with the full hash.
BOOST_FIXTURE_TEST_CASE(delta_actions_and_full_hash, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("k1"))).status == 204u);
  BOOST_REQUIRE(register_json("APP", instance_json(inst("k2"))).status == 204u);
  BOOST_REQUIRE(register_json("APP", instance_json(inst("k3", "APP", "DOWN"))).status == 204u);
  auto d1 = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_TEST(d1.hash == parse_apps_json(apps_json()).hash);
  BOOST_TEST(d1.hash == "DOWN_1_UP_2_");
  for (auto id : {"k1", "k2", "k3"}) {
    BOOST_REQUIRE(d1.find(id));
    BOOST_TEST(d1.find(id)->action == "ADDED");
  }
  // The same delta is served until something changes.
  auto again = get("/eureka/apps/delta").body;
  BOOST_TEST(parse_apps_json(again).version == d1.version);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/k1/status?value=OUT_OF_SERVICE").status == 200u);
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/k2").status == 200u);
  auto d2 = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_TEST(d2.version != d1.version);
  BOOST_REQUIRE(d2.find("k1") && d2.find("k2") && d2.find("k3"));
  BOOST_TEST(d2.find("k1")->action == "MODIFIED");
  BOOST_TEST(d2.find("k1")->status == "OUT_OF_SERVICE");
  BOOST_TEST(d2.find("k1")->overridden == "OUT_OF_SERVICE");
  BOOST_TEST(d2.find("k2")->action == "DELETED");
  BOOST_TEST(d2.find("k3")->action == "ADDED");
  // Hash of the full registry (k1 OOS, k3 DOWN), not of the delta.
  auto full = parse_apps_json(apps_json());
  BOOST_TEST(full.hash == "DOWN_1_OUT_OF_SERVICE_1_");
  BOOST_TEST(d2.hash == full.hash);
  auto dx = parse_apps_xml(get("/eureka/apps/delta", "").body);
  BOOST_TEST(dx.hash == full.hash);
  BOOST_TEST(dx.find("k2")->action == "DELETED");
  // Renewals never add delta entries or change the delta.
  auto before = get("/eureka/apps/delta").body;
  BOOST_TEST(req("PUT", "/eureka/apps/APP/k3").status == 200u);
  BOOST_TEST(get("/eureka/apps/delta").body == before);
  // Override removal is MODIFIED too.
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/k1/status?value=UP").status == 200u);
  auto d3 = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_TEST(d3.find("k1")->action == "MODIFIED");
  BOOST_TEST(d3.find("k1")->status == "UP");
  BOOST_TEST(d3.hash == "DOWN_1_UP_1_");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(never_stale)

// decisions.md §2: each change is visible on the very next request, on the
// same keep-alive connection, after every read was cached.
BOOST_FIXTURE_TEST_CASE(every_change_visible_on_next_read, node_fixture) {
  auto warm = [&] {
    for (auto accept : {"application/json", ""}) {
      get("/eureka/apps/", accept);
      get("/eureka/apps/delta", accept);
      get("/eureka/apps/APP", accept);
      get("/eureka/vips/vip-APP", accept);
      get("/eureka/svips/svip-APP", accept);
    }
  };
  auto reads_json = [&](const std::string& id) {
    struct seen {
      const instance_doc* full;
      const instance_doc* delta;
      const instance_doc* vip;
      const instance_doc* svip;
    };
    static apps_doc full, delta, vip, svip;
    full = parse_apps_json(get("/eureka/apps/").body);
    delta = parse_apps_json(get("/eureka/apps/delta").body);
    vip = parse_apps_json(get("/eureka/vips/vip-APP").body);
    svip = parse_apps_json(get("/eureka/svips/svip-APP").body);
    return seen{full.find(id), delta.find(id), vip.find(id), svip.find(id)};
  };
  // Register.
  BOOST_REQUIRE(register_json("APP", instance_json(inst("n0"))).status == 204u);
  warm();
  BOOST_REQUIRE(register_json("APP", instance_json(inst("n1"))).status == 204u);
  {
    auto s = reads_json("n1");
    BOOST_TEST((s.full && s.delta && s.vip && s.svip));
    BOOST_TEST(parse_app_json(get("/eureka/apps/APP").body).instances.size() == 2u);
    BOOST_TEST(parse_apps_xml(get("/eureka/apps/", "").body).find("n1") != nullptr);
    BOOST_TEST(parse_apps_xml(get("/eureka/vips/vip-APP", "").body).find("n1") != nullptr);
  }
  // Override.
  warm();
  BOOST_REQUIRE(req("PUT", "/eureka/apps/APP/n1/status?value=OUT_OF_SERVICE").status == 200u);
  {
    auto s = reads_json("n1");
    BOOST_REQUIRE((s.full && s.delta && s.vip && s.svip));
    BOOST_TEST(s.full->status == "OUT_OF_SERVICE");
    BOOST_TEST(s.delta->status == "OUT_OF_SERVICE");
    BOOST_TEST(s.delta->action == "MODIFIED");
    BOOST_TEST(s.vip->status == "OUT_OF_SERVICE");
    BOOST_TEST(s.svip->status == "OUT_OF_SERVICE");
    auto app = parse_app_json(get("/eureka/apps/APP").body);
    BOOST_TEST(app.instances.size() == 2u);
    for (auto& i : app.instances)
      if (i.instance_id == "n1")
        BOOST_TEST(i.status == "OUT_OF_SERVICE");
    BOOST_TEST(parse_apps_xml(get("/eureka/apps/", "").body).find("n1")->status
               == "OUT_OF_SERVICE");
  }
  // Metadata.
  warm();
  BOOST_REQUIRE(req("PUT", "/eureka/apps/APP/n1/metadata?zone=z9").status == 200u);
  {
    auto s = reads_json("n1");
    BOOST_REQUIRE((s.full && s.delta && s.vip && s.svip));
    BOOST_TEST(s.full->metadata.count("zone") == 1u);
    BOOST_TEST(s.delta->metadata.count("zone") == 1u);
    BOOST_TEST(s.vip->metadata.count("zone") == 1u);
    BOOST_TEST(s.svip->metadata.count("zone") == 1u);
    BOOST_TEST(get("/eureka/apps/APP").body.find("\"zone\":\"z9\"") != std::string::npos);
  }
  // Cancel.
  warm();
  BOOST_REQUIRE(req("DELETE", "/eureka/apps/APP/n1").status == 200u);
  {
    auto s = reads_json("n1");
    BOOST_TEST(!s.full);
    BOOST_TEST(!s.vip);
    BOOST_TEST(!s.svip);
    BOOST_REQUIRE(s.delta);
    BOOST_TEST(s.delta->action == "DELETED");
    BOOST_TEST(parse_app_json(get("/eureka/apps/APP").body).instances.size() == 1u);
    BOOST_TEST(parse_apps_xml(get("/eureka/apps/", "").body).find("n1") == nullptr);
  }
  // A new app answers 200 at once after a cached 404 (T48 without the lag).
  BOOST_TEST(get("/eureka/apps/NEWAPP").status == 404u);
  BOOST_TEST(get("/eureka/apps/NEWAPP", "").status == 404u);
  BOOST_REQUIRE(register_json("NEWAPP", instance_json(inst("w1", "NEWAPP"))).status == 204u);
  BOOST_TEST(get("/eureka/apps/NEWAPP").status == 200u);
  BOOST_TEST(get("/eureka/apps/NEWAPP", "").status == 200u);
  // And a gzip read, cached before the change, follows too.
  auto z1 = get("/eureka/apps/", "application/json", {{"Accept-Encoding", "gzip"}});
  BOOST_REQUIRE(register_json("NEWAPP", instance_json(inst("w2", "NEWAPP"))).status == 204u);
  auto z2 = get("/eureka/apps/", "application/json", {{"Accept-Encoding", "gzip"}});
  BOOST_TEST(parse_apps_json(z1.text()).find("w2") == nullptr);
  BOOST_TEST(parse_apps_json(z2.text()).find("w2") != nullptr);
}

// The next read on a *different* connection sees the change as well.
BOOST_FIXTURE_TEST_CASE(visible_from_another_connection, node_fixture) {
  client reader{port()};
  auto read_apps = [&] {
    auto r = reader.request("GET", "/eureka/apps/", {{"Accept", "application/json"}});
    BOOST_REQUIRE_EQUAL(r.status, 200u);
    return parse_apps_json(r.body);
  };
  BOOST_TEST(read_apps().apps.empty());
  for (int i = 0; i < 20; ++i) {
    auto id = "c" + std::to_string(i);
    BOOST_REQUIRE(register_json("APP", instance_json(inst(id))).status == 204u);
    BOOST_TEST(read_apps().find(id) != nullptr);
    if (i % 2 == 1) {
      BOOST_REQUIRE(req("DELETE", "/eureka/apps/APP/" + id).status == 200u);
      BOOST_TEST(read_apps().find(id) == nullptr);
    }
  }
  BOOST_TEST(read_apps().instance_count() == 10u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input_changes_nothing)

BOOST_FIXTURE_TEST_CASE(rejected_requests_leave_registry_unchanged, node_fixture) {
  auto s = inst("b1");
  s.last_dirty = 100;
  s.metadata_json = R"({"k":"v"})";
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  BOOST_REQUIRE(req("PUT", "/eureka/apps/APP/b1/status?value=OUT_OF_SERVICE").status == 200u);
  auto before = take(*this);
  auto delta_before = get("/eureka/apps/delta").body;
  struct item {
    const char* method;
    std::string target;
    header_list headers;
    std::string body;
    unsigned status;
  };
  auto good = instance_json(inst("b2"));
  auto mismatched = instance_json(inst("b2", "OTHER"));
  // A character XML cannot carry would break every XML read (Prometheus).
  auto bell = inst("b2");
  bell.metadata_json = R"({"k":"bell\u0007"})";
  std::vector<item> items = {
      {"POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, "{", 400},
      {"POST", "/eureka/apps/APP", {{"Content-Type", "application/xml"}}, "<instance", 400},
      {"POST", "/eureka/apps/APP", {{"Content-Type", "text/plain"}}, good, 415},
      {"POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, mismatched, 400},
      {"POST", "/eureka/apps/APP/b2", {{"Content-Type", "application/json"}}, good, 405},
      {"POST", "/eureka/apps", {{"Content-Type", "application/json"}}, good, 405},
      {"PUT", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, good, 405},
      {"PUT", "/eureka/apps/APP/b1/status?value=bogus", {}, "", 400},
      {"PUT", "/eureka/apps/APP/b1/status", {}, "", 400},
      {"DELETE", "/eureka/apps/APP/b1/status?value=bogus", {}, "", 400},
      {"PUT", "/eureka/apps/APP/b1?lastDirtyTimestamp=zz", {}, "", 400},
      {"PUT", "/eureka/apps/APP/b1%ZZ", {}, "", 400},
      {"PUT", "/eureka/apps/APP/b1/metadata?k=%G1", {}, "", 400},
      {"POST",
       "/eureka/apps/APP",
       {{"Content-Type", "application/json"}},
       instance_json(bell),
       400},
      {"PUT", "/eureka/apps/APP/b1/metadata?k=bell%07", {}, "", 400},
      {"DELETE", "/eureka/apps/APP/b1x", {}, "", 404},
      {"DELETE", "/eureka/apps/APP/b1/extra", {}, "", 404},
      {"PUT", "/eureka/apps/APP/nope/metadata?k=x", {}, "", 404},
      {"PUT", "/eureka/apps/APP/nope/status?value=DOWN", {}, "", 404},
      {"DELETE", "/eureka/apps/APP/nope/status", {}, "", 404},
      {"PUT", "/eureka/apps/APP/nope", {}, "", 404},
      {"GET", "/eureka/apps/APP/b1/status", {}, "", 405},
  };
  // A body inflated from gzip that is not gzip.
  items.push_back({"POST",
                   "/eureka/apps/APP",
                   {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}},
                   good,
                   400});
  for (auto& x : items) {
    BOOST_TEST_CONTEXT(x.method << " " << x.target) {
      auto r = req(x.method, x.target, x.headers, x.body);
      BOOST_TEST(r.status == x.status);
      BOOST_TEST((take(*this) == before));
      BOOST_TEST(get("/eureka/apps/delta").body == delta_before);
    }
  }
  BOOST_TEST(get("/eureka/apps/APP/b2").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lease_expiry)

// decisions.md §1: a 1 s lease that is not renewed is evicted after about
// its duration (polled with a generous bound); a renewed one stays.
BOOST_FIXTURE_TEST_CASE(unrenewed_short_lease_is_evicted, node_fixture) {
  auto gone = inst("e1");
  gone.duration_secs = 1;
  auto kept = inst("e2");
  kept.duration_secs = 2;
  BOOST_REQUIRE(register_json("APP", instance_json(gone)).status == 204u);
  BOOST_REQUIRE(register_json("APP", instance_json(kept)).status == 204u);
  auto x = read_instance(*this, "APP", "e1");
  BOOST_TEST(x.duration == 1);
  auto start = std::chrono::steady_clock::now();
  client heartbeat{port()};
  bool evicted = eventually(
      [&] {
        auto hb = heartbeat.request("PUT", "/eureka/apps/APP/e2");
        BOOST_REQUIRE_EQUAL(hb.status, 200u);
        return parse_apps_json(apps_json()).find("e1") == nullptr;
      },
      30s);
  BOOST_REQUIRE_MESSAGE(evicted, "e1 was never evicted");
  auto waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  // Correct expiry: not before the lease ran out (registered just before
  // `start`, so a small margin).
  BOOST_TEST(waited_ms >= 500);
  auto d = parse_apps_json(apps_json());
  BOOST_TEST(d.ids() == std::vector<std::string>{"APP/e2"});
  BOOST_TEST(d.hash == "UP_1_");
  auto delta = parse_apps_json(get("/eureka/apps/delta").body);
  BOOST_REQUIRE(delta.find("e1"));
  BOOST_TEST(delta.find("e1")->action == "DELETED");
  BOOST_TEST(req("PUT", "/eureka/apps/APP/e1").status == 404u);
  BOOST_TEST(get("/eureka/apps/APP/e1").status == 404u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(more_registration_forms)

// T8 with registration.validation.dataCenterInfoId off (our behaviour): an
// Amazon data centre without instance-id is accepted and back-filled.
BOOST_FIXTURE_TEST_CASE(amazon_instance_id_is_back_filled, node_fixture) {
  std::string body =
      R"({"instance":{"instanceId":"i-123","hostName":"ec2-host","app":"AWS","ipAddr":"10.1.1.1",)"
      R"("status":"UP","port":{"$":80,"@enabled":"true"},"dataCenterInfo":{"@class":)"
      R"("com.netflix.appinfo.AmazonInfo","name":"Amazon","metadata":{"ami-id":"ami-1"}}}})";
  BOOST_TEST(register_json("AWS", body).status == 204u);
  auto r = get("/eureka/apps/AWS/i-123");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.find(R"("@class":"com.netflix.appinfo.AmazonInfo","name":"Amazon")")
             != std::string::npos);
  BOOST_TEST(r.body.find(R"("instance-id":"i-123")") != std::string::npos);
  BOOST_TEST(r.body.find(R"("ami-id":"ami-1")") != std::string::npos);
}

// A gzip-compressed registration body (Content-Encoding: gzip) is inflated.
BOOST_FIXTURE_TEST_CASE(gzip_request_body, node_fixture) {
  auto body = eureka::codec::gzip_compress(instance_json(inst("z1")));
  auto r = req("POST", "/eureka/apps/APP",
               {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}}, body);
  BOOST_TEST(r.status == 204u);
  BOOST_TEST(read_instance(*this, "APP", "z1").host == "h-z1");
}

// Lenient input (§2.3): numbers as strings, "@enabled" as a boolean, a
// single-object form; the output is still Jackson's exact types.
BOOST_FIXTURE_TEST_CASE(lenient_json_input_exact_output, node_fixture) {
  std::string body =
      R"({"instance":{"instanceId":"l1","hostName":"h","app":"app","ipAddr":"10.0.0.9",)"
      R"("status":"UP","port":{"$":"8081","@enabled":true},"securePort":{"$":443,"@enabled":false},)"
      R"("countryId":"1","dataCenterInfo":{"@class":)"
      R"("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"},)"
      R"("leaseInfo":{"renewalIntervalInSecs":"30","durationInSecs":"45"},)"
      R"("isCoordinatingDiscoveryServer":false,"lastDirtyTimestamp":1700000000100,)"
      R"("metadata":{"k":"v"},"unknownField":{"nested":[1,2]}}})";
  BOOST_TEST(register_json("APP", body).status == 204u);
  auto r = get("/eureka/apps/APP/l1").body;
  BOOST_TEST(r.find(R"("port":{"$":8081,"@enabled":"true"})") != std::string::npos);
  BOOST_TEST(r.find(R"("securePort":{"$":443,"@enabled":"false"})") != std::string::npos);
  BOOST_TEST(r.find(R"("countryId":1,)") != std::string::npos);
  BOOST_TEST(r.find(R"("durationInSecs":45,)") != std::string::npos);
  BOOST_TEST(r.find(R"("isCoordinatingDiscoveryServer":"false")") != std::string::npos);
  BOOST_TEST(r.find(R"("lastDirtyTimestamp":"1700000000100")") != std::string::npos);
  BOOST_TEST(r.find("unknownField") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(switches)

// T46: delta disabled -> 403 (clients fall back to a full fetch).
BOOST_AUTO_TEST_CASE(disabled_delta_is_403) {
  auto cfg = test_node_config();
  cfg.registry.disable_delta = true;
  node_fixture f{cfg};
  BOOST_REQUIRE(f.register_json("APP", instance_json(inst("i1"))).status == 204u);
  for (auto t : {"/eureka/apps/delta", "/eureka/v2/apps/delta/"}) {
    auto r = f.get(t);
    BOOST_TEST(r.status == 403u);
    BOOST_TEST(r.body.empty());
  }
  BOOST_TEST(parse_apps_json(f.apps_json()).instance_count() == 1u);
}

// decisions.md §2 switch: with Java's read-only cache, a cached /apps stays
// stale after a change (while single-instance reads are live). This is what
// the never_stale suite proves the default does not do.
BOOST_AUTO_TEST_CASE(read_only_cache_switch_restores_staleness) {
  auto cfg = test_node_config();
  cfg.registry.use_read_only_response_cache = true;
  cfg.registry.response_cache_update_interval_ms = 120000;
  node_fixture f{cfg};
  BOOST_TEST(f.apps_json() == empty_apps_json);
  BOOST_REQUIRE(f.register_json("APP", instance_json(inst("i1"))).status == 204u);
  BOOST_TEST(f.get("/eureka/apps/APP/i1").status == 200u);
  BOOST_TEST(f.apps_json() == empty_apps_json);
}

// Self-preservation on (Java default) with one silent lease: threshold
// floor(1 x 2 x 0.85) = 1, 0 renewals -> expiration disabled, so the expired
// lease is kept through several eviction passes.
BOOST_AUTO_TEST_CASE(self_preservation_keeps_expired_lease) {
  auto cfg = test_node_config();
  cfg.registry.enable_self_preservation = true;
  node_fixture f{cfg};
  auto s = inst("sp1");
  s.duration_secs = 1;
  BOOST_REQUIRE(f.register_json("APP", instance_json(s)).status == 204u);
  // Four eviction intervals; without self-preservation the lease is gone
  // after about two (see lease_expiry).
  std::this_thread::sleep_for(4s);
  BOOST_TEST(parse_apps_json(f.apps_json()).find("sp1") != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

// E14 against the real registry (contract §1.5, §2.8): each item is applied
// as a replication, in order, and answered with its own status code.
BOOST_AUTO_TEST_SUITE(peer_replication)

BOOST_FIXTURE_TEST_CASE(batch_items_apply_in_order, node_fixture) {
  auto s = inst("p1");
  s.last_dirty = 1000;
  auto wrapped = instance_json(s); // {"instance":{...}}
  auto object = wrapped.substr(std::string_view{R"({"instance":)"}.size());
  object.pop_back();
  auto item = [](std::string_view id, std::string_view action, std::string_view extra = "") {
    return R"({"appName":"APP","id":")" + std::string{id} + "\"," + std::string{extra}
           + R"("action":")" + std::string{action} + "\"}";
  };
  auto body =
      R"({"replicationList":[)" + item("p1", "Register", R"("instanceInfo":)" + object + ",") + ","
      + item("nobody", "Heartbeat", R"("lastDirtyTimestamp":1000,)") + ","
      + item("p1", "Heartbeat", R"("lastDirtyTimestamp":500,"status":"UP",)") + ","
      + item("p1", "StatusUpdate", R"("lastDirtyTimestamp":2000,"status":"OUT_OF_SERVICE",)") + ","
      + item("nobody", "Cancel") + "]}";
  // As the Java sender posts it: no replication header.
  auto r = req("POST", "/eureka/peerreplication/batch/",
               {{"Content-Type", "application/json"}, {"Accept", "application/json"}}, body);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("content-type") == json_type);
  // Register 200; unknown heartbeat 404; a caller copy older than ours 409
  // with ours; the override 200; unknown cancel 404.
  auto conflict = r.body.find(R"({"statusCode":409,"responseEntity":{"instanceId":"p1",)");
  BOOST_TEST(r.body.rfind(R"({"responseList":[{"statusCode":200},{"statusCode":404},)", 0) == 0u,
             r.body);
  BOOST_TEST(conflict != std::string::npos, r.body);
  BOOST_TEST(r.body.find(R"("lastDirtyTimestamp":"1000")", conflict) != std::string::npos);
  auto tail = std::string{R"(},{"statusCode":200},{"statusCode":404}]})"};
  BOOST_TEST(r.body.size() > tail.size());
  BOOST_TEST(r.body.compare(r.body.size() - tail.size(), tail.size(), tail) == 0, r.body);
  BOOST_TEST(status_of(*this, "APP", "p1") == "OUT_OF_SERVICE");
  BOOST_TEST(read_instance(*this, "APP", "p1").overridden == "OUT_OF_SERVICE");
}

BOOST_AUTO_TEST_SUITE_END()
