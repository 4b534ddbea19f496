// What one peer has yet to receive: applied writes in the order they were
// applied, and renewals coalesced per instance until the next tick. Pure
// (time passed in), so every rule is unit-tested without actors.
//
// Writes are never merged or reordered (a register, cancel, register of
// one instance must arrive in that order). Renewals are: one heartbeat per
// instance per tick whatever the number of client heartbeats, which is
// what keeps replication traffic proportional to instances, not requests.
// The queue is bounded in bytes; when a write would exceed the bound the
// queue is dropped whole and marked overflowed: the owner then catches the
// peer up by digest comparison instead of sending a truncated history.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cluster/replication_rules.hpp"
#include "messages/cluster_messages.hpp"

namespace eureka::cluster {

class peer_queue {
public:
  peer_queue(size_t max_batch_items, size_t max_bytes)
      : max_batch_items_(max_batch_items == 0 ? 1 : max_batch_items), max_bytes_(max_bytes) {}

  /// Queues an applied write (anything but a heartbeat). A renewal of the
  /// same instance still coalesced stays: it goes out after the write. The
  /// bound counts what was pushed and flushed, not what was put back in
  /// front (a catch-up may be larger than the bound, and must not be wiped
  /// by the next write).
  void push(replication_item item, int64_t now_ms) {
    auto n = approx_bytes(item);
    if (bounded_bytes_ + n > max_bytes_) {
      clear();
      overflowed_ = true;
      ++overflows_;
      return;
    }
    bytes_ += n;
    bounded_bytes_ += n;
    items_.push_back(entry{std::move(item), n, now_ms, true});
  }

  /// Notes a renewal; a later one of the same instance replaces it.
  void note_heartbeat(replication_item item) {
    auto key = std::make_pair(item.app, item.id);
    auto [i, fresh] = heartbeats_.insert_or_assign(std::move(key), std::move(item));
    (void)i;
    if (!fresh)
      ++coalesced_;
  }

  /// Renewals coalesced before they reached the queue (by a registry actor).
  void count_coalesced(uint64_t n) { coalesced_ += n; }

  /// The tick: every coalesced renewal becomes one queued heartbeat. While
  /// the queue is at its bound (a slow peer), renewals stay coalesced
  /// instead: they describe the present, so nothing is lost by waiting.
  void flush_heartbeats(int64_t now_ms) {
    if (bounded_bytes_ >= max_bytes_)
      return;
    for (auto& [key, item] : heartbeats_) {
      auto n = approx_bytes(item);
      bytes_ += n;
      bounded_bytes_ += n;
      items_.push_back(entry{std::move(item), n, now_ms, true});
    }
    heartbeats_.clear();
  }

  /// Puts a batch the peer never acknowledged back in front, in order (the
  /// link broke while it was in flight; every action is safe to repeat).
  void requeue_front(std::vector<replication_item> batch, int64_t now_ms) {
    for (auto i = batch.rbegin(); i != batch.rend(); ++i) {
      auto n = approx_bytes(*i);
      bytes_ += n;
      items_.push_front(entry{std::move(*i), n, now_ms, false});
    }
  }

  /// Up to max_batch_items of the oldest queued items.
  std::vector<replication_item> cut_batch() {
    std::vector<replication_item> out;
    auto n = std::min(max_batch_items_, items_.size());
    out.reserve(n);
    for (size_t k = 0; k < n; ++k) {
      bytes_ -= items_.front().bytes;
      if (items_.front().bounded)
        bounded_bytes_ -= items_.front().bytes;
      out.push_back(std::move(items_.front().item));
      items_.pop_front();
    }
    return out;
  }

  /// Drops everything queued (not the coalesced renewals: they describe
  /// the present and go out at the next tick).
  void clear() {
    items_.clear();
    bytes_ = 0;
    bounded_bytes_ = 0;
  }

  /// Whether the queue overflowed since the last call (and resets it).
  bool take_overflow() { return std::exchange(overflowed_, false); }

  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  size_t bytes() const { return bytes_; }
  size_t pending_heartbeats() const { return heartbeats_.size(); }
  /// Renewals that did not need a message of their own (coalesced).
  uint64_t coalesced_total() const { return coalesced_; }
  uint64_t overflows_total() const { return overflows_; }
  /// When the oldest queued item was queued (0 when empty).
  int64_t oldest_ms() const { return items_.empty() ? 0 : items_.front().queued_ms; }

private:
  struct entry {
    replication_item item;
    size_t bytes = 0;
    int64_t queued_ms = 0;
    /// Counts against the bound (pushed or flushed, not put back).
    bool bounded = true;
  };

  size_t max_batch_items_;
  size_t max_bytes_;
  std::deque<entry> items_;
  std::map<std::pair<std::string, std::string>, replication_item> heartbeats_;
  size_t bytes_ = 0;
  size_t bounded_bytes_ = 0;
  bool overflowed_ = false;
  uint64_t coalesced_ = 0;
  uint64_t overflows_ = 0;
};

/// Exponential back-off between attempts to reach a peer.
class backoff {
public:
  backoff(int64_t min_ms, int64_t max_ms) : min_(min_ms), max_(max_ms), next_(min_ms) {}

  /// The delay before the next attempt; doubles up to the maximum.
  int64_t next() {
    auto d = next_;
    next_ = std::min(max_, next_ * 2);
    return d;
  }

  void reset() { next_ = min_; }

private:
  int64_t min_;
  int64_t max_;
  int64_t next_;
};

} // namespace eureka::cluster
