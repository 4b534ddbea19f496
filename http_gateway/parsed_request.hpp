// What the gateway reads out of a request Beast's parser has delivered:
// the fields that decide its framing (checked once the header is in) and
// the view request_plan works on. One home for both, shared by the broker
// and the fuzz target of the request path (fuzz/http_request_fuzz.cpp).
#pragma once

#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http_gateway/request_framing.hpp"
#include "http_gateway/request_plan.hpp"

namespace eureka::gateway {

using beast_request = boost::beast::http::request<boost::beast::http::string_body>;

inline std::string_view sv(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

/// The fields check_framing decides on.
inline framing_fields framing_of(const beast_request& req) {
  namespace http = boost::beast::http;
  framing_fields f;
  f.version = req.version();
  for (auto [i, end] = req.equal_range(http::field::transfer_encoding); i != end; ++i)
    f.transfer_encoding.push_back(sv(i->value()));
  for (auto [i, end] = req.equal_range(http::field::host); i != end; ++i)
    if (f.host_count++ == 0)
      f.host = sv(i->value());
  f.has_content_length = req.count(http::field::content_length) > 0;
  return f;
}

/// The request as plan_request reads it (views into `req`, which must
/// outlive the result; an absent header field is empty).
inline request_view view_of(const beast_request& req) {
  auto field = [&](std::string_view name) -> std::string_view {
    auto i = req.find(boost::beast::string_view{name.data(), name.size()});
    return i == req.end() ? std::string_view{} : sv(i->value());
  };
  request_view v;
  v.method = sv(req.method_string());
  v.target = sv(req.target());
  v.accept = field("Accept");
  v.accept_encoding = field("Accept-Encoding");
  v.content_type = field("Content-Type");
  v.content_encoding = field("Content-Encoding");
  v.replication = field("x-netflix-discovery-replication");
  v.eureka_accept = field("X-Eureka-Accept");
  v.authorization = field("Authorization");
  v.origin = field("Origin");
  v.host = field("Host");
  v.body = req.body();
  return v;
}

} // namespace eureka::gateway
