// OpenSSL's I/O calls with an empty error queue, for the whole process.
//
// Why: OpenSSL keeps one error queue per thread, and SSL_get_error(3) reads
// it: "the current thread's error queue must be empty before the TLS/SSL
// I/O operation is attempted, or SSL_get_error() will not work reliably".
// CAF 0.17.6's openssl module calls SSL_get_error after every SSL_connect,
// SSL_accept, SSL_read and SSL_write on its multiplexer thread, and empties
// the queue only inside its own log statements, which Debian's libcaf is
// built without. So the error of one refused handshake (a node with the
// wrong certificate, a bare TLS client, a redundant BASP connection closed
// mid-handshake) stayed queued, and the next SSL_read that merely wanted
// more bytes on a healthy link came back as SSL_ERROR_SSL: CAF closed that
// link. Every refusal cost the node its good links (docs/security.md,
// "Links that dropped with TLS").
//
// How: these definitions in the executable interpose OpenSSL's for every
// caller in the process (libcaf_openssl included: the dynamic linker looks
// in the executable first); each empties the queue and calls OpenSSL's own.
// Errors an I/O call leaves stay queued for the SSL_get_error that follows
// it. The node's own TLS code (the gateway, peer HTTPS) drains the queue
// after failures already; emptying it before each call is what OpenSSL
// asks of every caller.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn openssl_own(const char* name) {
  // RTLD_NEXT: the next definition after this executable's, libssl's.
  void* sym = dlsym(RTLD_NEXT, name);
  if (sym == nullptr) {
    std::fprintf(stderr, "caf-eureka: OpenSSL's %s not found: %s\n", name, dlerror());
    std::abort();
  }
  return reinterpret_cast<Fn>(sym);
}

using io_fn = int (*)(SSL*, void*, int);
using write_fn = int (*)(SSL*, const void*, int);
using handshake_fn = int (*)(SSL*);

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto own = openssl_own<io_fn>("SSL_read");
  ERR_clear_error();
  return own(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto own = openssl_own<write_fn>("SSL_write");
  ERR_clear_error();
  return own(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static const auto own = openssl_own<handshake_fn>("SSL_connect");
  ERR_clear_error();
  return own(ssl);
}

int SSL_accept(SSL* ssl) {
  static const auto own = openssl_own<handshake_fn>("SSL_accept");
  ERR_clear_error();
  return own(ssl);
}

} // extern "C"
