// Peer replication messages as the Java Eureka server exchanges them (contract
// §2.8, §1.5 E14, §5.2): the ReplicationList a peer POSTs to
// `peerreplication/batch` and the ReplicationListResponse it answers, both
// ways. Pure codecs: no registry rules beyond what each action reads.
//
// Java reads both documents with the server's EurekaJacksonCodec, whose
// ObjectMapper is a plain `new ObjectMapper()` (FAIL_ON_UNKNOWN_PROPERTIES on):
// ReplicationList, ReplicationInstance and ReplicationInstanceResponse are
// Jackson beans (@JsonCreator), so an unknown property, an unknown action or a
// malformed lastDirtyTimestamp anywhere fails the whole body (400), while the
// nested InstanceInfo goes through InstanceInfoDeserializer (unknown fields
// ignored). We are more lenient, deliberately: unknown properties are ignored
// at every level (a newer peer can add fields), and a malformed item is marked
// invalid instead of failing the batch, so one bad item cannot make a peer
// drop (PermanentError, §5.2) every other item of its batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/optional.hpp>

#include "messages/cluster_messages.hpp"
#include "registry/instance_info.hpp"

namespace eureka::codec {

/// A decoded ReplicationInstance: the item (messages/cluster_messages.hpp)
/// and whether it can be executed.
struct decoded_replication_item : replication_item {
  /// False when the item cannot be executed; Java answers such an item 500
  /// with no entity (its dispatch throws, E14) and goes on with the next.
  /// `app` and `id` then hold what could be read, and `action` too unless
  /// the error is about it.
  bool valid = true;
  /// Why the item is invalid (for logs; never quotes values); empty when valid.
  std::string error;
};

bool operator==(const decoded_replication_item& a, const decoded_replication_item& b);
inline bool operator!=(const decoded_replication_item& a, const decoded_replication_item& b) {
  return !(a == b);
}

struct replication_list_result {
  /// false: the document itself is malformed (the gateway answers 400, as
  /// Java's body reader does).
  bool ok = false;
  /// Set (with ok false) when the list holds more than `max_items` items: a
  /// well-formed batch refused for its size, not a malformed document.
  bool too_many_items = false;
  std::string error;
  std::vector<decoded_replication_item> items;
};

/// Decodes `{"replicationList":[...]}` (field order free, unknown fields
/// ignored at every level, JSON null read as absent).
///
/// The document is malformed (ok == false) when it is not JSON (syntax,
/// UTF-8, nesting deeper than simdjson's 1024 levels), its root is not an
/// object, `replicationList` is missing, null (Java: 500) or not an array, an
/// item is not an object, or there are more than `max_items` items.
///
/// Each item is then read as Java's dispatch reads it; a field the action
/// reads must be well-formed, one it does not read is kept when well-formed
/// and otherwise dropped:
/// - every action: `action` one of the wire names; `appName` and `id`
///   present and non-empty (scalars as text, like Jackson's String);
/// - `lastDirtyTimestamp`: a number or a numeric string; read by Heartbeat,
///   StatusUpdate and DeleteStatusOverride, required by DeleteStatusOverride
///   (Java dereferences it);
/// - `status`, `overriddenStatus`: exact enum names (InstanceStatus.valueOf);
///   StatusUpdate requires `status`, DeleteStatusOverride reads it when
///   present, Heartbeat reads `overriddenStatus`;
/// - `instanceInfo` (Register only, required; ignored and not decoded for
///   the other actions): an unwrapped instance object decoded exactly as a
///   registration body (decode_instance_json's rules, `now_ms` for its
///   absent timestamps), whose `app` must equal the item's upper-cased
///   `appName` and whose getId() the item's `id`.
/// Anything else makes the item invalid (valid == false, error set), and the
/// other items decode normally. Registration validation
/// (validate_registration with the item's app as path app) is the caller's:
/// Java runs it and answers the item 200 whatever its outcome.
/// Never throws.
replication_list_result decode_replication_list(std::string_view body, int64_t now_ms,
                                                size_t max_items);

/// `{"replicationList":[...]}` exactly as Java's sender writes it: per item
/// `appName`, `id`, `lastDirtyTimestamp` (number), `overriddenStatus`,
/// `status`, `instanceInfo` (the unwrapped instance, append_instance_json),
/// `action`, each omitted when unset.
std::string encode_replication_list(const std::vector<replication_item>& items);

/// `{"responseList":[{"statusCode":200},{"statusCode":409,"responseEntity":{...}}]}`,
/// the entity as append_instance_json writes it, omitted when none.
std::string encode_replication_response(const std::vector<replication_result>& items);

struct replication_response_result {
  bool ok = false;
  std::string error;
  std::vector<replication_result> items;
};

/// Decodes a peer's ReplicationListResponse, leniently: unknown fields
/// ignored; a missing or null `statusCode` is 0 (Jackson's default for an
/// int creator property: a failure to the sender); a `responseEntity` that
/// does not decode as an instance is dropped (the item stays, without
/// entity). Malformed (ok == false): not JSON, root not an object,
/// `responseList` missing, null or not an array, an item not an object, a
/// `statusCode` that is not an integer. Never throws.
replication_response_result decode_replication_response(std::string_view body, int64_t now_ms);

} // namespace eureka::codec
