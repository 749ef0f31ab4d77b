// FrameDecoder tests: every frame type from hand-written bytes, every frame-level rule of
// RFC 9113 §4 and §6 (and of RFC 7838 §4, RFC 8336 §2, RFC 9218 §7.1) with its exact error code
// and scope. Every input is decoded whole, byte by byte and in random pieces
// (h2/testing/split_decode.h), and must give the same events each way.

#include "h2/frame_decoder.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/testing/bytes.h"
#include "h2/testing/frame_recorder.h"
#include "h2/testing/split_decode.h"

namespace h2engine::h2 {
namespace {

using ::h2engine::h2::testing::AsBytes;
using ::h2engine::h2::testing::DecodeAllWays;
using ::h2engine::h2::testing::FrameRecorder;
using ::h2engine::h2::testing::HexBytes;
using ::h2engine::h2::testing::Pieces;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Decode runs the bytes (spelled in hex) through a FrameDecoder all the ways split_decode
// knows, checks the listener contract, and returns the events plus a last line
// "end consumed=N STATE".
std::vector<std::string> Decode(std::string_view hex, uint32_t max_frame_size = 16384) {
  std::string bytes = HexBytes(hex);
  return DecodeAllWays(bytes, [&](const Pieces& pieces) {
    FrameRecorder recorder;
    FrameDecoder decoder(&recorder);
    decoder.set_max_frame_size(max_frame_size);
    size_t consumed = 0;
    for (std::span<const uint8_t> piece : pieces) consumed += decoder.Decode(piece);
    EXPECT_EQ(recorder.violation(), "");
    if (decoder.AtFrameBoundary()) {
      EXPECT_TRUE(recorder.AtFrameBoundary());
    }
    EXPECT_EQ(decoder.HasError(), decoder.error() != ErrorCode::kNoError);
    std::vector<std::string> events = recorder.events();
    events.push_back("end consumed=" + std::to_string(consumed) + " " +
                     std::string(FrameDecoderStateName(decoder.state())));
    return events;
  });
}

// The events of `hex` must end with this error (then the decoder's final state).
void ExpectConnectionError(std::string_view hex, ErrorCode code, size_t consumed) {
  std::vector<std::string> events = Decode(hex);
  ASSERT_GE(events.size(), 3u);
  EXPECT_THAT(events[events.size() - 2],
              HasSubstr("error " + std::string(ErrorCodeName(code)) + " connection"));
  EXPECT_EQ(events.back(), "end consumed=" + std::to_string(consumed) + " kError");
}

// --- Every frame type, RFC 9113 §6 ---------------------------------------------------------

TEST(FrameDecoderTest, Data_Section6_1) {
  EXPECT_THAT(Decode("000005 00 01 00000001 68656c6c6f"),
              ElementsAre("header DATA len=5 flags=0x01 stream=1", "data_start pad=0",
                          "data \"hello\"", "data_end", "end consumed=14 kFrameHeader"));
}

TEST(FrameDecoderTest, EmptyData) {
  EXPECT_THAT(Decode("000000 00 01 00000003"),
              ElementsAre("header DATA len=0 flags=0x01 stream=3", "data_start pad=0", "data_end",
                          "end consumed=9 kFrameHeader"));
}

TEST(FrameDecoderTest, PaddedData_Section6_1) {
  EXPECT_THAT(
      Decode("000009 00 09 00000003 | 03 | 68656c6c6f | 000000"),
      ElementsAre("header DATA len=9 flags=0x09 stream=3", "data_start pad=3", "data \"hello\"",
                  "padding 3", "data_end", "end consumed=18 kFrameHeader"));
}

TEST(FrameDecoderTest, PaddedDataWithZeroPadLength) {
  EXPECT_THAT(Decode("000001 00 08 00000001 | 00"),
              ElementsAre("header DATA len=1 flags=0x08 stream=1", "data_start pad=0", "data_end",
                          "end consumed=10 kFrameHeader"));
}

TEST(FrameDecoderTest, DataThatIsAllPaddingIsLegal) {
  // Pad Length = length - 1: the padding is shorter than the payload (§6.1).
  EXPECT_THAT(Decode("000004 00 08 00000001 | 03 | 000000"),
              ElementsAre("header DATA len=4 flags=0x08 stream=1", "data_start pad=3", "padding 3",
                          "data_end", "end consumed=13 kFrameHeader"));
}

TEST(FrameDecoderTest, NonZeroPaddingIsNotChecked) {
  // §6.1: a receiver is not obligated to verify padding.
  EXPECT_THAT(Decode("000003 00 08 00000001 | 02 | ffff"),
              ElementsAre("header DATA len=3 flags=0x08 stream=1", "data_start pad=2", "padding 2",
                          "data_end", "end consumed=12 kFrameHeader"));
}

TEST(FrameDecoderTest, Headers_Section6_2) {
  EXPECT_THAT(
      Decode("000003 01 04 00000001 828684"),
      ElementsAre("header HEADERS len=3 flags=0x04 stream=1", "headers_start pad=0 priority=none",
                  "fragment \"\\x82\\x86\\x84\"", "headers_end", "end consumed=12 kFrameHeader"));
}

TEST(FrameDecoderTest, HeadersWithPriorityAndPadding_Section6_2) {
  // END_STREAM | END_HEADERS | PADDED | PRIORITY; Pad Length 2; E=1, dependency 3, weight 16.
  EXPECT_THAT(
      Decode("00000a 01 2d 00000001 | 02 | 80000003 0f | 8286 | 0000"),
      ElementsAre("header HEADERS len=10 flags=0x2d stream=1",
                  "headers_start pad=2 priority=excl:1,dep:3,weight:16", "fragment \"\\x82\\x86\"",
                  "padding 2", "headers_end", "end consumed=19 kFrameHeader"));
}

TEST(FrameDecoderTest, HeadersWithPriorityOnly) {
  EXPECT_THAT(Decode("000005 01 20 00000005 | 00000000 ff"),
              ElementsAre("header HEADERS len=5 flags=0x20 stream=5",
                          "headers_start pad=0 priority=excl:0,dep:0,weight:256", "headers_end",
                          "end consumed=14 kFrameHeader"));
}

TEST(FrameDecoderTest, Priority_Section6_3) {
  EXPECT_THAT(Decode("000005 02 00 00000003 | 80000001 00"),
              ElementsAre("header PRIORITY len=5 flags=0x00 stream=3",
                          "priority excl:1,dep:1,weight:1", "end consumed=14 kFrameHeader"));
}

TEST(FrameDecoderTest, RstStream_Section6_4) {
  EXPECT_THAT(Decode("000004 03 00 00000001 00000008"
                     "000004 03 00 00000003 000000ff"),
              ElementsAre("header RST_STREAM len=4 flags=0x00 stream=1", "rst_stream CANCEL",
                          "header RST_STREAM len=4 flags=0x00 stream=3", "rst_stream UNKNOWN(0xff)",
                          "end consumed=26 kFrameHeader"));
}

TEST(FrameDecoderTest, Settings_Section6_5) {
  EXPECT_THAT(Decode("000012 04 00 00000000 | 0003 00000064 | 0004 0000ffff | 00ff 00000001"),
              ElementsAre("header SETTINGS len=18 flags=0x00 stream=0", "settings_start",
                          "setting 0x03=100", "setting 0x04=65535", "unknown_setting 0xff=1",
                          "settings_end", "end consumed=27 kFrameHeader"));
}

TEST(FrameDecoderTest, SettingsBoundaryValuesAreAccepted_Section6_5_2) {
  EXPECT_THAT(Decode("000042 04 00 00000000"
                     "0001 ffffffff | 0002 00000000 | 0002 00000001 | 0003 00000000"
                     "0004 7fffffff | 0005 00004000 | 0005 00ffffff | 0006 ffffffff"
                     "0008 00000001 | 0009 00000001 | 0000 ffffffff"),
              ElementsAre("header SETTINGS len=66 flags=0x00 stream=0", "settings_start",
                          "setting 0x01=4294967295", "setting 0x02=0", "setting 0x02=1",
                          "setting 0x03=0", "setting 0x04=2147483647", "setting 0x05=16384",
                          "setting 0x05=16777215", "setting 0x06=4294967295", "setting 0x08=1",
                          "setting 0x09=1", "unknown_setting 0x00=4294967295", "settings_end",
                          "end consumed=75 kFrameHeader"));
}

TEST(FrameDecoderTest, EmptySettingsAndSettingsAck_Section6_5) {
  EXPECT_THAT(Decode("000000 04 00 00000000 000000 04 01 00000000"),
              ElementsAre("header SETTINGS len=0 flags=0x00 stream=0", "settings_start",
                          "settings_end", "header SETTINGS len=0 flags=0x01 stream=0",
                          "settings_ack", "end consumed=18 kFrameHeader"));
}

TEST(FrameDecoderTest, PushPromise_Section6_6) {
  EXPECT_THAT(Decode("000006 05 04 00000001 | 80000002 | 8286"),
              ElementsAre("header PUSH_PROMISE len=6 flags=0x04 stream=1",
                          "push_promise_start pad=0 promised=2", "fragment \"\\x82\\x86\"",
                          "push_promise_end", "end consumed=15 kFrameHeader"));
}

TEST(FrameDecoderTest, PaddedPushPromise_Section6_6) {
  EXPECT_THAT(Decode("000009 05 0c 00000001 | 02 | 00000004 | 8286 | 0000"),
              ElementsAre("header PUSH_PROMISE len=9 flags=0x0c stream=1",
                          "push_promise_start pad=2 promised=4", "fragment \"\\x82\\x86\"",
                          "padding 2", "push_promise_end", "end consumed=18 kFrameHeader"));
}

TEST(FrameDecoderTest, PingAndPingAck_Section6_7) {
  EXPECT_THAT(Decode("000008 06 00 00000000 0102030405060708"
                     "000008 06 01 00000000 6162636465666768"),
              ElementsAre("header PING len=8 flags=0x00 stream=0",
                          "ping \"\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\"",
                          "header PING len=8 flags=0x01 stream=0", "ping_ack \"abcdefgh\"",
                          "end consumed=34 kFrameHeader"));
}

TEST(FrameDecoderTest, GoAway_Section6_8) {
  // The reserved bit of Last-Stream-ID is dropped.
  EXPECT_THAT(Decode("00000d 07 00 00000000 | ffffffff | 00000001 | 6465627567"
                     "000008 07 00 00000000 | 00000005 | 00001234"),
              ElementsAre("header GOAWAY len=13 flags=0x00 stream=0",
                          "goaway last=2147483647 PROTOCOL_ERROR \"debug\"",
                          "header GOAWAY len=8 flags=0x00 stream=0",
                          "goaway last=5 UNKNOWN(0x1234) \"\"", "end consumed=39 kFrameHeader"));
}

TEST(FrameDecoderTest, WindowUpdate_Section6_9) {
  // The reserved bit is dropped; stream 0 is the connection window.
  EXPECT_THAT(Decode("000004 08 00 00000001 80000400"
                     "000004 08 00 00000000 7fffffff"),
              ElementsAre("header WINDOW_UPDATE len=4 flags=0x00 stream=1", "window_update 1024",
                          "header WINDOW_UPDATE len=4 flags=0x00 stream=0",
                          "window_update 2147483647", "end consumed=26 kFrameHeader"));
}

TEST(FrameDecoderTest, Continuation_Section6_10) {
  // The decoder does not check sequencing (a CONTINUATION with no HEADERS before it is the
  // connection's PROTOCOL_ERROR): it reports the frame.
  EXPECT_THAT(Decode("000002 01 00 00000001 8286 000001 09 00 00000001 84"
                     "000000 09 04 00000001"),
              ElementsAre("header HEADERS len=2 flags=0x00 stream=1",
                          "headers_start pad=0 priority=none", "fragment \"\\x82\\x86\"",
                          "headers_end", "header CONTINUATION len=1 flags=0x00 stream=1",
                          "continuation_start", "fragment \"\\x84\"", "continuation_end",
                          "header CONTINUATION len=0 flags=0x04 stream=1", "continuation_start",
                          "continuation_end", "end consumed=30 kFrameHeader"));
}

// --- Extension frames ------------------------------------------------------------------------

TEST(FrameDecoderTest, AltSvc_Rfc7838Section4) {
  // On stream 0 with an origin; on stream 1 without one.
  EXPECT_THAT(Decode("000016 0a 00 00000000 | 000b | 68747470733a2f2f782e79 | 68323d223a34343322"
                     "00000b 0a 00 00000001 | 0000 | 68323d223a34343322"),
              ElementsAre("header ALTSVC len=22 flags=0x00 stream=0",
                          "altsvc origin=\"https://x.y\" value=\"h2=\\x22:443\\x22\"",
                          "header ALTSVC len=11 flags=0x00 stream=1",
                          "altsvc origin=\"\" value=\"h2=\\x22:443\\x22\"",
                          "end consumed=51 kFrameHeader"));
}

TEST(FrameDecoderTest, InvalidAltSvcIsIgnored_Rfc7838Section4) {
  EXPECT_THAT(Decode("000001 0a 00 00000000 | 00"                // No room for Origin-Len.
                     "000004 0a 00 00000000 | 0003 | 6162"       // Origin-Len beyond the payload.
                     "000003 0a 00 00000000 | 0000 | 68"         // Stream 0 without an origin.
                     "000004 0a 00 00000001 | 0001 | 61 68"      // A stream with an origin.
                     "000008 06 00 00000000 0000000000000000"),  // Decoding goes on.
              ElementsAre("header ALTSVC len=1 flags=0x00 stream=0",
                          "ignored ALTSVC \"ALTSVC too short for Origin-Len\"",
                          "header ALTSVC len=4 flags=0x00 stream=0",
                          "ignored ALTSVC \"ALTSVC Origin-Len exceeds the payload\"",
                          "header ALTSVC len=3 flags=0x00 stream=0",
                          "ignored ALTSVC \"ALTSVC on stream 0 without an origin\"",
                          "header ALTSVC len=4 flags=0x00 stream=1",
                          "ignored ALTSVC \"ALTSVC on a stream with an origin\"",
                          "header PING len=8 flags=0x00 stream=0",
                          "ping \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"",
                          "end consumed=65 kFrameHeader"));
}

TEST(FrameDecoderTest, Origin_Rfc8336Section2) {
  // Flag 0x10 is reserved for backwards-compatible changes: ignored, and masked.
  EXPECT_THAT(Decode("00000f 0c 10 00000000 | 0007 | 68747470733a2f | 0004 | 612e6263"
                     "000000 0c 00 00000000"),
              ElementsAre("header ORIGIN len=15 flags=0x00 stream=0", "origin \"https:/\" \"a.bc\"",
                          "header ORIGIN len=0 flags=0x00 stream=0", "origin",
                          "end consumed=33 kFrameHeader"));
}

TEST(FrameDecoderTest, InvalidOriginIsIgnored_Rfc8336Section2_1) {
  EXPECT_THAT(Decode("000003 0c 00 00000001 | 0001 61"         // Not on stream 0.
                     "000003 0c 08 00000000 | 0001 61"         // A reserved flag (0x1..0x8).
                     "000004 0c 00 00000000 | 0003 6162"       // Origin-Len beyond the payload.
                     "000004 0c 00 00000000 | 0001 61 | 00"),  // A truncated Origin-Len.
              ElementsAre("header ORIGIN len=3 flags=0x00 stream=1",
                          "ignored ORIGIN \"ORIGIN on a stream other than 0\"",
                          "header ORIGIN len=3 flags=0x00 stream=0",
                          "ignored ORIGIN \"ORIGIN with a reserved flag set\"",
                          "header ORIGIN len=4 flags=0x00 stream=0",
                          "ignored ORIGIN \"ORIGIN Origin-Len exceeds the payload\"",
                          "header ORIGIN len=4 flags=0x00 stream=0",
                          "ignored ORIGIN \"ORIGIN with a truncated Origin-Len\"",
                          "end consumed=50 kFrameHeader"));
}

TEST(FrameDecoderTest, PriorityUpdate_Rfc9218Section7_1) {
  EXPECT_THAT(Decode("000009 10 00 00000000 | 80000001 | 753d332c69"
                     "000004 10 00 00000000 | 00000003"),
              ElementsAre("header PRIORITY_UPDATE len=9 flags=0x00 stream=0",
                          "priority_update stream=1 \"u=3,i\"",
                          "header PRIORITY_UPDATE len=4 flags=0x00 stream=0",
                          "priority_update stream=3 \"\"", "end consumed=31 kFrameHeader"));
}

// --- Unknown types and flags, §4.1, §5.5 -----------------------------------------------------

TEST(FrameDecoderTest, UnknownTypesAreReportedAndSkipped_Section5_5) {
  EXPECT_THAT(Decode("000003 0b ff 00000007 616263"
                     "000000 ff 00 00000000"
                     "000001 0d 00 00000000 00"
                     "000000 00 01 00000001"),
              ElementsAre("header UNKNOWN(0x0b) len=3 flags=0xff stream=7", "unknown_start",
                          "unknown_payload \"abc\"", "unknown_end",
                          "header UNKNOWN(0xff) len=0 flags=0x00 stream=0", "unknown_start",
                          "unknown_end", "header UNKNOWN(0x0d) len=1 flags=0x00 stream=0",
                          "unknown_start", "unknown_payload \"\\x00\"", "unknown_end",
                          "header DATA len=0 flags=0x01 stream=1", "data_start pad=0", "data_end",
                          "end consumed=40 kFrameHeader"));
}

TEST(FrameDecoderTest, UnusedFlagsAreMasked_Section4_1) {
  EXPECT_THAT(
      Decode("000001 00 f6 00000001 61"                // DATA: none defined of 0xf6.
             "000001 01 d2 00000001 82"                // HEADERS: none of 0xd2.
             "000005 02 ff 00000001 0000000010"        // PRIORITY: no flags at all.
             "000000 04 fe 00000000"                   // SETTINGS: not an ACK.
             "000008 06 fe 00000000 0000000000000000"  // PING: not an ACK.
             "000004 08 ff 00000000 00000001"),        // WINDOW_UPDATE.
      ElementsAre("header DATA len=1 flags=0x00 stream=1", "data_start pad=0", "data \"a\"",
                  "data_end", "header HEADERS len=1 flags=0x00 stream=1",
                  "headers_start pad=0 priority=none", "fragment \"\\x82\"", "headers_end",
                  "header PRIORITY len=5 flags=0x00 stream=1", "priority excl:0,dep:0,weight:17",
                  "header SETTINGS len=0 flags=0x00 stream=0", "settings_start", "settings_end",
                  "header PING len=8 flags=0x00 stream=0",
                  "ping \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"",
                  "header WINDOW_UPDATE len=4 flags=0x00 stream=0", "window_update 1",
                  "end consumed=73 kFrameHeader"));
}

TEST(FrameDecoderTest, ReservedStreamIdBitIsIgnored_Section4_1) {
  EXPECT_THAT(Decode("000000 00 01 80000001"),
              ElementsAre("header DATA len=0 flags=0x01 stream=1", "data_start pad=0", "data_end",
                          "end consumed=9 kFrameHeader"));
}

// --- Errors ----------------------------------------------------------------------------------

TEST(FrameDecoderTest, OversizedFrameIsAConnectionError_Section4_2) {
  // 16,385 > the default SETTINGS_MAX_FRAME_SIZE; the header is consumed, nothing after it.
  EXPECT_THAT(Decode("004001 00 00 00000001 00"),
              ElementsAre("header DATA len=16385 flags=0x00 stream=1",
                          "error FRAME_SIZE_ERROR connection \"frame larger than "
                          "SETTINGS_MAX_FRAME_SIZE\"",
                          "end consumed=9 kError"));
  // Unknown types too: the size rule is for every frame.
  ExpectConnectionError("004001 ee 00 00000000", ErrorCode::kFrameSizeError, 9);
  // Stream-level frames too (documented: the simpler choice §4.2 allows).
  ExpectConnectionError("004001 02 00 00000001", ErrorCode::kFrameSizeError, 9);
}

TEST(FrameDecoderTest, MaxFrameSizeIsConfigurable_Section4_2) {
  std::string frame = "004001 00 00 00000001" + std::string(16385 * 2, '0');
  EXPECT_EQ(Decode(frame, 16385).back(), "end consumed=16394 kFrameHeader");
  EXPECT_EQ(Decode(frame, 16384).back(), "end consumed=9 kError");

  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  EXPECT_EQ(decoder.max_frame_size(), 16384u);
  decoder.set_max_frame_size(1);  // Clamped into [2^14, 2^24-1].
  EXPECT_EQ(decoder.max_frame_size(), 16384u);
  decoder.set_max_frame_size(1u << 24);
  EXPECT_EQ(decoder.max_frame_size(), (1u << 24) - 1);
  decoder.set_max_frame_size(20000);
  EXPECT_EQ(decoder.max_frame_size(), 20000u);
}

TEST(FrameDecoderTest, MaxFrameSizeAppliesFromTheNextFrameHeader) {
  std::string big = HexBytes("004e20 00 00 00000001") + std::string(20000, 'x');
  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  EXPECT_EQ(decoder.Decode(std::string_view(big).substr(0, 5)), 5u);
  decoder.set_max_frame_size(20000);
  EXPECT_EQ(decoder.Decode(std::string_view(big).substr(5)), big.size() - 5);
  EXPECT_FALSE(decoder.HasError());
  EXPECT_EQ(recorder.violation(), "");
  EXPECT_EQ(recorder.events().back(), "data_end");
}

struct StreamZeroCase {
  const char* name;
  const char* hex;
};

class FramesNeedingAStreamTest : public ::testing::TestWithParam<StreamZeroCase> {};

TEST_P(FramesNeedingAStreamTest, OnStreamZeroIsAProtocolConnectionError) {
  ExpectConnectionError(GetParam().hex, ErrorCode::kProtocolError, 9);
}

// §6.1, §6.2, §6.3, §6.4, §6.6, §6.10: these frames MUST be associated with a stream.
INSTANTIATE_TEST_SUITE_P(
    Section6, FramesNeedingAStreamTest,
    ::testing::Values(StreamZeroCase{"Data", "000001 00 00 00000000 00"},
                      StreamZeroCase{"Headers", "000001 01 04 00000000 82"},
                      StreamZeroCase{"Priority", "000005 02 00 00000000 0000000010"},
                      StreamZeroCase{"RstStream", "000004 03 00 00000000 00000008"},
                      StreamZeroCase{"PushPromise", "000004 05 04 00000000 00000002"},
                      StreamZeroCase{"Continuation", "000001 09 04 00000000 82"}),
    [](const auto& test) { return std::string(test.param.name); });

class ConnectionFramesTest : public ::testing::TestWithParam<StreamZeroCase> {};

TEST_P(ConnectionFramesTest, OnAStreamIsAProtocolConnectionError) {
  ExpectConnectionError(GetParam().hex, ErrorCode::kProtocolError, 9);
}

// §6.5, §6.7, §6.8, RFC 9218 §7.1: these frames MUST be on stream 0.
INSTANTIATE_TEST_SUITE_P(
    Section6, ConnectionFramesTest,
    ::testing::Values(StreamZeroCase{"Settings", "000000 04 00 00000001"},
                      StreamZeroCase{"SettingsAck", "000000 04 01 00000003"},
                      StreamZeroCase{"Ping", "000008 06 00 00000001 0000000000000000"},
                      StreamZeroCase{"GoAway", "000008 07 00 00000001 0000000000000000"},
                      StreamZeroCase{"PriorityUpdate", "000004 10 00 00000001 00000001"}),
    [](const auto& test) { return std::string(test.param.name); });

struct LengthCase {
  const char* name;
  const char* hex;
  ErrorScope scope;
};

class WrongLengthTest : public ::testing::TestWithParam<LengthCase> {};

TEST_P(WrongLengthTest, IsAFrameSizeError) {
  std::vector<std::string> events = Decode(GetParam().hex);
  ASSERT_GE(events.size(), 3u);
  std::string scope(ErrorScopeName(GetParam().scope));
  EXPECT_THAT(events[1], HasSubstr("error FRAME_SIZE_ERROR " + scope));
  EXPECT_EQ(events.back(), GetParam().scope == ErrorScope::kConnection
                               ? "end consumed=9 kError"
                               : "end consumed=" + std::to_string(HexBytes(GetParam().hex).size()) +
                                     " kFrameHeader");
}

INSTANTIATE_TEST_SUITE_P(
    Section6, WrongLengthTest,
    ::testing::Values(
        // §6.3: a stream error, the only one among these.
        LengthCase{"Priority4_Section6_3", "000004 02 00 00000001 00000000", ErrorScope::kStream},
        LengthCase{"Priority6_Section6_3", "000006 02 00 00000001 000000000000",
                   ErrorScope::kStream},
        LengthCase{"RstStream3_Section6_4", "000003 03 00 00000001 000000",
                   ErrorScope::kConnection},
        LengthCase{"RstStream5_Section6_4", "000005 03 00 00000001 0000000000",
                   ErrorScope::kConnection},
        LengthCase{"Settings5_Section6_5", "000005 04 00 00000000 0000000000",
                   ErrorScope::kConnection},
        LengthCase{"Settings7_Section6_5", "000007 04 00 00000000 00000000000000",
                   ErrorScope::kConnection},
        LengthCase{"SettingsAckWithPayload_Section6_5", "000006 04 01 00000000 000100000000",
                   ErrorScope::kConnection},
        LengthCase{"Ping7_Section6_7", "000007 06 00 00000000 00000000000000",
                   ErrorScope::kConnection},
        LengthCase{"Ping9_Section6_7", "000009 06 01 00000000 000000000000000000",
                   ErrorScope::kConnection},
        LengthCase{"GoAway7_Section6_8", "000007 07 00 00000000 00000000000000",
                   ErrorScope::kConnection},
        LengthCase{"WindowUpdate3_Section6_9", "000003 08 00 00000001 000001",
                   ErrorScope::kConnection},
        LengthCase{"WindowUpdate5OnConnection_Section6_9", "000005 08 00 00000000 0000000001",
                   ErrorScope::kConnection},
        LengthCase{"PriorityUpdate3_Rfc9218", "000003 10 00 00000000 000001",
                   ErrorScope::kConnection},
        // §4.2 "too small to contain mandatory frame data".
        LengthCase{"PaddedDataWithoutPadLength", "000000 00 08 00000001", ErrorScope::kConnection},
        LengthCase{"HeadersTooShortForPriority", "000004 01 20 00000001 00000000",
                   ErrorScope::kConnection},
        LengthCase{"HeadersTooShortForPadAndPriority", "000005 01 28 00000001 0000000000",
                   ErrorScope::kConnection},
        LengthCase{"PushPromiseTooShort", "000003 05 04 00000001 000002", ErrorScope::kConnection},
        LengthCase{"PaddedPushPromiseTooShort", "000004 05 0c 00000001 00000002",
                   ErrorScope::kConnection}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(FrameDecoderTest, PriorityStreamErrorSkipsTheFrameAndGoesOn_Section6_3) {
  EXPECT_THAT(Decode("000006 02 00 00000003 000000000010"
                     "000000 00 01 00000003"),
              ElementsAre("header PRIORITY len=6 flags=0x00 stream=3",
                          "error FRAME_SIZE_ERROR stream \"PRIORITY length is not 5\"",
                          "header DATA len=0 flags=0x01 stream=3", "data_start pad=0", "data_end",
                          "end consumed=24 kFrameHeader"));
}

TEST(FrameDecoderTest, PaddingAsLongAsThePayloadIsAProtocolError_Section6_1) {
  // Pad Length 3 in a 3-octet payload: padding >= payload length.
  EXPECT_THAT(Decode("000003 00 08 00000001 | 03 | 0000"),
              ElementsAre("header DATA len=3 flags=0x08 stream=1",
                          "error PROTOCOL_ERROR connection \"Pad Length exceeds the frame "
                          "payload\"",
                          "end consumed=10 kError"));
  ExpectConnectionError("000001 00 08 00000001 | ff", ErrorCode::kProtocolError, 10);
}

TEST(FrameDecoderTest, PaddingBeyondThePayloadIsAProtocolError_Section6_2) {
  ExpectConnectionError("000003 01 0c 00000001 | 03 | 8286", ErrorCode::kProtocolError, 10);
  // With priority fields: 1 + 5 + padding 2 > 7.
  ExpectConnectionError("000007 01 28 00000001 | 02 | 0000000010 | 00", ErrorCode::kProtocolError,
                        15);
  // But padding filling exactly what the fields leave is fine.
  EXPECT_EQ(Decode("000008 01 28 00000001 | 02 | 0000000010 | 0000").back(),
            "end consumed=17 kFrameHeader");
}

TEST(FrameDecoderTest, PaddingBeyondThePayloadIsAProtocolError_Section6_6) {
  ExpectConnectionError("000006 05 0c 00000001 | 02 | 00000002 | 00", ErrorCode::kProtocolError,
                        14);
}

TEST(FrameDecoderTest, PushPromiseOfStreamZeroIsAProtocolError_Section6_6) {
  ExpectConnectionError("000004 05 04 00000001 | 80000000", ErrorCode::kProtocolError, 13);
}

TEST(FrameDecoderTest, InvalidSettingsValues_Section6_5_2) {
  struct Case {
    const char* entry;
    ErrorCode code;
  };
  const Case cases[] = {
      {"0002 00000002", ErrorCode::kProtocolError},     // ENABLE_PUSH not 0/1.
      {"0004 80000000", ErrorCode::kFlowControlError},  // INITIAL_WINDOW_SIZE > 2^31-1.
      {"0004 ffffffff", ErrorCode::kFlowControlError},
      {"0005 00003fff", ErrorCode::kProtocolError},  // MAX_FRAME_SIZE < 2^14.
      {"0005 01000000", ErrorCode::kProtocolError},  // MAX_FRAME_SIZE > 2^24-1.
      {"0008 00000002", ErrorCode::kProtocolError},  // RFC 8441 §3.
      {"0009 00000002", ErrorCode::kProtocolError},  // RFC 9218 §2.1.
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.entry);
    // A valid setting first: it is reported, then the error ends the connection.
    std::vector<std::string> events =
        Decode(std::string("00000c 04 00 00000000 0003 00000064 ") + c.entry);
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[1], "settings_start");
    EXPECT_EQ(events[2], "setting 0x03=100");
    EXPECT_THAT(events[3],
                HasSubstr("error " + std::string(ErrorCodeName(c.code)) + " connection"));
    EXPECT_EQ(events[4], "end consumed=21 kError");
  }
}

TEST(FrameDecoderTest, ZeroWindowIncrementOnAStreamIsAStreamError_Section6_9) {
  EXPECT_THAT(Decode("000004 08 00 00000005 80000000"
                     "000004 08 00 00000005 00000001"),
              ElementsAre("header WINDOW_UPDATE len=4 flags=0x00 stream=5",
                          "error PROTOCOL_ERROR stream \"WINDOW_UPDATE with a zero increment\"",
                          "header WINDOW_UPDATE len=4 flags=0x00 stream=5", "window_update 1",
                          "end consumed=26 kFrameHeader"));
}

TEST(FrameDecoderTest, ZeroWindowIncrementOnTheConnectionIsAConnectionError_Section6_9) {
  ExpectConnectionError("000004 08 00 00000000 00000000", ErrorCode::kProtocolError, 13);
}

TEST(FrameDecoderTest, PriorityUpdateOfStreamZeroIsAProtocolError_Rfc9218Section7_1) {
  ExpectConnectionError("000005 10 00 00000000 00000000 75", ErrorCode::kProtocolError, 14);
}

TEST(FrameDecoderTest, NothingIsDecodedAfterAConnectionError) {
  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  std::string bytes = HexBytes("000008 06 00 00000001 0000000000000000 000000 04 01 00000000");
  EXPECT_EQ(decoder.Decode(bytes), 9u);
  EXPECT_TRUE(decoder.HasError());
  EXPECT_EQ(decoder.error(), ErrorCode::kProtocolError);
  EXPECT_EQ(decoder.state(), FrameDecoder::State::kError);
  size_t events = recorder.events().size();
  EXPECT_EQ(decoder.Decode(bytes), 0u);
  EXPECT_EQ(decoder.Decode(HexBytes("000000 04 01 00000000")), 0u);
  EXPECT_EQ(recorder.events().size(), events);
  EXPECT_EQ(recorder.violation(), "");
}

// --- Resumption, views, Stop ------------------------------------------------------------------

// One of each valid frame, back to back: what the resumption tests feed.
std::string AllFrameTypes() {
  return HexBytes(
      "000009 00 09 00000003 03 68656c6c6f 000000"
      "00000a 01 2d 00000001 02 80000003 0f 8286 0000"
      "000005 02 00 00000003 80000001 00"
      "000004 03 00 00000001 00000008"
      "000012 04 00 00000000 0003 00000064 0004 0000ffff 00ff 00000001"
      "000000 04 01 00000000"
      "000009 05 0c 00000001 02 00000004 8286 0000"
      "000008 06 01 00000000 6162636465666768"
      "00000d 07 00 00000000 ffffffff 00000001 6465627567"
      "000004 08 00 00000001 80000400"
      "000001 09 04 00000001 84"
      "000016 0a 00 00000000 000b 68747470733a2f2f782e79 68323d223a34343322"
      "00000f 0c 00 00000000 0007 68747470733a2f 0004 612e6263"
      "000009 10 00 00000000 80000001 753d332c69"
      "000003 0b ff 00000007 616263"
      "000000 00 01 00000001");
}

TEST(FrameDecoderTest, EveryFrameTypeDecodesTheSameInAnyPieces) {
  std::string bytes = AllFrameTypes();
  std::vector<std::string> events = DecodeAllWays(
      bytes,
      [](const Pieces& pieces) {
        FrameRecorder recorder;
        FrameDecoder decoder(&recorder);
        for (std::span<const uint8_t> piece : pieces)
          EXPECT_EQ(decoder.Decode(piece), piece.size());
        EXPECT_EQ(recorder.violation(), "");
        EXPECT_TRUE(decoder.AtFrameBoundary());
        return recorder.events();
      },
      /*random_rounds=*/100);
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const std::string& e) { return e.starts_with("header "); }),
            16);
}

