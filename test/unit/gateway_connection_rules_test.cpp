// Pure connection-level rules of the HTTP gateway: request framing (RFC 9112
// Transfer-Encoding and Host rules, the framing byte budget), the shared
// output queue and its pins, the minimum send rate, and the descriptor
// budget. No sockets: the broker applies these.
#define BOOST_TEST_MODULE gateway_connection_rules
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "http_gateway/descriptor_budget.hpp"
#include "http_gateway/output_queue.hpp"
#include "http_gateway/renewal_batches.hpp"
#include "http_gateway/request_framing.hpp"
#include "http_gateway/send_rate.hpp"

using namespace eureka;
using namespace eureka::gateway;
using namespace std::chrono_literals;

namespace {

framing_fields fields(std::vector<std::string_view> te, bool content_length = false,
                      std::vector<std::string_view> host = {"node:8761"}, unsigned version = 11) {
  framing_fields f;
  f.version = version;
  f.transfer_encoding = std::move(te);
  f.has_content_length = content_length;
  f.host_count = host.size();
  if (!host.empty())
    f.host = host.front();
  return f;
}

std::string reason(const framing_fields& f) {
  auto err = check_framing(f);
  BOOST_REQUIRE(err.has_value());
  BOOST_TEST(err->status == 400u);
  return std::string{err->reason};
}

shared_body body(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

} // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(plain_requests_pass) {
  BOOST_TEST(!check_framing(fields({})).has_value());
  BOOST_TEST(!check_framing(fields({}, true)).has_value());
  BOOST_TEST(!check_framing(fields({"chunked"})).has_value());
  BOOST_TEST(!check_framing(fields({"Chunked"})).has_value());
  BOOST_TEST(!check_framing(fields({" chunked , "})).has_value()); // empty list elements
  BOOST_TEST(!check_framing(fields({}, false, {"127.0.0.1:8761"})).has_value());
  BOOST_TEST(!check_framing(fields({}, false, {"[::1]:8761"})).has_value());
  BOOST_TEST(!check_framing(fields({}, false, {""})).has_value()); // RFC 9112: empty allowed
  // HTTP/1.0 may omit Host.
  BOOST_TEST(!check_framing(fields({}, false, {}, 10)).has_value());
}

// The smuggling vectors: Beast reads these as bodiless requests.
BOOST_AUTO_TEST_CASE(final_coding_must_be_chunked) {
  BOOST_TEST(reason(fields({"chunked, gzip"})) == "final transfer coding is not chunked");
  BOOST_TEST(reason(fields({"xchunked"})) == "final transfer coding is not chunked");
  BOOST_TEST(reason(fields({"gzip"})) == "final transfer coding is not chunked");
  BOOST_TEST(reason(fields({"chunked;x=1"})) == "final transfer coding is not chunked");
  BOOST_TEST(reason(fields({"identity"})) == "final transfer coding is not chunked");
  BOOST_TEST(reason(fields({"chunked", "gzip"})) == "final transfer coding is not chunked");
}

BOOST_AUTO_TEST_CASE(other_codings_and_conflicts_refused) {
  // A coding we do not implement before the final chunked: 501 (RFC 9112
  // §6.1, and what the Java server's Tomcat answers).
  for (auto te : {std::vector<std::string_view>{"gzip, chunked"},
                  std::vector<std::string_view>{"gzip", "chunked"},
                  std::vector<std::string_view>{"x-custom, chunked"}}) {
    auto err = check_framing(fields(te));
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->status == 501u);
    BOOST_TEST(err->reason == "unsupported transfer coding");
  }
  BOOST_TEST(reason(fields({"chunked, chunked"})) == "chunked applied more than once");
  BOOST_TEST(reason(fields({""})) == "empty Transfer-Encoding");
  BOOST_TEST(reason(fields({" , "})) == "empty Transfer-Encoding");
  BOOST_TEST(reason(fields({"chunked"}, true)) == "both Transfer-Encoding and Content-Length");
  BOOST_TEST(reason(fields({"chunked"}, false, {"h"}, 10))
             == "Transfer-Encoding in an HTTP/1.0 request");
}

