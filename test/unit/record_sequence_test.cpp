// record_sequence: the runs a view's instances are held in. Every operation
// keeps the records ordered and the runs within bounds, and a change copies
// only the run it touches (the others stay shared with the sequence before).
#define BOOST_TEST_MODULE record_sequence
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "registry/record_sequence.hpp"

using namespace eureka;

namespace {

std::string id_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "i-%05d", i);
  return buf;
}

instance_record record(const std::string& id, instance_status status = instance_status::up) {
  instance_info x;
  x.instance_id = id;
  x.host_name = "host-" + id;
  x.app = "APP";
  x.ip_addr = "10.0.0.1";
  x.status = status;
  return instance_record::of(x);
}

std::vector<instance_record> records(int n) {
  std::vector<instance_record> out;
  for (int i = 0; i < n; ++i)
    out.push_back(record(id_of(i)));
  return out;
}

std::vector<std::string> ids(const record_sequence& s) {
  std::vector<std::string> out;
  for (const auto& r : s)
    out.emplace_back(r.id());
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(from_sorted_cuts_runs_and_finds_every_record) {
  for (int n : {0, 1, 63, 64, 65, 200}) {
    auto s = record_sequence::from_sorted(records(n));
    BOOST_TEST(s.well_formed());
    BOOST_TEST(s.size() == static_cast<size_t>(n));
    BOOST_TEST(s.empty() == (n == 0));
    BOOST_TEST(s.runs() == static_cast<size_t>((n + 63) / 64));
    std::vector<std::string> expected;
    for (int i = 0; i < n; ++i)
      expected.push_back(id_of(i));
    BOOST_TEST(ids(s) == expected, boost::test_tools::per_element());
    for (int i = 0; i < n; ++i) {
      auto found = s.find(id_of(i));
      BOOST_REQUIRE(found != nullptr);
      BOOST_TEST(found->id() == id_of(i));
    }
    BOOST_TEST(s.find("a") == nullptr);        // before every id
    BOOST_TEST(s.find("i-00000x") == nullptr); // between two
    BOOST_TEST(s.find("z") == nullptr);        // after every id
  }
}

BOOST_AUTO_TEST_CASE(a_change_copies_only_its_run) {
  auto before = record_sequence::from_sorted(records(200)); // runs of 64, 64, 64, 8
  auto after = before;
  auto replaced = after.upsert(record(id_of(70), instance_status::down));
  BOOST_REQUIRE(replaced.has_value());
  BOOST_TEST(replaced->id() == id_of(70));
  BOOST_TEST((replaced->status() == instance_status::up));
  BOOST_TEST((after.find(id_of(70))->status() == instance_status::down));
  BOOST_TEST((before.find(id_of(70))->status() == instance_status::up)); // untouched
  BOOST_REQUIRE_EQUAL(after.runs(), 4u);
  BOOST_TEST(after.shares_run(0, before, 0));
  BOOST_TEST(!after.shares_run(1, before, 1));
  BOOST_TEST(after.shares_run(2, before, 2));
  BOOST_TEST(after.shares_run(3, before, 3));
  BOOST_TEST(after.size() == 200u);
}

BOOST_AUTO_TEST_CASE(inserts_split_full_runs_and_erases_drop_empty_ones) {
  auto s = record_sequence::from_sorted(records(64));    // one full run
  BOOST_TEST(!s.upsert(record("i-00010a")).has_value()); // new: between i-00010 and i-00011
  BOOST_TEST(s.size() == 65u);
  BOOST_TEST(s.runs() == 2u); // split in two
  BOOST_TEST(s.well_formed());
  BOOST_TEST(s.find("i-00010a") != nullptr);
  BOOST_TEST(!s.upsert(record("a")).has_value()); // before every id
  BOOST_TEST(!s.upsert(record("z")).has_value()); // after every id
  BOOST_TEST(ids(s).front() == "a");
  BOOST_TEST(ids(s).back() == "z");
  BOOST_TEST(!s.erase("nope").has_value());
  auto removed = s.erase("z");
  BOOST_REQUIRE(removed.has_value());
  BOOST_TEST(removed->id() == "z");
  BOOST_TEST(s.size() == 66u);
  BOOST_TEST(s.well_formed());
  // Every record out: no run left.
  for (const auto& id : ids(s))
    BOOST_TEST(s.erase(id).has_value());
  BOOST_TEST(s.empty());
  BOOST_TEST(s.runs() == 0u);
  BOOST_TEST(s.well_formed());
  BOOST_TEST(!s.upsert(record("only")).has_value());
  BOOST_TEST(ids(s) == std::vector<std::string>{"only"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(random_changes_match_an_ordered_map) {
  std::mt19937 rng{7};
  std::map<std::string, instance_status> model;
  record_sequence s;
  const instance_status statuses[] = {instance_status::up, instance_status::down,
                                      instance_status::starting};
  for (int step = 0; step < 5000; ++step) {
    auto id = id_of(static_cast<int>(rng() % 700));
    if (rng() % 3 == 0) {
      bool held = model.erase(id) > 0;
      BOOST_TEST(s.erase(id).has_value() == held);
    } else {
      auto status = statuses[rng() % 3];
      bool held = model.count(id) > 0;
      model[id] = status;
      BOOST_TEST(s.upsert(record(id, status)).has_value() == held);
    }
    if (step % 250 == 0 || step == 4999) {
      BOOST_REQUIRE(s.well_formed());
      BOOST_REQUIRE_EQUAL(s.size(), model.size());
      auto it = s.begin();
      for (const auto& [mid, mstatus] : model) {
        BOOST_REQUIRE(it != s.end());
        BOOST_TEST(it->id() == mid);
        BOOST_TEST((it->status() == mstatus));
        ++it;
      }
      BOOST_TEST((it == s.end()));
    }
  }
}
