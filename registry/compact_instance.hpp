// The registrant as a lease stores it and readers share it: an instance_info
// in one allocation, immutable once built.
//
// instance_info (what the decoders produce and messages carry) holds ~20
// std::string fields of 32 bytes each plus a heap block for every value past
// 15 characters, and its metadata as a vector of string pairs: ≈ 1 KB for a
// Spring Cloud registration. Here every text field is an 8-byte handle
// (registry/packed_text.hpp); the instance's own strings (id, host, address,
// URLs) and its metadata entries sit right behind the fixed part in the same
// allocation, and the strings an application's instances repeat (name, VIPs,
// data center name, metadata keys and short values) point into the
// application's string_pool. The fields keep instance_info's names and read
// the same way, so the encoders and the readers of a lease's registrant are
// written once for both.
//
// What it does not keep: the registrant's leaseInfo timestamps (a lease's
// own timing replaces them wherever an instance is shown: lease::timing());
// the two intervals are kept.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

#include "registry/instance_info.hpp"
#include "registry/packed_text.hpp"

namespace eureka {

class compact_instance;

/// Shared ownership of a compact_instance (8 bytes, counted in the record:
/// no control block).
class compact_ptr {
public:
  compact_ptr() = default;
  explicit compact_ptr(const compact_instance* p) : p_(p) {} // adopts one reference
  compact_ptr(const compact_ptr& other);
  compact_ptr(compact_ptr&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  compact_ptr& operator=(compact_ptr other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~compact_ptr();

  const compact_instance& operator*() const { return *p_; }
  const compact_instance* operator->() const { return p_; }
  const compact_instance* get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

private:
  const compact_instance* p_ = nullptr;
};

struct compact_data_center {
  data_center_kind kind = data_center_kind::my_own;
  bool present = true;
  packed_text name;
  packed_pairs metadata;
};

/// The registrant's lease intervals (instance_info::lease without the
/// timestamps).
struct compact_lease_intervals {
  int32_t renewal_interval_secs = default_renewal_interval_secs;
  int32_t duration_secs = default_lease_duration_secs;
};

class compact_instance {
public:
  /// Builds the record of `x`, interning its shared strings in `pool` (none
  /// when null: everything inline).
  static compact_ptr make(const instance_info& x, string_pool* pool = nullptr);

  /// The record of a default instance_info (shared by every lease not yet
  /// given a registrant).
  static const compact_ptr& empty();

  /// The instance_info it was built from (leaseInfo timestamps zero).
  instance_info expand() const;

  /// Java's InstanceInfo.getId() (as instance_info::id_view).
  std::string_view id_view() const;
  std::string id() const { return std::string{id_view()}; }

  /// Bytes of its allocation (the interned strings are the pool's).
  size_t allocated_bytes() const { return bytes_; }

  compact_instance(const compact_instance&) = delete;
  compact_instance& operator=(const compact_instance&) = delete;

  // Fields as in instance_info, most shared first.
  packed_text app;
  opt_packed_text app_group_name;
  opt_packed_text vip_address;
  opt_packed_text secure_vip_address;
  packed_text sid;
  opt_packed_text asg_name;
  opt_packed_text instance_id;
  packed_text host_name;
  packed_text ip_addr;
  opt_packed_text home_page_url;
  opt_packed_text status_page_url;
  opt_packed_text health_check_url;
  opt_packed_text secure_health_check_url;
  packed_pairs metadata;
  compact_data_center data_center;
  port_info port;
  port_info secure_port;
  int64_t last_updated_timestamp = 0;
  int64_t last_dirty_timestamp = 0;
  compact_lease_intervals lease;
  int32_t country_id = 1;
  instance_status status = instance_status::up;
  instance_status overridden_status = instance_status::unknown;
  action_type action = action_type::none;
  bool is_coordinating_discovery_server = false;

private:
  friend class compact_ptr;
  friend struct compact_builder;

  compact_instance() = default;
  ~compact_instance() = default;

  void release() const;

  mutable std::atomic<uint32_t> refs_{1};
  uint32_t bytes_ = 0;
  /// The pool storage its interned strings live in.
  std::shared_ptr<const string_pool::storage> pool_;
};

/// Field-by-field equality with the instance_info it stands for (the lease
/// timestamps aside).
bool same_fields(const compact_instance& a, const instance_info& b);

/// Memory the record holds on its own, approximately (its allocation): what
/// a queue keeping it alive is charged.
size_t approximate_bytes(const compact_instance& x);

} // namespace eureka
