// Replication without sockets: the pure rules (peer queue, back-off, the
// execution of replicated items and the sender's follow-ups), what registry
// actors publish to the replication actor, digests and exports, and the
// peer frontend — all on CAF's test coordinator, so every timer fires only
// when a test advances the clock.
#define BOOST_TEST_MODULE cluster_replication
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/directory.hpp"
#include "cluster/peer_frontend.hpp"
#include "cluster/peer_queue.hpp"
#include "cluster/replication_rules.hpp"
#include "cluster/self_registration.hpp"
#include "common/log.hpp"
#include "messages/interfaces.hpp"

using namespace eureka;
using namespace eureka::cluster;
using namespace std::chrono_literals;

namespace {

constexpr int64_t epoch = 1700000000000;

replication_item item(replication_action a, std::string app, std::string id) {
  replication_item x;
  x.action = a;
  x.app = std::move(app);
  x.id = std::move(id);
  return x;
}

instance_info make(std::string id, std::string app = "APP") {
  instance_info x;
  x.instance_id = id;
  x.host_name = "host-" + id;
  x.app = std::move(app);
  x.ip_addr = "10.0.0.1";
  x.last_dirty_timestamp = epoch + 100;
  return x;
}

} // namespace

namespace eureka {

std::ostream& operator<<(std::ostream& os, replication_action a) {
  return os << to_string(a);
}

} // namespace eureka

// -- peer queue ---------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(queue)

