// Deterministic tests of the registry actors on CAF's test coordinator:
// every timer (eviction, delta retention, cache refresh) fires only when the
// test advances the clock, so nothing here depends on wall-clock timing.
#define BOOST_TEST_MODULE actors
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "actor_fixture.hpp"
#include "actors/app_slots.hpp"
#include "actors/app_view.hpp"

using namespace eureka;
using namespace eureka::test;

BOOST_FIXTURE_TEST_SUITE(registry_actors, fixture)

BOOST_AUTO_TEST_CASE(empty_registry_documents) {
  start();
  BOOST_TEST(body(read_kind::all_apps)
             == R"({"applications":{"versions__delta":"1","apps__hashcode":"","application":[]}})");
  BOOST_TEST((read(read_kind::app, "NOPE").outcome == read_outcome::not_found));
}

BOOST_AUTO_TEST_CASE(register_is_visible_at_once_everywhere) {
  start();
  BOOST_TEST((do_register(make("i-1")) == write_outcome::ok));
  auto all = body(read_kind::all_apps);
  BOOST_TEST(contains(all, R"("apps__hashcode":"UP_1_")"));
  BOOST_TEST(contains(all, R"("application":[{"name":"APP","instance":[{"instanceId":"i-1")"));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"({"application":{"name":"APP")"));
  BOOST_TEST(contains(body(read_kind::all_apps, "", payload_format::xml),
                      "<apps__hashcode>UP_1_</apps__hashcode>"));
  auto inst = ask<read_reply>(dir, instance_query{"APP", "i-1", payload_format::json});
  BOOST_REQUIRE(inst.outcome == read_outcome::ok);
  BOOST_TEST(contains(inst.body.str(), R"({"instance":{"instanceId":"i-1")"));
  auto by_id = ask<read_reply>(dir, instance_query{"", "i-1", payload_format::json});
  BOOST_TEST((by_id.outcome == read_outcome::ok));
  auto missing = ask<read_reply>(dir, instance_query{"", "nope", payload_format::json});
  BOOST_TEST((missing.outcome == read_outcome::not_found));
  BOOST_TEST(stats().instances == 1u);
  BOOST_TEST(stats().applications == 1u);
}

BOOST_AUTO_TEST_CASE(compact_reads_are_their_own_never_stale_payloads) {
  start();
  do_register(make("i-1"));
  auto full = body(read_kind::all_apps);
  auto all = compact(read_kind::all_apps);
  BOOST_TEST(all != full);
  BOOST_TEST(contains(full, R"("leaseInfo")"));
  BOOST_TEST(!contains(all, R"("leaseInfo")"));
  BOOST_TEST(all.rfind(R"({"applications":{"application":[{"name":"APP","instance":[)", 0) == 0);
  BOOST_TEST(contains(all, R"(],"versions__delta":"1","apps__hashcode":"UP_1_"}})"));
  BOOST_TEST(body(read_kind::all_apps) == full); // the keys differ: each serves its own form
  auto xml = compact(read_kind::all_apps, "", payload_format::xml);
  BOOST_TEST(xml.rfind("<applications><application><name>APP</name><instance>", 0) == 0);
  BOOST_TEST(!contains(xml, "\n"));
  BOOST_TEST(compact(read_kind::app, "APP", payload_format::xml)
                 .rfind("<application><name>APP</name><instance><instanceId>i-1", 0)
             == 0);
  BOOST_TEST(
      compact(read_kind::app, "APP")
          .rfind(R"({"application":{"name":"APP","instance":[{"instanceId":"i-1","app":"APP")", 0)
      == 0);
  BOOST_TEST(contains(compact(read_kind::vip, "vip-b"), R"("instanceId":"i-1")"));
  BOOST_TEST(contains(compact(read_kind::svip, "svip", payload_format::xml), "<instanceId>i-1<"));
  BOOST_TEST(contains(compact(read_kind::delta), R"("actionType":"ADDED")"));
  auto gz = read(read_kind::all_apps, "", payload_format::json, true, representation::compact);
  BOOST_TEST(gz.gzipped);
  // a change is visible at once in the compact forms too (decisions.md 2)
  auto st = ask<write_reply>(
      dir, status_cmd{"APP", "i-1", instance_status::down, caf::none, false, false});
  BOOST_TEST((st.outcome == write_outcome::ok));
  BOOST_TEST(contains(compact(read_kind::all_apps), R"("status":"DOWN")"));
  BOOST_TEST(
      contains(compact(read_kind::app, "APP", payload_format::xml), "<status>DOWN</status>"));
  BOOST_TEST(contains(compact(read_kind::vip, "vip-a"), R"("status":"DOWN")"));
  do_cancel("APP", "i-1");
  BOOST_TEST(
      (read(read_kind::app, "APP", payload_format::json, false, representation::compact).outcome
       == read_outcome::not_found));
  BOOST_TEST(
      compact(read_kind::vip, "vip-a")
      == R"({"applications":{"application":[],"versions__delta":"-1","apps__hashcode":""}})");
}

BOOST_AUTO_TEST_CASE(writes_to_unknown_apps_and_instances_are_not_found) {
  start();
  BOOST_TEST((do_renew("NOPE", "x") == write_outcome::not_found));
  BOOST_TEST((do_cancel("NOPE", "x") == write_outcome::not_found));
  do_register(make("i-1"));
  BOOST_TEST((do_renew("APP", "x") == write_outcome::not_found));
  BOOST_TEST((do_renew("APP", "i-1") == write_outcome::ok));
  auto st =
      ask<write_reply>(dir, status_cmd{"APP", "x", instance_status::down, caf::none, false, false});
  BOOST_TEST((st.outcome == write_outcome::not_found));
}

