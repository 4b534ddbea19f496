// common/log.hpp: what a value from the network may put in a log line
// (issue 6 item 11), the deferred form log::esc, one call = one line, and
// the JSON style (logging.format=json): every line one valid JSON object.
#define BOOST_TEST_MODULE log_test
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <simdjson.h>

#include "common/log.hpp"

using namespace eureka;
using log::printable;

namespace {

std::string line_of(std::string_view value_as_is, std::string_view value_escaped) {
  fmt::memory_buffer buf;
  log::format_line(buf, {}, log::level::info, "test", "raw={} escaped={}", value_as_is,
                   log::esc(value_escaped));
  return fmt::to_string(buf);
}

/// Counts how often it is formatted.
struct probe {
  int* formatted;
};

} // namespace

template <>
struct fmt::formatter<probe> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  template <class FormatContext>
  auto format(const probe& p, FormatContext& ctx) const {
    ++*p.formatted;
    return ctx.out();
  }
};

BOOST_AUTO_TEST_SUITE(printable_text)

BOOST_AUTO_TEST_CASE(printable_utf8_stays_readable) {
  BOOST_TEST(printable("") == "");
  BOOST_TEST(printable("GET /eureka/apps?x=1 ~!@#$%^&*()") == "GET /eureka/apps?x=1 ~!@#$%^&*()");
  BOOST_TEST(printable("Z\xC3\xBCrich") == "Z\xC3\xBCrich");                       // Zürich
  BOOST_TEST(printable("\xE6\x9D\xB1\xE4\xBA\xAC") == "\xE6\x9D\xB1\xE4\xBA\xAC"); // 東京
  BOOST_TEST(printable("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");                 // U+1F600
  BOOST_TEST(printable("\xC2\xA0\xC2\xA1") == "\xC2\xA0\xC2\xA1");                 // past C1
  BOOST_TEST(printable("\xE2\x80\xA7\xE2\x80\xAF") == "\xE2\x80\xA7\xE2\x80\xAF"); // U+2027, U+202F
  BOOST_TEST(printable("\xE2\x81\xA5\xE2\x81\xAA") == "\xE2\x81\xA5\xE2\x81\xAA"); // U+2065, U+206A
  BOOST_TEST(printable("\xF4\x8F\xBF\xBF") == "\xF4\x8F\xBF\xBF");                 // U+10FFFF
}

BOOST_AUTO_TEST_CASE(ascii_controls_del_and_backslash) {
  BOOST_TEST(printable("a\nb") == "a\\x0ab");
  BOOST_TEST(printable("a\r\n") == "a\\x0d\\x0a");
  BOOST_TEST(printable("\t\x1b[2J") == "\\x09\\x1b[2J");
  BOOST_TEST(printable(std::string_view("n\0ul", 4)) == "n\\x00ul");
  BOOST_TEST(printable("\x7f") == "\\x7f");
  // A backslash is escaped too, so an escape in the log is always one.
  BOOST_TEST(printable("\\") == "\\x5c");
  BOOST_TEST(printable("\\x0a") == "\\x5cx0a");
  BOOST_TEST(printable("\\x0a") != printable("\n"));
}

BOOST_AUTO_TEST_CASE(c1_controls) {
  BOOST_TEST(printable("\xC2\x80") == "\\u{0080}");
  BOOST_TEST(printable("\xC2\x85") == "\\u{0085}"); // NEL
  BOOST_TEST(printable("a\xC2\x9B"
                       "31m")
             == "a\\u{009B}31m"); // CSI
  BOOST_TEST(printable("\xC2\x9F") == "\\u{009F}");
}

BOOST_AUTO_TEST_CASE(bidi_controls_and_separators) {
  struct item {
    const char* utf8;
    const char* escaped;
  };
  const item items[] = {
      {"\xD8\x9C", "\\u{061C}"},     {"\xE2\x80\x8E", "\\u{200E}"}, {"\xE2\x80\x8F", "\\u{200F}"},
      {"\xE2\x80\xAA", "\\u{202A}"}, {"\xE2\x80\xAB", "\\u{202B}"}, {"\xE2\x80\xAC", "\\u{202C}"},
      {"\xE2\x80\xAD", "\\u{202D}"}, {"\xE2\x80\xAE", "\\u{202E}"}, {"\xE2\x81\xA6", "\\u{2066}"},
      {"\xE2\x81\xA7", "\\u{2067}"}, {"\xE2\x81\xA8", "\\u{2068}"}, {"\xE2\x81\xA9", "\\u{2069}"},
      {"\xE2\x80\xA8", "\\u{2028}"}, {"\xE2\x80\xA9", "\\u{2029}"},
  };
  for (const auto& x : items)
    BOOST_TEST(printable(std::string("id") + x.utf8 + "gpj.exe")
               == std::string("id") + x.escaped + "gpj.exe");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_byte_by_byte) {
  BOOST_TEST(printable("\x80") == "\\x80"); // stray continuation
  BOOST_TEST(printable("a\xBF"
                       "b")
             == "a\\xbfb");
  BOOST_TEST(printable("\xC0\xAF") == "\\xc0\\xaf"); // overlong '/'
  BOOST_TEST(printable("\xC1\xBF") == "\\xc1\\xbf");
  BOOST_TEST(printable("\xE0\x80\xAF") == "\\xe0\\x80\\xaf");          // overlong, 3 bytes
  BOOST_TEST(printable("\xF0\x80\x80\xAF") == "\\xf0\\x80\\x80\\xaf"); // overlong, 4 bytes
  BOOST_TEST(printable("\xED\xA0\x80") == "\\xed\\xa0\\x80");          // U+D800
  BOOST_TEST(printable("\xED\xBF\xBF") == "\\xed\\xbf\\xbf");          // U+DFFF
  BOOST_TEST(printable("\xF4\x90\x80\x80") == "\\xf4\\x90\\x80\\x80"); // U+110000
  BOOST_TEST(printable("\xF5\x80\x80\x80") == "\\xf5\\x80\\x80\\x80");
  BOOST_TEST(printable("\xFE\xFF") == "\\xfe\\xff");
  BOOST_TEST(printable("\xE2\x82") == "\\xe2\\x82"); // truncated at the end
  BOOST_TEST(printable("\xE2\x82"
                       "A")
             == "\\xe2\\x82A"); // cut by ASCII
  BOOST_TEST(printable("\xF0\x9F\x98") == "\\xf0\\x9f\\x98");
  BOOST_TEST(printable("\xC2\xC2\x85") == "\\xc2\\u{0085}"); // a new lead resyncs
  // A C1 control hidden behind a lead byte is still caught.
  BOOST_TEST(printable("\xE2\xC2\x9B") == "\\xe2\\u{009B}");
}

BOOST_AUTO_TEST_CASE(capped_at_200_bytes_never_inside_a_character) {
  std::string a200(200, 'a');
  BOOST_TEST(printable(a200) == a200);
  BOOST_TEST(printable(a200 + "b") == a200 + "...(+1 bytes)");
  // A 2-byte character across the limit is left out whole.
  BOOST_TEST(printable(std::string(199, 'a') + "\xC3\xBC" + "z")
             == std::string(199, 'a') + "...(+3 bytes)");
  // A 4-byte one ending exactly on the limit is kept.
  BOOST_TEST(printable(std::string(196, 'a') + "\xF0\x9F\x98\x80" + "z")
             == std::string(196, 'a') + "\xF0\x9F\x98\x80...(+1 bytes)");
  std::string e3;
  for (int i = 0; i < 100; ++i)
    e3 += "\xE6\x9D\xB1"; // 300 bytes: 66 whole characters fit
  auto shown = printable(e3);
  BOOST_TEST(shown == e3.substr(0, 198) + "...(+102 bytes)");
  // Escapes count the input bytes they stand for, so the output stays bounded.
  BOOST_TEST(printable(std::string(1000, '\n')) == [] {
    std::string s;
    for (int i = 0; i < 200; ++i)
      s += "\\x0a";
    return s + "...(+800 bytes)";
  }());
  std::string huge(1 << 20, '\xC2');
  BOOST_TEST(printable(huge).size() == 200u * 4 + std::string("...(+1048376 bytes)").size());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(log_lines)

BOOST_AUTO_TEST_CASE(esc_formats_as_printable) {
  for (std::string_view s : {"plain", "a\nb", "\xC2\x9B", "\xE2\x80\xAE", "\xFF", "\\"})
    BOOST_TEST(fmt::format("{}", log::esc(s)) == printable(s));
  std::string long_value(500, 'x');
  BOOST_TEST(fmt::format("<{}>", log::esc(long_value)) == "<" + printable(long_value) + ">");
}

BOOST_AUTO_TEST_CASE(esc_is_a_view_that_escapes_nothing_itself) {
  static_assert(std::is_trivially_copyable_v<log::escaped>);
  static_assert(sizeof(log::escaped) == sizeof(std::string_view));
  std::string value = "a\nb";
  auto e = log::esc(value);
  BOOST_TEST(e.value.data() == value.data());
}

BOOST_AUTO_TEST_CASE(disabled_lines_format_nothing) {
  log::set_level(log::level::info);
  int formatted = 0;
  log::debug("test", "{}", probe{&formatted});
  BOOST_TEST(formatted == 0);
  log::set_level(log::level::off);
  log::error("test", "{}", probe{&formatted});
  BOOST_TEST(formatted == 0);
  fmt::memory_buffer buf;
  log::format_line(buf, {}, log::level::debug, "test", "{}", probe{&formatted});
  BOOST_TEST(formatted == 1);
  log::set_level(log::level::info);
}

BOOST_AUTO_TEST_CASE(a_forged_newline_cannot_start_a_line) {
  std::string forged = "x\n1970-01-01T00:00:00.000Z INFO  [registry] registered EVIL/i1";
  auto line = line_of("ok", forged);
  BOOST_TEST(line.find('\n') == line.size() - 1);
  BOOST_TEST(line.find("escaped=x\\x0a1970") != std::string::npos);
  for (std::string_view sep : {"\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\x0b", "\x0c"}) {
    line = line_of("ok", "x" + std::string(sep) + "forged");
    BOOST_TEST(line.find(sep) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(values_logged_without_esc_are_still_one_clean_line) {
  auto line = line_of("a\nb\xE2\x80\xAE\xC2\x9B\xFF\\", "\\");
  BOOST_TEST(line.find('\n') == line.size() - 1);
  BOOST_TEST(line.find("raw=a\\x0ab\\u{202E}\\u{009B}\\xff\\ ") != std::string::npos);
  // What printable() wrote passes the safety net unchanged (no double escape).
  BOOST_TEST(line.find("escaped=\\x5c\n") != std::string::npos);
  BOOST_TEST(line.rfind("1970-01-01T00:00:00.000Z INFO  [test] raw=", 0) == 0);
}

// Refusals any client can cause are logged once per period, then counted.
BOOST_AUTO_TEST_CASE(warning_bursts_log_the_first_and_count_the_rest) {
  log::warning_burst burst;
  BOOST_TEST(burst.flush() == 0u);
  BOOST_TEST(burst.note());
  BOOST_TEST(!burst.note());
  BOOST_TEST(!burst.note());
  BOOST_TEST(burst.flush() == 2u);
  BOOST_TEST(burst.note()); // a new period
  BOOST_TEST(burst.flush() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// logging.format=json: whatever is logged, each call writes one line that a
// strict JSON parser (simdjson validates UTF-8) reads as one object with
// exactly ts, level, logger and msg, msg being the text line's message.
BOOST_AUTO_TEST_SUITE(json_lines)

namespace {

/// Sets the style for one test and restores text afterwards.
struct json_style {
  json_style() { log::set_style(log::style::json); }
  ~json_style() { log::set_style(log::style::text); }
};

std::string text_message(std::string_view raw, std::string_view escaped) {
  fmt::memory_buffer buf;
  log::format_line(buf, {}, log::level::info, "test", "raw={} escaped={}", raw, log::esc(escaped));
  std::string line = fmt::to_string(buf);
  constexpr std::string_view prefix = "1970-01-01T00:00:00.000Z INFO  [test] ";
  BOOST_REQUIRE(line.rfind(prefix, 0) == 0);
  return line.substr(prefix.size(), line.size() - prefix.size() - 1);
}

struct parsed_line {
  std::string ts, level, logger, msg;
  std::vector<std::string> keys;
};

/// Checks `line` is one JSON object and one line, and returns its fields.
parsed_line parse_json_line(const std::string& line) {
  BOOST_REQUIRE(!line.empty());
  BOOST_REQUIRE(line.back() == '\n');
  BOOST_REQUIRE(line.find('\n') == line.size() - 1);
  BOOST_REQUIRE(line.find('\r') == std::string::npos);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  auto err = parser.parse(line).get(doc);
  BOOST_REQUIRE_MESSAGE(!err, "not JSON (" << simdjson::error_message(err) << "): " << line);
  simdjson::dom::object obj;
  BOOST_REQUIRE(!doc.get(obj));
  parsed_line out;
  for (auto field : obj) {
    out.keys.emplace_back(field.key);
    std::string_view value;
    BOOST_REQUIRE(!field.value.get(value));
    if (field.key == "ts")
      out.ts = std::string(value);
    else if (field.key == "level")
      out.level = std::string(value);
    else if (field.key == "logger")
      out.logger = std::string(value);
    else if (field.key == "msg")
      out.msg = std::string(value);
  }
  return out;
}

std::string json_line(std::string_view raw, std::string_view escaped,
                      log::level l = log::level::info) {
  json_style json;
  fmt::memory_buffer buf;
  log::format_line(buf, {}, l, "test", "raw={} escaped={}", raw, log::esc(escaped));
  return fmt::to_string(buf);
}

/// The JSON line of (raw, escaped) parses and carries the text line's message.
void check_hostile(std::string_view raw, std::string_view escaped) {
  auto line = json_line(raw, escaped);
  auto parsed = parse_json_line(line);
  BOOST_TEST((parsed.keys == std::vector<std::string>{"ts", "level", "logger", "msg"}));
  BOOST_TEST(parsed.msg == text_message(raw, escaped));
}

} // namespace

BOOST_AUTO_TEST_CASE(parse_style_names) {
  log::style s = log::style::json;
  BOOST_TEST(log::parse_style("text", s));
  BOOST_TEST((s == log::style::text));
  BOOST_TEST(log::parse_style("json", s));
  BOOST_TEST((s == log::style::json));
  BOOST_TEST(!log::parse_style("JSON", s));
  BOOST_TEST(!log::parse_style("", s));
  BOOST_TEST(!log::parse_style("xml", s));
}

BOOST_AUTO_TEST_CASE(the_documented_shape) {
  json_style json;
  fmt::memory_buffer buf;
  std::chrono::system_clock::time_point t{std::chrono::milliseconds{1796238000123}};
  log::format_line(buf, t, log::level::warn, "gateway", "refused {}", log::esc("a\"b"));
  BOOST_TEST(fmt::to_string(buf)
             == R"({"ts":"2026-12-02T19:00:00.123Z","level":"warn","logger":"gateway",)"
                R"("msg":"refused a\"b"})"
                "\n");
  for (auto [l, name] :
       {std::pair{log::level::debug, "debug"}, std::pair{log::level::info, "info"},
        std::pair{log::level::warn, "warn"}, std::pair{log::level::error, "error"}})
    BOOST_TEST(parse_json_line(json_line("", "", l)).level == name);
  BOOST_TEST(parse_json_line(json_line("", "")).ts == "1970-01-01T00:00:00.000Z");
  BOOST_TEST(parse_json_line(json_line("", "")).logger == "test");
}

BOOST_AUTO_TEST_CASE(quotes_backslashes_and_forged_fields) {
  check_hostile("\"", "\"");
  check_hostile("\\", "\\");
  check_hostile("\\\"", "\\\"");
  check_hostile("\"}\n{\"ts\":\"x\",\"level\":\"error\"", "\"}\n{\"level\":\"error\"");
  check_hostile(R"(","level":"error","msg":")", R"(","level":"error","msg":")");
  check_hostile("\\u0000\\ud800", "\\u0000\\ud800"); // JSON escapes as text stay text
  // A forged second object never starts a line of its own.
  auto line = json_line("x\n{\"level\":\"error\"}", "ok");
  BOOST_TEST(line.find('\n') == line.size() - 1);
  BOOST_TEST(parse_json_line(line).level == "info");
}

BOOST_AUTO_TEST_CASE(every_single_byte) {
  for (int b = 0; b < 256; ++b) {
    std::string one(1, static_cast<char>(b));
    check_hostile(one, one);
    check_hostile("a" + one + "b", "a" + one + "b");
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_controls_bidi_and_separators) {
  for (std::string_view s :
       {std::string_view("n\0ul", 4), std::string_view("\xC0\xAF"),
        std::string_view("\xED\xA0\x80"), std::string_view("\xF4\x90\x80\x80"),
        std::string_view("\xE2\x82"), std::string_view("\xF0\x9F\x98"),
        std::string_view("\xC2\x85\xC2\x9B"),
        std::string_view("\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xAE"), std::string_view("\x1b[2J\x7f"),
        std::string_view("Z\xC3\xBCrich \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80")})
    check_hostile(s, s);
  // Valid non-ASCII text stays readable in the JSON string.
  BOOST_TEST(parse_json_line(json_line("Z\xC3\xBCrich", "")).msg == "raw=Z\xC3\xBCrich escaped=");
  // Values cut by printable() still make a whole object.
  std::string long_value(1000, '"');
  check_hostile(long_value, long_value);
  std::string huge(1 << 16, '\xC2');
  check_hostile(huge, huge);
}

BOOST_AUTO_TEST_CASE(random_bytes_always_make_one_json_line) {
  std::mt19937 rng{20261202}; // fixed seed: the same inputs every run
  std::uniform_int_distribution<int> length(0, 48), byte(0, 255), pick(0, 9);
  // Biased towards the bytes that matter: quotes, backslashes, controls and
  // UTF-8 lead and continuation bytes.
  const unsigned char interesting[] = {'"', '\\', '\n', '\r', 0, 0x1f, 0x7f, 0x80, 0xC2, 0xE2};
  for (int round = 0; round < 3000; ++round) {
    std::string raw, escaped;
    for (auto* s : {&raw, &escaped})
      for (int n = length(rng); n > 0; --n)
        *s += static_cast<char>(pick(rng) < 4 ? interesting[pick(rng)] : byte(rng));
    check_hostile(raw, escaped);
  }
}

BOOST_AUTO_TEST_CASE(text_stays_the_default) {
  BOOST_TEST((static_cast<log::style>(log::current_style().load()) == log::style::text));
  BOOST_TEST(text_message("a", "b") == "raw=a escaped=b");
}

BOOST_AUTO_TEST_SUITE_END()
