// Pure rules of the HTTP gateway: router, negotiation, request planning,
// reply mapping, metrics text and the status document.
#define BOOST_TEST_MODULE gateway_rules
#include <boost/test/unit_test.hpp>

#include "common/text.hpp"

#include <limits>
#include <string>
#include <vector>

#include "codec/gzip.hpp"
#include "codec/instance_codec.hpp"
#include "codec/replication_codec.hpp"
#include "codec_test_util.hpp"
#include "http_gateway/gateway_probe.hpp"
#include "http_gateway/negotiation.hpp"
#include "http_gateway/request_plan.hpp"
#include "http_gateway/router.hpp"
#include "http_gateway/status_document.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

const std::vector<std::string> default_bases{"/eureka"};

/// The gateway's admin authentication state, for plans that need one.
authenticator& auth() {
  static authenticator instance;
  return instance;
}

route rt(std::string_view method, std::string_view target,
         const std::vector<std::string>& bases = default_bases) {
  return route_request(method, target, bases);
}

const char* valid_json =
    R"({"instance":{"instanceId":"h1:app:8080","hostName":"h1","app":"MYAPP","ipAddr":"10.0.0.1",)"
    R"("status":"UP","port":{"$":8080,"@enabled":"true"},"dataCenterInfo":{"@class":)"
    R"("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}})";

const char* valid_xml = "<instance><instanceId>h1:app:8080</instanceId><hostName>h1</hostName>"
                        "<app>MYAPP</app><ipAddr>10.0.0.1</ipAddr><status>UP</status>"
                        "<port enabled=\"true\">8080</port><dataCenterInfo class=\"com.netflix."
                        "appinfo.InstanceInfo$DefaultDataCenterInfo\"><name>MyOwn</name>"
                        "</dataCenterInfo></instance>";