BOOST_AUTO_TEST_CASE(cancel_is_visible_at_once_and_delta_says_deleted) {
  start();
  do_register(make("i-1"));
  do_register(make("i-2"));
  body(read_kind::all_apps); // warm the cache
  BOOST_TEST((do_cancel("APP", "i-1") == write_outcome::ok));
  auto all = body(read_kind::all_apps);
  BOOST_TEST(!contains(all, R"("instanceId":"i-1")"));
  BOOST_TEST(contains(all, R"("apps__hashcode":"UP_1_")"));
  auto delta = body(read_kind::delta);
  BOOST_TEST(contains(delta, R"("apps__hashcode":"UP_1_")")); // hash of the full registry
  auto pos = delta.find(R"("instanceId":"i-1")");
  BOOST_REQUIRE(pos != std::string::npos);
  BOOST_TEST(contains(delta.substr(pos), R"("actionType":"DELETED")"));
  BOOST_TEST(contains(delta, R"("actionType":"ADDED")")); // i-2
}

BOOST_AUTO_TEST_CASE(delta_version_counts_generated_payloads) {
  start();
  do_register(make("i-1"));
  auto first = body(read_kind::delta);
  BOOST_TEST(contains(first, R"("versions__delta":"1")"));
  BOOST_TEST(body(read_kind::delta) == first); // served from cache
  do_register(make("i-2"));
  BOOST_TEST(contains(body(read_kind::delta), R"("versions__delta":"2")"));
}

BOOST_AUTO_TEST_CASE(delta_retention_drops_old_changes) {
  reg.retention_time_in_delta_queue_ms = 180000;
  reg.delta_retention_timer_interval_ms = 30000;
  start();
  do_register(make("i-1"));
  advance(150s, 10s);
  BOOST_TEST(contains(body(read_kind::delta), R"("instanceId":"i-1")"));
  advance(60s, 10s); // retention passed and the 30 s sweep ran
  auto delta = body(read_kind::delta);
  BOOST_TEST(!contains(delta, R"("instanceId":"i-1")"));
  BOOST_TEST(contains(delta, R"("application":[])"));
  BOOST_TEST(contains(body(read_kind::all_apps), R"("instanceId":"i-1")"));
}

BOOST_AUTO_TEST_CASE(disabled_delta_is_forbidden) {
  reg.disable_delta = true;
  start();
  BOOST_TEST((read(read_kind::delta).outcome == read_outcome::forbidden));
}

BOOST_AUTO_TEST_CASE(vip_and_svip_documents) {
  start();
  do_register(make("i-1", "APP"));
  auto other = make("i-2", "OTHER");
  other.vip_address = std::string{"vip-c"};
  do_register(other);
  auto vip = body(read_kind::vip, "vip-b");
  BOOST_TEST(contains(vip, R"("versions__delta":"-1")"));
  BOOST_TEST(contains(vip, R"("instanceId":"i-1")"));
  BOOST_TEST(!contains(vip, R"("instanceId":"i-2")"));
  BOOST_TEST(contains(body(read_kind::vip, "vip-c"), R"("instanceId":"i-2")"));
  BOOST_TEST(contains(body(read_kind::vip, "nope"), R"("application":[])")); // T42
  BOOST_TEST(!contains(body(read_kind::vip, "VIP-A"), "i-1"));               // case-sensitive
  BOOST_TEST(contains(body(read_kind::svip, "svip"), R"("apps__hashcode":"UP_2_")"));
}

BOOST_AUTO_TEST_CASE(gzip_payload_is_cached_and_flagged) {
  start();
  do_register(make("i-1"));
  auto r = read(read_kind::all_apps, "", payload_format::json, true);
  BOOST_TEST((r.outcome == read_outcome::ok));
  BOOST_TEST(r.gzipped);
  BOOST_REQUIRE(!r.body.empty());
  BOOST_TEST(r.body.str().substr(0, 2) == std::string("\x1f\x8b"));
  auto again = read(read_kind::all_apps, "", payload_format::json, true);
  BOOST_TEST(again.body.same_as(r.body)); // the same bytes, not re-compressed
}

BOOST_AUTO_TEST_CASE(status_override_changes_reads_and_hash) {
  start();
  do_register(make("i-1"));
  auto r = ask<write_reply>(
      dir, status_cmd{"APP", "i-1", instance_status::out_of_service, caf::none, false, false});
  BOOST_TEST((r.outcome == write_outcome::ok));
  BOOST_TEST(contains(body(read_kind::all_apps), R"("apps__hashcode":"OUT_OF_SERVICE_1_")"));
  auto delta = body(read_kind::delta);
  BOOST_TEST(contains(delta, R"("actionType":"MODIFIED")"));
  auto overrides = ask<string_pairs>(dir, overrides_atom::value);
  BOOST_REQUIRE_EQUAL(overrides.size(), 1u);
  BOOST_TEST(overrides[0].first == "i-1");
  BOOST_TEST(overrides[0].second == "OUT_OF_SERVICE");
}

BOOST_AUTO_TEST_CASE(expired_lease_evicted_with_self_preservation_off) {
  reg.enable_self_preservation = false;
  reg.eviction_interval_ms = 1000;
  start();
  do_register(make("i-1", "APP", 5));
  advance(5s);
  BOOST_TEST(stats().instances == 1u); // expires only after now > last renewal + 5 s
  advance(2s);
  BOOST_TEST(stats().instances == 0u);
  BOOST_TEST(stats().evictions_total == 1u);
  auto delta = body(read_kind::delta);
  BOOST_TEST(contains(delta, R"("actionType":"DELETED")"));
}

BOOST_AUTO_TEST_CASE(renewing_lease_is_never_evicted) {
  reg.enable_self_preservation = false;
  reg.eviction_interval_ms = 1000;
  start();
  do_register(make("i-1", "APP", 5));
  for (int i = 0; i < 10; ++i) {
    advance(3s);
    BOOST_TEST((do_renew("APP", "i-1") == write_outcome::ok));
  }
  BOOST_TEST(stats().instances == 1u);
}

