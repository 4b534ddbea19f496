// What a connection still has to send, without copying response bodies.
//
// Why: the socket layer (CAF's scribe) copies everything written into its
// own buffer. Handing it a whole 15 MB registry payload per connection made
// every slow or non-reading client hold its own copy (30 such clients held
// 450 MB). Instead each connection keeps a queue of shared, immutable
// segments -- the cached payload itself, shared with the directory and every
// other connection -- and hands the socket small pieces as it drains.
//
// body_pins counts the distinct bodies the queues keep alive, so the
// gateway can bound what slow readers pin in total. Pure: no sockets.
#pragma once

#include <algorithm>
#include <cstddef>
#include <deque>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "messages/registry_messages.hpp"

namespace eureka::gateway {

/// Distinct bodies referenced by output queues, with their sizes.
class body_pins {
public:
  body_pins() = default;
  body_pins(const body_pins&) = delete;
  body_pins& operator=(const body_pins&) = delete;

  void pin(const shared_body& b) {
    auto& slot = pins_[b.get()];
    if (slot.refs++ == 0) {
      slot.size = b->size();
      bytes_ += slot.size;
    }
  }

  void unpin(const shared_body& b) {
    auto i = pins_.find(b.get());
    if (i == pins_.end())
      return;
    if (--i->second.refs == 0) {
      bytes_ -= i->second.size;
      pins_.erase(i);
    }
  }

  bool pinned(const shared_body& b) const { return pins_.count(b.get()) > 0; }

  /// Bytes of the pieces of `body` no queue pins yet: what queuing it would
  /// add (pieces a full registry fetch shares with an earlier one add none).
  size_t unpinned_bytes(const response_body& body) const {
    size_t n = 0;
    for (const auto& p : body.pieces())
      if (!pinned(p))
        n += p->size();
    return n;
  }

  /// Bytes of the distinct pinned bodies.
  size_t bytes() const { return bytes_; }

  size_t count() const { return pins_.size(); }

private:
  struct entry {
    size_t refs = 0;
    size_t size = 0;
  };
  std::unordered_map<const std::string*, entry> pins_;
  size_t bytes_ = 0;
};

/// The unsent segments of one connection, in order.
class output_queue {
public:
  explicit output_queue(body_pins* pins = nullptr) : pins_(pins) {}

  output_queue(const output_queue&) = delete;
  output_queue& operator=(const output_queue&) = delete;

  output_queue(output_queue&& other) noexcept
      : pins_(other.pins_), segments_(std::move(other.segments_)), offset_(other.offset_),
        bytes_(other.bytes_) {
    other.segments_.clear();
    other.offset_ = 0;
    other.bytes_ = 0;
  }

  output_queue& operator=(output_queue&& other) noexcept {
    if (this != &other) {
      clear();
      pins_ = other.pins_;
      segments_ = std::move(other.segments_);
      offset_ = other.offset_;
      bytes_ = other.bytes_;
      other.segments_.clear();
      other.offset_ = 0;
      other.bytes_ = 0;
    }
    return *this;
  }

  ~output_queue() { clear(); }

  /// Appends a segment (nothing for an empty or null one).
  void push(shared_body segment) {
    if (!segment || segment->empty())
      return;
    if (pins_ != nullptr)
      pins_->pin(segment);
    bytes_ += segment->size();
    segments_.push_back(std::move(segment));
  }

  /// Appends every piece of `body`, in order.
  void push(const response_body& body) {
    for (const auto& p : body.pieces())
      push(p);
  }

  bool empty() const { return segments_.empty(); }

  /// Bytes not yet handed out.
  size_t bytes() const { return bytes_; }

  /// The next at most `max` bytes (within one segment; empty when empty()).
  std::string_view peek(size_t max) const {
    if (segments_.empty())
      return {};
    std::string_view s{*segments_.front()};
    s.remove_prefix(offset_);
    return s.substr(0, max);
  }

  /// Marks `n` bytes of peek() as handed out; a finished segment is released.
  void consume(size_t n) {
    if (segments_.empty())
      return;
    auto& front = segments_.front();
    n = std::min(n, front->size() - offset_);
    offset_ += n;
    bytes_ -= n;
    if (offset_ == front->size()) {
      if (pins_ != nullptr)
        pins_->unpin(front);
      segments_.pop_front();
      offset_ = 0;
    }
  }

  /// Drops everything (the connection is gone).
  void clear() {
    if (pins_ != nullptr)
      for (auto& s : segments_)
        pins_->unpin(s);
    segments_.clear();
    offset_ = 0;
    bytes_ = 0;
  }

private:
  body_pins* pins_;
  std::deque<shared_body> segments_;
  /// Bytes of the front segment already handed out.
  size_t offset_ = 0;
  size_t bytes_ = 0;
};

} // namespace eureka::gateway