BOOST_AUTO_TEST_CASE(host_rules) {
  BOOST_TEST(reason(fields({}, false, {})) == "missing Host header");
  BOOST_TEST(reason(fields({}, false, {"a", "a"})) == "more than one Host header");
  BOOST_TEST(reason(fields({}, false, {"a", "b"}, 10)) == "more than one Host header");
  BOOST_TEST(reason(fields({}, false, {"a b"})) == "invalid Host header");
  BOOST_TEST(reason(fields({}, false, {"a/b"})) == "invalid Host header");
  BOOST_TEST(reason(fields({}, false, {"user@host"})) == "invalid Host header");
}

BOOST_AUTO_TEST_CASE(obs_fold_found_across_pieces) {
  obs_fold_scanner plain;
  BOOST_TEST(!plain.feed("GET / HTTP/1.1\r\nHost: a\r\nX-A: b c\r\n"));
  BOOST_TEST(!plain.feed("\r\n")); // the end of the header is no fold
  obs_fold_scanner folded;
  BOOST_TEST(!folded.feed("POST / HTTP/1.1\r\nTransfer-Encoding:\r"));
  BOOST_TEST(!folded.feed("\n"));
  BOOST_TEST(folded.feed("\tchunked\r\n\r\n")); // split between CRLF and HTAB
  BOOST_TEST(folded.feed(""));                  // and it stays found
  obs_fold_scanner bare_lf;
  BOOST_TEST(!bare_lf.feed("X-A: a\n b\r\n")); // a bare LF: Beast refuses the line itself
}

