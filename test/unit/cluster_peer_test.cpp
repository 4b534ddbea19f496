// Peer URLs (parsing, normalisation, de-duplication, self recognition) and
// the blocking peer HTTP client against an in-test server on 127.0.0.1 that
// answers canned bytes. Every wait is bounded and every thread joined.
#define BOOST_TEST_MODULE cluster_peer
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster/peer_http_client.hpp"
#include "cluster/peer_url.hpp"
#include "codec/gzip.hpp"

using namespace eureka::cluster;
using namespace std::chrono_literals;

namespace {

peer_url parse_ok(const std::string& text) {
  std::string error;
  auto u = parse_peer_url(text, error);
  BOOST_TEST_REQUIRE(u.has_value(), text << ": " << error);
  return *u;
}

std::string parse_error(const std::string& text) {
  std::string error;
  auto u = parse_peer_url(text, error);
  BOOST_TEST(!u.has_value(), text);
  return error;
}

bool has(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// -- an in-test HTTP server ---------------------------------------------------------

sockaddr_in loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

/// A socket bound to 127.0.0.1 on an ephemeral port.
int bound_socket(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  BOOST_REQUIRE(fd >= 0);
  auto addr = loopback(0);
  BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  socklen_t len = sizeof(addr);
  BOOST_REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port = ntohs(addr.sin_port);
  return fd;
}

/// Accepts one connection, reads the request (headers and Content-Length
/// body), then either writes `response` and closes, or (silent) reads until
/// the client goes away. Bounded: gives up after 5 s or when destroyed.
class canned_server {
public:
  enum class mode { answer, silent };

  explicit canned_server(std::string response, mode m = mode::answer)
      : response_(std::move(response)), mode_(m) {
    fd_ = bound_socket(port_);
    BOOST_REQUIRE(::listen(fd_, 4) == 0);
    thread_ = std::thread{[this] { run(); }};
  }

  canned_server(const canned_server&) = delete;
  canned_server& operator=(const canned_server&) = delete;

  ~canned_server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  uint16_t port() const { return port_; }

  peer_url url(const std::string& userinfo = "", const std::string& base = "/eureka/") const {
    auto at = userinfo.empty() ? std::string{} : userinfo + "@";
    return parse_ok("http://" + at + "127.0.0.1:" + std::to_string(port_) + base);
  }

  std::string request() {
    std::lock_guard<std::mutex> guard{mtx_};
    return request_;
  }

private:
  /// Waits for `events` on `fd` in small steps, so stop_ is honoured.
  bool wait(int fd, short events) {
    auto until = std::chrono::steady_clock::now() + 5s;
    while (!stop_ && std::chrono::steady_clock::now() < until) {
      pollfd p{fd, events, 0};
      if (::poll(&p, 1, 20) > 0)
        return true;
    }
    return false;
  }

  static bool request_complete(const std::string& r) {
    auto end = r.find("\r\n\r\n");
    if (end == std::string::npos)
      return false;
    size_t length = 0;
    auto cl = r.find("Content-Length: ");
    if (cl != std::string::npos && cl < end)
      length = std::stoul(r.substr(cl + 16));
    return r.size() >= end + 4 + length;
  }

  void run() {
    if (!wait(fd_, POLLIN))
      return;
    int conn = ::accept(fd_, nullptr, nullptr);
    if (conn < 0)
      return;
    char buf[4096];
    bool done = false;
    while (!done && wait(conn, POLLIN)) {
      auto n = ::recv(conn, buf, sizeof(buf), 0);
      if (n <= 0)
        break;
      std::lock_guard<std::mutex> guard{mtx_};
      request_.append(buf, static_cast<size_t>(n));
      done = request_complete(request_) && mode_ == mode::answer;
    }
    if (mode_ == mode::answer) {
      size_t sent = 0;
      while (sent < response_.size() && wait(conn, POLLOUT)) {
        auto n = ::send(conn, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
          break;
        sent += static_cast<size_t>(n);
      }
    }
    ::close(conn);
  }

  std::string response_;
  mode mode_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mtx_;
  std::string request_;
  std::thread thread_;
};

http_limits small_limits() {
  http_limits l;
  l.connect_timeout = 1000ms;
  l.deadline = 2000ms;
  l.max_body_bytes = 1024;
  return l;
}

http_result get(const canned_server& s, const http_limits& limits = small_limits()) {
  return peer_http_request(s.url(), "GET", "apps/", {}, {}, limits);
}

} // namespace

// -- URL parsing ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(url_defaults_and_normalisation) {
  auto u = parse_ok("  HTTP://Example.COM/eureka  ");
  BOOST_TEST(u.scheme == "http");
  BOOST_TEST(u.host == "example.com");
  BOOST_TEST(u.port == 80);
  BOOST_TEST(u.base_path == "/eureka/");
  BOOST_TEST(u.userinfo.empty());
  BOOST_TEST(u.text == "http://example.com:80/eureka/");
  auto s = parse_ok("https://peer");
  BOOST_TEST(s.port == 443);
  BOOST_TEST(s.base_path == "/");
  BOOST_TEST(s.text == "https://peer:443/");
  BOOST_TEST(parse_ok("http://h:/eureka/").port == 80); // empty port: the default
  auto p = parse_ok("http://peer-1.example_svc:8761/eureka/v2/");
  BOOST_TEST(p.port == 8761);
  BOOST_TEST(p.base_path == "/eureka/v2/");
  BOOST_TEST(p.text == "http://peer-1.example_svc:8761/eureka/v2/");
  BOOST_TEST(p.authority() == "peer-1.example_svc:8761");
}

BOOST_AUTO_TEST_CASE(url_ipv6_hosts) {
  auto u = parse_ok("http://[::1]:8761/eureka/");
  BOOST_TEST(u.host == "::1");
  BOOST_TEST(u.port == 8761);
  BOOST_TEST(u.text == "http://[::1]:8761/eureka/");
  BOOST_TEST(u.authority() == "[::1]:8761");
  // One address, several spellings: one canonical text.
  BOOST_TEST(parse_ok("http://[0:0:0:0:0:0:0:1]:8761/eureka/").text == u.text);
  BOOST_TEST(parse_ok("http://[FE80::A]/").host == "fe80::a");
  BOOST_TEST(parse_ok("http://[fe80::a]").port == 80);
  // IPv4-mapped: the IPv4 address it is.
  BOOST_TEST(parse_ok("http://[::ffff:127.0.0.1]:1/").text == "http://127.0.0.1:1/");
}

BOOST_AUTO_TEST_CASE(url_userinfo_is_decoded_and_kept_out_of_the_text) {
  auto u = parse_ok("http://user:p%40ss@Peer:8761/eureka/");
  BOOST_TEST(u.userinfo == "user:p@ss");
  BOOST_TEST(u.host == "peer");
  BOOST_TEST(u.text == "http://peer:8761/eureka/");
  // The last '@' ends the user information (an unescaped '@' in a password).
  auto v = parse_ok("http://u:a@b@peer/");
  BOOST_TEST(v.userinfo == "u:a@b");
  BOOST_TEST(v.host == "peer");
}

BOOST_AUTO_TEST_CASE(bad_urls_are_refused_with_a_reason_naming_them) {
  BOOST_TEST(contains(parse_error("localhost:8761/eureka"), "'localhost:8761/eureka' is not an "
                                                            "absolute http:// or https:// URL"));
  BOOST_TEST(contains(parse_error("ftp://h/"), "scheme 'ftp'"));
  BOOST_TEST(contains(parse_error("http://h:99999/"), "port '99999'"));
  BOOST_TEST(contains(parse_error("http://h:0/"), "port '0'"));
  BOOST_TEST(contains(parse_error("http://h:80a/"), "port '80a'"));
  BOOST_TEST(contains(parse_error("http://h:-1/"), "port '-1'"));
  BOOST_TEST(contains(parse_error("http:///eureka"), "no host"));
  BOOST_TEST(contains(parse_error("http://:8761/eureka"), "no host"));
  BOOST_TEST(contains(parse_error("http://h/eureka?x=1"), "query or fragment"));
  BOOST_TEST(contains(parse_error("http://h/eureka#top"), "query or fragment"));
  BOOST_TEST(contains(parse_error("http://[::1/"), "unclosed"));
  BOOST_TEST(contains(parse_error("http://[zz::]/"), "not an IPv6 address"));
  BOOST_TEST(contains(parse_error("http://[127.0.0.1]/"), "not an IPv6 address"));
  BOOST_TEST(contains(parse_error("http://[::1]x/"), "not a port"));
  BOOST_TEST(contains(parse_error("http://::1:8761/"), "IPv6 addresses go in brackets"));
  BOOST_TEST(contains(parse_error("http://h/eu reka/"), "blank"));
  BOOST_TEST(contains(parse_error("http://h\x01/"), "control"));
  BOOST_TEST(contains(parse_error("http://u%zz@h/"), "percent-escape"));
  BOOST_TEST(contains(parse_error("http://h%41/"), "not a host name"));
  BOOST_TEST(contains(parse_error(""), "not an absolute"));
  BOOST_TEST(contains(parse_error("://h/"), "not an absolute"));
}

BOOST_AUTO_TEST_CASE(lists_are_trimmed_deduplicated_and_ordered) {
  auto l = parse_peer_list(" http://a:8761/eureka , ,http://b/eureka/,http://A:8761/eureka/,"
                           "http://u:p@a:8761/eureka,");
  BOOST_TEST_REQUIRE(l.error.empty(), l.error);
  BOOST_REQUIRE_EQUAL(l.urls.size(), 2u);
  BOOST_TEST(l.urls[0].text == "http://a:8761/eureka/");
  BOOST_TEST(l.urls[0].userinfo.empty()); // the first spelling wins
  BOOST_TEST(l.urls[1].text == "http://b:80/eureka/");
  BOOST_TEST(parse_peer_list("").urls.empty());
  BOOST_TEST(parse_peer_list(" , ").error.empty());
  auto bad = parse_peer_list("http://a/eureka/, ftp://b/, http://c/");
  BOOST_TEST(bad.urls.empty());
  BOOST_TEST(contains(bad.error, "'ftp://b/'"), bad.error);
}

BOOST_AUTO_TEST_CASE(join_and_target_stay_below_the_base_path) {
  auto u = parse_ok("http://h:8761/eureka");
  BOOST_TEST(u.join("apps/") == "http://h:8761/eureka/apps/");
  BOOST_TEST(u.join("/apps/ORDER") == "http://h:8761/eureka/apps/ORDER");
  BOOST_TEST(u.join("") == "http://h:8761/eureka/");
  BOOST_TEST(u.target("peerreplication/batch/") == "/eureka/peerreplication/batch/");
  BOOST_TEST(parse_ok("http://h").target("apps") == "/apps");
}

BOOST_AUTO_TEST_CASE(canonical_addresses) {
  BOOST_TEST(canonical_address("127.0.0.1").value_or("") == "127.0.0.1");
  BOOST_TEST(canonical_address("[::1]").value_or("") == "::1");
  BOOST_TEST(canonical_address("0:0::1").value_or("") == "::1");
  BOOST_TEST(canonical_address("::FFFF:10.0.0.5").value_or("") == "10.0.0.5");
  BOOST_TEST(!canonical_address("localhost"));
  BOOST_TEST(!canonical_address("127.1"));
  BOOST_TEST(!canonical_address(""));
}

// -- self recognition -------------------------------------------------------------

BOOST_AUTO_TEST_CASE(self_is_host_or_address_and_the_port) {
  local_identity me{{"node1", "localhost"}, {"10.0.0.5", "127.0.0.1", "::1"}, 8761};
  BOOST_TEST(is_self(parse_ok("http://node1:8761/eureka/"), me));
  BOOST_TEST(is_self(parse_ok("http://NODE1:8761/eureka/"), me));
  BOOST_TEST(is_self(parse_ok("http://localhost:8761/eureka/"), me));
  BOOST_TEST(is_self(parse_ok("http://10.0.0.5:8761/eureka/"), me));
  BOOST_TEST(is_self(parse_ok("http://[::1]:8761/eureka/"), me));
  BOOST_TEST(is_self(parse_ok("http://[::ffff:10.0.0.5]:8761/eureka/"), me));
  // Unlike Java's isThisMyUrl, another port on this host is another node.
  BOOST_TEST(!is_self(parse_ok("http://node1:8762/eureka/"), me));
  BOOST_TEST(!is_self(parse_ok("http://localhost:8762/eureka/"), me));
  BOOST_TEST(!is_self(parse_ok("http://node1/eureka/"), me)); // port 80
  BOOST_TEST(!is_self(parse_ok("http://10.0.0.6:8761/eureka/"), me));
  BOOST_TEST(!is_self(parse_ok("http://node2:8761/eureka/"), me));
  // A name that resolves to one of this node's addresses.
  auto alias = parse_ok("http://registry.example:8761/eureka/");
  BOOST_TEST(is_self(alias, me, {"192.0.2.1", "10.0.0.5"}));
  BOOST_TEST(is_self(alias, me, {"::ffff:10.0.0.5"}));
  BOOST_TEST(!is_self(alias, me, {"192.0.2.1"}));
  BOOST_TEST(!is_self(alias, me));
  BOOST_TEST(!is_self(parse_ok("http://registry.example:8762/eureka/"), me, {"10.0.0.5"}));
}

BOOST_AUTO_TEST_CASE(local_identity_follows_the_bind_address) {
  auto any = detect_local_identity("MyHost", "10.9.9.9", "0.0.0.0", 8761);
  BOOST_TEST(any.http_port == 8761);
  BOOST_TEST(has(any.names, "myhost"));
  BOOST_TEST(has(any.names, "localhost"));
  BOOST_TEST(has(any.addresses, "127.0.0.1"));
  BOOST_TEST(has(any.addresses, "10.9.9.9"));
  BOOST_TEST(!has(any.addresses, "::1")); // 0.0.0.0 takes no IPv6 connection
  auto dual = detect_local_identity("", "", "::", 8761);
  BOOST_TEST(has(dual.addresses, "::1"));
  BOOST_TEST(has(dual.addresses, "127.0.0.1"));
  BOOST_TEST(!dual.names.empty()); // gethostname(), localhost
  // Bound to one address: another node may own the port elsewhere on this
  // host, so only what points at that address is this node.
  auto one = detect_local_identity("myhost", "", "127.0.0.2", 8761);
  BOOST_TEST(one.names == std::vector<std::string>{"myhost"});
  BOOST_TEST(one.addresses == std::vector<std::string>{"127.0.0.2"});
  auto localhost = parse_ok("http://localhost:8761/eureka/");
  auto resolved = resolve_host("localhost");
  BOOST_TEST(has(resolved, "127.0.0.1"));
  BOOST_TEST(is_self(localhost, any, resolved));
  BOOST_TEST(!is_self(localhost, one, resolved));
  BOOST_TEST(is_self(parse_ok("http://127.0.0.2:8761/"), one));
  BOOST_TEST(resolve_host("::1") == std::vector<std::string>{"::1"});
  BOOST_TEST(resolve_host("name.invalid").empty());
}

// -- the peer HTTP client -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(client_sends_a_well_formed_request_and_reads_the_answer) {
  canned_server s{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
                  "\r\n{\"a\":1}"};
  auto r = peer_http_request(
      s.url("user:p%40ss"), "POST", "peerreplication/batch/",
      {{"Content-Type", "application/json"}, {"x-netflix-discovery-replication", "true"}}, "data",
      small_limits());
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.error.empty());
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body == "{\"a\":1}");
  auto req = s.request();
  BOOST_TEST(req.rfind("POST /eureka/peerreplication/batch/ HTTP/1.1\r\n", 0) == 0u, req);
  BOOST_TEST(contains(req, "\r\nHost: 127.0.0.1:" + std::to_string(s.port()) + "\r\n"), req);
  BOOST_TEST(contains(req, "\r\nConnection: close\r\n"), req);
  BOOST_TEST(contains(req, "\r\nAccept-Encoding: gzip\r\n"), req);
  BOOST_TEST(contains(req, "\r\nAuthorization: Basic dXNlcjpwQHNz\r\n"), req); // user:p@ss
  BOOST_TEST(contains(req, "\r\nContent-Length: 4\r\n"), req);
  BOOST_TEST(contains(req, "\r\nContent-Type: application/json\r\n"), req);
  BOOST_TEST(contains(req, "\r\nx-netflix-discovery-replication: true\r\n"), req);
  BOOST_TEST(req.substr(req.size() - 8) == "\r\n\r\ndata", req);
}

