// Registry rules: lease arithmetic, status rule chain and overrides, hash
// code, self-preservation math, delta retention (contract §3, §8).
#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include <limits>

#include "registry/app_table.hpp"
#include "registry/delta_queue.hpp"
#include "registry/dirty_timestamp.hpp"
#include "registry/hashcode.hpp"
#include "registry/self_preservation.hpp"

using namespace eureka;

namespace {

constexpr int64_t t0 = 1700000000000;

instance_info make_instance(std::string id, instance_status status, int64_t dirty) {
  instance_info x;
  x.instance_id = id;
  x.host_name = "host-" + id;
  x.app = "APP";
  x.ip_addr = "10.0.0.1";
  x.status = status;
  x.last_dirty_timestamp = dirty;
  x.vip_address = std::string{"app"};
  return x;
}

struct table_fixture {
  registry_config cfg;
  app_table table{"APP", cfg, t0};
  table_changes changes;

  instance_status status_of(const std::string& id) {
    auto l = table.find(id);
    BOOST_REQUIRE(l != nullptr);
    return l->holder().status;
  }

  renew_result renew(const std::string& id, caf::optional<int64_t> dirty = caf::none,
                     bool replication = false, int64_t now = t0) {
    return table.renew(id, replication, dirty, caf::none, now, changes);
  }
};

} // namespace

BOOST_AUTO_TEST_SUITE(hash_code)

BOOST_AUTO_TEST_CASE(empty_registry_has_empty_hash) {
  BOOST_TEST(reconcile_hash(status_counts{}) == "");
}

BOOST_AUTO_TEST_CASE(statuses_sorted_by_name_with_trailing_underscore) {
  status_counts c;
  c.add(instance_status::up, 3);
  c.add(instance_status::down, 1);
  BOOST_TEST(reconcile_hash(c) == "DOWN_1_UP_3_");
  c.add(instance_status::out_of_service, 2);
  c.add(instance_status::starting);
  c.add(instance_status::unknown);
  BOOST_TEST(reconcile_hash(c) == "DOWN_1_OUT_OF_SERVICE_2_STARTING_1_UNKNOWN_1_UP_3_");
}

