// Fuzzes h2::Connection in the client perspective (with a GET, a POST with a body and
// trailers, and a HEAD submitted) with arbitrary server bytes (after a valid server preface
// for part of the corpus). See h2/testing/connection_fuzz.h for the set-up byte and the
// invariants checked.

#include <cstddef>
#include <cstdint>

#include "h2/testing/connection_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  h2engine::h2::testing::FuzzConnection(h2engine::h2::Perspective::kClient, data, size);
  return 0;
}
