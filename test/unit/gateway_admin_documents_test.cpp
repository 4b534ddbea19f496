// The admin API's documents (http_gateway/admin_documents): exact JSON for
// small inputs, the dashboard banner rule, failed reports rendered null.
#define BOOST_TEST_MODULE gateway_admin_rendering
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>
#include <vector>

#include "http_gateway/admin_documents.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

/// Counts indexed by instance_status's value.
std::vector<uint32_t> counts(uint32_t up, uint32_t down, uint32_t starting, uint32_t oos,
                             uint32_t unknown) {
  std::vector<uint32_t> out(5);
  out[static_cast<size_t>(instance_status::up)] = up;
  out[static_cast<size_t>(instance_status::down)] = down;
  out[static_cast<size_t>(instance_status::starting)] = starting;
  out[static_cast<size_t>(instance_status::out_of_service)] = oos;
  out[static_cast<size_t>(instance_status::unknown)] = unknown;
  return out;
}

overview_inputs small_overview() {
  overview_inputs in;
  in.status.environment = "prod";
  in.status.node.host_name = "eureka-1";
  in.status.node.ip_addr = "10.0.0.5";
  in.status.node.port = port_info{8761, true};
  in.status.uptime_ms = 25 * 3600000 + 60000;
  in.status.stats.applications = 1;
  in.status.stats.instances = 3;
  in.status.stats.status_counts = counts(2, 1, 0, 0, 0);
  in.status.stats.renews_last_minute = 4;
  in.status.stats.renew_threshold = 5;
  in.status.stats.lease_expiration_enabled = false;
  in.status.stats.self_preservation_enabled = true;
  in.status.stats.evictions_total = 7;
  peer_status p;
  p.url = "http://eureka-2:8761/eureka/";
  p.kind = "caf-eureka";
  p.link_up = true;
  in.status.peers = std::vector<peer_status>{p};
  in.general = {{"num-of-cpus", "2"}, {"registered-replicas", "http://eureka-2:8761/eureka/"}};
  in.version = "0.1.0";
  in.data_center = "default";
  in.now_ms = 1764700000000;
  in.started_ms = 1764609940000;
  in.ready = true;
  in.base_paths = {"/eureka", "/v1"};
  in.cluster.node_id = "N1";
  in.cluster.cluster = "caf-eureka";
  return in;
}

registry_stats stats(bool self_preservation, bool expiration, int64_t renews, int64_t threshold) {
  registry_stats s;
  s.self_preservation_enabled = self_preservation;
  s.lease_expiration_enabled = expiration;
  s.renews_last_minute = renews;
  s.renew_threshold = threshold;
  return s;
}

actor_load load(uint64_t depth, uint64_t total, double rate) {
  actor_load x;
  x.mailbox_depth = depth;
  x.messages_total = total;
  x.messages_per_second = rate;
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(overview_document) {
  BOOST_TEST(
      overview_json(small_overview())
      == R"({"node":{"version":"0.1.0","host":"eureka-1","ip":"10.0.0.5","port":8761,)"
         R"("environment":"prod","data_center":"default","node_id":"N1","cluster":"caf-eureka",)"
         R"("current_time_ms":1764700000000,"started_ms":1764609940000,"uptime_ms":90060000,)"
         R"("uptime":"1 day 01:01"},)"
         R"("registry":{"applications":1,"instances":3,)"
         R"("status_counts":{"UP":2,"DOWN":1,"STARTING":0,"OUT_OF_SERVICE":0,"UNKNOWN":0},)"
         R"("lease_expiration_enabled":false,"self_preservation_enabled":true,)"
         R"("self_preservation_active":true,"renews_last_minute":4,"renew_threshold":5,)"
         R"("evictions_total":7,"banner":"EMERGENCY! EUREKA MAY BE INCORRECTLY CLAIMING )"
         R"(INSTANCES ARE UP WHEN THEY'RE NOT. RENEWALS ARE LESSER THAN THRESHOLD AND HENCE THE )"
         R"(INSTANCES ARE NOT BEING EXPIRED JUST TO BE SAFE."},)"
         R"("replicas":[{"url":"http://eureka-2:8761/eureka/","kind":"caf-eureka","available":true}],)"
         R"("general":{"num-of-cpus":"2","registered-replicas":"http://eureka-2:8761/eureka/"},)"
         R"("ready":true,"base_paths":["/eureka","/v1"]})");
}

