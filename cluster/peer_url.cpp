#include "cluster/peer_url.hpp"

#include <algorithm>
#include <cstring>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "common/text.hpp"
#include "http_gateway/router.hpp"

namespace eureka::cluster {

namespace {

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/// Blanks, controls and non-ASCII bytes have no place in a URL sent as a
/// request target (IDN host names are not supported: write them in punycode).
bool is_printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

/// A DNS name or an IPv4 literal: letters, digits, '-', '.', '_' (the last
/// is not valid DNS but appears in container and compose service names).
bool is_host_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_ascii_alnum(c) || c == '-' || c == '.' || c == '_';
  });
}

bool contains(const std::vector<std::string>& xs, std::string_view x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

std::optional<uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5)
    return std::nullopt;
  uint32_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return std::nullopt;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  if (value == 0 || value > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(value);
}

std::string bracketed(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

} // namespace

std::string peer_url::join(std::string_view relative) const {
  while (!relative.empty() && relative.front() == '/')
    relative.remove_prefix(1);
  std::string out = text;
  out += relative;
  return out;
}

std::string peer_url::target(std::string_view relative) const {
  while (!relative.empty() && relative.front() == '/')
    relative.remove_prefix(1);
  std::string out = base_path;
  out += relative;
  return out;
}

std::string peer_url::authority() const {
  return fmt::format("{}:{}", bracketed(host), port);
}

std::optional<std::string> canonical_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
    text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
    return std::nullopt;
  std::string s{text};
  char out[INET6_ADDRSTRLEN] = {};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    if (inet_ntop(AF_INET, &v4, out, sizeof(out)) == nullptr)
      return std::nullopt;
    return std::string{out};
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1)
    return std::nullopt;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof(v4));
    if (inet_ntop(AF_INET, &v4, out, sizeof(out)) == nullptr)
      return std::nullopt;
    return std::string{out};
  }
  if (inet_ntop(AF_INET6, &v6, out, sizeof(out)) == nullptr)
    return std::nullopt;
  return std::string{out};
}

std::optional<peer_url> parse_peer_url(std::string_view input, std::string& error) {
  auto in = text::trim(input);
  auto fail = [&](std::string why) -> std::optional<peer_url> {
    error = fmt::format("'{}' {}", in, why);
    return std::nullopt;
  };
  if (!is_printable_ascii(in))
    return fail("contains a blank, a control character or a non-ASCII byte");
  auto sep = in.find("://");
  if (sep == std::string_view::npos || sep == 0)
    return fail("is not an absolute http:// or https:// URL");
  peer_url u;
  u.scheme = text::to_lower(in.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https")
    return fail(fmt::format("has scheme '{}': only http and https are accepted", u.scheme));
  auto rest = in.substr(sep + 3);
  auto authority_end = rest.find_first_of("/?#");
  auto authority = rest.substr(0, authority_end);
  auto path =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (path.find_first_of("?#") != std::string_view::npos)
    return fail("has a query or fragment: a peer URL is a base path");
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (!gateway::percent_decode(authority.substr(0, at), u.userinfo, false))
      return fail("has a malformed percent-escape in its user information");
    authority.remove_prefix(at + 1);
  }
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return fail("has an unclosed '[' in its host");
    auto literal = authority.substr(1, close - 1);
    auto canonical = canonical_address(literal); // an IPv4-mapped one becomes IPv4
    if (literal.find(':') == std::string_view::npos || !canonical)
      return fail(fmt::format("has '[{}]', which is not an IPv6 address", literal));
    u.host = *canonical;
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return fail("has text after its IPv6 host that is not a port");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    if (std::count(authority.begin(), authority.end(), ':') > 1)
      return fail("has several ':' in its host and port (IPv6 addresses go in brackets)");
    auto colon = authority.find(':');
    auto host = authority.substr(0, colon);
    if (host.empty())
      return fail("has no host");
    if (!is_host_name(host))
      return fail(fmt::format("has host '{}', which is not a host name or address", host));
    u.host = text::to_lower(host);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
  }
  if (has_port && !port_text.empty()) {
    auto port = parse_port(port_text);
    if (!port)
      return fail(fmt::format("has port '{}': it must be 1..65535", port_text));
    u.port = *port;
  } else {
    u.port = u.scheme == "https" ? 443 : 80; // "h:" is the default port (RFC 3986)
  }
  u.base_path = path.empty() ? std::string{"/"} : std::string{path};
  if (u.base_path.back() != '/')
    u.base_path += '/';
  u.text = fmt::format("{}://{}{}", u.scheme, u.authority(), u.base_path);
  return u;
}

