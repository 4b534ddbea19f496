// One instance as readers see it: the registrant as its registry actor holds
// it, shared and immutable, plus its lease's timing when it was published.
// What views, the delta queue and the encoders work from: publishing an
// instance copies a pointer and six numbers, never the instance, and nothing
// is encoded until a read asks for a form.
#pragma once

#include <string_view>

#include "registry/compact_instance.hpp"
#include "registry/instance_info.hpp"

namespace eureka {

struct instance_record {
  compact_ptr holder;
  /// leaseInfo as payloads show it (the holder keeps only the intervals).
  lease_info lease;

  std::string_view id() const { return holder->id_view(); }
  instance_status status() const { return holder->status; }

  /// A record of `x` on its own (no pool), showing `x.lease` unless told
  /// otherwise: for tests and for instances that no table holds.
  static instance_record of(const instance_info& x) { return {compact_instance::make(x), x.lease}; }
  static instance_record of(const instance_info& x, const lease_info& shown) {
    return {compact_instance::make(x), shown};
  }
};

} // namespace eureka
