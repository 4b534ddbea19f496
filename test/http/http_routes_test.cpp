// The HTTP surface of a real node: every endpoint (contract §1.2: E1-E13,
// E15, E17) under /eureka/ and /eureka/v2/, trailing slashes, percent-encoded
// and raw instance ids, 404 for unknown paths, 405 for wrong methods, content
// negotiation (§1.3, §1.4; clients.md §0.5) and gzip (T35, T36).
#define BOOST_TEST_MODULE http_routes
#include "test/http/http_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace http_test;

namespace {

const char* bases[] = {"/eureka", "/eureka/v2"};

instance_spec spec(std::string app, std::string id, std::string host) {
  instance_spec s;
  s.app = std::move(app);
  s.instance_id = std::move(id);
  s.host = std::move(host);
  s.vip = "app-vip";
  s.svip = "app-svip";
  return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(empty_registry)

// T33 under every base and trailing-slash variant.
BOOST_FIXTURE_TEST_CASE(apps_json_is_exact, node_fixture) {
  for (auto target : {"/eureka/apps", "/eureka/apps/", "/eureka/v2/apps", "/eureka/v2/apps/"}) {
    BOOST_TEST_CONTEXT(target) {
      auto r = get(target, "application/json");
      BOOST_TEST(r.status == 200u);
      BOOST_TEST(r.header("content-type") == json_type);
      BOOST_TEST(r.body == empty_apps_json);
    }
  }
}

// T37 and the XML form of an empty registry (§2.7).
BOOST_FIXTURE_TEST_CASE(apps_xml_is_exact, node_fixture) {
  for (auto target : {"/eureka/apps", "/eureka/apps/", "/eureka/v2/apps", "/eureka/v2/apps/"}) {
    for (auto accept : {"", "*/*", "application/xml"}) {
      BOOST_TEST_CONTEXT(target << " Accept: " << accept) {
        auto r = get(target, accept);
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(r.header("content-type") == xml_type);
        BOOST_TEST(r.body == empty_apps_xml);
      }
    }
  }
}

BOOST_FIXTURE_TEST_CASE(delta_of_empty_registry, node_fixture) {
  auto r = get("/eureka/apps/delta");
  BOOST_TEST(r.status == 200u);
  auto d = parse_apps_json(r.body);
  BOOST_TEST(d.hash == "");
  BOOST_TEST(d.apps.empty());
  BOOST_TEST(r.body.find(R"("application":[])") != std::string::npos);
}

// T42: an unknown VIP is an empty document, never 404; VIP version is -1.
BOOST_FIXTURE_TEST_CASE(unknown_vip_is_empty_list, node_fixture) {
  for (auto base : bases) {
    for (auto kind : {"/vips/", "/svips/"}) {
      auto target = std::string{base} + kind + "unknownvip";
      BOOST_TEST_CONTEXT(target) {
        auto r = get(target);
        BOOST_TEST(r.status == 200u);
        BOOST_TEST(r.body
                   == R"({"applications":{"versions__delta":"-1","apps__hashcode":"",)"
                      R"("application":[]}})");
        auto x = get(target, "");
        BOOST_TEST(x.status == 200u);
        BOOST_TEST(x.header("content-type") == xml_type);
        BOOST_TEST(parse_apps_xml(x.body).version == "-1");
      }
    }
  }
}

// T40, T43 (unknown half), E7-E10 on unknown instances.
BOOST_FIXTURE_TEST_CASE(unknown_app_and_instance_are_404, node_fixture) {
  for (auto base : bases) {
    std::string b{base};
    BOOST_TEST_CONTEXT(b) {
      auto r = get(b + "/apps/NOPE");
      BOOST_TEST(r.status == 404u);
      BOOST_TEST(r.body.empty());
      BOOST_TEST(get(b + "/apps/NOPE/").status == 404u);
      BOOST_TEST(get(b + "/apps/NOPE/x").status == 404u);
      BOOST_TEST(get(b + "/instances/x").status == 404u);
      auto renew = req("PUT", b + "/apps/NOPE/x");
      BOOST_TEST(renew.status == 404u);
      BOOST_TEST(renew.body.empty());
      BOOST_TEST(req("DELETE", b + "/apps/NOPE/x").status == 404u);
      BOOST_TEST(req("PUT", b + "/apps/NOPE/x/status?value=DOWN").status == 404u);
      BOOST_TEST(req("DELETE", b + "/apps/NOPE/x/status").status == 404u);
      BOOST_TEST(req("PUT", b + "/apps/NOPE/x/metadata?k=v").status == 404u);
    }
  }
  BOOST_TEST(apps_json() == empty_apps_json);
}

BOOST_FIXTURE_TEST_CASE(status_overrides_of_empty_registry, node_fixture) {
  for (auto base : bases) {
    auto r = get(std::string{base} + "/serverinfo/statusoverrides");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.header("content-type") == json_type);
    BOOST_TEST(r.body == "{}");
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(every_endpoint)

// E1-E13, E15, E17 under each base, with trailing slashes and both raw and
// percent-encoded instance ids (clients.md §0.1, §0.2).
BOOST_FIXTURE_TEST_CASE(full_lifecycle_under_each_base, node_fixture) {
  for (auto base : bases) {
    std::string b{base};
    BOOST_TEST_CONTEXT(b) {
      // E4 register (lower-case path app: case-insensitive, T9).
      auto r = register_json("app", instance_json(spec("App", "host1:app:8080", "host1")), b);
      BOOST_TEST(r.status == 204u);
      BOOST_TEST(r.body.empty());
      BOOST_TEST(!r.has("content-type"));
      // E1 with and without trailing slash.
      for (auto t : {b + "/apps", b + "/apps/"}) {
        auto d = parse_apps_json(get(t).body);
        BOOST_TEST(d.ids() == std::vector<std::string>{"APP/host1:app:8080"});
        BOOST_TEST(d.hash == "UP_1_");
      }
      // E2.
      for (auto t : {b + "/apps/delta", b + "/apps/delta/"}) {
        auto rr = get(t);
        BOOST_TEST(rr.status == 200u);
        auto d = parse_apps_json(rr.body);
        BOOST_REQUIRE(d.find("host1:app:8080") != nullptr);
        BOOST_TEST(d.find("host1:app:8080")->action == "ADDED");
      }
      // E3, any case, trailing slash.
      for (auto t : {b + "/apps/APP", b + "/apps/app", b + "/apps/App/"}) {
        auto rr = get(t);
        BOOST_TEST(rr.status == 200u);
        auto a = parse_app_json(rr.body);
        BOOST_TEST(a.name == "APP");
        BOOST_TEST(a.instances.size() == 1u);
      }
      // E5 with raw, encoded (upper and lower hex) id, and trailing slash.
      std::string raw_body;
      for (auto t : {b + "/apps/APP/host1:app:8080", b + "/apps/APP/host1%3Aapp%3A8080",
                     b + "/apps/app/host1%3aapp%3a8080", b + "/apps/APP/host1:app:8080/"}) {
        BOOST_TEST_CONTEXT(t) {
          auto rr = get(t);
          BOOST_TEST(rr.status == 200u);
          BOOST_TEST(rr.header("content-type") == json_type);
          auto x = parse_instance_json(rr.body);
          BOOST_TEST(x.instance_id == "host1:app:8080");
          BOOST_TEST(x.app == "APP");
          if (raw_body.empty())
            raw_body = rr.body;
          else
            BOOST_TEST(rr.body == raw_body);
        }
      }
      // Instance ids are case-sensitive.
      BOOST_TEST(get(b + "/apps/APP/HOST1:APP:8080").status == 404u);
      // E11.
      for (auto t : {b + "/instances/host1:app:8080", b + "/instances/host1%3Aapp%3A8080"}) {
        auto rr = get(t);
        BOOST_TEST(rr.status == 200u);
        BOOST_TEST(rr.body == raw_body);
      }
      // E12, E13.
      for (auto t : {b + "/vips/app-vip", b + "/svips/app-svip", b + "/vips/app-vip/"}) {
        auto rr = get(t);
        BOOST_TEST(rr.status == 200u);
        auto d = parse_apps_json(rr.body);
        BOOST_TEST(d.version == "-1");
        BOOST_TEST(d.ids() == std::vector<std::string>{"APP/host1:app:8080"});
      }
      BOOST_TEST(parse_apps_json(get(b + "/vips/app-svip").body).apps.empty());
      // E6 renew, encoded and raw.
      for (auto t : {b + "/apps/APP/host1:app:8080", b + "/apps/app/host1%3Aapp%3A8080"}) {
        auto rr = req("PUT", t);
        BOOST_TEST(rr.status == 200u);
        BOOST_TEST(rr.body.empty());
      }
      // E10 metadata (encoded id).
      auto md = req("PUT", b + "/apps/APP/host1%3Aapp%3A8080/metadata?zone=z1");
      BOOST_TEST(md.status == 200u);
      BOOST_TEST(md.body.empty());
      BOOST_TEST(parse_instance_json(get(b + "/apps/APP/host1:app:8080").body).metadata.at("zone")
                 == "z1");
      // E8 override, E17 dump.
      auto st = req("PUT", b + "/apps/APP/host1%3Aapp%3A8080/status?value=OUT_OF_SERVICE");
      BOOST_TEST(st.status == 200u);
      BOOST_TEST(st.body.empty());
      auto so = get(b + "/serverinfo/statusoverrides");
      BOOST_TEST(so.status == 200u);
      BOOST_TEST(so.body == R"({"host1:app:8080":"OUT_OF_SERVICE"})");
      BOOST_TEST(get(b + "/serverinfo/statusoverrides/").body == so.body);
      BOOST_TEST(parse_instance_json(get(b + "/instances/host1:app:8080").body).status
                 == "OUT_OF_SERVICE");
      // E9 remove override (raw id, trailing slash).
      auto del = req("DELETE", b + "/apps/APP/host1:app:8080/status/?value=UP");
      BOOST_TEST(del.status == 200u);
      BOOST_TEST(get(b + "/serverinfo/statusoverrides").body == "{}");
      BOOST_TEST(parse_instance_json(get(b + "/instances/host1:app:8080").body).status == "UP");
      // E15.
      for (auto t : {b + "/status", b + "/status/"}) {
        auto rr = get(t);
        BOOST_TEST(rr.status == 200u);
        BOOST_TEST(rr.header("content-type") == json_type);
        BOOST_TEST(rr.body.find("generalStats") != std::string::npos);
        auto rx = get(t, "");
        BOOST_TEST(rx.status == 200u);
        BOOST_TEST(rx.header("content-type") == xml_type);
        BOOST_TEST(rx.body.find("<com.netflix.eureka.util.StatusInfo>") == 0u);
      }
      // E7 cancel with the encoded id, then everything is gone.
      auto c = req("DELETE", b + "/apps/APP/host1%3Aapp%3A8080");
      BOOST_TEST(c.status == 200u);
      BOOST_TEST(c.body.empty());
      BOOST_TEST(req("DELETE", b + "/apps/APP/host1:app:8080").status == 404u);
      BOOST_TEST(apps_json(b) == empty_apps_json);
      BOOST_TEST(get(b + "/apps/APP").status == 404u);
      BOOST_TEST(get(b + "/instances/host1:app:8080").status == 404u);
    }
  }
}

// eureka-js-client puts raw ids with other reserved characters in the path.
BOOST_FIXTURE_TEST_CASE(ids_with_reserved_characters, node_fixture) {
  auto s = spec("APP", "10.0.0.7:app:8080@zone a", "10.0.0.7");
  BOOST_TEST(register_json("APP", instance_json(s)).status == 204u);
  auto r = get("/eureka/apps/APP/10.0.0.7%3Aapp%3A8080%40zone%20a");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(parse_instance_json(r.body).instance_id == "10.0.0.7:app:8080@zone a");
  BOOST_TEST(get("/eureka/apps/APP/10.0.0.7:app:8080@zone%20a").status == 200u);
  // A '+' in a path is a literal plus, not a space.
  BOOST_TEST(get("/eureka/apps/APP/10.0.0.7:app:8080@zone+a").status == 404u);
  BOOST_TEST(req("DELETE", "/eureka/v2/apps/app/10.0.0.7%3Aapp%3A8080%40zone%20a").status == 200u);
  BOOST_TEST(apps_json() == empty_apps_json);
}

// The id falls back to hostName when instanceId is absent (getId()).
BOOST_FIXTURE_TEST_CASE(id_falls_back_to_host_name, node_fixture) {
  auto s = spec("APP", "", "plainhost");
  s.instance_id.reset();
  BOOST_TEST(register_json("APP", instance_json(s)).status == 204u);
  BOOST_TEST(get("/eureka/apps/APP/plainhost").status == 200u);
  BOOST_TEST(get("/eureka/instances/plainhost").status == 200u);
  BOOST_TEST(req("PUT", "/eureka/apps/APP/plainhost").status == 200u);
  BOOST_TEST(req("DELETE", "/eureka/apps/APP/plainhost").status == 200u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(unknown_paths_and_methods)

BOOST_FIXTURE_TEST_CASE(unknown_paths_are_404, node_fixture) {
  // "/" and "/eureka/" are left out: the dashboard lives there (decisions.md §6).
  for (auto t : {"/nope", "/eureka/nope", "/eureka/v2/nope", "/eurekax/apps", "/apps", "/v2/apps",
                 "/eureka/apps/A/B/C/D", "/eureka/apps/A/B/statusx", "/eureka/instances",
                 "/eureka/instances/a/b", "/eureka/vips", "/eureka/serverinfo",
                 "/eureka/serverinfo/x", "/eureka/v2/v2/apps", "/eureka/peerreplication/x/y"}) {
    BOOST_TEST_CONTEXT(t) {
      auto r = get(t);
      BOOST_TEST(r.status == 404u);
      BOOST_TEST(r.body.empty());
    }
  }
  // The connection survived all of them.
  BOOST_TEST(apps_json() == empty_apps_json);
}

BOOST_FIXTURE_TEST_CASE(wrong_methods_are_405_with_allow, node_fixture) {
  struct item {
    const char* method;
    const char* path;
    const char* must_allow;
  };
  const item items[] = {
      {"POST", "/apps", "GET"},
      {"PUT", "/apps/", "GET"},
      {"DELETE", "/apps", "GET"},
      {"POST", "/apps/delta", "GET"},
      {"DELETE", "/apps/delta", "GET"},
      {"PUT", "/apps/APP", "POST"},
      {"DELETE", "/apps/APP", "GET"},
      {"POST", "/apps/APP/id1", "PUT"},
      {"GET", "/apps/APP/id1/status", "PUT"},
      {"POST", "/apps/APP/id1/status", "DELETE"},
      {"GET", "/apps/APP/id1/metadata", "PUT"},
      {"DELETE", "/apps/APP/id1/metadata", "PUT"},
      {"POST", "/instances/id1", "GET"},
      {"PUT", "/vips/v", "GET"},
      {"DELETE", "/svips/v", "GET"},
      {"POST", "/status", "GET"},
      {"PUT", "/serverinfo/statusoverrides", "GET"},
  };
  for (auto base : bases) {
    for (auto& x : items) {
      auto target = std::string{base} + x.path;
      BOOST_TEST_CONTEXT(x.method << " " << target) {
        auto r = req(x.method, target, {{"Content-Type", "application/json"}}, "{}");
        BOOST_TEST(r.status == 405u);
        BOOST_TEST(r.header("allow").find(x.must_allow) != std::string::npos);
        BOOST_TEST(r.header("allow").find(x.method) == std::string::npos);
      }
    }
  }
  auto m = req("POST", "/metrics", {}, "");
  BOOST_TEST(m.status == 405u);
  BOOST_TEST(m.header("allow").find("GET") != std::string::npos);
  BOOST_TEST(apps_json() == empty_apps_json);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(negotiation)

// Cache-backed reads: JSON iff Accept contains "json"; everything else XML.
BOOST_FIXTURE_TEST_CASE(cached_reads_follow_json_substring_rule, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(spec("APP", "i1", "h1"))).status == 204u);
  struct item {
    const char* accept;
    bool json;
  };
  const item items[] = {
      {"application/json", true},
      {"application/json;charset=UTF-8", true},
      {"application/xml, application/json", true},
      {"application/xml;q=1, application/json;q=0.1", true},
      {"text/json", true},
      {"application/vnd.foo+json", true},
      {"", false},
      {"*/*", false},
      {"application/xml", false},
      {"text/xml", false},
      {"text/html", false},
      {"application/JSON", false}, // String.contains is case-sensitive
  };
  for (auto target : {"/eureka/apps/", "/eureka/apps/delta", "/eureka/apps/APP",
                      "/eureka/v2/vips/app-vip", "/eureka/v2/svips/app-svip"}) {
    for (auto& x : items) {
      BOOST_TEST_CONTEXT(target << " Accept: " << x.accept) {
        auto r = get(target, x.accept);
        BOOST_TEST(r.status == 200u);
        if (x.json) {
          BOOST_TEST(r.header("content-type") == json_type);
          BOOST_TEST(r.body.front() == '{');
        } else {
          BOOST_TEST(r.header("content-type") == xml_type);
          BOOST_TEST(r.body.front() == '<');
        }
        BOOST_TEST(r.body.find("<?xml") == std::string::npos);
      }
    }
  }
}

// Single-instance reads use JAX-RS negotiation: XML first for wildcards.
BOOST_FIXTURE_TEST_CASE(instance_reads_use_jaxrs_negotiation, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(spec("APP", "i1", "h1"))).status == 204u);
  struct item {
    const char* accept;
    bool json;
  };
  const item items[] = {
      {"application/json", true},
      {"", false},
      {"*/*", false},
      {"application/xml", false},
      {"application/json, application/xml", true},
  };
  for (auto target : {"/eureka/apps/APP/i1", "/eureka/instances/i1"}) {
    for (auto& x : items) {
      BOOST_TEST_CONTEXT(target << " Accept: " << x.accept) {
        auto r = get(target, x.accept);
        BOOST_TEST(r.status == 200u);
        if (x.json) {
          BOOST_TEST(r.header("content-type") == json_type);
          BOOST_TEST(parse_instance_json(r.body).instance_id == "i1");
        } else {
          BOOST_TEST(r.header("content-type") == xml_type);
          BOOST_TEST(parse_instance_xml(r.body).instance_id == "i1");
        }
      }
    }
  }
}

// T35, T36: gzip on E1/E2 with both headers; other reads are never gzipped.
BOOST_FIXTURE_TEST_CASE(gzip_on_apps_and_delta_only, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(spec("APP", "i1", "h1"))).status == 204u);
  for (auto base : bases) {
    for (auto path : {"/apps", "/apps/", "/apps/delta"}) {
      for (auto accept : {"application/json", "application/xml", ""}) {
        for (auto enc : {"gzip", "gzip, deflate", "deflate, gzip;q=1.0"}) {
          auto target = std::string{base} + path;
          BOOST_TEST_CONTEXT(target << " Accept: " << accept << " Accept-Encoding: " << enc) {
            auto plain = get(target, accept);
            auto zipped = get(target, accept, {{"Accept-Encoding", enc}});
            BOOST_TEST(zipped.status == 200u);
            BOOST_TEST(zipped.header("content-encoding") == "gzip");
            BOOST_TEST(zipped.header("content-type")
                       == (std::string_view{accept} == "application/json" ? json_type : xml_type));
            BOOST_TEST(zipped.body.size() >= 2u);
            BOOST_TEST(zipped.body.substr(0, 2) == std::string("\x1f\x8b"));
            BOOST_TEST(zipped.text() == plain.body);
            BOOST_TEST(!plain.has("content-encoding"));
          }
        }
      }
    }
  }
  for (auto t : {"/eureka/apps/APP", "/eureka/apps/APP/i1", "/eureka/instances/i1",
                 "/eureka/vips/app-vip", "/eureka/status", "/eureka/serverinfo/statusoverrides"}) {
    BOOST_TEST_CONTEXT(t) {
      auto r = get(t, "application/json", {{"Accept-Encoding", "gzip"}});
      BOOST_TEST(r.status == 200u);
      BOOST_TEST(!r.has("content-encoding"));
      BOOST_TEST(r.body.front() == '{');
    }
  }
  auto identity = get("/eureka/apps/", "application/json", {{"Accept-Encoding", "identity"}});
  BOOST_TEST(!identity.has("content-encoding"));
  BOOST_TEST(identity.body.front() == '{');
}

