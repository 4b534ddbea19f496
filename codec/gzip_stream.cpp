#include "codec/gzip_stream.hpp"

#include <new>
#include <stdexcept>
#include <vector>

#include <zlib.h>

namespace eureka::codec {

namespace {

/// A raw-deflate compressor kept per thread: deflateInit2 allocates about
/// 256 KB and clears its hash table, which for a registry of a thousand
/// applications would cost more than compressing them.
class thread_deflater {
public:
  thread_deflater() {
    if (deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::bad_alloc();
  }

  thread_deflater(const thread_deflater&) = delete;
  thread_deflater& operator=(const thread_deflater&) = delete;

  ~thread_deflater() { deflateEnd(&zs_); }

  std::string deflate_sync(std::string_view plain) {
    if (deflateReset(&zs_) != Z_OK)
      throw std::runtime_error("gzip: deflateReset failed");
    // deflateBound covers a finished stream; the sync flush's empty stored
    // block adds at most 5 bytes beyond what it counts for the last block.
    auto bound = deflateBound(&zs_, static_cast<uLong>(plain.size())) + 16;
    if (scratch_.size() < bound)
      scratch_.resize(bound);
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs_.avail_in = static_cast<uInt>(plain.size());
    zs_.next_out = reinterpret_cast<Bytef*>(scratch_.data());
    zs_.avail_out = static_cast<uInt>(bound);
    auto rc = deflate(&zs_, Z_SYNC_FLUSH);
    if (rc != Z_OK || zs_.avail_in != 0 || zs_.avail_out == 0)
      throw std::runtime_error("gzip: deflate did not take the whole segment");
    std::string out(scratch_.data(), bound - zs_.avail_out);
    // A huge segment's scratch is not kept for the thread's lifetime.
    if (scratch_.size() > keep_scratch_bytes)
      std::vector<char>{}.swap(scratch_);
    return out;
  }

private:
  static constexpr size_t keep_scratch_bytes = 4 * 1024 * 1024;
  z_stream zs_{};
  std::vector<char> scratch_;
};

void put_le32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    out += static_cast<char>((v >> (8 * i)) & 0xff);
}

} // namespace

deflate_segment deflate_alone(std::string_view plain) {
  thread_local thread_deflater deflater;
  deflate_segment out;
  out.deflated = deflater.deflate_sync(plain);
  out.crc = static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(plain.data()), static_cast<uInt>(plain.size())));
  out.plain_size = plain.size();
  return out;
}

std::string_view gzip_member_header() {
  // ID1 ID2, CM=8 (deflate), FLG=0, MTIME=0, XFL=0, OS=255 (unknown).
  static constexpr char header[] = {'\x1f', '\x8b', '\x08', '\x00', '\x00',
                                    '\x00', '\x00', '\x00', '\x00', '\xff'};
  return {header, sizeof(header)};
}

void gzip_member_tail::add(const deflate_segment& s) {
  crc_ = static_cast<uint32_t>(crc32_combine(crc_, s.crc, static_cast<z_off_t>(s.plain_size)));
  size_ += s.plain_size;
}

std::string gzip_member_tail::finish() const {
  // A final block of fixed Huffman codes holding only end-of-block:
  // BFINAL=1, BTYPE=01, code 0000000, padded to the byte: 0x03 0x00.
  std::string out{"\x03\x00", 2};
  put_le32(out, crc_);
  put_le32(out, static_cast<uint32_t>(size_ & 0xffffffffu));
  return out;
}

} // namespace eureka::codec
