// Standard base64 (RFC 4648 §4, with padding): password hashes and HTTP basic
// authentication, in the node and in caf-eureka-admin.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace eureka {

std::string base64_encode(std::string_view bytes);

/// The bytes of `text`, or nullopt unless it is canonical padded base64 of
/// the standard alphabet (no blanks, no line breaks, length a multiple of 4,
/// '=' only as padding, unused bits zero): untrusted input has exactly one
/// accepted spelling.
std::optional<std::string> base64_decode(std::string_view text);

} // namespace eureka