BOOST_AUTO_TEST_CASE(overview_without_cluster_or_peer_answer) {
  auto in = small_overview();
  in.status.peers.reset(); // the replication actor did not answer
  in.status.peer_urls = {"http://b:8761/eureka/"};
  in.cluster = cluster_identity{};
  in.status.stats.lease_expiration_enabled = true;
  in.status.stats.status_counts.clear(); // no counts: every status 0
  in.ready = false;
  auto doc = overview_json(in);
  BOOST_TEST(doc.find(R"("node_id":null,"cluster":null,)") != std::string::npos, doc);
  BOOST_TEST(
      doc.find(R"("replicas":[{"url":"http://b:8761/eureka/","kind":"unknown","available":false}])")
          != std::string::npos,
      doc);
  BOOST_TEST(doc.find(R"("status_counts":{"UP":0,"DOWN":0,"STARTING":0,"OUT_OF_SERVICE":0,)"
                      R"("UNKNOWN":0})")
                 != std::string::npos,
             doc);
  BOOST_TEST(doc.find(R"("self_preservation_active":false,)") != std::string::npos, doc);
  BOOST_TEST(doc.find(R"("banner":null})") != std::string::npos, doc);
  BOOST_TEST(doc.find(R"("ready":false,)") != std::string::npos, doc);
}

BOOST_AUTO_TEST_CASE(banner_follows_java_dashboard) {
  // Self-preservation on: exactly while the eviction actor withholds evictions.
  BOOST_TEST(!registry_banner(stats(true, true, 30, 20)));
  BOOST_TEST(*registry_banner(stats(true, false, 10, 20)) == banner_emergency);
  BOOST_TEST(self_preservation_active(stats(true, false, 10, 20)));
  BOOST_TEST(!self_preservation_active(stats(true, true, 10, 20)));
  // Off: below the threshold (at or below it, or no threshold), else "off".
  BOOST_TEST(*registry_banner(stats(false, true, 10, 20)) == banner_below_threshold);
  BOOST_TEST(*registry_banner(stats(false, true, 20, 20)) == banner_below_threshold);
  BOOST_TEST(*registry_banner(stats(false, true, 0, 0)) == banner_below_threshold);
  BOOST_TEST(*registry_banner(stats(false, true, 21, 20)) == banner_self_preservation_off);
  BOOST_TEST(!self_preservation_active(stats(false, true, 10, 20)));
}

BOOST_AUTO_TEST_CASE(actors_document) {
  directory_report d;
  d.reads.applications = 1;
  d.registry_actors = 2;
  d.reads.instances = 3;
  d.reads.cached_payloads = 4;
  d.reads.cached_payload_bytes = 5;
  d.reads.delta_queue_length = 6;
  d.reads.delta_queue_bytes = 7;
  d.registrations_total = 8;
  d.renewals_total = 9;
  d.cancels_total = 10;
  d.evictions_total = 11;
  d.status_changes_total = 12;
  d.load = load(1, 100, 2.5);
  d.reads.load = load(3, 60, 0.5);
  app_registry_report a;
  a.app = "OR\"DER";
  a.instances = 3;
  a.status_counts = counts(2, 0, 0, 1, 0);
  a.overrides = 1;
  a.registrations_total = 3;
  a.renewals_total = 40;
  a.cancels_total = 0;
  a.evictions_total = 0;
  a.status_changes_total = 1;
  a.renews_last_minute = 6;
  a.load = load(0, 50, 1.0 / 3);
  d.apps.push_back(a);
  d.apps_unanswered = 1;
  eviction_report e;
  e.last_sweep_ms = 1000;
  e.next_sweep_ms = 61000;
  e.sweeps_total = 2;
  e.last_expired = 1;
  e.last_evicted = 1;
  e.evictions_total = 11;
  e.leases = 3;
  e.renews_last_minute = 6;
  e.renew_threshold = 5;
  e.lease_expiration_enabled = true;
  e.self_preservation_enabled = false;
  e.self_preservation_active = false;
  e.decision = "self-preservation is off: expired leases are evicted";
  e.load = load(0, 7, 0);
  peer_status p;
  p.url = "http://b:8761/eureka/";
  p.kind = "java";
  p.link_up = false;
  p.node_id = "";
  p.queued_bytes = 10;
  p.queued_items = 2;
  p.batches_in_flight = 1;
  p.batches_sent = 3;
  p.items_sent = 4;
  p.heartbeats_coalesced = 5;
  p.failures = 6;
  p.overflows = 7;
  p.catch_ups = 8;
  p.last_ack_ms = 900;
  p.lag_ms = 100;
  p.catching_up = true;
  p.paused = false;
  gateway_probe probe;
  probe.connection_opened();
  probe.connection_opened();
  probe.connection_closed();
  probe.connection_rejected();
  probe.bytes_in(100);
  probe.bytes_out(200);
  probe.request("renew", 200);
  probe.request("renew", 200);
  probe.request("apps_full", 200);
  actors_inputs in;
  in.directory = d;
  in.eviction = e;
  in.replication = replication_figures{true, std::vector<peer_status>{p}};
  in.probe = &probe;
  in.gauges = gateway_gauges{11, 22, true};
  BOOST_TEST(
      actors_json(in)
      == R"({"directory":{"applications":1,"registry_actors":2,"instances":3,"cached_payloads":4,)"
         R"("cached_payload_bytes":5,"delta_queue_length":6,"delta_queue_bytes":7,)"
         R"("registrations_total":8,"renewals_total":9,"cancels_total":10,"evictions_total":11,)"
         R"("status_changes_total":12,)"
         R"("load":{"mailbox_depth":1,"messages_total":100,"messages_per_second":2.5},)"
         R"("reader_load":{"mailbox_depth":3,"messages_total":60,"messages_per_second":0.5}},)"
         R"("registries":[{"app":"OR\"DER","instances":3,)"
         R"("status_counts":{"UP":2,"DOWN":0,"STARTING":0,"OUT_OF_SERVICE":1,"UNKNOWN":0},)"
         R"("overrides":1,"registrations_total":3,"renewals_total":40,"cancels_total":0,)"
         R"("evictions_total":0,"status_changes_total":1,"renews_last_minute":6,)"
         R"("load":{"mailbox_depth":0,"messages_total":50,"messages_per_second":0.333}}],)"
         R"("registries_unanswered":1,)"
         R"("eviction":{"last_sweep_ms":1000,"next_sweep_ms":61000,"sweeps_total":2,)"
         R"("last_expired":1,"last_evicted":1,"evictions_total":11,"leases":3,)"
         R"("renews_last_minute":6,"renew_threshold":5,"lease_expiration_enabled":true,)"
         R"("self_preservation_enabled":false,"self_preservation_active":false,)"
         R"("decision":"self-preservation is off: expired leases are evicted",)"
         R"("load":{"mailbox_depth":0,"messages_total":7,"messages_per_second":0}},)"
         R"("replication":{"ready":true,"peers":[{"url":"http://b:8761/eureka/","kind":"java",)"
         R"("link_up":false,"node_id":"","queued_bytes":10,"queued_items":2,)"
         R"("batches_in_flight":1,"batches_sent":3,"items_sent":4,"heartbeats_coalesced":5,)"
         R"("failures":6,"overflows":7,"catch_ups":8,"last_ack_ms":900,"lag_ms":100,)"
         R"("catching_up":true,"paused":false}]},)"
         R"("gateway":{"connections_open":1,"connections_accepted":2,"connections_rejected":1,)"
         R"("accepting":true,"bytes_received":100,"bytes_sent":200,"output_buffered_bytes":11,)"
         R"("output_pinned_bytes":22,"requests":[{"route":"apps_full","code":200,"count":1},)"
         R"({"route":"renew","code":200,"count":2}]}})");
}

BOOST_AUTO_TEST_CASE(actors_document_with_failed_reports) {
  gateway_probe probe;
  actors_inputs in;
  in.probe = &probe;
  // Directory and eviction failed; no replication actor.
  BOOST_TEST(actors_json(in)
             == R"({"directory":null,"registries":null,"registries_unanswered":null,)"
                R"("eviction":null,"replication":null,)"
                R"("gateway":{"connections_open":0,"connections_accepted":0,)"
                R"("connections_rejected":0,"accepting":true,"bytes_received":0,"bytes_sent":0,)"
                R"("output_buffered_bytes":0,"output_pinned_bytes":0,"requests":[]}})");
  // A replication actor whose calls failed; a non-finite rate is written 0.
  in.replication = replication_figures{};
  directory_report d;
  d.load.messages_per_second = std::numeric_limits<double>::quiet_NaN();
  in.directory = d;
  auto doc = actors_json(in);
  BOOST_TEST(doc.find(R"("replication":{"ready":null,"peers":null})") != std::string::npos, doc);
  BOOST_TEST(doc.find(R"("messages_per_second":0})") != std::string::npos, doc);
  BOOST_TEST(doc.find(R"("registries":[],"registries_unanswered":0,)") != std::string::npos, doc);
}
