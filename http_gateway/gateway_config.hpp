// Settings of the HTTP front end. Every limit the gateway enforces lives here,
// with a default that suits a production node; tests shrink them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "http_gateway/auth.hpp"
#include "http_gateway/descriptor_budget.hpp"
#include "http_gateway/tls_session.hpp"

#include "registry/dirty_timestamp.hpp"

namespace eureka::gateway {

/// Who this node is in its cluster, as GET {base}/cluster/node tells peers
/// (codec/node_identity.hpp). An empty `node_id` means no cluster listener:
/// the endpoint then answers 404, like an unknown path, so that no node
/// mistakes this one for a caf-eureka peer.
struct cluster_identity {
  std::string node_id;
  /// eureka.cluster.name.
  std::string cluster;
  /// Where peers reach this node's BASP listener (the port actually bound).
  std::string basp_host;
  uint16_t basp_port = 0;
};

struct gateway_config {
  /// Address the listening socket binds to.
  std::string bind_address = "0.0.0.0";
  /// TCP port; 0 asks the OS for an ephemeral one (see http_frontend_handle).
  uint16_t port = 8761;
  /// TLS on the listening socket (server.ssl.*); off without a certificate.
  tls_settings tls;
  /// Mount points of the Eureka API. Each also accepts an optional "/v2"
  /// segment, so "/eureka" serves both /eureka/apps and /eureka/v2/apps.
  std::vector<std::string> base_paths{"/eureka"};

  /// Request line plus headers; larger requests get 431 and are closed.
  size_t max_header_bytes = 16 * 1024;
  /// Request body (after any gzip inflation too); larger gets 413 + close.
  size_t max_body_bytes = 1024 * 1024;
  /// A lastDirtyTimestamp further ahead of this node's clock is refused with
  /// 400 (registry/dirty_timestamp.hpp); 0: no bound, as in Java.
  int64_t max_dirty_timestamp_skew_ms = default_max_dirty_timestamp_skew_ms;
  /// Items of one E14 `peerreplication/batch` (each is a registry write);
  /// a larger batch is refused whole with 400. Java senders cut batches at
  /// 250 items.
  size_t max_replication_batch_items = 1000;
  /// Open connections; the next one gets 503 and is closed.
  size_t max_connections = 4096;
  /// A keep-alive connection idle this long is closed silently.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds{90}};
  /// Time from a request's first byte to its last; longer gets 408 + close.
  std::chrono::milliseconds request_timeout{std::chrono::seconds{15}};
  /// Period of the single sweep timer that enforces both timeouts.
  std::chrono::milliseconds sweep_interval{std::chrono::seconds{1}};
  /// How long a connection closed after an error keeps draining input, so
  /// that the kernel sends FIN rather than RST and the client reads the error.
  std::chrono::milliseconds linger_time{std::chrono::milliseconds{500}};
  /// Sockets kept lingering after a 503 "too many connections" on top of
  /// max_connections (set from the descriptor budget at start).
  size_t max_rejecting_connections = gateway::max_rejecting_connections;

  // -- output: what slow or non-reading clients may make the node hold -------

  /// Unsent output of one connection beyond which its further pipelined
  /// requests wait until the client reads (bodies are shared, not copied).
  size_t max_connection_output_bytes = 4 * 1024 * 1024;
  /// Distinct response bodies kept alive for unsent output, plus the bytes
  /// copied into socket buffers, over all connections; a response that
  /// would go beyond gets 503 instead (one body is always admitted).
  size_t max_output_bytes = size_t{256} * 1024 * 1024;
  /// A client with output pending that takes fewer bytes per second than
  /// this, measured over `send_rate_window`, is disconnected. 0 still
  /// disconnects a client that takes nothing for a whole window.
  size_t min_send_rate = 8 * 1024;
  std::chrono::milliseconds send_rate_window{std::chrono::seconds{10}};
  /// On shutdown: how long answers in progress may take to reach their
  /// clients before every remaining connection is reset.
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds{5}};

  // -- this node, as shown by GET {base}/status (contract §2.9) --------------

  /// Application name the node reports for itself.
  std::string node_app = "CAF-EUREKA";
  /// Host name and IP of this node; empty = detected at start.
  std::string node_hostname;
  std::string node_ip;
  /// `environment` of generalStats (Java's eureka.environment default).
  std::string environment = "test";
  /// Service URLs of the peer nodes (registered-replicas).
  std::vector<std::string> peer_urls;
  /// This node in its cluster (GET {base}/cluster/node).
  cluster_identity cluster;

  // -- who may do what (docs/security.md, docs/admin-api.md) ----------------

  auth_config auth;
  admin_config admin;
};

} // namespace eureka::gateway