BOOST_AUTO_TEST_CASE(framing_budget_counts_everything_but_body) {
  framing_budget b{100};
  b.consumed(60, 0); // the header
  BOOST_TEST(b.used() == 60u);
  b.consumed(1000 + 8, 1000); // a chunk-size line, 1000 body bytes, CRLF
  BOOST_TEST(b.used() == 68u);
  BOOST_TEST(!b.exceeded(32));
  BOOST_TEST(b.exceeded(33)); // an incomplete chunk-size line held back
  b.consumed(40, 0);          // a trailer
  BOOST_TEST(b.exceeded(0));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(output)

BOOST_AUTO_TEST_CASE(queue_hands_out_pieces_in_order) {
  body_pins pins;
  output_queue q{&pins};
  q.push(body("head"));
  q.push(body(""));      // ignored
  q.push(shared_body{}); // ignored
  q.push(body("0123456789"));
  BOOST_TEST(q.bytes() == 14u);
  std::string out;
  while (!q.empty()) {
    auto piece = q.peek(3);
    BOOST_TEST(!piece.empty());
    BOOST_TEST(piece.size() <= 3u);
    out += piece;
    q.consume(piece.size());
  }
  BOOST_TEST(out == "head0123456789");
  BOOST_TEST(q.bytes() == 0u);
  BOOST_TEST(pins.bytes() == 0u);
  BOOST_TEST(q.peek(10).empty());
}

// One payload queued on many connections is pinned (and counted) once.
BOOST_AUTO_TEST_CASE(shared_bodies_pinned_once) {
  body_pins pins;
  auto payload = body(std::string(1000, 'x'));
  {
    output_queue a{&pins};
    output_queue b{&pins};
    a.push(payload);
    b.push(payload);
    b.push(body("other"));
    BOOST_TEST(pins.bytes() == 1005u);
    BOOST_TEST(pins.count() == 2u);
    BOOST_TEST(pins.pinned(payload));
    BOOST_TEST(payload.use_count() == 3); // shared, never copied
    a.consume(1000);                      // a handed it all out
    BOOST_TEST(pins.bytes() == 1005u);    // b still holds it
    output_queue moved{std::move(b)};
    BOOST_TEST(b.empty());
    BOOST_TEST(pins.bytes() == 1005u);
  } // queues destroyed: everything unpinned
  BOOST_TEST(pins.bytes() == 0u);
  BOOST_TEST(!pins.pinned(payload));
  BOOST_TEST(payload.use_count() == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(send_rate)

using tp = send_rate_guard::time_point;

BOOST_AUTO_TEST_CASE(fast_reader_keeps_its_connection) {
  send_rate_guard g;
  tp t0{};
  g.pending(t0, 0);
  BOOST_TEST(!g.too_slow(t0 + 5s, 1000, 1000, 10s)); // window not over
  BOOST_TEST(!g.too_slow(t0 + 10s, 10'000, 1000, 10s));
  // The next window starts where the last ended.
  BOOST_TEST(!g.too_slow(t0 + 20s, 20'000, 1000, 10s));
  BOOST_TEST(g.too_slow(t0 + 30s, 29'999, 1000, 10s));
}

BOOST_AUTO_TEST_CASE(slow_reader_is_caught) {
  send_rate_guard g;
  tp t0{};
  g.pending(t0, 500);
  // 1 KB/s against a minimum of 8 KiB/s.
  BOOST_TEST(g.too_slow(t0 + 10s, 500 + 10 * 1024, 8192, 10s));
}

BOOST_AUTO_TEST_CASE(zero_minimum_still_catches_a_reader_taking_nothing) {
  send_rate_guard g;
  tp t0{};
  g.pending(t0, 0);
  BOOST_TEST(g.too_slow(t0 + 10s, 0, 0, 10s));
  send_rate_guard h;
  h.pending(t0, 0);
  BOOST_TEST(!h.too_slow(t0 + 10s, 1, 0, 10s));
}

BOOST_AUTO_TEST_CASE(no_window_without_pending_output) {
  send_rate_guard g;
  tp t0{};
  BOOST_TEST(!g.too_slow(t0 + 100s, 0, 8192, 10s));
  g.pending(t0, 0);
  g.drained();
  BOOST_TEST(!g.active());
  BOOST_TEST(!g.too_slow(t0 + 100s, 0, 8192, 10s));
  // Pending again: a new window starts then, not at the first pending().
  g.pending(t0 + 100s, 0);
  BOOST_TEST(!g.too_slow(t0 + 105s, 0, 8192, 10s));
  BOOST_TEST(g.too_slow(t0 + 110s, 0, 8192, 10s));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(descriptors)

BOOST_AUTO_TEST_CASE(budget_below_the_limit) {
  // The usual soft limit of 1024 with the default 4096 connections.
  auto b = plan_connection_budget(1024, 10, 4096);
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(b->lowered);
  BOOST_TEST(b->max_rejecting == 61u); // (1024 - 42) / 16
  BOOST_TEST(b->max_connections == 1024u - 10 - descriptor_headroom - 61);
  BOOST_TEST(b->max_connections + b->max_rejecting + 10 + descriptor_headroom <= 1024u);
}

BOOST_AUTO_TEST_CASE(budget_keeps_what_fits) {
  auto b = plan_connection_budget(1'048'576, 10, 4096);
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(!b->lowered);
  BOOST_TEST(b->max_connections == 4096u);
  BOOST_TEST(b->max_rejecting == max_rejecting_connections);
}

BOOST_AUTO_TEST_CASE(too_few_descriptors) {
  BOOST_TEST(!plan_connection_budget(40, 10, 4096).has_value());
  BOOST_TEST(!plan_connection_budget(46, 10, 4096).has_value());
  auto b = plan_connection_budget(64, 10, 4096);
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(b->max_rejecting == 1u);
  BOOST_TEST(b->max_connections == 21u);
}

BOOST_AUTO_TEST_CASE(system_figures) {
  auto lim = raise_descriptor_limit();
  BOOST_TEST(lim.error.empty());
  BOOST_TEST(lim.soft >= lim.soft_before);    // raised to the hard limit where it was lower
  BOOST_TEST(count_open_descriptors() >= 3u); // at least stdin, stdout, stderr
  BOOST_TEST(descriptor_available());
}

BOOST_AUTO_TEST_SUITE_END()

// -- heartbeats: routes and per-poll batches -----------------------------------

namespace {

renew_cmd heartbeat(std::string app, std::string id) {
  return renew_cmd{std::move(app), std::move(id), false, caf::none, caf::none};
}

/// A stand-in for an actor handle: valid unless empty.
struct fake_handle {
  std::string name;
  explicit operator bool() const { return !name.empty(); }
};

} // namespace

BOOST_AUTO_TEST_CASE(renewals_group_per_application_in_arrival_order) {
  renewal_batches<int> b;
  BOOST_TEST(b.empty());
  BOOST_TEST(b.add(heartbeat("A", "a1"), 1)); // first of the poll: schedule a flush
  BOOST_TEST(!b.add(heartbeat("B", "b1"), 2));
  BOOST_TEST(!b.add(heartbeat("A", "a2"), 3));
  BOOST_TEST(!b.add(heartbeat("A", "a1"), 4)); // the same instance twice: both answered
  BOOST_TEST(b.pending() == 4u);
  auto groups = b.take();
  BOOST_TEST(b.empty());
  BOOST_TEST(b.pending() == 0u);
  BOOST_REQUIRE_EQUAL(groups.size(), 2u);
  BOOST_TEST(groups[0].batch.app == "A");
  BOOST_REQUIRE_EQUAL(groups[0].batch.items.size(), 3u);
  BOOST_TEST(groups[0].batch.items[0].id == "a1");
  BOOST_TEST(groups[0].batch.items[1].id == "a2");
  BOOST_TEST(groups[0].batch.items[2].id == "a1");
  BOOST_TEST(groups[0].tickets == (std::vector<int>{1, 3, 4}), boost::test_tools::per_element());
  BOOST_TEST(groups[1].batch.app == "B");
  BOOST_TEST(groups[1].tickets == (std::vector<int>{2}), boost::test_tools::per_element());
  // The next poll starts afresh: its first heartbeat schedules a flush again.
  BOOST_TEST(b.add(heartbeat("B", "b2"), 5));
  groups = b.take();
  BOOST_REQUIRE_EQUAL(groups.size(), 1u);
  BOOST_TEST(groups[0].batch.app == "B");
  BOOST_TEST(groups[0].batch.items.size() == 1u);
}

BOOST_AUTO_TEST_CASE(applications_differing_only_in_case_are_separate_batches) {
  // Application names are matched as the registry matches them: exactly
  // (the router upper-cases path names before they get here).
  renewal_batches<int> b;
  b.add(heartbeat("APP", "x"), 1);
  b.add(heartbeat("App", "x"), 2);
  BOOST_TEST(b.take().size() == 2u);
}

BOOST_AUTO_TEST_CASE(route_table_follows_the_directory) {
  route_table<fake_handle> routes;
  BOOST_TEST(routes.find("A") == nullptr); // unknown: the directory routes
  routes.update("A", fake_handle{"a-actor"});
  BOOST_REQUIRE(routes.find("A") != nullptr);
  BOOST_TEST(routes.find("A")->name == "a-actor");
  routes.update("A", fake_handle{"a-actor-2"}); // a new actor replaces the old
  BOOST_TEST(routes.find("A")->name == "a-actor-2");
  BOOST_TEST(routes.size() == 1u);
  routes.update("A", fake_handle{}); // retired: withdrawn
  BOOST_TEST(routes.find("A") == nullptr);
  BOOST_TEST(routes.size() == 0u);
  routes.update("B", fake_handle{}); // withdrawing an unknown route is harmless
  BOOST_TEST(routes.size() == 0u);
}