BOOST_AUTO_TEST_CASE(self_preservation_keeps_expired_leases_without_renewals) { // T62-like
  reg.enable_self_preservation = true;
  reg.eviction_interval_ms = 1000;
  start();
  do_register(make("i-1", "APP", 5));
  advance(20s);
  auto s = stats();
  BOOST_TEST(s.instances == 1u);
  BOOST_TEST(!s.lease_expiration_enabled);
  BOOST_TEST(s.renew_threshold == 1); // floor(1 × 2 × 0.85)
}

BOOST_AUTO_TEST_CASE(self_preservation_allows_eviction_while_clients_renew) { // T60-like
  reg.enable_self_preservation = true;
  reg.eviction_interval_ms = 1000;
  start();
  for (int i = 0; i < 10; ++i)
    do_register(make("i-" + std::to_string(i), "APP", 30));
  // Nine instances renew every 5 s (108/min > threshold 17); i-9 is silent.
  for (int step = 0; step < 24; ++step) {
    advance(5s, 1s);
    for (int i = 0; i < 9; ++i)
      do_renew("APP", "i-" + std::to_string(i));
  }
  auto s = stats();
  BOOST_TEST(s.lease_expiration_enabled);
  BOOST_TEST(s.renews_last_minute > s.renew_threshold);
  BOOST_TEST(s.instances == 9u);
  BOOST_TEST(!contains(body(read_kind::all_apps), R"("instanceId":"i-9")"));
}

BOOST_AUTO_TEST_CASE(one_pass_evicts_at_most_the_cap) { // T61
  reg.enable_self_preservation = false;
  reg.eviction_interval_ms = 10000;
  start();
  for (int i = 0; i < 10; ++i)
    do_register(make("i-" + std::to_string(i), i % 2 ? "ODD" : "EVEN", 1));
  advance(10s, 10s); // first pass: all ten expired, cap 10 - floor(8.5) = 2
  BOOST_TEST(stats().instances == 8u);
  advance(10s, 10s); // cap of 8 leases: 8 - floor(6.8) = 2
  BOOST_TEST(stats().instances == 6u);
}

BOOST_AUTO_TEST_CASE(read_only_cache_switch_serves_stale_until_refresh) {
  reg.use_read_only_response_cache = true;
  reg.response_cache_update_interval_ms = 30000;
  start();
  BOOST_TEST(contains(body(read_kind::all_apps), R"("application":[])"));
  do_register(make("i-1"));
  BOOST_TEST(contains(body(read_kind::all_apps), R"("application":[])")); // Java's staleness
  advance(30s, 10s);
  BOOST_TEST(contains(body(read_kind::all_apps), R"("instanceId":"i-1")"));
}

BOOST_AUTO_TEST_CASE(renewal_timestamps_refresh_within_the_interval) {
  reg.response_cache_update_interval_ms = 30000;
  start();
  do_register(make("i-1"));
  auto registered = body(read_kind::app, "APP");
  advance(10s, 10s);
  do_renew("APP", "i-1");
  BOOST_TEST(body(read_kind::app, "APP") == registered); // renewals alone do not re-encode
  // Another change publishes what it changed; i-1's renewal waits for the
  // tick like every renewal (its record is shared with the last view).
  do_register(make("i-2"));
  auto changed = body(read_kind::app, "APP");
  BOOST_TEST(contains(changed, R"("instanceId":"i-2")"));
  BOOST_TEST(contains(changed, "\"lastRenewalTimestamp\":" + std::to_string(epoch) + ","));
  advance(20s, 10s);
  auto refreshed = body(read_kind::app, "APP");
  BOOST_TEST(refreshed != registered);
  BOOST_TEST(contains(refreshed, "\"lastRenewalTimestamp\":" + std::to_string(epoch + 10000)));
  BOOST_TEST(!contains(refreshed, "\"lastRenewalTimestamp\":" + std::to_string(epoch) + ","));
}

BOOST_AUTO_TEST_CASE(metadata_update_is_visible) {
  start();
  do_register(make("i-1"));
  auto r = ask<write_reply>(dir, metadata_cmd{"APP", "i-1", {{"zone", "z1"}}});
  BOOST_TEST((r.outcome == write_outcome::ok));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("metadata":{"zone":"z1"})"));
}

BOOST_AUTO_TEST_CASE(single_instance_xml_shows_out_of_service_as_down) {
  // Java's V1AwareInstanceInfoConverter (E5/E11 XML only; seen on the wire).
  start();
  do_register(make("i-1"));
  auto st = ask<write_reply>(
      dir, status_cmd{"APP", "i-1", instance_status::out_of_service, caf::none, false, false});
  BOOST_TEST((st.outcome == write_outcome::ok));
  auto xml = ask<read_reply>(dir, instance_query{"APP", "i-1", payload_format::xml});
  BOOST_REQUIRE(!xml.body.empty());
  BOOST_TEST(contains(xml.body.str(), "<status>DOWN</status>"));
  BOOST_TEST(contains(xml.body.str(), "<overriddenstatus>OUT_OF_SERVICE</overriddenstatus>"));
  auto json = ask<read_reply>(dir, instance_query{"", "i-1", payload_format::json});
  BOOST_REQUIRE(!json.body.empty());
  BOOST_TEST(contains(json.body.str(), R"("status":"OUT_OF_SERVICE")"));
  BOOST_TEST(contains(body(read_kind::app, "APP", payload_format::xml),
                      "<status>OUT_OF_SERVICE</status>"));
}

