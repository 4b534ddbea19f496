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
#include "cluster/tls_settings.hpp"
#include "http_gateway/router.hpp"
#include "tls_test_certs.hpp"

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
  BOOST_TEST(c.malloc_mmap_threshold_bytes == 65536);
  BOOST_TEST(c.reader_thread);
  BOOST_TEST(c.reader_nice == 10);
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
  for (auto arg :
       {"--server.port=70000", "--server.port=abc", "--nope=1",
        "--eureka.server.enable-self-preservation=yes",
        "--eureka.server.renewal-percent-threshold=1.5",
        "--eureka.server.renewal-percent-threshold=x",
        "--eureka.server.eviction-interval-timer-in-ms=0", "--logging.level=loud", "positional",
        "--eureka.gateway.base-paths=eureka", "--node.malloc-mmap-threshold-bytes=-1",
        "--node.malloc-mmap-threshold-bytes=33554433", "--node.reader-nice=-1",
        "--node.reader-nice=20", "--node.reader-thread=maybe"}) {
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

BOOST_AUTO_TEST_CASE(malloc_mmap_threshold_key) {
  fake_env env;
  auto off = load_node_config({"--node.malloc-mmap-threshold-bytes=0"}, env.fn());
  BOOST_TEST_REQUIRE(off.error.empty(), off.error);
  BOOST_TEST(off.config.malloc_mmap_threshold_bytes == 0);
  env.vars["NODE_MALLOC_MMAP_THRESHOLD_BYTES"] = "1048576";
  auto from_env = load_node_config({}, env.fn());
  BOOST_TEST_REQUIRE(from_env.error.empty(), from_env.error);
  BOOST_TEST(from_env.config.malloc_mmap_threshold_bytes == 1048576);
}

BOOST_AUTO_TEST_CASE(reader_placement_keys) {
  fake_env env;
  auto scheduled =
      load_node_config({"--node.reader-thread=false", "--node.reader-nice=0"}, env.fn());
  BOOST_TEST_REQUIRE(scheduled.error.empty(), scheduled.error);
  BOOST_TEST(!scheduled.config.reader_thread);
  BOOST_TEST(scheduled.config.reader_nice == 0);
  env.vars["NODE_READER_NICE"] = "19";
  auto from_env = load_node_config({}, env.fn());
  BOOST_TEST_REQUIRE(from_env.error.empty(), from_env.error);
  BOOST_TEST(from_env.config.reader_nice == 19);
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

// Issue 7: the cluster's keys.
BOOST_AUTO_TEST_CASE(cluster_defaults_match_the_documented_ones) {
  auto r = load_node_config({}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  const auto& c = r.config.cluster;
  BOOST_TEST(c.peer_urls.empty());
  BOOST_TEST(r.config.gateway.peer_urls.empty());
  BOOST_TEST(c.name == "caf-eureka");
  BOOST_TEST(c.bind_address == "0.0.0.0");
  BOOST_TEST(c.port == 8771);
  BOOST_TEST(c.advertised_host.empty());
  BOOST_TEST(c.max_batch_items == 250u);
  BOOST_TEST(c.heartbeat_tick_ms == 1000);
  BOOST_TEST(c.max_peer_queue_bytes == size_t{64} << 20);
  BOOST_TEST(c.ack_timeout_ms == 10000);
  BOOST_TEST(c.retry_min_ms == 500);
  BOOST_TEST(c.retry_max_ms == 30000);
  BOOST_TEST(c.wait_time_in_ms_when_sync_empty == 300000);
  BOOST_TEST(!c.register_with_eureka);
  BOOST_TEST(c.self_app_name == "EUREKA");
}

BOOST_AUTO_TEST_CASE(every_cluster_key_is_settable_on_the_command_line) {
  auto r = load_node_config(
      {"--eureka.client.service-url.default-zone=http://a:8761/eureka/",
       "--eureka.cluster.name=blue", "--eureka.cluster.bind-address=::", "--eureka.cluster.port=0",
       "--eureka.cluster.advertised-host=node-a", "--eureka.cluster.max-batch-items=10000",
       "--eureka.cluster.heartbeat-tick-ms=50", "--eureka.cluster.max-peer-queue-bytes=65536",
       "--eureka.cluster.ack-timeout-ms=500", "--eureka.cluster.retry-min-ms=10",
       "--eureka.cluster.retry-max-ms=10", "--eureka.server.wait-time-in-ms-when-sync-empty=0",
       "--eureka.client.register-with-eureka=true", "--eureka.instance.appname=Eureka-Ring"},
      fake_env{}.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  const auto& c = r.config.cluster;
  BOOST_TEST(c.peer_urls == std::vector<std::string>{"http://a:8761/eureka/"});
  BOOST_TEST(c.name == "blue");
  BOOST_TEST(c.bind_address == "::");
  BOOST_TEST(c.port == 0);
  BOOST_TEST(c.advertised_host == "node-a");
  BOOST_TEST(c.max_batch_items == 10000u);
  BOOST_TEST(c.heartbeat_tick_ms == 50);
  BOOST_TEST(c.max_peer_queue_bytes == 65536u);
  BOOST_TEST(c.ack_timeout_ms == 500);
  BOOST_TEST(c.retry_min_ms == 10);
  BOOST_TEST(c.retry_max_ms == 10);
  BOOST_TEST(c.wait_time_in_ms_when_sync_empty == 0);
  BOOST_TEST(c.register_with_eureka);
  BOOST_TEST(c.self_app_name == "EUREKA-RING"); // stored upper case
}

BOOST_AUTO_TEST_CASE(default_zone_takes_every_spring_spelling) {
  const std::string url = "http://a:8761/eureka/";
  for (auto key :
       {"eureka.client.service-url.default-zone", "eureka.client.service-url.defaultZone",
        "eureka.client.serviceUrl.defaultZone"}) {
    auto flag = load_node_config({std::string{"--"} + key + "=" + url}, fake_env{}.fn());
    BOOST_TEST_REQUIRE(flag.error.empty(), flag.error);
    BOOST_TEST(flag.config.cluster.peer_urls == std::vector<std::string>{url}, key);
    auto file = write_file(std::string{key} + "=" + url + "\n");
    auto from_file = load_node_config({"--config-file=" + file}, fake_env{}.fn());
    std::remove(file.c_str());
    BOOST_TEST_REQUIRE(from_file.error.empty(), from_file.error);
    BOOST_TEST(from_file.config.cluster.peer_urls == std::vector<std::string>{url}, key);
  }
  for (auto name :
       {"EUREKA_CLIENT_SERVICEURL_DEFAULTZONE", "EUREKA_CLIENT_SERVICE_URL_DEFAULT_ZONE",
        "EUREKA_CLIENT_SERVICE_URL_DEFAULTZONE"}) {
    fake_env env;
    env.vars[name] = url;
    auto r = load_node_config({}, env.fn());
    BOOST_TEST_REQUIRE(r.error.empty(), r.error);
    BOOST_TEST(r.config.cluster.peer_urls == std::vector<std::string>{url}, name);
  }
  auto names = env_names("eureka.client.service-url.default-zone");
  BOOST_TEST(names.front() == "EUREKA_CLIENT_SERVICEURL_DEFAULTZONE");
  // The usual precedence holds across spellings: flag > environment > file.
  auto file = write_file("eureka.client.service-url.defaultZone=http://file/eureka/\n");
  fake_env env;
  env.vars["CAF_EUREKA_CONFIG_FILE"] = file;
  BOOST_TEST(load_node_config({}, env.fn()).config.cluster.peer_urls
             == std::vector<std::string>{"http://file/eureka/"});
  env.vars["EUREKA_CLIENT_SERVICEURL_DEFAULTZONE"] = "http://env/eureka/";
  BOOST_TEST(load_node_config({}, env.fn()).config.cluster.peer_urls
             == std::vector<std::string>{"http://env/eureka/"});
  auto r =
      load_node_config({"--eureka.client.service-url.defaultZone=http://flag/eureka/"}, env.fn());
  BOOST_TEST(r.config.cluster.peer_urls == std::vector<std::string>{"http://flag/eureka/"});
  std::remove(file.c_str());
}

BOOST_AUTO_TEST_CASE(default_zone_entries_are_checked_and_shown_without_credentials) {
  auto r = load_node_config({"--eureka.client.service-url.default-zone= http://u:pw@A:8761/eureka"
                             " , ,http://b:8762/eureka/,"},
                            fake_env{}.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  BOOST_TEST(r.config.cluster.peer_urls
             == (std::vector<std::string>{"http://u:pw@A:8761/eureka", "http://b:8762/eureka/"}));
  // The status page's registered-replicas: normalised, no user information.
  BOOST_TEST(r.config.gateway.peer_urls
             == (std::vector<std::string>{"http://a:8761/eureka/", "http://b:8762/eureka/"}));
  for (auto bad : {"localhost:8761/eureka", "ftp://a/", "http://a:99999/", "http://a/,http://"}) {
    auto e = load_node_config({std::string{"--eureka.client.service-url.default-zone="} + bad},
                              fake_env{}.fn());
    BOOST_TEST(e.error.find("command line: eureka.client.service-url.default-zone: '")
                   != std::string::npos,
               e.error);
  }
  auto e = load_node_config({"--eureka.client.service-url.default-zone=http://a/,ftp://b/"},
                            fake_env{}.fn());
  BOOST_TEST(e.error.find("'ftp://b/'") != std::string::npos, e.error);
}

BOOST_AUTO_TEST_CASE(cluster_values_out_of_range_are_refused) {
  for (auto arg :
       {"--eureka.cluster.port=65536", "--eureka.cluster.port=-1",
        "--eureka.cluster.max-batch-items=0", "--eureka.cluster.max-batch-items=10001",
        "--eureka.cluster.heartbeat-tick-ms=0", "--eureka.cluster.max-peer-queue-bytes=1000",
        "--eureka.cluster.ack-timeout-ms=0", "--eureka.cluster.retry-min-ms=0",
        "--eureka.cluster.retry-max-ms=x", "--eureka.server.wait-time-in-ms-when-sync-empty=-1",
        "--eureka.client.register-with-eureka=yes",
        "--eureka.instance.appname= ", "--eureka.cluster.name=", "--eureka.cluster.name=a b",
        "--eureka.cluster.bind-address=somewhere", "--eureka.cluster.advertised-host=a/b",
        "--eureka.gateway.max-replication-batch-items=0"}) {
    auto r = load_node_config({arg}, fake_env{}.fn());
    BOOST_TEST(!r.error.empty(), arg);
  }
  auto batch =
      load_node_config({"--eureka.gateway.max-replication-batch-items=250"}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(batch.error.empty(), batch.error);
  BOOST_TEST(batch.config.gateway.max_replication_batch_items == 250u);
  auto long_name =
      load_node_config({"--eureka.instance.appname=" + std::string(257, 'a')}, fake_env{}.fn());
  BOOST_TEST(long_name.error.find("too long") != std::string::npos, long_name.error);
  BOOST_TEST(
      load_node_config({"--eureka.instance.appname=" + std::string(256, 'a')}, fake_env{}.fn())
          .error.empty());
  // retry-min-ms <= retry-max-ms, whichever source set them.
  fake_env env;
  env.vars["EUREKA_CLUSTER_RETRYMINMS"] = "5000";
  auto r = load_node_config({"--eureka.cluster.retry-max-ms=1000"}, env.fn());
  BOOST_TEST(
      r.error
          == "eureka.cluster.retry-min-ms (5000) must not exceed eureka.cluster.retry-max-ms "
             "(1000)",
      r.error);
  BOOST_TEST(load_node_config({"--eureka.cluster.retry-max-ms=5000"}, env.fn()).error.empty());
}

BOOST_AUTO_TEST_CASE(help_names_the_default_zone_spellings) {
  auto text = help_text();
  BOOST_TEST(text.find("also: eureka.client.service-url.defaultZone") != std::string::npos);
  BOOST_TEST(key_aliases("eureka.client.service-url.default-zone").size() == 2u);
  BOOST_TEST(key_aliases("server.port").empty());
}

BOOST_AUTO_TEST_CASE(logging_format_is_text_or_json) {
  fake_env env;
  BOOST_TEST(load_node_config({}, env.fn()).config.log_format == "text");
  auto json = load_node_config({"--logging.format=json"}, env.fn());
  BOOST_TEST_REQUIRE(json.error.empty(), json.error);
  BOOST_TEST(json.config.log_format == "json");
  env.vars["LOGGING_FORMAT"] = "json";
  BOOST_TEST(load_node_config({}, env.fn()).config.log_format == "json");
  for (auto arg : {"--logging.format=JSON", "--logging.format=xml", "--logging.format="})
    BOOST_TEST(!load_node_config({arg}, fake_env{}.fn()).error.empty(), arg);
}

BOOST_AUTO_TEST_CASE(auth_and_admin_keys) {
  fake_env env;
  auto d = load_node_config({}, env.fn());
  BOOST_TEST_REQUIRE(d.error.empty(), d.error);
  BOOST_TEST(d.config.gateway.auth.users.empty());
  BOOST_TEST(!d.config.gateway.auth.enabled);
  BOOST_TEST(!d.config.gateway.auth.read_without_auth);
  BOOST_TEST(d.config.gateway.admin.read_without_auth);
  BOOST_TEST(d.config.gateway.auth.cache_ms == 300000);
  BOOST_TEST(d.config.gateway.auth.max_password_checks_per_second == 20u);
  // A hash of "pw" (salt "saltsalt", 1000 iterations).
  std::string hash = "pbkdf2-sha256$1000$c2FsdHNhbHQ=$"
                     "A+Pkljr7A4W/zbzUWSStAfjTCX2GWVTHwva2WigH9ow=";
  env.vars["EUREKA_AUTH_USERS"] =
      "alice:admin:" + hash + ",bob:read:" + hash + ",order:read+register=order|Billing:" + hash;
  auto r = load_node_config({"--eureka.admin.read-without-auth=false", "--eureka.auth.cache-ms=0",
                             "--eureka.auth.max-password-checks-per-second=5",
                             "--eureka.auth.enabled=true", "--eureka.auth.read-without-auth=true"},
                            env.fn());
  BOOST_TEST_REQUIRE(r.error.empty(), r.error);
  const auto& users = r.config.gateway.auth.users;
  BOOST_TEST_REQUIRE(users.size() == 3u);
  BOOST_TEST(users[0].may(gateway::role::admin));
  BOOST_TEST(!users[1].may(gateway::role::admin));
  BOOST_TEST(users[2].may_write("ORDER"));
  BOOST_TEST(users[2].may_write("BILLING"));
  BOOST_TEST(!users[2].may_write("PAYMENT"));
  BOOST_TEST(!r.config.gateway.admin.read_without_auth);
  BOOST_TEST(r.config.gateway.auth.enabled);
  BOOST_TEST(r.config.gateway.auth.read_without_auth);
  BOOST_TEST(r.config.gateway.auth.cache_ms == 0);
  BOOST_TEST(r.config.gateway.auth.max_password_checks_per_second == 5u);
  BOOST_TEST(dump_config(r.config).find("eureka.auth.users=alice:admin:" + hash + ",bob:read:"
                                        + hash + ",order:read+register=ORDER|BILLING:")
             != std::string::npos);
  // The older names of the keys (only the console had users then).
  fake_env old;
  old.vars["EUREKA_ADMIN_USERS"] = "alice:admin:" + hash;
  auto o = load_node_config(
      {"--eureka.admin.auth-cache-ms=7", "--eureka.admin.max-password-checks-per-second=9"},
      old.fn());
  BOOST_TEST_REQUIRE(o.error.empty(), o.error);
  BOOST_TEST(o.config.gateway.auth.users.size() == 1u);
  BOOST_TEST(o.config.gateway.auth.cache_ms == 7);
  BOOST_TEST(o.config.gateway.auth.max_password_checks_per_second == 9u);
  BOOST_TEST(!load_node_config({"--eureka.admin.users=alice:admin:" + hash}, fake_env{}.fn())
                  .config.gateway.auth.users.empty());
  // A malformed entry stops the node, naming the entry but not the hash.
  auto bad = load_node_config({"--eureka.auth.users=alice:admin:" + hash + ",bob:write:" + hash},
                              fake_env{}.fn());
  BOOST_TEST(bad.error
                 == "command line: eureka.auth.users: entry 2 (bob): unknown role 'write' "
                    "(roles are read, register, register=APP|APP..., admin and peer, joined "
                    "with '+')",
             bad.error);
  bad =
      load_node_config({"--eureka.auth.users=alice:admin:" + hash.substr(0, 40)}, fake_env{}.fn());
  BOOST_TEST(bad.error.find("entry 1 (alice): malformed password hash") != std::string::npos,
             bad.error);
  BOOST_TEST(bad.error.find(hash.substr(0, 40)) == std::string::npos, bad.error);
  // Authentication without a user would refuse everyone.
  bad = load_node_config({"--eureka.auth.enabled=true"}, fake_env{}.fn());
  BOOST_TEST(bad.error.find("eureka.auth.enabled=true needs eureka.auth.users") == 0u, bad.error);
  for (auto arg : {"--eureka.admin.read-without-auth=maybe", "--eureka.auth.cache-ms=-1",
                   "--eureka.auth.max-password-checks-per-second=0",
                   "--eureka.auth.max-password-checks-per-second=100001",
                   "--eureka.auth.enabled=yes", "--eureka.auth.read-without-auth=1"})
    BOOST_TEST(!load_node_config({arg}, fake_env{}.fn()).error.empty(), arg);
  BOOST_TEST(help_text().find("eureka.auth.users") != std::string::npos);
  BOOST_TEST(help_text().find("also: eureka.admin.users") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(tls_keys_go_together) {
  auto d = load_node_config({}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(d.error.empty(), d.error);
  BOOST_TEST(!d.config.gateway.tls.enabled());
  BOOST_TEST((d.config.gateway.tls.clients == gateway::client_auth::none));
  BOOST_TEST(dump_config(d.config).find("server.ssl.client-auth=none") != std::string::npos);
  struct bad_case {
    std::vector<std::string> args;
    std::string error;
  };
  std::vector<bad_case> cases{
      {{"--server.ssl.certificate-private-key=/k.pem"},
       "server.ssl.certificate-private-key, trust-certificate and client-auth need "
       "server.ssl.certificate"},
      {{"--server.ssl.client-auth=need"}, "need server.ssl.certificate"},
      {{"--server.ssl.certificate=/c.pem"},
       "server.ssl.certificate needs server.ssl.certificate-private-key"},
      {{"--server.ssl.certificate=/c.pem", "--server.ssl.certificate-private-key=/k.pem",
        "--server.ssl.trust-certificate=/ca.pem"},
       "server.ssl.trust-certificate is used only with server.ssl.client-auth=want or need"},
      {{"--server.ssl.certificate=/c.pem", "--server.ssl.certificate-private-key=/k.pem",
        "--server.ssl.client-auth=want"},
       "server.ssl.client-auth=want needs server.ssl.trust-certificate"},
      {{"--server.ssl.client-auth=maybe"}, "'maybe' is not one of none, want, need"},
      // The files are loaded at start: a missing one is named.
      {{"--server.ssl.certificate=/nonexistent/c.pem",
        "--server.ssl.certificate-private-key=/nonexistent/k.pem"},
       "server.ssl.certificate: cannot load '/nonexistent/c.pem'"},
  };
  for (auto& c : cases) {
    BOOST_TEST_CONTEXT(c.args.front()) {
      auto r = load_node_config(c.args, fake_env{}.fn());
      BOOST_TEST(r.error.find(c.error) != std::string::npos, r.error);
    }
  }
  auto want = load_node_config({"--server.ssl.client-auth=WANT"}, fake_env{}.fn());
  BOOST_TEST(want.error.find("need server.ssl.certificate") != std::string::npos, want.error);
}

BOOST_AUTO_TEST_CASE(client_tls_files_are_checked) {
  auto d = load_node_config({}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(d.error.empty(), d.error);
  BOOST_TEST(d.config.client_tls.trust_certificate.empty());
  auto r = load_node_config({"--eureka.client.tls.trust-certificate=/nonexistent/ca.pem"},
                            fake_env{}.fn());
  BOOST_TEST(r.error.find("eureka.client.tls.trust-certificate: cannot load '/nonexistent/ca.pem'")
                 != std::string::npos,
             r.error);
  r = load_node_config({"--eureka.client.tls.certificate=/nonexistent/c.pem"}, fake_env{}.fn());
  BOOST_TEST(r.error.find("go together") != std::string::npos, r.error);
}

// -- mutual TLS between peers ---------------------------------------------------

namespace {

/// A cluster CA with one node's certificate and key, and a rogue CA with a
/// certificate of its own, as files.
struct tls_files {
  test::temp_dir dir;
  test::pkey_ptr ca_key = test::make_key();
  test::x509_ptr ca = test::make_cert("cluster CA", ca_key.get(), nullptr, nullptr, true);
  test::pkey_ptr node_key = test::make_key();
  test::x509_ptr node = test::make_cert("node-a", node_key.get(), ca.get(), ca_key.get(), false);
  test::pkey_ptr rogue_ca_key = test::make_key();
  test::x509_ptr rogue_ca = test::make_cert("rogue CA", rogue_ca_key.get(), nullptr, nullptr, true);
  test::pkey_ptr rogue_key = test::make_key();
  test::x509_ptr rogue =
      test::make_cert("rogue", rogue_key.get(), rogue_ca.get(), rogue_ca_key.get(), false);
  std::string ca_pem = test::write_cert(dir.file("ca.pem"), ca.get());
  std::string cert_pem = test::write_cert(dir.file("node.pem"), node.get());
  std::string key_pem = test::write_key(dir.file("node.key"), node_key.get());
  std::string rogue_pem = test::write_cert(dir.file("rogue.pem"), rogue.get());
  std::string rogue_key_pem = test::write_key(dir.file("rogue.key"), rogue_key.get());

  std::vector<std::string> args(const std::string& cert, const std::string& key,
                                const std::string& ca_file) const {
    return {"--eureka.cluster.tls.certificate=" + cert, "--eureka.cluster.tls.key=" + key,
            "--eureka.cluster.tls.ca=" + ca_file};
  }
};

std::string load_error(std::vector<std::string> args) {
  return load_node_config(args, fake_env{}.fn()).error;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_CASE(tls_keys_all_three_or_none) {
  auto none = load_node_config({}, fake_env{}.fn());
  BOOST_TEST_REQUIRE(none.error.empty(), none.error);
  BOOST_TEST(!none.config.cluster.tls.any());
  BOOST_TEST(!none.config.cluster.tls.enabled());
  tls_files f;
  auto all = load_node_config(f.args(f.cert_pem, f.key_pem, f.ca_pem), fake_env{}.fn());
  BOOST_TEST_REQUIRE(all.error.empty(), all.error);
  BOOST_TEST(all.config.cluster.tls.enabled());
  BOOST_TEST(all.config.cluster.tls.certificate == f.cert_pem);
  BOOST_TEST(all.config.cluster.tls.key == f.key_pem);
  BOOST_TEST(all.config.cluster.tls.ca == f.ca_pem);
  // From the environment too, and through --dump-config and back.
  fake_env env;
  env.vars["EUREKA_CLUSTER_TLS_CERTIFICATE"] = f.cert_pem;
  env.vars["EUREKA_CLUSTER_TLS_KEY"] = f.key_pem;
  env.vars["EUREKA_CLUSTER_TLS_CA"] = f.ca_pem;
  auto from_env = load_node_config({}, env.fn());
  BOOST_TEST_REQUIRE(from_env.error.empty(), from_env.error);
  BOOST_TEST(from_env.config.cluster.tls.enabled());
  auto file = write_file(dump_config(all.config));
  auto reread = load_node_config({"--config-file=" + file}, fake_env{}.fn());
  std::remove(file.c_str());
  BOOST_TEST_REQUIRE(reread.error.empty(), reread.error);
  BOOST_TEST(dump_config(reread.config) == dump_config(all.config));
  // Partly set: the node does not start, and says what is missing.
  auto partial = load_error({"--eureka.cluster.tls.certificate=" + f.cert_pem});
  BOOST_TEST(partial
                 == "mutual TLS between peers needs eureka.cluster.tls.certificate, "
                    "eureka.cluster.tls.key and eureka.cluster.tls.ca together; missing: "
                    "eureka.cluster.tls.key, eureka.cluster.tls.ca",
             partial);
  partial = load_error(
      {"--eureka.cluster.tls.key=" + f.key_pem, "--eureka.cluster.tls.certificate=" + f.cert_pem});
  BOOST_TEST(has(partial, "missing: eureka.cluster.tls.ca"), partial);
  partial = load_error({"--eureka.cluster.tls.key-password=secret"});
  BOOST_TEST(has(partial, "missing: eureka.cluster.tls.certificate, eureka.cluster.tls.key, "
                          "eureka.cluster.tls.ca"),
             partial);
  // Empty values are unset (the commented defaults of the shipped file).
  BOOST_TEST(load_error({"--eureka.cluster.tls.certificate=", "--eureka.cluster.tls.ca="}).empty());
}

BOOST_AUTO_TEST_CASE(tls_files_are_checked_at_start) {
  tls_files f;
  auto err = load_error(f.args(f.dir.file("nope.pem"), f.key_pem, f.ca_pem));
  BOOST_TEST(has(err, "eureka.cluster.tls.certificate: cannot read '" + f.dir.file("nope.pem")
                          + "': No such file or directory"),
             err);
  err = load_error(f.args(f.cert_pem, f.key_pem, f.dir.file("ca-typo.pem")));
  BOOST_TEST(has(err, "eureka.cluster.tls.ca: cannot read"), err);
  auto garbage = write_file("not a certificate\n");
  err = load_error(f.args(garbage, f.key_pem, f.ca_pem));
  BOOST_TEST(
      has(err, "eureka.cluster.tls.certificate: '" + garbage + "' holds no usable PEM certificate"),
      err);
  err = load_error(f.args(f.cert_pem, garbage, f.ca_pem));
  BOOST_TEST(has(err, "eureka.cluster.tls.key: cannot load a PEM private key"), err);
  err = load_error(f.args(f.cert_pem, f.key_pem, garbage));
  BOOST_TEST(has(err, "eureka.cluster.tls.ca: '" + garbage + "' holds no usable PEM CA"), err);
  std::remove(garbage.c_str());
  // The key of another certificate.
  err = load_error(f.args(f.cert_pem, f.rogue_key_pem, f.ca_pem));
  BOOST_TEST(has(err, "is not the key of the certificate"), err);
  // A certificate of another CA: peers would refuse it.
  err = load_error(f.args(f.rogue_pem, f.rogue_key_pem, f.ca_pem));
  BOOST_TEST(has(err, "eureka.cluster.tls.certificate: '" + f.rogue_pem
                          + "' does not verify against the CA of eureka.cluster.tls.ca"),
             err);
  BOOST_TEST(has(err, "unable to get local issuer certificate"), err);
  BOOST_TEST(has(err, "peers would refuse it"), err);
  // Expired.
  auto old = test::make_cert("old", f.node_key.get(), f.ca.get(), f.ca_key.get(), false, -1);
  auto old_pem = test::write_cert(f.dir.file("old.pem"), old.get());
  err = load_error(f.args(old_pem, f.key_pem, f.ca_pem));
  BOOST_TEST(has(err, "certificate has expired"), err);
  // Only for servers: a node is both ends of its links.
  auto server_only = test::make_cert("server-only", f.node_key.get(), f.ca.get(), f.ca_key.get(),
                                     false, 30, "serverAuth");
  auto server_only_pem = test::write_cert(f.dir.file("server-only.pem"), server_only.get());
  err = load_error(f.args(server_only_pem, f.key_pem, f.ca_pem));
  BOOST_TEST(has(err, "as a TLS client (unsuitable certificate purpose)"), err);
  auto both = test::make_cert("both", f.node_key.get(), f.ca.get(), f.ca_key.get(), false, 30,
                              "serverAuth,clientAuth");
  auto both_pem = test::write_cert(f.dir.file("both.pem"), both.get());
  err = load_error(f.args(both_pem, f.key_pem, f.ca_pem));
  BOOST_TEST(err.empty(), err);
}

BOOST_AUTO_TEST_CASE(tls_encrypted_key_needs_its_password) {
  tls_files f;
  auto locked = test::write_key(f.dir.file("locked.key"), f.node_key.get(), "s3cret");
  // Never a prompt on the terminal: a clear error instead.
  auto err = load_error(f.args(f.cert_pem, locked, f.ca_pem));
  BOOST_TEST(has(err, "eureka.cluster.tls.key: cannot load a PEM private key"), err);
  BOOST_TEST(has(err, "set eureka.cluster.tls.key-password"), err);
  auto args = f.args(f.cert_pem, locked, f.ca_pem);
  args.push_back("--eureka.cluster.tls.key-password=wrong");
  err = load_error(args);
  BOOST_TEST(has(err, "is eureka.cluster.tls.key-password right?"), err);
  args.back() = "--eureka.cluster.tls.key-password=s3cret";
  auto ok = load_node_config(args, fake_env{}.fn());
  BOOST_TEST_REQUIRE(ok.error.empty(), ok.error);
  BOOST_TEST(ok.config.cluster.tls.key_password == "s3cret");
}

BOOST_AUTO_TEST_CASE(cluster_port_beyond_loopback_without_tls_is_warned_about) {
  cluster::tls_config none;
  auto w = cluster::cluster_exposure_warning(none, "0.0.0.0", 8771);
  BOOST_TEST_REQUIRE(w.has_value());
  BOOST_TEST(has(*w, "the cluster port listens on 0.0.0.0:8771 without TLS"), *w);
  BOOST_TEST(has(*w, "eureka.cluster.tls.certificate"), *w);
  BOOST_TEST(cluster::cluster_exposure_warning(none, "10.1.2.3", 8771).has_value());
  BOOST_TEST(!cluster::cluster_exposure_warning(none, "127.0.0.1", 8771).has_value());
  BOOST_TEST(!cluster::cluster_exposure_warning(none, "::1", 8771).has_value());
  BOOST_TEST(!cluster::cluster_exposure_warning(none, "localhost", 8771).has_value());
  cluster::tls_config tls{"c.pem", "k.pem", "", "ca.pem"};
  BOOST_TEST(!cluster::cluster_exposure_warning(tls, "0.0.0.0", 8771).has_value());
}

BOOST_AUTO_TEST_CASE(tls_links_need_tls_1_2_here) {
  // Debian bookworm's OpenSSL 3 at its default security level: what
  // docs/security.md promises (CAF itself sets no minimum).
  auto floor = cluster::current_tls_floor();
  BOOST_TEST(floor.modern, floor.text);
  BOOST_TEST(has(floor.text, "TLS 1.2 or 1.3"), floor.text);
}
