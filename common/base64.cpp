#include "common/base64.hpp"

#include <cstdint>

namespace eureka {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

} // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (auto left = bytes.size() - i; left > 0) {
    auto v = byte(i) << 16;
    if (left == 2)
      v |= byte(i + 1) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += left == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=')
    padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      auto c = text[i + k];
      int d = 0;
      if (c == '=') {
        if (!last || k < 4 - padding)
          return std::nullopt;
      } else {
        d = value_of(c);
        if (d < 0)
          return std::nullopt;
      }
      v = (v << 6) | static_cast<uint32_t>(d);
    }
    // Bits that padding leaves unused must be zero (one spelling per value).
    if (last && ((padding == 1 && (v & 0xff) != 0) || (padding == 2 && (v & 0xffff) != 0)))
      return std::nullopt;
    out += static_cast<char>((v >> 16) & 0xff);
    if (!last || padding < 2)
      out += static_cast<char>((v >> 8) & 0xff);
    if (!last || padding < 1)
      out += static_cast<char>(v & 0xff);
  }
  return out;
}

} // namespace eureka
