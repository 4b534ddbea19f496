// One-line structured logging for the node (Debian's CAF has its own logging
// compiled out). Each call writes one whole line to stderr, so lines from
// different threads never interleave: plain text by default, or one JSON
// object per line for log shippers (logging.format=json).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/text.hpp"
#include "common/utf8.hpp"

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

/// How a line is written: `text` (timestamp, level, [component], message) or
/// `json`, one object per line: {"ts":..., "level":..., "logger":..., "msg":...}.
enum class style : int { text = 0, json = 1 };

inline std::atomic<int>& current_style() {
  static std::atomic<int> value{static_cast<int>(style::text)};
  return value;
}

inline void set_style(style s) {
  current_style() = static_cast<int>(s);
}

/// Parses "text" or "json"; false if unknown.
inline bool parse_style(std::string_view text, style& out) {
  if (text == "text")
    out = style::text;
  else if (text == "json")
    out = style::json;
  else
    return false;
  return true;
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

namespace detail {

/// Code points that must not reach a log line raw, even though they are valid
/// UTF-8: C0 controls and DEL (a forged newline forges a log line; ESC drives
/// terminals), C1 controls U+0080-U+009F (U+009B is a one-character CSI, U+0085
/// a newline to some viewers), the Unicode Bidi_Control characters (U+061C,
/// U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder what a reader
/// sees) and the line and paragraph separators U+2028, U+2029.
constexpr bool is_unsafe_code_point(char32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F
         || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028
         || cp == 0x2029;
}

/// The escaping behind printable() (which see), appended to `out`; with
/// `max_bytes`, stops before the first character that would take more than
/// that many bytes of `s` and returns where it stopped.
template <class Out>
size_t append_escaped(Out& out, std::string_view s, bool escape_backslash,
                      size_t max_bytes = std::string_view::npos) {
  constexpr char hex[] = "0123456789abcdef";
  size_t i = 0;
  size_t run = 0; // start of the pending verbatim run
  auto flush = [&](size_t end) { out.append(s.data() + run, s.data() + end); };
  while (i < s.size()) {
    char32_t cp = 0;
    auto len = utf8::decode(s, i, cp);
    auto step = len == 0 ? size_t{1} : len;
    if (step > max_bytes || i > max_bytes - step)
      break;
    if (len == 1 && cp >= 0x20 && cp < 0x7F && (cp != '\\' || !escape_backslash)) {
      ++i; // printable ASCII, the common case
      continue;
    }
    if (len > 1 && !is_unsafe_code_point(cp)) {
      i += len;
      continue;
    }
    flush(i);
    if (len <= 1) { // ASCII control or backslash, or a byte that is not UTF-8
      auto b = static_cast<unsigned char>(s[i]);
      const char code[] = {'\\', 'x', hex[b >> 4], hex[b & 0xF]};
      out.append(code, code + sizeof code);
    } else {
      fmt::format_to(std::back_inserter(out), "\\u{{{:04X}}}", static_cast<uint32_t>(cp));
    }
    i += step;
    run = i;
  }
  flush(i);
  return i;
}

/// Writes what append_escaped() produces as JSON string content. That text
/// is well-formed UTF-8 free of control characters (every other byte became
/// `\xNN` or `\u{XXXX}`), so a quote and a backslash are all JSON still needs
/// escaped: the string decodes to exactly the text line's message.
struct json_string_sink {
  using value_type = char;
  fmt::memory_buffer& buf;

  void push_back(char c) {
    if (c == '"' || c == '\\')
      buf.push_back('\\');
    buf.push_back(c);
  }

  void append(const char* first, const char* last) {
    for (; first != last; ++first)
      push_back(*first);
  }
};

} // namespace detail

/// A value that came from the network, made safe and unambiguous for one log
/// line. Escapes, so that what is logged reads back as exactly one value:
/// - `\xNN` (two lower-case hex digits) for each byte that is an ASCII control
///   character (a newline is `\x0a`), DEL, a backslash, or not part of
///   well-formed UTF-8 (stray continuation bytes, truncated sequences,
///   overlong forms, surrogates, anything above U+10FFFF);
/// - `\u{XXXX}` (upper-case hex) for C1 controls, bidi controls and the
///   line/paragraph separators (detail::is_unsafe_code_point);
/// - everything else, including non-ASCII text such as "Zürich", verbatim.
/// Shows at most the first 200 bytes of `s`, never cutting a UTF-8 sequence;
/// a longer value ends with `...(+N bytes)`, N being the bytes left out.
/// See esc() to escape only when the line is written.
inline std::string printable(std::string_view s) {
  constexpr size_t max_bytes = 200;
  std::string out;
  out.reserve(std::min(s.size(), max_bytes) + 16);
  auto shown = detail::append_escaped(out, s, true, max_bytes);
  if (shown < s.size())
    fmt::format_to(std::back_inserter(out), "...(+{} bytes)", s.size() - shown);
  return out;
}

/// printable(), deferred: `log::debug("gw", "target {}", log::esc(target))`
/// escapes only if the line is actually written. Holds a view: use it inside
/// the log call, never store it.
struct escaped {
  std::string_view value;
};

constexpr escaped esc(std::string_view s) {
  return escaped{s};
}

/// Appends the line write() emits at `now` in the current style(), newline
/// included. The message is escaped once more as a safety net for values
/// logged without printable() or esc(): whatever they hold, one call makes
/// exactly one line, free of control and bidi characters. (Backslashes are
/// left alone, so what printable() wrote passes unchanged.) In the JSON
/// style the same text is the "msg" string, so every line is one valid JSON
/// object whatever was logged.
template <class... Ts>
void format_line(fmt::memory_buffer& buf, std::chrono::system_clock::time_point now, level l,
                 std::string_view component, fmt::format_string<Ts...> format, Ts&&... xs) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  auto tm = fmt::gmtime(std::chrono::system_clock::to_time_t(now));
  fmt::memory_buffer msg;
  fmt::format_to(std::back_inserter(msg), format, std::forward<Ts>(xs)...);
  std::string_view message(msg.data(), msg.size());
  if (static_cast<style>(current_style().load()) == style::json) {
    fmt::format_to(std::back_inserter(buf),
                   R"({{"ts":"{:%Y-%m-%dT%H:%M:%S}.{:03d}Z","level":"{}","logger":")", tm,
                   ms.count(), text::to_lower(label(l)));
    detail::json_string_sink sink{buf};
    detail::append_escaped(sink, component, false); // a literal today; made safe all the same
    constexpr std::string_view between = R"(","msg":")", end = "\"}\n";
    buf.append(between.data(), between.data() + between.size());
    detail::append_escaped(sink, message, false);
    buf.append(end.data(), end.data() + end.size());
    return;
  }
  fmt::format_to(std::back_inserter(buf), "{:%Y-%m-%dT%H:%M:%S}.{:03d}Z {:5} [{}] ", tm, ms.count(),
                 label(l), component);
  detail::append_escaped(buf, message, false);
  buf.push_back('\n');
}

