#include "codec/text.hpp"

#include <charconv>
#include <vector>

#include "common/text.hpp"
#include "common/utf8.hpp"

namespace eureka::codec::detail {

namespace {

constexpr char hex_upper[] = "0123456789ABCDEF";
constexpr char hex_lower[] = "0123456789abcdef";

/// Integer.toHexString: lower case, no padding.
void append_java_hex(std::string& out, uint32_t v) {
  char buf[8];
  int n = 0;
  do {
    buf[n++] = hex_lower[v & 0xF];
    v >>= 4;
  } while (v != 0);
  while (n > 0)
    out += buf[--n];
}

/// Decodes one UTF-8 sequence at `s[i]`; returns its length (1 for a byte that
/// does not start a well-formed sequence, whose value is then returned as the
/// code point, like ISO-8859-1).
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
  char32_t c = 0;
  if (auto len = utf8::decode(s, i, c); len > 0) {
    cp = c;
    return len;
  }
  cp = static_cast<unsigned char>(s[i]);
  return 1;
}

struct int_pair {
  uint32_t min;
  uint32_t max;
};

// XML 1.0/1.1 NameStartChar ranges, as XStream's XmlFriendlyNameCoder lists them.
constexpr int_pair name_start_bounds[] = {
    {':', ':'},       {'A', 'Z'},       {'a', 'z'},       {'_', '_'},       {0xC0, 0xD6},
    {0xD8, 0xF6},     {0xF8, 0x2FF},    {0x370, 0x37D},   {0x37F, 0x1FFF},  {0x200C, 0x200D},
    {0x2070, 0x218F}, {0x2C00, 0x2FEF}, {0x3001, 0xD7FF}, {0xF900, 0xFDCF}, {0xFDF0, 0xFFFD},
};
constexpr int_pair name_extra_bounds[] = {
    {'-', '-'}, {'.', '.'}, {'0', '9'}, {0xB7, 0xB7}, {0x300, 0x36F}, {0x203F, 0x2040},
};

template <size_t N>
bool in_bounds(uint32_t c, const int_pair (&bounds)[N]) {
  for (const auto& p : bounds)
    if (c >= p.min && c <= p.max)
      return true;
  return false;
}

bool is_name_start_char(uint32_t c) {
  return in_bounds(c, name_start_bounds);
}

bool is_name_char(uint32_t c) {
  return is_name_start_char(c) || in_bounds(c, name_extra_bounds);
}

/// Splits UTF-8 into UTF-16 code units (Java chars); invalid bytes map to
/// their byte value, like ISO-8859-1.
std::vector<uint32_t> to_utf16(std::string_view s) {
  std::vector<uint32_t> units;
  units.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    i += decode_utf8(s, i, cp);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(0xD800 + (cp >> 10));
      units.push_back(0xDC00 + (cp & 0x3FF));
    } else {
      units.push_back(cp);
    }
  }
  return units;
}

} // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t run = 0; // start of the pending verbatim run
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out += "\\u00";
      out += hex_upper[c >> 4];
      out += hex_upper[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

void append_xml_text(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xd;";
        break;
      case '\t':
      case '\n':
        out += static_cast<char>(c);
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "&#x";
          append_java_hex(out, c);
          out += ';';
        } else {
          out += static_cast<char>(c);
        }
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    auto len = decode_utf8(s, i, cp);
    if (len > 1
        && ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0xFDD0 && cp <= 0xFDEF) || cp == 0xFFFE
            || cp == 0xFFFF)) {
      out += "&#x";
      append_java_hex(out, cp);
      out += ';';
    } else {
      out.append(s.data() + i, len);
    }
    i += len;
  }
}

std::string encode_xml_name(std::string_view name) {
  bool plain = true; // XStream's fast path, decided on bytes (non-ASCII leaves it)
  for (char ch : name) {
    auto b = static_cast<unsigned char>(ch);
    if (b == '$' || b == '_' || b <= 27 || b >= 127) {
      plain = false;
      break;
    }
  }
  if (plain)
    return std::string(name);
  auto units = to_utf16(name);
  size_t i = 0;
  for (; i < units.size(); ++i) {
    auto c = units[i];
    if (c == '$' || c == '_' || c <= 27 || c >= 127)
      break;
  }
  if (i == units.size())
    return std::string(name);
  // The first i units are ASCII, so they are also the first i bytes.
  std::string out(name.substr(0, i));
  for (; i < units.size(); ++i) {
    auto c = units[i];
    if (c == '$') {
      out += "_-";
    } else if (c == '_') {
      out += "__";
    } else if ((i == 0 && !is_name_start_char(c)) || (i > 0 && !is_name_char(c))) {
      out += "_.";
      for (int shift = 12; shift >= 0; shift -= 4)
        out += hex_lower[(c >> shift) & 0xF];
    } else {
      utf8::append(out, c); // never a surrogate: those are not name characters
    }
  }
  return out;
}