BOOST_AUTO_TEST_CASE(counts_add_up) {
  status_counts a, b;
  a.add(instance_status::up);
  b.add(instance_status::up);
  b.add(instance_status::down);
  a += b;
  BOOST_TEST(reconcile_hash(a) == "DOWN_1_UP_2_");
  BOOST_TEST(a.total() == 3);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(self_preservation)

BOOST_AUTO_TEST_CASE(threshold_is_floor_of_expected_times_rate_times_percent) {
  BOOST_TEST(renew_threshold(51, 30, 0.85) == 86); // worked example §3.7
  BOOST_TEST(renew_threshold(2, 30, 0.85) == 3);
  BOOST_TEST(renew_threshold(1, 30, 0.85) == 1);
  BOOST_TEST(renew_threshold(0, 30, 0.85) == 0);
  BOOST_TEST(renew_threshold(10, 60, 0.5) == 5);
  BOOST_TEST(renew_threshold(10, 0, 0.85) == 17); // <= 0 means 30 s
}

BOOST_AUTO_TEST_CASE(expiration_needs_strictly_more_renewals_than_threshold) {
  BOOST_TEST(lease_expiration_enabled(true, 86, 90));
  BOOST_TEST(!lease_expiration_enabled(true, 86, 86));
  BOOST_TEST(!lease_expiration_enabled(true, 86, 0));
  BOOST_TEST(!lease_expiration_enabled(true, 0, 100)); // T62: threshold 0 never evicts
  BOOST_TEST(lease_expiration_enabled(false, 0, 0));
}

BOOST_AUTO_TEST_CASE(eviction_cap) {
  BOOST_TEST(eviction_limit(1, 0.85) == 1u);
  BOOST_TEST(eviction_limit(10, 0.85) == 2u); // T61
  BOOST_TEST(eviction_limit(50, 0.85) == 8u);
  BOOST_TEST(eviction_limit(0, 0.85) == 0u);
}

BOOST_AUTO_TEST_CASE(eviction_compensation) { // T59
  BOOST_TEST(eviction_compensation_ms(0, t0, 60000) == 0);
  BOOST_TEST(eviction_compensation_ms(t0, t0 + 60000, 60000) == 0);
  BOOST_TEST(eviction_compensation_ms(t0, t0 + 60010, 60000) == 10);
  BOOST_TEST(eviction_compensation_ms(t0, t0 + 30000, 60000) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lease_math)

BOOST_AUTO_TEST_CASE(corrected_expiry_after_one_duration_since_last_renewal) {
  lease l;
  l.duration_ms = 90000;
  l.registration_timestamp = l.last_update_timestamp = t0;
  BOOST_TEST(!l.is_expired(t0 + 90000, 0));
  BOOST_TEST(l.is_expired(t0 + 90001, 0));
  l.renew(t0 + 30000, false);
  BOOST_TEST(l.last_update_timestamp == t0 + 30000);
  BOOST_TEST(!l.is_expired(t0 + 120000, 0));
  BOOST_TEST(l.is_expired(t0 + 120001, 0));
  BOOST_TEST(!l.is_expired(t0 + 120001, 10)); // compensation extends
  BOOST_TEST(l.decorated().lease.last_renewal_timestamp == t0 + 30000);
}

BOOST_AUTO_TEST_CASE(legacy_expiry_adds_the_duration_twice) {
  lease l;
  l.duration_ms = 90000;
  l.registration_timestamp = l.last_update_timestamp = t0;
  BOOST_TEST(l.is_expired(t0 + 90001, 0)); // never renewed: one duration
  l.renew(t0 + 30000, true);
  BOOST_TEST(l.last_update_timestamp == t0 + 120000);
  BOOST_TEST(!l.is_expired(t0 + 210000, 0));
  BOOST_TEST(l.is_expired(t0 + 210001, 0));
  BOOST_TEST(l.decorated().lease.last_renewal_timestamp == t0 + 120000);
}

BOOST_AUTO_TEST_CASE(cancelled_lease_is_expired) {
  lease l;
  l.last_update_timestamp = t0;
  l.eviction_timestamp = t0;
  BOOST_TEST(l.is_expired(t0, 0));
}

BOOST_AUTO_TEST_CASE(granted_duration_defaults_to_90s) {
  instance_info x;
  x.lease.duration_secs = 0;
  BOOST_TEST(granted_duration_ms(x) == 90000);
  x.lease.duration_secs = -5;
  BOOST_TEST(granted_duration_ms(x) == 90000);
  x.lease.duration_secs = 5;
  BOOST_TEST(granted_duration_ms(x) == 5000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dirty_timestamp_bound)

// Issue 6 item 3: a lastDirtyTimestamp far in the future would win every
// later conflict; at most the skew bound ahead of our clock is accepted.
BOOST_AUTO_TEST_CASE(at_most_the_skew_ahead_of_now) {
  constexpr int64_t skew = default_max_dirty_timestamp_skew_ms;
  constexpr auto max = std::numeric_limits<int64_t>::max();
  constexpr auto min = std::numeric_limits<int64_t>::min();
  BOOST_TEST(skew == 600000);
  BOOST_TEST(dirty_timestamp_acceptable(t0, t0, skew));
  BOOST_TEST(dirty_timestamp_acceptable(t0 + skew, t0, skew));
  BOOST_TEST(!dirty_timestamp_acceptable(t0 + skew + 1, t0, skew));
  BOOST_TEST(!dirty_timestamp_acceptable(max, t0, skew));
  // The past only ever loses a conflict: always acceptable.
  BOOST_TEST(dirty_timestamp_acceptable(0, t0, skew));
  BOOST_TEST(dirty_timestamp_acceptable(min, t0, skew));
  // No overflow at the edges of the clock or the bound.
  BOOST_TEST(dirty_timestamp_acceptable(max, max - 5, skew));
  BOOST_TEST(!dirty_timestamp_acceptable(max, min, skew));
  BOOST_TEST(dirty_timestamp_acceptable(max, t0, max));
  BOOST_TEST(!dirty_timestamp_acceptable(max, 0, max - 1));
  // 0: no bound (Java's behaviour).
  BOOST_TEST(dirty_timestamp_acceptable(max, t0, 0));
  static_assert(dirty_timestamp_acceptable(5, 0, 10), "usable in constant expressions");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(app_table_rules, table_fixture)

BOOST_AUTO_TEST_CASE(register_creates_lease_and_added_change) {
  BOOST_TEST(
      table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes));
  BOOST_REQUIRE_EQUAL(changes.size(), 1u);
  const auto& rec = changes[0].record;
  BOOST_TEST(rec.holder->action == action_type::added);
  BOOST_TEST(rec.holder->last_updated_timestamp == t0);
  BOOST_TEST(rec.lease.registration_timestamp == t0);
  BOOST_TEST(rec.lease.service_up_timestamp == t0);
  BOOST_TEST(rec.lease.duration_secs == 90);
  BOOST_TEST(rec.id() == "i1");
  BOOST_TEST(changes[0].in_delta);
  BOOST_TEST(!changes[0].removed);
  // Re-registration is not new and keeps serviceUp.
  BOOST_TEST(!table.register_instance(make_instance("i1", instance_status::up, 100), false, t0 + 5,
                                      changes));
  BOOST_TEST(table.find("i1")->service_up_timestamp == t0);
  BOOST_TEST(table.find("i1")->registration_timestamp == t0 + 5);
}

BOOST_AUTO_TEST_CASE(published_records_share_the_holder_and_never_change) {
  // Views on other threads read published records: a later change must
  // replace the holder, never write into the one they share.
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  auto published = changes.back().record;
  BOOST_TEST(published.holder.get() == &table.find("i1")->holder());
  BOOST_TEST(table.set_override("i1", instance_status::out_of_service, caf::none, t0 + 1, changes));
  BOOST_TEST((published.holder->status == instance_status::up));
  BOOST_TEST((published.holder->action == action_type::added));
  BOOST_TEST((table.find("i1")->holder().status == instance_status::out_of_service));
  BOOST_TEST(published.holder.get() != &table.find("i1")->holder());
  // A renewal changes only the lease's timing, which records copy.
  auto before = table.find("i1")->record();
  changes.clear();
  table.renew("i1", false, caf::none, caf::none, t0 + 30000, changes);
  BOOST_TEST(changes.empty());
  BOOST_TEST(before.lease.last_renewal_timestamp == t0 + 1);
  BOOST_TEST(table.find("i1")->record().lease.last_renewal_timestamp == t0 + 30000);
  BOOST_TEST(before.holder.get() == &table.find("i1")->holder());
}

BOOST_AUTO_TEST_CASE(non_up_registration_has_no_service_up) {
  table.register_instance(make_instance("i1", instance_status::starting, 100), false, t0, changes);
  BOOST_TEST(table.find("i1")->service_up_timestamp == 0);
}

BOOST_AUTO_TEST_CASE(renew_known_and_unknown) { // T10, T11
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  BOOST_TEST((renew("i1", 100).outcome == renew_outcome::ok));
  BOOST_TEST((renew("nope").outcome == renew_outcome::not_found));
}

BOOST_AUTO_TEST_CASE(renew_dirty_timestamp_reconciliation) { // T12, T13, T14
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  BOOST_TEST((renew("i1", 200).outcome == renew_outcome::not_found));
  BOOST_TEST((renew("i1", 50).outcome == renew_outcome::ok));
  auto r = renew("i1", 50, true);
  BOOST_TEST((r.outcome == renew_outcome::conflict));
  BOOST_REQUIRE(r.conflict_entity);
  BOOST_TEST(r.conflict_entity->last_dirty_timestamp == 100);
  BOOST_TEST((renew("i1", 100, true).outcome == renew_outcome::ok));
}

BOOST_AUTO_TEST_CASE(renew_does_not_queue_a_change) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  changes.clear();
  renew("i1", 100, false, t0 + 1000);
  BOOST_TEST(changes.empty());
  BOOST_TEST(table.find("i1")->last_update_timestamp == t0 + 1000);
}

BOOST_AUTO_TEST_CASE(replicated_renew_404_adopts_peer_override) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  changes.clear();
  auto r = table.renew("i1", true, int64_t{200}, instance_status::out_of_service, t0, changes);
  BOOST_TEST((r.outcome == renew_outcome::not_found));
  BOOST_TEST((table.find("i1")->holder().overridden_status == instance_status::out_of_service));
  BOOST_REQUIRE_EQUAL(table.overrides().size(), 1u);
  BOOST_TEST(table.overrides()[0].second == "OUT_OF_SERVICE");
}

BOOST_AUTO_TEST_CASE(cancel_known_and_unknown) { // T15, T16
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  changes.clear();
  BOOST_TEST(table.cancel("i1", t0 + 10, changes));
  BOOST_REQUIRE_EQUAL(changes.size(), 1u);
  BOOST_TEST(changes[0].removed);
  BOOST_TEST(changes[0].record.holder->action == action_type::deleted);
  BOOST_TEST(changes[0].record.lease.eviction_timestamp == t0 + 10);
  BOOST_TEST(table.find("i1") == nullptr);
  BOOST_TEST(!table.cancel("i1", t0 + 10, changes));
}

BOOST_AUTO_TEST_CASE(override_set_and_delete_without_value) { // T17, T18
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  BOOST_TEST(table.set_override("i1", instance_status::down, caf::none, t0, changes));
  BOOST_TEST((status_of("i1") == instance_status::down));
  BOOST_TEST((table.find("i1")->holder().action == action_type::modified));
  BOOST_TEST(table.delete_override("i1", instance_status::unknown, caf::none, t0, changes));
  BOOST_TEST((status_of("i1") == instance_status::unknown));
  BOOST_TEST((renew("i1").outcome == renew_outcome::not_found));
}

BOOST_AUTO_TEST_CASE(override_delete_with_value) { // T19
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::out_of_service, caf::none, t0, changes);
  table.delete_override("i1", instance_status::down, caf::none, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::down));
  BOOST_TEST((table.find("i1")->holder().overridden_status == instance_status::unknown));
}

