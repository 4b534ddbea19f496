// UTF-8 as RFC 3629 defines it, for everything that must tell characters from
// bytes: the log escaping (common/log.hpp) and the codecs' XML rules. One
// decoder, so "valid UTF-8" means the same thing everywhere.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace eureka::utf8 {

/// The length of the well-formed UTF-8 sequence starting at `s[i]` (1 to 4),
/// with its code point in `cp`; 0 when there is none there: a stray
/// continuation byte, a lead byte that cannot start a sequence, a sequence cut
/// short, an overlong form, a surrogate (U+D800-U+DFFF) or a code point above
/// U+10FFFF. `i` must be inside `s`.
constexpr size_t decode(std::string_view s, size_t i, char32_t& cp) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  auto b0 = byte(0);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t len = 0;
  unsigned char lo = 0x80; // the range of the second byte rules out overlongs,
  unsigned char hi = 0xBF; // surrogates and code points above U+10FFFF
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0)
      lo = 0xA0;
    else if (b0 == 0xED)
      hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0)
      lo = 0x90;
    else if (b0 == 0xF4)
      hi = 0x8F;
  } else {
    return 0; // 0x80-0xC1 (continuation, overlong lead), 0xF5-0xFF
  }
  if (s.size() - i < len || byte(1) < lo || byte(1) > hi)
    return 0;
  char32_t value = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80)
      return 0;
    value = (value << 6) | (byte(k) & 0x3F);
  }
  cp = value;
  return len;
}

/// Appends code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8.
inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

} // namespace eureka::utf8
