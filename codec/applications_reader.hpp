// The full registry document `GET apps` of a Java Eureka server, read for a
// node's start-up sync from a Java peer (contract §2.4, §5.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "registry/instance_info.hpp"

namespace eureka::codec {

struct applications_decode_result {
  /// false: the document is malformed (nothing usable in it).
  bool ok = false;
  std::string error;
  /// Every instance that decoded, in document order, as the peer wrote it
  /// (status, overriddenStatus, actionType, lastDirtyTimestamp, leaseInfo
  /// with its durationInSecs, the lease duration to register it with).
  std::vector<instance_info> instances;
  /// Instances that did not decode and were skipped.
  size_t skipped = 0;
  /// Why the first skipped instance did not decode (for logs).
  std::string first_skip_error;
};

/// Decodes `{"applications":{"versions__delta":"1","apps__hashcode":"..",
/// "application":[{"name":"APP","instance":[{...}]}]}}` as the Java client's
/// ApplicationsDeserializer / ApplicationDeserializer read it: `application`
/// and `instance` may each be an array or a single object (the old
/// XStream/Jettison JSON codec), anything else or null is no application /
/// no instance; `versions__delta`, `apps__hashcode`, `name` and unknown
/// fields are ignored (an instance carries its own `app`). Each instance is
/// decoded exactly as a registration body (decode_instance_json's rules,
/// `now_ms` for absent timestamps); one that fails is skipped and counted,
/// not fatal.
///
/// Malformed (ok == false): not JSON (syntax, UTF-8, nesting deeper than
/// 1024), no `applications` object at the root, an `application` entry that
/// is not an object, or more than `max_instances` instance entries (decoded
/// or skipped). Never throws.
applications_decode_result decode_applications_json(std::string_view body, int64_t now_ms,
                                                    size_t max_instances);

} // namespace eureka::codec
