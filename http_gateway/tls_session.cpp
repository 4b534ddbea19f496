#include "http_gateway/tls_session.hpp"

#include <algorithm>
#include <climits>
#include <new>
#include <utility>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/openssl_errors.hpp"

namespace eureka::gateway {

namespace {

/// Sessions resumed under client verification need an id context (OpenSSL
/// refuses to resume them otherwise).
constexpr unsigned char session_id_context[] = "caf-eureka";

} // namespace

std::string_view to_string(client_auth x) {
  switch (x) {
  case client_auth::none:
    return "none";
  case client_auth::want:
    return "want";
  case client_auth::need:
    return "need";
  }
  return "none";
}

std::shared_ptr<const tls_context> tls_context::create(const tls_settings& settings,
                                                       std::string& error) {
  ERR_clear_error();
  std::shared_ptr<tls_context> out{new tls_context};
  out->ctx_ = SSL_CTX_new(TLS_server_method());
  if (out->ctx_ == nullptr) {
    error = "cannot create a TLS context: " + drain_openssl_errors("unknown error");
    return nullptr;
  }
  auto* ctx = out->ctx_;
  // TLS 1.2 and 1.3 only; no renegotiation (a client could make the
  // gateway's thread redo handshakes at will); the server's cipher order.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // An idle keep-alive connection holds no read or write buffer.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_session_id_context(ctx, session_id_context, sizeof(session_id_context) - 1);
  if (SSL_CTX_use_certificate_chain_file(ctx, settings.certificate.c_str()) != 1) {
    error = fmt::format("server.ssl.certificate: cannot load '{}' (a PEM certificate, then its "
                        "chain): {}",
                        settings.certificate, drain_openssl_errors("unreadable"));
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, settings.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
    // OpenSSL checks the pair as it loads the key.
    auto mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
    error = mismatch ? fmt::format("server.ssl.certificate-private-key: '{}' is not the key of "
                                   "the certificate in '{}'",
                                   settings.private_key, settings.certificate)
                     : fmt::format("server.ssl.certificate-private-key: cannot load '{}' (an "
                                   "unencrypted PEM private key): {}",
                                   settings.private_key, drain_openssl_errors("unreadable"));
    ERR_clear_error();
    return nullptr;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    error =
        fmt::format("server.ssl.certificate-private-key: '{}' is not the key of the "
                    "certificate in '{}': {}",
                    settings.private_key, settings.certificate, drain_openssl_errors("mismatch"));
    return nullptr;
  }
  if (settings.clients != client_auth::none) {
    const auto& file = settings.trust_certificate;
    if (SSL_CTX_load_verify_locations(ctx, file.c_str(), nullptr) != 1) {
      error = fmt::format("server.ssl.trust-certificate: cannot load '{}' (PEM CA "
                          "certificates): {}",
                          file, drain_openssl_errors("unreadable"));
      return nullptr;
    }
    // The CAs named to clients, so that they pick a certificate that fits.
    if (auto* names = SSL_load_client_CA_file(file.c_str()))
      SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(
        ctx,
        SSL_VERIFY_PEER
            | (settings.clients == client_auth::need ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
        nullptr);
  }
  if (auto* cert = SSL_CTX_get0_certificate(ctx)) {
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof(buf));
    out->subject_ = buf;
  }
  ERR_clear_error();
  return out;
}

tls_context::~tls_context() {
  SSL_CTX_free(ctx_);
}

tls_session::tls_session(std::shared_ptr<const tls_context> ctx) : ctx_(std::move(ctx)) {
  ssl_ = SSL_new(ctx_->native());
  if (ssl_ == nullptr)
    throw std::bad_alloc();
  auto* rbio = BIO_new(BIO_s_mem());
  auto* wbio = BIO_new(BIO_s_mem());
  if (rbio == nullptr || wbio == nullptr) {
    BIO_free(rbio);
    BIO_free(wbio);
    SSL_free(ssl_);
    throw std::bad_alloc();
  }
  // An empty input buffer means "more to come", not end of stream.
  BIO_set_mem_eof_return(rbio, -1);
  SSL_set_bio(ssl_, rbio, wbio);
  SSL_set_accept_state(ssl_);
}

tls_session::~tls_session() {
  SSL_free(ssl_);
}

void tls_session::drain(std::string& to_socket) {
  auto* wbio = SSL_get_wbio(ssl_);
  while (auto n = BIO_ctrl_pending(wbio)) {
    auto old = to_socket.size();
    to_socket.resize(old + n);
    auto got =
        BIO_read(wbio, to_socket.data() + old, static_cast<int>(std::min<size_t>(n, INT_MAX)));
    to_socket.resize(old + (got > 0 ? static_cast<size_t>(got) : 0));
    if (got <= 0)
      break;
  }
}

bool tls_session::fail(int ret) {
  auto code = SSL_get_error(ssl_, ret);
  error_ = drain_openssl_errors(code == SSL_ERROR_SYSCALL ? "unexpected end of stream"
                                                          : "TLS protocol error");
  closed_ = true;
  return false;
}

bool tls_session::flush_pending(std::string& to_socket) {
  if (pending_.empty())
    return true;
  auto text = std::move(pending_);
  pending_.clear();
  return write(text, to_socket);
}

bool tls_session::feed(std::string_view from_socket, std::string& plaintext,
                       std::string& to_socket) {
  if (closed_)
    return error_.empty();
  ERR_clear_error();
  if (!from_socket.empty()
      && BIO_write(SSL_get_rbio(ssl_), from_socket.data(), static_cast<int>(from_socket.size()))
             <= 0) {
    error_ = "cannot buffer TLS input";
    closed_ = true;
    return false;
  }
  if (!handshake_done_) {
    auto r = SSL_do_handshake(ssl_);
    if (r != 1) {
      auto code = SSL_get_error(ssl_, r);
      drain(to_socket); // a pending flight, or the alert that says why
      if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
        return true;
      return fail(r);
    }
    handshake_done_ = true;
    if (!flush_pending(to_socket))
      return false;
  }
  char buf[16 * 1024];
  for (;;) {
    auto r = SSL_read(ssl_, buf, sizeof(buf));
    if (r > 0) {
      plaintext.append(buf, static_cast<size_t>(r));
      continue;
    }
    auto code = SSL_get_error(ssl_, r);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE)
      break;
    if (code == SSL_ERROR_ZERO_RETURN) {
      // The client's close_notify: it sends nothing more; the TCP close
      // that follows ends the connection.
      break;
    }
    drain(to_socket);
    return fail(r);
  }
  drain(to_socket);
  return true;
}

bool tls_session::write(std::string_view plaintext, std::string& to_socket) {
  if (closed_)
    return false;
  if (!handshake_done_) {
    pending_.append(plaintext);
    return true;
  }
  ERR_clear_error();
  while (!plaintext.empty()) {
    auto n = static_cast<int>(std::min<size_t>(plaintext.size(), INT_MAX));
    // Into a memory BIO a write never blocks: all of it or an error.
    auto r = SSL_write(ssl_, plaintext.data(), n);
    if (r <= 0)
      return fail(r);
    plaintext.remove_prefix(static_cast<size_t>(r));
  }
  drain(to_socket);
  return true;
}

void tls_session::close(std::string& to_socket) {
  if (closed_ || !handshake_done_)
    return;
  closed_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  drain(to_socket);
  ERR_clear_error();
}

std::string tls_session::protocol() const {
  return handshake_done_ ? SSL_get_version(ssl_) : "";
}

} // namespace eureka::gateway
