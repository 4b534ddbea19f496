// Peer service URLs as Spring users configure them
// (eureka.client.service-url.defaultZone): parsing, normalisation, and
// recognising this node's own URL in the list. Parsing and the self rule are
// pure; the system look-ups they need (host names, interface addresses, DNS)
// are separate functions, so the rules stay testable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eureka::cluster {

/// One peer's Eureka base URL, normalised.
struct peer_url {
  /// scheme://host:port/base/ — lower-case scheme and host, the port always
  /// present, IPv6 hosts bracketed, the path ending in '/'; never the
  /// userinfo (so it can be logged and shown, and two spellings of one peer
  /// compare equal).
  std::string text;
  /// "http" or "https".
  std::string scheme;
  /// "user:pass" when the URL carries credentials, percent-decoded.
  std::string userinfo;
  /// Lower-cased; an IPv6 address without brackets, in its canonical form.
  std::string host;
  /// The explicit port, else 80 (http) or 443 (https).
  uint16_t port = 0;
  /// Path of the Eureka API on the peer ("/eureka/"); always starts and ends
  /// with '/'. Percent-escapes are kept as written (sent as they are).
  std::string base_path;

  /// `relative` resolved below the base: join("apps/") on
  /// http://h:8761/eureka/ is "http://h:8761/eureka/apps/". A leading '/' on
  /// `relative` is ignored (it stays below the base path).
  std::string join(std::string_view relative) const;

  /// base_path + relative (without its leading '/'): the request target to
  /// send to the peer.
  std::string target(std::string_view relative) const;

  /// host:port for messages, IPv6 bracketed ("[::1]:8761").
  std::string authority() const;
};

/// Parses one absolute http:// or https:// URL (surrounding blanks ignored).
/// On failure: nullopt, and `error` says what is wrong, naming the input.
/// Refused: no scheme, another scheme, userinfo with a malformed escape, an
/// empty or malformed host, a port that is not 1..65535, a query or
/// fragment, blanks or control characters.
std::optional<peer_url> parse_peer_url(std::string_view text, std::string& error);

/// A comma-separated list of peer URLs.
struct peer_list {
  /// In the given order, de-duplicated by normalised text (the first
  /// spelling wins, userinfo ignored for the comparison).
  std::vector<peer_url> urls;
  /// Non-empty when an entry is malformed (names the entry); `urls` is then
  /// empty.
  std::string error;
};

/// Entries are trimmed; empty entries are dropped.
peer_list parse_peer_list(std::string_view comma_separated);

/// Who this node is, for recognising its own URL in the peer list.
struct local_identity {
  /// Host names of this node, lower-case.
  std::vector<std::string> names;
  /// IP addresses this node's HTTP port is reachable at, canonical text
  /// (IPv4 dotted, IPv6 as inet_ntop writes it, no brackets).
  std::vector<std::string> addresses;
  /// The HTTP port actually bound (never 0).
  uint16_t http_port = 0;
};

/// Java's PeerEurekaNodes.isThisMyUrl, but port-aware: the URL is this node
/// when its port is this node's HTTP port and its host is one of its names
/// or addresses, or `resolved_host` (what the URL's host resolves to, see
/// resolve_host) contains one of its addresses. Java compares the host only,
/// so two servers on one host each take the other for itself; comparing the
/// port lets several nodes share a host. Pure.
bool is_self(const peer_url& url, const local_identity& me,
             const std::vector<std::string>& resolved_host = {});

/// The canonical text of an IP address literal (IPv4-mapped IPv6 as IPv4),
/// or nullopt when `text` is not one. Pure.
std::optional<std::string> canonical_address(std::string_view text);

// -- system look-ups (not pure; may block on DNS) -------------------------------

/// The addresses `host` resolves to (getaddrinfo, canonical text); empty
/// when it does not resolve. A literal address is returned as is.
std::vector<std::string> resolve_host(const std::string& host);

/// This node's identity. Bound to a wildcard address ("", 0.0.0.0, ::): the
/// configured host name, gethostname() and `localhost`; every local interface
/// address (getifaddrs; IPv4 always, IPv6 unless bound to 0.0.0.0), the
/// loopback addresses and the configured IP. Bound to one address: the
/// configured host name, that address and the configured IP only (another
/// node may listen on the same port at another local address; a name such as
/// `localhost` then counts only if it resolves to the bind address).
/// `http_port` must be the bound port (not 0).
local_identity detect_local_identity(const std::string& configured_hostname,
                                     const std::string& configured_ip,
                                     const std::string& bind_address, uint16_t http_port);

} // namespace eureka::cluster
