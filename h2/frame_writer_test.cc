// Frame writer tests: each writer's exact bytes (RFC 9113 §4.1, §6 and the extension RFCs), and
// round trips through FrameDecoder, including padded frames and field blocks split into
// CONTINUATION frames at 16,384 and at small frame sizes.

#include "h2/frame_writer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/frame_decoder.h"
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

std::string Hex(const ByteSink& sink) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : sink.span()) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string Spaceless(std::string_view hex) {
  std::string out;
  for (char c : hex) {
    if (c != ' ' && c != '|') out += c;
  }
  return out;
}

// Events of the decoded sink, checked to be the same however the bytes are split.
std::vector<std::string> Decoded(const ByteSink& sink, uint32_t max_frame_size = 16384) {
  return DecodeAllWays(
      sink.span(),
      [&](const Pieces& pieces) {
        FrameRecorder recorder;
        FrameDecoder decoder(&recorder);
        decoder.set_max_frame_size(max_frame_size);
        for (std::span<const uint8_t> piece : pieces)
          EXPECT_EQ(decoder.Decode(piece), piece.size());
        EXPECT_EQ(recorder.violation(), "");
        EXPECT_TRUE(decoder.AtFrameBoundary());
        return recorder.events();
      },
      /*random_rounds=*/5);
}

std::span<const uint8_t> Bytes(std::string_view s) { return AsBytes(s); }

TEST(FrameWriterTest, FrameHeader_Section4_1) {
  ByteSink out;
  WriteFrameHeader(out, {0x123456, FrameType::kHeaders, 0x25, kMaxStreamId});
  EXPECT_EQ(Hex(out), "12345601257fffffff");
}

TEST(FrameWriterTest, Data_Section6_1) {
  ByteSink out;
  WriteData(out, 1, Bytes("hello"), /*end_stream=*/true);
  WriteData(out, 3, {}, /*end_stream=*/false);
  EXPECT_EQ(Hex(out), Spaceless("000005 00 01 00000001 68656c6c6f | 000000 00 00 00000003"));
}

TEST(FrameWriterTest, PaddedData_Section6_1) {
  ByteSink out;
  WriteData(out, 3, Bytes("hello"), /*end_stream=*/false, /*pad_length=*/3);
  WriteData(out, 5, Bytes("x"), /*end_stream=*/true, /*pad_length=*/0);
  EXPECT_EQ(Hex(out), Spaceless("000009 00 08 00000003 | 03 | 68656c6c6f | 000000"
                                "000002 00 09 00000005 | 00 | 78"));
  EXPECT_THAT(Decoded(out), ElementsAre("header DATA len=9 flags=0x08 stream=3", "data_start pad=3",
                                        "data \"hello\"", "padding 3", "data_end",
                                        "header DATA len=2 flags=0x09 stream=5", "data_start pad=0",
                                        "data \"x\"", "data_end"));
}

TEST(FrameWriterTest, MaximalPaddingRoundTrips) {
  ByteSink out;
  WriteData(out, 1, {}, /*end_stream=*/false, /*pad_length=*/255);
  WriteHeaders(out, 1, Bytes("\x82"), true, true, PriorityFields{true, 7, 256}, 255);
  WritePushPromise(out, 1, 2, Bytes("\x82"), true, 255);
  EXPECT_THAT(
      Decoded(out),
      ElementsAre("header DATA len=256 flags=0x08 stream=1", "data_start pad=255", "padding 255",
                  "data_end", "header HEADERS len=262 flags=0x2d stream=1",
                  "headers_start pad=255 priority=excl:1,dep:7,weight:256", "fragment \"\\x82\"",
                  "padding 255", "headers_end", "header PUSH_PROMISE len=261 flags=0x0c stream=1",
                  "push_promise_start pad=255 promised=2", "fragment \"\\x82\"", "padding 255",
                  "push_promise_end"));
}

TEST(FrameWriterTest, Headers_Section6_2) {
  ByteSink out;
  WriteHeaders(out, 1, Bytes("\x82\x86"), /*end_stream=*/true, /*end_headers=*/true);
  WriteHeaders(out, 3, Bytes("\x82"), false, false, PriorityFields{true, 1, 16}, 2);
  EXPECT_EQ(Hex(out), Spaceless("000002 01 05 00000001 8286"
                                "000009 01 28 00000003 | 02 | 80000001 0f | 82 | 0000"));
  EXPECT_THAT(Decoded(out),
              ElementsAre("header HEADERS len=2 flags=0x05 stream=1",
                          "headers_start pad=0 priority=none", "fragment \"\\x82\\x86\"",
                          "headers_end", "header HEADERS len=9 flags=0x28 stream=3",
                          "headers_start pad=2 priority=excl:1,dep:1,weight:16",
                          "fragment \"\\x82\"", "padding 2", "headers_end"));
}