BOOST_AUTO_TEST_CASE(client_get_without_credentials_has_no_body_headers) {
  canned_server s{"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"};
  auto r = get(s);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.status == 404); // a complete answer, whatever its status
  BOOST_TEST(r.body.empty());
  auto req = s.request();
  BOOST_TEST(req.rfind("GET /eureka/apps/ HTTP/1.1\r\n", 0) == 0u, req);
  BOOST_TEST(!contains(req, "Authorization"), req);
  BOOST_TEST(!contains(req, "Content-Length"), req);
}

BOOST_AUTO_TEST_CASE(client_inflates_gzip_bodies) {
  std::string doc(2000, 'x');
  auto gz = eureka::codec::gzip_compress(doc);
  canned_server s{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: text/plain\r\n"
                  "Content-Length: "
                  + std::to_string(gz.size()) + "\r\n\r\n" + gz};
  auto limits = small_limits();
  limits.max_body_bytes = 4096;
  auto r = get(s, limits);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.content_encoding == "gzip");
  BOOST_TEST(r.body == doc);
}

BOOST_AUTO_TEST_CASE(client_bounds_gzip_inflation_and_refuses_malformed_gzip) {
  auto gz = eureka::codec::gzip_compress(std::string(5000, 'x')); // small on the wire
  canned_server big{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
                    + std::to_string(gz.size()) + "\r\n\r\n" + gz};
  auto r = get(big); // limit 1024
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "gzip"), r.error);
  canned_server bad{"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello"};
  r = get(bad);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "gzip response body malformed"), r.error);
  canned_server br{"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nxx"};
  r = get(br);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "unsupported Content-Encoding 'br'"), r.error);
}

