// The rules of replication, in one place and without actors: how a
// receiver executes a replicated item (the E14 table of contract §1.5,
// for BASP batches and HTTP `peerreplication/batch` alike), and what a
// sender does with each result (contract §5.2's per-item failure handlers).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "messages/cluster_messages.hpp"
#include "messages/registry_messages.hpp"

namespace eureka::cluster {

// -- receiver -----------------------------------------------------------------

/// A replicated item as the registry command that executes it, always with
/// `is_replication` set (never replicated again).
using replicated_command = std::variant<register_cmd, renew_cmd, cancel_cmd, status_cmd>;

/// The command of `item` (PeerReplicationResource's dispatch): Register →
/// addInstance(instanceInfo); Heartbeat → renew with lastDirtyTimestamp and
/// overriddenStatus; Cancel; StatusUpdate → set the override to `status`;
/// DeleteStatusOverride → remove it, status `status` or UNKNOWN. nullopt
/// when a field the action needs is missing (Register without instance,
/// StatusUpdate without status, DeleteStatusOverride without
/// lastDirtyTimestamp): Java throws, the item's answer is 500.
std::optional<replicated_command> command_of(replication_item item);

/// The item's answer once its command ran (E14 table): Register always 200
/// (Java answers 200 even when validation refused the registration);
/// Heartbeat 200, 404, or 409 carrying our copy; Cancel, StatusUpdate and
/// DeleteStatusOverride 200 or 404; 500 for anything else (a refusal by a
/// limit).
replication_result result_of(replication_action action, const write_reply& reply);

/// The answer to an item that could not be executed (malformed, refused
/// before it reached the registry): 500 without entity, as Java's throw.
replication_result failed_item();

/// Whether an instance received from a peer (a Register item, a start-up
/// sync or catch-up export, a 409's copy) may enter the registry: every enum
/// within its range (BASP deserialises enums without a check), the app upper
/// case, and the registration rules a client's body passes (E4 validation
/// and our limits, codec::validate_registration). Returns the reason, or "".
std::string check_peer_instance(instance_info& x);

/// The same for a BASP item as a whole: a known action, app and id set, the
/// instance of a Register valid and naming the item's app and id, statuses
/// within range. Returns the reason, or "".
std::string check_peer_item(replication_item& item);

// -- sender -------------------------------------------------------------------

/// What the sender does after a peer's answer to one item.
enum class follow_up {
  none,
  /// Heartbeat answered 404: the peer does not know the instance (or must
  /// see it registered again): send it a Register with our full instance.
  send_register,
  /// Heartbeat answered with the peer's newer copy (409): take it here,
  /// with its override (register as a replication, adopting the override).
  adopt_entity,
  /// Any other failure: logged, nothing else (Java drops it).
  log_failure,
};

follow_up follow_up_of(const replication_item& sent, const replication_result& result);

/// The registration that takes a peer's newer copy (follow_up::adopt_entity).
register_cmd adoption_of(instance_info peer_copy);

// -- links ----------------------------------------------------------------------

/// How a node links to a caf-eureka peer it has discovered. Two nodes keep
/// one BASP connection between them: a node uses the link its peer opened,
/// and of two nodes that list each other the one with the lower node id
/// opens it. A second connection to an already linked node only exercised
/// CAF 0.17's handling of redundant connections, whose routing-table update
/// for crossing connections is incomplete in a release build, and doubled
/// the connections (docs/security.md, "Links that dropped with TLS").
enum class link_plan : uint8_t {
  /// The peer's hello offered its frontend (peer_offer): replicate over the
  /// link it opened.
  use_offer,
  /// This node has the higher id: wait up to offer_grace_ms for the peer's
  /// hello.
  await_offer,
  /// Open the link: this node has the lower id, or the grace period passed
  /// without a hello (a peer that does not list this node never sends one).
  connect,
};

link_plan plan_link(std::string_view own_node, std::string_view peer_node, bool offered,
                    bool grace_over);

/// How long the node with the higher id waits for its peer's hello: twice
/// eureka.cluster.retry-min-ms, at least a second (a TLS handshake under a
/// sanitizer takes a few hundred milliseconds).
int64_t offer_grace_ms(int64_t retry_min_ms);

/// Approximate bytes an item holds in a peer's queue (strings and metadata
/// plus a fixed overhead), for the per-peer queue bound.
size_t approx_bytes(const replication_item& item);

} // namespace eureka::cluster
