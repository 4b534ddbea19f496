#include "http_gateway/http_response.hpp"

#include <iterator>
#include <utility>

#include <boost/beast/http/status.hpp>
#include <fmt/format.h>

namespace eureka::gateway {

http_response make_response(unsigned status, std::string_view content_type, std::string body) {
  http_response r;
  r.status = status;
  r.content_type = std::string{content_type};
  r.body = std::make_shared<const std::string>(std::move(body));
  return r;
}

http_response make_empty(unsigned status) {
  http_response r;
  r.status = status;
  return r;
}

http_response make_text(unsigned status, std::string_view text) {
  return make_response(status, "text/plain", std::string{text});
}

std::string_view reason_phrase(unsigned status) {
  auto text = boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(status));
  return {text.data(), text.size()};
}

std::string serialize_head(const http_response& r, connection_header conn) {
  std::string out;
  out.reserve(160);
  auto it = std::back_inserter(out);
  fmt::format_to(it, "HTTP/1.1 {} {}\r\n", r.status, reason_phrase(r.status));
  if (!r.content_type.empty())
    fmt::format_to(it, "Content-Type: {}\r\n", r.content_type);
  if (!r.content_encoding.empty())
    fmt::format_to(it, "Content-Encoding: {}\r\n", r.content_encoding);
  if (!r.allow.empty())
    fmt::format_to(it, "Allow: {}\r\n", r.allow);
  if (!r.cache_control.empty())
    fmt::format_to(it, "Cache-Control: {}\r\n", r.cache_control);
  if (!r.www_authenticate.empty())
    fmt::format_to(it, "WWW-Authenticate: {}\r\n", r.www_authenticate);
  if (!r.vary.empty())
    fmt::format_to(it, "Vary: {}\r\n", r.vary);
  fmt::format_to(it, "Content-Length: {}\r\n", r.body_size());
  switch (conn) {
  case connection_header::keep_alive:
    out += "Connection: keep-alive\r\n";
    break;
  case connection_header::close:
    out += "Connection: close\r\n";
    break;
  case connection_header::none:
    break;
  }
  out += "\r\n";
  return out;
}

} // namespace eureka::gateway
