// Wall-clock milliseconds for the wire, derived from the actor clock so that
// the deterministic test scheduler drives every timestamp too.
#pragma once

#include <chrono>
#include <cstdint>

#include <caf/actor_clock.hpp>
#include <caf/actor_system.hpp>

namespace eureka {

struct time_anchor {
  /// Epoch milliseconds at `origin`.
  int64_t epoch_ms = 0;
  caf::actor_clock::time_point origin;

  int64_t to_epoch_ms(caf::actor_clock::time_point tp) const {
    return epoch_ms + std::chrono::duration_cast<std::chrono::milliseconds>(tp - origin).count();
  }
};

/// Epoch milliseconds now on `self`'s actor clock (its state keeps the
/// anchor as `clock`, as every actor of the node does).
template <class Self>
int64_t epoch_now(Self* self) {
  return self->state.clock.to_epoch_ms(self->clock().now());
}

/// Anchors the system's actor clock to the current wall-clock time.
inline time_anchor make_time_anchor(caf::actor_system& sys) {
  auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  return time_anchor{wall, sys.clock().now()};
}

} // namespace eureka
