// The registry's Prometheus figures (http_gateway/registry_metrics): exact
// text for small reports, label escaping, reports left out.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "http_gateway/gateway_probe.hpp"
#include "http_gateway/registry_metrics.hpp"
#include "registry/instance_info.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

directory_report small_directory() {
  directory_report d;
  d.reads.applications = 1;
  d.registry_actors = 2;
  d.reads.instances = 3;
  d.reads.cached_payloads = 4;
  d.reads.cached_payload_bytes = 5000;
  d.reads.delta_queue_length = 6;
  d.reads.delta_queue_bytes = 700;
  d.registrations_total = 8;
  d.renewals_total = 90;
  d.cancels_total = 1;
  d.evictions_total = 2;
  d.status_changes_total = 3;
  d.load.mailbox_depth = 1;
  d.load.messages_total = 100;
  d.reads.load.mailbox_depth = 4;
  d.reads.load.messages_total = 70;
  app_registry_report a;
  a.app = "ORDER";
  a.instances = 3;
  a.status_counts.assign(5, 0);
  a.status_counts[static_cast<size_t>(instance_status::up)] = 2;
  a.status_counts[static_cast<size_t>(instance_status::down)] = 1;
  a.load.mailbox_depth = 0;
  a.load.messages_total = 50;
  d.apps.push_back(a);
  return d;
}

eviction_report small_eviction() {
  eviction_report e;
  e.last_sweep_ms = 1764700000500;
  e.sweeps_total = 9;
  e.renews_last_minute = 24;
  e.renew_threshold = 21;
  e.lease_expiration_enabled = true;
  e.self_preservation_active = false;
  e.load.mailbox_depth = 2;
  e.load.messages_total = 30;
  return e;
}

std::string help(const metric_def& m) {
  return "# HELP " + std::string{m.name} + " " + std::string{m.help} + "\n# TYPE "
         + std::string{m.name} + " " + std::string{m.type} + "\n";
}

std::string help(std::string_view name) {
  for (const auto& m : registry_metrics)
    if (m.name == name)
      return help(m);
  BOOST_FAIL("no metric " << name);
  return {};
}

