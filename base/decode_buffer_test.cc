#include "base/decode_buffer.h"

#include <array>
#include <cstdint>

#include "gtest/gtest.h"

namespace h2engine {
namespace {

constexpr std::array<uint8_t, 11> kBytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                            0x87, 0x08, 0x09, 0x0a, 0x0b};

TEST(DecodeBufferTest, ReadsBigEndianIntegers) {
  DecodeBuffer b(kBytes);
  EXPECT_EQ(b.FullSize(), 11u);
  EXPECT_EQ(b.DecodeUInt8(), 0x01);
  EXPECT_EQ(b.DecodeUInt16(), 0x0203);
  EXPECT_EQ(b.DecodeUInt24(), 0x040506u);
  EXPECT_EQ(b.Offset(), 6u);
  EXPECT_EQ(b.Remaining(), 5u);
  EXPECT_EQ(b.PeekUInt8(), 0x87);
  EXPECT_EQ(b.Offset(), 6u);
  EXPECT_EQ(b.DecodeUInt32(), 0x8708090au);
  EXPECT_EQ(b.Remaining(), 1u);
  EXPECT_TRUE(b.HasData());
  EXPECT_EQ(b.DecodeUInt8(), 0x0b);
  EXPECT_TRUE(b.Empty());
}

TEST(DecodeBufferTest, DecodeUInt31DropsReservedBit) {
  // RFC 9113 §4.1: the reserved bit of a stream identifier MUST be ignored on receipt.
  constexpr std::array<uint8_t, 4> kId = {0x80, 0x00, 0x00, 0x05};
  DecodeBuffer b(kId);
  EXPECT_EQ(b.DecodeUInt31(), 5u);
}

TEST(DecodeBufferTest, TakeAndAdvance) {
  DecodeBuffer b(kBytes);
  auto first = b.Take(3);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first.data(), kBytes.data());
  b.AdvanceCursor(2);
  EXPECT_EQ(b.cursor(), kBytes.data() + 5);
  EXPECT_EQ(b.RemainingSpan().size(), 6u);
  EXPECT_EQ(b.MinLengthRemaining(100), 6u);
  EXPECT_EQ(b.MinLengthRemaining(4), 4u);
}

TEST(DecodeBufferTest, EmptyInput) {
  DecodeBuffer b(nullptr, 0);
  EXPECT_TRUE(b.Empty());
  EXPECT_FALSE(b.HasData());
  EXPECT_EQ(b.Remaining(), 0u);
  EXPECT_EQ(b.RemainingSpan().size(), 0u);
}

TEST(DecodeBufferTest, SubsetLimitsReadsAndAdvancesParent) {
  DecodeBuffer parent(kBytes);
  parent.DecodeUInt8();
  {
    DecodeBufferSubset payload(&parent, 4);
    EXPECT_EQ(payload.Remaining(), 4u);
    EXPECT_EQ(payload.DecodeUInt16(), 0x0203);
    EXPECT_EQ(payload.Remaining(), 2u);
    // Only part of the subset is consumed; the parent advances by exactly that much.
  }
  EXPECT_EQ(parent.Offset(), 3u);
  EXPECT_EQ(parent.DecodeUInt8(), 0x04);
}

TEST(DecodeBufferTest, SubsetLargerThanParentIsClamped) {
  DecodeBuffer parent(kBytes);
  parent.AdvanceCursor(9);
  {
    DecodeBufferSubset payload(&parent, 1000);
    EXPECT_EQ(payload.Remaining(), 2u);
    payload.AdvanceCursor(2);
  }
  EXPECT_TRUE(parent.Empty());
}

#ifndef NDEBUG
TEST(DecodeBufferDeathTest, ReadPastEndIsCaughtInDebugBuilds) {
  DecodeBuffer b(kBytes.data(), 1);
  EXPECT_DEATH(b.DecodeUInt16(), "H2_CHECK failed");
  EXPECT_DEATH(b.AdvanceCursor(2), "H2_CHECK failed");
}
#endif

}  // namespace
}  // namespace h2engine
