// Registration bodies in XML, read as XStream's Converters.InstanceInfoConverter
// does (contract §2.6), with pugixml. Input is untrusted: it must be valid
// UTF-8 holding only characters XML 1.0 allows (raw or as references), pugixml
// never expands DTD entities and parses without recursion, and nothing escapes
// the function.
#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/format.h>
#include <pugixml.hpp>
#include <simdjson.h>

#include "codec/instance_codec.hpp"
#include "codec/text.hpp"
#include "common/text.hpp"
#include "common/utf8.hpp"

namespace eureka::codec {

namespace {

/// The references in parsed character data or an attribute value resolved
/// (pugixml runs without parse_escapes, so they arrive verbatim): the five
/// predefined entities and character references, decimal or hex. false when
/// a character reference is malformed or names a character XML cannot carry
/// (`&#0;`, `&#xFFFE;`, `&#xD800;`, beyond U+10FFFF): pugixml would write
/// NUL, which silently cuts the value short, or bytes that are not UTF-8.
/// Other `&` sequences stay verbatim, as pugixml leaves them.
bool resolve_references(std::string_view in, std::string& out) {
  constexpr std::pair<std::string_view, char> entities[] = {
      {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&apos;", '\''}, {"&quot;", '"'}};
  out.clear();
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    auto amp = std::min(in.find('&', i), in.size());
    out.append(in.data() + i, amp - i);
    if (amp == in.size())
      break;
    auto rest = in.substr(amp);
    if (rest.substr(0, 2) != "&#") {
      i = amp + 1;
      out += '&';
      for (const auto& [name, c] : entities)
        if (rest.substr(0, name.size()) == name) {
          out.back() = c;
          i = amp + name.size();
          break;
        }
      continue;
    }
    bool hex = rest.substr(0, 3) == "&#x";
    size_t k = hex ? 3 : 2;
    uint32_t cp = 0;
    for (; k < rest.size() && rest[k] != ';'; ++k) {
      int d =
          hex ? text::hex_digit(rest[k]) : (rest[k] >= '0' && rest[k] <= '9' ? rest[k] - '0' : -1);
      if (d < 0)
        return false;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      if (cp > 0x10FFFF) // also keeps the arithmetic from wrapping around
        return false;
    }
    if (k == rest.size() || k == (hex ? 3u : 2u) || !detail::is_xml_char(cp))
      return false; // no ';', no digits, or a character XML cannot carry
    utf8::append(out, cp);
    i = amp + k + 1;
  }
  return true;
}

/// Resolves the references in every text node and attribute value of `doc`
/// in place, in document order without recursion (documents may nest
/// deeply); false on the first bad one (resolve_references).
bool resolve_all_references(pugi::xml_document& doc) {
  std::string resolved;
  auto fix = [&](auto& holder) { // an xml_node or an xml_attribute
    std::string_view raw = holder.value();
    if (raw.find('&') == std::string_view::npos)
      return true;
    if (!resolve_references(raw, resolved))
      return false;
    holder.set_value(resolved.c_str()); // never holds NUL: &#0; is refused
    return true;
  };
  pugi::xml_node n = doc.first_child();
  while (n) {
    if (n.type() == pugi::node_pcdata && !fix(n))
      return false;
    for (auto a : n.attributes())
      if (!fix(a))
        return false;
    if (n.first_child()) {
      n = n.first_child();
      continue;
    }
    while (n && !n.next_sibling())
      n = n.parent();
    if (n)
      n = n.next_sibling();
  }
  return true;
}

/// XStream's getValue(): the element's text (direct text and CDATA children).
std::string text_of(pugi::xml_node n) {
  std::string out;
  for (auto c : n.children())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
      out += c.value();
  return out;
}

/// Long.valueOf, but surrounding blanks are tolerated.
bool parse_int64(std::string_view text, int64_t& out) {
  return text::parse_long(text::trim(text), out);
}

bool parse_int32(std::string_view text, int32_t& out) {
  int64_t v = 0;
  if (!parse_int64(text, v) || v < std::numeric_limits<int32_t>::min()
      || v > std::numeric_limits<int32_t>::max())
    return false;
  out = static_cast<int32_t>(v);
  return true;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  return to_upper_ascii(a) == to_upper_ascii(b);
}

/// MetadataConverter: one child element per key, the name decoded by the
/// XStream name coder; a repeated key keeps its first position, last value.
void read_map(pugi::xml_node n, string_pairs& out) {
  out.clear();
  pairs_merger merged{out};
  for (auto c : n.children())
    if (c.type() == pugi::node_element)
      merged.put(detail::decode_xml_name(c.name()), text_of(c));
}

/// DataCenterInfoConverter: the `class` attribute is ignored and `<name>`
/// decides ("Amazon" case-insensitively, else the enum name). Without a
/// `<name>` Java yields a null dataCenterInfo ("Missing dataCenterInfo"), kept
/// here. Deviations (lenient): an empty name is kept empty ("Missing
/// dataCenterInfo Name") and an unknown one becomes MyOwn, where Java fails;
/// `<metadata>` may come before `<name>`.
data_center_info read_data_center(pugi::xml_node n) {
  data_center_info dc;
  auto name_node = n.child("name");
  if (!name_node) {
    dc.present = false;
    return dc;
  }
  auto name = text_of(name_node);
  if (equals_ignore_case(name, "Amazon")) {
    dc.kind = data_center_kind::amazon;
    dc.name = "Amazon";
    if (auto meta = n.child("metadata"))
      read_map(meta, dc.metadata);
  } else if (name.empty()) {
    dc.kind = data_center_kind::my_own;
    dc.name.clear();
  } else if (name == "Netflix") {
    dc.kind = data_center_kind::netflix;
    dc.name = "Netflix";
  } else {
    dc.kind = data_center_kind::my_own;
    dc.name = "MyOwn";
  }
  return dc;
}

/// LeaseInfoConverter: values that are not numbers are skipped.
void read_lease(pugi::xml_node n, lease_info& out) {
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element)
      continue;
    std::string_view k = c.name();
    int64_t v = 0;
    if (!parse_int64(text_of(c), v))
      continue;
    auto as_int = [&](int32_t& field) {
      if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max())
        field = static_cast<int32_t>(v);
    };
    if (k == "renewalIntervalInSecs")
      as_int(out.renewal_interval_secs);
    else if (k == "durationInSecs")
      as_int(out.duration_secs);
    else if (k == "registrationTimestamp")
      out.registration_timestamp = v;
    else if (k == "lastRenewalTimestamp")
      out.last_renewal_timestamp = v;
    else if (k == "evictionTimestamp")
      out.eviction_timestamp = v;
    else if (k == "serviceUpTimestamp")
      out.service_up_timestamp = v;
  }
}

