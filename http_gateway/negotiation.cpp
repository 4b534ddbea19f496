#include "http_gateway/negotiation.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace eureka::gateway {

namespace {

using text::trim;

std::string lower(std::string_view s) {
  return text::to_lower(s);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct media_range {
  std::string type;
  std::string subtype;
  double q = 1.0;
  size_t order = 0;
  int specificity() const { return type == "*" ? 0 : (subtype == "*" ? 1 : 2); }
};

// Splits "type/subtype; p=v; q=0.5"; parameters other than q are ignored.
bool parse_range(std::string_view text, media_range& out) {
  auto semi = text.find(';');
  auto essence = trim(text.substr(0, semi));
  auto slash = essence.find('/');
  if (slash == std::string_view::npos)
    return false;
  out.type = lower(trim(essence.substr(0, slash)));
  out.subtype = lower(trim(essence.substr(slash + 1)));
  if (out.type.empty() || out.subtype.empty())
    return false;
  while (semi != std::string_view::npos) {
    auto rest = text.substr(semi + 1);
    auto next = rest.find(';');
    auto param = trim(rest.substr(0, next));
    if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      std::string value{param.substr(2)};
      char* end = nullptr;
      auto q = std::strtod(value.c_str(), &end);
      if (end != value.c_str())
        out.q = std::clamp(q, 0.0, 1.0);
    }
    semi = next == std::string_view::npos ? next : semi + 1 + next;
  }
  return true;
}

bool names_json(const media_range& r) {
  return (r.type == "application" || r.type == "*") && r.subtype != "*"
         && ends_with(r.subtype, "json");
}

bool covers_xml(const media_range& r) {
  return r.type == "*" || (r.type == "application" && (r.subtype == "*" || r.subtype == "xml"));
}

} // namespace

payload_format cached_read_format(std::string_view accept) {
  return accept.find("json") != std::string_view::npos ? payload_format::json : payload_format::xml;
}

payload_format negotiated_format(std::string_view accept) {
  std::vector<media_range> ranges;
  size_t pos = 0;
  while (pos <= accept.size()) {
    auto comma = accept.find(',', pos);
    auto part = accept.substr(pos, comma == std::string_view::npos ? accept.npos : comma - pos);
    media_range r;
    if (parse_range(part, r) && r.q > 0) {
      r.order = ranges.size();
      ranges.push_back(std::move(r));
    }
    if (comma == std::string_view::npos)
      break;
    pos = comma + 1;
  }
  std::stable_sort(ranges.begin(), ranges.end(), [](const media_range& a, const media_range& b) {
    if (a.q != b.q)
      return a.q > b.q;
    return a.specificity() > b.specificity();
  });
  for (auto& r : ranges) {
    if (names_json(r))
      return payload_format::json;
    if (covers_xml(r))
      return payload_format::xml;
  }
  return payload_format::xml;
}

bool accepts_gzip(std::string_view accept_encoding) {
  return accept_encoding.find("gzip") != std::string_view::npos;
}

representation requested_representation(std::string_view eureka_accept) {
  static constexpr std::string_view compact = "compact";
  if (eureka_accept.size() != compact.size())
    return representation::full;
  for (size_t i = 0; i < compact.size(); ++i) {
    auto c = eureka_accept[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != compact[i])
      return representation::full;
  }
  return representation::compact;
}

bool is_replication(std::string_view header_value) {
  return header_value == "true";
}

std::string_view content_type_of(payload_format f) {
  return f == payload_format::json ? "application/json" : "application/xml";
}

body_media registration_media(std::string_view content_type) {
  body_media result;
  auto semi = content_type.find(';');
  auto essence = lower(trim(content_type.substr(0, semi)));
  body_format format;
  if (essence == "application/json")
    format = body_format::json;
  else if (essence == "application/xml")
    format = body_format::xml;
  else
    return result;
  while (semi != std::string_view::npos) {
    auto rest = content_type.substr(semi + 1);
    auto next = rest.find(';');
    auto param = trim(rest.substr(0, next));
    auto eq = param.find('=');
    if (eq != std::string_view::npos && lower(trim(param.substr(0, eq))) == "charset") {
      auto value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      auto cs = lower(value);
      if (cs == "iso-8859-1")
        result.latin1 = true;
      else if (cs != "utf-8")
        return result; // DiscoveryJerseyProvider.isSupportedCharset refuses it
    }
    semi = next == std::string_view::npos ? next : semi + 1 + next;
  }
  result.format = format;
  return result;
}

std::string latin1_to_utf8(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (auto ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

} // namespace eureka::gateway