// Each frame's last callback arrives with its last byte: fed byte by byte, the recorder is
// between frames exactly at the frame ends.
TEST(FrameDecoderTest, FramesCompleteWithTheirLastByte) {
  std::string bytes = AllFrameTypes();
  std::vector<size_t> frame_ends;
  for (size_t at = 0; at < bytes.size();) {
    at += kFrameHeaderSize + ParseFrameHeader(AsBytes(bytes).data() + at).length;
    frame_ends.push_back(at);
  }
  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  std::vector<size_t> boundaries;
  for (size_t i = 0; i < bytes.size(); ++i) {
    ASSERT_EQ(decoder.Decode(AsBytes(bytes).subspan(i, 1)), 1u);
    if (decoder.AtFrameBoundary()) {
      EXPECT_TRUE(recorder.AtFrameBoundary()) << i;
      boundaries.push_back(i + 1);
    }
  }
  EXPECT_THAT(boundaries, ElementsAreArray(frame_ends));
}

TEST(FrameDecoderTest, EmptyInputIsANoOp) {
  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  EXPECT_EQ(decoder.Decode(std::span<const uint8_t>()), 0u);
  EXPECT_TRUE(decoder.AtFrameBoundary());
  EXPECT_TRUE(recorder.events().empty());
  EXPECT_EQ(decoder.Decode(HexBytes("0000")), 2u);
  EXPECT_FALSE(decoder.AtFrameBoundary());
  EXPECT_EQ(decoder.Decode(std::span<const uint8_t>()), 0u);
  EXPECT_FALSE(decoder.AtFrameBoundary());
}

