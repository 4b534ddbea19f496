// Settings of a node's membership in a cluster: its peers (as Spring users
// configure them), its own BASP endpoint and cluster name, and the bounds of
// replication. Every default suits a production ring; tests shrink them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eureka::cluster {

/// Mutual TLS on the BASP links (docs/security.md): PEM paths, all three or
/// none. Set, every connection to and from a peer is TLS and each side
/// requires the other's certificate to chain to `ca`.
struct tls_config {
  /// This node's certificate (chain), presented to every peer.
  std::string certificate;
  /// Its private key; `key_password` decrypts it when it is encrypted.
  std::string key;
  std::string key_password;
  /// The cluster's CA: a peer's certificate must chain to one in this file.
  std::string ca;

  /// Any key set (a partial setting is refused at start).
  bool any() const {
    return !certificate.empty() || !key.empty() || !ca.empty() || !key_password.empty();
  }
  bool enabled() const { return !certificate.empty() && !key.empty() && !ca.empty(); }
};

struct cluster_config {
  /// Peer service URLs as given (`eureka.client.service-url.default-zone`,
  /// comma-separated, the same list on every node; this node's own URL is
  /// recognised and skipped).
  std::vector<std::string> peer_urls;
  /// Name every caf-eureka node of one cluster shares; a peer answering with
  /// another name is refused.
  std::string name = "caf-eureka";
  /// Address and port of this node's BASP listener (0 = ephemeral).
  std::string bind_address = "0.0.0.0";
  uint16_t port = 8771;
  /// Host name peers use to reach this node's BASP port; empty = the node's
  /// host name (eureka.instance.hostname or the detected one).
  std::string advertised_host;
  tls_config tls;

  // -- replication -----------------------------------------------------------

  /// Most actions in one batch sent to a peer. A batch goes out at once
  /// while fewer than max_batches_in_flight (4) are unacknowledged, so an
  /// idle peer gets each action at once and a loaded one larger batches:
  /// the delay under load is bounded by the peer's round trip.
  size_t max_batch_items = 250;
  /// Renewals are relayed to peers once per tick, coalesced per instance.
  int64_t heartbeat_tick_ms = 1000;
  /// Bytes of actions queued for one peer; beyond, the queue is dropped and
  /// the peer is caught up by digest comparison when it answers again.
  size_t max_peer_queue_bytes = size_t{64} << 20;
  /// A batch not acknowledged within this is a failure (the link is
  /// re-established and the peer caught up).
  int64_t ack_timeout_ms = 10000;
  /// Back-off between attempts to reach a peer that is down.
  int64_t retry_min_ms = 500;
  int64_t retry_max_ms = 30000;

  // -- start-up sync and self-registration -------------------------------------

  /// Longest a starting node waits for its start-up sync before it reports
  /// ready anyway (Java's eureka.server.wait-time-in-ms-when-sync-empty).
  int64_t wait_time_in_ms_when_sync_empty = 300000;
  /// Register this node in the registry as app `self_app_name`, as a Java
  /// server's embedded client does (eureka.client.register-with-eureka).
  bool register_with_eureka = false;
  std::string self_app_name = "EUREKA";
};

} // namespace eureka::cluster