BOOST_AUTO_TEST_CASE(delta_shows_the_current_form_of_live_instances) {
  // §3.9: the delta holds each queued lease's current holder. A replicated
  // renew from a newer copy hands over its override without queueing
  // anything; the delta still shows it (seen on the wire with Java).
  start();
  do_register(make("i-1"));
  BOOST_TEST(contains(body(read_kind::delta), R"("overriddenStatus":"UNKNOWN")"));
  auto r = ask<write_reply>(
      dir, renew_cmd{"APP", "i-1", true, int64_t{1} << 50, instance_status::out_of_service});
  BOOST_TEST((r.outcome == write_outcome::not_found));
  auto delta = body(read_kind::delta);
  BOOST_TEST(contains(delta, R"("overriddenStatus":"OUT_OF_SERVICE")"));
  BOOST_TEST(contains(delta, R"("actionType":"ADDED")"));
  BOOST_TEST(!contains(delta, R"("overriddenStatus":"UNKNOWN")"));
}

BOOST_AUTO_TEST_CASE(expired_lease_reads_as_absent_while_expiration_is_enabled) {
  reg.enable_self_preservation = false; // expiration always enabled
  reg.eviction_interval_ms = 600000;    // no eviction during the test
  start();
  do_register(make("i-1", "APP", 5));
  advance(6s, 1s);
  auto q = ask<read_reply>(dir, instance_query{"APP", "i-1", payload_format::json});
  BOOST_TEST((q.outcome == read_outcome::not_found));
  auto st = ask<write_reply>(
      dir, status_cmd{"APP", "i-1", instance_status::down, caf::none, false, false});
  BOOST_TEST((st.outcome == write_outcome::not_found));
  BOOST_TEST((do_renew("APP", "i-1") == write_outcome::ok)); // renew still revives it
  q = ask<read_reply>(dir, instance_query{"APP", "i-1", payload_format::json});
  BOOST_TEST((q.outcome == read_outcome::ok));
}

BOOST_AUTO_TEST_CASE(expired_lease_stays_readable_under_self_preservation) {
  reg.enable_self_preservation = true; // no renewals: expiration disabled
  reg.eviction_interval_ms = 1000;
  start();
  do_register(make("i-1", "APP", 5));
  advance(8s, 1s);
  auto q = ask<read_reply>(dir, instance_query{"APP", "i-1", payload_format::json});
  BOOST_TEST((q.outcome == read_outcome::ok));
}

BOOST_AUTO_TEST_CASE(applications_beyond_the_maximum_are_refused) {
  reg.max_applications = 2;
  start();
  BOOST_TEST((do_register(make("a", "A")) == write_outcome::ok));
  BOOST_TEST((do_register(make("b", "B")) == write_outcome::ok));
  BOOST_TEST((do_register(make("c", "C")) == write_outcome::over_capacity));
  BOOST_TEST((do_register(make("a2", "A")) == write_outcome::ok)); // existing app
  BOOST_TEST(stats().applications == 2u);
}

BOOST_AUTO_TEST_CASE(delta_queue_is_bounded_in_bytes) {
  // A live instance is the registry's anyway; a removed one is kept alive
  // by the queue alone and counts with its size.
  reg.max_delta_queue_bytes = 300 * 1024;
  start();
  auto big = make("i-0");
  big.metadata.emplace_back("blob", std::string(200000, 'x'));
  do_register(big);
  do_cancel("APP", "i-0"); // ~200 KB queued as DELETED
  do_register(make("i-1"));
  auto whole = body(read_kind::delta);
  BOOST_TEST(contains(whole, R"("instanceId":"i-0")"));
  BOOST_TEST(contains(whole, R"("apps__hashcode":"UP_1_")"));
  auto big2 = make("i-2");
  big2.metadata.emplace_back("blob", std::string(200000, 'y'));
  do_register(big2);
  do_cancel("APP", "i-2"); // over 300 KB: the oldest entries (i-0's) leave
  auto delta = body(read_kind::delta);
  BOOST_TEST(!contains(delta, R"("instanceId":"i-0")"));
  BOOST_TEST(contains(delta, R"("instanceId":"i-2")"));
  // Missing i-0's cancel, the delta must not reconcile: clients fetch all.
  BOOST_TEST(contains(delta, R"("apps__hashcode":"INCOMPLETE_DELTA_0_")"));
  BOOST_TEST(contains(body(read_kind::all_apps), R"("instanceId":"i-1")")); // still registered
}

BOOST_AUTO_TEST_CASE(expired_override_leaves_the_override_dump) {
  reg.override_expiry_ms = 60000;
  reg.response_cache_update_interval_ms = 10000;
  start();
  do_register(make("i-1"));
  ask<write_reply>(
      dir, status_cmd{"APP", "i-1", instance_status::out_of_service, caf::none, false, false});
  BOOST_TEST(ask<string_pairs>(dir, overrides_atom::value).size() == 1u);
  advance(80s, 10s);
  BOOST_TEST(ask<string_pairs>(dir, overrides_atom::value).empty());
}

// -- capacity and retirement of empty applications' actors (issue 6) ---------

BOOST_AUTO_TEST_CASE(empty_application_actor_retires_after_the_delta_retention) {
  reg.retention_time_in_delta_queue_ms = 180000;
  reg.delta_retention_timer_interval_ms = 30000;
  start();
  do_register(make("i-1"));
  auto before = app_actors();
  BOOST_REQUIRE_EQUAL(before.size(), 1u);
  do_cancel("APP", "i-1"); // empty since t = 0
  advance(200s, 10s);      // the tick at 180 s: not yet empty for the whole retention
  BOOST_TEST(app_actors().size() == 1u);
  BOOST_TEST(contains(body(read_kind::delta), R"("actionType":"DELETED")"));
  advance(10s, 10s); // the tick at 210 s retires it
  BOOST_TEST(app_actors().empty());
  BOOST_TEST(!alive(before[0]));
  // A retirement is no failure: the directory goes on, and the application
  // registers again with a new actor.
  BOOST_TEST((do_register(make("i-2")) == write_outcome::ok));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("instanceId":"i-2")"));
  auto after = app_actors();
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST((after[0] != before[0]));
  BOOST_TEST(stats().applications == 1u);
}