// A listener that remembers where the payload pieces it was given point.
class PointerListener : public FrameRecorder {
 public:
  void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) override {
    pieces.push_back(data);
    FrameRecorder::OnDataPayload(h, data);
  }
  void OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) override {
    pieces.push_back(fragment);
    FrameRecorder::OnHeaderBlockFragment(h, fragment);
  }
  std::vector<std::span<const uint8_t>> pieces;
};

TEST(FrameDecoderTest, PayloadsAreViewsIntoTheInputNeverCopies) {
  std::string data(16384, 'd');
  std::string bytes =
      HexBytes("004000 00 01 00000001") + data + HexBytes("000004 01 0c 00000001 | 01 | 8286 | 00");
  PointerListener listener;
  FrameDecoder decoder(&listener);
  std::span<const uint8_t> input = AsBytes(bytes);
  // The 16 KiB DATA payload arrives in two reads: two views, each into its own read.
  EXPECT_EQ(decoder.Decode(input.first(10000)), 10000u);
  EXPECT_EQ(decoder.Decode(input.subspan(10000)), input.size() - 10000);
  ASSERT_EQ(listener.pieces.size(), 3u);
  EXPECT_EQ(listener.pieces[0].data(), input.data() + 9);
  EXPECT_EQ(listener.pieces[0].size(), 10000u - 9);
  EXPECT_EQ(listener.pieces[1].data(), input.data() + 10000);
  EXPECT_EQ(listener.pieces[1].size(), 16384u - (10000 - 9));
  EXPECT_EQ(listener.pieces[2].data(), input.data() + 9 + 16384 + 9 + 1);
  EXPECT_EQ(listener.pieces[2].size(), 2u);
  EXPECT_EQ(listener.violation(), "");
}

