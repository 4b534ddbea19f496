// The messages of replication between nodes, declared once with their
// inspect functions. The same items travel over BASP between caf-eureka
// nodes and, encoded as JSON, in `peerreplication/batch` calls with Java
// servers (codec/replication_codec.hpp), so both paths apply one set of
// rules (contract §1.5 E14, §2.8, §5.2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/actor_control_block.hpp>
#include <caf/intrusive_ptr.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/optional.hpp>

#include "registry/instance_info.hpp"

namespace eureka {

/// PeerAwareInstanceRegistryImpl.Action (the wire names are Java's).
enum class replication_action : uint8_t {
  register_instance,
  heartbeat,
  cancel,
  status_update,
  delete_status_override,
};

/// `Register`, `Heartbeat`, `Cancel`, `StatusUpdate`, `DeleteStatusOverride`.
std::string_view to_string(replication_action a);

/// Exact, case-sensitive wire name (Jackson's enum lookup); false otherwise.
bool parse_replication_action(std::string_view text, replication_action& out);

/// One replicated action (Java's ReplicationInstance, contract §2.8): what
/// the node that applied a write tells its peers. Which fields are set
/// depends on the action, as in ReplicationTaskProcessor.
struct replication_item {
  replication_action action = replication_action::register_instance;
  std::string app;
  std::string id;
  caf::optional<int64_t> last_dirty_timestamp;
  caf::optional<instance_status> status;
  caf::optional<instance_status> overridden_status;
  /// Register: the full instance.
  caf::optional<instance_info> info;
};

bool operator==(const replication_item& a, const replication_item& b);
inline bool operator!=(const replication_item& a, const replication_item& b) {
  return !(a == b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replication_item& x) {
  return f(caf::meta::type_name("eureka.replication_item"), x.action, x.app, x.id,
           x.last_dirty_timestamp, x.status, x.overridden_status, x.info);
}

/// The outcome of one item (Java's ReplicationInstanceResponse): an HTTP
/// status code, and for a 409 the receiver's newer copy.
struct replication_result {
  int32_t status_code = 0;
  caf::optional<instance_info> entity;
};

bool operator==(const replication_result& a, const replication_result& b);
inline bool operator!=(const replication_result& a, const replication_result& b) {
  return !(a == b);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replication_result& x) {
  return f(caf::meta::type_name("eureka.replication_result"), x.status_code, x.entity);
}

/// A batch sent over BASP; answered by a replication_ack with one result
/// per item, in order.
struct replication_batch {
  uint64_t seq = 0;
  std::vector<replication_item> items;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replication_batch& x) {
  return f(caf::meta::type_name("eureka.replication_batch"), x.seq, x.items);
}

struct replication_ack {
  uint64_t seq = 0;
  std::vector<replication_result> results;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replication_ack& x) {
  return f(caf::meta::type_name("eureka.replication_ack"), x.seq, x.results);
}

/// Version of the node-to-node protocol; a peer speaking another one is
/// refused (both sides log it). 2: the hello carries the caller's frontend.
inline constexpr uint32_t cluster_protocol_version = 2;

/// The first message on a BASP link: who is calling. A caf-eureka node
/// accepts replication only from peers that said hello with its cluster
/// name.
struct peer_hello {
  std::string cluster;
  std::string node_id;
  /// The caller's Eureka URL (for logs and the status page).
  std::string http_url;
  uint32_t protocol = cluster_protocol_version;
  /// The caller's own peer_frontend: the callee replicates back over the
  /// link the caller opened instead of opening a second one (peer_offer).
  caf::strong_actor_ptr frontend;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_hello& x) {
  return f(caf::meta::type_name("eureka.peer_hello"), x.cluster, x.node_id, x.http_url, x.protocol,
           x.frontend);
}

/// One-way (peer_frontend → replication, on this node only): the node
/// `node_id` said hello and offered its frontend. The replication actor
/// uses it rather than opening a second BASP connection to that node
/// (docs/security.md, "Links that dropped with TLS").
struct peer_offer {
  std::string node_id;
  caf::strong_actor_ptr frontend;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_offer& x) {
  return f(caf::meta::type_name("eureka.peer_offer"), x.node_id, x.frontend);
}

struct peer_welcome {
  std::string cluster;
  std::string node_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_welcome& x) {
  return f(caf::meta::type_name("eureka.peer_welcome"), x.cluster, x.node_id);
}

/// One application's digest: two nodes holding the same instances (id,
/// lastDirtyTimestamp, status, overridden status) have the same digest.
struct app_digest {
  std::string app;
  uint32_t count = 0;
  uint64_t hash = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_digest& x) {
  return f(caf::meta::type_name("eureka.app_digest"), x.app, x.count, x.hash);
}

/// Every non-empty application's digest, ordered by name.
using registry_digest = std::vector<app_digest>;

/// An instance cancelled on a node, and when (for catch-ups).
struct tombstone {
  std::string id;
  int64_t at_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, tombstone& x) {
  return f(caf::meta::type_name("eureka.tombstone"), x.id, x.at_ms);
}

/// One application's instances as its registry actor holds them (decorated,
/// with their lease durations), plus its recent cancels, for start-up sync
/// and catch-up.
struct app_export {
  std::string app;
  std::vector<instance_info> instances;
  std::vector<tombstone> cancelled;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, app_export& x) {
  return f(caf::meta::type_name("eureka.app_export"), x.app, x.instances, x.cancelled);
}

using registry_export = std::vector<app_export>;

/// A node's readiness (GET /ready): ready once its start-up sync is done,
/// or its bound has passed; `detail` says which, for people.
struct sync_status {
  bool ready = false;
  std::string detail;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sync_status& x) {
  return f(caf::meta::type_name("eureka.sync_status"), x.ready, x.detail);
}

/// One peer as the replication actor sees it (status page, console).
struct peer_status {
  /// The peer's URL, normalised, without user information.
  std::string url;
  /// "caf-eureka", "java", "foreign" (another cluster) or "unknown" (not
  /// reached yet); this node's own URL is not listed.
  std::string kind;
  bool link_up = false;
  std::string node_id;
  uint64_t queued_bytes = 0;
  int64_t last_ack_ms = 0;
  /// Figures for the admin console (the same as /metrics per peer).
  uint64_t queued_items = 0;
  uint32_t batches_in_flight = 0;
  uint64_t batches_sent = 0;
  uint64_t items_sent = 0;
  uint64_t heartbeats_coalesced = 0;
  uint64_t failures = 0;
  uint64_t overflows = 0;
  uint64_t catch_ups = 0;
  /// eureka_replication_lag_seconds in ms (0 when nothing waits).
  int64_t lag_ms = 0;
  bool catching_up = false;
  /// A Java peer answered 503: sending pauses briefly.
  bool paused = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_status& x) {
  return f(caf::meta::type_name("eureka.peer_status"), x.url, x.kind, x.link_up, x.node_id,
           x.queued_bytes, x.last_ack_ms, x.queued_items, x.batches_in_flight, x.batches_sent,
           x.items_sent, x.heartbeats_coalesced, x.failures, x.overflows, x.catch_ups, x.lag_ms,
           x.catching_up, x.paused);
}

/// What a peer's URL answered to GET {base}cluster/node (local: from the
/// HTTP worker to the replication actor).
struct peer_discovery {
  /// The peer answered HTTP at all.
  bool reachable = false;
  /// It answered as a caf-eureka node (else: a Java Eureka server).
  bool caf = false;
  std::string node_id;
  std::string cluster;
  std::string basp_host;
  uint16_t basp_port = 0;
  uint32_t protocol = 0;
  /// Why it is unreachable, for the log.
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_discovery& x) {
  return f(caf::meta::type_name("eureka.peer_discovery"), x.reachable, x.caf, x.node_id, x.cluster,
           x.basp_host, x.basp_port, x.protocol, x.error);
}

/// An HTTP exchange with a peer (local): `ok` when an answer arrived.
struct peer_http_reply {
  bool ok = false;
  int32_t status = 0;
  std::string body;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer_http_reply& x) {
  return f(caf::meta::type_name("eureka.peer_http_reply"), x.ok, x.status, x.body, x.error);
}

/// A Java peer's full registry (local): decoded instances, or why not.
struct fetched_registry {
  bool ok = false;
  std::vector<instance_info> instances;
  std::string error;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, fetched_registry& x) {
  return f(caf::meta::type_name("eureka.fetched_registry"), x.ok, x.instances, x.error);
}

} // namespace eureka