TEST(FrameWriterTest, Priority_Section6_3) {
  ByteSink out;
  WritePriority(out, 5, {false, 3, 1});
  WritePriority(out, 7, {true, kMaxStreamId, 256});
  EXPECT_EQ(Hex(out), Spaceless("000005 02 00 00000005 00000003 00"
                                "000005 02 00 00000007 ffffffff ff"));
  EXPECT_THAT(Decoded(out), ElementsAre("header PRIORITY len=5 flags=0x00 stream=5",
                                        "priority excl:0,dep:3,weight:1",
                                        "header PRIORITY len=5 flags=0x00 stream=7",
                                        "priority excl:1,dep:2147483647,weight:256"));
}

TEST(FrameWriterTest, RstStream_Section6_4) {
  ByteSink out;
  WriteRstStream(out, 1, ErrorCode::kCancel);
  EXPECT_EQ(Hex(out), Spaceless("000004 03 00 00000001 00000008"));
  EXPECT_THAT(Decoded(out),
              ElementsAre("header RST_STREAM len=4 flags=0x00 stream=1", "rst_stream CANCEL"));
}

TEST(FrameWriterTest, Settings_Section6_5) {
  ByteSink out;
  const Setting settings[] = {{SettingsId::kMaxConcurrentStreams, 100},
                              {SettingsId::kInitialWindowSize, 65535},
                              {static_cast<SettingsId>(0xff), 1}};
  WriteSettings(out, settings);
  WriteSettings(out, {});
  WriteSettingsAck(out);
  EXPECT_EQ(Hex(out), Spaceless("000012 04 00 00000000 0003 00000064 0004 0000ffff 00ff 00000001"
                                "000000 04 00 00000000"
                                "000000 04 01 00000000"));
  EXPECT_THAT(
      Decoded(out),
      ElementsAre("header SETTINGS len=18 flags=0x00 stream=0", "settings_start",
                  "setting 0x03=100", "setting 0x04=65535", "unknown_setting 0xff=1",
                  "settings_end", "header SETTINGS len=0 flags=0x00 stream=0", "settings_start",
                  "settings_end", "header SETTINGS len=0 flags=0x01 stream=0", "settings_ack"));
}

TEST(FrameWriterTest, PushPromise_Section6_6) {
  ByteSink out;
  WritePushPromise(out, 1, 2, Bytes("\x82"), /*end_headers=*/true);
  WritePushPromise(out, 1, 4, Bytes("\x82"), /*end_headers=*/false, /*pad_length=*/1);
  EXPECT_EQ(Hex(out), Spaceless("000005 05 04 00000001 00000002 82"
                                "000007 05 08 00000001 | 01 | 00000004 | 82 | 00"));
  EXPECT_THAT(Decoded(out),
              ElementsAre("header PUSH_PROMISE len=5 flags=0x04 stream=1",
                          "push_promise_start pad=0 promised=2", "fragment \"\\x82\"",
                          "push_promise_end", "header PUSH_PROMISE len=7 flags=0x08 stream=1",
                          "push_promise_start pad=1 promised=4", "fragment \"\\x82\"", "padding 1",
                          "push_promise_end"));
}

TEST(FrameWriterTest, Ping_Section6_7) {
  ByteSink out;
  WritePing(out, {1, 2, 3, 4, 5, 6, 7, 8}, /*ack=*/false);
  WritePing(out, {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}, /*ack=*/true);
  EXPECT_EQ(Hex(out), Spaceless("000008 06 00 00000000 0102030405060708"
                                "000008 06 01 00000000 6162636465666768"));
  EXPECT_THAT(Decoded(out),
              ElementsAre("header PING len=8 flags=0x00 stream=0",
                          "ping \"\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\"",
                          "header PING len=8 flags=0x01 stream=0", "ping_ack \"abcdefgh\""));
}

TEST(FrameWriterTest, GoAway_Section6_8) {
  ByteSink out;
  WriteGoAway(out, 0, ErrorCode::kNoError);
  WriteGoAway(out, 7, ErrorCode::kEnhanceYourCalm, std::string_view("calm"));
  EXPECT_EQ(Hex(out), Spaceless("000008 07 00 00000000 00000000 00000000"
                                "00000c 07 00 00000000 00000007 0000000b 63616c6d"));
  EXPECT_THAT(Decoded(out),
              ElementsAre("header GOAWAY len=8 flags=0x00 stream=0", "goaway last=0 NO_ERROR \"\"",
                          "header GOAWAY len=12 flags=0x00 stream=0",
                          "goaway last=7 ENHANCE_YOUR_CALM \"calm\""));
}

