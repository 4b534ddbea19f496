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
  return instance_record::of(x, lease);
}

std::string inflate(const response_body& b) {
  std::string out;
  BOOST_REQUIRE_MESSAGE(codec::gzip_decompress(b.str(), out, 1u << 30), "does not inflate");
  return out;
}

std::string expected_full(const std::map<std::string, std::vector<instance_record>>& apps,
                          payload_format format, representation repr, const std::string& hash);

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

  /// Every piece a read handed out, to see which outlive their responses.
  std::vector<std::weak_ptr<const std::string>> served;

  void track(const response_body& b) {
    for (const auto& p : b.pieces())
      served.emplace_back(p);
  }

  /// Bytes of the pieces handed out that the model still keeps alive
  /// (their responses are gone): each once, the one-byte separators (one
  /// static copy each) left out.
  uint64_t live_bytes() const {
    std::set<const std::string*> seen;
    uint64_t n = 0;
    for (const auto& w : served)
      if (auto p = w.lock(); p && p->size() > 1 && seen.insert(p.get()).second)
        n += p->size();
    return n;
  }

  /// A full registry plain or gzipped in one form, checked against the
  /// one-shot document; its pieces tracked.
  response_body read_checked(payload_format format, representation repr, bool gzip = false) {
    auto r = read(read_kind::all_apps, format, gzip, repr);
    BOOST_REQUIRE((r.outcome == read_outcome::ok));
    BOOST_REQUIRE(r.gzipped == gzip);
    auto expected = expected_full(held, format, repr, reconcile_hash(model->totals()));
    BOOST_TEST((gzip ? inflate(r.body) : r.body.str()) == expected);
    track(r.body);
    return r.body;
  }

  /// The piece of a body that holds `needle` (an application's part).
  static shared_body piece_with(const response_body& b, const std::string& needle) {
    for (const auto& p : b.pieces())
      if (p->find(needle) != std::string::npos)
        return p;
    BOOST_FAIL("no piece holds " << needle);
    return nullptr;
  }

  /// The pieces of a body, by address.
  static std::set<const std::string*> pieces(const response_body& b) {
    std::set<const std::string*> out;
    for (const auto& p : b.pieces())
      out.insert(p.get());
    return out;
  }
};

const std::vector<std::pair<payload_format, representation>> all_forms{
    {payload_format::json, representation::full},
    {payload_format::xml, representation::full},
    {payload_format::json, representation::compact},
    {payload_format::xml, representation::compact}};

/// One application inside <applications>, encoded at once (the reference).
std::string expected_part(const std::string& name, const std::vector<instance_record>& records,
                          payload_format format, representation repr) {
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
    return codec::application_object_json(name, views);
  if (repr == representation::compact)
    return codec::application_xml_compact(name, views);
  return codec::application_element_xml(name, views);
}

