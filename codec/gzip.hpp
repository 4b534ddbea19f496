// gzip (RFC 1952) with zlib, for response bodies and gzip request bodies.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace eureka::codec {

/// Compresses `data` into a gzip member (default level).
std::string gzip_compress(std::string_view data);

/// Inflates a gzip body into `out`; false when it is malformed or would exceed
/// `max_output` bytes (a decompression bomb stays bounded).
bool gzip_decompress(std::string_view data, std::string& out, size_t max_output);

} // namespace eureka::codec
