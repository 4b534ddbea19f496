// libFuzzer target: an XML registration body, as POST /eureka/apps/{app}
// receives it, through decoding and validation (registration_round_trip.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz/registration_round_trip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace eureka;
  fuzz::check_registration(
      codec::decode_instance_xml(fuzz::text_of(data, size), fuzz::fuzz_now_ms));
  return 0;
}
