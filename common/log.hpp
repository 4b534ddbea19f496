// One-line structured logging for the node (Debian's CAF has its own logging
// compiled out). Each call writes one whole line to stderr, so lines from
// different threads never interleave.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace eureka::log {

enum class level : int { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

inline std::atomic<int>& threshold() {
  static std::atomic<int> value{static_cast<int>(level::info)};
  return value;
}

inline void set_level(level l) {
  threshold() = static_cast<int>(l);
}

/// Parses "debug", "info", "warn", "error" or "off"; false if unknown.
inline bool parse_level(std::string_view text, level& out) {
  constexpr std::pair<std::string_view, level> names[] = {{"debug", level::debug},
                                                          {"info", level::info},
                                                          {"warn", level::warn},
                                                          {"error", level::error},
                                                          {"off", level::off}};
  for (auto& [name, l] : names)
    if (name == text) {
      out = l;
      return true;
    }
  return false;
}

inline bool enabled(level l) {
  return static_cast<int>(l) >= threshold().load();
}

inline std::string_view label(level l) {
  switch (l) {
  case level::debug:
    return "DEBUG";
  case level::info:
    return "INFO";
  case level::warn:
    return "WARN";
  case level::error:
    return "ERROR";
  case level::off:
    break;
  }
  return "";
}

/// A value that came from the network, made safe for one log line: control
/// characters and backslashes escaped, cut after 200 bytes (a forged newline
/// must not forge a log line).
inline std::string printable(std::string_view s) {
  constexpr size_t max_bytes = 200;
  std::string out;
  out.reserve(std::min(s.size(), max_bytes) + 8);
  for (size_t i = 0; i < s.size() && i < max_bytes; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == '\\')
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
    else
      out.push_back(static_cast<char>(c));
  }
  if (s.size() > max_bytes)
    out += "...";
  return out;
}

template <class... Ts>
void write(level l, std::string_view component, fmt::format_string<Ts...> format, Ts&&... xs) {
  if (!enabled(l))
    return;
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  fmt::memory_buffer buf;
  fmt::format_to(std::back_inserter(buf), "{:%Y-%m-%dT%H:%M:%S}.{:03d}Z {:5} [{}] ",
                 fmt::gmtime(std::chrono::system_clock::to_time_t(now)), ms.count(), label(l),
                 component);
  fmt::format_to(std::back_inserter(buf), format, std::forward<Ts>(xs)...);
  buf.push_back('\n');
  std::fwrite(buf.data(), 1, buf.size(), stderr); // one write: atomic per line
}

template <class... Ts>
void debug(std::string_view c, fmt::format_string<Ts...> f, Ts&&... xs) {
  write(level::debug, c, f, std::forward<Ts>(xs)...);
}
template <class... Ts>
void info(std::string_view c, fmt::format_string<Ts...> f, Ts&&... xs) {
  write(level::info, c, f, std::forward<Ts>(xs)...);
}
template <class... Ts>
void warn(std::string_view c, fmt::format_string<Ts...> f, Ts&&... xs) {
  write(level::warn, c, f, std::forward<Ts>(xs)...);
}
template <class... Ts>
void error(std::string_view c, fmt::format_string<Ts...> f, Ts&&... xs) {
  write(level::error, c, f, std::forward<Ts>(xs)...);
}

} // namespace eureka::log