BOOST_AUTO_TEST_CASE(override_on_unknown_instance) { // T20, T21
  BOOST_TEST(!table.set_override("x", instance_status::down, caf::none, t0, changes));
  BOOST_TEST(!table.delete_override("x", instance_status::unknown, caf::none, t0, changes));
  BOOST_TEST(changes.empty());
}

BOOST_AUTO_TEST_CASE(override_equal_to_status_is_not_recorded) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  changes.clear();
  BOOST_TEST(table.set_override("i1", instance_status::up, caf::none, t0, changes));
  BOOST_TEST(changes.empty());
  BOOST_TEST(table.overrides().empty());
}

BOOST_AUTO_TEST_CASE(override_raises_dirty_timestamp_only_upwards) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::down, int64_t{50}, t0, changes);
  BOOST_TEST(table.find("i1")->holder().last_dirty_timestamp == 100);
  table.set_override("i1", instance_status::out_of_service, int64_t{300}, t0, changes);
  BOOST_TEST(table.find("i1")->holder().last_dirty_timestamp == 300);
}

BOOST_AUTO_TEST_CASE(override_survives_reregistration) { // T23, T24
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::out_of_service, caf::none, t0, changes);
  table.register_instance(make_instance("i1", instance_status::up, 200), false, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
  table.delete_override("i1", instance_status::down, caf::none, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::down));
  table.register_instance(make_instance("i1", instance_status::up, 200), false, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::up));
}

