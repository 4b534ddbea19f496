// Small text helpers shared by the codecs, the gateway and the
// configuration: one definition of "blank" and of a Java-compatible long.
#pragma once

#include <charconv>
#include <cstdint>
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
