// The replication actor: the owner of every peer's state. Registry actors
// hand it the client writes they applied and, once per tick, the instances
// their clients renewed; it fans them out to every peer, batched, over BASP
// to caf-eureka peers (typed messages to the peer's peer_frontend) and over
// HTTP `peerreplication/batch` to Java Eureka servers (decisions.md §5).
//
// Per peer (cluster/peer_queue.hpp): writes in order, renewals coalesced
// per instance per tick, a bound in bytes; at most a few batches in flight
// (so an idle peer gets a write at once and a busy one gets larger batches);
// the answers' conflicts handled as contract §5.2 says (a heartbeat the peer
// does not know → we register it there; a 409 → we take the peer's newer
// copy). A peer that was away, or whose queue overflowed, is caught up by
// comparing per-application digests and sending what differs (a Java peer,
// which has no digest, gets the whole registry). Peers that are down are
// retried with back-off, never forgotten; BASP heartbeats detect a dead
// link (middleman.heartbeat-interval / connection-timeout).
//
// One link per pair of nodes: a node that said hello offered its frontend,
// and the other replicates back over that link; of two nodes that list each
// other the lower node id opens it (cluster/replication_rules.hpp,
// link_plan).
//
// Start-up sync (decisions.md §4): the first peer reached gives the full
// registry (its export over BASP, or GET apps from a Java peer), registered
// here as replications; then the node is ready (GET /ready), or when
// eureka.server.wait-time-in-ms-when-sync-empty has passed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/io/middleman_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/time_anchor.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/peer_http_worker.hpp"
#include "cluster/peer_queue.hpp"
#include "cluster/peer_url.hpp"
#include "messages/interfaces.hpp"

namespace eureka::cluster {

/// The replication actor's whole interface: what others send it plus its
/// own timers.
using replication_full_actor = replication_actor::extend<
    caf::reacts_to<beat_atom>, caf::reacts_to<retry_atom, uint32_t>, caf::reacts_to<deadline_atom>,
    caf::reacts_to<grace_atom, uint32_t, uint64_t>>::extend_with<peer_offer_actor>;

struct replication_settings {
  cluster_config cfg;
  /// This node, as peers see it.
  std::string node_id;
  std::string http_url;
  /// The peers (this node's own URL already left out).
  std::vector<peer_url> peers;
  /// Bound of a full fetch from a Java peer (eureka.server.max-instances).
  size_t max_instances = 100000;
  /// CAs and client certificate of https:// peer URLs (eureka.client.tls.*);
  /// null: the system's CAs.
  std::shared_ptr<const peer_tls_context> tls;
  /// The middleman actor that opens BASP links: caf::openssl's with mutual
  /// TLS; null for CAF's plain one.
  caf::io::middleman_actor basp;
};

enum class peer_kind : uint8_t { unknown, caf, java, self, foreign };
enum class link_state : uint8_t { down, discovering, awaiting_offer, connecting, up };

std::string_view to_string(peer_kind k);
std::string_view to_string(link_state s);

struct peer_state {
  peer_state(peer_url u, const cluster_config& cfg)
      : url(std::move(u)), queue(cfg.max_batch_items, cfg.max_peer_queue_bytes),
        retry(cfg.retry_min_ms, cfg.retry_max_ms) {}

  peer_url url;
  peer_kind kind = peer_kind::unknown;
  link_state link = link_state::down;
  peer_http_worker_actor worker;
  peer_frontend_actor remote;
  std::string node_id;
  /// Its BASP port, as its discovery said.
  uint16_t basp_port = 0;
  /// The link is the one the peer opened (its hello offered its frontend).
  bool on_offered_link = false;
  peer_queue queue;
  backoff retry;
  bool retry_scheduled = false;
  /// Batches sent and not yet answered, by sequence number.
  std::map<uint64_t, std::vector<replication_item>> in_flight;
  uint64_t next_seq = 1;
  /// The link was up before: when it returns the peer is caught up (unless
  /// it came back as another node: a restart).
  bool had_link = false;
  std::string linked_node_id;
  bool needs_catch_up = false;
  bool catching_up = false;
  /// A Java peer answered 503: batches wait for a second (contract §5.2).
  bool paused = false;
  /// Bumped whenever the link is lost: answers of an older link are stale.
  uint64_t generation = 0;
  /// Why the last attempt failed (logged when it changes).
  std::string last_error;
  // -- figures ---------------------------------------------------------------
  uint64_t batches_sent = 0;
  uint64_t items_sent = 0;
  uint64_t failures = 0;
  uint64_t catch_ups = 0;
  int64_t last_ack_ms = 0;
};

struct replication_state {
  replication_settings settings;
  directory_actor directory;
  time_anchor clock;
  std::vector<peer_state> peers;
  /// This node's frontend (its hellos carry it), once it introduced itself.
  peer_frontend_actor frontend;
  /// Frontends offered in peers' hellos, by node id: the links they opened.
  std::map<std::string, peer_frontend_actor> offers;
  // -- start-up sync -----------------------------------------------------------
  bool ready = false;
  bool syncing = false;
  /// The peer the start-up sync is pulling from (valid while syncing).
  uint32_t sync_peer = 0;
  std::string ready_detail;
  int64_t started_ms = 0;
  uint64_t synced_instances = 0;
  uint64_t follow_up_failures = 0;
  static const char* name;
};

/// Most batches in flight to one peer.
inline constexpr size_t max_batches_in_flight = 4;

replication_full_actor::behavior_type
replication(replication_full_actor::stateful_pointer<replication_state> self,
            replication_settings settings, time_anchor clock, directory_actor directory);

} // namespace eureka::cluster
