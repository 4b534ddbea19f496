// Internal text helpers shared by the codecs: Jackson string escaping, XStream
// text escaping and XStream's XML name coder. Not part of the public codec API.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "codec/instance_codec.hpp"
#include "registry/instance_info.hpp"

namespace eureka::codec::detail {

/// Appends `s` as a JSON string literal (with quotes), escaped as Jackson's
/// default generator does: `"` and `\`, the short forms \b \t \n \f \r, other
/// control characters below 0x20 as \u00XX (upper-case hex); everything else,
/// including '/', DEL and non-ASCII UTF-8, is copied verbatim.
void append_json_string(std::string& out, std::string_view s);

/// Appends `s` as XStream's PrettyPrintWriter (quirks mode) writes element
/// text: & < > " ' as entities, \r as &#xd;, \t and \n verbatim, NUL and other
/// ISO control characters (C0 except \t\n\r, DEL, C1) and the non-characters
/// U+FDD0..U+FDEF, U+FFFE, U+FFFF as &#x<lower-case hex>; everything else
/// verbatim. (Java also hex-escapes code points unassigned in its Unicode
/// tables; those depend on the JDK version and are copied verbatim here.)
void append_xml_text(std::string& out, std::string_view s);

/// XML 1.0's Char production: tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and
/// U+10000-U+10FFFF. Nothing else may appear in a document, raw or as a
/// character reference. (DEL and C1 controls are allowed, merely discouraged.)
constexpr bool is_xml_char(uint32_t cp) {
  return cp == '\t' || cp == '\n' || cp == '\r' || (cp >= 0x20 && cp <= 0xD7FF)
         || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/// The first character of `s` that XML 1.0 cannot carry (not is_xml_char),
/// as its code point, or -1 when there is none. A byte that is not part of
/// well-formed UTF-8 (see common/utf8.hpp) is no character either and is
/// returned as its byte value (0x80-0xFF).
long first_non_xml_char(std::string_view s);

/// XStream 1.4 XmlFriendlyNameCoder.encodeNode with Eureka's replacements:
/// `$` -> `_-`, `_` -> `__`, and (only once the fast path has been left, as in
/// XStream) UTF-16 units that are not valid XML name characters -> `_.XXXX`.
std::string encode_xml_name(std::string_view name);

/// Inverse of encode_xml_name (`_-` -> `$`, `_.XXXX` -> the UTF-16 unit,
/// `__` -> `_`); malformed escapes are kept verbatim.
std::string decode_xml_name(std::string_view name);

/// Spring Cloud's CloudJacksonJson.updateIfNeeded, applied by the Spring
/// server's JSON codec on decode and on encode: an instance without
/// `instanceId` whose metadata has a non-blank `instanceId` gets
/// `<hostName>:<metadata.instanceId>` (or the metadata value alone when it
/// already starts with the host name or the host name is blank). Returns none
/// when the rule does not apply.
opt_string spring_instance_id(const instance_info& x);
opt_string spring_instance_id(const compact_instance& x);

/// Runs `decode(result)` for untrusted input: any exception (allocation,
/// library errors) becomes a failed result, and a failed result never
/// carries a partly decoded instance.
template <class Decode>
decode_result guarded_decode(Decode&& decode) {
  decode_result result;
  try {
    decode(result);
    if (!result.ok && result.error.empty())
      result.error = "cannot decode instance";
  } catch (const std::exception& e) {
    result.ok = false;
    result.error = std::string("cannot decode instance: ") + e.what();
  } catch (...) {
    result.ok = false;
    result.error = "cannot decode instance";
  }
  if (!result.ok)
    result.info = instance_info{};
  return result;
}

/// The Amazon metadata entries the compact codec keeps (Java's
/// MINI_AMAZON_INFO_INCLUDE_KEYS), in their stored order.
string_pairs mini_amazon_metadata(const string_pairs& metadata);
string_pairs mini_amazon_metadata(const packed_pairs& metadata);

/// Appends `s` as Jackson XML (Woodstox) writes element text: & < > as
/// entities, \r as &#xd;, quotes and everything else verbatim.
void append_jackson_xml_text(std::string& out, std::string_view s);

/// Appends the decimal form of `v`.
void append_int(std::string& out, int64_t v);

} // namespace eureka::codec::detail