request_plan plan(std::string_view method, std::string_view target, std::string_view body = {},
                  std::string_view content_type = {}) {
  request_view v;
  v.method = method;
  v.target = target;
  v.body = body;
  v.content_type = content_type;
  return plan_request(v, gateway_config{}, auth(), 1000);
}

} // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(every_endpoint_under_both_base_forms) {
  for (std::string base : {"/eureka", "/eureka/v2"}) {
    BOOST_TEST_CONTEXT(base) {
      BOOST_CHECK(rt("GET", base + "/apps").id == route_id::apps_full);
      BOOST_CHECK(rt("GET", base + "/apps/").id == route_id::apps_full);
      BOOST_CHECK(rt("GET", base + "/apps/delta").id == route_id::apps_delta);
      auto r = rt("GET", base + "/apps/myApp");
      BOOST_CHECK(r.id == route_id::app);
      BOOST_TEST(r.app == "MYAPP");
      BOOST_CHECK(rt("POST", base + "/apps/myapp").id == route_id::register_instance);
      r = rt("GET", base + "/apps/myapp/Host-1:x:80");
      BOOST_CHECK(r.id == route_id::instance);
      BOOST_TEST(r.app == "MYAPP");
      BOOST_TEST(r.instance_id == "Host-1:x:80");
      BOOST_CHECK(rt("PUT", base + "/apps/a/i").id == route_id::renew);
      BOOST_CHECK(rt("DELETE", base + "/apps/a/i").id == route_id::cancel);
      BOOST_CHECK(rt("PUT", base + "/apps/a/i/status?value=UP").id == route_id::status_update);
      BOOST_CHECK(rt("DELETE", base + "/apps/a/i/status").id == route_id::status_delete);
      BOOST_CHECK(rt("PUT", base + "/apps/a/i/metadata?k=v").id == route_id::metadata);
      r = rt("GET", base + "/instances/i-1");
      BOOST_CHECK(r.id == route_id::instance_by_id);
      BOOST_TEST(r.instance_id == "i-1");
      r = rt("GET", base + "/vips/My.Vip");
      BOOST_CHECK(r.id == route_id::vip);
      BOOST_TEST(r.vip == "My.Vip");
      BOOST_CHECK(rt("GET", base + "/svips/s").id == route_id::svip);
      BOOST_CHECK(rt("GET", base + "/status").id == route_id::server_status);
      BOOST_CHECK(rt("GET", base + "/serverinfo/statusoverrides").id == route_id::status_overrides);
      BOOST_CHECK(rt("POST", base + "/peerreplication/batch").id == route_id::replication_batch);
      BOOST_CHECK(rt("POST", base + "/peerreplication/batch/").id == route_id::replication_batch);
      BOOST_CHECK(rt("GET", base + "/cluster/node").id == route_id::cluster_node);
      BOOST_CHECK(rt("GET", base + "/cluster/node/").id == route_id::cluster_node);
    }
  }
  BOOST_CHECK(rt("GET", "/metrics").id == route_id::metrics);
  // The node's own endpoints, outside the base paths (HEAD as GET).
  for (auto [path, id] : {std::pair{"/ready", route_id::ready}, {"/health", route_id::health}}) {
    BOOST_TEST_CONTEXT(path) {
      BOOST_CHECK(rt("GET", path).id == id);
      BOOST_CHECK(rt("GET", std::string{path} + "/").id == id);
      auto head = rt("HEAD", path);
      BOOST_CHECK(head.id == id);
      BOOST_TEST(head.head);
      BOOST_CHECK(rt("GET", std::string{"/eureka"} + path).id == route_id::not_found);
      BOOST_CHECK(rt("GET", std::string{path} + "x").id == route_id::not_found);
      BOOST_CHECK(rt("GET", std::string{path} + "//").id == route_id::not_found);
      auto post = rt("POST", path);
      BOOST_CHECK(post.id == route_id::method_not_allowed);
      BOOST_TEST(post.allow == "GET, HEAD");
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_slashes_are_accepted) {
  BOOST_CHECK(rt("GET", "/eureka/apps/delta/").id == route_id::apps_delta);
  BOOST_CHECK(rt("PUT", "/eureka/v2/apps/A/i/").id == route_id::renew);
  BOOST_CHECK(rt("PUT", "/eureka/apps/A/i/status/?value=UP").id == route_id::status_update);
  BOOST_CHECK(rt("GET", "/eureka/apps//").id == route_id::not_found);
}

BOOST_AUTO_TEST_CASE(percent_decoding) {
  auto r = rt("PUT", "/eureka/apps/my%2dapp/host%3Aapp%3A8080");
  BOOST_TEST(r.app == "MY-APP");
  BOOST_TEST(r.instance_id == "host:app:8080");
  r = rt("PUT", "/eureka/apps/APP/a%2Fb");
  BOOST_CHECK(r.id == route_id::renew); // %2F stays inside the segment
  BOOST_TEST(r.instance_id == "a/b");
  r = rt("PUT", "/eureka/apps/APP/raw:id:1");
  BOOST_TEST(r.instance_id == "raw:id:1");
  r = rt("PUT", "/eureka/apps/A/i+d");
  BOOST_TEST(r.instance_id == "i+d"); // '+' is literal in paths
  r = rt("PUT", "/eureka/apps/A/i/metadata?k%31=v+1%2B&k1=second&x");
  BOOST_REQUIRE(r.id == route_id::metadata);
  BOOST_REQUIRE_EQUAL(r.query.size(), 3u);
  BOOST_TEST(r.query[0].first == "k1");
  BOOST_TEST(r.query[0].second == "v 1+");
  BOOST_TEST(*find_param(r.query, "k1") == "v 1+");
  BOOST_TEST(r.query[2].second == "");
}

BOOST_AUTO_TEST_CASE(bad_escapes_are_400) {
  for (auto target : {"/eureka/apps/A/i%", "/eureka/apps/A/i%4", "/eureka/apps/A/i%zz",
                      "/eureka/apps/A/i?lastDirtyTimestamp=%G1", "/eureka/apps/A/i?%=1"}) {
    BOOST_TEST_CONTEXT(target) {
      auto r = rt("PUT", target);
      BOOST_CHECK(r.id == route_id::bad_request);
      BOOST_TEST(!r.error.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(wrong_methods_are_405_with_allow) {
  auto r = rt("POST", "/eureka/apps");
  BOOST_CHECK(r.id == route_id::method_not_allowed);
  BOOST_TEST(r.allow == "GET, HEAD");
  r = rt("PUT", "/eureka/apps/A");
  BOOST_CHECK(r.id == route_id::method_not_allowed);
  BOOST_TEST(r.allow == "GET, HEAD, POST");
  r = rt("POST", "/eureka/apps/A/i");
  BOOST_TEST(r.allow == "GET, HEAD, PUT, DELETE");
  r = rt("GET", "/eureka/apps/A/i/status");
  BOOST_TEST(r.allow == "PUT, DELETE");
  r = rt("DELETE", "/eureka/apps/A/i/metadata");
  BOOST_TEST(r.allow == "PUT");
  BOOST_CHECK(rt("POST", "/eureka/apps/delta").id == route_id::method_not_allowed);
  BOOST_CHECK(rt("DELETE", "/eureka/instances/x").id == route_id::method_not_allowed);
  BOOST_CHECK(rt("PUT", "/eureka/vips/x").id == route_id::method_not_allowed);
  BOOST_CHECK(rt("POST", "/eureka/status").id == route_id::method_not_allowed);
  BOOST_CHECK(rt("POST", "/metrics").id == route_id::method_not_allowed);
  auto batch = rt("GET", "/eureka/peerreplication/batch/");
  BOOST_CHECK(batch.id == route_id::method_not_allowed);
  BOOST_TEST(batch.allow == "POST");
  auto node = rt("POST", "/eureka/cluster/node");
  BOOST_CHECK(node.id == route_id::method_not_allowed);
  BOOST_TEST(node.allow == "GET, HEAD");
  auto head = rt("HEAD", "/eureka/apps");
  BOOST_CHECK(head.id == route_id::apps_full);
  BOOST_TEST(head.head);
}

// ("/" is the admin console's page: gateway_admin_test.)
BOOST_AUTO_TEST_CASE(unknown_paths_are_404) {
  for (auto target :
       {"/eureka", "/eureka/", "/eurekaapps", "/eureka/v1/apps", "/apps", "/eureka/apps/A/i/x",
        "/eureka/apps/A/i/status/x", "/eureka/instances", "/eureka/v2", "/eureka/v2/v2/apps",
        "/eureka/peerreplication", "/eureka/peerreplication/batch/x", "/eureka/cluster",
        "/eureka/cluster/nodes", "/other/apps"}) {
    BOOST_TEST_CONTEXT(target) {
      BOOST_CHECK(rt("GET", target).id == route_id::not_found);
    }
  }
}

BOOST_AUTO_TEST_CASE(configurable_bases) {
  std::vector<std::string> bases{"/registry/", "/eureka"};
  BOOST_CHECK(rt("GET", "/registry/apps", bases).id == route_id::apps_full);
  BOOST_CHECK(rt("GET", "/registry/v2/apps", bases).id == route_id::apps_full);
  BOOST_CHECK(rt("GET", "/eureka/apps", bases).id == route_id::apps_full);
  std::vector<std::string> root{""};
  BOOST_CHECK(rt("GET", "/apps/", root).id == route_id::apps_full);
  BOOST_CHECK(rt("GET", "/v2/apps/X", root).id == route_id::app);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(negotiation)

BOOST_AUTO_TEST_CASE(cached_reads_use_substring_json) {
  BOOST_CHECK(cached_read_format("application/json") == payload_format::json);
  BOOST_CHECK(cached_read_format("application/xml, text/json;q=0.1") == payload_format::json);
  BOOST_CHECK(cached_read_format("") == payload_format::xml);
  BOOST_CHECK(cached_read_format("*/*") == payload_format::xml);
  BOOST_CHECK(cached_read_format("application/xml") == payload_format::xml);
}

BOOST_AUTO_TEST_CASE(negotiated_reads_follow_jaxrs) {
  BOOST_CHECK(negotiated_format("application/json") == payload_format::json);
  BOOST_CHECK(negotiated_format("application/json, */*") == payload_format::json);
  BOOST_CHECK(negotiated_format("application/vnd.x+json") == payload_format::json);
  BOOST_CHECK(negotiated_format("") == payload_format::xml);
  BOOST_CHECK(negotiated_format("*/*") == payload_format::xml);
  BOOST_CHECK(negotiated_format("application/*") == payload_format::xml);
  BOOST_CHECK(negotiated_format("application/xml, application/json") == payload_format::xml);
  BOOST_CHECK(negotiated_format("application/json;q=0.5, application/xml") == payload_format::xml);
  BOOST_CHECK(negotiated_format("*/*, application/json") == payload_format::json);
  BOOST_CHECK(negotiated_format("text/html") == payload_format::xml);
  BOOST_CHECK(negotiated_format("application/json;q=0") == payload_format::xml);
}

BOOST_AUTO_TEST_CASE(gzip_and_replication) {
  BOOST_TEST(accepts_gzip("gzip, deflate"));
  BOOST_TEST(!accepts_gzip("deflate"));
  BOOST_TEST(is_replication("true"));
  BOOST_TEST(!is_replication("True"));
  BOOST_TEST(!is_replication(""));
}

BOOST_AUTO_TEST_CASE(eureka_accept_header) {
  // EurekaAccept.fromString: valueOf(name.toLowerCase()), anything else is full
  BOOST_CHECK(requested_representation("compact") == representation::compact);
  BOOST_CHECK(requested_representation("COMPACT") == representation::compact);
  BOOST_CHECK(requested_representation("Compact") == representation::compact);
  BOOST_CHECK(requested_representation("") == representation::full);
  BOOST_CHECK(requested_representation("full") == representation::full);
  BOOST_CHECK(requested_representation("mini") == representation::full);
  BOOST_CHECK(requested_representation("compact2") == representation::full);
  BOOST_CHECK(requested_representation("compac") == representation::full);
}

BOOST_AUTO_TEST_CASE(registration_media_types) {
  BOOST_CHECK(registration_media("application/json").format == body_format::json);
  BOOST_CHECK(registration_media("Application/XML; charset=UTF-8").format == body_format::xml);
  auto latin = registration_media("application/json;charset=\"ISO-8859-1\"");
  BOOST_CHECK(latin.format == body_format::json);
  BOOST_TEST(latin.latin1);
  BOOST_CHECK(registration_media("application/json; charset=UTF-16").format
              == body_format::unsupported);
  BOOST_CHECK(registration_media("text/plain").format == body_format::unsupported);
  BOOST_CHECK(registration_media("").format == body_format::unsupported);
  BOOST_TEST(latin1_to_utf8("\xE9") == "\xC3\xA9");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(planning)

BOOST_AUTO_TEST_CASE(reads) {
  request_view v;
  v.method = "GET";
  v.target = "/eureka/apps/";
  v.accept = "application/json";
  v.accept_encoding = "gzip";
  auto p = plan_request(v, gateway_config{}, auth(), 0);
  auto* q = std::get_if<read_query>(&p.call);
  BOOST_REQUIRE(q != nullptr);
  BOOST_CHECK(q->kind == read_kind::all_apps);
  BOOST_CHECK(q->format == payload_format::json);
  BOOST_TEST(q->gzip);
  v.target = "/eureka/apps/foo";
  p = plan_request(v, gateway_config{}, auth(), 0);
  q = std::get_if<read_query>(&p.call);
  BOOST_REQUIRE(q != nullptr);
  BOOST_TEST(!q->gzip); // gzip only for E1/E2
  BOOST_TEST(q->name == "FOO");
  BOOST_CHECK(q->repr == representation::full);
  v.eureka_accept = "Compact";
  for (auto target : {"/eureka/apps", "/eureka/v2/apps/delta", "/eureka/apps/foo", "/eureka/vips/v",
                      "/eureka/svips/s"}) {
    v.target = target;
    p = plan_request(v, gateway_config{}, auth(), 0);
    q = std::get_if<read_query>(&p.call);
    BOOST_REQUIRE(q != nullptr);
    BOOST_CHECK(q->repr == representation::compact);
  }
  v.eureka_accept = "full";
  p = plan_request(v, gateway_config{}, auth(), 0);
  BOOST_CHECK(std::get<read_query>(p.call).repr == representation::full);
  v.target = "/eureka/instances/abc";
  v.accept = "*/*";
  p = plan_request(v, gateway_config{}, auth(), 0);
  auto* iq = std::get_if<instance_query>(&p.call);
  BOOST_REQUIRE(iq != nullptr);
  BOOST_TEST(iq->app.empty());
  BOOST_CHECK(iq->format == payload_format::xml);
}

BOOST_AUTO_TEST_CASE(renew_parameters) {
  request_view v;
  v.method = "PUT";
  v.target = "/eureka/apps/a/i?status=UP&lastDirtyTimestamp=123&overriddenstatus=DOWN";
  v.replication = "true";
  auto p = plan_request(v, gateway_config{}, auth(), 0);
  auto* cmd = std::get_if<renew_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->app == "A");
  BOOST_TEST(cmd->is_replication);
  BOOST_REQUIRE(cmd->last_dirty_timestamp);
  BOOST_TEST(*cmd->last_dirty_timestamp == 123);
  BOOST_REQUIRE(cmd->overridden_status);
  BOOST_CHECK(*cmd->overridden_status == instance_status::down);
  v.target = "/eureka/apps/a/i?lastDirtyTimestamp=12x";
  p = plan_request(v, gateway_config{}, auth(), 0);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->content_type == "text/plain");
}

BOOST_AUTO_TEST_CASE(status_values) {
  auto p = plan("PUT", "/eureka/apps/a/i/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=5");
  auto* cmd = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_CHECK(cmd->value == instance_status::out_of_service);
  BOOST_TEST(!cmd->remove);
  for (auto target : {"/eureka/apps/a/i/status", "/eureka/apps/a/i/status?value=up",
                      "/eureka/apps/a/i/status?value=UP&lastDirtyTimestamp=x"}) {
    BOOST_TEST_CONTEXT(target) {
      p = plan("PUT", target);
      BOOST_REQUIRE(p.immediate);
      BOOST_TEST(p.immediate->status == 400u);
    }
  }
  p = plan("DELETE", "/eureka/apps/a/i/status");
  cmd = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->remove);
  BOOST_CHECK(cmd->value == instance_status::unknown);
  p = plan("DELETE", "/eureka/apps/a/i/status?value=DOWN");
  cmd = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_CHECK(cmd->value == instance_status::down);
  p = plan("DELETE", "/eureka/apps/a/i/status?value=Down");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
}

BOOST_AUTO_TEST_CASE(metadata_takes_first_values) {
  auto p = plan("PUT", "/eureka/apps/a/i/metadata?b=1&a=2&b=3", "{}", "application/json");
  auto* cmd = std::get_if<metadata_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_REQUIRE_EQUAL(cmd->entries.size(), 2u);
  BOOST_TEST(cmd->entries[0].first == "b");
  BOOST_TEST(cmd->entries[0].second == "1");
  BOOST_TEST(cmd->entries[1].first == "a");
}

BOOST_AUTO_TEST_CASE(register_bodies) {
  auto p = plan("POST", "/eureka/apps/myapp", valid_json, "application/json");
  auto* cmd = std::get_if<register_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->info.host_name == "h1");
  p = plan("POST", "/eureka/apps/myapp", valid_xml, "application/xml; charset=UTF-8");
  BOOST_REQUIRE(std::get_if<register_cmd>(&p.call) != nullptr);
  // 415: wrong media type or charset.
  p = plan("POST", "/eureka/apps/myapp", valid_json, "text/plain");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 415u);
  p = plan("POST", "/eureka/apps/myapp", valid_json, "application/json; charset=UTF-16");
  BOOST_TEST(p.immediate->status == 415u);
  // Validation: a bare reason under the negotiated type (XML unless Accept asks for JSON).
  p = plan("POST", "/eureka/apps/other", valid_json, "application/json");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->content_type == "application/xml");
  BOOST_TEST(p.immediate->body.str().find("Mismatched appName") != std::string::npos);
  {
    request_view v;
    v.method = "POST";
    v.target = "/eureka/apps/other";
    v.body = valid_json;
    v.content_type = "application/json";
    v.accept = "application/json";
    auto pj = plan_request(v, gateway_config{}, auth(), 1000);
    BOOST_REQUIRE(pj.immediate);
    BOOST_TEST(pj.immediate->content_type == "application/json");
  }
  // Undecodable: §1.6 bodies.
  p = plan("POST", "/eureka/apps/myapp", "{not json", "application/json");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->body.str() == R"({"error": "cannot parse request body"})");
  BOOST_TEST(p.immediate->content_type == "application/json");
  p = plan("POST", "/eureka/apps/myapp", "<instance", "application/xml");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->body.str()
             == "<error><message>cannot parse request body</message></error>");
  BOOST_TEST(p.immediate->content_type == "application/xml");
  // JSON form only for exactly application/json; the request's type is echoed as Jersey prints it.
  p = plan("POST", "/eureka/apps/myapp", "{not json", "application/json; charset=utf-8");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->body.str()
             == "<error><message>cannot parse request body</message></error>");
  BOOST_TEST(p.immediate->content_type == "application/json;charset=utf-8");
  p = plan("POST", "/eureka/apps/myapp", "{not json", "Application/JSON");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->body.str() == R"({"error": "cannot parse request body"})");
  BOOST_TEST(p.immediate->content_type == "Application/JSON");
}

