// common/rate_meter.hpp: events per second over a 10 s window, time passed in.
#define BOOST_TEST_MODULE rate_meter
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>

#include "common/rate_meter.hpp"

using eureka::rate_meter;

namespace {

constexpr int64_t t0 = 1700000000000; // an epoch ms on a second boundary

} // namespace

BOOST_AUTO_TEST_CASE(a_new_meter_reads_zero) {
  rate_meter m;
  BOOST_TEST(m.total() == 0u);
  BOOST_TEST(m.per_second(t0) == 0.0);
  BOOST_TEST(m.per_second(0) == 0.0);
}

BOOST_AUTO_TEST_CASE(events_in_the_window_count_over_ten_seconds) {
  rate_meter m;
  for (int i = 0; i < 20; ++i)
    m.count(t0 + 500);
  for (int i = 0; i < 30; ++i)
    m.count(t0 + 9999); // the tenth second of the window
  BOOST_TEST(m.total() == 50u);
  BOOST_TEST(m.per_second(t0 + 9999) == 5.0);
}

BOOST_AUTO_TEST_CASE(the_window_rolls_over_second_by_second) {
  rate_meter m;
  for (int s = 0; s < 10; ++s)
    m.count(t0 + s * 1000 + 10); // one event per second for ten seconds
  BOOST_TEST(m.per_second(t0 + 9500) == 1.0);
  BOOST_TEST(m.per_second(t0 + 10000) == 0.9); // the second at t0 left the window
  BOOST_TEST(m.per_second(t0 + 14000) == 0.5);
  m.count(t0 + 14000); // reuses the bucket of second 4, which must be reset
  BOOST_TEST(m.per_second(t0 + 14000) == 0.6);
  BOOST_TEST(m.per_second(t0 + 19000) == 0.1);
  BOOST_TEST(m.per_second(t0 + 24000) == 0.0);
  BOOST_TEST(m.total() == 11u);
}

BOOST_AUTO_TEST_CASE(a_gap_longer_than_the_window_forgets_everything) {
  rate_meter m;
  for (int i = 0; i < 100; ++i)
    m.count(t0 + 3000);
  // Exactly ten windows later the same bucket comes round: the old events
  // must not be taken for new ones.
  BOOST_TEST(m.per_second(t0 + 103000) == 0.0);
  m.count(t0 + 103000);
  BOOST_TEST(m.per_second(t0 + 103000) == 0.1);
  m.count(t0 + 3600000);
  BOOST_TEST(m.per_second(t0 + 3600000) == 0.1);
  BOOST_TEST(m.total() == 102u);
}

BOOST_AUTO_TEST_CASE(time_going_backwards_is_clamped) {
  rate_meter m;
  m.count(t0 + 5000);
  m.count(t0 + 1000); // the clock stepped back: counted in the latest second
  m.count(0);
  m.count(-123456); // even before the epoch
  BOOST_TEST(m.total() == 4u);
  BOOST_TEST(m.per_second(t0 + 5000) == 0.4);
  // Asked for an earlier time: read as of the latest second seen.
  BOOST_TEST(m.per_second(t0) == 0.4);
  BOOST_TEST(m.per_second(t0 + 15000) == 0.0);
}

BOOST_AUTO_TEST_CASE(extreme_and_negative_times_never_crash) {
  rate_meter m;
  m.count(-1); // second -1, not 0
  m.count(-1001);
  BOOST_TEST(m.per_second(-1) == 0.2);
  m.count(std::numeric_limits<int64_t>::max());
  m.count(std::numeric_limits<int64_t>::min());
  BOOST_TEST(m.total() == 4u);
  BOOST_TEST(m.per_second(std::numeric_limits<int64_t>::max()) == 0.2);
  BOOST_TEST(m.per_second(std::numeric_limits<int64_t>::min()) == 0.2);
}
