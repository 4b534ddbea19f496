// Header rules of contract §1.3/§1.4 as pure functions: response format,
// gzip, replication flag, and which registration bodies are accepted.
#pragma once

#include <string>
#include <string_view>

#include "messages/registry_messages.hpp"

namespace eureka::gateway {

/// Cache-backed reads (E1, E2, E3, E12, E13): JSON iff `Accept` contains the
/// substring "json" (case-sensitive, as Java's String.contains), else XML.
payload_format cached_read_format(std::string_view accept);

/// E5, E11, E15 and 409 bodies: JAX-RS negotiation between application/xml
/// (listed first in @Produces, so it wins ties and wildcards) and
/// application/json. Media ranges are ranked by q, then by specificity, then
/// by their order in the header; the first one naming JSON (application/json
/// or a "+json"/"*json" subtype) gives JSON. No Accept, or nothing acceptable,
/// gives XML (Jersey would answer 406; XML is the lenient choice).
payload_format negotiated_format(std::string_view accept);

/// E1/E2: gzip iff `Accept-Encoding` contains "gzip" (as the Java server).
bool accepts_gzip(std::string_view accept_encoding);

/// Cache-backed reads: `X-Eureka-Accept` as Java's EurekaAccept.fromString,
/// i.e. "compact" in any letter case gives the compact representation;
/// absent, empty, "full" or anything else gives full.
representation requested_representation(std::string_view eureka_accept);

/// `x-netflix-discovery-replication`: only the exact string "true" counts.
bool is_replication(std::string_view header_value);

/// "application/json" or "application/xml" (no charset: Jersey appends none).
std::string_view content_type_of(payload_format f);

enum class body_format { json, xml, unsupported };

struct body_media {
  body_format format = body_format::unsupported;
  /// ISO-8859-1 body: convert to UTF-8 before decoding.
  bool latin1 = false;
};

/// Register (E4) accepts application/json and application/xml with a charset
/// that is absent, UTF-8 or ISO-8859-1; anything else is 415.
body_media registration_media(std::string_view content_type);

/// Re-encodes ISO-8859-1 bytes as UTF-8.
std::string latin1_to_utf8(std::string_view in);

} // namespace eureka::gateway
