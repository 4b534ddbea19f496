// apps__hashcode: Applications.getReconcileHashCode (contract §3.9).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "registry/instance_info.hpp"

namespace eureka {

/// Instance counts per status, indexed by instance_status (whose order is
/// the sorted order of the status names).
struct status_counts {
  std::array<int64_t, 5> by_status{};

  void add(instance_status s, int64_t n = 1) { by_status[static_cast<size_t>(s)] += n; }

  status_counts& operator+=(const status_counts& other) {
    for (size_t i = 0; i < by_status.size(); ++i)
      by_status[i] += other.by_status[i];
    return *this;
  }

  status_counts& operator-=(const status_counts& other) {
    for (size_t i = 0; i < by_status.size(); ++i)
      by_status[i] -= other.by_status[i];
    return *this;
  }

  int64_t total() const {
    int64_t n = 0;
    for (auto x : by_status)
      n += x;
    return n;
  }
};

/// `NAME_count_` for every status with a positive count, in name order;
/// empty for an empty registry (e.g. "DOWN_1_UP_3_").
inline std::string reconcile_hash(const status_counts& counts) {
  std::string out;
  for (auto s : all_statuses) {
    auto n = counts.by_status[static_cast<size_t>(s)];
    if (n <= 0)
      continue;
    out += to_string(s);
    out += '_';
    out += std::to_string(n);
    out += '_';
  }
  return out;
}

} // namespace eureka
