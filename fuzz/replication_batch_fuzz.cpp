// libFuzzer target: a POST /eureka/peerreplication/batch body through the
// batch decoder, with the item limit the gateway uses by default. A
// decoded batch re-encodes (as our replication actor sends it) to a batch
// that decodes to the same items.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/replication_codec.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eureka;
  constexpr int64_t now_ms = 1700000000000;
  constexpr size_t max_items = 250;
  auto decoded = codec::decode_replication_list(fuzz::text_of(data, size), now_ms, max_items);
  if (!decoded.ok)
    return 0;
  fuzz::require(decoded.items.size() <= max_items, "a batch holds at most max_items items");
  std::vector<replication_item> valid;
  for (const auto& item : decoded.items)
    if (item.valid)
      valid.push_back(item);
  auto again =
      codec::decode_replication_list(codec::encode_replication_list(valid), now_ms, max_items);
  fuzz::require(again.ok, "our own encoding of a decoded batch decodes");
  fuzz::require(again.items.size() == valid.size(), "our own encoding keeps every valid item");
  for (const auto& item : again.items)
    fuzz::require(item.valid, "a valid item stays valid through our own encoding");
  return 0;
}