// A recorder that stops the decoder when it sees the n-th frame header.
class StoppingListener : public FrameRecorder {
 public:
  StoppingListener(int stop_at_frame) : stop_at_frame_(stop_at_frame) {}
  void set_decoder(FrameDecoder* decoder) { decoder_ = decoder; }
  void OnFrameHeader(const FrameHeader& h) override {
    FrameRecorder::OnFrameHeader(h);
    if (static_cast<int>(frames()) == stop_at_frame_) decoder_->Stop();
  }
  void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) override {
    FrameRecorder::OnDataPayload(h, data);
    if (stop_at_frame_ == 0) decoder_->Stop();
  }

 private:
  int stop_at_frame_;
  FrameDecoder* decoder_ = nullptr;
};

TEST(FrameDecoderTest, StopFromACallbackEndsDecoding) {
  std::string bytes = HexBytes(
      "000008 06 00 00000000 0000000000000000"
      "000000 04 01 00000000 000000 04 01 00000000");
  StoppingListener listener(2);
  FrameDecoder decoder(&listener);
  listener.set_decoder(&decoder);
  EXPECT_EQ(decoder.Decode(bytes), 17u + 9u);
  EXPECT_EQ(decoder.state(), FrameDecoder::State::kStopped);
  EXPECT_FALSE(decoder.HasError());
  EXPECT_EQ(decoder.Decode(bytes), 0u);
  EXPECT_THAT(listener.events(), ElementsAre("header PING len=8 flags=0x00 stream=0",
                                             "ping \"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"",
                                             "header SETTINGS len=0 flags=0x01 stream=0"));
}

