// FrameRecorder must catch broken callback sequences, or the decoder tests that rely on it
// could pass over a broken decoder.

#include "h2/testing/frame_recorder.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/testing/bytes.h"

namespace h2engine::h2::testing {
namespace {

using ::testing::HasSubstr;

const FrameHeader kData{5, FrameType::kData, 0, 1};

TEST(FrameRecorderTest, MergesPiecesAndAcceptsALegalSequence) {
  FrameRecorder r;
  r.OnFrameHeader(kData);
  r.OnDataStart(kData, 0);
  r.OnDataPayload(kData, AsBytes("he"));
  r.OnDataPayload(kData, AsBytes("l\x01o"));
  r.OnDataEnd(kData);
  EXPECT_EQ(r.violation(), "");
  EXPECT_EQ(r.Joined(),
            "header DATA len=5 flags=0x00 stream=1\n"
            "data_start pad=0\n"
            "data \"hel\\x01o\"\n"
            "data_end\n");
  EXPECT_TRUE(r.AtFrameBoundary());
}

TEST(FrameRecorderTest, CatchesPayloadsThatDoNotAddUp) {
  FrameRecorder r;
  r.OnFrameHeader(kData);
  r.OnDataStart(kData, 0);
  r.OnDataPayload(kData, AsBytes("hell"));
  r.OnDataEnd(kData);
  EXPECT_THAT(r.violation(), HasSubstr("payload pieces don't add up"));
}

TEST(FrameRecorderTest, CatchesPaddingMismatch) {
  FrameHeader padded{5, FrameType::kData, flags::kPadded, 1};
  FrameRecorder r;
  r.OnFrameHeader(padded);
  r.OnDataStart(padded, 2);
  r.OnDataPayload(padded, AsBytes("ab"));
  r.OnPadding(padded, 1);
  r.OnDataEnd(padded);
  EXPECT_THAT(r.violation(), HasSubstr("padding doesn't add up"));
}

TEST(FrameRecorderTest, CatchesOutOfOrderCallbacks) {
  {
    FrameRecorder r;
    r.OnDataStart(kData, 0);
    EXPECT_THAT(r.violation(), HasSubstr("not right after OnFrameHeader"));
  }
  {
    FrameRecorder r;
    r.OnFrameHeader(kData);
    r.OnFrameHeader(kData);
    EXPECT_THAT(r.violation(), HasSubstr("OnFrameHeader inside a frame"));
  }
  {
    FrameRecorder r;
    r.OnFrameHeader(kData);
    r.OnFrameError(kData, ErrorCode::kProtocolError, ErrorScope::kConnection, "x");
    r.OnFrameHeader(kData);
    EXPECT_THAT(r.violation(), HasSubstr("OnFrameHeader inside a frame"));
    EXPECT_TRUE(r.saw_connection_error());
  }
  {
    FrameRecorder r;
    FrameHeader ping{8, FrameType::kPing, 0, 0};
    r.OnFrameHeader(ping);
    r.OnPingAck(ping, {});
    EXPECT_THAT(r.violation(), HasSubstr("ping_ack without ACK"));
  }
}

TEST(FrameRecorderTest, CatchesEmptyPiecesAndUnmaskedFlags) {
  {
    FrameRecorder r;
    r.OnFrameHeader(kData);
    r.OnDataStart(kData, 0);
    r.OnDataPayload(kData, {});
    EXPECT_THAT(r.violation(), HasSubstr("empty data piece"));
  }
  {
    FrameRecorder r;
    r.OnFrameHeader({0, FrameType::kPriority, 0x01, 1});
    EXPECT_THAT(r.violation(), HasSubstr("unused flags not masked"));
  }
}

TEST(FrameRecorderTest, CatchesSettingsCountMismatch) {
  FrameHeader settings{12, FrameType::kSettings, 0, 0};
  FrameRecorder r;
  r.OnFrameHeader(settings);
  r.OnSettingsStart(settings);
  r.OnSetting(settings, {SettingsId::kEnablePush, 0});
  r.OnSettingsEnd(settings);
  EXPECT_THAT(r.violation(), HasSubstr("settings don't add up"));
}

TEST(FrameRecorderTest, EscapeBytes) {
  EXPECT_EQ(EscapeBytes(std::string_view("a\"\\\x00\xff", 5)), "\"a\\x22\\x5c\\x00\\xff\"");
}

}  // namespace
}  // namespace h2engine::h2::testing
