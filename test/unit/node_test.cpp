// The node assembly: start/stop pairing and the watchdog that reports a core
// actor stopping while the node runs.
#define BOOST_TEST_MODULE node
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>

#include <caf/all.hpp>

#include "apps/node.hpp"
#include "common/log.hpp"

using namespace eureka;

namespace {

struct fixture {
  node_config cfg;
  caf::actor_system_config sys_cfg;

  fixture() {
    log::set_level(log::level::off);
    cfg.gateway.port = 0;
    cfg.gateway.bind_address = "127.0.0.1";
    configure_actor_system(sys_cfg, cfg);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_stopped_core_actor_is_reported, fixture) {
  caf::actor_system sys{sys_cfg};
  std::promise<void> failed;
  node n{sys, cfg, [&] { failed.set_value(); }};
  BOOST_REQUIRE(!n.start());
  BOOST_TEST(n.port() != 0);
  caf::anon_send_exit(n.directory(), caf::exit_reason::kill);
  BOOST_TEST((failed.get_future().wait_for(std::chrono::seconds(30)) == std::future_status::ready));
  n.stop();
}

BOOST_FIXTURE_TEST_CASE(a_clean_stop_is_not_a_failure, fixture) {
  caf::actor_system sys{sys_cfg};
  bool failed = false;
  {
    node n{sys, cfg, [&] { failed = true; }};
    BOOST_REQUIRE(!n.start());
    n.stop();
    n.stop(); // idempotent
  }
  sys.await_all_actors_done();
  BOOST_TEST(!failed);
}

BOOST_FIXTURE_TEST_CASE(a_taken_port_fails_start_cleanly, fixture) {
  caf::actor_system sys{sys_cfg};
  node first{sys, cfg};
  BOOST_REQUIRE(!first.start());
  auto taken = cfg;
  taken.gateway.port = first.port();
  node second{sys, taken};
  BOOST_TEST(static_cast<bool>(second.start()));
  first.stop();
}
