// The read side's rules (actors/read_model): payloads encoded on demand per
// application and form, full registries assembled from per-application
// parts (plain and stitched gzip), the delta queue's budget, the instance
// index. Pure: no actors, time passed in.
#define BOOST_TEST_MODULE read_model
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "actors/read_model.hpp"
#include "codec/documents.hpp"
#include "codec/gzip.hpp"
#include "codec/instance_codec.hpp"

using namespace eureka;

namespace {

instance_record record(const std::string& app, const std::string& id,
                       action_type action = action_type::added,
                       instance_status status = instance_status::up) {
  instance_info x;
  x.instance_id = id;
  x.host_name = "host-" + id;
  x.app = app;
  x.ip_addr = "10.0.0.1";
  x.status = status;
  x.vip_address = "vip-" + app;
  x.action = action;
  x.last_dirty_timestamp = 1000;
  x.last_updated_timestamp = 1000;
  lease_info lease;
  lease.registration_timestamp = 1000;
  lease.last_renewal_timestamp = 2000;
  return instance_record{std::make_shared<const instance_info>(std::move(x)), lease};
}

std::string inflate(const response_body& b) {
  std::string out;
  BOOST_REQUIRE_MESSAGE(codec::gzip_decompress(b.str(), out, 1u << 30), "does not inflate");
  return out;
}

struct model_fixture {
  registry_config cfg;
  std::unique_ptr<read_model> model;
  /// The records each application's latest view holds.
  std::map<std::string, std::vector<instance_record>> held;
  int64_t now = 1'000'000;

  model_fixture() { start(); }

  void start() { model = std::make_unique<read_model>(cfg); }

  /// An application's registry actor publishing `changes` (added or
  /// removed records, in order).
  void publish(const std::string& app, std::vector<instance_record> changes) {
    auto& list = held[app];
    for (const auto& c : changes) {
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const instance_record& r) { return r.id() == c.id(); }),
                 list.end());
      if (c.holder->action != action_type::deleted)
        list.push_back(c);
    }
    app_view_update u;
    u.view = make_app_view(app, list, {});
    u.delta = std::move(changes);
    u.timestamp_ms = now;
    model->apply(u);
  }

  read_reply read(read_kind kind, payload_format format = payload_format::json, bool gzip = false,
                  representation repr = representation::full, std::string name = "") {
    read_query q;
    q.kind = kind;
    q.name = std::move(name);
    q.format = format;
    q.gzip = gzip;
    q.repr = repr;
    return model->read(q, now - cfg.retention_time_in_delta_queue_ms);
  }

  /// The pieces of a body, by address.
  static std::set<const std::string*> pieces(const response_body& b) {
    std::set<const std::string*> out;
    for (const auto& p : b.pieces())
      out.insert(p.get());
    return out;
  }
};

