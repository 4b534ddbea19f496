// One lease: the registrant plus the server's own timing (contract §3.1,
// §3.6; decisions.md §1 for the corrected expiry).
#pragma once

#include <cstdint>
#include <utility>

#include "registry/compact_instance.hpp"
#include "registry/instance_info.hpp"
#include "registry/instance_record.hpp"

namespace eureka {

struct lease {
  /// The registrant. Shared with the views its registry actor publishes and
  /// read there by other threads, so it is never changed in place: a change
  /// replaces it with a changed copy (modify_holder).
  const compact_instance& holder() const { return *holder_; }

  /// Stores `info` as the registrant, its shared strings interned in `pool`
  /// (the application's; none: all inline).
  void set_holder(const instance_info& info, string_pool* pool) {
    holder_ = compact_instance::make(info, pool);
  }

  /// Applies `change` to a copy of the holder, which then replaces it (one
  /// copy per operation, however many fields it changes).
  template <class F>
  void modify_holder(F change, string_pool* pool) {
    instance_info copy = holder_->expand();
    change(copy);
    set_holder(copy, pool);
  }

  int64_t registration_timestamp = 0;
  /// Java's lastUpdateTimestamp: the last renewal (or registration). In legacy
  /// mode a renewal stores renew time + duration, as Lease.renew() does.
  int64_t last_update_timestamp = 0;
  int64_t duration_ms = int64_t{default_lease_duration_secs} * 1000;
  int64_t eviction_timestamp = 0;
  int64_t service_up_timestamp = 0;

  void renew(int64_t now_ms, bool legacy_expiry) {
    last_update_timestamp = legacy_expiry ? now_ms + duration_ms : now_ms;
  }

  void service_up(int64_t now_ms) {
    if (service_up_timestamp == 0)
      service_up_timestamp = now_ms;
  }

  /// Expired when cancelled, or when now > last update + duration + extra.
  /// (With legacy expiry last update already includes one duration, which
  /// is Java's 2 × duration quirk.)
  bool is_expired(int64_t now_ms, int64_t extra_ms) const {
    return eviction_timestamp > 0 || now_ms > last_update_timestamp + duration_ms + extra_ms;
  }

  /// leaseInfo as readers see it: the registrant's intervals, this lease's
  /// timestamps.
  lease_info timing() const {
    lease_info out;
    out.renewal_interval_secs = holder_->lease.renewal_interval_secs;
    out.duration_secs = holder_->lease.duration_secs;
    out.registration_timestamp = registration_timestamp;
    out.last_renewal_timestamp = last_update_timestamp;
    out.eviction_timestamp = eviction_timestamp;
    out.service_up_timestamp = service_up_timestamp;
    return out;
  }

  /// The instance as readers see it, sharing the registrant.
  instance_record record() const { return instance_record{holder_, timing()}; }

  /// The registrant as readers see it, as one copy (replication, export, a
  /// 409's entity: paths that need an instance_info of their own).
  instance_info decorated() const {
    instance_info out = holder_->expand();
    out.lease = timing();
    return out;
  }

private:
  compact_ptr holder_ = compact_instance::empty();
};

/// Lease duration the server grants: the client's durationInSecs if > 0,
/// else 90 s (PeerAwareInstanceRegistryImpl.register).
inline int64_t granted_duration_ms(const instance_info& x) {
  auto secs = x.lease.duration_secs > 0 ? x.lease.duration_secs : default_lease_duration_secs;
  return int64_t{secs} * 1000;
}

} // namespace eureka
