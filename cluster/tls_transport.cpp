// The scribe, doorman and middleman actor below follow CAF 0.17.6's
// libcaf_openssl/src/openssl/middleman_actor.cpp (BSD-3-Clause, Dominik
// Charousset), whose classes are private to that library; the TLS session is
// CAF's own (caf::openssl::make_session). Added: the failed handshakes are
// logged.
#include "cluster/tls_transport.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <sys/socket.h>
#include <sys/types.h>

#include <caf/actor_system.hpp>
#include <caf/detail/socket_guard.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor_impl.hpp>
#include <caf/io/network/default_multiplexer.hpp>
#include <caf/io/network/doorman_impl.hpp>
#include <caf/io/network/stream_impl.hpp>
#include <caf/openssl/session.hpp>
#include <fmt/format.h>
#include <openssl/err.h>

#include "common/log.hpp"

namespace eureka::cluster {

namespace {

using native_socket = caf::io::network::native_socket;
using default_mpx = caf::io::network::default_multiplexer;
using caf::io::network::rw_state;

refusal_log_budget& budget() {
  // Each kind once a minute, twenty lines a minute at most.
  static refusal_log_budget b{20, std::chrono::minutes{1}};
  return b;
}

std::string peer_of(native_socket fd) {
  auto addr = caf::io::network::remote_addr_of_fd(fd);
  auto port = caf::io::network::remote_port_of_fd(fd);
  if (!addr || !port)
    return "an unknown address";
  return addr->find(':') != std::string::npos ? fmt::format("[{}]:{}", *addr, *port)
                                              : fmt::format("{}:{}", *addr, *port);
}

/// OpenSSL's reasons for the call that just failed on this thread (its error
/// queue is per thread; CAF's session leaves it filled, its logging being
/// compiled out).
std::string take_openssl_reason() {
  std::string out;
  while (auto code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    if (!out.empty())
      out += "; ";
    out += reason != nullptr ? reason : fmt::format("error {:#x}", code);
  }
  return out;
}

std::string host_of(native_socket fd) {
  auto addr = caf::io::network::remote_addr_of_fd(fd);
  return addr ? *addr : std::string{"?"};
}

void log_refusal(native_socket fd, bool accepting, const std::string& host, uint16_t port) {
  auto explanation = explain_handshake_failure(take_openssl_reason(), accepting);
  // A connecting peer's port changes with every attempt: its host is the
  // kind; a peer this node connects to is its host and port.
  auto kind = accepting ? fmt::format("from {} {}", host_of(fd), explanation)
                        : fmt::format("to {}:{} {}", host, port, explanation);
  auto d = budget().take(kind, refusal_log_budget::clock::now());
  if (d.suppressed_before > 0)
    log::warn("cluster",
              "{} more failed TLS handshakes on BASP links in the last minute were not logged "
              "(each kind is logged once a minute)",
              d.suppressed_before);
  if (!d.log) {
    log::debug("cluster", "TLS handshake failed {}", log::esc(kind));
    return;
  }
  if (accepting && explanation.find("[OpenSSL") == std::string::npos)
    // No reason: the peer hung up; not necessarily a refusal.
    log::warn("cluster", "BASP connection from {} closed before any BASP data: {}", peer_of(fd),
              log::esc(explanation));
  else if (accepting)
    log::warn("cluster", "refused a BASP connection from {}: TLS handshake failed: {}", peer_of(fd),
              log::esc(explanation));
  else
    log::warn("cluster", "BASP connection to {}:{} refused: TLS handshake failed: {}",
              log::esc(host), port, log::esc(explanation));
}

/// CAF's ssl_policy, telling a failure before the first byte of BASP (the
/// handshake) apart.
class logging_ssl_policy {
public:
  logging_ssl_policy(caf::openssl::session_ptr session, bool accepting, std::string host,
                     uint16_t port)
      : session_(std::move(session)), accepting_(accepting), host_(std::move(host)), port_(port) {
    // nop
  }

