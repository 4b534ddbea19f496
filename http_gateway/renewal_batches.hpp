// Heartbeats on their way from the gateway to the registry actors: grouped
// per application for one I/O poll, and sent straight to the owning actor
// by a routing table the directory publishes. Pure (no actors, no sockets):
// the gateway holds one of each, templated on what it stores, so the rules
// are tested without either.
//
// Why: a heartbeat is the registry's most frequent write. Through the
// directory it cost two actor hops and three thread hand-offs, and queued
// behind every read the directory served. Sent straight and grouped, a poll
// of heartbeats costs one message per application there and one back.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "messages/registry_messages.hpp"

namespace eureka::gateway {

/// Where the heartbeats of each application go: its registry actor, as the
/// directory last said. `Handle` is an actor handle (tests use anything
/// with operator bool). A missing route is not an error: the directory
/// answers those heartbeats from its own table.
template <class Handle>
class route_table {
public:
  /// The directory's word on `app`: served by `actor`, or (an invalid
  /// handle) by nobody any more.
  void update(const std::string& app, Handle actor) {
    if (actor)
      routes_[app] = std::move(actor);
    else
      routes_.erase(app);
  }

  /// The registry actor of `app`, or nullptr when the directory must route.
  const Handle* find(const std::string& app) const {
    auto i = routes_.find(app);
    return i == routes_.end() ? nullptr : &i->second;
  }

  size_t size() const { return routes_.size(); }

private:
  std::unordered_map<std::string, Handle> routes_;
};

/// Heartbeats read since the last flush, one group per application in the
/// order applications first appeared, items in arrival order. `Ticket` is
/// what the gateway needs to answer an item (its connection and request).
template <class Ticket>
class renewal_batches {
public:
  struct group {
    renew_batch batch;
    std::vector<Ticket> tickets;
  };

  /// Adds a heartbeat. True when it is the first since the last take(): the
  /// caller schedules one flush for the poll.
  bool add(renew_cmd cmd, Ticket ticket) {
    bool first = groups_.empty();
    auto [at, fresh] = index_.try_emplace(cmd.app, groups_.size());
    if (fresh) {
      groups_.emplace_back();
      groups_.back().batch.app = cmd.app;
    }
    auto& g = groups_[at->second];
    g.batch.items.push_back(std::move(cmd));
    g.tickets.push_back(std::move(ticket));
    ++pending_;
    return first;
  }

  /// Everything added since the last take(), grouped; empties the batches.
  std::vector<group> take() {
    index_.clear();
    pending_ = 0;
    return std::exchange(groups_, {});
  }

  bool empty() const { return groups_.empty(); }

  /// Heartbeats waiting for the flush.
  size_t pending() const { return pending_; }

private:
  std::vector<group> groups_;
  std::unordered_map<std::string, size_t> index_;
  size_t pending_ = 0;
};

} // namespace eureka::gateway