std::string label(std::string_view v) {
  std::string out;
  append_label_value(out, v);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(registry_metrics_text) {
  auto d = small_directory();
  auto e = small_eviction();
  auto expected =
      help("eureka_registry_applications") + "eureka_registry_applications 1\n"
      + help("eureka_registry_actors") + "eureka_registry_actors 2\n"
      + help("eureka_registry_instances")
      + "eureka_registry_instances{app=\"ORDER\",status=\"UP\"} 2\n"
        "eureka_registry_instances{app=\"ORDER\",status=\"DOWN\"} 1\n"
        "eureka_registry_instances{app=\"ORDER\",status=\"STARTING\"} 0\n"
        "eureka_registry_instances{app=\"ORDER\",status=\"OUT_OF_SERVICE\"} 0\n"
        "eureka_registry_instances{app=\"ORDER\",status=\"UNKNOWN\"} 0\n"
      + help("eureka_registry_registrations_total") + "eureka_registry_registrations_total 8\n"
      + help("eureka_registry_renewals_total") + "eureka_registry_renewals_total 90\n"
      + help("eureka_registry_cancels_total") + "eureka_registry_cancels_total 1\n"
      + help("eureka_registry_evictions_total") + "eureka_registry_evictions_total 2\n"
      + help("eureka_registry_status_changes_total") + "eureka_registry_status_changes_total 3\n"
      + help("eureka_registry_cached_payloads") + "eureka_registry_cached_payloads 4\n"
      + help("eureka_registry_cached_payload_bytes") + "eureka_registry_cached_payload_bytes 5000\n"
      + help("eureka_registry_delta_queue_length") + "eureka_registry_delta_queue_length 6\n"
      + help("eureka_registry_delta_queue_bytes") + "eureka_registry_delta_queue_bytes 700\n"
      + help("eureka_registry_renewals_last_minute") + "eureka_registry_renewals_last_minute 24\n"
      + help("eureka_registry_renewal_threshold") + "eureka_registry_renewal_threshold 21\n"
      + help("eureka_registry_self_preservation_active")
      + "eureka_registry_self_preservation_active 0\n"
      + help("eureka_registry_lease_expiration_enabled")
      + "eureka_registry_lease_expiration_enabled 1\n"
      + help("eureka_eviction_last_sweep_timestamp_seconds")
      + "eureka_eviction_last_sweep_timestamp_seconds 1764700000.5\n"
      + help("eureka_eviction_sweeps_total") + "eureka_eviction_sweeps_total 9\n"
      + help("eureka_actor_mailbox_depth") + "eureka_actor_mailbox_depth{actor=\"directory\"} 1\n"
      + "eureka_actor_mailbox_depth{actor=\"reader\"} 4\n"
      + "eureka_actor_mailbox_depth{actor=\"eviction\"} 2\n"
        "eureka_actor_mailbox_depth{actor=\"app_registry\",app=\"ORDER\"} 0\n"
      + help("eureka_actor_messages_total")
      + "eureka_actor_messages_total{actor=\"directory\"} 100\n"
      + "eureka_actor_messages_total{actor=\"reader\"} 70\n"
      + "eureka_actor_messages_total{actor=\"eviction\"} 30\n"
        "eureka_actor_messages_total{actor=\"app_registry\",app=\"ORDER\"} 50\n";
  BOOST_TEST(render_registry_metrics(&d, &e) == expected);
}

BOOST_AUTO_TEST_CASE(every_declared_metric_is_rendered_once_and_names_are_unique) {
  auto d = small_directory();
  auto e = small_eviction();
  auto text = render_registry_metrics(&d, &e);
  std::set<std::string_view> names;
  for (const auto& m : gateway_metrics)
    BOOST_TEST(names.insert(m.name).second, m.name);
  for (const auto& m : registry_metrics) {
    BOOST_TEST(names.insert(m.name).second, m.name);
    auto h = help(m);
    auto at = text.find(h);
    BOOST_TEST(at != std::string::npos, m.name);
    BOOST_TEST(text.find(h, at + 1) == std::string::npos, m.name);
  }
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
  BOOST_TEST(label("ORDER") == "ORDER");
  BOOST_TEST(label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  // UTF-8 passes; a byte that is not UTF-8 becomes U+FFFD.
  BOOST_TEST(label("caf\xc3\xa9") == "caf\xc3\xa9");
  BOOST_TEST(label("x\xff"
                   "y\xc3")
             == "x\xef\xbf\xbdy\xef\xbf\xbd");
  auto d = small_directory();
  d.apps[0].app = "A\"B";
  auto text = render_registry_metrics(&d, nullptr);
  BOOST_TEST(text.find("eureka_registry_instances{app=\"A\\\"B\",status=\"UP\"} 2\n")
             != std::string::npos);
  BOOST_TEST(text.find("eureka_actor_messages_total{actor=\"app_registry\",app=\"A\\\"B\"} 50\n")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_reports_leave_their_metrics_out) {
  auto d = small_directory();
  auto e = small_eviction();
  BOOST_TEST(render_registry_metrics(nullptr, nullptr).empty());
  auto only_eviction = render_registry_metrics(nullptr, &e);
  BOOST_TEST(only_eviction.find("eureka_registry_instances") == std::string::npos);
  BOOST_TEST(only_eviction.find("eureka_registry_renewals_last_minute 24\n") != std::string::npos);
  BOOST_TEST(only_eviction.find("{actor=\"directory\"}") == std::string::npos);
  BOOST_TEST(only_eviction.find("eureka_actor_mailbox_depth{actor=\"eviction\"} 2\n")
             != std::string::npos);
  auto only_directory = render_registry_metrics(&d, nullptr);
  BOOST_TEST(only_directory.find("eureka_registry_renewal_threshold") == std::string::npos);
  BOOST_TEST(only_directory.find("eureka_eviction_") == std::string::npos);
  BOOST_TEST(only_directory.find("eureka_actor_messages_total{actor=\"directory\"} 100\n")
             != std::string::npos);
  BOOST_TEST(only_directory.find("{actor=\"eviction\"}") == std::string::npos);
}
