#include <utility> // before Boost.Asio (caf-0.17-notes pitfall 4)

#include "cluster/peer_http_client.hpp"

#include <algorithm>
#include <cerrno>
#include <exception>
#include <optional>
#include <system_error>

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <fmt/format.h>

#include "codec/gzip.hpp"
#include "common/base64.hpp"
#include "common/log.hpp"
#include "common/openssl_errors.hpp"
#include "common/text.hpp"

namespace eureka::cluster {

namespace {

namespace http = boost::beast::http;
using clock_type = std::chrono::steady_clock;

/// A peer's response header beyond this is refused (Java's are a few hundred
/// bytes).
constexpr uint32_t max_response_header_bytes = 64 * 1024;

struct ssl_deleter {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class socket_guard {
public:
  socket_guard() = default;
  socket_guard(const socket_guard&) = delete;
  socket_guard& operator=(const socket_guard&) = delete;
  ~socket_guard() { reset(); }
  void reset(int fd = -1) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = fd;
  }
  int get() const { return fd_; }

private:
  int fd_ = -1;
};

std::string errno_text(int err) {
  return std::error_code{err, std::generic_category()}.message(); // thread-safe, unlike strerror
}

int64_t remaining_ms(clock_type::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_type::now());
  return std::max<int64_t>(0, left.count());
}

/// Waits until `fd` is ready for `events` or `until` passes: >0 ready (or an
/// error condition the next call will report), 0 timed out, <0 poll failed.
int wait_for(int fd, short events, clock_type::time_point until) {
  for (;;) {
    pollfd p{fd, events, 0};
    auto rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(remaining_ms(until), 1 << 30)));
    if (rc >= 0 || errno != EINTR)
      return rc;
  }
}

bool is_token(std::string_view s) {
  constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
           || specials.find(c) != std::string_view::npos;
  });
}

/// No CR, LF or NUL: a value that would split the header block.
bool is_header_value(std::string_view s) {
  return s.find_first_of(std::string_view{"\r\n\0", 3}) == std::string_view::npos;
}

