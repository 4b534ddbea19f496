// One instance as readers see it: the registrant as its registry actor holds
// it, shared and immutable, plus its lease's timing when it was published.
// What views, the delta queue and the encoders work from: publishing an
// instance copies a pointer and six numbers, never the instance, and nothing
// is encoded until a read asks for a form.
#pragma once

#include <memory>
#include <string_view>

#include "registry/instance_info.hpp"

namespace eureka {

struct instance_record {
  std::shared_ptr<const instance_info> holder;
  /// leaseInfo as payloads show it (the holder's own is the registrant's).
  lease_info lease;

  std::string_view id() const { return holder->id_view(); }
  instance_status status() const { return holder->status; }
};

} // namespace eureka
