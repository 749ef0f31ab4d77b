#include "h2/frame_header.h"

#include <sstream>

#include "gtest/gtest.h"
#include "h2/testing/bytes.h"

namespace h2engine::h2 {
namespace {

using ::h2engine::h2::testing::AsBytes;
using ::h2engine::h2::testing::HexBytes;

TEST(FrameHeaderTest, ParsesTheNineOctets_Section4_1) {
  std::string bytes = HexBytes("123456 08 a5 87654321");
  FrameHeader h = ParseFrameHeader(AsBytes(bytes).data());
  EXPECT_EQ(h.length, 0x123456u);
  EXPECT_EQ(h.type, FrameType::kWindowUpdate);
  EXPECT_EQ(h.flags, 0xa5);
  EXPECT_EQ(h.stream_id, 0x07654321u);  // The reserved bit is ignored on receipt.
}

TEST(FrameHeaderTest, SerializesWithTheReservedBitClear_Section4_1) {
  uint8_t out[kFrameHeaderSize];
  SerializeFrameHeader({kMaxFrameLength, static_cast<FrameType>(0xee), 0xff, kMaxStreamId}, out);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(out), sizeof(out)),
            HexBytes("ffffff ee ff 7fffffff"));
  FrameHeader h{5, FrameType::kData, flags::kEndStream, 1};
  SerializeFrameHeader(h, out);
  EXPECT_EQ(ParseFrameHeader(out), h);
}

TEST(FrameHeaderTest, FlagAccessors) {
  FrameHeader h{0, FrameType::kHeaders, 0x2d, 1};
  EXPECT_TRUE(h.IsEndStream());
  EXPECT_TRUE(h.IsEndHeaders());
  EXPECT_TRUE(h.IsPadded());
  EXPECT_TRUE(h.HasPriority());
  EXPECT_TRUE(h.IsAck());  // Same bit as END_STREAM: meaningful for SETTINGS and PING only.
  h.flags = 0;
  EXPECT_FALSE(h.IsEndStream() || h.IsEndHeaders() || h.IsPadded() || h.HasPriority());
}

TEST(FrameHeaderTest, DefinedFlagsPerType_Section6) {
  EXPECT_EQ(DefinedFlags(FrameType::kData), 0x09);
  EXPECT_EQ(DefinedFlags(FrameType::kHeaders), 0x2d);
  EXPECT_EQ(DefinedFlags(FrameType::kPriority), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kRstStream), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kSettings), 0x01);
  EXPECT_EQ(DefinedFlags(FrameType::kPushPromise), 0x0c);
  EXPECT_EQ(DefinedFlags(FrameType::kPing), 0x01);
  EXPECT_EQ(DefinedFlags(FrameType::kGoAway), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kWindowUpdate), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kContinuation), 0x04);
  EXPECT_EQ(DefinedFlags(FrameType::kAltSvc), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kOrigin), 0x00);
  EXPECT_EQ(DefinedFlags(FrameType::kPriorityUpdate), 0x00);
  EXPECT_EQ(DefinedFlags(static_cast<FrameType>(0x0b)), 0xff);
}

TEST(FrameHeaderTest, Printing) {
  EXPECT_EQ(ToString({5, FrameType::kData, 1, 3}), "DATA(length=5, flags=0x01, stream_id=3)");
  std::ostringstream out;
  out << FrameHeader{0, static_cast<FrameType>(0xb), 0, 0};
  EXPECT_EQ(out.str(), "UNKNOWN(0x0b)(length=0, flags=0x00, stream_id=0)");
}

}  // namespace
}  // namespace h2engine::h2
