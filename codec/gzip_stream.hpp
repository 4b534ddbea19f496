// One gzip member stitched from independently deflated segments (RFC 1951,
// RFC 1952), so that a registry document of many applications is compressed
// one application at a time: after a change only the changed application's
// segment is deflated again, and every other segment is reused as it is.
//
// Each segment is a raw deflate stream of its own bytes, ended by a sync
// flush (an empty stored block) instead of a final block, so it ends on a
// byte boundary and refers to nothing before it: segments concatenate into
// one valid deflate stream. The member is then
//   header · segment · segment · … · final empty block · CRC-32 · ISIZE
// with the CRC-32 of the whole combined from the segments' own CRCs
// (zlib's crc32_combine), never recomputed over the plain bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace eureka::codec {

/// `plain` deflated on its own, ready to be placed anywhere in a member.
struct deflate_segment {
  std::string deflated;
  /// CRC-32 and length of the plain bytes.
  uint32_t crc = 0;
  uint64_t plain_size = 0;
};

using deflate_segment_ptr = std::shared_ptr<const deflate_segment>;

/// Deflates `plain` as a segment (zlib's default level). The compressor's
/// state is kept per thread and reset between calls, and the result holds
/// exactly the compressed bytes (no deflateBound-sized slack).
deflate_segment deflate_alone(std::string_view plain);

/// The 10-byte member header (no name, no time, OS unknown).
std::string_view gzip_member_header();

/// Accumulates the CRC-32 and length of the plain bytes of consecutive
/// segments, and writes the member's end.
class gzip_member_tail {
public:
  void add(const deflate_segment& s);

  /// The final (empty) block, then CRC-32 and ISIZE (length mod 2^32),
  /// little-endian.
  std::string finish() const;

  uint64_t plain_size() const { return size_; }

private:
  uint32_t crc_ = 0;
  uint64_t size_ = 0;
};

} // namespace eureka::codec
