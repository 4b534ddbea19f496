// ApplicationResource.addInstance validation (contract §1.5, E4 steps 1-8).
#include "codec/instance_codec.hpp"

#include <fmt/format.h>

#include "codec/text.hpp"

namespace eureka::codec {

namespace {

bool is_name_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

bool is_name_char(unsigned char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/// Whether `name` is an XML element name (ASCII rules; bytes of multi-byte
/// UTF-8 sequences are accepted as the name coder leaves them).
bool is_xml_name(std::string_view name) {
  if (name.empty() || !is_name_start(static_cast<unsigned char>(name.front())))
    return false;
  for (char c : name)
    if (!is_name_char(static_cast<unsigned char>(c)))
      return false;
  return true;
}

/// The first code point in UTF-8 `s` that XML 1.0 cannot carry at all, not
/// even as a character reference: C0 controls other than tab, LF and CR,
/// surrogates and U+FFFE/U+FFFF. -1 when there is none.
long first_non_xml_char(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return c;
    if ((c == 0xED || c == 0xEF) && i + 2 < s.size()) { // U+D000-DFFF, U+F000-FFFF
      auto c1 = static_cast<unsigned char>(s[i + 1]);
      auto c2 = static_cast<unsigned char>(s[i + 2]);
      long cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
      if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return cp;
    }
  }
  return -1;
}

/// Java writes such characters as `&#x7;` and the like, which every XML
/// parser (Go's encoding/xml in Prometheus and fargo, Python's expat) rejects:
/// one such value breaks every XML read of the registry for every client.
std::string non_xml_reason(std::string_view what, std::string_view value) {
  auto cp = first_non_xml_char(value);
  if (cp < 0)
    return {};
  return fmt::format("Invalid {}: character U+{:04X} cannot be written in XML", what, cp);
}

/// ApplicationResource.isBlank: null or empty -- whitespace is not blank.
bool is_blank(std::string_view s) {
  return s.empty();
}

} // namespace

std::string validate_metadata(const string_pairs& entries) {
  if (entries.size() > max_metadata_entries)
    return fmt::format("Too many metadata entries: {} (at most {})", entries.size(),
                       max_metadata_entries);
  size_t bytes = 0;
  for (const auto& [key, value] : entries) {
    bytes += key.size() + value.size();
    // Java writes such keys as broken XML, which then breaks every XML read of
    // the registry for every client; refuse them instead.
    if (!is_xml_name(detail::encode_xml_name(key)))
      return fmt::format("Invalid metadata key '{}': not usable as an XML element name", key);
    if (auto reason = non_xml_reason(fmt::format("metadata value of '{}'", key), value);
        !reason.empty())
      return reason;
  }
  if (bytes > max_metadata_bytes)
    return fmt::format("Metadata too large: {} bytes (at most {})", bytes, max_metadata_bytes);
  return {};
}

std::string validate_registration(instance_info& x, std::string_view path_app) {
  if (is_blank(x.id()))
    return "Missing instanceId";
  if (is_blank(x.host_name))
    return "Missing hostname";
  if (is_blank(x.ip_addr))
    return "Missing ip address";
  if (is_blank(x.app))
    return "Missing appName";
  if (path_app != x.app) {
    std::string reason = "Mismatched appName, expecting ";
    reason += path_app;
    reason += " but was ";
    reason += x.app;
    return reason;
  }
  if (!x.data_center.present)
    return "Missing dataCenterInfo";
  if (x.data_center.name.empty())
    return "Missing dataCenterInfo Name";
  // Step 8 with registration.validation.dataCenterInfoId off (our behaviour):
  // an AmazonInfo without an "instance-id" key gets getId() back-filled. A key
  // that is present but blank is left alone, as in Java.
  if (x.data_center.kind == data_center_kind::amazon) {
    bool has_key = false;
    for (const auto& kv : x.data_center.metadata)
      if (kv.first == "instance-id") {
        has_key = true;
        break;
      }
    if (!has_key)
      x.data_center.metadata.emplace_back("instance-id", x.id());
  }
  const std::pair<std::string_view, const opt_string*> optional_fields[] = {
      {"instanceId", &x.instance_id},
      {"appGroupName", &x.app_group_name},
      {"homePageUrl", &x.home_page_url},
      {"statusPageUrl", &x.status_page_url},
      {"healthCheckUrl", &x.health_check_url},
      {"secureHealthCheckUrl", &x.secure_health_check_url},
      {"vipAddress", &x.vip_address},
      {"secureVipAddress", &x.secure_vip_address},
      {"asgName", &x.asg_name}};
  for (const auto& [what, field] : optional_fields)
    if (*field)
      if (auto reason = non_xml_reason(what, **field); !reason.empty())
        return reason;
  const std::pair<std::string_view, const std::string*> fields[] = {
      {"hostName", &x.host_name},
      {"app", &x.app},
      {"ipAddr", &x.ip_addr},
      {"sid", &x.sid},
      {"dataCenterInfo name", &x.data_center.name}};
  for (const auto& [what, field] : fields)
    if (auto reason = non_xml_reason(what, *field); !reason.empty())
      return reason;
  for (const auto& [key, value] : x.data_center.metadata) {
    if (auto reason = non_xml_reason("dataCenterInfo metadata key", key); !reason.empty())
      return reason;
    if (auto reason = non_xml_reason("dataCenterInfo metadata value", value); !reason.empty())
      return reason;
  }
  return validate_metadata(x.metadata);
}

} // namespace eureka::codec
