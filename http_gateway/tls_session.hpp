// TLS for the HTTP gateway (server.ssl.*, docs/security.md): OpenSSL driven
// through memory BIOs, so the broker keeps its own sockets and event loop
// (CAF 0.17's broker has no TLS) and every rule here runs without sockets.
// The broker feeds what a socket delivered to feed() and writes what comes
// out; it encrypts its answers with write().
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

// OpenSSL's types, declared rather than included: callers need no OpenSSL
// headers.
struct ssl_ctx_st;
struct ssl_st;

namespace eureka::gateway {

/// Whether clients must show a certificate (Spring Boot's server.ssl.client-auth).
enum class client_auth {
  /// None is asked for.
  none,
  /// One is asked for and verified when sent, but not required.
  want,
  /// A client without a certificate the trusted CAs signed is refused.
  need,
};

/// What server.ssl.* configures (Spring Boot's names for PEM files).
struct tls_settings {
  /// PEM file: the server's certificate, followed by its chain. Empty: no TLS.
  std::string certificate;
  /// PEM file: the certificate's private key (unencrypted).
  std::string private_key;
  /// PEM file of the CAs a client certificate must chain to (client_auth
  /// want or need).
  std::string trust_certificate;
  client_auth clients = client_auth::none;

  bool enabled() const { return !certificate.empty(); }
};

/// "none", "want", "need".
std::string_view to_string(client_auth x);

/// The server's certificate, key and verification settings: made once at
/// start (so a bad file stops the node with a clear error) and shared by
/// every connection.
class tls_context {
public:
  /// nullptr with `error` set (which file, what OpenSSL said) unless
  /// every file loads and the key matches the certificate.
  static std::shared_ptr<const tls_context> create(const tls_settings& settings,
                                                   std::string& error);
  ~tls_context();
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;

  ssl_ctx_st* native() const { return ctx_; }
  /// The certificate's subject, for the start-up log.
  const std::string& subject() const { return subject_; }

private:
  tls_context() = default;
  ssl_ctx_st* ctx_ = nullptr;
  std::string subject_;
};

/// One connection's TLS state, server side.
class tls_session {
public:
  explicit tls_session(std::shared_ptr<const tls_context> ctx);
  ~tls_session();
  tls_session(const tls_session&) = delete;
  tls_session& operator=(const tls_session&) = delete;

  /// Takes bytes the socket delivered: the plaintext they complete goes to
  /// `plaintext`, and what TLS must send back (handshake records, alerts,
  /// and answers written before the handshake finished) to `to_socket`.
  /// False on a fatal error (error() says which): send `to_socket`, then
  /// close.
  bool feed(std::string_view from_socket, std::string& plaintext, std::string& to_socket);

  /// Encrypts `plaintext` into `to_socket`; before the handshake finished
  /// it is kept and sent once it has. False on a fatal error.
  bool write(std::string_view plaintext, std::string& to_socket);

  /// A close_notify alert into `to_socket` (once, after the handshake).
  void close(std::string& to_socket);

  bool handshake_done() const { return handshake_done_; }
  /// Why the session failed (OpenSSL's reason, e.g. "wrong version number"
  /// for plain HTTP sent to the TLS port).
  const std::string& error() const { return error_; }
  /// The negotiated protocol ("TLSv1.3") once the handshake is done.
  std::string protocol() const;

private:
  bool fail(int ret);
  void drain(std::string& to_socket);
  bool flush_pending(std::string& to_socket);

  std::shared_ptr<const tls_context> ctx_;
  ssl_st* ssl_ = nullptr;
  /// Answers written before the handshake finished.
  std::string pending_;
  bool handshake_done_ = false;
  bool closed_ = false;
  std::string error_;
};

} // namespace eureka::gateway
