// The gateway's TLS (http_gateway/tls_session) without sockets: an OpenSSL
// client on memory BIOs talks to a tls_session, with a CA and certificates
// made by tls_test_certs.hpp in a temporary directory.
#define BOOST_TEST_MODULE gateway_tls
#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "http_gateway/tls_session.hpp"
#include "test/unit/tls_test_certs.hpp"

using namespace eureka;
using namespace eureka::gateway;

namespace {

/// ca, server (by ca), client (by ca), rogue (self-signed client) as PEM
/// files in a fresh directory (tls_test_certs.hpp).
struct pki {
  test::temp_dir dir;
  pki() {
    auto ca_key = test::make_key();
    auto ca = test::make_cert("test-ca", ca_key.get(), nullptr, nullptr, true);
    test::write_cert(dir.file("ca.pem"), ca.get());
    auto issue = [&](const char* name, bool by_ca) {
      auto key = test::make_key();
      auto cert = by_ca ? test::make_cert(name, key.get(), ca.get(), ca_key.get(), false)
                        : test::make_cert(name, key.get(), nullptr, nullptr, false);
      test::write_cert(dir.file(std::string{name} + ".pem"), cert.get());
      test::write_key(dir.file(std::string{name} + ".key"), key.get());
    };
    issue("server", true);
    issue("client", true);
    issue("rogue", false);
  }
  std::string operator()(const char* name) const { return dir.file(name); }
};

const pki& files() {
  static const pki instance;
  return instance;
}

tls_settings server_settings(client_auth clients = client_auth::none) {
  tls_settings s;
  s.certificate = files()("server.pem");
  s.private_key = files()("server.key");
  if (clients != client_auth::none)
    s.trust_certificate = files()("ca.pem");
  s.clients = clients;
  return s;
}

std::shared_ptr<const tls_context> context_of(const tls_settings& s) {
  std::string error;
  auto ctx = tls_context::create(s, error);
  BOOST_REQUIRE_MESSAGE(ctx, error);
  return ctx;
}

/// An OpenSSL client on memory BIOs, trusting the test CA.
struct test_client {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;

  explicit test_client(const char* cert = nullptr, int max_version = 0) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, files()("ca.pem").c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    if (max_version != 0) {
      SSL_CTX_set_security_level(ctx, 0);
      SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(ctx, max_version);
    }
    if (cert != nullptr) {
      SSL_CTX_use_certificate_file(ctx, files()((std::string{cert} + ".pem").c_str()).c_str(),
                                   SSL_FILETYPE_PEM);
      SSL_CTX_use_PrivateKey_file(ctx, files()((std::string{cert} + ".key").c_str()).c_str(),
                                  SSL_FILETYPE_PEM);
    }
    ssl = SSL_new(ctx);
    auto* rbio = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(rbio, -1);
    SSL_set_bio(ssl, rbio, BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl);
  }
  ~test_client() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }

  std::string take_output() {
    std::string out;
    auto* wbio = SSL_get_wbio(ssl);
    while (auto n = BIO_ctrl_pending(wbio)) {
      auto old = out.size();
      out.resize(old + n);
      BIO_read(wbio, out.data() + old, static_cast<int>(n));
    }
    return out;
  }
  void give_input(const std::string& bytes) {
    if (!bytes.empty())
      BIO_write(SSL_get_rbio(ssl), bytes.data(), static_cast<int>(bytes.size()));
  }
  std::string read_all() {
    std::string out;
    char buf[4096];
    int n;
    while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0)
      out.append(buf, static_cast<size_t>(n));
    return out;
  }
};

/// Runs both sides until neither has anything to say. Returns false if the
/// server session failed; `plaintext` collects what the server decrypted.
bool converse(test_client& c, tls_session& s, std::string& plaintext) {
  for (int round = 0; round < 20; ++round) {
    SSL_do_handshake(c.ssl);
    auto to_server = c.take_output();
    std::string to_client;
    auto ok = s.feed(to_server, plaintext, to_client);
    c.give_input(to_client);
    if (!ok)
      return false;
    if (to_server.empty() && to_client.empty())
      return true;
  }
  return true;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_handshake_then_requests_and_answers) {
  tls_session s{context_of(server_settings())};
  test_client c;
  std::string plain;
  // An answer written before the handshake waits for it.
  std::string early;
  BOOST_TEST(s.write("early ", early));
  BOOST_TEST(early.empty());
  BOOST_REQUIRE(converse(c, s, plain));
  BOOST_TEST(s.handshake_done());
  BOOST_TEST(SSL_is_init_finished(c.ssl) == 1);
  BOOST_TEST(s.protocol() == "TLSv1.3");
  std::string request = "GET /eureka/apps HTTP/1.1\r\nHost: x\r\n\r\n";
  SSL_write(c.ssl, request.data(), static_cast<int>(request.size()));
  std::string to_client;
  BOOST_TEST(s.feed(c.take_output(), plain, to_client));
  BOOST_TEST(plain == request);
  // A large answer: many records, one stream.
  std::string body(100000, 'x');
  BOOST_TEST(s.write(body, to_client));
  c.give_input(to_client);
  BOOST_TEST(c.read_all() == "early " + body);
  // close_notify.
  std::string alert;
  s.close(alert);
  BOOST_TEST(!alert.empty());
  c.give_input(alert);
  char buf[8];
  BOOST_TEST(SSL_read(c.ssl, buf, sizeof(buf)) == 0);
  BOOST_TEST(SSL_get_error(c.ssl, 0) == SSL_ERROR_ZERO_RETURN);
}