BOOST_AUTO_TEST_CASE(asg_status_is_400) {
  auto p = plan("PUT", "/eureka/asg/my-asg/status?value=ENABLED");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->body_size() == 0u);
  p = plan("GET", "/eureka/v2/asg/my-asg/status");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 405u);
}

BOOST_AUTO_TEST_CASE(gzip_register_body) {
  auto zipped = codec::gzip_compress(valid_json);
  request_view v;
  v.method = "POST";
  v.target = "/eureka/apps/myapp";
  v.content_type = "application/json";
  v.content_encoding = "gzip";
  v.body = zipped;
  auto p = plan_request(v, gateway_config{}, auth(), 0);
  BOOST_REQUIRE(std::get_if<register_cmd>(&p.call) != nullptr);
  gateway_config small;
  small.max_body_bytes = 10;
  p = plan_request(v, small, auth(), 0);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  v.content_encoding = "br";
  p = plan_request(v, gateway_config{}, auth(), 0);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 415u);
}

BOOST_AUTO_TEST_CASE(write_and_read_replies) {
  BOOST_TEST(respond_write(route_id::register_instance, {}, payload_format::json).status == 204u);
  auto ok = respond_write(route_id::renew, {}, payload_format::json);
  BOOST_TEST(ok.status == 200u);
  BOOST_TEST(ok.body_size() == 0u);
  BOOST_TEST(ok.content_type.empty());
  write_reply nf{write_outcome::not_found, {}};
  BOOST_TEST(respond_write(route_id::cancel, nf, payload_format::json).status == 404u);
  instance_info info;
  info.instance_id = std::string{"i-1"};
  info.host_name = "h";
  info.app = "A";
  write_reply conflict{write_outcome::conflict, info};
  auto c = respond_write(route_id::renew, conflict, payload_format::json);
  BOOST_TEST(c.status == 409u);
  BOOST_TEST(c.content_type == "application/json");
  BOOST_TEST(c.body.str().rfind("{\"instance\":", 0) == 0u);
  c = respond_write(route_id::renew, conflict, payload_format::xml);
  BOOST_TEST(c.content_type == "application/xml");
  BOOST_TEST(c.body.str().rfind("<instance>", 0) == 0u);
  // V1AwareInstanceInfoConverter: the XML entity shows OUT_OF_SERVICE as DOWN, JSON as it is.
  conflict.entity->status = instance_status::out_of_service;
  c = respond_write(route_id::renew, conflict, payload_format::xml);
  BOOST_TEST(c.body.str().find("<status>DOWN</status>") != std::string::npos);
  c = respond_write(route_id::renew, conflict, payload_format::json);
  BOOST_TEST(c.body.str().find(R"("status":"OUT_OF_SERVICE")") != std::string::npos);
  read_reply rr{read_outcome::ok, std::make_shared<const std::string>("x"), true};
  auto r = respond_read(route_id::apps_full, rr, payload_format::xml);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.content_encoding == "gzip");
  BOOST_TEST(r.content_type == "application/xml");
  BOOST_TEST(
      respond_read(route_id::apps_full, {read_outcome::forbidden, {}, false}, payload_format::xml)
          .status
      == 403u);
  BOOST_TEST(
      respond_read(route_id::apps_full, {read_outcome::not_found, {}, false}, payload_format::xml)
          .status
      == 404u);
}