BOOST_AUTO_TEST_CASE(writes_keep_their_order_and_batches_their_bound) {
  peer_queue q{2, 1 << 20};
  q.push(item(replication_action::register_instance, "A", "1"), 10);
  q.push(item(replication_action::cancel, "A", "1"), 11);
  q.push(item(replication_action::register_instance, "A", "1"), 12);
  BOOST_TEST(q.size() == 3u);
  BOOST_TEST(q.oldest_ms() == 10);
  auto first = q.cut_batch();
  BOOST_TEST_REQUIRE(first.size() == 2u);
  BOOST_TEST(first[0].action == replication_action::register_instance);
  BOOST_TEST(first[1].action == replication_action::cancel);
  auto second = q.cut_batch();
  BOOST_TEST_REQUIRE(second.size() == 1u);
  BOOST_TEST(second[0].action == replication_action::register_instance);
  BOOST_TEST(q.empty());
  BOOST_TEST(q.bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(renewals_are_coalesced_per_instance_until_the_tick) {
  peer_queue q{100, 1 << 20};
  for (int i = 0; i < 3; ++i) {
    auto beat = item(replication_action::heartbeat, "A", "1");
    beat.last_dirty_timestamp = i;
    q.note_heartbeat(beat);
  }
  q.note_heartbeat(item(replication_action::heartbeat, "A", "2"));
  BOOST_TEST(q.empty()); // nothing goes out before the tick
  BOOST_TEST(q.pending_heartbeats() == 2u);
  BOOST_TEST(q.coalesced_total() == 2u);
  q.flush_heartbeats(5);
  auto batch = q.cut_batch();
  BOOST_TEST_REQUIRE(batch.size() == 2u);
  BOOST_TEST(batch[0].id == "1");
  BOOST_TEST(*batch[0].last_dirty_timestamp == 2); // the latest one
  BOOST_TEST(q.pending_heartbeats() == 0u);
  q.count_coalesced(10);
  BOOST_TEST(q.coalesced_total() == 12u);
}

BOOST_AUTO_TEST_CASE(an_overflow_drops_the_queue_and_says_so_once) {
  auto one = item(replication_action::register_instance, "A", "1");
  one.info = make("1");
  auto size = approx_bytes(one);
  peer_queue q{100, size * 2};
  q.note_heartbeat(item(replication_action::heartbeat, "A", "9"));
  q.push(one, 1);
  q.push(one, 2);
  BOOST_TEST(!q.take_overflow());
  q.push(one, 3); // beyond the bound
  BOOST_TEST(q.empty());
  BOOST_TEST(q.bytes() == 0u);
  BOOST_TEST(q.take_overflow());
  BOOST_TEST(!q.take_overflow());
  BOOST_TEST(q.overflows_total() == 1u);
  // Coalesced renewals describe the present: they survive.
  BOOST_TEST(q.pending_heartbeats() == 1u);
}

BOOST_AUTO_TEST_CASE(unacknowledged_batches_go_back_in_front_in_order) {
  peer_queue q{10, 1 << 20};
  q.push(item(replication_action::cancel, "A", "3"), 1);
  q.requeue_front({item(replication_action::register_instance, "A", "1"),
                   item(replication_action::register_instance, "A", "2")},
                  2);
  auto batch = q.cut_batch();
  BOOST_TEST_REQUIRE(batch.size() == 3u);
  BOOST_TEST(batch[0].id == "1");
  BOOST_TEST(batch[1].id == "2");
  BOOST_TEST(batch[2].id == "3");
}

BOOST_AUTO_TEST_CASE(a_catch_up_beyond_the_bound_survives_the_next_write) {
  auto one = item(replication_action::register_instance, "A", "1");
  one.info = make("1");
  auto size = approx_bytes(one);
  peer_queue q{1000, size * 2};
  // A catch-up five times the bound goes back in front ...
  q.requeue_front(std::vector<replication_item>(5, one), 1);
  // ... and the writes after it still fit: nothing overflows or is wiped.
  q.push(item(replication_action::cancel, "A", "2"), 2);
  BOOST_TEST(!q.take_overflow());
  BOOST_TEST(q.size() == 6u);
  // Renewals wait (coalesced) while the bounded part is full.
  peer_queue full{1000, size};
  full.push(one, 3);
  full.note_heartbeat(item(replication_action::heartbeat, "A", "1"));
  full.flush_heartbeats(4);
  BOOST_TEST(full.size() == 1u);
  BOOST_TEST(full.pending_heartbeats() == 1u);
  full.cut_batch();
  full.flush_heartbeats(5);
  BOOST_TEST(full.size() == 1u);
  BOOST_TEST(full.pending_heartbeats() == 0u);
}

BOOST_AUTO_TEST_CASE(backoff_doubles_up_to_its_maximum_and_resets) {
  backoff b{100, 500};
  BOOST_TEST(b.next() == 100);
  BOOST_TEST(b.next() == 200);
  BOOST_TEST(b.next() == 400);
  BOOST_TEST(b.next() == 500);
  BOOST_TEST(b.next() == 500);
  b.reset();
  BOOST_TEST(b.next() == 100);
}

BOOST_AUTO_TEST_SUITE_END()

// -- execution and follow-ups (contract §1.5 E14, §5.2) -------------------------

BOOST_AUTO_TEST_SUITE(rules)

BOOST_AUTO_TEST_CASE(items_become_replicated_commands) {
  auto reg = item(replication_action::register_instance, "A", "1");
  reg.info = make("1", "A");
  auto cmd = command_of(reg);
  BOOST_TEST_REQUIRE(static_cast<bool>(cmd));
  auto r = std::get_if<register_cmd>(&*cmd);
  BOOST_TEST_REQUIRE(r != nullptr);
  BOOST_TEST(r->is_replication);
  BOOST_TEST(!r->adopt_override);
  BOOST_TEST(r->info.id() == "1");

  auto beat = item(replication_action::heartbeat, "A", "1");
  beat.last_dirty_timestamp = 7;
  beat.overridden_status = instance_status::out_of_service;
  auto renew = std::get<renew_cmd>(*command_of(beat));
  BOOST_TEST(renew.is_replication);
  BOOST_TEST(*renew.last_dirty_timestamp == 7);
  BOOST_TEST((*renew.overridden_status == instance_status::out_of_service));

  auto cancel = std::get<cancel_cmd>(*command_of(item(replication_action::cancel, "A", "1")));
  BOOST_TEST(cancel.is_replication);

  auto set = item(replication_action::status_update, "A", "1");
  set.status = instance_status::down;
  auto s = std::get<status_cmd>(*command_of(set));
  BOOST_TEST(!s.remove);
  BOOST_TEST(s.is_replication);
  BOOST_TEST((s.value == instance_status::down));

  auto del = item(replication_action::delete_status_override, "A", "1");
  del.last_dirty_timestamp = 9;
  auto d = std::get<status_cmd>(*command_of(del));
  BOOST_TEST(d.remove);
  BOOST_TEST((d.value == instance_status::unknown)); // no status: UNKNOWN, as Java
}

BOOST_AUTO_TEST_CASE(items_missing_what_their_action_needs_fail) {
  BOOST_TEST(!command_of(item(replication_action::register_instance, "A", "1")));
  BOOST_TEST(!command_of(item(replication_action::status_update, "A", "1")));
  BOOST_TEST(!command_of(item(replication_action::delete_status_override, "A", "1")));
  BOOST_TEST(failed_item().status_code == 500);
}

BOOST_AUTO_TEST_CASE(what_a_peer_sends_is_checked_like_a_client_body) {
  auto good = item(replication_action::register_instance, "app", "1");
  good.info = make("1", "app");
  good.info->app = "app";
  BOOST_TEST(check_peer_item(good) == "");
  BOOST_TEST(good.app == "APP"); // upper-cased, like a path's app name
  BOOST_TEST(good.info->app == "APP");
  auto bad_status = item(replication_action::heartbeat, "APP", "1");
  bad_status.status = static_cast<instance_status>(200); // BASP does not range-check enums
  BOOST_TEST(check_peer_item(bad_status) == "status out of range");
  auto other_id = item(replication_action::register_instance, "APP", "2");
  other_id.info = make("1");
  BOOST_TEST(check_peer_item(other_id) != "");
  auto no_host = item(replication_action::register_instance, "APP", "1");
  no_host.info = make("1");
  no_host.info->host_name.clear();
  BOOST_TEST(check_peer_item(no_host) == "Missing hostname");
  auto bad_action = item(static_cast<replication_action>(9), "APP", "1");
  BOOST_TEST(check_peer_item(bad_action) == "action out of range");
  auto copy = make("1");
  copy.action = static_cast<action_type>(7);
  BOOST_TEST(check_peer_instance(copy) == "actionType out of range");
}

BOOST_AUTO_TEST_CASE(results_follow_the_e14_table) {
  using a = replication_action;
  write_reply ok{write_outcome::ok, caf::none};
  write_reply missing{write_outcome::not_found, caf::none};
  write_reply conflict{write_outcome::conflict, make("1")};
  write_reply refused{write_outcome::over_capacity, caf::none};
  BOOST_TEST(result_of(a::register_instance, refused).status_code == 200); // always
  BOOST_TEST(result_of(a::heartbeat, ok).status_code == 200);
  BOOST_TEST(result_of(a::heartbeat, missing).status_code == 404);
  auto c = result_of(a::heartbeat, conflict);
  BOOST_TEST(c.status_code == 409);
  BOOST_TEST_REQUIRE(static_cast<bool>(c.entity));
  BOOST_TEST(c.entity->id() == "1");
  BOOST_TEST(result_of(a::cancel, missing).status_code == 404);
  BOOST_TEST(result_of(a::status_update, ok).status_code == 200);
  BOOST_TEST(result_of(a::delete_status_override, missing).status_code == 404);
  BOOST_TEST(result_of(a::status_update, refused).status_code == 500);
}

BOOST_AUTO_TEST_CASE(senders_follow_up_as_java_peers_do) {
  using a = replication_action;
  auto beat = item(a::heartbeat, "A", "1");
  BOOST_TEST((follow_up_of(beat, {200, caf::none}) == follow_up::none));
  BOOST_TEST((follow_up_of(beat, {404, caf::none}) == follow_up::send_register));
  BOOST_TEST((follow_up_of(beat, {409, make("1")}) == follow_up::adopt_entity));
  BOOST_TEST((follow_up_of(beat, {409, caf::none}) == follow_up::log_failure));
  BOOST_TEST((follow_up_of(item(a::cancel, "A", "1"), {404, caf::none}) == follow_up::none));
  BOOST_TEST(
      (follow_up_of(item(a::status_update, "A", "1"), {404, caf::none}) == follow_up::log_failure));
  auto adopt = adoption_of(make("1"));
  BOOST_TEST(adopt.is_replication);
  BOOST_TEST(adopt.adopt_override);
}

BOOST_AUTO_TEST_CASE(of_two_nodes_one_opens_the_link_the_other_uses_it) {
  auto a = std::string{"BFFADF3AC9F1142F6446CA706C9BB0F69B114400#26292"};
  auto b = std::string{"BFFADF3AC9F1142F6446CA706C9BB0F69B114400#26294"};
  // Both compare the same two ids: exactly one opens at once.
  BOOST_TEST((plan_link(a, b, false, false) == link_plan::connect));
  BOOST_TEST((plan_link(b, a, false, false) == link_plan::await_offer));
  // The other opens its own only when no hello came within the grace period.
  BOOST_TEST((plan_link(b, a, false, true) == link_plan::connect));
  // An offer is always used: no second connection, whoever opened the first.
  BOOST_TEST((plan_link(a, b, true, false) == link_plan::use_offer));
  BOOST_TEST((plan_link(b, a, true, false) == link_plan::use_offer));
  BOOST_TEST((plan_link(b, a, true, true) == link_plan::use_offer));
  // Ids of different hosts order the same way on both.
  BOOST_TEST((plan_link("01#9", "FF#1", false, false) == link_plan::connect));
  BOOST_TEST((plan_link("FF#1", "01#9", false, false) == link_plan::await_offer));
}

BOOST_AUTO_TEST_CASE(the_grace_period_is_twice_the_first_back_off_at_least_a_second) {
  BOOST_TEST(offer_grace_ms(200) == 1000);
  BOOST_TEST(offer_grace_ms(500) == 1000);
  BOOST_TEST(offer_grace_ms(800) == 1600);
}

BOOST_AUTO_TEST_SUITE_END()

// -- actors on the test coordinator ------------------------------------------------

namespace {

struct test_config : caf::actor_system_config {
  test_config() {
    set("scheduler.policy", caf::atom("testing"));
    register_message_types(*this);
  }
};

/// What the fake replication actor received.
struct publications {
  std::vector<replication_item> items;
  uint64_t renewals = 0;
  size_t messages = 0;
};

replication_actor::behavior_type fake_replication(replication_actor::pointer,
                                                  std::shared_ptr<publications> out) {
  return {
      [=](replicate_atom, std::vector<replication_item>& items, uint64_t renewals) {
        ++out->messages;
        out->renewals += renewals;
        for (auto& x : items)
          out->items.push_back(std::move(x));
      },
      [](ready_atom) {
        return sync_status{true, "fake"};
      },
      [](peers_atom) { return std::vector<peer_status>{}; },
      [](metrics_atom) { return std::string{}; },
  };
}

/// What a fake replication actor was offered by a frontend.
struct offers_seen {
  std::vector<peer_offer> offers;
  std::vector<peer_frontend_actor> introductions;
};

peer_offer_actor::behavior_type fake_offer_sink(peer_offer_actor::pointer,
                                                std::shared_ptr<offers_seen> out) {
  return {
      [=](peer_offer& x) { out->offers.push_back(std::move(x)); },
      [=](frontend_atom, peer_frontend_actor& fe) { out->introductions.push_back(std::move(fe)); },
  };
}

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  registry_config reg;
  time_anchor anchor;
  directory_actor dir;
  std::shared_ptr<publications> published = std::make_shared<publications>();
  replication_actor repl;

  fixture() {
    log::set_level(log::level::warn);
    anchor = time_anchor{epoch, sched.clock().now()};
    reg.heartbeat_relay_interval_ms = 1000;
    dir = sys.spawn(directory, reg, anchor, reader_placement{});
    repl = sys.spawn(fake_replication, published);
    caf::anon_send(dir, cluster_atom::value, repl);
    sched.run();
  }

  ~fixture() {
    caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(repl, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void advance(std::chrono::milliseconds total) {
    for (auto done = 0ms; done < total; done += 250ms) {
      sched.clock().advance_time(250ms);
      sched.run();
    }
  }

  template <class Reply, class Handle, class... Ts>
  Reply ask(const Handle& dest, Ts&&... xs) {
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    Reply result{};
    bool answered = false;
    handle.receive(
        [&](Reply& r) {
          result = std::move(r);
          answered = true;
        },
        [&](caf::error& err) { BOOST_FAIL("request failed: " << sys.render(err)); });
    BOOST_REQUIRE(answered);
    return result;
  }

  /// Whether a request ends with an error (instead of a `Reply`).
  template <class Reply, class Handle, class... Ts>
  bool fails(const Handle& dest, Ts&&... xs) {
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    bool failed = false;
    handle.receive([&](Reply&) {}, [&](caf::error&) { failed = true; });
    return failed;
  }

  write_outcome write(register_cmd cmd) { return ask<write_reply>(dir, std::move(cmd)).outcome; }

  template <class Cmd>
  write_outcome write(Cmd cmd) {
    return ask<write_reply>(dir, std::move(cmd)).outcome;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(publication, fixture)

BOOST_AUTO_TEST_CASE(client_writes_are_published_replicated_ones_are_not) {
  BOOST_TEST((write(register_cmd{make("1"), false, false}) == write_outcome::ok));
  BOOST_TEST_REQUIRE(published->items.size() == 1u);
  auto& first = published->items[0];
  BOOST_TEST((first.action == replication_action::register_instance));
  BOOST_TEST(first.app == "APP");
  BOOST_TEST(first.id == "1");
  BOOST_TEST_REQUIRE(static_cast<bool>(first.info));
  BOOST_TEST(*first.last_dirty_timestamp == epoch + 100);
  BOOST_TEST((*first.status == instance_status::up));
  // A replicated write is applied but never replicated again.
  BOOST_TEST((write(register_cmd{make("2"), true, false}) == write_outcome::ok));
  BOOST_TEST((write(cancel_cmd{"APP", "2", true, caf::none}) == write_outcome::ok));
  BOOST_TEST(published->items.size() == 1u);
  // Status set and removal, metadata, cancel: each once, with Java's fields.
  status_cmd set{"APP", "1", instance_status::out_of_service, caf::none, false, false};
  BOOST_TEST((write(set) == write_outcome::ok));
  status_cmd del{"APP", "1", instance_status::unknown, caf::none, false, true};
  BOOST_TEST((write(del) == write_outcome::ok));
  BOOST_TEST((write(metadata_cmd{"APP", "1", {{"zone", "z1"}}}) == write_outcome::ok));
  BOOST_TEST((write(cancel_cmd{"APP", "1", false, caf::none}) == write_outcome::ok));
  // Writes that change nothing are not replicated.
  BOOST_TEST((write(cancel_cmd{"APP", "1", false, caf::none}) == write_outcome::not_found));
  BOOST_TEST_REQUIRE(published->items.size() == 5u);
  BOOST_TEST((published->items[1].action == replication_action::status_update));
  BOOST_TEST((*published->items[1].status == instance_status::out_of_service));
  BOOST_TEST((published->items[2].action == replication_action::delete_status_override));
  BOOST_TEST((*published->items[2].status == instance_status::unknown));
  BOOST_TEST((published->items[3].action == replication_action::register_instance));
  BOOST_TEST_REQUIRE(static_cast<bool>(published->items[3].info));
  BOOST_TEST(published->items[3].info->metadata.size() == 1u);
  BOOST_TEST((published->items[4].action == replication_action::cancel));
  BOOST_TEST(published->renewals == 0u);
}

BOOST_AUTO_TEST_CASE(renewals_are_relayed_once_per_tick_per_instance) {
  write(register_cmd{make("1"), false, false});
  write(register_cmd{make("2"), false, false});
  auto before = published->messages;
  published->items.clear();
  for (int i = 0; i < 5; ++i)
    BOOST_TEST((write(renew_cmd{"APP", "1", false, caf::none, caf::none}) == write_outcome::ok));
  write(renew_cmd{"APP", "2", false, caf::none, caf::none});
  // A replicated renewal is not relayed again.
  write(renew_cmd{"APP", "2", true, caf::none, caf::none});
  BOOST_TEST(published->messages == before); // nothing before the tick
  advance(1000ms);
  BOOST_TEST(published->messages == before + 1);
  BOOST_TEST_REQUIRE(published->items.size() == 2u);
  for (const auto& x : published->items) {
    BOOST_TEST((x.action == replication_action::heartbeat));
    BOOST_TEST(*x.last_dirty_timestamp == epoch + 100);
    BOOST_TEST((*x.status == instance_status::up));
    BOOST_TEST(!static_cast<bool>(x.overridden_status));
  }
  BOOST_TEST(published->renewals == 6u);
  // No renewals, no message.
  advance(3000ms);
  BOOST_TEST(published->messages == before + 1);
}

BOOST_AUTO_TEST_CASE(digests_compare_what_two_registries_hold) {
  auto other = sys.spawn(directory, reg, anchor, reader_placement{});
  sched.run();
  for (auto d : {dir, other}) {
    ask<write_reply>(d, register_cmd{make("1"), true, false});
    ask<write_reply>(d, register_cmd{make("2"), true, false});
    ask<write_reply>(d, register_cmd{make("x", "OTHER"), true, false});
  }
  auto ours = ask<registry_digest>(dir, digest_atom::value);
  auto theirs = ask<registry_digest>(other, digest_atom::value);
  BOOST_TEST_REQUIRE(ours.size() == 2u);
  BOOST_TEST(ours[0].app == "APP"); // ordered by name
  BOOST_TEST(ours[0].count == 2u);
  BOOST_TEST(ours[0].hash == theirs[0].hash);
  BOOST_TEST(ours[1].hash == theirs[1].hash);
  ask<write_reply>(other, status_cmd{"APP", "1", instance_status::down, caf::none, true, false});
  theirs = ask<registry_digest>(other, digest_atom::value);
  BOOST_TEST(ours[0].hash != theirs[0].hash);
  BOOST_TEST(ours[1].hash == theirs[1].hash);
  // Exports: every application, or the ones asked for.
  auto all = ask<registry_export>(dir, export_atom::value, std::vector<std::string>{});
  BOOST_TEST_REQUIRE(all.size() == 2u);
  BOOST_TEST(all[0].instances.size() == 2u);
  auto one =
      ask<registry_export>(dir, export_atom::value, std::vector<std::string>{"OTHER", "NOPE"});
  BOOST_TEST_REQUIRE(one.size() == 1u);
  BOOST_TEST(one[0].app == "OTHER");
  BOOST_TEST(one[0].instances[0].id() == "x");
  caf::anon_send_exit(other, caf::exit_reason::user_shutdown);
  sched.run();
}

BOOST_AUTO_TEST_CASE(a_peers_newer_copy_is_adopted_with_its_override) {
  write(register_cmd{make("1"), false, false});
  auto copy = make("1");
  copy.last_dirty_timestamp = epoch + 500;
  copy.status = instance_status::out_of_service;
  copy.overridden_status = instance_status::out_of_service;
  BOOST_TEST((write(adoption_of(copy)) == write_outcome::ok));
  auto overrides = ask<string_pairs>(dir, overrides_atom::value);
  BOOST_TEST_REQUIRE(overrides.size() == 1u);
  BOOST_TEST(overrides[0].second == "OUT_OF_SERVICE");
  auto exported = ask<registry_export>(dir, export_atom::value, std::vector<std::string>{});
  BOOST_TEST_REQUIRE(exported.size() == 1u);
  BOOST_TEST((exported[0].instances[0].status == instance_status::out_of_service));
  BOOST_TEST(exported[0].instances[0].last_dirty_timestamp == epoch + 500);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(frontend, fixture)

BOOST_AUTO_TEST_CASE(strangers_are_refused_members_are_served) {
  peer_frontend_config fcfg{"ring", "node-a", 600000};
  auto fe = sys.spawn(peer_frontend, fcfg, anchor, dir, peer_offer_actor{});
  sched.run();
  replication_batch batch;
  batch.seq = 7;
  auto add = item(replication_action::register_instance, "APP", "1");
  add.info = make("1");
  batch.items.push_back(add);
  // No hello yet: refused, nothing applied.
  BOOST_TEST(fails<replication_ack>(fe, batch));
  BOOST_TEST(fails<registry_digest>(fe, digest_atom::value));
  // Another cluster's hello is refused.
  BOOST_TEST(fails<peer_welcome>(
      fe, peer_hello{"other", "node-b", "http://b/", cluster_protocol_version, {}}));
  BOOST_TEST(fails<replication_ack>(fe, batch));
  BOOST_TEST(ask<registry_digest>(dir, digest_atom::value).empty());
  auto welcome = ask<peer_welcome>(
      fe, peer_hello{"ring", "node-b", "http://b/", cluster_protocol_version, {}});
  BOOST_TEST(welcome.cluster == "ring");
  BOOST_TEST(welcome.node_id == "node-a");
  // Now the batch runs, item by item, answered in order.
  auto beat_unknown = item(replication_action::heartbeat, "APP", "nope");
  beat_unknown.last_dirty_timestamp = epoch;
  auto beat_older = item(replication_action::heartbeat, "APP", "1");
  beat_older.last_dirty_timestamp = epoch; // ours (epoch + 100) is newer: 409
  auto far_ahead = item(replication_action::register_instance, "APP", "2");
  far_ahead.info = make("2");
  far_ahead.info->last_dirty_timestamp = epoch + 3600000; // beyond the skew bound
  batch.items.push_back(beat_unknown);
  batch.items.push_back(beat_older);
  batch.items.push_back(item(replication_action::cancel, "APP", "nope"));
  batch.items.push_back(far_ahead);
  batch.items.push_back(item(replication_action::status_update, "APP", "1")); // no status
  auto ack = ask<replication_ack>(fe, batch);
  BOOST_TEST(ack.seq == 7u);
  BOOST_TEST_REQUIRE(ack.results.size() == 6u);
  BOOST_TEST(ack.results[0].status_code == 200);
  BOOST_TEST(ack.results[1].status_code == 404);
  BOOST_TEST(ack.results[2].status_code == 409);
  BOOST_TEST_REQUIRE(static_cast<bool>(ack.results[2].entity));
  BOOST_TEST(ack.results[2].entity->last_dirty_timestamp == epoch + 100);
  BOOST_TEST(ack.results[3].status_code == 404);
  BOOST_TEST(ack.results[4].status_code == 500);
  BOOST_TEST(ack.results[5].status_code == 500);
  auto digest = ask<registry_digest>(fe, digest_atom::value);
  BOOST_TEST_REQUIRE(digest.size() == 1u);
  BOOST_TEST(digest[0].count == 1u); // "2" was refused
  // Applied as replications: nothing published for re-replication.
  BOOST_TEST(published->items.empty());
  caf::anon_send_exit(fe, caf::exit_reason::user_shutdown);
  sched.run();
}

BOOST_AUTO_TEST_CASE(a_callers_frontend_is_offered_to_this_nodes_replication) {
  auto seen = std::make_shared<offers_seen>();
  auto sink = sys.spawn(fake_offer_sink, seen);
  peer_frontend_config fcfg{"ring", "node-a", 600000};
  auto fe = sys.spawn(peer_frontend, fcfg, anchor, dir, sink);
  sched.run();
  // It introduces itself: the replication actor's hellos carry it.
  BOOST_TEST_REQUIRE(seen->introductions.size() == 1u);
  BOOST_TEST((seen->introductions[0] == fe));
  // A hello without a frontend, and one refused for its cluster name: no offer.
  ask<peer_welcome>(fe, peer_hello{"ring", "node-b", "http://b/", cluster_protocol_version, {}});
  BOOST_TEST(
      fails<peer_welcome>(fe, peer_hello{"other", "node-c", "http://c/", cluster_protocol_version,
                                         caf::actor_cast<caf::strong_actor_ptr>(sink)}));
  BOOST_TEST(seen->offers.empty());
  // With the caller's frontend (on the caller's node): offered, under the
  // node id CAF gives the caller, not the one its hello claims.
  auto caller_fe = sys.spawn(peer_frontend, fcfg, anchor, dir, peer_offer_actor{});
  ask<peer_welcome>(fe, peer_hello{"ring", "claimed", "http://b/", cluster_protocol_version,
                                   caf::actor_cast<caf::strong_actor_ptr>(caller_fe)});
  BOOST_TEST_REQUIRE(seen->offers.size() == 1u);
  BOOST_TEST(seen->offers[0].node_id == caf::to_string(sys.node()));
  BOOST_TEST((seen->offers[0].frontend == caf::actor_cast<caf::strong_actor_ptr>(caller_fe)));
  for (const auto& a : {caf::actor_cast<caf::actor>(fe), caf::actor_cast<caf::actor>(caller_fe),
                        caf::actor_cast<caf::actor>(sink)})
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  sched.run();
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(tombstones, fixture)

BOOST_AUTO_TEST_CASE(cancels_keep_stale_copies_out_and_spare_newer_registrations) {
  write(register_cmd{make("1"), false, false});
  // A stranger's cancel of an unknown id leaves nothing behind.
  write(cancel_cmd{"APP", "nope", true, caf::none});
  auto exported = ask<registry_export>(dir, export_atom::value, std::vector<std::string>{});
  BOOST_TEST_REQUIRE(exported.size() == 1u);
  BOOST_TEST(exported[0].cancelled.empty());
  advance(1000ms);
  BOOST_TEST((write(cancel_cmd{"APP", "1", false, caf::none}) == write_outcome::ok));
  // A peer's copy registered before that cancel does not come back ...
  auto stale = make("1");
  stale.lease.registration_timestamp = epoch + 10;
  BOOST_TEST((write(register_cmd{stale, true, false}) == write_outcome::ok));
  BOOST_TEST(ask<registry_digest>(dir, digest_atom::value).empty());
  // ... and the cancel is exported for catch-ups, with its time.
  exported = ask<registry_export>(dir, export_atom::value, std::vector<std::string>{});
  BOOST_TEST_REQUIRE(exported.size() == 1u);
  BOOST_TEST_REQUIRE(exported[0].cancelled.size() == 1u);
  auto cancelled_at = exported[0].cancelled[0].at_ms;
  // A copy registered after it does.
  advance(1000ms);
  auto fresh = make("1");
  fresh.lease.registration_timestamp = cancelled_at + 1;
  write(register_cmd{fresh, true, false});
  BOOST_TEST(ask<registry_digest>(dir, digest_atom::value).size() == 1u);
  // A re-sent cancel older than the registration here spares it; a cancel
  // time in the future counts as now (it cannot outlive the retention).
  advance(1000ms);
  BOOST_TEST((write(cancel_cmd{"APP", "1", true, cancelled_at}) == write_outcome::not_found));
  BOOST_TEST(ask<registry_digest>(dir, digest_atom::value).size() == 1u);
  BOOST_TEST((write(cancel_cmd{"APP", "1", true, int64_t{9000000000000000}}) == write_outcome::ok));
  exported = ask<registry_export>(dir, export_atom::value, std::vector<std::string>{});
  BOOST_TEST_REQUIRE(exported[0].cancelled.size() == 1u);
  BOOST_TEST(exported[0].cancelled[0].at_ms < int64_t{9000000000000000});
}

BOOST_AUTO_TEST_SUITE_END()

// -- this node's own registration ------------------------------------------------

BOOST_AUTO_TEST_CASE(a_node_registers_its_http_or_https_port) {
  cluster::self_identity me;
  me.app = "EUREKA";
  me.host_name = "eureka-1";
  me.ip = "10.0.0.5";
  me.port = 8761;
  me.base_path = "/eureka";
  auto plain = cluster::self_instance(me, 1000);
  BOOST_TEST(plain.id() == "eureka-1:eureka:8761");
  BOOST_TEST(plain.port.port == 8761);
  BOOST_TEST(plain.port.enabled);
  BOOST_TEST(!plain.secure_port.enabled);
  BOOST_TEST(*plain.status_page_url == "http://eureka-1:8761/eureka/status");
  me.https = true;
  auto secure = cluster::self_instance(me, 1000);
  BOOST_TEST(secure.id() == plain.id());
  BOOST_TEST(!secure.port.enabled);
  BOOST_TEST(secure.secure_port.enabled);
  BOOST_TEST(secure.secure_port.port == 8761);
  BOOST_TEST(*secure.health_check_url == "https://eureka-1:8761/health");
}