BOOST_AUTO_TEST_CASE(override_reapplied_on_renew) { // T25
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::out_of_service, caf::none, t0, changes);
  // A replica's copy forced back to UP (a peer registration).
  table.register_instance(make_instance("i1", instance_status::up, 100), true, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
  BOOST_TEST((renew("i1").outcome == renew_outcome::ok));
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
}

BOOST_AUTO_TEST_CASE(client_starting_beats_override) { // T26
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::out_of_service, caf::none, t0, changes);
  table.register_instance(make_instance("i1", instance_status::starting, 200), false, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::starting));
}

BOOST_AUTO_TEST_CASE(existing_up_lease_sticks_against_client_oos) { // T27
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.register_instance(make_instance("i1", instance_status::out_of_service, 100), false, t0,
                          changes);
  table.register_instance(make_instance("i1", instance_status::out_of_service, 100), false, t0,
                          changes);
  BOOST_TEST((status_of("i1") == instance_status::up));
  // ... but not against a peer.
  table.register_instance(make_instance("i1", instance_status::out_of_service, 100), true, t0,
                          changes);
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
}

BOOST_AUTO_TEST_CASE(existing_oos_lease_sticks_against_client_up) { // T28
  table.register_instance(make_instance("i1", instance_status::out_of_service, 100), false, t0,
                          changes);
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
}

BOOST_AUTO_TEST_CASE(older_registration_keeps_newer_copy) { // T29
  table.register_instance(make_instance("i1", instance_status::up, 200), true, t0, changes);
  table.register_instance(make_instance("i1", instance_status::down, 100), true, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::up));
  BOOST_TEST(table.find("i1")->holder().last_dirty_timestamp == 200);
}

// Only lastDirtyTimestamp takes part in conflicts: the registrant's
// lastUpdatedTimestamp and lease timestamps are replaced by the server's.
BOOST_AUTO_TEST_CASE(client_update_and_lease_timestamps_decide_nothing) {
  constexpr auto max = std::numeric_limits<int64_t>::max();
  table.register_instance(make_instance("i1", instance_status::up, 200), false, t0, changes);
  auto rival = make_instance("i1", instance_status::up, 100);
  rival.host_name = "rival";
  rival.last_updated_timestamp = max;
  rival.lease.registration_timestamp = max;
  rival.lease.last_renewal_timestamp = max;
  rival.lease.service_up_timestamp = max;
  table.register_instance(rival, false, t0 + 1, changes);
  auto l = table.find("i1");
  BOOST_TEST(l->holder().host_name == "host-i1");
  BOOST_TEST(l->holder().last_updated_timestamp == t0 + 1);
  auto shown = l->decorated();
  BOOST_TEST(shown.lease.registration_timestamp == t0 + 1);
  BOOST_TEST(shown.lease.last_renewal_timestamp == t0 + 1);
  BOOST_TEST(shown.lease.service_up_timestamp == t0);
  // A later registration of the owner (newer dirty timestamp) wins as usual.
  table.register_instance(make_instance("i1", instance_status::up, 300), false, t0 + 2, changes);
  BOOST_TEST(table.find("i1")->holder().last_dirty_timestamp == 300);
}

