#include "cluster/tls_settings.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "common/log.hpp"
#include "http_gateway/auth.hpp"

namespace eureka::cluster {

namespace {

/// The newest OpenSSL reason, and an empty error queue for the next check.
std::string openssl_reason() {
  auto code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0)
    return "no reason given";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", code);
}

/// errno's text when the file cannot be opened at all (the commonest typo),
/// else "".
std::string unreadable(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f{std::fopen(path.c_str(), "rb"), &std::fclose};
  if (!f)
    return std::strerror(errno);
  return {};
}

/// OpenSSL asks this for the key's password; never the terminal, which its
/// default callback would (CAF's module installs its own only when a
/// password is set).
int password_callback(char* buf, int size, int, void* user) {
  const auto& password = *static_cast<const std::string*>(user);
  if (password.empty() || size <= 0 || password.size() >= static_cast<size_t>(size))
    return -1;
  std::memcpy(buf, password.data(), password.size());
  return static_cast<int>(password.size());
}

/// "" when `cert` chains to a certificate of `store` for `purpose`.
std::string verify_against(X509_STORE* store, X509* cert, STACK_OF(X509) * chain, int purpose) {
  std::unique_ptr<X509_STORE_CTX, void (*)(X509_STORE_CTX*)> ctx{X509_STORE_CTX_new(),
                                                                 &X509_STORE_CTX_free};
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store, cert, chain) != 1)
    return "cannot set up a certificate check: " + openssl_reason();
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  if (X509_verify_cert(ctx.get()) == 1)
    return {};
  ERR_clear_error();
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

} // namespace

std::string check_tls_keys(const tls_config& tls) {
  if (!tls.any() || tls.enabled())
    return {};
  std::string missing;
  auto note = [&missing](const std::string& value, std::string_view key) {
    if (!value.empty())
      return;
    if (!missing.empty())
      missing += ", ";
    missing += key;
  };
  note(tls.certificate, "eureka.cluster.tls.certificate");
  note(tls.key, "eureka.cluster.tls.key");
  note(tls.ca, "eureka.cluster.tls.ca");
  return fmt::format("mutual TLS between peers needs eureka.cluster.tls.certificate, "
                     "eureka.cluster.tls.key and eureka.cluster.tls.ca together; missing: {}",
                     missing);
}

std::string check_tls_files(const tls_config& tls) {
  if (!tls.enabled())
    return {};
  ERR_clear_error();
  for (auto [key, path] : {std::pair<std::string_view, const std::string*>{
                               "eureka.cluster.tls.certificate", &tls.certificate},
                           {"eureka.cluster.tls.key", &tls.key},
                           {"eureka.cluster.tls.ca", &tls.ca}})
    if (auto err = unreadable(*path); !err.empty())
      return fmt::format("{}: cannot read '{}': {}", key, log::printable(*path), err);
  // The calls CAF's openssl session makes for each connection, on a context
  // of our own.
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx{SSL_CTX_new(TLS_method()), &SSL_CTX_free};
  if (!ctx)
    return "cannot create an OpenSSL context: " + openssl_reason();
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), tls.certificate.c_str()) != 1)
    return fmt::format("eureka.cluster.tls.certificate: '{}' holds no usable PEM certificate: {}",
                       log::printable(tls.certificate), openssl_reason());
  std::string password = tls.key_password;
  SSL_CTX_set_default_passwd_cb(ctx.get(), &password_callback);
  SSL_CTX_set_default_passwd_cb_userdata(ctx.get(), &password);
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), tls.key.c_str(), SSL_FILETYPE_PEM) != 1) {
    auto reason = openssl_reason();
    // OpenSSL compares the key with the certificate as it loads it.
    if (reason == "key values mismatch")
      return fmt::format("eureka.cluster.tls.key: '{}' is not the key of the certificate '{}'",
                         log::printable(tls.key), log::printable(tls.certificate));
    return fmt::format("eureka.cluster.tls.key: cannot load a PEM private key from '{}': {}{}",
                       log::printable(tls.key), reason,
                       tls.key_password.empty()
                           ? " (if the key is encrypted, set eureka.cluster.tls.key-password)"
                           : " (is eureka.cluster.tls.key-password right?)");
  }
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return fmt::format("eureka.cluster.tls.key: '{}' is not the key of the certificate '{}': {}",
                       log::printable(tls.key), log::printable(tls.certificate), openssl_reason());
  if (SSL_CTX_load_verify_locations(ctx.get(), tls.ca.c_str(), nullptr) != 1)
    return fmt::format("eureka.cluster.tls.ca: '{}' holds no usable PEM CA certificate: {}",
                       log::printable(tls.ca), openssl_reason());
  // Peers verify this node's certificate against the same CA, as a server
  // (it accepts their links) and as a client (it opens links to them): a
  // certificate they would refuse is a configuration error now, not a
  // cluster that silently never links.
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(ctx.get(), &chain);
  auto* own = SSL_CTX_get0_certificate(ctx.get());
  auto* store = SSL_CTX_get_cert_store(ctx.get());
  for (auto [purpose, role] : {std::pair<int, std::string_view>{X509_PURPOSE_SSL_SERVER, "server"},
                               {X509_PURPOSE_SSL_CLIENT, "client"}})
    if (auto err = verify_against(store, own, chain, purpose); !err.empty())
      return fmt::format("eureka.cluster.tls.certificate: '{}' does not verify against the CA of "
                         "eureka.cluster.tls.ca '{}' as a TLS {} ({}): peers would refuse it",
                         log::printable(tls.certificate), log::printable(tls.ca), role, err);
  return {};
}

tls_floor current_tls_floor() {
  tls_floor out;
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> ctx{SSL_CTX_new(TLS_method()), &SSL_CTX_free};
  if (!ctx) {
    out.text = "unknown (no OpenSSL context: " + openssl_reason() + ")";
    return out;
  }
  auto level = SSL_CTX_get_security_level(ctx.get());
  auto min = SSL_CTX_get_min_proto_version(ctx.get());
  auto version = OpenSSL_version(OPENSSL_VERSION);
  if (min >= TLS1_2_VERSION) {
    out.modern = true;
    out.text = fmt::format(
        "TLS 1.2 or 1.3 (the system's OpenSSL configuration sets the minimum; {})", version);
  } else if (OpenSSL_version_num() >= 0x30000000L && level >= 1) {
    out.modern = true;
    out.text = fmt::format("TLS 1.2 or 1.3 ({} at security level {} refuses TLS 1.0 and 1.1)",
                           version, level);
  } else {
    out.text = fmt::format("TLS 1.0 or higher ({} at security level {}: raise it, or set "
                           "MinProtocol = TLSv1.2 in the system's OpenSSL configuration)",
                           version, level);
  }
  return out;
}

std::optional<std::string> cluster_exposure_warning(const tls_config& tls,
                                                    std::string_view bind_address, uint16_t port) {
  if (tls.enabled() || gateway::loopback_address(bind_address))
    return std::nullopt;
  return fmt::format(
      "the cluster port listens on {}:{} without TLS: anyone who reaches it can send replicated "
      "writes and read the registry over BASP. Set eureka.cluster.tls.certificate, "
      "eureka.cluster.tls.key and eureka.cluster.tls.ca (mutual TLS), or bind "
      "eureka.cluster.bind-address to a private address and firewall it (docs/security.md)",
      bind_address, port);
}

} // namespace eureka::cluster