// Issue 6 item 3: a lastDirtyTimestamp further ahead than the skew bound
// wins every later conflict; it is refused from clients and peers alike.
BOOST_AUTO_TEST_CASE(dirty_timestamps_beyond_the_skew_are_refused) {
  constexpr int64_t now = 1700000000000;
  const std::string max = "9223372036854775807";
  auto body_with = [](const std::string& ts) {
    return std::string{R"({"instance":{"instanceId":"h1:app:8080","hostName":"h1","app":"MYAPP",)"
                       R"("ipAddr":"10.0.0.1","status":"UP","lastDirtyTimestamp":")"}
           + ts
           + R"(","dataCenterInfo":{"@class":)"
             R"("com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo","name":"MyOwn"}}})";
  };
  auto run = [&](std::string_view method, std::string_view target, const std::string& body,
                 bool replication, const gateway_config& cfg = gateway_config{}) {
    request_view v;
    v.method = method;
    v.target = target;
    v.body = body;
    v.content_type = body.empty() ? "" : "application/json";
    v.replication = replication ? "true" : "";
    return plan_request(v, cfg, auth(), now);
  };
  auto refused = [](const request_plan& p, const std::string& ts) {
    BOOST_REQUIRE(p.immediate);
    BOOST_TEST(p.immediate->status == 400u);
    BOOST_TEST(p.immediate->content_type == "text/plain");
    BOOST_TEST(p.immediate->body.str()
               == "lastDirtyTimestamp " + ts
                      + " is more than 600000 ms ahead of the server's clock");
    BOOST_CHECK(std::holds_alternative<std::monostate>(p.call));
  };
  const std::string limit = std::to_string(now + 600000);
  const std::string beyond = std::to_string(now + 600001);
  for (bool replication : {false, true}) {
    BOOST_TEST_CONTEXT("replication " << replication) {
      refused(run("POST", "/eureka/apps/myapp", body_with(max), replication), max);
      refused(run("POST", "/eureka/apps/myapp", body_with(beyond), replication), beyond);
      auto p = run("POST", "/eureka/apps/myapp", body_with(limit), replication);
      BOOST_REQUIRE(std::get_if<register_cmd>(&p.call) != nullptr);
      for (auto target : {"/eureka/apps/a/i?status=UP&lastDirtyTimestamp=",
                          "/eureka/apps/a/i/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=",
                          "/eureka/apps/a/i/status?lastDirtyTimestamp="}) {
        BOOST_TEST_CONTEXT(target) {
          auto method = std::string_view{target}.find("/status?lastDirty") != std::string::npos
                            ? "DELETE"
                            : "PUT";
          refused(run(method, target + max, {}, replication), max);
          refused(run(method, target + beyond, {}, replication), beyond);
          BOOST_TEST(!run(method, target + limit, {}, replication).immediate);
          BOOST_TEST(!run(method, std::string{target} + "-5", {}, replication).immediate);
        }
      }
    }
  }
  // The XML body is held to the same bound.
  {
    std::string xml = valid_xml;
    xml.insert(xml.find("</instance>"), "<lastDirtyTimestamp>" + max + "</lastDirtyTimestamp>");
    request_view v;
    v.method = "POST";
    v.target = "/eureka/apps/myapp";
    v.body = xml;
    v.content_type = "application/xml";
    refused(plan_request(v, gateway_config{}, auth(), now), max);
  }
  // The Java reasons come first.
  auto p = run("POST", "/eureka/apps/other", body_with(max), false);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->body.str().find("Mismatched appName") == 0u);
  // 0: no bound (Java's behaviour).
  gateway_config unbounded;
  unbounded.max_dirty_timestamp_skew_ms = 0;
  p = run("POST", "/eureka/apps/myapp", body_with(max), true, unbounded);
  auto* cmd = std::get_if<register_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->info.last_dirty_timestamp == std::numeric_limits<int64_t>::max());
  BOOST_TEST(
      !run("PUT", "/eureka/apps/a/i?lastDirtyTimestamp=" + max, {}, false, unbounded).immediate);
  // A smaller bound.
  gateway_config tight;
  tight.max_dirty_timestamp_skew_ms = 1000;
  BOOST_TEST(run("PUT", "/eureka/apps/a/i?lastDirtyTimestamp=" + std::to_string(now + 1001), {},
                 false, tight)
                 .immediate->body.str()
                 .find("more than 1000 ms ahead")
             != std::string::npos);
}