BOOST_AUTO_TEST_CASE(registration_transfers_initial_override) {
  auto x = make_instance("i1", instance_status::up, 100);
  x.overridden_status = instance_status::out_of_service;
  table.register_instance(x, true, t0, changes);
  BOOST_TEST((status_of("i1") == instance_status::out_of_service));
  BOOST_REQUIRE_EQUAL(table.overrides().size(), 1u);
}

BOOST_AUTO_TEST_CASE(metadata_update_merges_and_reregisters) {
  auto x = make_instance("i1", instance_status::up, 100);
  x.metadata = {{"a", "1"}, {"b", "2"}};
  table.register_instance(x, false, t0, changes);
  changes.clear();
  using result = app_table::metadata_result;
  BOOST_TEST(
      (table.update_metadata("i1", {{"b", "3"}, {"c", "4"}}, t0 + 7, changes) == result::updated));
  string_pairs expected{{"a", "1"}, {"b", "3"}, {"c", "4"}};
  BOOST_TEST((table.find("i1")->holder().metadata == expected));
  BOOST_TEST(table.find("i1")->registration_timestamp == t0 + 7);
  BOOST_REQUIRE_EQUAL(changes.size(), 1u);
  BOOST_TEST(changes[0].record.holder->action == action_type::added);
  BOOST_TEST((table.update_metadata("nope", {{"x", "y"}}, t0, changes) == result::not_found));
}

BOOST_AUTO_TEST_CASE(metadata_update_beyond_limits_changes_nothing) {
  auto x = make_instance("i1", instance_status::up, 100);
  for (size_t i = 0; i < max_metadata_entries; ++i)
    x.metadata.emplace_back("k" + std::to_string(i), "v");
  table.register_instance(x, false, t0, changes);
  changes.clear();
  using result = app_table::metadata_result;
  BOOST_TEST((table.update_metadata("i1", {{"one-more", "v"}}, t0, changes) == result::too_large));
  BOOST_TEST(changes.empty());
  BOOST_TEST(table.find("i1")->holder().metadata.size() == max_metadata_entries);
  BOOST_TEST(
      (table.update_metadata("i1", {{"k1", std::string(max_metadata_bytes, 'x')}}, t0, changes)
       == result::too_large));
  BOOST_TEST((table.update_metadata("i1", {{"k1", "replaced"}}, t0, changes)
              == result::updated)); // replacing keeps the count
}

BOOST_AUTO_TEST_CASE(pairs_merger_keeps_first_position_and_last_value) {
  string_pairs pairs{{"a", "1"}};
  pairs_merger m{pairs};
  m.put("b", "2");
  m.put("a", "3");
  m.put("c", "4");
  m.put("b", "5");
  string_pairs expected{{"a", "3"}, {"b", "5"}, {"c", "4"}};
  BOOST_TEST((pairs == expected));
}

BOOST_AUTO_TEST_CASE(expired_and_evicted) {
  auto a = make_instance("a", instance_status::up, 1);
  a.lease.duration_secs = 5;
  auto b = make_instance("b", instance_status::up, 1);
  b.lease.duration_secs = 90;
  table.register_instance(a, false, t0, changes);
  table.register_instance(b, false, t0, changes);
  BOOST_TEST(table.expired(t0 + 5000, 0).empty());
  auto ids = table.expired(t0 + 5001, 0);
  BOOST_REQUIRE_EQUAL(ids.size(), 1u);
  BOOST_TEST(ids[0] == "a");
  changes.clear();
  BOOST_TEST(table.evict({"a", "gone"}, t0 + 5001, 0, changes) == 1u);
  BOOST_TEST(table.size() == 1u);
  BOOST_TEST(changes.at(0).removed);
}

BOOST_AUTO_TEST_CASE(evict_skips_leases_renewed_since_the_sweep) {
  auto a = make_instance("a", instance_status::up, 1);
  a.lease.duration_secs = 5;
  table.register_instance(a, false, t0, changes);
  auto ids = table.expired(t0 + 6000, 0);
  BOOST_REQUIRE_EQUAL(ids.size(), 1u);
  renew("a", caf::none, false, t0 + 6001); // arrives between sweep and evict
  changes.clear();
  BOOST_TEST(table.evict(ids, t0 + 6002, 0, changes) == 0u);
  BOOST_TEST(changes.empty());
  BOOST_TEST(table.size() == 1u);
}