/// Every form, as the full registry encodes it at once (the reference).
std::string expected_full(const std::map<std::string, std::vector<instance_record>>& apps,
                          payload_format format, representation repr, const std::string& hash) {
  std::vector<std::string> parts;
  for (const auto& [name, records] : apps) {
    if (records.empty())
      continue;
    std::string buf;
    std::vector<std::string> each;
    for (const auto& r : records) {
      std::string one;
      bool compact = repr == representation::compact;
      if (format == payload_format::json) {
        if (compact)
          codec::append_instance_json_compact(one, *r.holder);
        else
          codec::append_instance_json(one, *r.holder, r.lease);
      } else if (compact) {
        codec::append_instance_xml_compact(one, *r.holder);
      } else {
        codec::append_instance_xml(one, *r.holder, r.lease, 2);
      }
      each.push_back(one);
    }
    std::vector<std::string_view> views(each.begin(), each.end());
    if (format == payload_format::json)
      parts.push_back(codec::application_object_json(name, views));
    else if (repr == representation::compact)
      parts.push_back(codec::application_xml_compact(name, views));
    else
      parts.push_back(codec::application_element_xml(name, views));
  }
  std::vector<std::string_view> views(parts.begin(), parts.end());
  bool compact = repr == representation::compact;
  if (format == payload_format::json)
    return compact ? codec::applications_json_compact("1", hash, views)
                   : codec::applications_json("1", hash, views);
  return compact ? codec::applications_xml_compact("1", hash, views)
                 : codec::applications_xml("1", hash, views);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(read_model_rules, model_fixture)

BOOST_AUTO_TEST_CASE(full_registry_in_every_form_and_application_count) {
  // 0, 1, 2 and 7 applications; plain bytes exactly the one-shot document,
  // gzip (stitched from per-application segments) inflating to them.
  std::vector<size_t> counts{0, 1, 2, 7};
  size_t registered = 0;
  for (auto apps : counts) {
    for (; registered < apps; ++registered) {
      auto app = "APP" + std::to_string(registered);
      std::vector<instance_record> rs;
      for (size_t i = 0; i <= registered % 3; ++i)
        rs.push_back(record(app, app + "-i" + std::to_string(i)));
      publish(app, rs);
    }
    for (auto format : {payload_format::json, payload_format::xml})
      for (auto repr : {representation::full, representation::compact}) {
        auto expected = expected_full(held, format, repr, reconcile_hash(model->totals()));
        auto plain = read(read_kind::all_apps, format, false, repr);
        BOOST_TEST(plain.body.str() == expected, apps << " applications");
        auto gz = read(read_kind::all_apps, format, true, repr);
        BOOST_TEST(gz.gzipped);
        BOOST_TEST(inflate(gz.body) == expected, apps << " applications, gzip");
      }
  }
}

BOOST_AUTO_TEST_CASE(a_change_reencodes_only_its_application) {
  for (int a = 0; a < 5; ++a) {
    auto app = "APP" + std::to_string(a);
    publish(app, {record(app, app + "-1"), record(app, app + "-2")});
  }
  for (bool gzip : {false, true}) {
    auto before = pieces(read(read_kind::all_apps, payload_format::json, gzip).body);
    publish("APP3", {record("APP3", "APP3-3")});
    auto after_body = read(read_kind::all_apps, payload_format::json, gzip).body;
    auto after = pieces(after_body);
    // Shared: the four unchanged applications' parts (and separators);
    // new: APP3's part, the head (its hashcode changed) and the end.
    std::vector<const std::string*> fresh;
    for (auto p : after)
      if (before.count(p) == 0)
        fresh.push_back(p);
    BOOST_TEST(fresh.size() == (gzip ? 4u : 3u), "gzip " << gzip); // + gzip's trailer
    auto text = gzip ? inflate(after_body) : after_body.str();
    BOOST_TEST(text.find("APP3-3") != std::string::npos);
    BOOST_TEST(text.find("UP_11_") != std::string::npos);
    publish("APP3", {record("APP3", "APP3-3", action_type::deleted)}); // as before
  }
}

BOOST_AUTO_TEST_CASE(a_gzip_read_keeps_no_plain_bytes) {
  publish("APP", {record("APP", "i-1"), record("APP", "i-2")});
  auto gz = read(read_kind::all_apps, payload_format::json, true);
  directory_report r;
  model->report(r);
  BOOST_TEST(r.cached_payloads == 1u);
  // Only the gzip body's pieces are held: no plain part, no plain document.
  BOOST_TEST(r.cached_payload_bytes == gz.body.size());
  auto plain = read(read_kind::all_apps);
  directory_report both;
  model->report(both);
  BOOST_TEST(both.cached_payload_bytes == gz.body.size() + plain.body.size());
}

BOOST_AUTO_TEST_CASE(application_documents_survive_other_applications_changes) {
  publish("A", {record("A", "a-1")});
  publish("B", {record("B", "b-1")});
  auto a = read(read_kind::app, payload_format::json, false, representation::full, "A");
  BOOST_TEST(a.body.str().rfind(R"({"application":{"name":"A","instance":[{"instanceId":"a-1")", 0)
             == 0u);
  publish("B", {record("B", "b-2")});
  auto again = read(read_kind::app, payload_format::json, false, representation::full, "A");
  BOOST_TEST(again.body.same_as(a.body));
  publish("A", {record("A", "a-2")});
  auto changed = read(read_kind::app, payload_format::json, false, representation::full, "A");
  BOOST_TEST(!changed.body.same_as(a.body));
  BOOST_TEST(changed.body.str().find("a-2") != std::string::npos);
  BOOST_TEST((read(read_kind::app, payload_format::json, false, representation::full, "C").outcome
              == read_outcome::not_found));
}

BOOST_AUTO_TEST_CASE(delta_shows_each_instance_once_in_its_current_state) {
  publish("A", {record("A", "a-1")});
  publish("A", {record("A", "a-1", action_type::modified, instance_status::down)});
  publish("B", {record("B", "b-1"), record("B", "b-1", action_type::deleted)});
  auto delta = read(read_kind::delta).body.str();
  BOOST_TEST(delta.find(R"("versions__delta":"1")") != std::string::npos);
  BOOST_TEST(delta.find(R"("apps__hashcode":"DOWN_1_")") != std::string::npos);
  // a-1 once, as it is now (DOWN, MODIFIED); b-1 once, as removed.
  BOOST_TEST(delta.find("\"a-1\"") == delta.rfind("\"a-1\""));
  BOOST_TEST(delta.find(R"("status":"DOWN")") != std::string::npos);
  BOOST_TEST(delta.find(R"("actionType":"DELETED")") != std::string::npos);
  BOOST_TEST(delta.find("\"b-1\"") == delta.rfind("\"b-1\""));
}

BOOST_AUTO_TEST_CASE(a_delta_missing_changes_makes_clients_fetch_everything) {
  // Room for about three entries: the fourth pushes the first out while it
  // is still within the retention.
  cfg.max_delta_queue_bytes = 3 * delta_queue::cost(record("A", "x")) + 10;
  start();
  publish("A", {record("A", "a-1")});
  now += 1000;
  publish("A", {record("A", "a-2"), record("A", "a-3")});
  auto complete = read(read_kind::delta).body.str();
  BOOST_TEST(complete.find(R"("apps__hashcode":"UP_3_")") != std::string::npos);
  now += 1000;
  publish("A", {record("A", "a-4")});
  auto delta = read(read_kind::delta).body.str();
  BOOST_TEST(delta.find("\"a-1\"") == std::string::npos); // pushed out
  BOOST_TEST(delta.find("\"a-4\"") != std::string::npos);
  // Not UP_4_, which a client missing a-1 could never reach by itself, but
  // a value no registry has: every client fetches the full registry.
  BOOST_TEST(delta.find(R"("apps__hashcode":")" + std::string{incomplete_delta_hashcode} + "\"")
             != std::string::npos);
  BOOST_TEST(read(read_kind::all_apps).body.str().find("a-1") != std::string::npos);
  // Once a-1 would have left by retention anyway, the delta is whole again.
  now += cfg.retention_time_in_delta_queue_ms + 1;
  model->retain(now - cfg.retention_time_in_delta_queue_ms);
  now += 1000;
  publish("A", {record("A", "a-5")});
  auto later = read(read_kind::delta).body.str();
  BOOST_TEST(later.find(R"("apps__hashcode":"UP_5_")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(instances_are_found_by_index) {
  publish("B", {record("B", "shared"), record("B", "b-only")});
  publish("A", {record("A", "shared")});
  BOOST_TEST(model->app_of("shared") == "A"); // the first by name
  BOOST_TEST(model->app_of("b-only") == "B");
  BOOST_TEST(model->app_of("nobody").empty());
  // A re-registration is one entry: removing it once removes it.
  publish("A", {record("A", "shared")});
  publish("A", {record("A", "shared", action_type::deleted)});
  BOOST_TEST(model->app_of("shared") == "B");
  model->drop("B");
  BOOST_TEST(model->app_of("shared").empty());
  BOOST_TEST(model->app_of("b-only").empty());
  publish("B", {record("B", "b-only")});
  BOOST_TEST(model->app_of("b-only") == "B");
}

BOOST_AUTO_TEST_CASE(vip_reads_match_listed_addresses_exactly) {
  auto r = record("A", "a-1");
  auto info = *r.holder;
  info.vip_address = "one,two, three";
  r.holder = std::make_shared<const instance_info>(info);
  publish("A", {r});
  auto hit = [&](const std::string& vip) {
    return read(read_kind::vip, payload_format::json, false, representation::full, vip)
               .body.str()
               .find("a-1")
           != std::string::npos;
  };
  BOOST_TEST(hit("one"));
  BOOST_TEST(hit("two"));
  BOOST_TEST(hit(" three"));
  BOOST_TEST(!hit("three")); // no trimming (contract §1.2)
  BOOST_TEST(!hit("on"));
}

BOOST_AUTO_TEST_SUITE_END()
