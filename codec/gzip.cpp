#include "codec/gzip.hpp"

#include <new>
#include <stdexcept>

#include <zlib.h>

namespace eureka::codec {

namespace {
constexpr int gzip_window_bits = 15 + 16; // 16: gzip wrapper instead of zlib
} // namespace

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY)
      != Z_OK)
    throw std::bad_alloc();
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  auto rc = deflate(&zs, Z_FINISH);
  auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END)
    throw std::runtime_error("gzip: deflate did not finish");
  out.resize(produced);
  out.shrink_to_fit(); // deflateBound's slack is not kept with the payload
  return out;
}

bool gzip_decompress(std::string_view data, std::string& out, size_t max_output) {
  z_stream zs{};
  if (inflateInit2(&zs, gzip_window_bits) != Z_OK)
    return false;
  out.clear();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  char chunk[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return false;
    }
    auto produced = sizeof(chunk) - zs.avail_out;
    if (out.size() + produced > max_output) {
      inflateEnd(&zs);
      return false;
    }
    out.append(chunk, produced);
    if (rc == Z_OK && zs.avail_in == 0 && produced == 0) {
      inflateEnd(&zs); // truncated input
      return false;
    }
  }
  inflateEnd(&zs);
  return zs.avail_in == 0;
}

} // namespace eureka::codec
