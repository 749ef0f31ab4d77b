// Trace output for every frame type, in nghttp -v's format (nghttp2 src/app_helper.cc).

#include "h2/frame_trace.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/frame_decoder.h"
#include "h2/frame_writer.h"
#include "h2/testing/bytes.h"
#include "h2/testing/frame_recorder.h"

namespace h2engine::h2 {
namespace {

using ::h2engine::h2::testing::AsBytes;
using ::h2engine::h2::testing::FrameRecorder;
using ::h2engine::h2::testing::HexBytes;

// Short indent keeps the expectations readable; the default is tested once below.
std::string Trace(std::string_view hex) {
  return TraceFrames(AsBytes(HexBytes(hex)), kDefaultMaxFrameSize, {"", "  "});
}

std::string Trace(const ByteSink& sink) {
  return TraceFrames(sink.span(), kDefaultMaxFrameSize, {"", "  "});
}

TEST(FrameTraceTest, MatchesNghttpVerboseWithItsIndent) {
  ByteSink out;
  const Setting settings[] = {{SettingsId::kMaxConcurrentStreams, 100},
                              {SettingsId::kInitialWindowSize, 65535}};
  WriteSettings(out, settings);
  WriteHeaders(out, 13, AsBytes(std::string(32, '\x82')), true, true,
               PriorityFields{false, 11, 16});
  FrameTraceOptions options;  // nghttp's 10-space indent.
  options.prefix = "[  0.001] send ";
  EXPECT_EQ(TraceFrames(out.span(), kDefaultMaxFrameSize, options),
            "[  0.001] send SETTINGS frame <length=12, flags=0x00, stream_id=0>\n"
            "          (niv=2)\n"
            "          [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]\n"
            "          [SETTINGS_INITIAL_WINDOW_SIZE(0x04):65535]\n"
            "[  0.001] send HEADERS frame <length=37, flags=0x25, stream_id=13>\n"
            "          ; END_STREAM | END_HEADERS | PRIORITY\n"
            "          (padlen=0, dep_stream_id=11, weight=16, exclusive=0)\n");
}

TEST(FrameTraceTest, Data) {
  ByteSink out;
  WriteData(out, 1, AsBytes("hello"), true);
  WriteData(out, 3, AsBytes("hi"), false, 4);
  EXPECT_EQ(Trace(out),
            "DATA frame <length=5, flags=0x01, stream_id=1>\n"
            "  ; END_STREAM\n"
            "DATA frame <length=7, flags=0x08, stream_id=3>\n"
            "  ; PADDED\n"
            "  (padlen=5)\n");
}

TEST(FrameTraceTest, HeadersPaddedWithoutPriority) {
  ByteSink out;
  WriteHeaders(out, 1, AsBytes("\x82"), false, false, std::nullopt, 2);
  EXPECT_EQ(Trace(out),
            "HEADERS frame <length=4, flags=0x08, stream_id=1>\n"
            "  ; PADDED\n"
            "  (padlen=3)\n");
}

TEST(FrameTraceTest, PriorityRstStreamWindowUpdate) {
  ByteSink out;
  WritePriority(out, 3, {true, 1, 256});
  WriteRstStream(out, 3, ErrorCode::kRefusedStream);
  WriteRstStream(out, 5, static_cast<ErrorCode>(0x77));
  WriteWindowUpdate(out, 0, 1000);
  EXPECT_EQ(Trace(out),
            "PRIORITY frame <length=5, flags=0x00, stream_id=3>\n"
            "  (dep_stream_id=1, weight=256, exclusive=1)\n"
            "RST_STREAM frame <length=4, flags=0x00, stream_id=3>\n"
            "  (error_code=REFUSED_STREAM(0x07))\n"
            "RST_STREAM frame <length=4, flags=0x00, stream_id=5>\n"
            "  (error_code=UNKNOWN(0x77))\n"
            "WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0>\n"
            "  (window_size_increment=1000)\n");
}

TEST(FrameTraceTest, SettingsWithUnknownAndAck) {
  ByteSink out;
  const Setting settings[] = {{SettingsId::kEnableConnectProtocol, 1},
                              {static_cast<SettingsId>(0x1234), 5}};
  WriteSettings(out, settings);
  WriteSettingsAck(out);
  EXPECT_EQ(Trace(out),
            "SETTINGS frame <length=12, flags=0x00, stream_id=0>\n"
            "  (niv=2)\n"
            "  [SETTINGS_ENABLE_CONNECT_PROTOCOL(0x08):1]\n"
            "  [UNKNOWN(0x1234):5]\n"
            "SETTINGS frame <length=0, flags=0x01, stream_id=0>\n"
            "  ; ACK\n"
            "  (niv=0)\n");
}

TEST(FrameTraceTest, PushPromiseAndContinuation) {
  ByteSink out;
  WritePushPromise(out, 1, 2, AsBytes("\x82\x87"), false, 0);
  WriteContinuation(out, 1, AsBytes("\x84"), true);
  EXPECT_EQ(Trace(out),
            "PUSH_PROMISE frame <length=7, flags=0x08, stream_id=1>\n"
            "  ; PADDED\n"
            "  (padlen=1, promised_stream_id=2)\n"
            "CONTINUATION frame <length=1, flags=0x04, stream_id=1>\n"
            "  ; END_HEADERS\n");
}

TEST(FrameTraceTest, PingAndGoAway) {
  ByteSink out;
  WritePing(out, {0, 1, 2, 3, 0xa, 0xb, 0xfe, 0xff}, false);
  WritePing(out, {0, 0, 0, 0, 0, 0, 0, 0}, true);
  WriteGoAway(out, 0, ErrorCode::kNoError);
  WriteGoAway(out, 5, ErrorCode::kProtocolError, std::string_view("bad\nframe"));
  EXPECT_EQ(Trace(out),
            "PING frame <length=8, flags=0x00, stream_id=0>\n"
            "  (opaque_data=000102030a0bfeff)\n"
            "PING frame <length=8, flags=0x01, stream_id=0>\n"
            "  ; ACK\n"
            "  (opaque_data=0000000000000000)\n"
            "GOAWAY frame <length=8, flags=0x00, stream_id=0>\n"
            "  (last_stream_id=0, error_code=NO_ERROR(0x00), opaque_data(0)=[])\n"
            "GOAWAY frame <length=17, flags=0x00, stream_id=0>\n"
            "  (last_stream_id=5, error_code=PROTOCOL_ERROR(0x01), opaque_data(9)=[bad.frame])\n");
}

TEST(FrameTraceTest, ExtensionFrames) {
  ByteSink out;
  WriteAltSvc(out, 0, "https://x.y", "h2=\":443\"");
  const std::string_view origins[] = {"https://a.example", "https://b.example"};
  WriteOrigin(out, origins);
  WritePriorityUpdate(out, 1, "u=0");
  EXPECT_EQ(Trace(out),
            "ALTSVC frame <length=22, flags=0x00, stream_id=0>\n"
            "  (origin=[https://x.y], altsvc_field_value=[h2=\":443\"])\n"
            "ORIGIN frame <length=38, flags=0x00, stream_id=0>\n"
            "  [https://a.example]\n"
            "  [https://b.example]\n"
            "PRIORITY_UPDATE frame <length=7, flags=0x00, stream_id=0>\n"
            "  (prioritized_stream_id=1, priority_field_value=[u=0])\n");
}

TEST(FrameTraceTest, UnknownInvalidAndIgnoredFrames) {
  EXPECT_EQ(Trace("000002 0b 03 00000001 0000"
                  "000001 0a 00 00000000 00"
                  "000006 02 00 00000003 000000000000"
                  "000007 06 00 00000000 00000000000000"
                  "000000 04 01 00000000"),  // Not decoded: after a connection error.
            "extension(0x0b) frame <length=2, flags=0x03, stream_id=1>\n"
            "[IGNORED; ALTSVC too short for Origin-Len] ALTSVC frame <length=1, flags=0x00, "
            "stream_id=0>\n"
            "[INVALID; error=FRAME_SIZE_ERROR(0x06), stream: PRIORITY length is not 5] PRIORITY "
            "frame <length=6, flags=0x00, stream_id=3>\n"
            "[INVALID; error=FRAME_SIZE_ERROR(0x06), connection: PING length is not 8] PING frame "
            "<length=7, flags=0x00, stream_id=0>\n");
}

TEST(FrameTraceTest, PartialSettingsBeforeAnInvalidValue) {
  EXPECT_EQ(Trace("00000c 04 00 00000000 0003 00000064 0002 00000002"),
            "[INVALID; error=PROTOCOL_ERROR(0x01), connection: SETTINGS_ENABLE_PUSH not 0 or 1] "
            "SETTINGS frame <length=12, flags=0x00, stream_id=0>\n"
            "  (niv=2)\n"
            "  [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]\n");
}

TEST(FrameTraceTest, ForwardsEveryCallbackToTheNextListener) {
  ByteSink out;
  WriteData(out, 1, AsBytes("hello"), true, 2);
  WriteHeaderBlock(out, 1, AsBytes(std::string(40, 'h')), false, 16384, PriorityFields{});
  WriteSettingsAck(out);
  WriteGoAway(out, 1, ErrorCode::kCancel);
  out.Append(HexBytes("000001 0b 00 00000001 00 000004 08 00 00000001 00000000"));

  FrameRecorder direct;
  FrameDecoder direct_decoder(&direct);
  EXPECT_EQ(direct_decoder.Decode(out.span()), out.size());

  FrameRecorder behind;
  std::vector<std::string> texts;
  FrameTracer tracer([&](std::string_view text) { texts.emplace_back(text); }, &behind);
  FrameDecoder decoder(&tracer);
  EXPECT_EQ(decoder.Decode(out.span()), out.size());
  EXPECT_EQ(behind.events(), direct.events());
  EXPECT_EQ(behind.violation(), "");
  EXPECT_EQ(texts.size(), 6u);  // One text per frame.
}

}  // namespace
}  // namespace h2engine::h2
