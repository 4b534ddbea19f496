// An HTTP/1.1 response as the gateway sends it: always Content-Length, never
// chunked; bodies shared with the registry's cache are not copied until the
// broker writes them.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "messages/registry_messages.hpp"

namespace eureka::gateway {

struct http_response {
  unsigned status = 200;
  /// Empty: no Content-Type header (bodiless answers).
  std::string content_type;
  /// "gzip" for pre-compressed cache payloads.
  std::string content_encoding;
  /// Allow header of a 405.
  std::string allow;
  /// Cache-Control (the admin API: no-store; the console: no-cache).
  std::string cache_control;
  /// WWW-Authenticate of a 401.
  std::string www_authenticate;
  /// Vary (the console: Accept-Encoding, its files being served gzipped or not).
  std::string vary;
  response_body body;
  /// HEAD: Content-Length of the body, but no body bytes.
  bool head_only = false;

  size_t body_size() const { return body.size(); }
};

/// A response with an owned body.
http_response make_response(unsigned status, std::string_view content_type, std::string body);

/// A bodiless response (Content-Length: 0, no Content-Type).
http_response make_empty(unsigned status);

/// A text/plain response, e.g. a 400 reason.
http_response make_text(unsigned status, std::string_view text);

enum class connection_header { none, keep_alive, close };

/// Status line and headers, ending with the blank line.
std::string serialize_head(const http_response& r, connection_header conn);

/// Reason phrase of a status code ("Not Found").
std::string_view reason_phrase(unsigned status);

} // namespace eureka::gateway
