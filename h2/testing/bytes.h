// Byte helpers for tests: hand-written frames in hex, and views of strings as bytes.

#ifndef H2ENGINE_H2_TESTING_BYTES_H_
#define H2ENGINE_H2_TESTING_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace h2engine::h2::testing {

// HexBytes turns "000005 00 01 00000001" into the bytes it spells. Whitespace and '|' (for
// marking field boundaries) are skipped; anything else must be pairs of hex digits (aborts
// otherwise: a typo in a test must not pass as some other input).
std::string HexBytes(std::string_view hex);

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string_view AsStringView(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_BYTES_H_
