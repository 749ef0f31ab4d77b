// Fuzzes h2::Connection in the server perspective with arbitrary client bytes (after a valid
// preface for part of the corpus). The set-up byte, the application's behaviour and every
// invariant checked are described in h2/testing/connection_fuzz.h.

#include <cstddef>
#include <cstdint>

#include "h2/testing/connection_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  h2engine::h2::testing::FuzzConnection(h2engine::h2::Perspective::kServer, data, size);
  return 0;
}