  rw_state read_some(size_t& result, native_socket fd, void* buf, size_t len) {
    if (!established_)
      ERR_clear_error(); // what follows is this connection's reason only
    auto res = session_->read_some(result, fd, buf, len);
    return observe(res, res == rw_state::success && result > 0, fd);
  }

  rw_state write_some(size_t& result, native_socket fd, const void* buf, size_t len) {
    if (!established_)
      ERR_clear_error();
    auto res = session_->write_some(result, fd, buf, len);
    // Data written proves the handshake only on the accepting side: TLS 1.3
    // finishes a client's handshake before the server has checked the
    // client's certificate.
    return observe(res, accepting_ && res == rw_state::success && result > 0, fd);
  }

  bool must_read_more(native_socket fd, size_t threshold) {
    return session_->must_read_more(fd, threshold);
  }

private:
  /// A failure before the handshake is proven is a failed handshake.
  rw_state observe(rw_state res, bool proves_handshake, native_socket fd) {
    if (established_) {
      if (res == rw_state::failure)
        log::debug("cluster", "TLS link {} {}: {}", accepting_ ? "from" : "to", peer_of(fd),
                   take_openssl_reason());
      return res;
    }
    if (res == rw_state::failure) {
      established_ = true; // logged once per connection
      log_refusal(fd, accepting_, host_, port_);
    } else if (proves_handshake) {
      established_ = true;
    }
    return res;
  }

  caf::openssl::session_ptr session_;
  bool accepting_;
  std::string host_;
  uint16_t port_;
  bool established_ = false;
};

class scribe_impl : public caf::io::scribe {
public:
  scribe_impl(default_mpx& mpx, native_socket fd, caf::openssl::session_ptr session, bool accepting,
              std::string host, uint16_t port)
      : scribe(caf::io::network::conn_hdl_from_socket(fd)),
        stream_(mpx, fd, std::move(session), accepting, std::move(host), port) {
    // nop
  }

  void configure_read(caf::io::receive_policy::config config) override {
    stream_.configure_read(config);
    if (!launched_)
      launch();
  }

  void ack_writes(bool enable) override { stream_.ack_writes(enable); }

  std::vector<char>& wr_buf() override { return stream_.wr_buf(); }

  std::vector<char>& rd_buf() override { return stream_.rd_buf(); }

  void graceful_shutdown() override {
    stream_.graceful_shutdown();
    detach(&stream_.backend(), false);
  }

  void flush() override { stream_.flush(this); }

  std::string addr() const override {
    auto x = caf::io::network::remote_addr_of_fd(stream_.fd());
    return x ? *x : std::string{};
  }

  uint16_t port() const override {
    auto x = caf::io::network::remote_port_of_fd(stream_.fd());
    return x ? *x : 0;
  }

  void launch() {
    launched_ = true;
    stream_.start(this);
    // Schedules the scribe while SSL_connect or SSL_accept has more to do.
    stream_.force_empty_write(this);
  }

  void add_to_loop() override { stream_.activate(this); }

  void remove_from_loop() override { stream_.passivate(); }

private:
  bool launched_ = false;
  caf::io::network::stream_impl<logging_ssl_policy> stream_;
};

class doorman_impl : public caf::io::network::doorman_impl {
public:
  doorman_impl(default_mpx& mpx, native_socket fd) : caf::io::network::doorman_impl(mpx, fd) {
    // nop
  }

  bool new_connection() override {
    if (detached())
      return false;
    auto& mpx = acceptor_.backend();
    auto fd = acceptor_.accepted_socket();
    caf::detail::socket_guard guard{fd};
    caf::io::network::nonblocking(fd, true);
    ERR_clear_error();
    auto session = caf::openssl::make_session(parent()->system(), fd, true);
    if (session == nullptr) {
      log_refusal(fd, true, {}, 0);
      return false;
    }
    auto scribe = caf::make_counted<scribe_impl>(mpx, fd, std::move(session), true, std::string{},
                                                 uint16_t{0});
    guard.release(); // the scribe owns the socket now
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    return doorman::new_connection(&mpx, hdl);
  }
};

class middleman_actor_impl : public caf::io::middleman_actor_impl {
public:
  middleman_actor_impl(caf::actor_config& cfg, caf::actor default_broker)
      : caf::io::middleman_actor_impl(cfg, std::move(default_broker)) {
    // nop
  }

