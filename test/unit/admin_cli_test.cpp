// caf-eureka-admin's pure parts: the command line and credentials, the
// requests it sends, the tables it prints, and the side-by-side merge of
// several nodes.
#define BOOST_TEST_MODULE admin_cli
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "apps/admin_args.hpp"
#include "apps/admin_view.hpp"

using namespace eureka;
using namespace eureka::admin;

namespace {

parse_result parse(std::vector<std::string_view> args) {
  return parse_args(args);
}

/// A GET apps document with one application per (app, instances) entry.
std::string apps_doc(const std::vector<std::pair<std::string, std::vector<std::string>>>& apps) {
  std::string out =
      R"({"applications":{"versions__delta":"1","apps__hashcode":"UP_1_","application":[)";
  for (size_t a = 0; a < apps.size(); ++a) {
    if (a > 0)
      out += ',';
    out += R"({"name":")" + apps[a].first + R"(","instance":[)";
    for (size_t i = 0; i < apps[a].second.size(); ++i) {
      if (i > 0)
        out += ',';
      out += apps[a].second[i];
    }
    out += "]}";
  }
  return out + "]}}";
}

std::string inst(const std::string& app, const std::string& id, const std::string& status,
                 const std::string& override_status = "UNKNOWN", const std::string& extra = "") {
  return R"({"instanceId":")" + id + R"(","hostName":"h-)" + id + R"(","app":")" + app
         + R"(","ipAddr":"10.0.0.1","status":")" + status + R"(","overriddenStatus":")"
         + override_status + R"(","port":{"$":8080,"@enabled":"true"},)"
         + R"("securePort":{"$":443,"@enabled":"false"},)"
         + R"("dataCenterInfo":{"@class":"x","name":"MyOwn"},"metadata":{"zone":"z1")" + extra
         + "}}";
}