// T34, T39: arrays even for one element; the JSON and XML views agree.
BOOST_FIXTURE_TEST_CASE(single_elements_are_arrays_and_formats_agree, node_fixture) {
  auto s = spec("APP", "i1", "h1");
  s.metadata_json = R"({"k":"v"})";
  BOOST_REQUIRE(register_json("APP", instance_json(s)).status == 204u);
  auto full = get("/eureka/apps/").body;
  BOOST_TEST(full.find(R"("application":[{)") != std::string::npos);
  BOOST_TEST(full.find(R"("instance":[{)") != std::string::npos);
  auto app = get("/eureka/apps/APP").body;
  BOOST_TEST(app.find(R"({"application":{"name":"APP","instance":[{)") == 0u);
  auto delta = get("/eureka/apps/delta").body;
  BOOST_TEST(delta.find(R"("instance":[{)") != std::string::npos);
  auto vip = get("/eureka/vips/app-vip").body;
  BOOST_TEST(vip.find(R"("instance":[{)") != std::string::npos);
  auto j = parse_apps_json(full);
  auto x = parse_apps_xml(get("/eureka/apps/", "").body);
  BOOST_TEST(j.hash == x.hash);
  BOOST_TEST(j.version == x.version);
  BOOST_TEST(j.ids() == x.ids());
  BOOST_REQUIRE(j.find("i1") && x.find("i1"));
  BOOST_TEST(j.find("i1")->metadata == x.find("i1")->metadata);
  BOOST_TEST(j.find("i1")->last_dirty == x.find("i1")->last_dirty);
  BOOST_TEST(j.find("i1")->registration_ts == x.find("i1")->registration_ts);
  BOOST_TEST(x.find("i1")->metadata.at("k") == "v");
}