BOOST_AUTO_TEST_CASE(registration_racing_a_retirement_is_not_lost) {
  reg.retention_time_in_delta_queue_ms = 180000;
  reg.delta_retention_timer_interval_ms = 30000;
  start();
  do_register(make("i-1"));
  do_cancel("APP", "i-1");
  advance(200s, 10s); // empty since t = 0: due for retirement at the 210 s tick
  auto before = app_actors();
  BOOST_REQUIRE_EQUAL(before.size(), 1u);
  // The directory delegates a registration, then handles the tick before
  // the registry actor has applied it: its latest view still says "empty".
  auto pending = self->request(dir, caf::infinite, register_cmd{make("i-2"), false});
  sched.clock().advance_time(10s); // the tick queues behind the registration
  run_only(dir);
  sched.run();
  auto outcome = write_outcome::not_found;
  pending.receive([&](write_reply& r) { outcome = r.outcome; },
                  [&](caf::error& err) { BOOST_FAIL("register failed: " << sys.render(err)); });
  BOOST_TEST((outcome == write_outcome::ok));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("instanceId":"i-2")"));
  BOOST_TEST(stats().instances == 1u);
  BOOST_TEST((app_actors() == before)); // not retired while a registration was in flight
  do_cancel("APP", "i-2");
  advance(220s, 10s);
  BOOST_TEST(app_actors().empty()); // retired once really empty
}

BOOST_AUTO_TEST_CASE(application_limit_counts_live_applications) {
  reg.max_applications = 2;
  start();
  BOOST_TEST((do_register(make("a", "A")) == write_outcome::ok));
  BOOST_TEST((do_register(make("b", "B")) == write_outcome::ok));
  BOOST_TEST((do_register(make("c", "C")) == write_outcome::over_capacity));
  BOOST_TEST((do_cancel("A", "a") == write_outcome::ok));
  BOOST_TEST(stats().applications == 1u);
  // At once, not after the retention: A is empty, so C takes its slot (and
  // A's actor leaves early: no more actors than max-applications).
  BOOST_TEST((do_register(make("c", "C")) == write_outcome::ok));
  BOOST_TEST(app_actors().size() == 2u);
  BOOST_TEST(stats().applications == 2u);
  BOOST_TEST((do_register(make("a", "A")) == write_outcome::over_capacity)); // A is new again
  BOOST_TEST((do_register(make("b2", "B")) == write_outcome::ok));           // B is live
}

