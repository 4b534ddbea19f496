// Connection-level behaviour of a real node: keep-alive, pipelining, faults
// isolated per connection, and the /metrics counters.
#define BOOST_TEST_MODULE http_robustness
#include "test/http/http_support.hpp"

#include <memory>

#include <boost/test/unit_test.hpp>

using namespace http_test;

namespace {

instance_spec inst(std::string id) {
  instance_spec s;
  s.instance_id = id;
  s.host = "h-" + id;
  s.vip = "vip";
  return s;
}

std::string route_labels(std::string_view route, unsigned code) {
  return "route=\"" + std::string{route} + "\",code=\"" + std::to_string(code) + "\"";
}

double requests(const std::string& metrics, std::string_view route, unsigned code) {
  return metric_value(metrics, "eureka_http_requests_total", route_labels(route, code));
}

} // namespace

BOOST_AUTO_TEST_SUITE(connections)

BOOST_FIXTURE_TEST_CASE(keep_alive_serves_many_requests, node_fixture) {
  client c{port()};
  for (int i = 0; i < 50; ++i) {
    auto id = "k" + std::to_string(i);
    auto r = c.request("POST", "/eureka/apps/APP",
                       {{"Content-Type", "application/json"}, {"Connection", "keep-alive"}},
                       instance_json(inst(id)));
    BOOST_REQUIRE_EQUAL(r.status, 204u);
    BOOST_TEST(r.header("connection") != "close");
    auto g = c.request("GET", "/eureka/apps/APP/" + id, {{"Accept", "application/json"}});
    BOOST_REQUIRE_EQUAL(g.status, 200u);
  }
  BOOST_TEST(parse_apps_json(apps_json()).instance_count() == 50u);
}

// Errors answered with a status (400, 404, 405, 415) keep the connection.
BOOST_FIXTURE_TEST_CASE(request_errors_keep_the_connection, node_fixture) {
  client c{port()};
  BOOST_TEST(c.request("GET", "/eureka/nope").status == 404u);
  BOOST_TEST(c.request("POST", "/eureka/apps", {}, "").status == 405u);
  BOOST_TEST(
      c.request("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, "{").status
      == 400u);
  BOOST_TEST(c.request("POST", "/eureka/apps/APP", {{"Content-Type", "text/plain"}}, "x").status
             == 415u);
  BOOST_TEST(c.request("PUT", "/eureka/apps/APP/x/status").status == 400u);
  auto r = c.request("GET", "/eureka/apps", {{"Accept", "application/json"}});
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body == empty_apps_json);
}

// Requests written back to back are answered in order.
BOOST_FIXTURE_TEST_CASE(pipelined_requests_answered_in_order, node_fixture) {
  client c{port()};
  std::string batch;
  batch += format_request("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}},
                          instance_json(inst("p1")));
  batch += format_request("GET", "/eureka/apps/APP/p1", {{"Accept", "application/json"}});
  batch += format_request("GET", "/eureka/nope");
  batch += format_request("PUT", "/eureka/apps/APP/p1");
  batch += format_request("DELETE", "/eureka/apps/APP/p1");
  batch += format_request("GET", "/eureka/apps", {{"Accept", "application/json"}});
  BOOST_REQUIRE(c.send_raw(batch));
  const unsigned want[] = {204, 200, 404, 200, 200, 200};
  std::vector<response> got;
  for (auto code : want) {
    auto r = c.read();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == code);
    got.push_back(std::move(*r));
  }
  BOOST_TEST(parse_instance_json(got[1].body).instance_id == "p1");
  BOOST_TEST(got[5].body == empty_apps_json);
}

// A request split into single bytes is still one request.
BOOST_FIXTURE_TEST_CASE(request_arriving_in_pieces, node_fixture) {
  client c{port()};
  auto raw = format_request("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}},
                            instance_json(inst("s1")));
  for (size_t i = 0; i < raw.size(); i += 7) {
    BOOST_REQUIRE(c.send_raw(std::string_view{raw}.substr(i, 7)));
    if (i % 70 == 0)
      std::this_thread::sleep_for(1ms);
  }
  auto r = c.read();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 204u);
  BOOST_TEST(get("/eureka/apps/APP/s1").status == 200u);
}