TEST(FrameDecoderTest, StopInsideAPayloadPiece) {
  std::string bytes = HexBytes("000003 00 00 00000001 616263 000000 04 01 00000000");
  StoppingListener listener(0);
  FrameDecoder decoder(&listener);
  listener.set_decoder(&decoder);
  EXPECT_EQ(decoder.Decode(bytes), 12u);
  EXPECT_EQ(decoder.state(), FrameDecoder::State::kStopped);
  EXPECT_EQ(listener.events().back(), "data \"abc\"");
}

// Stop() from OnFrameError leaves the error visible.
class StopOnErrorListener : public FrameRecorder {
 public:
  FrameDecoder* decoder = nullptr;
  void OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                    std::string_view reason) override {
    FrameRecorder::OnFrameError(h, code, scope, reason);
    decoder->Stop();
  }
};

TEST(FrameDecoderTest, StopInsideOnFrameErrorKeepsTheError) {
  StopOnErrorListener listener;
  FrameDecoder decoder(&listener);
  listener.decoder = &decoder;
  EXPECT_EQ(decoder.Decode(HexBytes("000007 06 00 00000000 00000000000000")), 9u);
  EXPECT_EQ(decoder.state(), FrameDecoder::State::kError);
  EXPECT_EQ(decoder.error(), ErrorCode::kFrameSizeError);
  // A stream error followed by Stop(): stopped, no connection error.
  StopOnErrorListener listener2;
  FrameDecoder decoder2(&listener2);
  listener2.decoder = &decoder2;
  EXPECT_EQ(decoder2.Decode(HexBytes("000004 02 00 00000001 00000000 000000 04 01 00000000")), 9u);
  EXPECT_EQ(decoder2.state(), FrameDecoder::State::kStopped);
  EXPECT_EQ(decoder2.error(), ErrorCode::kNoError);
}

TEST(FrameDecoderTest, StateNames) {
  EXPECT_EQ(FrameDecoderStateName(FrameDecoder::State::kWholePayload), "kWholePayload");
  std::ostringstream out;
  out << FrameDecoder::State::kSkipPayload;
  EXPECT_EQ(out.str(), "kSkipPayload");
}

}  // namespace
}  // namespace h2engine::h2