template <class... Ts>
void write(level l, std::string_view component, fmt::format_string<Ts...> format, Ts&&... xs) {
  if (!enabled(l))
    return; // before any formatting: esc() arguments are never escaped for nothing
  fmt::memory_buffer buf;
  format_line(buf, std::chrono::system_clock::now(), l, component, format, std::forward<Ts>(xs)...);
  std::fwrite(buf.data(), 1, buf.size(), stderr); // one write: atomic per line
}

/// Warnings any client can cause (a refused request), kept from flooding
/// the log: the first of each period is logged in full, the rest are only
/// counted, and a timer reports the count with flush().
class warning_burst {
public:
  /// Whether this occurrence is to be logged in full.
  bool note() { return count_++ == 0; }

  /// Occurrences since the last flush that were not logged; starts a new
  /// period.
  uint64_t flush() {
    auto unlogged = count_ > 1 ? count_ - 1 : 0;
    count_ = 0;
    return unlogged;
  }

private:
  uint64_t count_ = 0;
};

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

/// Formats log::esc(v) as log::printable(v): runs only when the line is written.
template <>
struct fmt::formatter<eureka::log::escaped> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }

  template <class FormatContext>
  auto format(const eureka::log::escaped& e, FormatContext& ctx) const {
    auto text = eureka::log::printable(e.value);
    return std::copy(text.begin(), text.end(), ctx.out());
  }
};
