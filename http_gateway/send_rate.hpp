// The minimum-rate rule for readers: while a connection has output pending,
// its client must take at least `min_rate` bytes per second, measured over
// windows of `window`; a slower one is disconnected.
//
// Why: a client that reads 1 KB/s (or nothing) would otherwise keep its
// connection, its socket buffers and the payload it pins for as long as it
// likes. Pure, time passed in.
#pragma once

#include <chrono>
#include <cstdint>

#include <caf/actor_clock.hpp>

namespace eureka::gateway {

class send_rate_guard {
public:
  using time_point = caf::actor_clock::time_point;

  /// Output is pending (again): starts a window unless one runs.
  void pending(time_point now, uint64_t sent_total) {
    if (active_)
      return;
    active_ = true;
    window_start_ = now;
    sent_at_start_ = sent_total;
  }

  /// Everything was sent: no window runs until output is pending again.
  void drained() { active_ = false; }

  bool active() const { return active_; }

  /// At the end of a window: whether the reader took less than `min_rate`
  /// bytes per second over it (at least one byte is always required, so a
  /// reader that takes nothing is caught even with `min_rate` 0). Starts the
  /// next window otherwise.
  bool too_slow(time_point now, uint64_t sent_total, uint64_t min_rate,
                std::chrono::milliseconds window) {
    if (!active_ || now - window_start_ < window)
      return false;
    auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - window_start_).count();
    auto required = static_cast<uint64_t>(elapsed_ms) * min_rate / 1000;
    if (required == 0)
      required = 1;
    if (sent_total - sent_at_start_ < required)
      return true;
    window_start_ = now;
    sent_at_start_ = sent_total;
    return false;
  }

private:
  bool active_ = false;
  time_point window_start_{};
  uint64_t sent_at_start_ = 0;
};

} // namespace eureka::gateway