BOOST_AUTO_TEST_CASE(create_cancel_churn_keeps_actors_bounded_and_the_delta_whole) {
  reg.max_applications = 3;
  start();
  do_register(make("keep", "KEEP"));
  for (int i = 0; i < 40; ++i) {
    auto app = "CHURN" + std::to_string(i);
    auto id = "c-" + std::to_string(i);
    BOOST_REQUIRE((do_register(make(id, app)) == write_outcome::ok));
    BOOST_REQUIRE((do_cancel(app, id) == write_outcome::ok));
    BOOST_REQUIRE_LE(app_actors().size(), 3u);
  }
  BOOST_TEST(stats().applications == 1u);
  BOOST_TEST(stats().instances == 1u);
  // Early retirement changes no read: every removal is still in the delta.
  auto delta = body(read_kind::delta);
  size_t deleted = 0;
  for (auto pos = delta.find(R"("actionType":"DELETED")"); pos != std::string::npos;
       pos = delta.find(R"("actionType":"DELETED")", pos + 1))
    ++deleted;
  BOOST_TEST(deleted == 40u);
  for (int i = 0; i < 40; ++i)
    BOOST_TEST(contains(delta, R"({"name":"CHURN)" + std::to_string(i)
                                   + R"(","instance":[{"instanceId":"c-)"));
  BOOST_TEST(contains(delta, R"("instanceId":"keep")"));
  BOOST_TEST((do_register(make("c-0", "CHURN0")) == write_outcome::ok)); // retired, then back
  BOOST_TEST(contains(body(read_kind::app, "CHURN0"), R"("instanceId":"c-0")"));
}

BOOST_AUTO_TEST_CASE(early_retirement_leaves_the_delta_unchanged) {
  reg.max_applications = 1;
  start();
  do_register(make("a", "A"));
  do_cancel("A", "a");
  auto before = body(read_kind::delta); // A's actor still there, its view empty
  auto start_a = before.find(R"({"name":"A")");
  BOOST_REQUIRE(start_a != std::string::npos);
  auto a_part = before.substr(start_a, before.size() - 3 - start_a); // up to "]}}"
  BOOST_TEST(contains(a_part, R"("actionType":"DELETED")"));
  BOOST_TEST((do_register(make("b", "B")) == write_outcome::ok)); // retires A's actor first
  BOOST_TEST(app_actors().size() == 1u);
  BOOST_TEST(contains(body(read_kind::delta), a_part + R"(,{"name":"B")"));
}

BOOST_AUTO_TEST_CASE(instance_limit_counts_registrations_in_flight) {
  reg.max_instances = 2;
  start();
  // Three registrations reach the directory before any view does: the
  // count must not rely on views alone.
  auto r1 = self->request(dir, caf::infinite, register_cmd{make("i-1"), false});
  auto r2 = self->request(dir, caf::infinite, register_cmd{make("i-2"), false});
  auto r3 = self->request(dir, caf::infinite, register_cmd{make("j-1", "OTHER"), false});
  sched.run();
  std::vector<write_outcome> outcomes;
  for (auto* r : {&r1, &r2, &r3})
    r->receive([&](write_reply& x) { outcomes.push_back(x.outcome); },
               [&](caf::error& err) { BOOST_FAIL("register failed: " << sys.render(err)); });
  BOOST_REQUIRE_EQUAL(outcomes.size(), 3u);
  BOOST_TEST((outcomes[0] == write_outcome::ok));
  BOOST_TEST((outcomes[1] == write_outcome::ok));
  BOOST_TEST((outcomes[2] == write_outcome::over_instance_capacity));
  BOOST_TEST(stats().instances == 2u);
  BOOST_TEST(app_actors().size() == 1u); // nothing spawned for the refused one
  BOOST_TEST((do_register(make("i-3")) == write_outcome::over_instance_capacity));
  // A re-registration replaces an instance: admitted at the limit.
  auto again = make("i-1");
  again.host_name = "moved";
  again.last_dirty_timestamp = 200;
  BOOST_TEST((do_register(again) == write_outcome::ok));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("hostName":"moved")"));
  BOOST_TEST((do_cancel("APP", "i-2") == write_outcome::ok));
  BOOST_TEST((do_register(make("i-3")) == write_outcome::ok));
  BOOST_TEST(stats().instances == 2u);
}

BOOST_AUTO_TEST_CASE(eviction_pass_over_a_retired_actor_completes) {
  reg.enable_self_preservation = false;
  reg.eviction_interval_ms = 600000; // passes only when the test sends one
  reg.retention_time_in_delta_queue_ms = 1000;
  reg.delta_retention_timer_interval_ms = 10000;
  start();
  do_register(make("gone", "GONE"));
  do_cancel("GONE", "gone");
  do_register(make("i-1", "APP", 5));
  BOOST_REQUIRE_EQUAL(app_actors().size(), 2u);
  advance(9500ms); // GONE empty for the retention; the retain tick is at 10 s
  caf::anon_send(evictor, pass_atom::value);
  run_only(evictor); // asks the directory for the actors
  run_only(dir);     // which lists both
  sched.clock().advance_time(500ms);
  run_only(dir); // the tick retires GONE's actor before the eviction actor sweeps it
  sched.run();
  BOOST_TEST(app_actors().size() == 1u);
  // The pass completed: the expired APP/i-1 is evicted.
  auto s = stats();
  BOOST_TEST(s.instances == 0u);
  BOOST_TEST(s.evictions_total == 1u);
  // And the next pass runs (no pass left hanging).
  do_register(make("i-2", "APP", 5));
  advance(6s);
  caf::anon_send(evictor, pass_atom::value);
  sched.run();
  BOOST_TEST(stats().evictions_total == 2u);
}

BOOST_AUTO_TEST_CASE(retired_actor_holding_instances_hands_them_back) {
  // The directory retires only empty applications with nothing in flight;
  // if an actor is told to retire while holding instances anyway (a bug),
  // it logs an error and nothing is lost.
  start();
  do_register(make("i-1"));
  auto before = app_actors();
  BOOST_REQUIRE_EQUAL(before.size(), 1u);
  log::set_level(log::level::off); // the expected error line
  caf::anon_send(before[0], retire_atom::value);
  sched.run();
  log::set_level(log::level::warn);
  BOOST_TEST(!alive(before[0]));
  auto after = app_actors();
  BOOST_REQUIRE_EQUAL(after.size(), 1u);
  BOOST_TEST((after[0] != before[0]));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("instanceId":"i-1")"));
  BOOST_TEST(stats().instances == 1u);
  BOOST_TEST((do_renew("APP", "i-1") == write_outcome::ok));
}

BOOST_AUTO_TEST_SUITE_END()

// -- app_slots: the directory's capacity bookkeeping (pure) -------------------

BOOST_AUTO_TEST_SUITE(app_slot_rules)

BOOST_AUTO_TEST_CASE(registration_in_flight_keeps_an_application_live) {
  app_slots<int> s{10, 100};
  s.add("A", 1, 0);
  BOOST_TEST(s.live() == 0u); // empty until the first delegation
  s.delegated("A");
  BOOST_TEST(s.live() == 1u);
  BOOST_TEST(s.in_flight() == 1u);
  BOOST_TEST(s.viewed("A", 0, 0, 5)); // a view from before the registration
  BOOST_TEST(s.live() == 1u);
  BOOST_TEST(s.take_empty_before(1000).empty());
  BOOST_TEST(s.viewed("A", 1, 1, 6));
  BOOST_TEST(s.in_flight() == 0u);
  BOOST_TEST(s.instances() == 1u);
  BOOST_TEST(s.viewed("A", 0, 1, 7)); // cancelled: empty since 7
  BOOST_TEST(s.live() == 0u);
  BOOST_TEST(s.take_empty_before(7).empty());
  auto taken = s.take_empty_before(8);
  BOOST_REQUIRE_EQUAL(taken.size(), 1u);
  BOOST_TEST(taken[0].first == "A");
  BOOST_TEST(taken[0].second == 1);
  BOOST_TEST(s.size() == 0u);
  BOOST_TEST(s.viewed("B", 0, 0, 9)); // unknown application: ignored
}

BOOST_AUTO_TEST_CASE(admission_counts_live_applications_and_instances_in_flight) {
  app_slots<int> s{2, 3};
  s.add("A", 1, 0);
  s.delegated("A");
  s.delegated("A");
  BOOST_TEST((s.admit("B") == admission::admitted));
  s.add("B", 2, 0);
  s.delegated("B");
  // At max-instances: a live application may still replace an instance
  // (its actor decides), anything else would add one.
  BOOST_TEST((s.admit("A") == admission::only_replacing));
  BOOST_TEST((s.admit("C") == admission::too_many_applications));
  s.viewed("B", 0, 1, 1); // B's registration applied, then cancelled: empty
  BOOST_TEST(s.live() == 1u);
  BOOST_TEST((s.admit("B") == admission::admitted));
  BOOST_TEST((s.admit("C") == admission::admitted));
  auto room = s.make_room(); // two actors: B, the empty one, leaves
  BOOST_REQUIRE(room.has_value());
  BOOST_TEST(room->first == "B");
  BOOST_TEST(!s.make_room().has_value());
  BOOST_TEST(!s.viewed("A", 2, 3, 2)); // more applied than delegated: reported
  BOOST_TEST(s.in_flight() == 0u);
  BOOST_TEST(s.instances() == 2u);
}

BOOST_AUTO_TEST_CASE(make_room_takes_the_oldest_empty_slot) {
  app_slots<int> s{3, 100};
  int64_t emptied[] = {10, 5, 20};
  const char* names[] = {"A", "B", "C"};
  for (int i = 0; i < 3; ++i) {
    s.add(names[i], i, 0);
    s.delegated(names[i]);
    s.viewed(names[i], 1, 1, 0);
  }
  BOOST_TEST(!s.make_room().has_value()); // all live
  for (int i = 0; i < 3; ++i)
    s.viewed(names[i], 0, 1, emptied[i]);
  auto room = s.make_room();
  BOOST_REQUIRE(room.has_value());
  BOOST_TEST(room->first == "B");
  BOOST_TEST(!s.make_room().has_value()); // below the maximum again
  s.delegated("A");                       // live again: no longer retirable
  auto due = s.take_empty_before(100);
  BOOST_REQUIRE_EQUAL(due.size(), 1u);
  BOOST_TEST(due[0].first == "C");
  BOOST_TEST(s.erase("A").has_value());
  BOOST_TEST(s.live() == 0u);
  BOOST_TEST(s.in_flight() == 0u);
  BOOST_TEST(s.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// What a route subscriber (the gateway) has been told, in order.
struct route_log {
  std::vector<std::pair<std::string, app_registry_actor>> updates;
};

route_subscriber_actor::behavior_type route_recorder(std::shared_ptr<route_log> log) {
  return {
      [=](routes_atom, const std::string& app, app_registry_actor& actor) {
        log->updates.emplace_back(app, std::move(actor));
      },
  };
}

renew_batch batch_of(const std::string& app, std::vector<std::string> ids) {
  renew_batch b{app, {}};
  for (auto& id : ids)
    b.items.push_back(renew_cmd{app, std::move(id), false, caf::none, caf::none});
  return b;
}

/// Outcomes as numbers (printable in a failed comparison).
std::vector<int> outcomes(const std::vector<write_reply>& replies) {
  std::vector<int> out;
  for (const auto& r : replies)
    out.push_back(static_cast<int>(r.outcome));
  return out;
}

std::vector<int> outcomes(std::initializer_list<write_outcome> xs) {
  std::vector<int> out;
  for (auto x : xs)
    out.push_back(static_cast<int>(x));
  return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(heartbeat_routing, fixture)

// The gateway sends heartbeats straight to the registry actors, by the
// routing table the directory publishes: the table at once on subscription,
// every new actor before anything is delegated to it, every retirement.
BOOST_AUTO_TEST_CASE(directory_publishes_routes_and_batches_renew_in_order) {
  reg.retention_time_in_delta_queue_ms = 180000;
  reg.delta_retention_timer_interval_ms = 30000;
  start();
  do_register(make("i-1"));
  do_register(make("i-2"));
  auto log = std::make_shared<route_log>();
  auto subscriber = sys.spawn(route_recorder, log);
  self->send(dir, routes_atom::value, subscriber);
  sched.run();
  BOOST_REQUIRE_EQUAL(log->updates.size(), 1u);
  BOOST_TEST(log->updates[0].first == "APP");
  auto app = log->updates[0].second;
  BOOST_REQUIRE(app);
  BOOST_TEST((app == app_actors().at(0)));
  // A new application: its route comes before its registration's reply.
  do_register(make("o-1", "OTHER"));
  BOOST_REQUIRE_EQUAL(log->updates.size(), 2u);
  BOOST_TEST(log->updates[1].first == "OTHER");
  BOOST_TEST(static_cast<bool>(log->updates[1].second));
  // A batch straight to the owner: one reply per item, in item order.
  using wo = write_outcome;
  auto expected = outcomes({wo::ok, wo::not_found, wo::ok, wo::ok});
  auto direct = ask<std::vector<write_reply>>(app, batch_of("APP", {"i-2", "nope", "i-1", "i-2"}));
  BOOST_TEST(outcomes(direct) == expected, boost::test_tools::per_element());
  // The same through the directory (a gateway without the route yet).
  auto routed = ask<std::vector<write_reply>>(dir, batch_of("APP", {"i-2", "nope", "i-1", "i-2"}));
  BOOST_TEST(outcomes(routed) == expected, boost::test_tools::per_element());
  // An application nobody holds: every item not found.
  auto nobody = ask<std::vector<write_reply>>(dir, batch_of("NOPE", {"a", "b"}));
  BOOST_TEST(outcomes(nobody) == outcomes({wo::not_found, wo::not_found}),
             boost::test_tools::per_element());
  // The renewals counted like single ones.
  auto reports = ask<directory_report>(dir, admin_atom::value);
  BOOST_REQUIRE_EQUAL(reports.apps.size(), 2u);
  BOOST_TEST(reports.apps[0].renewals_total == 6u);
  // Retired: the route is withdrawn, and the old actor is gone (a gateway
  // still holding it falls back to the directory).
  do_cancel("APP", "i-1");
  do_cancel("APP", "i-2");
  advance(210s, 10s);
  BOOST_REQUIRE_EQUAL(log->updates.size(), 3u);
  BOOST_TEST(log->updates[2].first == "APP");
  BOOST_TEST(!log->updates[2].second);
  BOOST_TEST(!alive(app));
  auto after = ask<std::vector<write_reply>>(dir, batch_of("APP", {"i-1"}));
  BOOST_TEST(outcomes(after) == outcomes({wo::not_found}), boost::test_tools::per_element());
  caf::anon_send_exit(subscriber, caf::exit_reason::user_shutdown);
}

BOOST_AUTO_TEST_SUITE_END()

// Reads are served by the reader, never in the directory's or a registry
// actor's mailbox: however long a read takes, no write waits behind it.
BOOST_FIXTURE_TEST_SUITE(reads_off_the_write_path, fixture)

BOOST_AUTO_TEST_CASE(a_registration_is_answered_while_the_reader_has_not_run) {
  start();
  do_register(make("i-1"));
  // A full fetch, then a registration: with the reader held back, the
  // registration is applied and answered all the same.
  auto fetch = self->request(
      dir, caf::infinite,
      read_query{read_kind::all_apps, "", payload_format::json, false, representation::full});
  auto reg_reply = self->request(dir, caf::infinite, register_cmd{make("i-2"), false});
  BOOST_TEST(run_all_but("reader"));        // the fetch (and the new view) wait there
  BOOST_TEST(self->mailbox().size() == 1u); // the registration's reply, alone
  sched.run();
  write_outcome outcome = write_outcome::rejected;
  reg_reply.receive([&](write_reply& r) { outcome = r.outcome; },
                    [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
  BOOST_TEST((outcome == write_outcome::ok));
  std::string fetched;
  fetch.receive([&](read_reply& r) { fetched = r.body.str(); },
                [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
  // Asked before the registration: the registry as it was then.
  BOOST_TEST(contains(fetched, R"("instanceId":"i-1")"));
  BOOST_TEST(!contains(fetched, R"("instanceId":"i-2")"));
  // Asked after its reply: the registration is there (the view reached the
  // reader before the reply left the registry actor).
  BOOST_TEST(contains(body(read_kind::all_apps), R"("instanceId":"i-2")"));
}

BOOST_AUTO_TEST_CASE(a_view_counts_only_from_the_routed_actor) {
  reg.retention_time_in_delta_queue_ms = 60000;
  reg.delta_retention_timer_interval_ms = 10000;
  start();
  do_register(make("i-1"));
  auto old_actor = app_actors().at(0);
  do_cancel("APP", "i-1");
  advance(80s, 10s); // empty for the retention: retired, its view dropped
  BOOST_TEST(app_actors().empty());
  BOOST_TEST(!alive(old_actor));
  BOOST_TEST((read(read_kind::app, "APP").outcome == read_outcome::not_found));
  // The application again: a new actor, a new view.
  do_register(make("i-2"));
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("instanceId":"i-2")"));
  BOOST_TEST(stats().instances == 1u);
  // A view from anyone else (here: the test, publishing an empty APP) is
  // ignored.
  app_view_update stray;
  stray.view = make_app_view("APP", {}, {});
  log::set_level(log::level::off); // its error line is expected
  self->send(reader(), view_atom::value, stray);
  sched.run();
  log::set_level(log::level::warn);
  BOOST_TEST(stats().instances == 1u);
  BOOST_TEST(contains(body(read_kind::app, "APP"), R"("instanceId":"i-2")"));
}

namespace {
int trims = 0;
} // namespace

BOOST_AUTO_TEST_CASE(free_memory_is_released_at_the_retention_tick_after_large_reads) {
  reg.delta_retention_timer_interval_ms = 10000;
  trims = 0;
  placement.release_free_memory = [] { ++trims; };
  placement.trim_after_reply_bytes = 2000;
  start();
  do_register(make("i-1"));
  advance(10s, 1s);
  BOOST_TEST(trims == 0); // nothing read yet
  auto small = body(read_kind::app, "APP");
  BOOST_TEST_REQUIRE(small.size() < 2000u);
  advance(10s, 1s);
  BOOST_TEST(trims == 0); // replies below the threshold
  for (int i = 0; i < 4; ++i)
    body(read_kind::all_apps);
  BOOST_TEST(trims == 0); // only at the tick
  advance(10s, 1s);
  BOOST_TEST(trims == 1);
  advance(20s, 1s);
  BOOST_TEST(trims == 1); // nothing read since
}

BOOST_AUTO_TEST_SUITE_END()

// -- the reader on a thread of its own (as in the node) -------------------------

namespace {

struct threaded_config : caf::actor_system_config {
  threaded_config() {
    set("scheduler.max-threads", size_t{2});
    register_message_types(*this);
  }
};

/// The nice values of this process's threads, from /proc (Linux).
std::vector<int> thread_nice_values() {
  std::vector<int> out;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
    // Fields after the command name (which may hold spaces, in parentheses):
    // state is field 3, nice field 19.
    auto close = stat.rfind(')');
    if (close == std::string::npos)
      continue;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i)
      if (i == 19)
        out.push_back(std::stoi(field));
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(the_reader_on_its_own_thread_serves_reads_at_its_nice_value) {
  log::set_level(log::level::warn);
  auto before = thread_nice_values();
  BOOST_REQUIRE(std::count(before.begin(), before.end(), 7) == 0);
  threaded_config cfg;
  caf::actor_system sys{cfg};
  {
    caf::scoped_actor self{sys};
    registry_config reg;
    auto dir = sys.spawn(directory, reg, make_time_anchor(sys), reader_placement{true, 7});
    instance_info x;
    x.instance_id = "i-1";
    x.host_name = "host-1";
    x.app = "APP";
    x.ip_addr = "10.0.0.1";
    write_outcome outcome = write_outcome::rejected;
    self->request(dir, std::chrono::seconds(10), register_cmd{x, false})
        .receive([&](write_reply& r) { outcome = r.outcome; },
                 [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
    BOOST_TEST((outcome == write_outcome::ok));
    std::string fetched;
    self->request(
            dir, std::chrono::seconds(10),
            read_query{read_kind::all_apps, "", payload_format::json, false, representation::full})
        .receive([&](read_reply& r) { fetched = r.body.str(); },
                 [&](caf::error& err) { BOOST_FAIL(sys.render(err)); });
    BOOST_TEST(fetched.find(R"("instanceId":"i-1")") != std::string::npos);
    // Exactly one thread runs at the reader's nice value: the reader's own.
    auto during = thread_nice_values();
    BOOST_TEST(std::count(during.begin(), during.end(), 7) == 1);
    caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
  }
}
