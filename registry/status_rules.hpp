// The status rule chain applied on register and renew (contract §3.3):
// FirstMatchWins(DownOrStarting, OverrideExists, LeaseExists) → own status.
#pragma once

#include "registry/instance_info.hpp"
#include "registry/lease.hpp"

namespace eureka {

/// `override_status` is the override map's entry for the instance, if any.
/// `existing` is the lease that was in place before this operation.
/// `registrant`: an instance_info or a lease's compact_instance.
template <class Registrant>
instance_status compute_instance_status(const Registrant& registrant, const lease* existing,
                                        const instance_status* override_status,
                                        bool is_replication) {
  // DownOrStartingRule: anything but UP / OUT_OF_SERVICE is the client's word.
  if (registrant.status != instance_status::up
      && registrant.status != instance_status::out_of_service)
    return registrant.status;
  // OverrideExistsRule.
  if (override_status != nullptr)
    return *override_status;
  // LeaseExistsRule: a client cannot flip an existing UP/OOS lease by
  // re-registering; a peer can.
  if (!is_replication && existing != nullptr) {
    auto s = existing->holder().status;
    if (s == instance_status::up || s == instance_status::out_of_service)
      return s;
  }
  return registrant.status;
}

} // namespace eureka