// Issue 6 item 8: a path value longer than any registration may carry is a
// clear 400, whatever the route.
BOOST_AUTO_TEST_CASE(path_values_beyond_the_field_limits_are_400) {
  auto app_ok = std::string(max_app_name_bytes, 'a');
  auto app_long = std::string(max_app_name_bytes + 1, 'a');
  auto id_ok = std::string(max_instance_id_bytes, 'i');
  auto id_long = std::string(max_instance_id_bytes + 1, 'i');
  auto vip_long = std::string(max_vip_address_bytes + 1, 'v');
  auto bad = [](std::string_view method, const std::string& target, std::string_view reason) {
    BOOST_TEST_CONTEXT(method << " " << target.substr(0, 40)) {
      auto p = plan(method, target);
      BOOST_REQUIRE(p.immediate);
      BOOST_TEST(p.immediate->status == 400u);
      BOOST_TEST(p.immediate->body.str().find(reason) == 0u, p.immediate->body.str());
      BOOST_CHECK(std::holds_alternative<std::monostate>(p.call));
    }
  };
  const std::string app_reason = "application name too long: 257 bytes (at most 256)";
  const std::string id_reason = "instance id too long: 1025 bytes (at most 1024)";
  bad("GET", "/eureka/apps/" + app_long, app_reason);
  bad("POST", "/eureka/apps/" + app_long, app_reason);
  for (auto method : {"GET", "PUT", "DELETE"})
    bad(method, "/eureka/v2/apps/" + app_long + "/i", app_reason);
  for (auto method : {"GET", "PUT", "DELETE"})
    bad(method, "/eureka/apps/a/" + id_long, id_reason);
  bad("PUT", "/eureka/apps/a/" + id_long + "/status?value=UP", id_reason);
  bad("DELETE", "/eureka/apps/a/" + id_long + "/status", id_reason);
  bad("PUT", "/eureka/apps/a/" + id_long + "/metadata?k=v", id_reason);
  bad("GET", "/eureka/instances/" + id_long, id_reason);
  bad("GET", "/eureka/vips/" + vip_long, "VIP address too long: 1025 bytes (at most 1024)");
  bad("GET", "/eureka/svips/" + vip_long, "VIP address too long");
  // Sizes count decoded bytes: 1024 percent-encoded bytes are fine, 1025 not.
  std::string encoded_ok, encoded_long = "%41";
  for (size_t i = 0; i < max_instance_id_bytes; ++i)
    encoded_ok += "%41";
  encoded_long += encoded_ok;
  auto p = plan("PUT", "/eureka/apps/" + app_ok + "/" + encoded_ok + "/status?value=UP");
  auto* cmd = std::get_if<status_cmd>(&p.call);
  BOOST_REQUIRE(cmd != nullptr);
  BOOST_TEST(cmd->id == std::string(max_instance_id_bytes, 'A'));
  bad("PUT", "/eureka/apps/a/" + encoded_long + "/status?value=UP", id_reason);
  // At the limits every route plans normally.
  BOOST_TEST(!plan("GET", "/eureka/apps/" + app_ok + "/" + id_ok).immediate);
  BOOST_TEST(!plan("GET", "/eureka/instances/" + id_ok).immediate);
  BOOST_TEST(!plan("GET", "/eureka/vips/" + std::string(max_vip_address_bytes, 'v')).immediate);
  // HEAD: still answered without a body.
  p = plan("HEAD", "/eureka/apps/" + app_long);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->head_only);
  // Wrong methods and unknown paths keep their answers.
  BOOST_TEST(plan("POST", "/eureka/apps/a/" + id_long).immediate->status == 405u);
  BOOST_TEST(plan("GET", "/eureka/nope/" + id_long).immediate->status == 404u);
}

// The header budget check (node configuration) relies on this bound: the
// longest request addressing a maximal instance, every byte percent-encoded.
BOOST_AUTO_TEST_CASE(longest_request_line_covers_maximal_instances) {
  auto enc = [](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i)
      s += "%3A";
    return s;
  };
  for (std::string base : {"/eureka", "/eureka/", "/", "/a/much/longer/base/path"}) {
    BOOST_TEST_CONTEXT(base) {
      auto b = base.back() == '/' ? base.substr(0, base.size() - 1) : base;
      std::string lines[] = {
          "DELETE " + b + "/v2/apps/" + enc(max_app_name_bytes) + "/" + enc(max_instance_id_bytes)
              + "/status?value=OUT_OF_SERVICE&lastDirtyTimestamp=-9223372036854775808"
              + " HTTP/1.1\r\n",
          "PUT " + b + "/v2/apps/" + enc(max_app_name_bytes) + "/" + enc(max_instance_id_bytes)
              + "?status=OUT_OF_SERVICE&lastDirtyTimestamp=-9223372036854775808"
              + "&overriddenstatus=OUT_OF_SERVICE HTTP/1.1\r\n",
          "GET " + b + "/v2/svips/" + enc(max_vip_address_bytes) + " HTTP/1.1\r\n"};
      for (const auto& line : lines)
        BOOST_TEST(line.size() <= longest_request_line(base));
      // Not wildly more than needed either.
      BOOST_TEST(longest_request_line(base) <= lines[0].size() + 64);
    }
  }
  BOOST_TEST(longest_request_line("/eureka") + ordinary_header_bytes
             <= gateway_config{}.max_header_bytes);
}

