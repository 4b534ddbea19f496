#include "http_gateway/request_framing.hpp"

#include "common/text.hpp"

namespace eureka::gateway {

namespace {

/// RFC 3986 uri-host characters (reg-name, IPv4, IP-literal in brackets,
/// percent-encoding) plus ':' for the port.
bool is_host_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  switch (c) {
  case '-':
  case '.':
  case '_':
  case '~':
  case '%':
  case '!':
  case '$':
  case '&':
  case '\'':
  case '(':
  case ')':
  case '*':
  case '+':
  case ',':
  case ';':
  case '=':
  case ':':
  case '[':
  case ']':
    return true;
  default:
    return false;
  }
}

bool valid_host(std::string_view value) {
  for (char c : value)
    if (!is_host_char(c))
      return false;
  return true;
}

/// The transfer codings of every Transfer-Encoding field, in order, each
/// trimmed; empty list elements are skipped (RFC 9110 §5.6.1).
std::vector<std::string_view> codings_of(const std::vector<std::string_view>& fields) {
  std::vector<std::string_view> out;
  for (auto field : fields) {
    size_t pos = 0;
    while (pos <= field.size()) {
      auto comma = field.find(',', pos);
      auto end = comma == std::string_view::npos ? field.size() : comma;
      auto coding = text::trim(field.substr(pos, end - pos));
      if (!coding.empty())
        out.push_back(coding);
      if (comma == std::string_view::npos)
        break;
      pos = comma + 1;
    }
  }
  return out;
}

} // namespace

std::optional<framing_error> check_framing(const framing_fields& f) {
  if (f.host_count > 1)
    return framing_error{400, "more than one Host header"};
  if (f.host_count == 0 && f.version >= 11)
    return framing_error{400, "missing Host header"};
  if (f.host_count == 1 && !valid_host(f.host))
    return framing_error{400, "invalid Host header"};
  if (f.transfer_encoding.empty())
    return std::nullopt;
  // From here on the body length cannot be trusted unless the codings are
  // exactly one `chunked`: gzip/deflate transfer codings are not used by any
  // Eureka client, and an unknown one leaves the body length undefined.
  if (f.version < 11)
    return framing_error{400, "Transfer-Encoding in an HTTP/1.0 request"};
  if (f.has_content_length)
    return framing_error{400, "both Transfer-Encoding and Content-Length"};
  auto codings = codings_of(f.transfer_encoding);
  if (codings.empty())
    return framing_error{400, "empty Transfer-Encoding"};
  if (text::to_lower(codings.back()) != "chunked")
    return framing_error{400, "final transfer coding is not chunked"}; // §6.3: MUST 400
  codings.pop_back();
  for (auto coding : codings)
    if (text::to_lower(coding) == "chunked")
      return framing_error{400, "chunked applied more than once"}; // §6.1: MUST NOT
  if (!codings.empty())
    return framing_error{501, "unsupported transfer coding"}; // §6.1: SHOULD 501
  return std::nullopt;
}

} // namespace eureka::gateway
