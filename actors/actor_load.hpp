// The load figures every actor of the node reports to the admin console
// (actor_load, messages/admin_messages.hpp): messages handled, their rate,
// and its mailbox depth.
#pragma once

#include <cstdint>

#include "actors/time_anchor.hpp"
#include "common/rate_meter.hpp"
#include "messages/admin_messages.hpp"

namespace eureka {

/// Counts a message `self` handled, for its load (one call per handler; its
/// state keeps the meter as `load`).
template <class Self>
void count_handled(Self* self) {
  self->state.load.count(epoch_now(self));
}

/// The load of `self`, counted by `meter` (one count per handled message).
/// Only the actor itself may call this, from one of its handlers: reading
/// the mailbox size moves what other threads enqueued into the actor's own
/// queue (caf/intrusive/fifo_inbox.hpp, size() calls fetch_more()).
template <class Self>
actor_load load_of(Self* self, const rate_meter& meter, int64_t now_ms) {
  actor_load load;
  load.mailbox_depth = static_cast<uint64_t>(self->mailbox().size());
  load.messages_total = meter.total();
  load.messages_per_second = meter.per_second(now_ms);
  return load;
}

} // namespace eureka