TEST(FrameWriterTest, WindowUpdate_Section6_9) {
  ByteSink out;
  WriteWindowUpdate(out, 0, kMaxWindowIncrement);
  WriteWindowUpdate(out, 9, 1);
  EXPECT_EQ(Hex(out), Spaceless("000004 08 00 00000000 7fffffff 000004 08 00 00000009 00000001"));
  EXPECT_THAT(
      Decoded(out),
      ElementsAre("header WINDOW_UPDATE len=4 flags=0x00 stream=0", "window_update 2147483647",
                  "header WINDOW_UPDATE len=4 flags=0x00 stream=9", "window_update 1"));
}

TEST(FrameWriterTest, Continuation_Section6_10) {
  ByteSink out;
  WriteContinuation(out, 1, Bytes("\x84"), /*end_headers=*/false);
  WriteContinuation(out, 1, {}, /*end_headers=*/true);
  EXPECT_EQ(Hex(out), Spaceless("000001 09 00 00000001 84 000000 09 04 00000001"));
}

TEST(FrameWriterTest, AltSvc_Rfc7838) {
  ByteSink out;
  WriteAltSvc(out, 0, "https://x.y", "h2=\":443\"");
  WriteAltSvc(out, 1, "", "clear");
  EXPECT_EQ(Hex(out), Spaceless("000016 0a 00 00000000 000b 68747470733a2f2f782e79 "
                                "68323d223a34343322"
                                "000007 0a 00 00000001 0000 636c656172"));
  EXPECT_THAT(Decoded(out), ElementsAre("header ALTSVC len=22 flags=0x00 stream=0",
                                        "altsvc origin=\"https://x.y\" value=\"h2=\\x22:443\\x22\"",
                                        "header ALTSVC len=7 flags=0x00 stream=1",
                                        "altsvc origin=\"\" value=\"clear\""));
}

TEST(FrameWriterTest, Origin_Rfc8336) {
  ByteSink out;
  const std::string_view origins[] = {"https://a.example", "https://b.example"};
  WriteOrigin(out, origins);
  WriteOrigin(out, {});
  EXPECT_EQ(Hex(out).substr(0, 18 + 4), Spaceless("000026 0c 00 00000000 0011"));
  EXPECT_THAT(Decoded(out), ElementsAre("header ORIGIN len=38 flags=0x00 stream=0",
                                        "origin \"https://a.example\" \"https://b.example\"",
                                        "header ORIGIN len=0 flags=0x00 stream=0", "origin"));
}

TEST(FrameWriterTest, PriorityUpdate_Rfc9218) {
  ByteSink out;
  WritePriorityUpdate(out, 5, "u=1");
  EXPECT_EQ(Hex(out), Spaceless("000007 10 00 00000000 00000005 753d31"));
  EXPECT_THAT(Decoded(out), ElementsAre("header PRIORITY_UPDATE len=7 flags=0x00 stream=0",
                                        "priority_update stream=5 \"u=1\""));
}

TEST(FrameWriterTest, WritersAppendToWhatIsThere) {
  ByteSink out;
  out.Append(std::string_view("PRI"));
  WriteSettingsAck(out);
  EXPECT_EQ(Hex(out), Spaceless("505249 000000 04 01 00000000"));
}

// --- Field blocks split into HEADERS + CONTINUATION, §4.3, §6.10 ---------------------------

struct SplitFrame {
  FrameType type;
  uint8_t flags;
  uint32_t length;
};

// Parses the frames of a sink (whole frames only) and returns their types, flags, lengths,
// and the concatenated field block.
std::vector<SplitFrame> Frames(const ByteSink& out, std::string* block, size_t first_skip) {
  std::vector<SplitFrame> frames;
  std::span<const uint8_t> bytes = out.span();
  while (!bytes.empty()) {
    FrameHeader h = ParseFrameHeader(bytes.data());
    frames.push_back({h.type, h.flags, h.length});
    size_t skip = frames.size() == 1 ? first_skip : 0;
    block->append(reinterpret_cast<const char*>(bytes.data()) + kFrameHeaderSize + skip,
                  h.length - skip);
    bytes = bytes.subspan(kFrameHeaderSize + h.length);
  }
  return frames;
}

std::string Block(size_t n) {
  std::string block(n, '\0');
  for (size_t i = 0; i < n; ++i) block[i] = static_cast<char>(i * 7 + 1);
  return block;
}

