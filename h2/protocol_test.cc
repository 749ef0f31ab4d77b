#include "h2/protocol.h"

#include <sstream>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

TEST(ProtocolTest, PrefaceIsTheRfc9113Section3_4Octets) {
  EXPECT_EQ(kClientPreface.size(), 24u);
  EXPECT_EQ(kClientPreface,
            std::string_view("\x50\x52\x49\x20\x2a\x20\x48\x54\x54\x50\x2f\x32\x2e\x30\x0d\x0a"
                             "\x0d\x0a\x53\x4d\x0d\x0a\x0d\x0a"));
}

TEST(ProtocolTest, Names) {
  EXPECT_EQ(FrameTypeName(FrameType::kWindowUpdate), "WINDOW_UPDATE");
  EXPECT_EQ(FrameTypeName(FrameType::kPriorityUpdate), "PRIORITY_UPDATE");
  EXPECT_EQ(FrameTypeName(static_cast<FrameType>(0xb)), "UNKNOWN");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kHttp11Required), "HTTP_1_1_REQUIRED");
  EXPECT_EQ(ErrorCodeName(static_cast<ErrorCode>(0xff)), "UNKNOWN");
  EXPECT_EQ(SettingsIdName(SettingsId::kNoRfc7540Priorities), "SETTINGS_NO_RFC7540_PRIORITIES");
  std::ostringstream out;
  out << static_cast<ErrorCode>(0x1f) << " " << FrameType::kGoAway << " "
      << static_cast<FrameType>(0xee);
  EXPECT_EQ(out.str(), "UNKNOWN(0x1f) GOAWAY UNKNOWN(0xee)");
}

TEST(ProtocolTest, KnownFrameTypes) {
  for (int t = 0; t <= 0xa; ++t) EXPECT_TRUE(IsKnownFrameType(static_cast<uint8_t>(t))) << t;
  EXPECT_FALSE(IsKnownFrameType(0xb));
  EXPECT_TRUE(IsKnownFrameType(0xc));
  EXPECT_FALSE(IsKnownFrameType(0xd));
  EXPECT_TRUE(IsKnownFrameType(0x10));
  EXPECT_FALSE(IsKnownFrameType(0xff));
}

}  // namespace
}  // namespace h2engine::h2
