#include "cluster/peer_tls.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/openssl_errors.hpp"

namespace eureka::cluster {

std::shared_ptr<const peer_tls_context> peer_tls_context::create(const peer_tls_settings& settings,
                                                                 std::string& error) {
  ERR_clear_error();
  std::shared_ptr<peer_tls_context> out{new peer_tls_context};
  out->ctx_ = SSL_CTX_new(TLS_client_method());
  if (out->ctx_ == nullptr) {
    error = "cannot create a TLS context: " + drain_openssl_errors("unknown error");
    return nullptr;
  }
  auto* ctx = out->ctx_;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (settings.trust_certificate.empty()) {
    SSL_CTX_set_default_verify_paths(ctx);
  } else if (SSL_CTX_load_verify_locations(ctx, settings.trust_certificate.c_str(), nullptr) != 1) {
    error = fmt::format("eureka.client.tls.trust-certificate: cannot load '{}' (PEM CA "
                        "certificates): {}",
                        settings.trust_certificate, drain_openssl_errors("unreadable"));
    return nullptr;
  }
  if (settings.certificate.empty() != settings.private_key.empty()) {
    error = "eureka.client.tls.certificate and eureka.client.tls.certificate-private-key go "
            "together";
    return nullptr;
  }
  if (!settings.certificate.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, settings.certificate.c_str()) != 1) {
      error = fmt::format("eureka.client.tls.certificate: cannot load '{}': {}",
                          settings.certificate, drain_openssl_errors("unreadable"));
      return nullptr;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, settings.private_key.c_str(), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_check_private_key(ctx) != 1) {
      error = fmt::format("eureka.client.tls.certificate-private-key: cannot load '{}', or it is "
                          "not the key of '{}': {}",
                          settings.private_key, settings.certificate,
                          drain_openssl_errors("unreadable"));
      return nullptr;
    }
  }
  ERR_clear_error();
  return out;
}

std::shared_ptr<const peer_tls_context> peer_tls_context::system_default() {
  static const auto ctx = [] {
    std::string error;
    return create(peer_tls_settings{}, error);
  }();
  return ctx;
}

peer_tls_context::~peer_tls_context() {
  SSL_CTX_free(ctx_);
}

} // namespace eureka::cluster
