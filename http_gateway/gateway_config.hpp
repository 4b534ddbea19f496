// Settings of the HTTP front end. Every limit the gateway enforces lives here,
// with a default that suits a production node; tests shrink them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eureka::gateway {

struct gateway_config {
  /// Address the listening socket binds to.
  std::string bind_address = "0.0.0.0";
  /// TCP port; 0 asks the OS for an ephemeral one (see http_frontend_handle).
  uint16_t port = 8761;
  /// Mount points of the Eureka API. Each also accepts an optional "/v2"
  /// segment, so "/eureka" serves both /eureka/apps and /eureka/v2/apps.
  std::vector<std::string> base_paths{"/eureka"};

  /// Request line plus headers; larger requests get 431 and are closed.
  size_t max_header_bytes = 16 * 1024;
  /// Request body (after any gzip inflation too); larger gets 413 + close.
  size_t max_body_bytes = 1024 * 1024;
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
};

} // namespace eureka::gateway
