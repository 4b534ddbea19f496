// The registry actors on CAF's test coordinator, for the actor suites
// (actors_test, admin_reports_test): a directory and an eviction actor over
// a deterministic clock, and helpers to talk to them.
#pragma once

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

#include "actors/directory.hpp"
#include "actors/eviction.hpp"
#include "common/log.hpp"
#include "messages/interfaces.hpp"
#include "messages/registry_stats.hpp"

namespace eureka::test {

using namespace std::chrono_literals;

constexpr int64_t epoch = 1700000000000;

struct test_config : caf::actor_system_config {
  test_config() {
    set("scheduler.policy", caf::atom("testing"));
    register_message_types(*this);
  }
};

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scheduler::test_coordinator& sched =
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  caf::scoped_actor self{sys, true};
  registry_config reg;
  /// Where the directory's reader runs (on the test coordinator: never on a
  /// thread of its own here) and its memory hook.
  reader_placement placement;
  directory_actor dir;
  eviction_actor evictor;

  void start(uint64_t seed = 42) {
    log::set_level(log::level::warn);
    time_anchor anchor{epoch, sched.clock().now()};
    dir = sys.spawn(directory, reg, anchor, placement);
    evictor = sys.spawn(eviction, reg, anchor, dir, seed);
    sched.run();
  }

  ~fixture() {
    if (dir)
      caf::anon_send_exit(dir, caf::exit_reason::user_shutdown);
    if (evictor)
      caf::anon_send_exit(evictor, caf::exit_reason::user_shutdown);
    sched.run();
  }

  int64_t now() const {
    return epoch
           + std::chrono::duration_cast<std::chrono::milliseconds>(
                 sched.clock().now().time_since_epoch())
                 .count();
  }

  /// Advances the clock in steps, letting every timer fire and every actor
  /// react at each step.
  void advance(std::chrono::milliseconds total, std::chrono::milliseconds step = 500ms) {
    for (auto done = 0ms; done < total; done += step) {
      sched.clock().advance_time(step);
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

  instance_info make(std::string id, std::string app = "APP", int duration_secs = 90) {
    instance_info x;
    x.instance_id = id;
    x.host_name = "host-" + id;
    x.app = app;
    x.ip_addr = "10.0.0.1";
    x.vip_address = std::string{"vip-a,vip-b"};
    x.secure_vip_address = std::string{"svip"};
    x.lease.duration_secs = duration_secs;
    x.last_dirty_timestamp = 100;
    return x;
  }

  write_outcome do_register(instance_info x) {
    return ask<write_reply>(dir, register_cmd{std::move(x), false}).outcome;
  }

  write_outcome do_renew(const std::string& app, const std::string& id) {
    return ask<write_reply>(dir, renew_cmd{app, id, false, caf::none, caf::none}).outcome;
  }

  write_outcome do_cancel(const std::string& app, const std::string& id) {
    return ask<write_reply>(dir, cancel_cmd{app, id, false, caf::none}).outcome;
  }

  read_reply read(read_kind kind, std::string name = "",
                  payload_format format = payload_format::json, bool gzip = false,
                  representation repr = representation::full) {
    return ask<read_reply>(dir, read_query{kind, std::move(name), format, gzip, repr});
  }

  std::string compact(read_kind kind, std::string name = "",
                      payload_format format = payload_format::json) {
    auto r = read(kind, std::move(name), format, false, representation::compact);
    BOOST_REQUIRE(r.outcome == read_outcome::ok);
    BOOST_REQUIRE(!r.body.empty());
    return r.body.str();
  }

  std::string body(read_kind kind, std::string name = "",
                   payload_format format = payload_format::json) {
    auto r = read(kind, std::move(name), format);
    BOOST_REQUIRE(r.outcome == read_outcome::ok);
    BOOST_REQUIRE(!r.body.empty());
    return r.body.str();
  }

  registry_stats stats() { return ask<registry_stats>(dir, stats_atom::value); }

  /// The registry actors the directory routes to (what eviction sweeps).
  std::vector<app_registry_actor> app_actors() {
    return ask<std::vector<app_registry_actor>>(dir, apps_atom::value);
  }

  /// Whether `a` still answers a request (a stopped actor's mailbox bounces it).
  bool alive(const app_registry_actor& a) {
    auto handle = self->request(a, caf::infinite, sweep_atom::value, int64_t{0});
    sched.run();
    bool answered = false;
    handle.receive([&](sweep_report&) { answered = true; }, [&](caf::error&) {});
    return answered;
  }

  /// Runs only `a` until it has nothing left to do (other actors wait).
  template <class Handle>
  void run_only(const Handle& a) {
    auto job = dynamic_cast<caf::resumable*>(caf::actor_cast<caf::abstract_actor*>(a));
    sched.run_jobs_filtered([&](caf::resumable* r) { return r == job; });
  }

  /// The reader the directory spawned (from the directory's state: the
  /// test runs in the same process and only reads the handle).
  reader_actor reader() {
    using impl = caf::stateful_actor<directory_state, directory_actor::base>;
    auto d = dynamic_cast<impl*>(caf::actor_cast<caf::abstract_actor*>(dir));
    BOOST_REQUIRE(d != nullptr);
    return d->state.reader;
  }

  /// Whether job `r` is an actor named `name` (its state's name).
  static bool named(caf::resumable* r, std::string_view name) {
    auto actor = dynamic_cast<caf::scheduled_actor*>(r);
    return actor != nullptr && name == actor->name();
  }

  /// Runs every actor but those named `name` until nothing else is left to
  /// do; returns whether one of them has work waiting.
  bool run_all_but(std::string_view name) {
    sched.run_jobs_filtered([&](caf::resumable* r) { return !named(r, name); });
    return std::any_of(sched.jobs.begin(), sched.jobs.end(),
                       [&](caf::resumable* r) { return named(r, name); });
  }
};

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

} // namespace eureka::test