  const char* name() const override { return "eureka::tls_middleman"; }

protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host, uint16_t port) override {
    auto fd = caf::io::network::new_tcp_connection(host, port);
    if (!fd)
      return std::move(fd.error());
    caf::io::network::nonblocking(*fd, true);
    ERR_clear_error();
    auto session = caf::openssl::make_session(system(), *fd, false);
    if (!session) {
      log_refusal(*fd, false, host, port);
      caf::io::network::close_socket(*fd);
      return caf::make_error(caf::sec::cannot_connect_to_node, "TLS handshake failed");
    }
    return caf::make_counted<scribe_impl>(mpx(), *fd, std::move(session), false, host, port);
  }

  caf::expected<caf::io::doorman_ptr> open(uint16_t port, const char* addr, bool reuse) override {
    auto fd = caf::io::network::new_tcp_acceptor_impl(port, addr, reuse);
    if (!fd)
      return std::move(fd.error());
    return caf::make_counted<doorman_impl>(mpx(), *fd);
  }

private:
  default_mpx& mpx() { return static_cast<default_mpx&>(system().middleman().backend()); }
};

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

} // namespace

caf::io::middleman_actor spawn_tls_middleman(caf::actor_system& sys) {
  auto broker = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  // Detached as CAF's own middleman actors are: connect() blocks in the
  // TCP connect.
  return sys.spawn<middleman_actor_impl, caf::detached + caf::hidden>(std::move(broker));
}

std::string explain_handshake_failure(std::string_view reason, bool accepting) {
  std::string why;
  if (has(reason, "certificate verify failed"))
    why = accepting ? "its certificate does not verify against eureka.cluster.tls.ca (not "
                      "signed by the cluster's CA, or expired)"
                    : "the peer's certificate does not verify against eureka.cluster.tls.ca "
                      "(not signed by the cluster's CA, or expired)";
  else if (has(reason, "peer did not return a certificate") || has(reason, "certificate required"))
    why = accepting ? "it presented no certificate" : "the peer wants a certificate and got none";
  else if (has(reason, "alert unknown ca") || has(reason, "alert bad certificate")
           || has(reason, "alert certificate unknown") || has(reason, "alert certificate expired")
           || has(reason, "alert unsupported certificate"))
    why = accepting ? "it refused this node's certificate (its CA is another one)"
                    : "the peer refused this node's certificate (its CA is another one)";
  else if (has(reason, "wrong version number") || has(reason, "packet length too long")
           || has(reason, "http request") || has(reason, "record layer failure")
           || has(reason, "unknown protocol"))
    why = accepting ? "it does not speak TLS (a node without eureka.cluster.tls settings?)"
                    : "the peer does not speak TLS (a node without eureka.cluster.tls settings?)";
  else if (has(reason, "no suitable signature algorithm") || has(reason, "unsupported protocol")
           || has(reason, "version too low") || has(reason, "no shared cipher")
           || has(reason, "no protocols available") || has(reason, "alert protocol version")
           || has(reason, "alert handshake failure"))
    why = accepting ? "it offers only protocol versions or algorithms this node refuses (TLS 1.2 "
                      "or 1.3 is needed)"
                    : "the peer and this node have no protocol version or algorithm in common "
                      "(TLS 1.2 or 1.3 is needed)";
  else if (reason.empty())
    why = accepting ? "it closed the connection during or right after the TLS handshake (it may "
                      "have refused this node's certificate)"
                    : "the peer closed the connection during the handshake (it may have refused "
                      "this node's certificate, or does not speak TLS)";
  else
    why = "see OpenSSL's reason";
  if (reason.empty())
    return why;
  return fmt::format("{} [OpenSSL: {}]", why, reason);
}

} // namespace eureka::cluster
