#include "h2/testing/split_decode.h"

#include <algorithm>
#include <random>

namespace h2engine::h2::testing {

Pieces WholePieces(std::span<const uint8_t> input) { return {input}; }

Pieces ByteByBytePieces(std::span<const uint8_t> input) {
  Pieces pieces;
  pieces.reserve(input.size());
  for (size_t i = 0; i < input.size(); ++i) pieces.push_back(input.subspan(i, 1));
  return pieces;
}

Pieces RandomPieces(std::span<const uint8_t> input, uint32_t seed) {
  std::mt19937 rng(seed);
  Pieces pieces;
  size_t offset = 0;
  while (offset < input.size()) {
    size_t left = input.size() - offset;
    size_t n;
    switch (rng() % 8) {
      case 0:  // An empty piece.
        n = 0;
        break;
      case 1:  // Anything up to the rest.
      case 2:
        n = 1 + rng() % left;
        break;
      default:  // Small pieces, which cut headers and fields.
        n = 1 + rng() % std::min<size_t>(left, 16);
        break;
    }
    pieces.push_back(input.subspan(offset, n));
    offset += n;
  }
  if (pieces.empty()) pieces.push_back(input);
  return pieces;
}

}  // namespace h2engine::h2::testing