BOOST_AUTO_TEST_CASE(java_longs) {
  int64_t x = 0;
  BOOST_TEST(text::parse_long("1700000000000", x));
  BOOST_TEST(x == 1700000000000);
  BOOST_TEST(text::parse_long("-9223372036854775808", x));
  BOOST_TEST(text::parse_long("+5", x));
  BOOST_TEST(!text::parse_long("9223372036854775808", x));
  BOOST_TEST(!text::parse_long("", x));
  BOOST_TEST(!text::parse_long("1.5", x));
  BOOST_TEST(!text::parse_long("-", x));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(documents)

BOOST_AUTO_TEST_CASE(prometheus_text) {
  gateway_probe probe;
  probe.request("apps_full", 200);
  probe.request("apps_full", 200);
  probe.request("apps_delta", 403);
  probe.connection_opened();
  probe.timeout(timeout_kind::request);
  auto text = probe.render_prometheus({});
  BOOST_TEST(text.find("eureka_http_requests_total{route=\"apps_full\",code=\"200\"} 2\n")
             != std::string::npos);
  BOOST_TEST(text.find("eureka_http_requests_total{route=\"apps_delta\",code=\"403\"} 1\n")
             != std::string::npos);
  BOOST_TEST(text.find("eureka_http_connections_open 1\n") != std::string::npos);
  BOOST_TEST(text.find("eureka_http_timeouts_total{kind=\"request\"} 1\n") != std::string::npos);
  for (auto& m : gateway_metrics)
    BOOST_TEST(text.find(std::string{"# TYPE "} + std::string{m.name}) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(uptime_format) {
  BOOST_TEST(format_uptime(0) == "00:00");
  BOOST_TEST(format_uptime((2 * 60 + 5) * 60000) == "02:05");
  BOOST_TEST(format_uptime(86400000 + 60000) == "1 day 00:01");
  BOOST_TEST(format_uptime(3 * 86400000LL) == "3 days 00:00");
}

BOOST_AUTO_TEST_CASE(status_documents) {
  gateway_config cfg;
  cfg.node_hostname = "node1";
  cfg.node_ip = "10.1.1.1";
  status_inputs in;
  in.environment = "test";
  in.peer_urls = {"http://a:8761/eureka/", "http://b:8761/eureka/"};
  in.node = make_node_instance(cfg, 8761, 1000);
  in.stats.instances = 3;
  auto xml = status_document(payload_format::xml, in);
  BOOST_TEST(xml.rfind("<com.netflix.eureka.util.StatusInfo>\n  <generalStats>\n"
                       "    <environment>test</environment>\n",
                       0)
             == 0u);
  BOOST_TEST(xml.find("<registered-replicas>http://a:8761/eureka/, http://b:8761/eureka/"
                      "</registered-replicas>")
             != std::string::npos);
  BOOST_TEST(xml.find("  <instanceInfo>\n") != std::string::npos);
  BOOST_TEST(xml.find("<app>CAF-EUREKA</app>") != std::string::npos);
  BOOST_TEST(xml.find("</instanceInfo>\n</com.netflix.eureka.util.StatusInfo>")
             != std::string::npos);
  auto json = status_document(payload_format::json, in);
  BOOST_TEST(json.rfind("{\"generalStats\":{\"environment\":\"test\"", 0) == 0u);
  BOOST_TEST(json.find("\"instanceInfo\":{\"instanceId\":\"node1:caf-eureka:8761\"")
             != std::string::npos);
  BOOST_TEST(json.back() == '}');
  BOOST_TEST(overrides_json({{"h:a:1", "OUT_OF_SERVICE"}, {"q\"", "DOWN"}})
             == R"({"h:a:1":"OUT_OF_SERVICE","q\"":"DOWN"})");
  BOOST_TEST(overrides_json({}) == "{}");
}

BOOST_AUTO_TEST_CASE(status_replicas_follow_the_links) {
  gateway_config cfg;
  status_inputs in;
  in.peer_urls = {"http://me:8761/eureka/", "http://a:8761/eureka/", "http://b:8761/eureka/"};
  in.node = make_node_instance(cfg, 8761, 1000);
  // The replication actor's view wins over the configured list (it leaves
  // this node out and knows the links).
  in.peers = std::vector<peer_status>{{"http://a:8761/eureka/", "caf-eureka", true, "n-a", 0, 0},
                                      {"http://b:8761/eureka/", "java", false, "", 0, 0}};
  auto xml = status_document(payload_format::xml, in);
  BOOST_TEST(xml.find("<registered-replicas>http://a:8761/eureka/, http://b:8761/eureka/"
                      "</registered-replicas>")
             != std::string::npos);
  BOOST_TEST(xml.find("<available-replicas>http://a:8761/eureka/,</available-replicas>")
             != std::string::npos);
  BOOST_TEST(xml.find("<unavailable-replicas>http://b:8761/eureka/,</unavailable-replicas>")
             != std::string::npos);
  auto json = status_document(payload_format::json, in);
  BOOST_TEST(json.find(R"("available-replicas":"http://a:8761/eureka/,")") != std::string::npos);
  BOOST_TEST(json.find("http://me:8761") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// -- E14 peerreplication/batch (issue 7) ---------------------------------------

namespace {

constexpr int64_t batch_now = 1700000099999;

std::string instance_object(const instance_info& x) {
  std::string out;
  codec::append_instance_json(out, x);
  return out;
}

/// `{"replicationList":[<items>]}`.
std::string batch_of(const std::vector<std::string>& items) {
  std::string out = "{\"replicationList\":[";
  for (size_t i = 0; i < items.size(); ++i)
    out += (i ? "," : "") + items[i];
  return out + "]}";
}

/// Contract §2.8's example batch, its elided instanceInfo filled in by the
/// §2.7 host1 instance.
std::string spec_batch() {
  return batch_of(
      {R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","lastDirtyTimestamp":1700000000100,)"
       R"("status":"UP","instanceInfo":)"
           + instance_object(codec_fixtures::spec_host1()) + R"(,"action":"Register"})",
       R"({"appName":"ORDER-SERVICE","id":"host2:order-service:8080","lastDirtyTimestamp":1700000000900,)"
       R"("status":"OUT_OF_SERVICE","overriddenStatus":"OUT_OF_SERVICE","action":"Heartbeat"})",
       R"({"appName":"BILLING","id":"host3:billing:9000","action":"Cancel"})"});
}

std::string item_json(std::string_view action, std::string_view extra = "") {
  return std::string{R"({"appName":"BILLING","id":"host3:billing:9000",)"} + std::string{extra}
         + R"("action":")" + std::string{action} + "\"}";
}

request_plan plan_batch(std::string_view body, const gateway_config& cfg = gateway_config{},
                        std::string_view target = "/eureka/peerreplication/batch/",
                        std::string_view content_type = "application/json",
                        std::string_view encoding = "") {
  request_view v;
  v.method = "POST";
  v.target = target;
  v.body = body;
  v.content_type = content_type;
  v.content_encoding = encoding;
  v.accept = "application/json";
  return plan_request(v, cfg, auth(), batch_now);
}

const replication_batch_call& batch_call(const request_plan& p) {
  auto* call = std::get_if<replication_batch_call>(&p.call);
  BOOST_TEST_REQUIRE(call != nullptr);
  BOOST_TEST_REQUIRE(!p.immediate);
  return *call;
}

template <class Cmd>
const Cmd& command(const planned_item& x) {
  auto* cmd = std::get_if<cluster::replicated_command>(&x.step);
  BOOST_TEST_REQUIRE(cmd != nullptr, "item answered without the registry: " << x.note);
  auto* typed = std::get_if<Cmd>(cmd);
  BOOST_TEST_REQUIRE(typed != nullptr);
  return *typed;
}

/// The answer of an item planned without the registry.
replication_result answer(const planned_item& x) {
  auto* r = std::get_if<replication_result>(&x.step);
  BOOST_TEST_REQUIRE(r != nullptr, "item sent to the registry");
  return *r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(replication_batch)

// Contract §2.8's batch: every item becomes its registry command, in order,
// as a replication although the sender sends no replication header.
BOOST_AUTO_TEST_CASE(spec_batch_plans_replicated_commands) {
  for (auto target : {"/eureka/peerreplication/batch/", "/eureka/peerreplication/batch",
                      "/eureka/v2/peerreplication/batch"}) {
    BOOST_TEST_CONTEXT(target) {
      auto p = plan_batch(spec_batch(), gateway_config{}, target);
      BOOST_CHECK(p.r.id == route_id::replication_batch);
      BOOST_TEST(p.warning.empty());
      auto& call = batch_call(p);
      BOOST_TEST_REQUIRE(call.items.size() == 3u);
      BOOST_TEST(call.commands() == 3u);
      auto& reg = command<register_cmd>(call.items[0]);
      BOOST_TEST(reg.is_replication);
      BOOST_TEST(!reg.adopt_override);
      BOOST_TEST(reg.info.app == "ORDER-SERVICE");
      BOOST_TEST(reg.info.id() == "host1:order-service:8080");
      BOOST_TEST(reg.info.last_dirty_timestamp == 1700000000100);
      BOOST_CHECK(call.items[0].action == replication_action::register_instance);
      auto& beat = command<renew_cmd>(call.items[1]);
      BOOST_TEST(beat.is_replication);
      BOOST_TEST(beat.app == "ORDER-SERVICE");
      BOOST_TEST(beat.id == "host2:order-service:8080");
      BOOST_CHECK(beat.last_dirty_timestamp == caf::optional<int64_t>{1700000000900});
      BOOST_CHECK(beat.overridden_status
                  == caf::optional<instance_status>{instance_status::out_of_service});
      BOOST_CHECK(call.items[1].action == replication_action::heartbeat);
      auto& cancel = command<cancel_cmd>(call.items[2]);
      BOOST_TEST(cancel.is_replication);
      BOOST_TEST(cancel.app == "BILLING");
      BOOST_TEST(cancel.id == "host3:billing:9000");
      BOOST_TEST(call.items[2].app == "BILLING");
      BOOST_TEST(call.items[2].id == "host3:billing:9000");
    }
  }
}

BOOST_AUTO_TEST_CASE(status_actions_plan_override_commands) {
  auto p = plan_batch(batch_of(
      {item_json("StatusUpdate",
                 R"("lastDirtyTimestamp":1700000001900,"status":"OUT_OF_SERVICE",)"),
       item_json("DeleteStatusOverride", R"("lastDirtyTimestamp":1700000002900,"status":"UP",)")}));
  auto& call = batch_call(p);
  BOOST_TEST_REQUIRE(call.items.size() == 2u);
  auto& set = command<status_cmd>(call.items[0]);
  BOOST_TEST(set.is_replication);
  BOOST_TEST(!set.remove);
  BOOST_CHECK(set.value == instance_status::out_of_service);
  BOOST_CHECK(set.last_dirty_timestamp == caf::optional<int64_t>{1700000001900});
  auto& del = command<status_cmd>(call.items[1]);
  BOOST_TEST(del.is_replication);
  BOOST_TEST(del.remove);
  BOOST_CHECK(del.value == instance_status::up);
  BOOST_CHECK(del.last_dirty_timestamp == caf::optional<int64_t>{1700000002900});
}

// A malformed item is answered 500 without entity (Java's dispatch throws);
// the others are planned as usual.
BOOST_AUTO_TEST_CASE(invalid_items_are_500_the_rest_planned) {
  auto p = plan_batch(
      batch_of({item_json("Bogus"), item_json("Cancel"),
                item_json("StatusUpdate", R"("lastDirtyTimestamp":1,)"),
                item_json("DeleteStatusOverride"), R"({"appName":"A","action":"Register"})"}));
  auto& call = batch_call(p);
  BOOST_TEST_REQUIRE(call.items.size() == 5u);
  BOOST_TEST(call.commands() == 1u);
  for (size_t i : {0u, 2u, 3u, 4u}) {
    BOOST_TEST_CONTEXT("item " << i) {
      auto r = answer(call.items[i]);
      BOOST_TEST(r.status_code == 500);
      BOOST_TEST(!r.entity);
      BOOST_TEST(!call.items[i].note.empty());
    }
  }
  BOOST_TEST(command<cancel_cmd>(call.items[1]).is_replication);
}

// Java's addInstance answers 400, but the batch answers such an item 200:
// nothing is applied.
BOOST_AUTO_TEST_CASE(register_failing_validation_is_200_and_not_applied) {
  auto no_dc = codec_fixtures::spec_host1();
  auto body = instance_object(no_dc);
  auto dc = body.find(R"(,"dataCenterInfo":)");
  BOOST_TEST_REQUIRE(dc != std::string::npos);
  auto end = body.find('}', body.find("\"name\"", dc)) + 1;
  body.erase(dc, end - dc);
  auto too_long = codec_fixtures::spec_host1();
  too_long.host_name = std::string(max_host_name_bytes + 1, 'h');
  auto reg = [](const instance_info& x, const std::string& object) {
    return R"({"appName":")" + x.app + R"(","id":")" + x.id() + R"(","instanceInfo":)" + object
           + R"(,"action":"Register"})";
  };
  auto p = plan_batch(batch_of({reg(no_dc, body), reg(too_long, instance_object(too_long)),
                                reg(no_dc, instance_object(no_dc))}));
  auto& call = batch_call(p);
  BOOST_TEST_REQUIRE(call.items.size() == 3u);
  BOOST_TEST(call.commands() == 1u);
  auto r = answer(call.items[0]);
  BOOST_TEST(r.status_code == 200);
  BOOST_TEST(!r.entity);
  BOOST_TEST(call.items[0].note == "not applied: Missing dataCenterInfo");
  BOOST_TEST(answer(call.items[1]).status_code == 200);
  BOOST_TEST(call.items[1].note.find("hostName too long") != std::string::npos, call.items[1].note);
  BOOST_TEST(command<register_cmd>(call.items[2]).is_replication);
}

// A lastDirtyTimestamp beyond the skew bound: 500 for that item, nothing
// applied, one warning for the batch. Cancel reads no timestamp.
BOOST_AUTO_TEST_CASE(dirty_timestamps_beyond_the_skew_are_500) {
  const auto beyond = std::to_string(batch_now + 600001);
  const auto limit = std::to_string(batch_now + 600000);
  auto ts = [](const std::string& t) { return R"("lastDirtyTimestamp":)" + t + ","; };
  auto skewed_instance = codec_fixtures::spec_host1();
  skewed_instance.last_dirty_timestamp = batch_now + 600001;
  auto p = plan_batch(batch_of(
      {item_json("Heartbeat", ts(beyond)), item_json("Heartbeat", ts(limit)),
       item_json("StatusUpdate", ts(beyond) + R"("status":"DOWN",)"),
       item_json("DeleteStatusOverride", ts(beyond)), item_json("Cancel", ts(beyond)),
       R"({"appName":"ORDER-SERVICE","id":"host1:order-service:8080","lastDirtyTimestamp":1,)"
       R"("instanceInfo":)"
           + instance_object(skewed_instance) + R"(,"action":"Register"})"}));
  auto& call = batch_call(p);
  BOOST_TEST_REQUIRE(call.items.size() == 6u);
  for (size_t i : {0u, 2u, 3u, 5u}) {
    BOOST_TEST_CONTEXT("item " << i) {
      auto r = answer(call.items[i]);
      BOOST_TEST(r.status_code == 500);
      BOOST_TEST(!r.entity);
      BOOST_TEST(call.items[i].note.find("is more than 600000 ms ahead") != std::string::npos);
    }
  }
  BOOST_CHECK(command<renew_cmd>(call.items[1]).last_dirty_timestamp
              == caf::optional<int64_t>{batch_now + 600000});
  BOOST_TEST(command<cancel_cmd>(call.items[4]).is_replication);
  BOOST_TEST(p.warning.find("refused replicated peerreplication/batch Heartbeat of "
                            "BILLING/host3:billing:9000: lastDirtyTimestamp "
                            + beyond + " is more than 600000 ms ahead")
                 == 0u,
             p.warning);
  BOOST_TEST(p.warning.find("(and 3 more items of this batch)") != std::string::npos, p.warning);
  // 0: no bound.
  gateway_config unbounded;
  unbounded.max_dirty_timestamp_skew_ms = 0;
  auto q = plan_batch(batch_of({item_json("Heartbeat", ts(beyond))}), unbounded);
  BOOST_TEST(batch_call(q).commands() == 1u);
  BOOST_TEST(q.warning.empty());
}

BOOST_AUTO_TEST_CASE(too_many_items_refuse_the_batch) {
  gateway_config cfg;
  cfg.max_replication_batch_items = 2;
  auto two = batch_of({item_json("Cancel"), item_json("Cancel")});
  BOOST_TEST(batch_call(plan_batch(two, cfg)).items.size() == 2u);
  auto p =
      plan_batch(batch_of({item_json("Cancel"), item_json("Cancel"), item_json("Cancel")}), cfg);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->content_type == "text/plain");
  BOOST_TEST(p.immediate->body.str()
             == "replication batch too large: replicationList has 3 items (at most 2)");
  BOOST_CHECK(std::holds_alternative<std::monostate>(p.call));
  BOOST_TEST(p.warning.find("max-replication-batch-items") != std::string::npos);
  BOOST_TEST(gateway_config{}.max_replication_batch_items == 1000u);
}

// An unreadable document is refused whole, as Java's body reader does
// (contract §1.6); other media types are 415.
BOOST_AUTO_TEST_CASE(malformed_documents_are_400) {
  for (std::string body :
       {"", "{", "[]", "{\"replicationList\":null}", "{}", "{\"replicationList\":{}}",
        "{\"replicationList\":[1]}", "{\"replicationList\":[]"}) {
    BOOST_TEST_CONTEXT(body) {
      auto p = plan_batch(body);
      BOOST_REQUIRE(p.immediate);
      BOOST_TEST(p.immediate->status == 400u);
      BOOST_TEST(p.immediate->content_type == "application/json");
      BOOST_TEST(p.immediate->body.str() == R"({"error": "cannot parse request body"})");
      BOOST_CHECK(std::holds_alternative<std::monostate>(p.call));
    }
  }
  auto p = plan_batch("{", gateway_config{}, "/eureka/peerreplication/batch/",
                      "application/json; charset=UTF-8");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  BOOST_TEST(p.immediate->body.str()
             == "<error><message>cannot parse request body</message></error>");
  for (auto type : {"application/xml", "text/plain", ""}) {
    BOOST_TEST_CONTEXT(type) {
      auto q = plan_batch(spec_batch(), gateway_config{}, "/eureka/peerreplication/batch/", type);
      BOOST_REQUIRE(q.immediate);
      BOOST_TEST(q.immediate->status == 415u);
    }
  }
  // An empty list is a batch of nothing.
  BOOST_TEST(batch_call(plan_batch(batch_of({}))).items.empty());
}

BOOST_AUTO_TEST_CASE(gzip_body) {
  auto zipped = codec::gzip_compress(spec_batch());
  auto p = plan_batch(zipped, gateway_config{}, "/eureka/peerreplication/batch/",
                      "application/json", "gzip");
  BOOST_TEST(batch_call(p).commands() == 3u);
  // Inflated within max-body-bytes, as registrations.
  gateway_config small;
  small.max_body_bytes = spec_batch().size() - 1;
  p = plan_batch(zipped, small, "/eureka/peerreplication/batch/", "application/json", "gzip");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  p = plan_batch("not gzip", gateway_config{}, "/eureka/peerreplication/batch/", "application/json",
                 "gzip");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 400u);
  p = plan_batch(spec_batch(), gateway_config{}, "/eureka/peerreplication/batch/",
                 "application/json", "br");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 415u);
}

BOOST_AUTO_TEST_CASE(batch_answer) {
  auto x = codec_fixtures::spec_host1();
  auto r = respond_replication_batch({{200, caf::none}, {409, x}, {404, caf::none}});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body.str()
             == R"({"responseList":[{"statusCode":200},{"statusCode":409,"responseEntity":)"
                    + instance_object(x) + R"(},{"statusCode":404}]})");
  BOOST_TEST(respond_replication_batch({}).body.str() == R"({"responseList":[]})");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(node_endpoints)

BOOST_AUTO_TEST_CASE(ready_answers) {
  auto r = respond_ready(sync_status{true, "synced 12 instances from http://a:8761/eureka/"});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.content_type == "text/plain");
  BOOST_TEST(r.body.str() == "ready\nsynced 12 instances from http://a:8761/eureka/\n");
  r = respond_ready(sync_status{false, "syncing from http://a:8761/eureka/"});
  BOOST_TEST(r.status == 503u);
  BOOST_TEST(r.body.str() == "not ready\nsyncing from http://a:8761/eureka/\n");
  BOOST_TEST(respond_ready(sync_status{true, {}}).body.str() == "ready\n");
  BOOST_CHECK(std::holds_alternative<ready_call>(plan("GET", "/ready").call));
  BOOST_TEST(!plan("GET", "/ready").immediate);
}

BOOST_AUTO_TEST_CASE(health_is_always_ok) {
  auto p = plan("GET", "/health");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 200u);
  BOOST_TEST(p.immediate->body.str() == "ok\n");
  p = plan("HEAD", "/health/");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->head_only);
}

BOOST_AUTO_TEST_CASE(cluster_node_describes_this_node) {
  // No cluster listener: as an unknown path.
  auto p = plan("GET", "/eureka/cluster/node");
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 404u);
  BOOST_TEST(p.immediate->body_size() == 0u);
  gateway_config cfg;
  cfg.cluster = cluster_identity{"node-\"a\"", "prod", "10.0.0.7", 8771};
  request_view v;
  v.method = "GET";
  v.target = "/eureka/v2/cluster/node/";
  p = plan_request(v, cfg, auth(), 0);
  BOOST_REQUIRE(p.immediate);
  BOOST_TEST(p.immediate->status == 200u);
  BOOST_TEST(p.immediate->content_type == "application/json");
  BOOST_TEST(p.immediate->body.str()
             == std::string{R"({"product":"caf-eureka","version":")"} + std::string{node_version()}
                    + R"(","cluster":"prod","nodeId":"node-\"a\"","baspHost":"10.0.0.7",)"
                      R"("baspPort":8771,"protocol":)"
                    + std::to_string(cluster_protocol_version) + "}");
  BOOST_TEST(!node_version().empty());
  BOOST_TEST(node_version().find('.') != std::string_view::npos);
}

BOOST_AUTO_TEST_SUITE_END()