std::vector<instance_row> rows_of(const std::string& doc) {
  std::string error;
  auto rows = parse_instances(doc, error);
  BOOST_TEST_REQUIRE(rows.has_value(), error);
  return *rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(arguments)

BOOST_AUTO_TEST_CASE(defaults_and_options_anywhere) {
  auto r = parse({"status"});
  BOOST_TEST(r.error.empty());
  BOOST_TEST(static_cast<int>(r.opts.cmd) == static_cast<int>(command::status));
  BOOST_TEST(r.opts.urls == std::vector<std::string>{std::string{default_url}});
  r = parse({"--url", "http://a:1", "instances", "--url=http://b:2", "--json", "--app", "order",
             "--status", "up"});
  BOOST_TEST(r.error.empty(), r.error);
  BOOST_TEST(r.opts.urls == (std::vector<std::string>{"http://a:1", "http://b:2"}));
  BOOST_TEST(r.opts.json);
  BOOST_TEST(*r.opts.app_filter == "ORDER");
  BOOST_TEST(*r.opts.status_filter == "UP");
}

BOOST_AUTO_TEST_CASE(commands_and_their_arguments) {
  auto r = parse({"override", "ORDER", "i-1", "out_of_service"});
  BOOST_TEST(r.error.empty(), r.error);
  BOOST_TEST(r.opts.app == "ORDER");
  BOOST_TEST(r.opts.id == "i-1");
  BOOST_TEST(*r.opts.status_value == "OUT_OF_SERVICE");
  r = parse({"remove-override", "ORDER", "i-1", "--value", "UP"});
  BOOST_TEST(r.error.empty(), r.error);
  BOOST_TEST(*r.opts.status_value == "UP");
  // An id that starts with '-' after "--".
  r = parse({"deregister", "--", "ORDER", "-odd"});
  BOOST_TEST(r.error.empty(), r.error);
  BOOST_TEST(r.opts.id == "-odd");
  BOOST_TEST(static_cast<int>(parse({"--help", "status"}).opts.cmd)
             == static_cast<int>(command::help));
  BOOST_TEST(static_cast<int>(parse({"--version"}).opts.cmd) == static_cast<int>(command::version));
  r = parse({"hash-password", "--iterations", "50000"});
  BOOST_TEST(r.error.empty(), r.error);
  BOOST_TEST(r.opts.iterations == 50000u);
}

BOOST_AUTO_TEST_CASE(usage_errors) {
  auto error_of = [](std::vector<std::string_view> args) { return parse(args).error; };
  BOOST_TEST(error_of({}) == "no command given");
  BOOST_TEST(error_of({"frobnicate"}).find("unknown command") != std::string::npos);
  BOOST_TEST(error_of({"status", "--frob"}).find("unknown option '--frob'") != std::string::npos);
  BOOST_TEST(error_of({"status", "--url"}) == "option --url needs a value");
  BOOST_TEST(error_of({"instance", "ORDER"}) == "usage: instance APP ID");
  BOOST_TEST(error_of({"status", "extra"}) == "status takes no arguments");
  BOOST_TEST(error_of({"override", "A", "B", "SIDEWAYS"}).find("not one of") != std::string::npos);
  BOOST_TEST(error_of({"instances", "--status", "sideways"}).find("not one of")
             != std::string::npos);
  BOOST_TEST(error_of({"deregister", "A", "B", "--json"}).find("--json applies")
             != std::string::npos);
  BOOST_TEST(error_of({"status", "--app", "X"}) == "--app and --status apply to instances only");
  BOOST_TEST(error_of({"status", "--value", "UP"}) == "--value applies to remove-override only");
  BOOST_TEST(error_of({"status", "--password-file", "f"}) == "--password-file needs --user NAME");
  BOOST_TEST(error_of({"status", "--user", "a:b"}).find("without ':'") != std::string::npos);
  BOOST_TEST(error_of({"hash-password", "--url", "http://a:1"}).find("talks to no node")
             != std::string::npos);
  BOOST_TEST(error_of({"status", "--timeout-ms", "0"}).find("--timeout-ms") != std::string::npos);
  BOOST_TEST(error_of({"hash-password", "--iterations", "10"}).find("--iterations needs")
             != std::string::npos);
  BOOST_TEST(error_of({"deregister", "", "x"}).find("must not be empty") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_password_flag) {
  // A password in argv is visible in ps: the option does not exist, and the
  // refusal says what to use instead.
  for (auto arg : {"--password", "--password=secret"}) {
    auto r = parse({"status", arg, "secret"});
    BOOST_TEST(r.error.find("CAF_EUREKA_ADMIN_PASSWORD") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(targets)

BOOST_AUTO_TEST_CASE(urls_are_normalised_to_the_node_root) {
  auto r = parse({"status", "--url", "http://Eureka-1:8761/eureka/", "--url", "http://[::1]"});
  auto t = resolve_targets(r.opts, {});
  BOOST_TEST_REQUIRE(t.error.empty(), t.error);
  BOOST_TEST_REQUIRE(t.nodes.size() == 2u);
  BOOST_TEST(t.nodes[0].name == "http://eureka-1:8761");
  BOOST_TEST(t.nodes[0].short_name == "eureka-1:8761");
  BOOST_TEST(t.nodes[0].url.target("admin/api/overview") == "/admin/api/overview");
  BOOST_TEST(t.nodes[1].name == "http://[::1]:80");
  BOOST_TEST(t.nodes[0].url.userinfo.empty());
}

BOOST_AUTO_TEST_CASE(credentials) {
  auto opts =
      parse({"status", "--user", "alice", "--url", "http://a:1", "--url", "http://b:2"}).opts;
  // No password anywhere: refused, naming where it may come from.
  auto t = resolve_targets(opts, {});
  BOOST_TEST(t.error.find("CAF_EUREKA_ADMIN_PASSWORD") != std::string::npos);
  BOOST_TEST(t.nodes.empty());
  // From the environment, for every node.
  t = resolve_targets(opts, {std::string{"s3cret"}, std::nullopt});
  BOOST_TEST_REQUIRE(t.error.empty());
  BOOST_TEST(t.nodes[0].url.userinfo == "alice:s3cret");
  BOOST_TEST(t.nodes[1].url.userinfo == "alice:s3cret");
  BOOST_TEST(!t.nodes[0].password_in_url);
  // The file wins over the environment.
  t = resolve_targets(opts, {std::string{"env"}, std::string{"file"}});
  BOOST_TEST(t.nodes[0].url.userinfo == "alice:file");
  // In the URL: used, flagged for the warning, never in the shown name.
  auto in_url = parse({"status", "--url", "http://bob:pw%40x@a:1"}).opts;
  t = resolve_targets(in_url, {});
  BOOST_TEST_REQUIRE(t.error.empty());
  BOOST_TEST(t.nodes[0].url.userinfo == "bob:pw@x");
  BOOST_TEST(t.nodes[0].password_in_url);
  BOOST_TEST(t.nodes[0].name == "http://a:1");
  // Both: which one would be meant?
  auto both = parse({"status", "--user", "alice", "--url", "http://bob:pw@a:1"}).opts;
  t = resolve_targets(both, {std::string{"x"}, std::nullopt});
  BOOST_TEST(t.error.find("use one of them") != std::string::npos);
  // A malformed URL.
  t = resolve_targets(parse({"status", "--url", "ftp://a"}).opts, {});
  BOOST_TEST(t.error.find("--url") == 0u);
}

BOOST_AUTO_TEST_CASE(requests) {
  auto req = [](std::vector<std::string_view> args) { return request_for(parse(args).opts); };
  BOOST_TEST(req({"status"}).target == "admin/api/overview");
  BOOST_TEST(req({"actors"}).target == "admin/api/actors");
  BOOST_TEST(req({"instances"}).target == "admin/api/apps");
  // Spring's ids carry ':'; anything but unreserved characters is escaped.
  auto r = req({"instance", "ORDER", "host:order:8080"});
  BOOST_TEST(r.method == "GET");
  BOOST_TEST(r.target == "admin/api/apps/ORDER/host%3Aorder%3A8080");
  r = req({"deregister", "ORDER", "a b/c?"});
  BOOST_TEST(r.method == "DELETE");
  BOOST_TEST(r.target == "admin/api/apps/ORDER/a%20b%2Fc%3F");
  r = req({"override", "ORDER", "i-1", "down"});
  BOOST_TEST(r.method == "PUT");
  BOOST_TEST(r.target == "admin/api/apps/ORDER/i-1/status?value=DOWN");
  r = req({"remove-override", "ORDER", "i-1"});
  BOOST_TEST(r.method == "DELETE");
  BOOST_TEST(r.target == "admin/api/apps/ORDER/i-1/status");
  BOOST_TEST(req({"remove-override", "ORDER", "i-1", "--value=UP"}).target
             == "admin/api/apps/ORDER/i-1/status?value=UP");
  BOOST_TEST(encode_segment("\xc3\xa9~._-") == "%C3%A9~._-");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tables)

BOOST_AUTO_TEST_CASE(columns_padded_by_characters) {
  table t{{"APP", "N"}, {{"ORDER", "5"}, {"\xc3\xa9t\xc3\xa9", "12"}}, {1}};
  BOOST_TEST(render(t)
             == "APP     N\n"
                "ORDER   5\n"
                "\xc3\xa9t\xc3\xa9    12\n");
  // No header, no trailing blanks, missing cells empty.
  table kv{{}, {{"a", "1"}, {"long key"}}, {}};
  BOOST_TEST(render(kv) == "a         1\nlong key\n");
}

BOOST_AUTO_TEST_CASE(cells_cannot_drive_the_terminal) {
  BOOST_TEST(cell("ok\x1b[2Jx\ny") == "ok\\x1b[2Jx\\x0ay");
  BOOST_TEST(cell("a\xe2\x80\xae"
                  "b")
             == "a\\u{202E}b"); // RIGHT-TO-LEFT OVERRIDE
  BOOST_TEST(cell("caf\xc3\xa9") == "caf\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(side_by_side_keys_in_first_appearance_order) {
  key_values a{{"version", "0.1.0"}, {"ready", "yes"}};
  key_values c{{"version", "0.1.0"}, {"extra", "1"}, {"ready", "no"}};
  auto t = side_by_side({"a:1", "b:2", "c:3"}, {a, std::nullopt, c});
  BOOST_TEST(render(t)
             == "         a:1    b:2  c:3\n"
                "version  0.1.0  -    0.1.0\n"
                "ready    yes    -    no\n"
                "extra    -      -    1\n");
  // One node: a plain list.
  BOOST_TEST(render(side_by_side({"a:1"}, {a})) == "version  0.1.0\nready    yes\n");
}

BOOST_AUTO_TEST_CASE(time_and_errors) {
  int64_t t = 1764700000000; // 2025-12-02 18:26:40 UTC
  BOOST_TEST(format_time(t, t + 5000) == "2025-12-02 18:26:40Z (5 s ago)");
  BOOST_TEST(format_time(t, t + 600'000) == "2025-12-02 18:26:40Z (10 min ago)");
  BOOST_TEST(format_time(t, t - 60'000) == "2025-12-02 18:26:40Z (in 60 s)");
  BOOST_TEST(format_time(0, t) == "-");
  BOOST_TEST(error_text(R"({"error": "too many authentication attempts"})")
             == "too many authentication attempts");
  BOOST_TEST(error_text("  plain text\n") == "plain text");
  BOOST_TEST(error_text("") == "(no message)");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(instances)

BOOST_AUTO_TEST_CASE(parse_eureka_documents) {
  auto rows =
      rows_of(apps_doc({{"ORDER", {inst("ORDER", "i-2", "UP"), inst("ORDER", "i-1", "DOWN")}},
                        {"BILLING", {inst("BILLING", "b-1", "UP", "OUT_OF_SERVICE")}}}));
  BOOST_TEST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].app == "BILLING"); // sorted by app, then id
  BOOST_TEST(rows[0].overridden_status == "OUT_OF_SERVICE");
  BOOST_TEST(rows[1].id == "i-1");
  BOOST_TEST(rows[1].status == "DOWN");
  BOOST_TEST(rows[1].address == "h-i-1:8080");
  BOOST_TEST(rows[1].zone == "z1");
  // XStream-style JSON: one application, one instance, as objects; the
  // Amazon zone wins over metadata.
  auto single = R"({"applications":{"application":{"name":"A","instance":{"instanceId":"x",
      "app":"A","status":"UP","port":{"$":"80","@enabled":"false"},
      "securePort":{"$":"443","@enabled":"true"},"hostName":"h",
      "dataCenterInfo":{"name":"Amazon","metadata":{"availability-zone":"eu-1a"}},
      "metadata":{"zone":"ignored"}}}}})";
  rows = rows_of(single);
  BOOST_TEST_REQUIRE(rows.size() == 1u);
  BOOST_TEST(rows[0].address == "h:443");
  BOOST_TEST(rows[0].zone == "eu-1a");
  // Empty registry.
  BOOST_TEST(rows_of(R"({"applications":{"versions__delta":"1","application":[]}})").empty());
  std::string error;
  BOOST_TEST(!parse_instances("<applications/>", error));
  BOOST_TEST(!parse_instances(R"({"error":"x"})", error));
}

BOOST_AUTO_TEST_CASE(one_node_table) {
  auto rows = rows_of(apps_doc(
      {{"ORDER", {inst("ORDER", "i-1", "UP"), inst("ORDER", "i-2", "UP", "OUT_OF_SERVICE")}}}));
  auto t = merge_instances({"a:1"}, {rows}, {});
  BOOST_TEST(render(t)
             == "APP    ID   STATUS  OVERRIDE        HOST:PORT   ZONE\n"
                "ORDER  i-1  UP      -               h-i-1:8080  z1\n"
                "ORDER  i-2  UP      OUT_OF_SERVICE  h-i-2:8080  z1\n");
  BOOST_TEST(merge_instances({"a:1"}, {rows}, {"", "DOWN"}).rows.empty());
  BOOST_TEST(merge_instances({"a:1"}, {rows}, {"order", ""}).rows.size() == 2u);
  BOOST_TEST(merge_instances({"a:1"}, {rows}, {"BILLING", ""}).rows.empty());
}

BOOST_AUTO_TEST_CASE(cluster_merge_marks_differences) {
  auto a = rows_of(apps_doc({{"ORDER", {inst("ORDER", "i-1", "UP"), inst("ORDER", "i-2", "UP")}}}));
  auto b = rows_of(apps_doc(
      {{"ORDER",
        {inst("ORDER", "i-1", "UP"), inst("ORDER", "i-2", "OUT_OF_SERVICE", "OUT_OF_SERVICE")}},
       {"PAY", {inst("PAY", "p-1", "DOWN")}}}));
  auto t = merge_instances({"a:1", "b:2", "c:3"}, {a, b, std::nullopt}, {});
  BOOST_TEST(render(t)
             == "   APP    ID   a:1  b:2             c:3  OVERRIDE          HOST:PORT   ZONE\n"
                "   ORDER  i-1  UP   UP              ?    -                 h-i-1:8080  z1\n"
                "!  ORDER  i-2  UP   OUT_OF_SERVICE  ?    -|OUT_OF_SERVICE  h-i-2:8080  z1\n"
                "!  PAY    p-1  -    DOWN            ?    -                 h-p-1:8080  z1\n");
  // The status filter keeps an instance when any node has that status.
  auto down = merge_instances({"a:1", "b:2"}, {a, b}, {"", "OUT_OF_SERVICE"});
  BOOST_TEST_REQUIRE(down.rows.size() == 1u);
  BOOST_TEST(down.rows[0][2] == "i-2");
  // All nodes agreeing: no mark anywhere.
  auto same = merge_instances({"a:1", "b:2"}, {a, a}, {});
  for (const auto& row : same.rows)
    BOOST_TEST(row[0].empty());
}

BOOST_AUTO_TEST_CASE(json_filter_keeps_the_document_shape) {
  auto doc = apps_doc({{"ORDER", {inst("ORDER", "i-1", "UP"), inst("ORDER", "i-2", "DOWN")}},
                       {"PAY", {inst("PAY", "p-1", "UP")}}});
  BOOST_TEST(*filter_apps_json(doc, {}) == doc);
  auto up = filter_apps_json(doc, {"", "UP"});
  BOOST_TEST_REQUIRE(up.has_value());
  auto rows = rows_of(*up);
  BOOST_TEST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].id == "i-1");
  BOOST_TEST(rows[1].id == "p-1");
  BOOST_TEST(up->find(R"("apps__hashcode":"UP_1_")") != std::string::npos);
  auto pay = filter_apps_json(doc, {"PAY", ""});
  BOOST_TEST(pay->find("ORDER") == std::string::npos); // the emptied application is dropped
  BOOST_TEST(!filter_apps_json("not json", {"PAY", ""}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(views)

BOOST_AUTO_TEST_CASE(json_output_keyed_by_url) {
  std::vector<node_answer> two{{"a:1", "http://a:1", std::string{R"({"x":1})"}, ""},
                               {"b:2", "http://b:2", std::nullopt, "unreachable: refused"}};
  BOOST_TEST(json_view(two)
             == "{\"http://a:1\": {\"x\":1},\n"
                " \"http://b:2\": {\"error\":\"unreachable: refused\"}}\n");
  BOOST_TEST(json_view({two[0]}) == "{\"x\":1}\n");
  BOOST_TEST(json_view({two[1]}).empty()); // the error goes to stderr
  std::vector<node_answer> not_json{{"a:1", "http://a:1", std::string{"oops"}, ""},
                                    {"b:2", "http://b:2", std::string{"{}"}, ""}};
  BOOST_TEST(json_view(not_json) == "{\"http://a:1\": \"oops\",\n \"http://b:2\": {}}\n");
}

BOOST_AUTO_TEST_CASE(status_side_by_side) {
  auto overview = [](const char* version, bool ready) {
    return std::string{R"({"node":{"version":")"} + version
           + R"(","host":"h","ip":"10.0.0.5","uptime":"02:46","started_ms":0},
           "registry":{"applications":3,"instances":12,
             "status_counts":{"UP":11,"DOWN":1,"STARTING":0},
             "lease_expiration_enabled":true,"self_preservation_enabled":true,
             "self_preservation_active":false,"renews_last_minute":24,"renew_threshold":21,
             "evictions_total":0,"banner":null},
           "replicas":[{"url":"http://e2:8761/eureka/","kind":"caf-eureka","available":true},
                       {"url":"http://e3:8761/eureka/","kind":"caf-eureka","available":false}],
           "ready":)"
           + (ready ? "true" : "false") + "}";
  };
  std::vector<node_answer> two{{"a:1", "http://a:1", overview("0.1.0", true), ""},
                               {"b:2", "http://b:2", overview("0.2.0", false), ""}};
  auto out = status_view(two, 0);
  BOOST_TEST(out.find("version                         0.1.0                       0.2.0")
                 != std::string::npos,
             out);
  BOOST_TEST(out.find("instances                       12 (UP 11, DOWN 1)") != std::string::npos,
             out);
  BOOST_TEST(out.find("renews last minute / threshold  24 / 21") != std::string::npos, out);
  BOOST_TEST(out.find("replicas                        1 available, 1 unavailable")
                 != std::string::npos,
             out);
  BOOST_TEST(out.find("ready                           yes                         no")
                 != std::string::npos,
             out);
  // One node: the replicas listed.
  auto one = status_view({two[0]}, 0);
  BOOST_TEST(one.find("http://e3:8761/eureka/  caf-eureka  NO") != std::string::npos, one);
}

BOOST_AUTO_TEST_CASE(actors_view_lists_every_actor) {
  auto doc = R"({"directory":{"applications":1,"registry_actors":1,"instances":2,
      "cached_payloads":4,"cached_payload_bytes":18000,"delta_queue_length":5,
      "delta_queue_bytes":4100,"load":{"mailbox_depth":0,"messages_total":10,
      "messages_per_second":1.5}},
    "registries":[{"app":"ORDER","instances":2,"status_counts":{"UP":2},"overrides":0,
      "renews_last_minute":8,"load":{"mailbox_depth":3,"messages_total":99,
      "messages_per_second":2.25}}],
    "registries_unanswered":0,
    "eviction":{"last_sweep_ms":1764700000000,"sweeps_total":9,"decision":"expired leases are evicted"},
    "replication":{"ready":true,"peers":[{"url":"http://e2:8761/eureka/","kind":"caf-eureka",
      "link_up":true,"queued_items":0,"queued_bytes":0,"lag_ms":7,"last_ack_ms":1764700000000}]},
    "gateway":{"connections_open":5,"requests":[{"route":"renew","code":200,"count":480},
      {"route":"apps","code":200,"count":900}]}})";
  auto out = actors_view({{"a:1", "http://a:1", std::string{doc}, ""}}, 1764700005000);
  BOOST_TEST(out.find("cached payloads  4 (18000 bytes)") != std::string::npos, out);
  BOOST_TEST(out.find("ORDER       2   2          0        3     2.2") != std::string::npos, out);
  BOOST_TEST(out.find("last sweep") != std::string::npos, out);
  BOOST_TEST(out.find("(5 s ago)") != std::string::npos, out);
  BOOST_TEST(out.find("expired leases are evicted") != std::string::npos, out);
  BOOST_TEST(out.find("http://e2:8761/eureka/  caf-eureka  up") != std::string::npos, out);
  BOOST_TEST(out.find("7 ms") != std::string::npos, out);
  // Requests by count, most first.
  BOOST_TEST(out.find("apps") < out.find("renew "), out);
  // No peers.
  auto alone = actors_view({{"a:1", "http://a:1", std::string{R"({"replication":null})"}, ""}}, 0);
  BOOST_TEST(alone.find("Replication\n  (no peers)") != std::string::npos, alone);
}

BOOST_AUTO_TEST_CASE(instance_detail_with_metadata) {
  auto doc = R"({"instance":{"instanceId":"i-1","hostName":"h","app":"ORDER","ipAddr":"10.0.0.1",
      "status":"UP","overriddenStatus":"UNKNOWN","port":{"$":8080,"@enabled":"true"},
      "leaseInfo":{"renewalIntervalInSecs":30,"durationInSecs":90,
        "registrationTimestamp":1764700000000,"lastRenewalTimestamp":1764700001000,
        "evictionTimestamp":0,"serviceUpTimestamp":1764700000000},
      "metadata":{"version":"1.2","evil\u001b":"x"}}})";
  auto out = instance_view({{"a:1", "http://a:1", std::string{doc}, ""}}, 1764700002000);
  BOOST_TEST(out.find("metadata.version        1.2") != std::string::npos, out);
  BOOST_TEST(out.find("metadata.evil\\x1b") != std::string::npos, out);
  BOOST_TEST(
      out.find("last renewal            2025-12-02 18:26:41Z (1 s ago)") != std::string::npos, out);
  BOOST_TEST(out.find("evicted                 -") != std::string::npos, out);
}

BOOST_AUTO_TEST_SUITE_END()
