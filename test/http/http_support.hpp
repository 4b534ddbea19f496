// Support for the HTTP-level suites: a real caf-eureka node started in-process
// on an ephemeral loopback port, a small synchronous HTTP/1.1 client (Beast
// parser over an Asio socket; keep-alive, raw bytes, every read bounded so a
// hang fails a test instead of blocking it), registration bodies, and decoders
// of the Applications / Instance documents (JSON with simdjson, XML with
// pugixml) into plain structs the tests compare.
#pragma once

#include <utility> // before Asio (caf-0.17-notes pitfall 4)

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "apps/node.hpp"
#include "apps/node_config.hpp"
#include "codec/gzip.hpp"
#include "common/log.hpp"

namespace http_test {

using namespace std::chrono_literals;

// -- responses ----------------------------------------------------------------

struct response {
  unsigned status = 0;
  /// Header names lower-cased; repeated headers joined with ", ".
  std::map<std::string, std::string> headers;
  std::string body;

  bool has(const std::string& lower_name) const { return headers.count(lower_name) > 0; }

  std::string header(const std::string& lower_name) const {
    auto i = headers.find(lower_name);
    return i == headers.end() ? std::string{} : i->second;
  }

  /// The body, inflated when Content-Encoding is gzip (fails the test if the
  /// gzip stream is malformed).
  std::string text() const {
    if (header("content-encoding") != "gzip")
      return body;
    std::string out;
    BOOST_REQUIRE_MESSAGE(eureka::codec::gzip_decompress(body, out, 64 * 1024 * 1024),
                          "gzip body does not inflate");
    return out;
  }
};

// -- client -------------------------------------------------------------------

using header_list = std::vector<std::pair<std::string, std::string>>;

class client {
public:
  explicit client(uint16_t port);

  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Writes raw bytes; false if the socket refused them.
  bool send_raw(std::string_view bytes);

  /// Reads one response; nullopt on error, EOF, or after `limit`.
  std::optional<response> read(std::chrono::milliseconds limit = 10s, bool head = false);

  /// Sends a request and reads its response; fails the test when no
  /// response arrives. Adds Host and Content-Length (when `body` is set or
  /// the method usually has one).
  response request(std::string_view method, std::string_view target, const header_list& hdrs = {},
                   std::optional<std::string_view> body = std::nullopt);

  /// True when the server closes the connection within `limit`.
  bool closed_by_peer(std::chrono::milliseconds limit = 10s);

  void close();

private:
  void run(bool& done, std::chrono::milliseconds limit);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket sock_;
  boost::beast::flat_buffer buf_;
};

/// Serializes a request (with Host and Content-Length).
std::string format_request(std::string_view method, std::string_view target,
                           const header_list& hdrs = {},
                           std::optional<std::string_view> body = std::nullopt);

// -- node fixture -------------------------------------------------------------

/// Test-friendly node settings: loopback, ephemeral port, eviction every
/// second, self-preservation off, quiet logs.
eureka::node_config test_node_config();

struct sys_config : caf::actor_system_config {
  explicit sys_config(const eureka::node_config& nc) { eureka::configure_actor_system(*this, nc); }
};

/// One running node and a default keep-alive connection to it.
struct node_fixture {
  explicit node_fixture(eureka::node_config cfg = test_node_config());
  ~node_fixture();

  uint16_t port() const { return port_; }

  /// The default connection (opened lazily, reopened after a close).
  client& conn();

  response req(std::string_view method, std::string_view target, const header_list& hdrs = {},
               std::optional<std::string_view> body = std::nullopt) {
    return conn().request(method, target, hdrs, body);
  }

  response get(std::string_view target, std::string_view accept = "application/json",
               header_list extra = {}) {
    if (!accept.empty())
      extra.emplace_back("Accept", std::string{accept});
    return req("GET", target, extra);
  }

  /// POST a JSON registration to {base}/apps/{path_app}.
  response register_json(std::string_view path_app, const std::string& body,
                         std::string_view base = "/eureka");

