// Node configuration: every documented key parses, precedence is
// flag > environment > file > default, and bad values are refused.
#define BOOST_TEST_MODULE node_config
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "apps/node_config.hpp"
#include "http_gateway/router.hpp"

using namespace eureka;

namespace {

struct fake_env {
  std::map<std::string, std::string> vars;
  std::function<const char*(const char*)> fn() {
    return [this](const char* name) -> const char* {
      auto i = vars.find(name);
      return i == vars.end() ? nullptr : i->second.c_str();
    };
  }
};

std::string write_file(const std::string& text) {
  char path[] = "/tmp/caf-eureka-config-XXXXXX";
  int fd = mkstemp(path);
  BOOST_REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream out{path};
  out << text;
  return path;
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_match_the_documented_ones) {
  fake_env env;
  auto r = load_node_config({}, env.fn());
  BOOST_TEST(r.error.empty());
  const auto& c = r.config;
  BOOST_TEST(c.gateway.port == 8761);
  BOOST_TEST(c.registry.enable_self_preservation);
  BOOST_TEST(c.registry.eviction_interval_ms == 60000);
  BOOST_TEST(c.registry.renewal_percent_threshold == 0.85);
  BOOST_TEST(c.registry.expected_client_renewal_interval_secs == 30);
  BOOST_TEST(c.registry.retention_time_in_delta_queue_ms == 180000);
  BOOST_TEST(c.registry.delta_retention_timer_interval_ms == 30000);
  BOOST_TEST(!c.registry.disable_delta);
  BOOST_TEST(!c.registry.legacy_lease_expiry);
  BOOST_TEST(!c.registry.use_read_only_response_cache);
  BOOST_TEST(c.registry.response_cache_update_interval_ms == 30000);
}

BOOST_AUTO_TEST_CASE(every_issue_key_is_settable_on_the_command_line) {
  fake_env env;
  auto r = load_node_config({"--server.port=9000", "--eureka.server.enable-self-preservation=false",
                             "--eureka.server.eviction-interval-timer-in-ms=1000",
                             "--eureka.server.renewal-percent-threshold=0.5",
                             "--eureka.server.expected-client-renewal-interval-seconds=10",
                             "--eureka.server.retention-time-in-m-s-in-delta-queue=60000",
                             "--eureka.server.delta-retention-timer-interval-in-ms=5000",
                             "--eureka.server.disable-delta=true",
                             "--eureka.server.legacy-lease-expiry=true",
                             "--eureka.server.use-read-only-response-cache=true",
                             "--eureka.server.response-cache-update-interval-ms=2000"},
                            env.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  const auto& c = r.config;
  BOOST_TEST(c.gateway.port == 9000);
  BOOST_TEST(!c.registry.enable_self_preservation);
  BOOST_TEST(c.registry.eviction_interval_ms == 1000);
  BOOST_TEST(c.registry.renewal_percent_threshold == 0.5);
  BOOST_TEST(c.registry.expected_client_renewal_interval_secs == 10);
  BOOST_TEST(c.registry.retention_time_in_delta_queue_ms == 60000);
  BOOST_TEST(c.registry.delta_retention_timer_interval_ms == 5000);
  BOOST_TEST(c.registry.disable_delta);
  BOOST_TEST(c.registry.legacy_lease_expiry);
  BOOST_TEST(c.registry.use_read_only_response_cache);
  BOOST_TEST(c.registry.response_cache_update_interval_ms == 2000);
}

BOOST_AUTO_TEST_CASE(precedence_flag_over_env_over_file_over_default) {
  auto file = write_file("# comment\nserver.port=1111\neureka.server.disable-delta: true\n"
                         "eureka.server.eviction-interval-timer-in-ms = 3000\n");
  fake_env env;
  env.vars["CAF_EUREKA_CONFIG_FILE"] = file;
  env.vars["SERVER_PORT"] = "2222";
  env.vars["EUREKA_SERVER_EVICTION_INTERVAL_TIMER_IN_MS"] = "4000";
  auto r = load_node_config({"--server.port=3333"}, env.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  BOOST_TEST(r.config.gateway.port == 3333);                  // flag
  BOOST_TEST(r.config.registry.eviction_interval_ms == 4000); // env beats file
  BOOST_TEST(r.config.registry.disable_delta);                // file beats default
  auto no_flag = load_node_config({}, env.fn());
  BOOST_TEST(no_flag.config.gateway.port == 2222);
  std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(spring_canonical_env_names) {
  auto names = env_names("eureka.server.enable-self-preservation");
  BOOST_REQUIRE_EQUAL(names.size(), 2u);
  BOOST_TEST(names[0] == "EUREKA_SERVER_ENABLESELFPRESERVATION");
  BOOST_TEST(names[1] == "EUREKA_SERVER_ENABLE_SELF_PRESERVATION");
  fake_env env;
  env.vars["EUREKA_SERVER_ENABLESELFPRESERVATION"] = "false";
  BOOST_TEST(!load_node_config({}, env.fn()).config.registry.enable_self_preservation);
}

BOOST_AUTO_TEST_CASE(bad_values_and_unknown_keys_are_refused) {
  fake_env env;
  for (auto arg : {"--server.port=70000", "--server.port=abc", "--nope=1",
                   "--eureka.server.enable-self-preservation=yes",
                   "--eureka.server.renewal-percent-threshold=1.5",
                   "--eureka.server.renewal-percent-threshold=x",
                   "--eureka.server.eviction-interval-timer-in-ms=0", "--logging.level=loud",
                   "positional", "--eureka.gateway.base-paths=eureka"}) {
    auto r = load_node_config({arg}, env.fn());
    BOOST_TEST(!r.error.empty(), arg);
  }
  env.vars["SERVER_PORT"] = "x";
  BOOST_TEST(!load_node_config({}, env.fn()).error.empty());
  auto file = write_file("server.port=1\nbogus.key=1\n");
  BOOST_TEST(load_node_config({"--config-file=" + file}, fake_env{}.fn()).error.find("bogus")
             != std::string::npos);
  std::remove(file.c_str());
  BOOST_TEST(!load_node_config({"--config-file=/nonexistent/x.properties"}, fake_env{}.fn())
                  .error.empty());
}

BOOST_AUTO_TEST_CASE(help_lists_every_key_with_its_default) {
  auto text = help_text();
  for (const auto& opt : node_options())
    BOOST_TEST(text.find(opt.key) != std::string::npos, opt.key);
  BOOST_TEST(text.find("default: 8761") != std::string::npos);
  BOOST_TEST(load_node_config({"--help"}, fake_env{}.fn()).show_help);
}

BOOST_AUTO_TEST_CASE(dump_config_round_trips_through_a_file) {
  fake_env env;
  auto changed =
      load_node_config({"--server.port=4444", "--eureka.server.disable-delta=true"}, env.fn());
  auto file = write_file(dump_config(changed.config));
  auto reread = load_node_config({"--config-file=" + file}, env.fn());
  BOOST_TEST_REQUIRE(reread.error.empty(), reread.error);
  BOOST_TEST(dump_config(reread.config) == dump_config(changed.config));
  std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(dirty_timestamp_skew_key) {
  BOOST_TEST(load_node_config({}, fake_env{}.fn()).config.gateway.max_dirty_timestamp_skew_ms
             == 600000);
  auto r = load_node_config({"--eureka.server.max-dirty-timestamp-skew-ms=0"}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  BOOST_TEST(r.config.gateway.max_dirty_timestamp_skew_ms == 0);
  fake_env env;
  env.vars["EUREKA_SERVER_MAXDIRTYTIMESTAMPSKEWMS"] = "5000";
  BOOST_TEST(load_node_config({}, env.fn()).config.gateway.max_dirty_timestamp_skew_ms == 5000);
  BOOST_TEST(!load_node_config({"--eureka.server.max-dirty-timestamp-skew-ms=-1"}, fake_env{}.fn())
                  .error.empty());
}

// Issue 6 item 8: every instance that may register must stay addressable, so
// a header limit too small for the longest request naming one (or a base
// path too long for the limit) stops the node at load.
BOOST_AUTO_TEST_CASE(header_limit_must_address_every_registrable_instance) {
  auto need = gateway::longest_request_line("/eureka") + gateway::ordinary_header_bytes;
  auto with_header_bytes = [](size_t n) {
    return load_node_config({"--eureka.gateway.max-header-bytes=" + std::to_string(n)},
                            fake_env{}.fn());
  };
  BOOST_TEST(with_header_bytes(need).error.empty());
  auto r = with_header_bytes(need - 1);
  BOOST_TEST(r.error.find("eureka.gateway.max-header-bytes: " + std::to_string(need - 1)
                          + " cannot address every instance")
                 == 0u,
             r.error);
  BOOST_TEST(r.error.find("at least " + std::to_string(need) + " needed") != std::string::npos);
  BOOST_TEST(!with_header_bytes(4096).error.empty());
  // Base paths count too, each of them.
  std::string long_base = "/" + std::string(16384, 'b');
  r = load_node_config({"--eureka.gateway.base-paths=/eureka," + long_base}, fake_env{}.fn());
  BOOST_TEST(r.error.find("cannot address every instance") != std::string::npos, r.error);
  r = load_node_config({"--eureka.gateway.base-paths=/eureka," + long_base,
                        "--eureka.gateway.max-header-bytes=65536"},
                       fake_env{}.fn());
  BOOST_TEST(r.error.empty(), r.error);
  // The default leaves room.
  BOOST_TEST(load_node_config({}, fake_env{}.fn()).error.empty());
}