// Garbage on one connection: that connection gets 400 and is closed; another
// connection, opened before and used after, is unaffected, and so is the
// registry.
BOOST_FIXTURE_TEST_CASE(garbage_on_one_connection_does_not_affect_another, node_fixture) {
  BOOST_REQUIRE(register_json("APP", instance_json(inst("g1"))).status == 204u);
  auto before = apps_json();
  client good{port()};
  BOOST_TEST(good.request("GET", "/eureka/apps/APP/g1").status == 200u);
  const std::string garbage[] = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), // a TLS ClientHello
      "GARBAGE\r\n\r\n",
      "GET /eureka/apps HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
      "POST /eureka/apps/APP HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
      "chunked\r\n\r\nzz\r\n",
      "GET /eureka/apps HTTP/1.1\r\nBad Header Line\r\n\r\n",
      std::string("GET /eureka/apps\0 HTTP/1.1\r\n\r\n", 30),
  };
  for (auto& g : garbage) {
    BOOST_TEST_CONTEXT("garbage: " << g.substr(0, 30)) {
      client bad{port()};
      BOOST_REQUIRE(bad.send_raw(g));
      auto r = bad.read(5s);
      BOOST_REQUIRE_MESSAGE(r, "no answer to garbage");
      BOOST_TEST(r->status == 400u);
      BOOST_TEST(bad.closed_by_peer(5s));
      // The other connection still works, with a write and a read.
      auto w = good.request("PUT", "/eureka/apps/APP/g1");
      BOOST_TEST(w.status == 200u);
      auto rd = good.request("GET", "/eureka/apps/", {{"Accept", "application/json"}});
      BOOST_TEST(rd.status == 200u);
      BOOST_TEST(parse_apps_json(rd.body).ids() == parse_apps_json(before).ids());
    }
  }
}

// A client that stalls mid-request, or vanishes mid-request, does not block
// anyone else.
BOOST_FIXTURE_TEST_CASE(stalled_and_vanished_clients_do_not_block, node_fixture) {
  client stalled{port()};
  BOOST_REQUIRE(stalled.send_raw("POST /eureka/apps/APP HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                 "application/json\r\nContent-Length: 500\r\n\r\n{\"inst"));
  {
    client vanished{port()};
    BOOST_REQUIRE(vanished.send_raw("GET /eureka/apps HTTP/1.1\r\nHo"));
    vanished.close();
  }
  {
    client gone{port()};
    BOOST_REQUIRE(gone.send_raw(format_request("GET", "/eureka/apps/")));
    gone.close(); // never reads its answer
  }
  client other{port()};
  for (int i = 0; i < 5; ++i) {
    auto id = "v" + std::to_string(i);
    auto r = other.request("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}},
                           instance_json(inst(id)));
    BOOST_TEST(r.status == 204u);
  }
  BOOST_TEST(parse_apps_json(apps_json()).instance_count() == 5u);
}

// HTTP/1.0 and Connection: close end the connection after the answer.
BOOST_FIXTURE_TEST_CASE(connection_close_is_honoured, node_fixture) {
  client c10{port()};
  BOOST_REQUIRE(c10.send_raw("GET /eureka/apps HTTP/1.0\r\nAccept: application/json\r\n\r\n"));
  auto r = c10.read();
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200u);
  BOOST_TEST(r->body == empty_apps_json);
  BOOST_TEST(c10.closed_by_peer(5s));
  client cc{port()};
  auto r2 = cc.request("GET", "/eureka/apps", {{"Connection", "close"}});
  BOOST_TEST(r2.status == 200u);
  BOOST_TEST(r2.header("connection") == "close");
  BOOST_TEST(cc.closed_by_peer(5s));
}