  /// POST an XML registration.
  response register_xml(std::string_view path_app, const std::string& body,
                        std::string_view base = "/eureka");

  /// GET /eureka/apps as JSON; the body (fails the test unless 200).
  std::string apps_json(std::string_view base = "/eureka");

  /// GET /metrics; fails unless 200.
  std::string metrics();

  eureka::node_config cfg;
  sys_config sys_cfg;
  caf::actor_system sys;
  eureka::node node;

private:
  uint16_t port_ = 0;
  std::optional<client> conn_;
};

// -- registration bodies ------------------------------------------------------

/// The fields of a registration; empty optional strings are left out of the
/// body entirely.
struct instance_spec {
  std::string app = "APP";
  std::optional<std::string> instance_id = std::string{"host1:app:8080"};
  std::optional<std::string> host = std::string{"host1"};
  std::optional<std::string> ip = std::string{"10.0.0.1"};
  std::string status = "UP";
  int port = 8080;
  std::optional<std::string> vip;
  std::optional<std::string> svip;
  /// 0: not sent (the server then uses its own time).
  int64_t last_dirty = 0;
  /// 0: not sent (defaults to 90 s).
  int duration_secs = 0;
  /// Raw JSON of the metadata object, e.g. R"({"k":"v"})"; empty: not sent.
  std::string metadata_json;
  /// Key/value of an overridden status field (`overriddenStatus` or the old
  /// `overriddenstatus`); empty key: not sent.
  std::string overridden_key;
  std::string overridden_value;
  /// false: no dataCenterInfo at all.
  bool data_center = true;
  /// false: dataCenterInfo without a name.
  bool data_center_name = true;
};

/// `{"instance":{...}}` as a Spring client sends it.
std::string instance_json(const instance_spec& s);

/// `<instance>...</instance>` as fargo sends it.
std::string instance_xml(const instance_spec& s);

// -- decoded documents --------------------------------------------------------

struct instance_doc {
  std::string instance_id, host, app, ip, status, overridden, action, vip, svip;
  std::string last_dirty, last_updated;
  int64_t port = 0;
  int64_t duration = 0;
  int64_t registration_ts = 0, last_renewal_ts = 0, eviction_ts = 0, service_up_ts = 0;
  std::map<std::string, std::string> metadata;
  /// The empty-map marker was written (JSON "@class" / XML class attribute).
  bool metadata_empty_marker = false;
};

struct app_doc {
  std::string name;
  std::vector<instance_doc> instances;
};

struct apps_doc {
  std::string version;
  std::string hash;
  std::vector<app_doc> apps;

  size_t instance_count() const;
  /// The instance with `id` (nullptr if absent).
  const instance_doc* find(std::string_view id) const;
  const app_doc* find_app(std::string_view name) const;
  /// Sorted "APP/id" list, for set comparisons.
  std::vector<std::string> ids() const;
};

/// Decoders fail the test (BOOST_REQUIRE) on malformed documents, on a
/// missing field, or when `application` / `instance` is not an array.
apps_doc parse_apps_json(const std::string& body);
apps_doc parse_apps_xml(const std::string& body);
app_doc parse_app_json(const std::string& body);
instance_doc parse_instance_json(const std::string& body);
instance_doc parse_instance_xml(const std::string& body);

/// Reconcile hash (contract §3.9) computed from a document's instances.
std::string hash_of(const apps_doc& d);

/// Prometheus sample value of `name{labels}` (exact label text, e.g.
/// `route="apps_full",code="200"`); -1 when absent.
double metric_value(const std::string& text, std::string_view name, std::string_view labels = "");

/// Polls `pred` every 50 ms until it holds or `limit` passes.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

inline const std::string empty_apps_json =
    R"({"applications":{"versions__delta":"1","apps__hashcode":"","application":[]}})";

inline const std::string empty_apps_xml = "<applications>\n"
                                          "  <versions__delta>1</versions__delta>\n"
                                          "  <apps__hashcode></apps__hashcode>\n"
                                          "</applications>";

inline const std::string json_type = "application/json";
inline const std::string xml_type = "application/xml";

} // namespace http_test
