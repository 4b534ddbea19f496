// TLS for this node's own HTTP calls (peer_http_client): to https:// peer
// URLs (discovery, the start-up sync, a Java server's batches) and from
// caf-eureka-admin. The server's certificate is verified against the
// configured CAs (eureka.client.tls.trust-certificate) or the system's, and
// its host name or IP against the URL's; a client certificate is shown when
// one is configured (for peers with server.ssl.client-auth=need).
#pragma once

#include <memory>
#include <string>

struct ssl_ctx_st;

namespace eureka::cluster {

struct peer_tls_settings {
  /// PEM file of the CAs a peer's certificate must chain to; empty: the
  /// system's CAs.
  std::string trust_certificate;
  /// PEM files of this node's client certificate (with its chain) and key;
  /// both or neither.
  std::string certificate;
  std::string private_key;
};

class peer_tls_context {
public:
  /// nullptr with `error` naming the key and file unless every file loads.
  static std::shared_ptr<const peer_tls_context> create(const peer_tls_settings& settings,
                                                        std::string& error);
  /// The system's CAs, no client certificate: what an https URL uses when
  /// nothing is configured. Made once.
  static std::shared_ptr<const peer_tls_context> system_default();

  ~peer_tls_context();
  peer_tls_context(const peer_tls_context&) = delete;
  peer_tls_context& operator=(const peer_tls_context&) = delete;

  ssl_ctx_st* native() const { return ctx_; }

private:
  peer_tls_context() = default;
  ssl_ctx_st* ctx_ = nullptr;
};

} // namespace eureka::cluster
