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
  return validate_metadata(x.metadata);
}

} // namespace eureka::codec