BOOST_AUTO_TEST_CASE(client_reads_chunked_and_close_delimited_bodies) {
  canned_server chunked{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"};
  auto r = get(chunked);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.body == "hello world");
  canned_server until_close{"HTTP/1.1 200 OK\r\n\r\nbody until close"};
  r = get(until_close);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.body == "body until close");
  canned_server interim{"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                        "\r\nok"};
  r = get(interim);
  BOOST_TEST_REQUIRE(r.ok, r.error);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "ok");
}

BOOST_AUTO_TEST_CASE(client_refuses_oversized_bodies) {
  canned_server declared{"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n"
                         + std::string(2000, 'x')};
  auto r = get(declared); // limit 1024
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "response body larger than 1024 bytes"), r.error);
  BOOST_TEST(r.body.empty());
  canned_server chunked{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n"
                        + std::string(2000, 'x') + "\r\n0\r\n\r\n"};
  r = get(chunked);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "larger than 1024 bytes"), r.error);
}

BOOST_AUTO_TEST_CASE(client_reports_malformed_and_truncated_responses) {
  canned_server garbage{"FOO BAR\r\n\r\n"};
  auto r = get(garbage);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "malformed status line"), r.error);
  BOOST_TEST(contains(r.error, "peer 127.0.0.1:" + std::to_string(garbage.port())), r.error);
  canned_server truncated{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"};
  r = get(truncated);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "closed before the response was complete"), r.error);
  canned_server nothing{""};
  r = get(nothing);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "closed without a response"), r.error);
  canned_server interim_only{"HTTP/1.1 100 Continue\r\n\r\n"};
  r = get(interim_only);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "closed without a response"), r.error);
}

