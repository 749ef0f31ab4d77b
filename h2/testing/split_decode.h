// Split decoding: feed the same input to a resumable decoder whole, byte by byte and in seeded
// random pieces, and demand the same result each time (the idea of quiche's
// RandomDecoderTest). Any decoder or connection can use it: the caller supplies a function
// that builds fresh state, feeds it the pieces given and returns what it observed (an event
// log, typically) in any type with operator==.
//
//   std::vector<std::string> events = DecodeAllWays(bytes, [](const Pieces& pieces) {
//     FrameRecorder recorder;
//     FrameDecoder decoder(&recorder);
//     for (std::span<const uint8_t> piece : pieces) (void)decoder.Decode(piece);
//     return recorder.events();
//   });
//
// Random splits favour small pieces and include empty ones (Decode of nothing must be a
// no-op). Each split is reproducible from its seed, which failures name.

#ifndef H2ENGINE_H2_TESTING_SPLIT_DECODE_H_
#define H2ENGINE_H2_TESTING_SPLIT_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2::testing {

using Pieces = std::vector<std::span<const uint8_t>>;

// WholePieces: the input as one piece (also when empty).
Pieces WholePieces(std::span<const uint8_t> input);
// ByteByBytePieces: one piece per byte.
Pieces ByteByBytePieces(std::span<const uint8_t> input);
// RandomPieces: consecutive pieces covering the input, cut at points drawn from `seed`.
Pieces RandomPieces(std::span<const uint8_t> input, uint32_t seed);

// DecodeAllWays runs `run(pieces)` on the whole input, byte by byte and on `random_rounds`
// random splits (seeds first_seed, first_seed+1, ...), EXPECTs every result to equal the
// whole-input one, and returns that one.
template <typename Run>
auto DecodeAllWays(std::span<const uint8_t> input, Run run, int random_rounds = 20,
                   uint32_t first_seed = 1) {
  auto whole = run(WholePieces(input));
  {
    SCOPED_TRACE("split: byte by byte");
    EXPECT_EQ(run(ByteByBytePieces(input)), whole);
  }
  for (int i = 0; i < random_rounds; ++i) {
    uint32_t seed = first_seed + static_cast<uint32_t>(i);
    SCOPED_TRACE("split: random, seed " + std::to_string(seed));
    EXPECT_EQ(run(RandomPieces(input, seed)), whole);
  }
  return whole;
}

template <typename Run>
auto DecodeAllWays(std::string_view input, Run run, int random_rounds = 20,
                   uint32_t first_seed = 1) {
  return DecodeAllWays(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()), run,
      random_rounds, first_seed);
}

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_SPLIT_DECODE_H_
