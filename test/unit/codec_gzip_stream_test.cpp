// The stitched gzip member (codec/gzip_stream): whatever the number and
// sizes of segments, it inflates to exactly the bytes one-shot gzip of the
// concatenation inflates to, with a correct CRC-32 and length (zlib checks
// both, so a wrong combine fails to inflate).
#define BOOST_TEST_MODULE codec_gzip_stream
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include "codec/gzip.hpp"
#include "codec/gzip_stream.hpp"

using namespace eureka::codec;

namespace {

/// header · segments · tail, as the directory sends it.
std::string stitch(const std::vector<std::string>& pieces) {
  std::string out{gzip_member_header()};
  gzip_member_tail tail;
  for (const auto& p : pieces) {
    auto s = deflate_alone(p);
    BOOST_TEST(s.plain_size == p.size());
    tail.add(s);
    out += s.deflated;
  }
  out += tail.finish();
  return out;
}

std::string inflate(const std::string& member) {
  std::string out;
  BOOST_REQUIRE_MESSAGE(gzip_decompress(member, out, 1u << 30), "the member does not inflate");
  return out;
}

/// Something shaped like registry JSON, compressible but not trivially.
std::string application_like(std::mt19937& rng, size_t instances) {
  std::string out = "{\"name\":\"APP-" + std::to_string(rng() % 1000) + "\",\"instance\":[";
  for (size_t i = 0; i < instances; ++i) {
    if (i > 0)
      out += ',';
    out += "{\"instanceId\":\"host-" + std::to_string(rng()) + ":app:8080\",\"status\":\"UP\"}";
  }
  return out + "]}";
}

std::string concat(const std::vector<std::string>& pieces) {
  std::string out;
  for (const auto& p : pieces)
    out += p;
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_application_count_inflates_to_the_one_shot_bytes) {
  std::mt19937 rng{42};
  for (size_t apps : {0u, 1u, 2u, 3u, 10u, 100u}) {
    // Framing as the full registry has it: prefix, parts with separators, suffix.
    std::vector<std::string> pieces{"{\"applications\":{\"application\":["};
    for (size_t i = 0; i < apps; ++i) {
      if (i > 0)
        pieces.emplace_back(",");
      pieces.push_back(application_like(rng, 1 + rng() % 20));
    }
    pieces.emplace_back("]}}");
    auto expected = concat(pieces);
    BOOST_TEST(inflate(stitch(pieces)) == expected, apps << " applications");
    BOOST_TEST(inflate(gzip_compress(expected)) == expected);
  }
}

BOOST_AUTO_TEST_CASE(no_segment_at_all_is_a_valid_empty_member) {
  BOOST_TEST(inflate(stitch({})).empty());
}

BOOST_AUTO_TEST_CASE(empty_segments_are_harmless) {
  BOOST_TEST(inflate(stitch({"", "abc", "", "", "def", ""})) == "abcdef");
}

BOOST_AUTO_TEST_CASE(segments_larger_than_the_window_and_the_scratch_keep) {
  // 64 KB window, and a segment beyond the 4 MB scratch the thread keeps.
  std::mt19937 rng{7};
  std::string big;
  while (big.size() < 5 * 1024 * 1024)
    big += application_like(rng, 50);
  std::vector<std::string> pieces{"[", big, ",", big.substr(0, 70000), "]"};
  BOOST_TEST(inflate(stitch(pieces)) == concat(pieces));
  // The compressor is reused after the scratch was released.
  BOOST_TEST(inflate(stitch({"x", "yz"})) == "xyz");
}

BOOST_AUTO_TEST_CASE(a_segment_stands_alone_so_its_bytes_are_reusable_anywhere) {
  auto a = deflate_alone("hello hello hello ");
  auto b = deflate_alone("world");
  for (int order = 0; order < 2; ++order) {
    std::string out{gzip_member_header()};
    gzip_member_tail tail;
    const auto& first = order == 0 ? a : b;
    const auto& second = order == 0 ? b : a;
    out += first.deflated;
    tail.add(first);
    out += second.deflated;
    tail.add(second);
    out += tail.finish();
    BOOST_TEST(inflate(out)
               == (order == 0 ? std::string{"hello hello hello world"}
                              : std::string{"worldhello hello hello "}));
  }
}

BOOST_AUTO_TEST_CASE(the_tail_carries_the_combined_crc_and_length) {
  auto a = deflate_alone("abc");
  auto b = deflate_alone("defgh");
  gzip_member_tail tail;
  tail.add(a);
  tail.add(b);
  auto end = tail.finish();
  BOOST_REQUIRE(end.size() == 10u);
  auto le32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
      v = (v << 8) | static_cast<unsigned char>(end[at + i]);
    return v;
  };
  std::string all = "abcdefgh";
  auto crc = crc32(0L, reinterpret_cast<const Bytef*>(all.data()), 8);
  BOOST_TEST(le32(2) == static_cast<uint32_t>(crc));
  BOOST_TEST(le32(6) == 8u);
  BOOST_TEST(tail.plain_size() == 8u);
}