TEST(FrameWriterTest, HeaderBlockSplitsAtMaxFrameSize_Section6_10) {
  struct Case {
    size_t block;
    uint32_t max;
    bool priority;
  };
  const Case cases[] = {
      {0, 16384, false},    {1, 16384, false},    {16384, 16384, false}, {16385, 16384, false},
      {50000, 16384, true}, {16379, 16384, true}, {16380, 16384, true},  {10, 1, false},
      {10, 3, false},       {11, 6, true},        {12, 6, true},         {100, 7, false},
  };
  for (const Case& c : cases) {
    for (bool end_stream : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "block " << c.block << " max " << c.max << " priority "
                                        << c.priority << " end_stream " << end_stream);
      std::string block = Block(c.block);
      std::optional<PriorityFields> priority;
      if (c.priority) priority = PriorityFields{false, 3, 200};
      ByteSink out;
      WriteHeaderBlock(out, 9, AsBytes(block), end_stream, c.max, priority);

      std::string reassembled;
      std::vector<SplitFrame> frames = Frames(out, &reassembled, c.priority ? 5 : 0);
      EXPECT_EQ(reassembled, block);
      uint32_t first_room = c.max - (c.priority ? 5 : 0);
      size_t expected_frames =
          c.block <= first_room ? 1 : 1 + (c.block - first_room + c.max - 1) / c.max;
      ASSERT_EQ(frames.size(), expected_frames);
      for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(frames[i].type, i == 0 ? FrameType::kHeaders : FrameType::kContinuation);
        EXPECT_LE(frames[i].length, c.max);
        uint8_t expected_flags = 0;
        if (i == 0 && end_stream) expected_flags |= flags::kEndStream;
        if (i == 0 && c.priority) expected_flags |= flags::kPriority;
        if (i + 1 == frames.size()) expected_flags |= flags::kEndHeaders;
        EXPECT_EQ(frames[i].flags, expected_flags) << i;
        // Every frame but the last is full.
        if (i + 1 < frames.size()) {
          EXPECT_EQ(frames[i].length, c.max);
        }
      }
      // The decoder sees the same block, in the same frames.
      if (c.max >= 16384 || c.block < 200) {
        std::vector<std::string> events = Decoded(out);
        EXPECT_EQ(std::count_if(events.begin(), events.end(),
                                [](const std::string& e) { return e.starts_with("header "); }),
                  static_cast<long>(frames.size()));
      }
    }
  }
}

TEST(FrameWriterTest, HeaderBlockRoundTripsThroughTheDecoder) {
  std::string block = Block(40000);
  ByteSink out;
  WriteHeaderBlock(out, 1, AsBytes(block), /*end_stream=*/true, 16384);
  std::vector<std::string> events = Decoded(out);
  ASSERT_EQ(events.size(), 12u);
  EXPECT_EQ(events[0], "header HEADERS len=16384 flags=0x01 stream=1");
  EXPECT_EQ(events[1], "headers_start pad=0 priority=none");
  EXPECT_EQ(events[2], "fragment " + testing::EscapeBytes(block.substr(0, 16384)));
  EXPECT_EQ(events[3], "headers_end");
  EXPECT_EQ(events[4], "header CONTINUATION len=16384 flags=0x00 stream=1");
  EXPECT_EQ(events[8], "header CONTINUATION len=7232 flags=0x04 stream=1");
  EXPECT_EQ(events[10], "fragment " + testing::EscapeBytes(block.substr(32768)));
}

TEST(FrameWriterTest, PushPromiseBlockSplits_Section6_6) {
  std::string block = Block(10);
  ByteSink out;
  WritePushPromiseBlock(out, 1, 2, AsBytes(block), /*max_frame_size=*/8);
  std::string reassembled;
  std::vector<SplitFrame> frames = Frames(out, &reassembled, 4);
  EXPECT_EQ(reassembled, block);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].type, FrameType::kPushPromise);
  EXPECT_EQ(frames[0].flags, 0);
  EXPECT_EQ(frames[0].length, 8u);
  EXPECT_EQ(frames[1].type, FrameType::kContinuation);
  EXPECT_EQ(frames[1].flags, flags::kEndHeaders);
  EXPECT_EQ(frames[1].length, 6u);
  EXPECT_THAT(
      Decoded(out),
      ElementsAre("header PUSH_PROMISE len=8 flags=0x00 stream=1",
                  "push_promise_start pad=0 promised=2",
                  "fragment " + testing::EscapeBytes(block.substr(0, 4)), "push_promise_end",
                  "header CONTINUATION len=6 flags=0x04 stream=1", "continuation_start",
                  "fragment " + testing::EscapeBytes(block.substr(4)), "continuation_end"));
}

}  // namespace
}  // namespace h2engine::h2
