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

/// Java writes such characters as `&#x7;` and the like, which every XML
/// parser (Go's encoding/xml in Prometheus and fargo, Python's expat) rejects:
/// one such value breaks every XML read of the registry for every client.
std::string non_xml_reason(std::string_view what, std::string_view value) {
  auto cp = detail::first_non_xml_char(value);
  if (cp < 0)
    return {};
  return fmt::format("Invalid {}: character U+{:04X} cannot be written in XML", what, cp);
}

/// ApplicationResource.isBlank: null or empty -- whitespace is not blank.
bool is_blank(std::string_view s) {
  return s.empty();
}

/// Entry count, total size, keys and values of one metadata map; `what`
/// names the map in reasons ("metadata"), `what_capitalised` starts one.
std::string check_metadata(const string_pairs& entries, std::string_view what,
                           std::string_view what_capitalised) {
  if (entries.size() > max_metadata_entries)
    return fmt::format("Too many {} entries: {} (at most {})", what, entries.size(),
                       max_metadata_entries);
  size_t bytes = 0;
  for (const auto& [key, value] : entries) {
    bytes += key.size() + value.size();
    // A key that is not text XML can carry (e.g. the byte %FF) would go out
    // raw in JSON and mangled in XML; refused before it is echoed below.
    if (auto reason = non_xml_reason(fmt::format("{} key", what), key); !reason.empty())
      return reason;
    // Java writes such keys as broken XML, which then breaks every XML read of
    // the registry for every client; refuse them instead.
    if (!is_xml_name(detail::encode_xml_name(key)))
      return fmt::format("Invalid {} key '{}': not usable as an XML element name", what, key);
    if (auto reason = non_xml_reason(fmt::format("{} value of '{}'", what, key), value);
        !reason.empty())
      return reason;
  }
  if (bytes > max_metadata_bytes)
    return fmt::format("{} too large: {} bytes (at most {})", what_capitalised, bytes,
                       max_metadata_bytes);
  return {};
}

} // namespace

std::string validate_metadata(const string_pairs& entries) {
  return check_metadata(entries, "metadata", "Metadata");
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
  // Ours from here on. Every text field: its size (all first: cheap, and
  // they bound the scans that follow), then the characters XML can carry.
  struct text_field {
    std::string_view what;
    const std::string* value; // nullptr: absent (null in Java)
    size_t limit;
  };
  auto opt = [](const opt_string& s) { return s ? &*s : nullptr; };
  const text_field text_fields[] = {
      {"instanceId", opt(x.instance_id), max_instance_id_bytes},
      {"hostName", &x.host_name, max_host_name_bytes},
      {"app", &x.app, max_app_name_bytes},
      {"ipAddr", &x.ip_addr, max_host_name_bytes},
      {"sid", &x.sid, max_short_field_bytes},
      {"appGroupName", opt(x.app_group_name), max_app_name_bytes},
      {"homePageUrl", opt(x.home_page_url), max_url_bytes},
      {"statusPageUrl", opt(x.status_page_url), max_url_bytes},
      {"healthCheckUrl", opt(x.health_check_url), max_url_bytes},
      {"secureHealthCheckUrl", opt(x.secure_health_check_url), max_url_bytes},
      {"vipAddress", opt(x.vip_address), max_vip_address_bytes},
      {"secureVipAddress", opt(x.secure_vip_address), max_vip_address_bytes},
      {"asgName", opt(x.asg_name), max_short_field_bytes},
      {"dataCenterInfo name", &x.data_center.name, max_short_field_bytes}};
  for (const auto& f : text_fields)
    if (f.value != nullptr && f.value->size() > f.limit)
      return too_long_reason(f.what, f.value->size(), f.limit);
  // The id's other sources are bounded above; what remains is an Amazon
  // instance-id standing in for a missing instanceId.
  if (auto id = x.id(); id.size() > max_instance_id_bytes)
    return too_long_reason("dataCenterInfo metadata instance-id (the instance id)", id.size(),
                           max_instance_id_bytes);
  for (const auto& f : text_fields)
    if (f.value != nullptr)
      if (auto reason = non_xml_reason(f.what, *f.value); !reason.empty())
        return reason;
  // AmazonInfo metadata is written like the instance's own (codec/xml_writer),
  // so it is held to the same limits.
  if (auto reason = check_metadata(x.data_center.metadata, "dataCenterInfo metadata",
                                   "dataCenterInfo metadata");
      !reason.empty())
    return reason;
  return validate_metadata(x.metadata);
}

} // namespace eureka::codec
