// Eureka's recentlyChangedQueue (contract §3.9): what changed recently, kept
// for `retention` and read back as a delta with one entry per instance.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace eureka {

template <class Payload>
class recent_changes {
public:
  struct entry {
    int64_t timestamp_ms;
    std::string app;
    std::string id;
    Payload payload;
  };

  void push(int64_t timestamp_ms, std::string app, std::string id, Payload payload) {
    entries_.push_back(entry{timestamp_ms, std::move(app), std::move(id), std::move(payload)});
  }

  /// Drops entries older than `cutoff_ms` from the head, stopping at the
  /// first younger one (as the Java retention task does), calling
  /// `on_drop(entry)` for each. Returns the count.
  template <class OnDrop>
  size_t drop_older_than(int64_t cutoff_ms, OnDrop on_drop) {
    size_t n = 0;
    while (!entries_.empty() && entries_.front().timestamp_ms < cutoff_ms) {
      on_drop(entries_.front());
      entries_.pop_front();
      ++n;
    }
    return n;
  }

  size_t drop_older_than(int64_t cutoff_ms) {
    return drop_older_than(cutoff_ms, [](const entry&) {});
  }

  /// The oldest entry (the queue must not be empty).
  const entry& front() const { return entries_.front(); }

  void pop_front() { entries_.pop_front(); }

  /// Per application (sorted by name), the latest payload of each instance,
  /// in the order the instances first appear in the queue.
  std::map<std::string, std::vector<const Payload*>> collapse() const {
    std::map<std::string, std::vector<const Payload*>> out;
    std::map<std::pair<std::string, std::string>, size_t> position;
    for (const auto& e : entries_) {
      auto& list = out[e.app];
      auto [it, added] = position.emplace(std::make_pair(e.app, e.id), list.size());
      if (added)
        list.push_back(&e.payload);
      else
        list[it->second] = &e.payload;
    }
    return out;
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

private:
  std::deque<entry> entries_;
};

} // namespace eureka