bool read_instance(pugi::xml_node root, int64_t now_ms, instance_info& x, std::string& error) {
  x = instance_info{};
  x.data_center.present = false;
  x.last_updated_timestamp = now_ms;
  x.last_dirty_timestamp = now_ms;
  bool has_app = false;
  for (auto c : root.children()) {
    if (c.type() != pugi::node_element)
      continue;
    std::string_view k = c.name();
    if (k == "hostName") {
      x.host_name = text_of(c);
    } else if (k == "instanceId") {
      x.instance_id = text_of(c);
    } else if (k == "app") {
      x.app = to_upper_ascii(text_of(c));
      has_app = true;
    } else if (k == "ipAddr") {
      x.ip_addr = text_of(c);
    } else if (k == "sid") {
      x.sid = text_of(c);
    } else if (k == "status") {
      x.status = parse_status_lenient(text_of(c), true);
    } else if (k == "overriddenstatus" || k == "overriddenStatus") {
      x.overridden_status = parse_status_lenient(text_of(c), true);
    } else if (k == "port" || k == "securePort") {
      auto& p = k == "port" ? x.port : x.secure_port;
      if (!parse_int32(text_of(c), p.port)) {
        error = "element '" + std::string(k) + "': not an integer";
        return false;
      }
      std::string_view enabled = c.attribute("enabled").value();
      // Unsecure port: enabled unless exactly "false"; secure: only if "true".
      p.enabled = k == "port" ? enabled != "false" : enabled == "true";
    } else if (k == "countryId") {
      if (!parse_int32(text_of(c), x.country_id)) {
        error = "element 'countryId': not an integer";
        return false;
      }
    } else if (k == "dataCenterInfo") {
      x.data_center = read_data_center(c);
    } else if (k == "leaseInfo") {
      read_lease(c, x.lease);
    } else if (k == "metadata") {
      read_map(c, x.metadata);
    } else if (k == "appGroupName") {
      x.app_group_name = text_of(c); // @Auto field: taken verbatim in XML
    } else if (k == "homePageUrl") {
      x.home_page_url = text_of(c);
    } else if (k == "statusPageUrl") {
      x.status_page_url = text_of(c);
    } else if (k == "healthCheckUrl") {
      x.health_check_url = text_of(c);
    } else if (k == "secureHealthCheckUrl") {
      x.secure_health_check_url = text_of(c);
    } else if (k == "vipAddress") {
      x.vip_address = text_of(c);
    } else if (k == "secureVipAddress") {
      x.secure_vip_address = text_of(c);
    } else if (k == "asgName") {
      x.asg_name = text_of(c);
    } else if (k == "isCoordinatingDiscoveryServer") {
      x.is_coordinating_discovery_server = equals_ignore_case(text_of(c), "true");
    } else if (k == "lastUpdatedTimestamp" || k == "lastDirtyTimestamp") {
      // Auto-unmarshalled with Long.valueOf; a failure is logged and ignored.
      int64_t v = 0;
      if (parse_int64(text_of(c), v))
        (k == "lastUpdatedTimestamp" ? x.last_updated_timestamp : x.last_dirty_timestamp) = v;
    } else if (k == "actionType") {
      auto s = text_of(c); // ActionType.valueOf; a failure is ignored
      if (s == "ADDED")
        x.action = action_type::added;
      else if (s == "MODIFIED")
        x.action = action_type::modified;
      else if (s == "DELETED")
        x.action = action_type::deleted;
    }
    // identifyingAttribute and unknown elements are ignored.
  }
  if (!has_app) {
    error = "element 'app': missing";
    return false;
  }
  return true;
}

} // namespace