bool is_target(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

/// Headers the client owns; a caller setting one is a programming error.
bool is_managed_header(std::string_view name) {
  auto n = text::to_lower(name);
  return n == "host" || n == "connection" || n == "content-length" || n == "transfer-encoding"
         || n == "accept-encoding" || n == "authorization";
}

/// The Host header value: the port left out when it is the scheme's default.
std::string host_header(const peer_url& url) {
  auto default_port = url.scheme == "https" ? 443 : 80;
  auto host = url.host.find(':') == std::string::npos ? url.host : "[" + url.host + "]";
  return url.port == default_port ? host : fmt::format("{}:{}", host, url.port);
}

class exchange {
public:
  exchange(const peer_url& url, std::string_view method, const http_limits& limits)
      : url_(url), method_(method), limits_(limits),
        deadline_(clock_type::now() + limits.deadline) {
    // Nothing to do.
  }

  http_result run(std::string_view relative_target, const http_headers& headers,
                  std::string_view body) {
    std::string request;
    if (auto err = build_request(relative_target, headers, body, request); !err.empty()) {
      log::error("cluster", "peer request refused before sending ({}): {}", url_.authority(), err);
      return fail(err);
    }
    if (auto err = connect(); !err.empty())
      return fail(err);
    if (url_.scheme == "https")
      if (auto err = handshake(); !err.empty())
        return fail(err);
    if (auto err = send_all(request); !err.empty())
      return fail(err);
    return receive();
  }

private:
  http_result fail(std::string what) const {
    http_result r;
    r.error = fmt::format("peer {}: {}", url_.authority(), what);
    return r;
  }

  std::string timeout_text() const {
    return fmt::format("timeout: no complete response within {} ms", limits_.deadline.count());
  }

  std::string build_request(std::string_view relative_target, const http_headers& headers,
                            std::string_view body, std::string& out) const {
    if (!is_token(method_))
      return fmt::format("method '{}' is not an HTTP token", log::printable(method_));
    auto target = url_.target(relative_target);
    if (!is_target(target))
      return fmt::format("request target '{}' has a blank, control or non-ASCII byte",
                         log::printable(target));
    out = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\n", method_, target, host_header(url_));
    // One request per connection: peer calls are a few per second per peer
    // (batches, a start-up fetch), so keep-alive would save little and cost a
    // pool with its own stale-connection failures.
    out += "Connection: close\r\nAccept-Encoding: gzip\r\n";
    if (!url_.userinfo.empty())
      out += fmt::format("Authorization: Basic {}\r\n", base64_encode(url_.userinfo));
    if (!body.empty() || method_ == "POST" || method_ == "PUT" || method_ == "PATCH")
      out += fmt::format("Content-Length: {}\r\n", body.size());
    for (const auto& [name, value] : headers) {
      if (!is_token(name) || !is_header_value(value))
        return fmt::format("header '{}' has a malformed name or value", log::printable(name));
      if (is_managed_header(name))
        return fmt::format("header '{}' is set by the peer client itself", name);
      out += name;
      out += ": ";
      out += text::trim(value);
      out += "\r\n";
    }
    out += "\r\n";
    out += body;
    return {};
  }

  std::string connect() {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* list = nullptr;
    auto port = std::to_string(url_.port);
    if (auto rc = getaddrinfo(url_.host.c_str(), port.c_str(), &hints, &list); rc != 0)
      return fmt::format("resolve '{}': {}", url_.host, gai_strerror(rc));
    std::string last = "resolve: no address";
    for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
      if (remaining_ms(deadline_) == 0) {
        last = timeout_text();
        break;
      }
      if (auto err = connect_one(*ai); err.empty()) {
        freeaddrinfo(list);
        return {};
      } else {
        last = std::move(err);
      }
    }
    freeaddrinfo(list);
    return last;
  }

  std::string connect_one(const addrinfo& ai) {
    char text[INET6_ADDRSTRLEN] = {};
    getnameinfo(ai.ai_addr, ai.ai_addrlen, text, sizeof(text), nullptr, 0, NI_NUMERICHOST);
    int fd = ::socket(ai.ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return fmt::format("connect to {}: socket: {}", text, errno_text(errno));
    socket_.reset(fd);
    if (::connect(fd, ai.ai_addr, ai.ai_addrlen) == 0)
      return {};
    if (errno != EINPROGRESS)
      return fmt::format("connect to {}: {}", text, errno_text(errno));
    auto budget = std::min<int64_t>(limits_.connect_timeout.count(), remaining_ms(deadline_));
    auto ready = wait_for(fd, POLLOUT, clock_type::now() + std::chrono::milliseconds{budget});
    if (ready < 0)
      return fmt::format("connect to {}: poll: {}", text, errno_text(errno));
    if (ready == 0)
      return fmt::format("connect to {}: timeout: no answer within {} ms", text, budget);
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
      err = errno;
    if (err != 0)
      return fmt::format("connect to {}: {}", text, errno_text(err));
    return {};
  }

  /// Waits as OpenSSL asks after a call returned `ret`: true to call again,
  /// false (with `error`) on a failure or the deadline.
  bool tls_retry(int ret, std::string_view what, std::string& error) {
    auto code = SSL_get_error(ssl_.get(), ret);
    if (code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) {
      auto ready =
          wait_for(socket_.get(), code == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline_);
      if (ready > 0)
        return true;
      error = ready == 0 ? fmt::format("{} ({})", timeout_text(), what)
                         : fmt::format("{}: poll: {}", what, errno_text(errno));
      return false;
    }
    auto verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK)
      error = fmt::format("{}: the peer's certificate is not trusted: {}", what,
                          X509_verify_cert_error_string(verify));
    else
      error = fmt::format("{}: {}", what, tls_error_text(code));
    return false;
  }

  static std::string tls_error_text(int code) {
    return drain_openssl_errors(code == SSL_ERROR_SYSCALL ? "connection closed" : "TLS error");
  }

  /// TLS over the connected socket: the server's certificate verified
  /// against the CAs of limits_.tls and the URL's host name or IP.
  std::string handshake() {
    auto ctx = limits_.tls ? limits_.tls : peer_tls_context::system_default();
    if (!ctx)
      return "TLS: no context (OpenSSL failed to start)";
    ERR_clear_error();
    ssl_.reset(SSL_new(ctx->native()));
    if (!ssl_ || SSL_set_fd(ssl_.get(), socket_.get()) != 1)
      return "TLS: " + tls_error_text(SSL_ERROR_SSL);
    if (canonical_address(url_.host)) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), url_.host.c_str());
    } else {
      // SSL_set_tlsext_host_name, without the macro's C cast.
      SSL_ctrl(ssl_.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(url_.host.c_str()));
      SSL_set1_host(ssl_.get(), url_.host.c_str());
    }
    for (;;) {
      auto r = SSL_connect(ssl_.get());
      if (r == 1)
        return {};
      std::string error;
      if (!tls_retry(r, "TLS handshake", error))
        return error;
    }
  }

  std::string send_all(std::string_view data) {
    if (ssl_) {
      while (!data.empty()) {
        auto r = SSL_write(ssl_.get(), data.data(),
                           static_cast<int>(std::min<size_t>(data.size(), 1 << 30)));
        if (r > 0) {
          data.remove_prefix(static_cast<size_t>(r));
          continue;
        }
        std::string error;
        if (!tls_retry(r, "send", error))
          return error;
      }
      return {};
    }
    size_t sent = 0;
    while (sent < data.size()) {
      auto n = ::send(socket_.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        auto ready = wait_for(socket_.get(), POLLOUT, deadline_);
        if (ready == 0)
          return timeout_text() + " (sending the request)";
        if (ready < 0)
          return fmt::format("send: poll: {}", errno_text(errno));
        continue;
      }
      return fmt::format("send: {}", errno_text(errno));
    }
    return {};
  }

  void reset_parser() {
    parser_.emplace();
    parser_->header_limit(max_response_header_bytes);
    parser_->body_limit(static_cast<uint64_t>(limits_.max_body_bytes));
    // Header first, on its own: Boost 1.74's eager parser drops the
    // body_limit error of a too large Content-Length when the body follows
    // in the same buffer (and reads it whole). Eager once the header is done.
    parser_->eager(false);
    if (method_ == "HEAD")
      parser_->skip(true);
  }

  std::string parse_error(const boost::beast::error_code& ec) const {
    if (ec == http::error::body_limit)
      return fmt::format("response body larger than {} bytes", limits_.max_body_bytes);
    if (ec == http::error::header_limit)
      return fmt::format("response header larger than {} bytes", max_response_header_bytes);
    if (!parser_->is_header_done())
      return fmt::format("malformed status line or headers: {}", ec.message());
    return fmt::format("malformed response body: {}", ec.message());
  }

  http_result receive() {
    reset_parser();
    std::string buffered; // received, not yet consumed by the parser
    size_t received = 0;
    char chunk[16384];
    for (;;) {
      while (!buffered.empty() && !parser_->is_done()) {
        boost::beast::error_code ec;
        auto used = parser_->put(boost::asio::buffer(buffered.data(), buffered.size()), ec);
        buffered.erase(0, used);
        if (ec == http::error::need_more)
          break;
        if (ec)
          return fail(parse_error(ec));
        if (parser_->is_header_done())
          parser_->eager(true);
      }
      if (parser_->is_done()) {
        auto status = parser_->get().result_int();
        if (status >= 100 && status < 200 && status != 101) {
          reset_parser(); // an interim response: the final one follows
          continue;
        }
        return finish();
      }
      if (ssl_) {
        // Decrypted bytes may wait inside OpenSSL with nothing on the socket.
        auto r = SSL_read(ssl_.get(), chunk, sizeof(chunk));
        if (r > 0) {
          received += static_cast<size_t>(r);
          buffered.append(chunk, static_cast<size_t>(r));
          continue;
        }
        auto code = SSL_get_error(ssl_.get(), r);
        std::string error;
        if (code == SSL_ERROR_ZERO_RETURN || (code == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)) {
          // close_notify, or a close without one: the end of the stream.
        } else if (tls_retry(r, "receive", error)) {
          continue;
        } else {
          return fail(error);
        }
      }
      auto ready = ssl_ ? 1 : wait_for(socket_.get(), POLLIN, deadline_);
      if (ready == 0)
        return fail(timeout_text());
      if (ready < 0)
        return fail(fmt::format("receive: poll: {}", errno_text(errno)));
      auto n = ssl_ ? 0 : ::recv(socket_.get(), chunk, sizeof(chunk), 0);
      if (n > 0) {
        received += static_cast<size_t>(n);
        buffered.append(chunk, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        continue;
      if (n < 0)
        return fail(fmt::format("receive: {}", errno_text(errno)));
      // The peer closed its side: the end of a body delimited by the close,
      // or a truncated response.
      if (received == 0 || !parser_->got_some())
        return fail("connection closed without a response");
      boost::beast::error_code ec;
      parser_->put_eof(ec);
      if (ec || !parser_->is_done())
        return fail(fmt::format("connection closed before the response was complete ({} bytes "
                                "received)",
                                received));
      return finish();
    }
  }

  http_result finish() {
    auto& msg = parser_->get();
    http_result r;
    r.status = static_cast<int>(msg.result_int());
    r.content_type = std::string{msg[http::field::content_type]};
    r.content_encoding = std::string{msg[http::field::content_encoding]};
    r.body = std::move(msg.body());
    auto encoding = text::to_lower(text::trim(r.content_encoding));
    if ((encoding == "gzip" || encoding == "x-gzip") && !r.body.empty()) {
      std::string inflated;
      if (!codec::gzip_decompress(r.body, inflated, limits_.max_body_bytes))
        return fail(fmt::format("gzip response body malformed or larger than {} bytes inflated",
                                limits_.max_body_bytes));
      r.body = std::move(inflated);
    } else if (!encoding.empty() && encoding != "identity" && encoding != "gzip"
               && encoding != "x-gzip") {
      return fail(
          fmt::format("unsupported Content-Encoding '{}'", log::printable(r.content_encoding)));
    }
    r.ok = true;
    return r;
  }

  const peer_url& url_;
  std::string_view method_;
  const http_limits& limits_;
  clock_type::time_point deadline_;
  socket_guard socket_;
  /// Declared after the socket: freed before it is closed.
  std::unique_ptr<SSL, ssl_deleter> ssl_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

} // namespace

http_result peer_http_request(const peer_url& base, std::string_view method,
                              std::string_view relative_target, const http_headers& headers,
                              std::string_view body, const http_limits& limits) {
  try {
    exchange x{base, method, limits};
    return x.run(relative_target, headers, body);
  } catch (const std::exception& e) {
    http_result r;
    r.error = fmt::format("peer {}: {}", base.authority(), e.what());
    return r;
  } catch (...) {
    http_result r;
    r.error = fmt::format("peer {}: unknown failure", base.authority());
    return r;
  }
}

} // namespace eureka::cluster
