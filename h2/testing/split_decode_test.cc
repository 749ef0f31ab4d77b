#include "h2/testing/split_decode.h"

#include <numeric>
#include <string>

#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "h2/testing/bytes.h"

namespace h2engine::h2::testing {
namespace {

std::string Join(const Pieces& pieces) {
  std::string out;
  for (std::span<const uint8_t> piece : pieces) out += AsStringView(piece);
  return out;
}

TEST(SplitDecodeTest, PiecesCoverTheInputInOrder) {
  std::string input(1000, '\0');
  std::iota(input.begin(), input.end(), 0);
  EXPECT_EQ(Join(WholePieces(AsBytes(input))), input);
  EXPECT_EQ(WholePieces(AsBytes(input)).size(), 1u);
  EXPECT_EQ(Join(ByteByBytePieces(AsBytes(input))), input);
  EXPECT_EQ(ByteByBytePieces(AsBytes(input)).size(), 1000u);
  for (uint32_t seed = 0; seed < 50; ++seed) {
    Pieces pieces = RandomPieces(AsBytes(input), seed);
    EXPECT_EQ(Join(pieces), input);
    // The same seed gives the same cuts.
    Pieces again = RandomPieces(AsBytes(input), seed);
    ASSERT_EQ(pieces.size(), again.size());
    for (size_t i = 0; i < pieces.size(); ++i) EXPECT_EQ(pieces[i].size(), again[i].size());
  }
}

TEST(SplitDecodeTest, RandomPiecesIncludeEmptyAndSmallOnes) {
  std::string input(5000, 'x');
  size_t empty = 0, small = 0, large = 0;
  for (uint32_t seed = 0; seed < 20; ++seed) {
    for (std::span<const uint8_t> piece : RandomPieces(AsBytes(input), seed)) {
      if (piece.empty()) ++empty;
      if (!piece.empty() && piece.size() <= 16) ++small;
      if (piece.size() > 16) ++large;
    }
  }
  EXPECT_GT(empty, 0u);
  EXPECT_GT(small, 0u);
  EXPECT_GT(large, 0u);
}

TEST(SplitDecodeTest, EmptyInputGivesOnePiece) {
  EXPECT_EQ(WholePieces({}).size(), 1u);
  EXPECT_EQ(RandomPieces({}, 1).size(), 1u);
  EXPECT_TRUE(ByteByBytePieces({}).empty());
}

TEST(SplitDecodeTest, ReturnsTheWholeResultWhenAllAgree) {
  std::string input = "abcdef";
  std::string result = DecodeAllWays(input, [](const Pieces& pieces) { return Join(pieces); });
  EXPECT_EQ(result, input);
}

TEST(SplitDecodeTest, FlagsADecoderThatDependsOnTheSplit) {
  // A "decoder" that reports how many pieces it saw differs by split: DecodeAllWays must say so.
  EXPECT_NONFATAL_FAILURE(
      DecodeAllWays(
          std::string_view("abcdef"), [](const Pieces& pieces) { return pieces.size(); },
          /*random_rounds=*/0),
      "split: byte by byte");
}

}  // namespace
}  // namespace h2engine::h2::testing