decode_result decode_instance_xml(std::string_view body, int64_t now_ms) {
  return detail::guarded_decode([&](decode_result& result) {
    if (!simdjson::validate_utf8(body.data(), body.size())) {
      result.error = "invalid XML: not UTF-8";
      return;
    }
    // Anywhere in a document, even in comments and CDATA sections.
    if (auto cp = detail::first_non_xml_char(body); cp >= 0) {
      result.error = fmt::format("invalid XML: character U+{:04X}", cp);
      return;
    }
    pugi::xml_document doc;
    // Without parse_escapes: pugixml decodes `&#0;` to NUL and wraps huge
    // code points around; resolve_all_references checks each one instead.
    auto parsed =
        doc.load_buffer(body.data(), body.size(),
                        (pugi::parse_default & ~pugi::parse_escapes) | pugi::parse_ws_pcdata_single,
                        pugi::encoding_utf8);
    if (!parsed) {
      result.error = std::string("invalid XML: ") + parsed.description();
      return;
    }
    if (!resolve_all_references(doc)) {
      result.error = "invalid XML: bad character reference";
      return;
    }
    auto root = doc.document_element();
    if (!root || std::string_view(root.name()) != "instance") {
      result.error = "invalid XML: root element is not <instance>";
      return;
    }
    result.ok = read_instance(root, now_ms, result.info, result.error);
  });
}

} // namespace eureka::codec
