// Eureka's recentlyChangedQueue (contract §3.9): what changed recently, kept
// for the retention and read back as a delta with one entry per instance.
//
// An entry is small: its time, the application's name (shared by all its
// entries) and the instance record (a pointer to the immutable instance
// plus its lease's timing). Nothing is encoded until a delta is read.
//
// A byte budget bounds the queue (a registration storm must not take the
// node's memory). When it pushes entries out before their retention, the
// queue knows it is incomplete until those entries would have aged out
// anyway, and a delta served meanwhile must make clients fetch the full
// registry rather than silently miss a change (read_model does that).
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "registry/instance_info.hpp"
#include "registry/instance_record.hpp"

namespace eureka {

class delta_queue {
public:
  struct entry {
    int64_t timestamp_ms;
    std::shared_ptr<const std::string> app;
    instance_record record;
  };

  explicit delta_queue(int64_t max_bytes = std::numeric_limits<int64_t>::max())
      : max_bytes_(max_bytes) {}

  /// What an entry is counted as against the budget: the entry itself, and
  /// for a removed instance the instance it alone keeps alive (a live one
  /// is the registry's anyway).
  static int64_t cost(const instance_record& r) {
    auto n = static_cast<int64_t>(sizeof(entry));
    if (r.holder->action == action_type::deleted)
      n += static_cast<int64_t>(approximate_bytes(*r.holder));
    return n;
  }

  void push(int64_t timestamp_ms, std::shared_ptr<const std::string> app, instance_record record) {
    bytes_ += cost(record);
    entries_.push_back(entry{timestamp_ms, std::move(app), std::move(record)});
    while (bytes_ > max_bytes_ && entries_.size() > 1) {
      newest_pushed_out_ms_ = std::max(newest_pushed_out_ms_, entries_.front().timestamp_ms);
      pop_front();
    }
  }

  /// Drops entries older than `cutoff_ms` from the head, stopping at the
  /// first younger one (as the Java retention task does). Returns the count.
  size_t drop_older_than(int64_t cutoff_ms) {
    size_t n = 0;
    while (!entries_.empty() && entries_.front().timestamp_ms < cutoff_ms) {
      pop_front();
      ++n;
    }
    return n;
  }

  /// Whether the queue holds every change since `cutoff_ms` (now minus the
  /// retention): false while an entry the budget pushed out would still be
  /// within the retention.
  bool complete(int64_t cutoff_ms) const { return newest_pushed_out_ms_ < cutoff_ms; }

  /// Per application (sorted by name), the latest record of each instance,
  /// in the order the instances first appear in the queue.
  std::map<std::string_view, std::vector<const instance_record*>> collapse() const {
    std::map<std::string_view, std::vector<const instance_record*>> out;
    std::map<std::pair<std::string_view, std::string_view>, size_t> position;
    for (const auto& e : entries_) {
      auto& list = out[*e.app];
      auto [it, added] =
          position.emplace(std::make_pair(std::string_view{*e.app}, e.record.id()), list.size());
      if (added)
        list.push_back(&e.record);
      else
        list[it->second] = &e.record;
    }
    return out;
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  /// Bytes counted against the budget.
  int64_t bytes() const { return bytes_; }

private:
  void pop_front() {
    bytes_ -= cost(entries_.front().record);
    entries_.pop_front();
  }

  int64_t max_bytes_;
  int64_t bytes_ = 0;
  int64_t newest_pushed_out_ms_ = std::numeric_limits<int64_t>::min();
  std::deque<entry> entries_;
};

} // namespace eureka