std::string decode_xml_name(std::string_view name) {
  if (name.find('_') == std::string_view::npos)
    return std::string(name);
  std::string out;
  out.reserve(name.size());
  uint32_t pending_high = 0; // a high surrogate from `_.d8xx` awaiting its pair
  auto flush_pending = [&] {
    if (pending_high != 0) {
      utf8::append(out, 0xFFFD);
      pending_high = 0;
    }
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '_' && i + 1 < name.size()) {
      char d = name[i + 1];
      if (d == '-') {
        flush_pending();
        out += '$';
        ++i;
        continue;
      }
      if (d == '.' && i + 6 <= name.size()) {
        int h[4];
        bool ok = true;
        for (int k = 0; k < 4; ++k)
          ok = ok && (h[k] = text::hex_digit(name[i + 2 + k])) >= 0;
        if (ok) {
          auto unit = static_cast<uint32_t>((h[0] << 12) | (h[1] << 8) | (h[2] << 4) | h[3]);
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            flush_pending();
            pending_high = unit;
          } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            if (pending_high != 0) {
              utf8::append(out, 0x10000 + ((pending_high - 0xD800) << 10) + (unit - 0xDC00));
              pending_high = 0;
            } else {
              utf8::append(out, 0xFFFD);
            }
          } else {
            flush_pending();
            utf8::append(out, unit);
          }
          i += 5;
          continue;
        }
      }
      if (d == '_') {
        flush_pending();
        out += '_';
        ++i;
        continue;
      }
    }
    flush_pending();
    out += c;
  }
  flush_pending();
  return out;
}

namespace {

/// Spring's StringUtils.hasText (ASCII whitespace).
bool has_text(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (!(u == ' ' || (u >= 0x09 && u <= 0x0D) || (u >= 0x1C && u <= 0x1F)))
      return true;
  }
  return false;
}

} // namespace

namespace {

/// `x`: an instance_info or a compact_instance.
template <class Instance>
opt_string spring_instance_id_of(const Instance& x) {
  if (x.instance_id)
    return caf::none;
  std::string_view host = x.host_name;
  for (const auto& [key, value] : x.metadata) {
    std::string_view k = key;
    std::string_view v = value;
    if (k != "instanceId")
      continue;
    if (!has_text(v))
      return caf::none;
    if (has_text(host) && v.compare(0, host.size(), host) != 0)
      return std::string{host} + ":" + std::string{v};
    return std::string{v};
  }
  return caf::none;
}

template <class Map>
string_pairs mini_amazon_metadata_of(const Map& metadata) {
  string_pairs out;
  for (const auto& [key, value] : metadata) {
    std::string_view k = key;
    if (k == "instance-id" || k == "public-ipv4" || k == "public-hostname" || k == "local-ipv4"
        || k == "availability-zone")
      out.emplace_back(std::string{k}, std::string{std::string_view{value}});
  }
  return out;
}

} // namespace

opt_string spring_instance_id(const instance_info& x) {
  return spring_instance_id_of(x);
}

opt_string spring_instance_id(const compact_instance& x) {
  return spring_instance_id_of(x);
}

long first_non_xml_char(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    auto len = utf8::decode(s, i, cp);
    if (len == 0)
      return static_cast<unsigned char>(s[i]);
    if (!is_xml_char(cp))
      return static_cast<long>(cp);
    i += len;
  }
  return -1;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

string_pairs mini_amazon_metadata(const string_pairs& metadata) {
  return mini_amazon_metadata_of(metadata);
}

string_pairs mini_amazon_metadata(const packed_pairs& metadata) {
  return mini_amazon_metadata_of(metadata);
}

void append_jackson_xml_text(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '\r':
      out += "&#xd;";
      break;
    default:
      out += c;
    }
  }
}

} // namespace eureka::codec::detail