// X-Eureka-Accept: compact (contract §1.3, §2.5) on E1, E2, E3, E12, E13, JSON
// and XML, plain and gzip; any other value is the full form.
BOOST_FIXTURE_TEST_CASE(compact_representation, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(spec("APP", "i1", "h1"))).status == 204u);
  for (auto base : bases) {
    for (auto path : {"/apps", "/apps/delta", "/apps/APP", "/vips/app-vip", "/svips/app-svip"}) {
      auto target = std::string{base} + path;
      for (auto value : {"compact", "COMPACT"}) {
        BOOST_TEST_CONTEXT(target << " X-Eureka-Accept: " << value) {
          auto json = get(target, "application/json", {{"X-Eureka-Accept", value}});
          BOOST_TEST(json.status == 200u);
          BOOST_TEST(json.header("content-type") == json_type);
          BOOST_TEST(json.body.find(R"("instanceId":"i1","app":"APP","ipAddr":"10.0.0.1")")
                     != std::string::npos);
          BOOST_TEST(json.body.find("leaseInfo") == std::string::npos);
          BOOST_TEST(json.body.find("metadata") == std::string::npos);
          auto xml = get(target, "application/xml", {{"X-Eureka-Accept", value}});
          BOOST_TEST(xml.status == 200u);
          BOOST_TEST(xml.header("content-type") == xml_type);
          BOOST_TEST(xml.body.find("<instance><instanceId>i1</instanceId><app>APP</app>")
                     != std::string::npos);
          BOOST_TEST(xml.body.find('\n') == std::string::npos);
          if (std::string_view{path}.rfind("/apps", 0) == 0
              && std::string_view{path} != "/apps/APP") {
            BOOST_TEST(json.body.find(R"({"applications":{"application":[{"name":"APP")") == 0u);
            BOOST_TEST(xml.body.find("<applications><application><name>APP</name>") == 0u);
            auto zipped = get(target, "application/json",
                              {{"X-Eureka-Accept", value}, {"Accept-Encoding", "gzip"}});
            BOOST_TEST(zipped.header("content-encoding") == "gzip");
            auto plain = get(target, "application/json", {{"X-Eureka-Accept", value}});
            BOOST_TEST(zipped.text() == plain.body);
          }
        }
      }
      for (auto value : {"full", "mini", ""}) {
        BOOST_TEST_CONTEXT(target << " X-Eureka-Accept: " << value) {
          auto r = get(target, "application/json", {{"X-Eureka-Accept", value}});
          BOOST_TEST(r.body.find("leaseInfo") != std::string::npos);
        }
      }
    }
  }
  BOOST_TEST(get("/eureka/apps/NOPE", "application/json", {{"X-Eureka-Accept", "compact"}}).status
             == 404u);
}

BOOST_AUTO_TEST_SUITE_END()
