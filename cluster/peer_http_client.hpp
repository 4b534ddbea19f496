// A small blocking HTTP/1.1 client for calls to peers (a Java server's
// peerreplication/batch and apps, our own discovery endpoint). It blocks the
// calling thread up to its deadline, so it runs in a detached actor or a
// thread of its own, never on the middleman's multiplexer.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cluster/peer_tls.hpp"
#include "cluster/peer_url.hpp"

namespace eureka::cluster {

struct http_limits {
  /// Longest wait for the TCP connection (per address the host resolves to,
  /// and never beyond `deadline`).
  std::chrono::milliseconds connect_timeout{2000};
  /// Longest the whole call may take, from connecting to the last byte of
  /// the response. Name resolution is bounded by the system resolver's own
  /// timeouts (resolv.conf), not by this.
  std::chrono::milliseconds deadline{10000};
  /// Largest response body, as received and again after gzip inflation.
  size_t max_body_bytes = size_t{64} << 20;
  /// The CAs and client certificate of https:// URLs; null: the system's
  /// CAs, no client certificate.
  std::shared_ptr<const peer_tls_context> tls;
};

struct http_result {
  /// True when a complete response arrived, whatever its status.
  bool ok = false;
  /// When !ok: what failed, naming the peer ("peer h:8761: connect: ...").
  std::string error;
  /// The response status (0 when !ok).
  int status = 0;
  /// The Content-Type and Content-Encoding headers as received.
  std::string content_type;
  std::string content_encoding;
  /// The body, always decoded (a gzip body is inflated).
  std::string body;
};

using http_headers = std::vector<std::pair<std::string, std::string>>;

/// Sends `method` to `base.target(relative_target)` and reads the response.
/// The client sets Host, Connection: close, Accept-Encoding: gzip,
/// Content-Length (when there is a body, or for POST/PUT/PATCH) and, when
/// the URL has user information, Authorization: Basic; `headers` adds the
/// rest (Accept, Content-Type, x-netflix-discovery-replication...) and may
/// not repeat those. Never throws: every failure is an http_result with
/// `ok == false`. An https URL speaks TLS 1.2+ and verifies the server's
/// certificate (its chain against `limits.tls`, its name or IP against the
/// URL's host).
http_result peer_http_request(const peer_url& base, std::string_view method,
                              std::string_view relative_target, const http_headers& headers,
                              std::string_view body, const http_limits& limits);

} // namespace eureka::cluster
