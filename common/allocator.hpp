// The node's dealings with glibc's allocator, in one place: the fixed mmap
// threshold (node.malloc-mmap-threshold-bytes) and handing free pages back
// to the system (the reader, after large reads).
#pragma once

#include <cstdint>

#include <malloc.h>

namespace eureka {

/// Fixes glibc's M_MMAP_THRESHOLD at `bytes`: allocations this large get a
/// mapping of their own and go back to the system when freed. False if
/// glibc refused the value.
inline bool set_mmap_threshold(int64_t bytes) {
  return mallopt(M_MMAP_THRESHOLD, static_cast<int>(bytes)) == 1;
}

/// Returns the free pages of every arena to the system (malloc_trim(0)).
/// Why: glibc gives back only the top of an arena's heap by itself; pages
/// freed below live blocks stay in the process. Costs a walk of the free
/// lists under each arena's lock: call it from a thread where a pause of a
/// few milliseconds delays nothing urgent.
inline void release_free_memory() {
  malloc_trim(0);
}

} // namespace eureka
