// Message-framing rules of RFC 9112 that the HTTP parser (Boost.Beast 1.74)
// leaves to the server, checked once a request's header is complete and
// before any of its body is read. Pure, so every rule is unit-tested.
//
// Why: Beast treats a request whose Transfer-Encoding does not end in
// "chunked" (`chunked, gzip`, `xchunked`) as having no body when it has no
// Content-Length, so the body would be read as the next request (request
// smuggling); and a second or missing Host header is accepted.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace eureka::gateway {

/// The header fields that decide how a request is framed.
struct framing_fields {
  /// 10 for HTTP/1.0, 11 for HTTP/1.1.
  unsigned version = 11;
  /// Every Transfer-Encoding field value, in order.
  std::vector<std::string_view> transfer_encoding;
  bool has_content_length = false;
  /// How many Host fields, and the first one's value.
  size_t host_count = 0;
  std::string_view host;
};

/// Why a request cannot be framed; answered with `status` (400, or 501 for a
/// transfer coding other than chunked before the final chunked) and the
/// connection is closed (its remaining bytes cannot be trusted to start a
/// request).
struct framing_error {
  unsigned status = 400;
  std::string_view reason;
};

/// RFC 9112 §6.1/§6.3 (the only transfer coding accepted is a single
/// `chunked`: a final coding other than chunked is 400, chunked twice is
/// 400, another coding before it is 501 -- as the Java server's Tomcat
/// answers, except that an unknown final coding such as `xchunked` is 400
/// there too; Transfer-Encoding with Content-Length, or in HTTP/1.0, is 400)
/// and §3.2 (exactly one Host in HTTP/1.1, at most one in 1.0, and a value
/// that is a uri-host with an optional port).
std::optional<framing_error> check_framing(const framing_fields& f);

/// Counts the bytes of a request that are not body bytes: the header, and
/// for a chunked body every chunk-size line with its extensions, the CRLFs
/// around chunk data, and the trailer section. RFC 9112 lets each of these
/// grow without bound; here they all count against the header limit
/// (`eureka.gateway.max-header-bytes`), so a huge chunk-size line, extension
/// or trailer ends in 431 instead of being buffered.
class framing_budget {
public:
  explicit framing_budget(size_t limit) : limit_(limit) {}

  /// The parser consumed `consumed` bytes, of which `body` became body bytes.
  void consumed(size_t consumed, size_t body) { used_ += consumed - std::min(consumed, body); }

  /// Whether the framing seen so far plus `unparsed` bytes the parser is
  /// holding back (an incomplete chunk-size line or trailer) exceed the limit.
  bool exceeded(size_t unparsed) const { return used_ + unparsed > limit_; }

  size_t used() const { return used_; }

private:
  size_t limit_;
  size_t used_ = 0;
};

/// Finds obsolete line folding (RFC 9112 §5.2: a field line continued on a
/// line that starts with SP or HTAB) in a request's header, fed in pieces as
/// the parser consumes them. Beast joins such a line to the field before it,
/// which §5.2 allows, but `Transfer-Encoding:\r\n chunked` then frames the
/// body as chunked for us while a proxy in front that reads the continuation
/// as a field of its own sees no Transfer-Encoding (request smuggling); the
/// gateway refuses every folded header with 400, §5.2's other choice, as no
/// Eureka client folds.
class obs_fold_scanner {
public:
  /// Scans the next header bytes; true once a fold has been seen.
  bool feed(std::string_view bytes) {
    for (char ch : bytes) {
      if (state_ == 2 && (ch == ' ' || ch == '\t'))
        found_ = true;
      state_ = ch == '\r' ? 1 : (state_ == 1 && ch == '\n') ? 2 : 0;
    }
    return found_;
  }

private:
  /// 1: after CR, 2: after CRLF.
  int state_ = 0;
  bool found_ = false;
};

} // namespace eureka::gateway