/// Every form, as the full registry encodes it at once (the reference).
std::string expected_full(const std::map<std::string, std::vector<instance_record>>& apps,
                          payload_format format, representation repr, const std::string& hash) {
  std::vector<std::string> parts;
  for (const auto& [name, records] : apps)
    if (!records.empty())
      parts.push_back(expected_part(name, records, format, repr));
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
    // The body stays alive while addresses are compared: a piece freed with
    // it could be reused for a new one at the same address (TSan's allocator
    // does so), which would then count as shared.
    auto before_body = read(read_kind::all_apps, payload_format::json, gzip).body;
    auto before = pieces(before_body);
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
  reader_report r;
  model->report(r);
  BOOST_TEST(r.cached_payloads == 1u);
  // Only the gzip body's pieces are held: no plain part, no plain document.
  BOOST_TEST(r.cached_payload_bytes == gz.body.size());
  auto plain = read(read_kind::all_apps);
  reader_report both;
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
  auto info = r.holder->expand();
  info.vip_address = "one,two, three";
  r.holder = compact_instance::make(info);
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

BOOST_AUTO_TEST_CASE(plain_parts_stay_within_their_budget_in_every_form) {
  // 30 applications of 4 instances: about 100 KB plain in the four forms;
  // the budget keeps a quarter of the full JSON form.
  for (int a = 0; a < 30; ++a) {
    auto app = "APP" + std::to_string(10 + a);
    std::vector<instance_record> rs;
    for (int i = 0; i < 4; ++i)
      rs.push_back(record(app, app + "-i" + std::to_string(i)));
    held[app] = rs;
  }
  uint64_t json = 0;
  for (const auto& [name, records] : held)
    json += expected_part(name, records, payload_format::json, representation::full).size();
  cfg.max_plain_cache_bytes = static_cast<int64_t>(json / 4);
  start();
  auto apps = held;
  held.clear();
  for (const auto& [name, records] : apps)
    publish(name, records);
  auto budget = static_cast<uint64_t>(cfg.max_plain_cache_bytes);
  // Twice over, plain and gzipped: every answer the one-shot document,
  // whichever parts were kept.
  for (int round = 0; round < 2; ++round)
    for (auto [format, repr] : all_forms) {
      read_checked(format, repr);
      read_checked(format, repr, true);
      BOOST_TEST(model->plain_cache_bytes() <= budget);
      BOOST_TEST(model->plain_cache_bytes() > budget / 2); // the budget is used
    }
  // What is still alive once the responses are gone: the kept parts, the
  // gzip payloads and their segments, no plain part beyond the budget.
  uint64_t gzip_kept = 0;
  for (auto [format, repr] : all_forms)
    gzip_kept += read_checked(format, repr, true).size();
  // (slack: the head and tail of a form whose parts are all kept, kept
  // with its payload).
  const uint64_t framing = 4 * 1024;
  BOOST_TEST(live_bytes() <= budget + gzip_kept + framing);
  reader_report r;
  model->report(r);
  BOOST_TEST(r.cached_payload_bytes <= budget + gzip_kept + framing);
  BOOST_TEST(r.cached_payload_bytes >= model->plain_cache_bytes());
}

BOOST_AUTO_TEST_CASE(the_least_recently_used_plain_part_leaves_first) {
  publish("A", {record("A", "a-1"), record("A", "a-2")});
  auto size = [&](payload_format format, representation repr) {
    return expected_part("A", held["A"], format, repr).size();
  };
  auto j = size(payload_format::json, representation::full);
  auto jc = size(payload_format::json, representation::compact);
  auto x = size(payload_format::xml, representation::full);
  BOOST_REQUIRE(jc <= x);
  // Room for JSON and compact JSON, or for JSON and XML: not for all three.
  cfg.max_plain_cache_bytes = static_cast<int64_t>(j + x);
  start();
  held.clear();
  publish("A", {record("A", "a-1"), record("A", "a-2")});
  auto json = piece_with(read_checked(payload_format::json, representation::full), "a-1");
  auto compact = piece_with(read_checked(payload_format::json, representation::compact), "a-1");
  BOOST_TEST(model->plain_cache_bytes() == j + jc);
  // JSON read again: compact JSON is now the least recently used, and the
  // one XML pushes out.
  BOOST_TEST(piece_with(read_checked(payload_format::json, representation::full), "a-1") == json);
  read_checked(payload_format::xml, representation::full);
  BOOST_TEST(model->plain_cache_bytes() == j + x);
  BOOST_TEST(piece_with(read_checked(payload_format::json, representation::full), "a-1") == json);
  BOOST_TEST(piece_with(read_checked(payload_format::json, representation::compact), "a-1")
             != compact);
}

BOOST_AUTO_TEST_CASE(a_read_larger_than_the_budget_keeps_its_first_parts) {
  // Three applications, room for two parts: each read keeps the first two
  // and encodes the third for its response (it does not push out the parts
  // the next read of the same form will use).
  for (auto app : {"A", "B", "C"})
    held[app] = {record(app, std::string{app} + "-1")};
  auto part = expected_part("A", held["A"], payload_format::json, representation::full).size();
  cfg.max_plain_cache_bytes = static_cast<int64_t>(2 * part + part / 2);
  start();
  auto apps = held;
  held.clear();
  for (const auto& [name, records] : apps)
    publish(name, records);
  auto first = read_checked(payload_format::json, representation::full);
  auto again = read_checked(payload_format::json, representation::full);
  BOOST_TEST(piece_with(again, "A-1") == piece_with(first, "A-1"));
  BOOST_TEST(piece_with(again, "B-1") == piece_with(first, "B-1"));
  BOOST_TEST(piece_with(again, "C-1") != piece_with(first, "C-1"));
  BOOST_TEST(model->plain_cache_bytes() == 2 * part);
}

BOOST_AUTO_TEST_CASE(a_budget_of_zero_keeps_no_plain_bytes) {
  cfg.max_plain_cache_bytes = 0;
  start();
  for (auto app : {"A", "B", "C"})
    publish(app, {record(app, std::string{app} + "-1"), record(app, std::string{app} + "-2")});
  for (auto [format, repr] : all_forms) {
    read_checked(format, repr);
    read_checked(format, repr);
  }
  BOOST_TEST(model->plain_cache_bytes() == 0u);
  BOOST_TEST(live_bytes() == 0u);
  // A change, then every form again: still the one-shot documents.
  publish("B", {record("B", "B-3")});
  for (auto [format, repr] : all_forms)
    read_checked(format, repr);
  BOOST_TEST(live_bytes() == 0u);
  reader_report r;
  model->report(r);
  BOOST_TEST(r.cached_payload_bytes == 0u);
}

BOOST_AUTO_TEST_CASE(gzip_reads_need_no_plain_budget) {
  cfg.max_plain_cache_bytes = 0;
  start();
  publish("A", {record("A", "a-1"), record("A", "a-2")});
  publish("B", {record("B", "b-1")});
  for (auto [format, repr] : all_forms) {
    auto gz = read_checked(format, repr, true);
    // Kept as before: the same body again, not compressed again.
    BOOST_TEST(read_checked(format, repr, true).same_as(gz));
  }
  // A plain read in between keeps nothing and changes no gzip answer.
  read_checked(payload_format::json, representation::full);
  auto gz = read(read_kind::all_apps, payload_format::json, true);
  BOOST_TEST(inflate(gz.body)
             == expected_full(held, payload_format::json, representation::full,
                              reconcile_hash(model->totals())));
  BOOST_TEST(model->plain_cache_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(the_read_only_cache_keeps_its_plain_registry_within_the_budget) {
  // decisions.md §2 switch: a key shows the registry of the last refresh,
  // plain bytes included, without keeping them.
  cfg.use_read_only_response_cache = true;
  cfg.max_plain_cache_bytes = 0;
  start();
  publish("A", {record("A", "a-1")});
  publish("B", {record("B", "b-1")});
  auto before = expected_full(held, payload_format::json, representation::full,
                              reconcile_hash(model->totals()));
  auto xml_before = expected_full(held, payload_format::xml, representation::compact,
                                  reconcile_hash(model->totals()));
  auto first = read(read_kind::all_apps);
  track(first.body);
  BOOST_TEST(first.body.str() == before);
  auto xml = read(read_kind::all_apps, payload_format::xml, false, representation::compact);
  track(xml.body);
  BOOST_TEST(xml.body.str() == xml_before);
  first.body = {};
  xml.body = {};
  BOOST_TEST(live_bytes() == 0u);
  // A change: the key still shows the registry it took, until the refresh.
  publish("A", {record("A", "a-2")});
  auto held_before = read(read_kind::all_apps);
  track(held_before.body);
  BOOST_TEST(held_before.body.str() == before);
  BOOST_TEST(
      read(read_kind::all_apps, payload_format::xml, false, representation::compact).body.str()
      == xml_before);
  held_before.body = {};
  BOOST_TEST(live_bytes() == 0u);
  model->refresh_read_only(now - cfg.retention_time_in_delta_queue_ms);
  auto after = read(read_kind::all_apps).body.str();
  BOOST_TEST(after
             == expected_full(held, payload_format::json, representation::full,
                              reconcile_hash(model->totals())));
  BOOST_TEST(after.find("a-2") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
