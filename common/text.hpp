// Small text helpers shared by the codecs, the gateway and the
// configuration: one definition of "blank" and of a Java-compatible long.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace eureka::text {

constexpr bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// `s` without leading and trailing blanks.
constexpr std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back()))
    s.remove_suffix(1);
  return s;
}

/// ASCII lower case (header values, keywords: never locale-dependent).
inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// The value of a hexadecimal digit, or -1.
constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// Java's Long.valueOf on `s` exactly (optional sign, decimal digits, no
/// blanks); false on anything else or on overflow.
inline bool parse_long(std::string_view s, int64_t& out) {
  if (s.size() > 1 && s.front() == '+' && s[1] != '-')
    s.remove_prefix(1); // from_chars takes '-' but not '+'
  int64_t value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty())
    return false;
  out = value;
  return true;
}

} // namespace eureka::text
