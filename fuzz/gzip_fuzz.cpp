// libFuzzer target: a gzip request body (Content-Encoding: gzip) through
// inflation with its output limit. A bomb stays within the limit; what
// inflates must survive compression and inflation again unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "codec/gzip.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eureka;
  constexpr size_t limit = 1 << 20;
  std::string out;
  if (!codec::gzip_decompress(fuzz::text_of(data, size), out, limit))
    return 0;
  fuzz::require(out.size() <= limit, "inflated output stays within the limit");
  std::string again;
  fuzz::require(codec::gzip_decompress(codec::gzip_compress(out), again, limit),
                "our own gzip of an accepted body inflates");
  fuzz::require(again == out, "our own gzip of an accepted body inflates to the same bytes");
  return 0;
}