BOOST_AUTO_TEST_CASE(client_times_out_on_a_peer_that_never_answers) {
  canned_server s{"", canned_server::mode::silent};
  auto limits = small_limits();
  limits.deadline = 200ms;
  auto r = get(s, limits);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(contains(r.error, "peer 127.0.0.1:" + std::to_string(s.port()) + ": timeout"),
             r.error);
}

BOOST_AUTO_TEST_CASE(client_reports_a_refused_connection) {
  uint16_t port = 0;
  int fd = bound_socket(port); // bound, not listening: connections are refused
  auto url = parse_ok("http://127.0.0.1:" + std::to_string(port) + "/eureka/");
  auto r = peer_http_request(url, "GET", "apps/", {}, {}, small_limits());
  ::close(fd);
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "peer 127.0.0.1:" + std::to_string(port)
                                   + ": connect to "
                                     "127.0.0.1: "),
             r.error);
  BOOST_TEST(contains(r.error, "refused"), r.error);
}

BOOST_AUTO_TEST_CASE(client_reports_resolution_and_tls_failures) {
  auto r = peer_http_request(parse_ok("http://name.invalid:8761/eureka/"), "GET", "apps/", {}, {},
                             small_limits());
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "peer name.invalid:8761: resolve"), r.error);
  // https:// to a server that does not speak TLS: the handshake is bounded
  // by the deadline, and the request is never sent in clear text.
  canned_server plain{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", canned_server::mode::silent};
  auto url = parse_ok("https://127.0.0.1:" + std::to_string(plain.port()) + "/eureka/");
  r = peer_http_request(url, "GET", "apps/", {}, {}, small_limits());
  BOOST_TEST(!r.ok);
  BOOST_TEST(contains(r.error, "(TLS handshake)"), r.error);
  BOOST_TEST(!contains(plain.request(), "GET "), plain.request());
}

BOOST_AUTO_TEST_CASE(client_refuses_headers_it_owns_or_that_would_split_the_request) {
  auto url = parse_ok("http://127.0.0.1:1/eureka/"); // never contacted
  for (auto name : {"Host", "connection", "Content-Length", "Authorization"}) {
    auto r = peer_http_request(url, "GET", "apps/", {{name, "x"}}, {}, small_limits());
    BOOST_TEST(!r.ok);
    BOOST_TEST(contains(r.error, "is set by the peer client itself"), r.error);
  }
  auto r = peer_http_request(url, "GET", "apps/", {{"X-A", "1\r\nX-B: 2"}}, {}, small_limits());
  BOOST_TEST(contains(r.error, "malformed name or value"), r.error);
  r = peer_http_request(url, "GET", "apps/a b", {}, {}, small_limits());
  BOOST_TEST(contains(r.error, "request target"), r.error);
  r = peer_http_request(url, "GE T", "apps/", {}, {}, small_limits());
  BOOST_TEST(contains(r.error, "not an HTTP token"), r.error);
}