peer_list parse_peer_list(std::string_view list) {
  peer_list out;
  while (!list.empty()) {
    auto comma = list.find(',');
    auto item = text::trim(list.substr(0, comma));
    if (!item.empty()) {
      std::string error;
      auto url = parse_peer_url(item, error);
      if (!url) {
        out.urls.clear();
        out.error = std::move(error);
        return out;
      }
      bool seen = std::any_of(out.urls.begin(), out.urls.end(),
                              [&](const peer_url& x) { return x.text == url->text; });
      if (!seen)
        out.urls.push_back(std::move(*url));
    }
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool is_self(const peer_url& url, const local_identity& me,
             const std::vector<std::string>& resolved_host) {
  if (url.port != me.http_port)
    return false;
  for (const auto& name : me.names)
    if (text::to_lower(name) == url.host)
      return true;
  if (auto addr = canonical_address(url.host); addr && contains(me.addresses, *addr))
    return true;
  for (const auto& r : resolved_host)
    if (auto addr = canonical_address(r); addr && contains(me.addresses, *addr))
      return true;
  return false;
}

// -- system look-ups ------------------------------------------------------------

std::vector<std::string> resolve_host(const std::string& host) {
  std::vector<std::string> out;
  if (auto literal = canonical_address(host)) {
    out.push_back(std::move(*literal));
    return out;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0)
    return out;
  for (auto* ai = list; ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const char* written = nullptr;
    if (ai->ai_family == AF_INET) {
      sockaddr_in addr;
      std::memcpy(&addr, ai->ai_addr, sizeof(addr));
      written = inet_ntop(AF_INET, &addr.sin_addr, text, sizeof(text));
    } else if (ai->ai_family == AF_INET6) {
      sockaddr_in6 addr;
      std::memcpy(&addr, ai->ai_addr, sizeof(addr));
      written = inet_ntop(AF_INET6, &addr.sin6_addr, text, sizeof(text));
    }
    if (written == nullptr)
      continue;
    if (auto c = canonical_address(text); c && !contains(out, *c))
      out.push_back(std::move(*c));
  }
  freeaddrinfo(list);
  return out;
}

local_identity detect_local_identity(const std::string& configured_hostname,
                                     const std::string& configured_ip,
                                     const std::string& bind_address, uint16_t http_port) {
  local_identity me;
  me.http_port = http_port;
  auto add_name = [&](std::string_view name) {
    auto n = text::to_lower(text::trim(name));
    if (!n.empty() && !contains(me.names, n))
      me.names.push_back(std::move(n));
  };
  auto add_address = [&](std::string_view addr) {
    if (auto c = canonical_address(text::trim(addr)); c && !contains(me.addresses, *c))
      me.addresses.push_back(std::move(*c));
  };
  add_name(configured_hostname);
  add_address(configured_ip);
  bool any_v4 = bind_address == "0.0.0.0";
  bool any_v6 = bind_address.empty() || bind_address == "::" || bind_address == "[::]";
  if (!any_v4 && !any_v6) {
    add_address(bind_address);
    return me;
  }
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0)
    add_name(name);
  add_name("localhost");
  add_address("127.0.0.1");
  if (any_v6)
    add_address("::1");
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0)
    return me;
  for (auto* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr)
      continue;
    char text[INET6_ADDRSTRLEN] = {};
    auto family = i->ifa_addr->sa_family;
    if (family == AF_INET) {
      sockaddr_in addr;
      std::memcpy(&addr, i->ifa_addr, sizeof(addr));
      if (inet_ntop(AF_INET, &addr.sin_addr, text, sizeof(text)) != nullptr)
        add_address(text);
    } else if (family == AF_INET6 && any_v6) {
      sockaddr_in6 addr;
      std::memcpy(&addr, i->ifa_addr, sizeof(addr));
      if (inet_ntop(AF_INET6, &addr.sin6_addr, text, sizeof(text)) != nullptr)
        add_address(text);
    }
  }
  freeifaddrs(list);
  return me;
}

} // namespace eureka::cluster
