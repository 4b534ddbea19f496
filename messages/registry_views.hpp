// What a registry actor publishes after each change: an immutable view of
// its application, shared by pointer. The view holds instance records (the
// registry's own immutable instances plus their lease timing), never
// encoded forms: readers encode what is asked for, per application, and
// keep it until that application changes (actors/read_model.hpp).
// Local-only by design (never serialized): they hold shared pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "messages/registry_messages.hpp"
#include "registry/hashcode.hpp"
#include "registry/instance_record.hpp"
#include "registry/record_sequence.hpp"

namespace eureka {

struct app_view {
  std::string name;
  /// Instances ordered by id, in runs shared with the application's other
  /// views.
  record_sequence instances;
  status_counts counts;
  /// The override map entries of this application (id, STATUS).
  string_pairs overrides;
};

using app_view_ptr = std::shared_ptr<const app_view>;

/// A registry actor's publication: its new view plus the records the change
/// queues for the delta (actionType set), in the order they happened.
struct app_view_update {
  app_view_ptr view;
  std::vector<instance_record> delta;
  int64_t timestamp_ms = 0;
  /// Registrations the actor has applied in all: the directory counts those
  /// it delegated, the difference is still in flight (app_slots).
  uint64_t registrations = 0;
};

/// What the directory needs of a view (app_slots: liveness, capacity): sent
/// by a registry actor beside its update to the reader whenever one of these
/// figures changed, so the directory never holds instances.
struct app_view_count {
  std::string app;
  uint64_t instances = 0;
  /// As app_view_update::registrations.
  uint64_t registrations = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_view_count& x) {
  return f(caf::meta::type_name("eureka.app_view_count"), x.app, x.instances, x.registrations);
}

} // namespace eureka

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eureka::app_view_update)