BOOST_AUTO_TEST_CASE(input_in_single_bytes) {
  tls_session s{context_of(server_settings())};
  test_client c;
  std::string plain;
  for (int round = 0; round < 20 && !s.handshake_done(); ++round) {
    SSL_do_handshake(c.ssl);
    std::string to_client;
    for (char byte : c.take_output())
      BOOST_REQUIRE(s.feed(std::string_view{&byte, 1}, plain, to_client));
    c.give_input(to_client);
  }
  BOOST_TEST(s.handshake_done());
}

BOOST_AUTO_TEST_CASE(plain_http_fails_the_handshake) {
  tls_session s{context_of(server_settings())};
  std::string plain, to_client;
  BOOST_TEST(!s.feed("GET /eureka/apps HTTP/1.1\r\nHost: x\r\n\r\n", plain, to_client));
  BOOST_TEST(plain.empty());
  BOOST_TEST(!s.handshake_done());
  BOOST_TEST(!s.error().empty());
  // Nothing more comes out of a failed session.
  BOOST_TEST(!s.write("HTTP/1.1 200 OK\r\n\r\n", to_client));
}

BOOST_AUTO_TEST_CASE(tls_1_1_is_refused) {
  tls_session s{context_of(server_settings())};
  test_client c{nullptr, TLS1_1_VERSION};
  std::string plain;
  BOOST_TEST(!converse(c, s, plain));
  BOOST_TEST(s.error().find("protocol") != std::string::npos, s.error());
}

BOOST_AUTO_TEST_CASE(client_certificates) {
  auto need = context_of(server_settings(client_auth::need));
  {
    tls_session s{need};
    test_client c{"client"};
    std::string plain;
    BOOST_TEST(converse(c, s, plain));
    BOOST_TEST(s.handshake_done());
  }
  for (auto* cert : {static_cast<const char*>(nullptr), "rogue"}) {
    BOOST_TEST_CONTEXT((cert ? cert : "no certificate")) {
      tls_session s{need};
      test_client c{cert};
      std::string plain;
      BOOST_TEST(!converse(c, s, plain));
      BOOST_TEST(!s.handshake_done());
    }
  }
  // want: without a certificate served, with another CA's refused.
  auto want = context_of(server_settings(client_auth::want));
  {
    tls_session s{want};
    test_client c;
    std::string plain;
    BOOST_TEST(converse(c, s, plain));
    BOOST_TEST(s.handshake_done());
  }
  {
    tls_session s{want};
    test_client c{"rogue"};
    std::string plain;
    BOOST_TEST(!converse(c, s, plain));
  }
}

BOOST_AUTO_TEST_CASE(bad_files_are_named) {
  std::string error;
  auto s = server_settings();
  s.private_key = files()("client.key");
  BOOST_TEST(!tls_context::create(s, error));
  BOOST_TEST(error.find("is not the key of the certificate") != std::string::npos, error);
  s = server_settings();
  s.certificate = files()("missing.pem");
  BOOST_TEST(!tls_context::create(s, error));
  BOOST_TEST(error.find("server.ssl.certificate: cannot load") == 0u, error);
  BOOST_TEST(error.find("missing.pem") != std::string::npos, error);
  s = server_settings(client_auth::need);
  s.trust_certificate = files()("nowhere.pem");
  BOOST_TEST(!tls_context::create(s, error));
  BOOST_TEST(error.find("server.ssl.trust-certificate") == 0u, error);
  auto ok = tls_context::create(server_settings(), error);
  BOOST_REQUIRE(ok);
  BOOST_TEST(ok->subject() == "/CN=server");
}
