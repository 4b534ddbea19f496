// What a registry actor publishes to the directory after each change:
// immutable, pre-encoded forms of its instances and of the application,
// shared by pointer so that reads only concatenate bytes. Local-only by
// design (never serialized): they hold shared pointers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "messages/registry_messages.hpp"
#include "registry/hashcode.hpp"

namespace eureka {

struct encoded_instance {
  std::string id;
  instance_status status = instance_status::unknown;
  /// Unwrapped JSON object.
  std::string json;
  /// `<instance>` at depth 2 (inside <applications><application>).
  std::string xml_depth2;
  /// `<instance>` at depth 1 (inside a root <application>).
  std::string xml_depth1;
  /// Compact (X-Eureka-Accept: compact) JSON object and `<instance>`
  /// element; the compact XML has no indentation, so one form serves every
  /// depth. About a third of the full forms' size.
  std::string json_compact;
  std::string xml_compact;
  /// Comma-split vipAddress / secureVipAddress entries (no trimming, §1.2).
  std::vector<std::string> vips;
  std::vector<std::string> svips;
};

using encoded_instance_ptr = std::shared_ptr<const encoded_instance>;

struct app_view {
  std::string name;
  /// Instances ordered by id.
  std::vector<encoded_instance_ptr> instances;
  status_counts counts;
  /// The override map entries of this application (id, STATUS).
  string_pairs overrides;
};

using app_view_ptr = std::shared_ptr<const app_view>;

/// A registry actor's publication: its new view plus the delta entries the
/// change produced (already encoded, actionType set).
struct app_view_update {
  app_view_ptr view;
  std::vector<encoded_instance_ptr> delta;
  int64_t timestamp_ms = 0;
  /// Registrations the actor has applied in all: the directory counts those
  /// it delegated, the difference is still in flight (app_slots).
  uint64_t registrations = 0;
};

} // namespace eureka

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(eureka::app_view_update)
