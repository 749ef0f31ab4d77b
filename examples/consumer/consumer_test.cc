#include "base/byte_sink.h"
#include "base/decode_buffer.h"
#include "gtest/gtest.h"

TEST(ConsumerTest, RoundTripsAFrameHeaderThroughH2engine) {
  h2engine::ByteSink sink;
  sink.AppendUInt24(16384);
  sink.AppendUInt8(0x0);
  sink.AppendUInt8(0x1);
  sink.AppendUInt32(0x80000003);
  ASSERT_EQ(sink.size(), 9u);
  h2engine::DecodeBuffer in(sink.span());
  EXPECT_EQ(in.DecodeUInt24(), 16384u);
  EXPECT_EQ(in.DecodeUInt8(), 0u);
  EXPECT_EQ(in.DecodeUInt8(), 1u);
  EXPECT_EQ(in.DecodeUInt31(), 3u);
  EXPECT_TRUE(in.Empty());
}