// Many connections at once, each with its own registration.
BOOST_FIXTURE_TEST_CASE(many_concurrent_connections, node_fixture) {
  std::vector<std::unique_ptr<client>> clients;
  for (int i = 0; i < 40; ++i)
    clients.push_back(std::make_unique<client>(port()));
  for (size_t i = 0; i < clients.size(); ++i)
    BOOST_REQUIRE(clients[i]->send_raw(
        format_request("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}},
                       instance_json(inst("m" + std::to_string(i))))));
  for (auto& c : clients) {
    auto r = c->read();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 204u);
  }
  BOOST_TEST(parse_apps_json(apps_json()).instance_count() == 40u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_FIXTURE_TEST_CASE(metrics_count_routes_and_codes, node_fixture) {
  auto m0 = metrics();
  BOOST_TEST(m0.find("# TYPE eureka_http_requests_total counter") != std::string::npos);
  BOOST_TEST(requests(m0, "apps_full", 200) == -1); // nothing yet
  // 3 full fetches over the variants, 2 deltas, 2 good registrations, 1 bad.
  get("/eureka/apps");
  get("/eureka/apps/", "", {{"Accept-Encoding", "gzip"}});
  get("/eureka/v2/apps/");
  get("/eureka/apps/delta");
  get("/eureka/v2/apps/delta", "application/json", {{"Accept-Encoding", "gzip"}});
  BOOST_REQUIRE(register_json("APP", instance_json(inst("a"))).status == 204u);
  BOOST_REQUIRE(register_json("APP", instance_json(inst("b")), "/eureka/v2").status == 204u);
  BOOST_REQUIRE(req("POST", "/eureka/apps/APP", {{"Content-Type", "application/json"}}, "{").status
                == 400u);
  BOOST_REQUIRE(req("PUT", "/eureka/apps/APP/a").status == 200u);
  BOOST_REQUIRE(req("PUT", "/eureka/apps/APP/zz").status == 404u);
  BOOST_REQUIRE(req("DELETE", "/eureka/apps/APP/b").status == 200u);
  BOOST_REQUIRE(get("/eureka/apps/NOPE").status == 404u);
  BOOST_REQUIRE(get("/eureka/nope").status == 404u);
  BOOST_REQUIRE(req("POST", "/eureka/apps/delta", {}, "").status == 405u);
  auto m = metrics();
  BOOST_TEST(requests(m, "apps_full", 200) == 3);
  BOOST_TEST(requests(m, "apps_delta", 200) == 2);
  BOOST_TEST(requests(m, "register", 204) == 2);
  BOOST_TEST(requests(m, "register", 400) == 1);
  BOOST_TEST(requests(m, "renew", 200) == 1);
  BOOST_TEST(requests(m, "renew", 404) == 1);
  BOOST_TEST(requests(m, "cancel", 200) == 1);
  BOOST_TEST(requests(m, "app", 404) == 1);
  BOOST_TEST(requests(m, "not_found", 404) == 1);
  BOOST_TEST(requests(m, "method_not_allowed", 405) == 1);
  BOOST_TEST(requests(m, "metrics", 200) == 1); // the first scrape
  BOOST_TEST(metric_value(m, "eureka_http_received_bytes_total") > 0);
  BOOST_TEST(metric_value(m, "eureka_http_sent_bytes_total") > 0);
  BOOST_TEST(metric_value(m, "eureka_http_connections_open") == 1);
  BOOST_TEST(metric_value(m, "eureka_http_connections_accepted_total") == 1);
  BOOST_TEST(metric_value(m, "eureka_http_directory_errors_total") == 0);
  // Counters only go up, and only for what happened.
  get("/eureka/apps/");
  auto m2 = metrics();
  BOOST_TEST(requests(m2, "apps_full", 200) == 4);
  BOOST_TEST(requests(m2, "apps_delta", 200) == 2);
  BOOST_TEST(requests(m2, "metrics", 200) == 2);
  BOOST_TEST(metric_value(m2, "eureka_http_sent_bytes_total")
             > metric_value(m, "eureka_http_sent_bytes_total"));
}

BOOST_FIXTURE_TEST_CASE(metrics_count_connections_and_malformed_requests, node_fixture) {
  {
    client bad{port()};
    BOOST_REQUIRE(bad.send_raw("NOT HTTP\r\n\r\n"));
    auto r = bad.read(5s);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 400u);
  }
  {
    client c{port()};
    BOOST_TEST(c.request("GET", "/eureka/apps").status == 200u);
  }
  BOOST_TEST(eventually([&] {
    auto m = metrics();
    return metric_value(m, "eureka_http_connections_open") == 1
           && metric_value(m, "eureka_http_connections_accepted_total") == 3;
  }));
  auto m = metrics();
  BOOST_TEST(requests(m, "none", 400) == 1);
  BOOST_TEST(requests(m, "apps_full", 200) == 1);
}

BOOST_FIXTURE_TEST_CASE(metrics_content_type, node_fixture) {
  auto r = get("/metrics", "");
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.header("content-type").rfind("text/plain", 0) == 0u);
  BOOST_TEST(r.body.find("# HELP eureka_http_requests_total") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
