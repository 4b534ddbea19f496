// The reader: serves every registry-wide read — the full registry, the delta
// with its recently-changed queue, applications, VIPs and SVIPs, instances
// by id, the override dump and the registry figures — from the views the
// registry actors publish, through its read_model (encoded on demand per
// application and form). It owns nothing it could change: the views are
// immutable and come from the owners of the lease tables.
//
// Why an actor of its own: a read can take long (a plain full registry of
// 100,000 instances is encoded per request beyond the plain budget, 0.2-0.6 s),
// and in the directory's mailbox it held up every registration behind it.
// Here it holds up only other reads. Reads still see every write answered
// before them: a registry actor sends its view here before its reply, so the
// view is in this mailbox before the client can ask again.
//
// Where it runs (reader_placement): in the node, on a thread of its own at
// a lower CPU priority. On the scheduler's workers a long encode occupied a
// worker, and a registry actor's message queued behind it waited until the
// other worker stole it; at a lower priority the kernel runs the write path
// (the gateway's thread, the registry actors) first whenever both are
// ready, and the reader takes what they leave. The deterministic tests keep
// it on the scheduler (the test coordinator runs only scheduled actors).
//
// It follows the directory's routing table (routes_atom) as the gateway
// does: a view counts only from the current registry actor of its
// application, and an application without one has no view. GET
// instances/{id} resolves the application here (by index) and goes on to
// that actor, which answers from its table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include <caf/spawn_options.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/read_model.hpp"
#include "actors/time_anchor.hpp"
#include "common/rate_meter.hpp"
#include "messages/interfaces.hpp"
#include "messages/registry_stats.hpp"
#include "registry/registry_config.hpp"

namespace eureka {

/// Where the reader runs: on the actor scheduler (own_thread false: every
/// test), or detached on a thread of its own whose nice value is `nice`
/// (0..19; a positive value only lowers the priority, no privilege needed).
struct reader_placement {
  bool own_thread = false;
  int nice = 0;
  /// Hands the allocator's free pages back to the system (the node:
  /// malloc_trim, common/allocator.hpp). Called at the delta retention tick
  /// once replies of at least trim_after_reply_bytes were built since the
  /// last call: the encodes of large reads leave free pages in the arena of
  /// the thread that made them (56 MiB at 1,000,000 instances after one
  /// full fetch in every form), which glibc keeps otherwise. Null: never.
  void (*release_free_memory)() = nullptr;
  uint64_t trim_after_reply_bytes = 64 * 1024 * 1024;
};

struct reader_state {
  registry_config cfg;
  time_anchor clock;
  /// The registry as reads see it: views, delta queue, payloads.
  std::unique_ptr<read_model> reads;
  /// The registry actor of each application (the directory's routes).
  std::unordered_map<std::string, app_registry_actor> routes;
  /// The eviction actor's latest figures (via the directory), for stats.
  registry_stats eviction_figures;
  /// Every message handled, counted once (admin figures).
  rate_meter load;
  /// Bytes of the read replies built since free memory was last released.
  uint64_t reply_bytes_since_trim = 0;
  static const char* name;
};

/// Spawn with (config, clock anchor, placement); the directory spawns it
/// (spawn_reader) and publishes its routes to it.
reader_actor::behavior_type reader(reader_actor::stateful_pointer<reader_state> self,
                                   registry_config cfg, time_anchor clock,
                                   reader_placement placement);

/// Spawns the reader linked to `parent`, where `placement` says.
template <class Parent>
reader_actor spawn_reader(Parent* parent, const registry_config& cfg, time_anchor clock,
                          reader_placement placement) {
  if (placement.own_thread)
    return parent->template spawn<caf::linked + caf::detached>(reader, cfg, clock, placement);
  return parent->template spawn<caf::linked>(reader, cfg, clock, placement);
}

} // namespace eureka
