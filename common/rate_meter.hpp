// Events per second over a short sliding window, for the admin console's
// actor load (messages per second). Pure: time is passed in (epoch or actor
// clock ms, as long as one meter always gets the same kind), no allocation,
// so an actor can count every message it handles.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace eureka {

class rate_meter {
public:
  /// One bucket per second, `window_secs` buckets.
  static constexpr int64_t bucket_ms = 1000;
  static constexpr size_t window_secs = 10;

  /// One event at `now_ms`. A time earlier than one already seen (a clock
  /// stepped back) counts in the latest second: the meter never goes back.
  void count(int64_t now_ms) {
    auto second = clamp(now_ms);
    auto& b = buckets_[index(second)];
    if (b.second != second)
      b = bucket{second, 0};
    ++b.events;
    ++total_;
  }

  /// Events per second over the window ending in the second of `now_ms`
  /// (that second included, so a burst shows at once; a second not yet over
  /// makes the figure lag slightly low, never high).
  double per_second(int64_t now_ms) const {
    auto second = std::max(second_of(now_ms), latest_);
    uint64_t events = 0;
    for (const auto& b : buckets_)
      if (b.second != unset && b.second <= second
          && second - b.second < static_cast<int64_t>(window_secs))
        events += b.events;
    return static_cast<double>(events) / static_cast<double>(window_secs);
  }

  /// Events since the meter was made.
  uint64_t total() const { return total_; }

private:
  static constexpr int64_t unset = std::numeric_limits<int64_t>::min();

  struct bucket {
    int64_t second = unset;
    uint64_t events = 0;
  };

  /// Floor division: a negative time still maps to its own second.
  static int64_t second_of(int64_t ms) {
    auto s = ms / bucket_ms;
    return (ms % bucket_ms < 0) ? s - 1 : s;
  }

  static size_t index(int64_t second) {
    auto n = static_cast<int64_t>(window_secs);
    return static_cast<size_t>(((second % n) + n) % n);
  }

  int64_t clamp(int64_t now_ms) {
    auto second = second_of(now_ms);
    if (second < latest_)
      return latest_;
    latest_ = second;
    return second;
  }

  std::array<bucket, window_secs> buckets_{};
  int64_t latest_ = unset;
  uint64_t total_ = 0;
};

} // namespace eureka
