// libFuzzer target: the bytes of one connection through the gateway's
// request path up to the planned command — Beast's parser with the
// gateway's limits (header first, its framing checked, then the body;
// chunk-size lines and trailers counted against the header limit), then
// routing, query decoding, negotiation, admin authentication and
// validation (plan_request). Pipelined requests are read one after
// another, as the broker reads them (http_frontend.cpp, process_input).
//
// The first input byte splits the rest into two deliveries, so requests
// also arrive cut at every point, as over a socket.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "common/password_hash.hpp"
#include "fuzz/fuzz_check.hpp"
#include "http_gateway/parsed_request.hpp"
#include "http_gateway/request_plan.hpp"

namespace {

using namespace eureka;
using namespace eureka::gateway;
namespace http = boost::beast::http;

constexpr int64_t now_ms = 1700000000000;

/// The node's defaults, plus users (password "secret", hashed with the
/// fewest iterations a hash may state, so that checks stay cheap) to reach
/// the admin actions and the Authorization decoding: `admin` (admin and
/// peer) and `client` (read, register=ORDER). Every request is planned
/// twice: with eureka.auth.enabled off (what the Eureka API does) and on
/// (who may do it).
struct fuzz_configs {
  gateway_config open;
  gateway_config locked;
};

const fuzz_configs& configs() {
  static const fuzz_configs cfgs = [] {
    fuzz_configs x;
    auto hash = hash_password("secret", min_password_iterations);
    fuzz::require(hash.has_value(), "a password hash can be made");
    auto text = format_password_hash(*hash);
    auto users = parse_users("admin:admin+peer:" + text + ",client:read+register=ORDER:" + text);
    fuzz::require(users.error.empty() && users.users.size() == 2, "the fuzz users parse");
    x.open.auth.users = users.users;
    x.open.auth.max_password_checks_per_second = 1000000;
    x.locked = x.open;
    x.locked.auth.enabled = true;
    return x;
  }();
  return cfgs;
}

/// One connection's parser state, as the broker keeps it.
struct connection_reader {
  explicit connection_reader(const gateway_config& cfg) : cfg(cfg) { reset(); }

  void reset() {
    parser = std::make_unique<http::request_parser<http::string_body>>();
    parser->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(cfg.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser->body_limit(static_cast<std::uint64_t>(cfg.max_body_bytes));
    parser->eager(false);
    budget = framing_budget{cfg.max_header_bytes};
    framing_checked = false;
    folds = obs_fold_scanner{};
  }

  /// Reads the next request `inbuf` holds; false once nothing more can be
  /// read yet, or the connection is closed (a refused request).
  bool read_one(std::string& inbuf, authenticator& auth) {
    if (closed)
      return false;
    boost::system::error_code ec;
    size_t consumed = 0;
    while (consumed < inbuf.size() && !parser->is_done()) {
      auto body_before = parser->get().body().size();
      auto in_header = !parser->is_header_done();
      auto n = parser->put(
          boost::asio::const_buffer{inbuf.data() + consumed, inbuf.size() - consumed}, ec);
      if (in_header && folds.feed({inbuf.data() + consumed, n}))
        return close(); // answered 400: a folded header
      consumed += n;
      budget.consumed(n, parser->get().body().size() - body_before);
      if (!framing_checked && parser->is_header_done()) {
        framing_checked = true;
        if (check_framing(framing_of(parser->get())))
          return close(); // answered 400/501
        parser->eager(true);
      }
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || n == 0)
        break;
    }
    inbuf.erase(0, consumed);
    if (ec)
      return close(); // answered 400/413/431
    if (parser->is_header_done() && budget.exceeded(parser->is_done() ? 0 : inbuf.size()))
      return close(); // 431
    if (!parser->is_done())
      return false; // waits for more input
    auto req = parser->release();
    reset();
    auto view = view_of(req);
    for (const auto* c : {&configs().open, &configs().locked}) {
      auto plan = plan_request(view, *c, auth, now_ms);
      if (plan.immediate)
        fuzz::require(plan.immediate->status >= 100 && plan.immediate->status <= 599,
                      "an immediate answer has an HTTP status");
      else
        fuzz::require(!std::holds_alternative<std::monostate>(plan.call),
                      "a request is answered at once or planned as a call (never the 500 of "
                      "an empty plan)");
      if (plan.immediate && plan.immediate->status == 401)
        fuzz::require(!plan.immediate->www_authenticate.empty(), "a 401 carries a challenge");
    }
    return true;
  }

  bool close() {
    closed = true;
    return false;
  }

  const gateway_config& cfg;
  bool closed = false;
  std::unique_ptr<http::request_parser<http::string_body>> parser;
  framing_budget budget{0};
  bool framing_checked = false;
  obs_fold_scanner folds;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  // Framing and limits are the same in both configurations.
  const auto& cfg = configs().open;
  static authenticator auth;
  auto bytes = fuzz::text_of(data + 1, size - 1);
  auto cut = std::min<size_t>(data[0] * bytes.size() / 255, bytes.size());
  connection_reader conn{cfg};
  std::string inbuf;
  for (auto delivery : {bytes.substr(0, cut), bytes.substr(cut)}) {
    inbuf.append(delivery);
    while (!inbuf.empty() && conn.read_one(inbuf, auth)) {
    }
  }
  return 0;
}