BOOST_AUTO_TEST_CASE(expired_leases_hidden_only_while_expiration_is_enabled) {
  auto a = make_instance("a", instance_status::up, 1);
  a.lease.duration_secs = 5;
  table.register_instance(a, false, t0, changes);
  BOOST_TEST(table.find_live("a", t0 + 5000, true) != nullptr);
  BOOST_TEST(table.find_live("a", t0 + 5001, true) == nullptr);
  BOOST_TEST(table.find_live("a", t0 + 5001, false) != nullptr);
  BOOST_TEST(table.find_live("nope", t0, false) == nullptr);
}

BOOST_AUTO_TEST_CASE(renewals_counted_per_previous_minute) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  renew("i1", caf::none, false, t0 + 1000);
  renew("i1", caf::none, false, t0 + 2000);
  BOOST_TEST(table.renews_last_minute(t0 + 30000) == 0); // minute not over yet
  BOOST_TEST(table.renews_last_minute(t0 + 60000) == 2);
  BOOST_TEST(table.renews_last_minute(t0 + 119999) == 2);
  BOOST_TEST(table.renews_last_minute(t0 + 180000) == 0); // a silent minute
}

BOOST_AUTO_TEST_CASE(override_expires_after_access_timeout) {
  table.register_instance(make_instance("i1", instance_status::up, 100), false, t0, changes);
  table.set_override("i1", instance_status::out_of_service, caf::none, t0, changes);
  BOOST_TEST(table.expire_overrides(t0 + cfg.override_expiry_ms) == 0u);
  BOOST_TEST(table.overrides().size() == 1u);
  renew("i1", caf::none, false, t0 + 1000); // an access
  BOOST_TEST(table.expire_overrides(t0 + cfg.override_expiry_ms + 1001) == 1u);
  BOOST_TEST(table.overrides().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(delta_queue_rules)

namespace {

instance_record queued(const std::string& id, action_type action = action_type::added) {
  instance_info x;
  x.instance_id = id;
  x.action = action;
  return instance_record::of(x, {});
}

auto app(const std::string& name) {
  return std::make_shared<const std::string>(name);
}

} // namespace

BOOST_AUTO_TEST_CASE(retention_drops_from_head_only) {
  delta_queue q;
  q.push(100, app("A"), queued("1"));
  q.push(300, app("A"), queued("2"));
  q.push(200, app("B"), queued("3")); // out of order: stays behind a young entry
  BOOST_TEST(q.drop_older_than(250) == 1u);
  BOOST_TEST(q.size() == 2u);
  BOOST_TEST(q.drop_older_than(301) == 2u);
  BOOST_TEST(q.empty());
  BOOST_TEST(q.bytes() == 0);
}

BOOST_AUTO_TEST_CASE(collapse_keeps_last_record_per_instance) {
  delta_queue q;
  q.push(1, app("B"), queued("x"));
  q.push(2, app("A"), queued("y"));
  q.push(3, app("B"), queued("z"));
  q.push(4, app("B"), queued("x", action_type::deleted));
  auto apps = q.collapse();
  BOOST_REQUIRE_EQUAL(apps.size(), 2u);
  BOOST_REQUIRE_EQUAL(apps["A"].size(), 1u);
  BOOST_TEST(apps["A"][0]->id() == "y");
  BOOST_REQUIRE_EQUAL(apps["B"].size(), 2u);
  BOOST_TEST(apps["B"][0]->id() == "x");
  BOOST_TEST((apps["B"][0]->holder->action == action_type::deleted));
  BOOST_TEST(apps["B"][1]->id() == "z");
}

BOOST_AUTO_TEST_CASE(the_budget_pushes_out_early_and_says_so_until_the_retention) {
  auto one = delta_queue::cost(queued("a"));
  delta_queue q{2 * one};
  q.push(100, app("A"), queued("a"));
  q.push(200, app("A"), queued("b"));
  BOOST_TEST(q.complete(50));
  q.push(300, app("A"), queued("c")); // pushes "a" (time 100) out
  BOOST_TEST(q.size() == 2u);
  BOOST_TEST(q.bytes() == 2 * one);
  BOOST_TEST(!q.complete(50));
  BOOST_TEST(!q.complete(100)); // "a" would still be within the retention
  BOOST_TEST(q.complete(101));  // ... but no longer here
}

BOOST_AUTO_TEST_CASE(a_removed_instance_costs_what_it_keeps_alive) {
  auto removed = queued("gone", action_type::deleted);
  auto info = removed.holder->expand();
  info.metadata.emplace_back("blob", std::string(100000, 'x'));
  removed.holder = compact_instance::make(info);
  BOOST_TEST(delta_queue::cost(removed) > 100000);
  auto live = removed;
  info.action = action_type::added;
  live.holder = compact_instance::make(info);
  BOOST_TEST(delta_queue::cost(live) < 1000); // the registry holds it anyway
}

BOOST_AUTO_TEST_SUITE_END()

// The stored record (registry/compact_instance.hpp): what a lease keeps of
// its registrant, in one allocation, with the application's shared strings
// interned in the table's pool.
BOOST_AUTO_TEST_SUITE(compact_record)

namespace {

/// Every field set, none to its default; present-but-empty and absent
/// optional strings both appear.
instance_info every_field() {
  instance_info x;
  x.instance_id = std::string{"i-full"};
  x.host_name = "a-host-name-longer-than-fifteen.example.com";
  x.app = "FULL";
  x.ip_addr = "10.1.2.3";
  x.sid = "sid-7";
  x.status = instance_status::starting;
  x.overridden_status = instance_status::out_of_service;
  x.port = {8081, false};
  x.secure_port = {8444, true};
  x.country_id = 44;
  x.data_center.kind = data_center_kind::amazon;
  x.data_center.name = "Amazon";
  x.data_center.metadata = {{"instance-id", "i-0abc"}, {"availability-zone", "eu-west-1a"}};
  x.data_center.present = true;
  x.lease.renewal_interval_secs = 5;
  x.lease.duration_secs = 15;
  x.metadata = {{"management.port", "8081"}, {"empty", ""}, {"long", std::string(300, 'v')}};
  x.app_group_name = std::string{""}; // present and empty: not the same as absent
  x.home_page_url = std::string{"http://a-host-name-longer-than-fifteen.example.com:8081/"};
  x.status_page_url = std::string{"http://h/info"};
  x.health_check_url = std::string{"http://h/health"};
  x.secure_health_check_url = caf::none;
  x.vip_address = std::string{"full,full-2"};
  x.secure_vip_address = std::string{"full-secure"};
  x.is_coordinating_discovery_server = true;
  x.last_updated_timestamp = 123;
  x.last_dirty_timestamp = 456;
  x.action = action_type::modified;
  x.asg_name = std::string{"asg-1"};
  return x;
}

instance_info bench_like(int k, const std::string& app) {
  auto host = "host-" + std::to_string(1000000 + k);
  instance_info x;
  x.instance_id = host + ":" + app + ":8080";
  x.host_name = host;
  x.app = app;
  x.ip_addr = "10.0.0." + std::to_string(k);
  x.home_page_url = "http://" + host + ":8080/";
  x.vip_address = to_upper_ascii(app) == app ? "vip-" + app : app;
  x.secure_vip_address = x.vip_address;
  x.metadata = {{"management.port", "8080"}};
  x.last_dirty_timestamp = 100;
  return x;
}

} // namespace

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_field) {
  auto x = every_field();
  string_pool pool;
  for (auto* p : {&pool, static_cast<string_pool*>(nullptr)}) {
    auto r = compact_instance::make(x, p);
    BOOST_TEST(same_fields(*r, x));
    BOOST_TEST((r->expand() == x)); // the lease timestamps are zero in both
    BOOST_TEST(!r->secure_health_check_url);
    BOOST_TEST(static_cast<bool>(r->app_group_name));
    BOOST_TEST((*r->app_group_name).empty());
    BOOST_TEST(r->id_view() == "i-full");
  }
  // The id rule of instance_info::id_view: no instanceId, Amazon instance-id.
  x.instance_id = caf::none;
  BOOST_TEST(compact_instance::make(x)->id_view() == x.id_view());
  x.data_center.kind = data_center_kind::my_own;
  BOOST_TEST(compact_instance::make(x)->id_view() == x.id_view());
  // The defaults (a lease not yet given a registrant shows these).
  BOOST_TEST((compact_instance::empty()->expand() == instance_info{}));
  // Each field on its own: a record differs from x exactly where x changed.
  auto y = every_field();
  auto r = compact_instance::make(y);
  y.metadata[2].second = "other";
  BOOST_TEST(!same_fields(*r, y));
  y = every_field();
  y.app_group_name = caf::none;
  BOOST_TEST(!same_fields(*r, y));
}

BOOST_AUTO_TEST_CASE(one_allocation_smaller_than_the_instance) {
  auto x = bench_like(1, "APP");
  string_pool pool;
  auto r = compact_instance::make(x, &pool);
  // The fixed part, the metadata entry and the instance's own strings.
  BOOST_TEST(r->allocated_bytes() < 400u);
  BOOST_TEST(approximate_bytes(*r) < approximate_bytes(x));
}

BOOST_AUTO_TEST_CASE(shared_strings_are_interned_once_per_application) {
  registry_config cfg;
  app_table a{"APP", cfg, t0};
  app_table b{"APP", cfg, t0};
  table_changes changes;
  a.register_instance(bench_like(1, "APP"), false, t0, changes);
  auto pool_size = a.pool().size();
  a.register_instance(bench_like(2, "APP"), false, t0, changes);
  b.register_instance(bench_like(3, "APP"), false, t0, changes);
  BOOST_TEST(a.pool().size() == pool_size); // nothing new to intern
  const auto& one = a.find("host-1000001:APP:8080")->holder();
  const auto& two = a.find("host-1000002:APP:8080")->holder();
  const auto& other = b.find("host-1000003:APP:8080")->holder();
  // Same application: one copy of each shared string (entries compared as
  // pointers: BOOST_TEST alone would compare char pointers as C strings).
  BOOST_TEST((one.app.entry() == two.app.entry()));
  BOOST_TEST((one.vip_address.entry() == two.vip_address.entry()));
  BOOST_TEST((one.secure_vip_address.entry() == two.vip_address.entry()));
  BOOST_TEST((one.sid.entry() == two.sid.entry()));
  BOOST_TEST((one.data_center.name.entry() == two.data_center.name.entry()));
  BOOST_TEST((one.metadata.begin()->first.entry() == two.metadata.begin()->first.entry()));
  BOOST_TEST((one.metadata.begin()->second.entry() == two.metadata.begin()->second.entry()));
  // The instance's own strings are its own; another table has its own pool.
  BOOST_TEST((one.host_name.entry() != two.host_name.entry()));
  BOOST_TEST((one.app.entry() != other.app.entry()));
  BOOST_TEST(one.app == other.app);
}

BOOST_AUTO_TEST_CASE(a_full_pool_starts_a_new_storage_and_old_records_keep_theirs) {
  string_pool pool{64};
  auto x = bench_like(1, "APP");
  auto first = compact_instance::make(x, &pool);
  for (int k = 0; k < 100; ++k) {
    auto y = bench_like(k, "APP");
    y.metadata.emplace_back("k", "value-" + std::to_string(k)); // unique, interned
    compact_instance::make(y, &pool);
    BOOST_TEST(pool.bytes() < 64u + 200u); // renewed before passing the capacity by much
  }
  BOOST_TEST(same_fields(*first, x)); // its storage outlives the pool's renewal
}

BOOST_AUTO_TEST_CASE(published_records_survive_every_later_change) {
  registry_config cfg;
  std::vector<instance_record> published;
  instance_info x = bench_like(1, "APP");
  {
    app_table table{"APP", cfg, t0};
    table_changes changes;
    table.register_instance(x, false, t0, changes);
    published.push_back(changes.back().record);
    changes.clear();
    auto id = x.id();
    // Each key views its current registrant's id (only readers keep a
    // replaced registrant alive, and here none does).
    auto keys_follow = [&] {
      changes.clear();
      for (const auto& [key, l] : table.leases()) {
        BOOST_TEST((key.data() == l.holder().id_view().data()));
        BOOST_TEST(table.find(std::string{key}) == &l);
      }
    };
    table.set_override(id, instance_status::out_of_service, caf::none, t0 + 1, changes);
    keys_follow();
    table.register_instance(bench_like(2, "APP"), false, t0 + 1, changes);
    table.delete_override(id, instance_status::up, caf::none, t0 + 2, changes);
    keys_follow();
    table.update_metadata(id, {{"zone", "z1"}}, t0 + 3, changes);
    keys_follow();
    auto newer = x;
    newer.host_name = "moved";
    newer.last_dirty_timestamp = 200;
    table.register_instance(newer, false, t0 + 4, changes);
    keys_follow();
    auto storage = table.pool().current();
    for (int k = 3; k < 3000; ++k) { // values unique: past the pool's capacity
      auto y = bench_like(k, "APP");
      y.metadata.emplace_back("n", "value-" + std::to_string(100000000000000000LL + k));
      table.register_instance(y, false, t0 + 5, changes);
    }
    BOOST_TEST((table.pool().current() != storage)); // it started anew
    storage.reset();
    keys_follow();
    BOOST_TEST(table.find(id)->holder().host_name == "moved");
    table.cancel(id, t0 + 6, changes);
    BOOST_TEST(table.find(id) == nullptr);
    for (auto& c : changes)
      published.push_back(c.record);
  } // the table is gone; readers still hold what it published
  const auto& first = *published.front().holder;
  BOOST_TEST((first.action == action_type::added));
  BOOST_TEST((first.status == instance_status::up));
  BOOST_TEST(first.host_name == "host-1000001");
  auto expect = x;
  expect.action = action_type::added;
  expect.last_updated_timestamp = t0;
  expect.lease.duration_secs = 90;
  BOOST_TEST(same_fields(first, expect));
  for (const auto& r : published)
    BOOST_TEST(r.id() == r.holder->expand().id()); // every one still readable
}

BOOST_AUTO_TEST_SUITE_END()
