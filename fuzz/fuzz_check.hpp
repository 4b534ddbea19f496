// What a fuzz target asserts: an impossible state stops the run loudly, with
// the rule it broke (libFuzzer then keeps the input as a crash).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace eureka::fuzz {

inline void require(bool holds, const char* rule) {
  if (!holds) {
    std::fprintf(stderr, "fuzz target invariant broken: %s\n", rule);
    std::abort();
  }
}

/// The input as text (every target reads untrusted bytes as such).
inline std::string_view text_of(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace eureka::fuzz
