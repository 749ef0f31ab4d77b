// RFC 9113 §3-§8, one test (or a few) per MUST / MUST NOT that applies to the connection,
// server perspective (the client perspective's own rules are in connection_client_test.cc).
// Each test builds the peer's bytes with FrameSequence and asserts the exact frames the
// connection answers with (FrameLog summaries) and the events the application sees.
// Test names start with the section.

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/connection.h"
#include "h2/testing/connection_harness.h"
#include "h2/testing/frame_sequence.h"

namespace h2engine::h2 {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ConnectionHarness;
using testing::FrameSequence;
using testing::HeaderFields;
using testing::HeadersOptions;
using testing::RequestHeaders;

constexpr HeaderRef kOk[] = {{":status", "200"}};
constexpr uint32_t kMaxWindow = 0x7fffffff;

std::string GoAway(StreamId last, std::string_view code) {
  return "GOAWAY last=" + std::to_string(last) + " " + std::string(code);
}

std::string Finished(std::string_view code) { return "finished " + std::string(code); }

// Events with the reason of "finished" cut off, so tests do not depend on wording.
std::vector<std::string> Trim(std::vector<std::string> events) {
  for (std::string& e : events) {
    if (e.rfind("finished ", 0) == 0) e = e.substr(0, e.find(" \""));
  }
  return events;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : h_(Perspective::kServer) { h_.Handshake(); }
  ~ServerTest() override { EXPECT_EQ(h_.Problems(), ""); }

  void Reset(ConnectionOptions options, const std::vector<Setting>& peer_settings = {}) {
    h_.Reset(options);
    h_.Handshake(peer_settings);
  }
  FrameSequence& peer() { return h_.peer(); }
  Connection& conn() { return h_.conn(); }
  size_t Send() { return h_.Feed(peer().Take()); }
  std::vector<std::string> Out() { return h_.Output(); }
  std::vector<std::string> Events() { return Trim(h_.Events()); }
  // Open stream `id` with a request; end_stream as given. Drops the events.
  void Open(StreamId id, bool end_stream = false, HeaderFields extra = {}) {
    peer().Headers(id, RequestHeaders("POST", "/", extra), end_stream);
    Send();
    Events();
  }
  // ExpectConnectionError: the connection answered with GOAWAY(last, code) only, reported
  // it, and processes nothing more.
  void ExpectConnectionError(StreamId last, std::string_view code) {
    EXPECT_THAT(Out(), ElementsAre(GoAway(last, code)));
    const std::vector<std::string> events = Events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back(), Finished(code));
    EXPECT_FALSE(conn().want_read());
    EXPECT_TRUE(conn().is_closed());
    EXPECT_EQ(h_.Feed(FrameSequence().Ping(1).Take()), 0u);
  }

  ConnectionHarness h_;
};

// --- §3.4 Connection preface ---

TEST(PrefaceTest, Sec3_4_InvalidPrefaceIsConnectionProtocolError) {
  ConnectionHarness h(Perspective::kServer);
  h.Output();
  EXPECT_EQ(h.Feed("PRI * HTTP/1.1\r\n\r\nSM\r\n\r\n"), 0u);
  EXPECT_THAT(h.Output(), ElementsAre(GoAway(0, "PROTOCOL_ERROR")));
  EXPECT_THAT(Trim(h.Events()), ElementsAre(Finished("PROTOCOL_ERROR")));
  EXPECT_TRUE(h.conn().is_closed());
}

TEST(PrefaceTest, Sec3_4_PrefaceMayArriveByteByByte) {
  ConnectionHarness h(Perspective::kServer);
  h.Output();
  const std::string bytes = h.peer().ClientPreface().Take();
  for (char c : bytes) EXPECT_EQ(h.Feed(std::string_view(&c, 1)), 1u);
  EXPECT_THAT(h.Output(), ElementsAre("SETTINGS ACK"));
}

TEST(PrefaceTest, Sec3_4_FirstFrameMustBeSettings) {
  ConnectionHarness h(Perspective::kServer);
  h.Output();
  h.Feed(std::string(kClientPreface) + FrameSequence().Ping(7).Take());
  EXPECT_THAT(h.Output(), ElementsAre(GoAway(0, "PROTOCOL_ERROR")));
}

TEST(PrefaceTest, Sec3_4_FirstFrameMustNotBeASettingsAck) {
  ConnectionHarness h(Perspective::kServer);
  h.Output();
  h.Feed(std::string(kClientPreface) + FrameSequence().SettingsAck().Take());
  EXPECT_THAT(h.Output(), ElementsAre(GoAway(0, "PROTOCOL_ERROR")));
}

TEST(PrefaceTest, Sec3_4_ServerSendsSettingsAsItsFirstFrame) {
  ConnectionOptions options;
  options.max_concurrent_streams = 7;
  options.initial_window_size = 1 << 20;
  options.max_frame_size = 1 << 15;
  options.header_table_size = 8192;
  options.enable_connect_protocol = true;
  ConnectionHarness h(Perspective::kServer, options);
  EXPECT_THAT(h.Output(),
              ElementsAre("SETTINGS HEADER_TABLE_SIZE=8192 MAX_CONCURRENT_STREAMS=7 "
                          "INITIAL_WINDOW_SIZE=1048576 MAX_FRAME_SIZE=32768 "
                          "MAX_HEADER_LIST_SIZE=65536 ENABLE_CONNECT_PROTOCOL=1 "
                          "NO_RFC7540_PRIORITIES=1"));
}

// --- §4.1 Frame format ---

TEST_F(ServerTest, Sec4_1_UnknownFrameTypesAreIgnored) {
  Open(1);
  peer().RawFrame(0xfa, 0xff, 1, "whatever").RawFrame(0xfb, 0, 0, "").Data(1, "x", true);
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_THAT(Events(), ElementsAre("data 1 len=1", "end_stream 1"));
}

TEST_F(ServerTest, Sec4_1_UnusedFlagsAreIgnoredAndNotSent) {
  // PING with every flag but ACK set: answered with ACK only.
  peer().RawFrame(0x6, 0xfe, 0, std::string(8, '\x01'));
  Send();
  EXPECT_THAT(Out(), ElementsAre("PING ACK 0x0101010101010101"));
  EXPECT_EQ(h_.log().frames().back().header.flags, flags::kAck);
}

TEST_F(ServerTest, Sec4_1_ReservedBitOfStreamIdIsIgnored) {
  const std::string block = peer().EncodeBlock(RequestHeaders());
  peer().RawFrame(0x1, flags::kEndHeaders | flags::kEndStream, 0x80000001u, block);
  Send();
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1 request ES"),
                                    "end_stream 1"));
}

// --- §4.2 Frame size ---

TEST_F(ServerTest, Sec4_2_FrameAboveMaxFrameSizeIsFrameSizeError) {
  Open(1);
  peer().Data(1, std::string(16385, 'x'));
  Send();
  ExpectConnectionError(1, "FRAME_SIZE_ERROR");
}

TEST_F(ServerTest, Sec4_2_FramesUpToOurAdvertisedMaxFrameSizeAreAccepted) {
  ConnectionOptions options;
  options.max_frame_size = 32768;
  options.initial_window_size = 1 << 20;
  options.initial_connection_window_size = 1 << 20;
  Reset(options);
  Open(1);
  peer().Data(1, std::string(32768, 'x'), true);
  Send();
  EXPECT_THAT(Events(), ElementsAre("data 1 len=32768", "end_stream 1"));
}

TEST_F(ServerTest, Sec4_2_OurDataFramesRespectThePeersMaxFrameSize) {
  Reset({}, {{SettingsId::kMaxFrameSize, 20000}});
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>(
                                                std::string(50000, 'a'))));
  // The connection window (65,535) allows all of it; frames are at most 20,000 octets.
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 len=20000",
                                 "DATA 1 len=20000", "DATA 1 ES len=10000"));
}

TEST_F(ServerTest, Sec4_2_Sec4_3_HeaderBlocksAreSplitIntoContinuation) {
  Open(1, true);
  const std::string big(40000, 'v');
  const HeaderRef headers[] = {{":status", "200"}, {"x-big", big}};
  ASSERT_TRUE(conn().SubmitResponse(1, headers, nullptr));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 ES +2CONT [:status=200 x-big=" + big + "]"));
  const auto& frames = h_.log().frames();
  ASSERT_GE(frames.size(), 3u);
  for (size_t i = frames.size() - 3; i < frames.size(); ++i) {
    EXPECT_LE(frames[i].header.length, 16384u);
  }
}

TEST_F(ServerTest, Sec4_2_PriorityWithWrongLengthIsStreamFrameSizeError) {
  Open(1);
  peer().RawFrame(0x2, 0, 1, "\x00\x00\x00\x03");
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 FRAME_SIZE_ERROR"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 FRAME_SIZE_ERROR"));
}

struct BadFrame {
  const char* name;
  uint8_t type;
  uint8_t flags;
  StreamId stream;
  std::string payload;
  const char* code;
};

class ServerBadFrameTest : public ServerTest, public ::testing::WithParamInterface<BadFrame> {};

TEST_P(ServerBadFrameTest, IsAConnectionError) {
  const BadFrame& f = GetParam();
  peer().RawFrame(f.type, f.flags, f.stream, f.payload);
  Send();
  ExpectConnectionError(0, f.code);
}

// §4.2, §6.x: frames with invalid lengths or on the wrong stream.
INSTANTIATE_TEST_SUITE_P(
    Sec6, ServerBadFrameTest,
    ::testing::Values(
        BadFrame{"DataOnStream0_6_1", 0x0, 0, 0, "x", "PROTOCOL_ERROR"},
        BadFrame{"HeadersOnStream0_6_2", 0x1, 4, 0, "\x82", "PROTOCOL_ERROR"},
        BadFrame{"PriorityOnStream0_6_3", 0x2, 0, 0, std::string(5, '\0'), "PROTOCOL_ERROR"},
        BadFrame{"RstStreamOnStream0_6_4", 0x3, 0, 0, std::string(4, '\0'), "PROTOCOL_ERROR"},
        BadFrame{"RstStreamLength3_6_4", 0x3, 0, 1, std::string(3, '\0'), "FRAME_SIZE_ERROR"},
        BadFrame{"SettingsOnStream1_6_5", 0x4, 0, 1, "", "PROTOCOL_ERROR"},
        BadFrame{"SettingsLengthNotMultipleOf6_6_5", 0x4, 0, 0, std::string(5, '\0'),
                 "FRAME_SIZE_ERROR"},
        BadFrame{"SettingsAckWithPayload_6_5", 0x4, 1, 0, std::string(6, '\0'),
                 "FRAME_SIZE_ERROR"},
        BadFrame{"EnablePush2_6_5_2", 0x4, 0, 0, std::string("\x00\x02\x00\x00\x00\x02", 6),
                 "PROTOCOL_ERROR"},
        BadFrame{"InitialWindowAbove2to31_6_5_2", 0x4, 0, 0,
                 std::string("\x00\x04\x80\x00\x00\x00", 6), "FLOW_CONTROL_ERROR"},
        BadFrame{"MaxFrameSizeTooSmall_6_5_2", 0x4, 0, 0,
                 std::string("\x00\x05\x00\x00\x3f\xff", 6), "PROTOCOL_ERROR"},
        BadFrame{"MaxFrameSizeTooLarge_6_5_2", 0x4, 0, 0,
                 std::string("\x00\x05\x01\x00\x00\x00", 6), "PROTOCOL_ERROR"},
        BadFrame{"PushPromiseFromClient_8_4", 0x5, 4, 1, std::string("\x00\x00\x00\x02", 4),
                 "PROTOCOL_ERROR"},
        BadFrame{"PingOnStream1_6_7", 0x6, 0, 1, std::string(8, '\0'), "PROTOCOL_ERROR"},
        BadFrame{"PingLength7_6_7", 0x6, 0, 0, std::string(7, '\0'), "FRAME_SIZE_ERROR"},
        BadFrame{"GoAwayOnStream1_6_8", 0x7, 0, 1, std::string(8, '\0'), "PROTOCOL_ERROR"},
        BadFrame{"GoAwayLength7_6_8", 0x7, 0, 0, std::string(7, '\0'), "FRAME_SIZE_ERROR"},
        BadFrame{"WindowUpdateLength3_6_9", 0x8, 0, 0, std::string(3, '\0'), "FRAME_SIZE_ERROR"},
        BadFrame{"WindowUpdateZeroOnConnection_6_9", 0x8, 0, 0, std::string(4, '\0'),
                 "PROTOCOL_ERROR"},
        BadFrame{"ContinuationOnStream0_6_10", 0x9, 4, 0, "\x82", "PROTOCOL_ERROR"},
        BadFrame{"ContinuationWithoutHeaders_6_10", 0x9, 4, 1, "\x82", "PROTOCOL_ERROR"},
        BadFrame{"DataOnIdleStream_5_1", 0x0, 0, 1, "x", "PROTOCOL_ERROR"},
        BadFrame{"RstStreamOnIdleStream_6_4", 0x3, 0, 1, std::string(4, '\0'),
                 "PROTOCOL_ERROR"},
        BadFrame{"WindowUpdateOnIdleStream_5_1", 0x8, 0, 1, std::string("\0\0\0\1", 4),
                 "PROTOCOL_ERROR"},
        BadFrame{"SettingsAckWithoutSettings_6_5_3", 0x4, 1, 0, "", "PROTOCOL_ERROR"},
        BadFrame{"PriorityUpdateOnStream1_RFC9218_7_1", 0x10, 0, 1, std::string("\0\0\0\1", 4),
                 "PROTOCOL_ERROR"},
        BadFrame{"EvenStreamFromClient_5_1_1", 0x1, 5, 2, "\x82\x86\x84\x41\x01\x61",
                 "PROTOCOL_ERROR"}),
    [](const ::testing::TestParamInfo<BadFrame>& p) { return p.param.name; });

// --- §4.3 Field section compression ---

TEST_F(ServerTest, Sec4_3_HpackDecodingErrorIsCompressionError) {
  // Indexed field 0 (0x80) is invalid (RFC 7541 §6.1).
  peer().HeadersFragment(1, "\x80", true, true);
  Send();
  ExpectConnectionError(0, "COMPRESSION_ERROR");
}

TEST_F(ServerTest, Sec4_3_TruncatedHeaderBlockIsCompressionError) {
  // A literal whose string length says 5 octets, with 1.
  peer().HeadersFragment(1, std::string("\x82\x40\x05" "a", 4), true, true);
  Send();
  ExpectConnectionError(0, "COMPRESSION_ERROR");
}

TEST_F(ServerTest, Sec4_3_FrameInterleavedInHeaderBlockIsProtocolError) {
  const std::string block = peer().EncodeBlock(RequestHeaders());
  peer().HeadersFragment(1, block.substr(0, 2), true, /*end_headers=*/false).Ping(1);
  Send();
  ExpectConnectionError(0, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec4_3_ContinuationOnAnotherStreamIsProtocolError) {
  const std::string block = peer().EncodeBlock(RequestHeaders());
  peer()
      .HeadersFragment(1, block.substr(0, 2), true, false)
      .Continuation(3, block.substr(2), true);
  Send();
  ExpectConnectionError(0, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec4_3_HeaderBlockInManyContinuationFrames) {
  peer().HeadersInPieces(1, RequestHeaders("GET", "/a/long/path/to/split"), true, 3);
  Send();
  EXPECT_THAT(Events(), ElementsAre("headers 1 request ES [:method=GET :scheme=https "
                                    ":authority=example.test :path=/a/long/path/to/split]",
                                    "end_stream 1"));
}

TEST_F(ServerTest, Sec5_5_UnknownFrameInsideHeaderBlockIsProtocolError) {
  const std::string block = peer().EncodeBlock(RequestHeaders());
  peer().HeadersFragment(1, block.substr(0, 2), true, false).RawFrame(0xfa, 0, 1, "");
  Send();
  ExpectConnectionError(0, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec4_3_BlocksOfRefusedStreamsStillUpdateTheHpackTable) {
  ConnectionOptions options;
  options.max_concurrent_streams = 1;
  Reset(options);
  Open(1);
  // Stream 3 is refused, but its block adds "x-token: secret-value" to the dynamic table.
  peer().Headers(3, RequestHeaders("GET", "/", {{"x-token", "secret-value"}}), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 3 REFUSED_STREAM"));
  EXPECT_THAT(Events(), IsEmpty());
  peer().Data(1, "", true);
  Send();
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  Events();
  // Stream 5's block refers to that entry by index.
  peer().Headers(5, RequestHeaders("GET", "/", {{"x-token", "secret-value"}}), true);
  Send();
  EXPECT_THAT(Events(),
              ElementsAre("headers 5 request ES [:method=GET :scheme=https "
                          ":authority=example.test :path=/ x-token=secret-value]",
                          "end_stream 5"));
}

TEST_F(ServerTest, Sec4_3_BlocksOnStreamsWeResetStillUpdateTheHpackTable) {
  Open(1);
  ASSERT_TRUE(conn().SubmitRstStream(1, ErrorCode::kCancel));
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 CANCEL"));
  // Trailers the client sent before it saw our reset: decoded, then discarded.
  peer().Headers(1, {{"x-trailer", "abcdefgh"}}, true);
  peer().Headers(3, RequestHeaders("GET", "/", {{"x-trailer", "abcdefgh"}}), true);
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL",
                                    "headers 3 request ES [:method=GET :scheme=https "
                                    ":authority=example.test :path=/ x-trailer=abcdefgh]",
                                    "end_stream 3"));
}

TEST_F(ServerTest, Sec4_3_PeerHeaderTableSizeIsHonoured) {
  h_.Reset({}, /*peer_header_table_size=*/0);
  h_.Handshake({{SettingsId::kHeaderTableSize, 0}});
  // Our encoder must not use the dynamic table at all: the log's decoder has none.
  const HeaderRef headers[] = {{":status", "200"}, {"x-custom", "repeated-value"}};
  for (StreamId id : {1u, 3u, 5u}) {
    Open(id, true);
    ASSERT_TRUE(conn().SubmitResponse(id, headers, nullptr));
  }
  EXPECT_EQ(Out().size(), 3u);
  EXPECT_EQ(h_.log().error(), "");
}

// --- §5.1 Stream states ---

TEST_F(ServerTest, Sec5_1_PriorityOnIdleStreamDoesNotOpenIt) {
  peer().Priority(9, {false, 0, 16});
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  // Stream 9 stayed idle, so 5 (lower) may still be opened.
  Open(5, true);
  EXPECT_EQ(conn().num_active_streams(), 1u);
  peer().Headers(9, RequestHeaders(), true);
  Send();
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 9 request"), "end_stream 9"));
}

TEST_F(ServerTest, Sec5_1_DataOnHalfClosedRemoteIsStreamClosed) {
  Open(1, /*end_stream=*/true);
  peer().Data(1, "late");
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 STREAM_CLOSED"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 STREAM_CLOSED"));
  // §6.9: the DATA still counted against the connection window, and was credited back.
  EXPECT_TRUE(conn().want_read());
}

TEST_F(ServerTest, Sec5_1_HeadersOnHalfClosedRemoteIsStreamClosed) {
  Open(1, true);
  peer().Headers(1, {{"x-trailer", "1"}}, true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 STREAM_CLOSED"));
}

TEST_F(ServerTest, Sec5_1_Sec6_1_DataOnStreamClosedByEndStreamIsStreamClosed) {
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  Events();
  peer().Data(1, "x");
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 STREAM_CLOSED"));
  EXPECT_THAT(Events(), IsEmpty());  // the application is done with stream 1
}

TEST_F(ServerTest, Sec5_1_HeadersOnClosedStreamIsConnectionStreamClosed) {
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  Events();
  peer().Headers(1, RequestHeaders(), true);
  Send();
  ExpectConnectionError(1, "STREAM_CLOSED");
}

TEST_F(ServerTest, Sec5_1_FramesAfterOurRstStreamAreIgnored) {
  Open(1);
  ASSERT_TRUE(conn().SubmitRstStream(1, ErrorCode::kCancel));
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 CANCEL"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL"));
  peer()
      .Data(1, std::string(16384, 'x'))
      .WindowUpdate(1, 100)
      .Data(1, std::string(16384, 'x'))
      .Priority(1, {false, 0, 16})
      .RstStream(1, ErrorCode::kCancel)
      .Data(1, "y", true);
  Send();
  // Nothing but the connection-level credit for the discarded DATA.
  EXPECT_THAT(Out(), ElementsAre("WINDOW_UPDATE 0 +32768"));
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(ServerTest, Sec5_1_DataAfterPeerRstStreamIsStreamClosed) {
  Open(1);
  peer().RstStream(1, ErrorCode::kCancel);
  Send();
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL"));
  EXPECT_THAT(Out(), IsEmpty());  // §5.4.2: never answer RST_STREAM with RST_STREAM
  peer().Data(1, "x").Data(1, "y");
  Send();
  // One RST_STREAM: the stream then counts as reset by us, and later frames are discarded
  // rather than each provoking another RST_STREAM.
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 STREAM_CLOSED"));
}

TEST_F(ServerTest, Sec5_1_HeadersAfterPeerRstStreamIsConnectionStreamClosed) {
  Open(1);
  peer().RstStream(1, ErrorCode::kCancel).Headers(1, {{"x", "y"}}, true);
  Send();
  ExpectConnectionError(1, "STREAM_CLOSED");
}

TEST_F(ServerTest, Sec5_1_Sec6_9_WindowUpdateRstAndPriorityOnClosedStreamAreIgnored) {
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  Events();
  peer().WindowUpdate(1, 1000).RstStream(1, ErrorCode::kNoError).Priority(1, {false, 0, 16});
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_TRUE(conn().want_read());
}

TEST_F(ServerTest, Sec5_1_FrameOnStreamClosedLongAgoIsProtocolError) {
  ConnectionOptions options;
  options.closed_streams_remembered = 1;
  Reset(options);
  for (StreamId id : {1u, 3u}) {
    Open(id, true);
    ASSERT_TRUE(conn().SubmitResponse(id, kOk, nullptr));
  }
  Out();
  Events();
  peer().Data(1, "x");  // stream 1 is forgotten: only 3 is remembered
  Send();
  ExpectConnectionError(3, "PROTOCOL_ERROR");
}

// --- §5.1.1 Stream identifiers ---

TEST_F(ServerTest, Sec5_1_1_DecreasingStreamIdIsProtocolError) {
  // nghttp2 ignores this HEADERS; §5.1.1 requires a connection error.
  Open(5);
  peer().Headers(3, RequestHeaders(), true);
  Send();
  ExpectConnectionError(5, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec5_1_1_ReusedStreamIdIsAnError) {
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  Events();
  peer().Headers(1, RequestHeaders(), true);
  Send();
  ExpectConnectionError(1, "STREAM_CLOSED");
}

TEST_F(ServerTest, Sec5_1_1_SkippedStreamsAreClosed) {
  Open(5);
  peer().Data(3, "x");
  Send();
  ExpectConnectionError(5, "PROTOCOL_ERROR");
}

// --- §5.1.2 Stream concurrency ---

TEST_F(ServerTest, Sec5_1_2_StreamsBeyondOurLimitAreRefused) {
  ConnectionOptions options;
  options.max_concurrent_streams = 2;
  Reset(options);
  Open(1);
  Open(3);
  peer().Headers(5, RequestHeaders(), false).Data(5, "body", true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 5 REFUSED_STREAM"));
  EXPECT_THAT(Events(), IsEmpty());
  // Half-closed streams still count (§5.1.2); closing stream 1 frees a slot.
  ASSERT_TRUE(conn().SubmitRstStream(1, ErrorCode::kCancel));
  peer().Headers(7, RequestHeaders(), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 CANCEL"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL", ::testing::StartsWith("headers 7"),
                                    "end_stream 7"));
}

// --- §5.2, §6.9 Flow control ---

class FlowControlTest : public ServerTest {
 protected:
  FlowControlTest() {
    ConnectionOptions options;
    options.initial_window_size = 1000;
    options.max_stream_window = 1000;  // no auto-tuning
    Reset(options);
    h_.visitor().auto_consume = false;
  }
};

TEST_F(FlowControlTest, Sec6_9_1_DataBeyondStreamWindowIsFlowControlError) {
  Open(1);
  peer().Data(1, std::string(1000, 'x')).Data(1, "y");
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 FLOW_CONTROL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre("data 1 len=1000", "closed 1 FLOW_CONTROL_ERROR"));
}

TEST_F(FlowControlTest, Sec6_1_PaddingCountsTowardFlowControl) {
  Open(1);
  // 990 octets + Pad Length octet + 10 octets of padding = 1001 > 1000.
  peer().Data(1, std::string(990, 'x'), false, 10);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 FLOW_CONTROL_ERROR"));
}

TEST_F(FlowControlTest, Sec6_1_PaddedDataWithinTheWindowIsDeliveredWithoutPadding) {
  Open(1);
  peer().Data(1, "hello", true, 200);
  Send();
  EXPECT_THAT(Events(), ElementsAre("data 1 len=5", "end_stream 1"));
  EXPECT_EQ(h_.visitor().Body(1), "hello");
}

TEST_F(ServerTest, Sec6_9_1_DataBeyondConnectionWindowIsFlowControlError) {
  ConnectionOptions options;
  options.initial_window_size = 1 << 20;
  options.max_frame_size = 1 << 20;
  Reset(options);
  h_.visitor().auto_consume = false;
  Open(1);
  peer().Data(1, std::string(65535, 'x')).Data(1, "y");
  Send();
  ExpectConnectionError(1, "FLOW_CONTROL_ERROR");
}

TEST_F(ServerTest, Sec5_2_2_WindowUpdateOnlyAfterTheApplicationConsumed) {
  h_.visitor().auto_consume = false;
  Open(1);
  peer().Data(1, std::string(16384, 'a')).Data(1, std::string(16384, 'b'));
  Send();
  EXPECT_THAT(Out(), IsEmpty());  // nothing consumed: no credit
  conn().ConsumeData(1, 16384);
  EXPECT_THAT(Out(), IsEmpty());  // a quarter of the window: below the update threshold
  conn().ConsumeData(1, 16384);
  EXPECT_THAT(Out(), ElementsAre("WINDOW_UPDATE 1 +32768", "WINDOW_UPDATE 0 +32768"));
  conn().ConsumeData(1, 1);  // more than was delivered: ignored
  EXPECT_THAT(Out(), IsEmpty());
}

TEST_F(ServerTest, Sec6_9_WindowUpdateOverflowOnStreamIsStreamError) {
  Open(1, true);
  peer().WindowUpdate(1, kMaxWindow);  // 65,535 + 2^31-1
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 FLOW_CONTROL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 FLOW_CONTROL_ERROR"));
}

TEST_F(ServerTest, Sec6_9_WindowUpdateOverflowOnConnectionIsConnectionError) {
  peer().WindowUpdate(0, kMaxWindow - 65535).WindowUpdate(0, 1);
  Send();
  ExpectConnectionError(0, "FLOW_CONTROL_ERROR");
}

TEST_F(ServerTest, Sec6_9_ZeroIncrementOnStreamIsStreamProtocolError) {
  Open(1, true);
  peer().WindowUpdate(1, 0);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, Sec6_9_1_WeNeverExceedThePeersWindows) {
  Reset({}, {{SettingsId::kInitialWindowSize, 10}});
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>(
                                                std::string(25, 'z'))));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 len=10"));
  EXPECT_FALSE(conn().want_write());
  peer().WindowUpdate(1, 5);
  Send();
  EXPECT_THAT(Out(), ElementsAre("DATA 1 len=5"));
  peer().WindowUpdate(1, 100);
  Send();
  EXPECT_THAT(Out(), ElementsAre("DATA 1 ES len=10"));
}

TEST_F(ServerTest, Sec6_9_1_ConnectionWindowLimitsAllStreams) {
  Reset({}, {{SettingsId::kInitialWindowSize, 100000}});
  Open(1, true);
  Open(3, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>(
                                                std::string(60000, 'a'))));
  ASSERT_TRUE(conn().SubmitResponse(3, kOk, std::make_unique<StringDataSource>(
                                                std::string(10000, 'b'))));
  std::vector<std::string> out = Out();
  size_t sent = 0;
  for (const auto& f : h_.log().frames()) {
    if (f.header.type == FrameType::kData) sent += f.header.length;
  }
  EXPECT_EQ(sent, 65535u);
  peer().WindowUpdate(0, 10000);
  Send();
  Out();
  EXPECT_EQ(h_.log().Body(1).size() + h_.log().Body(3).size(), 70000u);
}

TEST_F(ServerTest, Sec6_9_2_InitialWindowChangeAppliesToOpenStreamsAndMayGoNegative) {
  Reset({}, {{SettingsId::kInitialWindowSize, 100}});
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>(
                                                std::string(300, 'q'))));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 len=100"));
  peer().Settings({{SettingsId::kInitialWindowSize, 50}});  // window 0 - 50 = -50
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK"));
  peer().WindowUpdate(1, 60);  // -50 + 60 = 10
  Send();
  EXPECT_THAT(Out(), ElementsAre("DATA 1 len=10"));
  peer().Settings({{SettingsId::kInitialWindowSize, 1000}});  // 0 + 950
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK", "DATA 1 ES len=190"));
}

TEST_F(ServerTest, Sec6_9_2_InitialWindowChangePastMaximumIsFlowControlError) {
  Open(1, true);
  peer().WindowUpdate(1, kMaxWindow - 65535);  // the stream window is now 2^31-1
  peer().Settings({{SettingsId::kInitialWindowSize, 65536}});
  Send();
  ExpectConnectionError(1, "FLOW_CONTROL_ERROR");
}

TEST_F(ServerTest, Sec6_5_3_SettingsAreProcessedInOrder) {
  Reset({}, {{SettingsId::kInitialWindowSize, 5}, {SettingsId::kInitialWindowSize, 7}});
  EXPECT_EQ(conn().peer_settings().initial_window_size, 7u);
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("0123456789")));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 len=7"));
}

TEST_F(ServerTest, Sec6_5_2_UnknownSettingsAreIgnored) {
  peer().Settings({{static_cast<SettingsId>(0xabc), 42}, {SettingsId::kMaxFrameSize, 16385}});
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK"));
  EXPECT_EQ(conn().peer_settings().max_frame_size, 16385u);
}

TEST(AutoTuningTest, Sec5_2_3_ReceiveWindowGrowsWhenTheApplicationKeepsUp) {
  ConnectionOptions options;
  options.measure_rtt = true;
  ConnectionHarness h(Perspective::kServer);
  h.Reset(options);
  // Reset() keeps measure_rtt as given.
  h.Output();
  h.Feed(h.peer().ClientPreface().SettingsAck().Take());
  EXPECT_THAT(h.Output(), ElementsAre("SETTINGS ACK", ::testing::StartsWith("PING 0x")));
  const uint64_t ping = h.log().frames().back().opaque;
  h.Advance(std::chrono::milliseconds(20));
  h.Feed(h.peer().PingAck(ping).Take());
  EXPECT_EQ(h.conn().rtt(), std::chrono::milliseconds(20));
  h.Feed(h.peer().Headers(1, RequestHeaders("POST"), false).Take());
  // The client sends whole windows; the application consumes at once.
  uint64_t granted = 0;
  for (int round = 0; round < 8; ++round) {
    h.Advance(std::chrono::milliseconds(1));
    for (int i = 0; i < 4; ++i) h.Feed(h.peer().Data(1, std::string(16384, 'x')).Take());
    h.Output();
    granted = 0;
    for (const auto& f : h.log().frames()) {
      if (f.header.type == FrameType::kWindowUpdate && f.header.stream_id == 1) {
        granted += f.increment;
      }
    }
    h.Feed(h.peer().Take());
  }
  // Eight rounds of 64 KiB were received, and the credit granted exceeds that: the window
  // grew toward the bandwidth-delay product.
  EXPECT_GT(granted, 8u * 65536u);
  EXPECT_EQ(h.Problems(), "");
}

TEST(ConnectionWindowTest, Sec6_9_2_LargerConnectionWindowIsGrantedAtOnce) {
  ConnectionOptions options;
  options.initial_connection_window_size = 1 << 20;
  ConnectionHarness h(Perspective::kServer, options);
  EXPECT_THAT(h.Output(), ElementsAre(::testing::StartsWith("SETTINGS "),
                                      "WINDOW_UPDATE 0 +983041"));
}

// --- §5.3.1, §6.3 Priority (RFC 7540 signals: validated, otherwise ignored) ---

TEST_F(ServerTest, Sec5_3_1_HeadersDependingOnItselfIsStreamProtocolError) {
  HeadersOptions options;
  options.priority = PriorityFields{false, 1, 16};
  peer().Headers(1, RequestHeaders(), true, options);
  peer().Headers(3, RequestHeaders(), true);  // the HPACK state is intact
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 3 request ES"),
                                    "end_stream 3"));
}

TEST_F(ServerTest, Sec5_3_1_PriorityDependingOnItselfIsAnError) {
  Open(1);
  peer().Priority(1, {false, 1, 16});
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  // On an idle stream RST_STREAM may not be sent (§6.4): a connection error.
  peer().Priority(7, {true, 7, 256});
  Send();
  ExpectConnectionError(1, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec5_3_2_Rfc7540PrioritySignalsAreIgnored) {
  HeadersOptions options;
  options.priority = PriorityFields{true, 0, 256};
  peer().Headers(1, RequestHeaders(), true, options).Priority(1, {false, 3, 1});
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1"), "end_stream 1"));
}

// --- §5.4 Error handling ---

TEST_F(ServerTest, Sec5_4_1_ConnectionErrorClosesStreamsAndStops) {
  Open(1);
  Open(3);
  peer().RawFrame(0x0, 0, 0, "x").Ping(1);  // DATA on stream 0
  EXPECT_LT(Send(), 40u);
  EXPECT_THAT(Out(), ElementsAre(GoAway(3, "PROTOCOL_ERROR")));
  EXPECT_FALSE(h_.log().frames().back().payload.empty());  // debug data says why
  EXPECT_THAT(Events(), ElementsAre("closed 1 PROTOCOL_ERROR", "closed 3 PROTOCOL_ERROR",
                                    Finished("PROTOCOL_ERROR")));
  EXPECT_FALSE(conn().SubmitResponse(1, kOk, nullptr));
  EXPECT_TRUE(conn().is_closed());
}

// --- §6.1, §6.2 Padding ---

TEST_F(ServerTest, Sec6_1_PadLengthTooLargeIsProtocolError) {
  Open(1);
  peer().RawFrame(0x0, flags::kPadded, 1, std::string("\x05" "abc", 4));
  Send();
  ExpectConnectionError(1, "PROTOCOL_ERROR");
}

TEST_F(ServerTest, Sec6_2_PaddedHeadersAreAccepted) {
  HeadersOptions options;
  options.pad_length = 30;
  peer().Headers(1, RequestHeaders(), true, options);
  Send();
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1"), "end_stream 1"));
}

// --- §6.4 RST_STREAM ---

TEST_F(ServerTest, Sec6_4_PeerResetStopsOurResponse) {
  Reset({}, {{SettingsId::kInitialWindowSize, 10}});
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>(
                                                std::string(100, 'a'))));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 len=10"));
  peer().RstStream(1, ErrorCode::kCancel).WindowUpdate(0, 1000);
  Send();
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL"));
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_FALSE(conn().SubmitTrailers(1, {}));
  EXPECT_FALSE(conn().SubmitRstStream(1, ErrorCode::kCancel));
}

// --- §6.5 SETTINGS ---

TEST(SettingsTimeoutTest, Sec6_5_3_MissingAckIsSettingsTimeout) {
  ConnectionOptions options;
  options.settings_timeout = std::chrono::milliseconds(500);
  ConnectionHarness h(Perspective::kServer, options);
  h.Output();
  h.Feed(h.peer().ClientPreface().Take());  // no ACK
  h.Output();
  ASSERT_TRUE(h.conn().NextDeadline().has_value());
  EXPECT_EQ(*h.conn().NextDeadline(), h.now() + std::chrono::milliseconds(500));
  h.Advance(std::chrono::milliseconds(499));
  h.conn().OnTimer(h.now());
  EXPECT_THAT(h.Output(), IsEmpty());
  h.Advance(std::chrono::milliseconds(1));
  h.conn().OnTimer(h.now());
  EXPECT_THAT(h.Output(), ElementsAre(GoAway(0, "SETTINGS_TIMEOUT")));
}

TEST_F(ServerTest, Sec6_5_3_AckedSettingsHaveNoDeadline) {
  EXPECT_FALSE(conn().NextDeadline().has_value());
}

TEST_F(ServerTest, RFC8441_Sec3_ConnectProtocolCannotBeWithdrawn) {
  peer().Settings({{SettingsId::kEnableConnectProtocol, 1}});
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK"));
  peer().Settings({{SettingsId::kEnableConnectProtocol, 0}});
  Send();
  ExpectConnectionError(0, "PROTOCOL_ERROR");
}

// --- §6.7 PING ---

TEST_F(ServerTest, Sec6_7_PingIsAnsweredFirst) {
  Open(1, true);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("body")));
  peer().Ping(0x0102030405060708).PingAck(99);  // an ACK is never answered
  Send();
  EXPECT_THAT(Out(), ElementsAre("PING ACK 0x0102030405060708", "HEADERS 1 [:status=200]",
                                 "DATA 1 ES len=4"));
}

TEST_F(ServerTest, Sec6_7_OurPingMeasuresRtt) {
  conn().SubmitPing(42, h_.now());
  EXPECT_THAT(Out(), ElementsAre("PING 0x000000000000002a"));
  h_.Advance(std::chrono::milliseconds(7));
  peer().PingAck(42);
  Send();
  EXPECT_THAT(Events(), ElementsAre("ping_ack 0x000000000000002a"));
  EXPECT_EQ(conn().rtt(), std::chrono::milliseconds(7));
}

// --- §6.8 GOAWAY ---

TEST_F(ServerTest, Sec6_8_GracefulShutdownInTwoSteps) {
  Open(1);
  conn().StartGracefulShutdown(h_.now());
  std::vector<std::string> out = Out();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], GoAway(kMaxWindow, "NO_ERROR"));
  EXPECT_THAT(out[1], ::testing::StartsWith("PING 0x"));
  const uint64_t ping = h_.log().frames().back().opaque;
  // A stream opened before the client saw the first GOAWAY is still served.
  Open(3, true);
  peer().PingAck(ping);
  Send();
  EXPECT_THAT(Out(), ElementsAre(GoAway(3, "NO_ERROR")));
  // Streams above 3 are now discarded (their header blocks still decoded).
  peer().Headers(5, RequestHeaders(), true);
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_THAT(Events(), IsEmpty());
  EXPECT_FALSE(conn().is_closed());
  // In-flight streams complete; then the connection is finished.
  ASSERT_TRUE(conn().SubmitResponse(3, kOk, nullptr));
  peer().Data(1, "", true);
  Send();
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 3 ES [:status=200]", "HEADERS 1 ES [:status=200]"));
  EXPECT_THAT(Events(), ElementsAre("closed 3 NO_ERROR", "end_stream 1", "closed 1 NO_ERROR",
                                    Finished("NO_ERROR")));
  EXPECT_TRUE(conn().is_closed());
}

TEST_F(ServerTest, Sec6_8_GracefulShutdownWithoutPingAckUsesTheTimer) {
  conn().StartGracefulShutdown(h_.now());
  Out();
  ASSERT_TRUE(conn().NextDeadline().has_value());
  h_.Advance(std::chrono::seconds(5));
  conn().OnTimer(h_.now());
  EXPECT_THAT(Out(), ElementsAre(GoAway(0, "NO_ERROR")));
  EXPECT_THAT(Events(), ElementsAre(Finished("NO_ERROR")));
  EXPECT_TRUE(conn().is_closed());
}

TEST_F(ServerTest, Sec6_8_DataOnDiscardedStreamsCountsTowardTheConnectionWindow) {
  Open(1);  // keeps the connection from finishing
  conn().SubmitGoAway(ErrorCode::kNoError, "bye");
  EXPECT_THAT(Out(), ElementsAre(GoAway(1, "NO_ERROR")));
  peer().Headers(3, RequestHeaders(), false).Data(3, std::string(16384, 'x'));
  peer().Data(3, std::string(16384, 'x'));
  Send();
  EXPECT_THAT(Out(), ElementsAre("WINDOW_UPDATE 0 +32768"));
}

TEST_F(ServerTest, Sec6_8_PeerGoAwayWithErrorFinishesTheConnection) {
  Open(1);
  peer().GoAway(0, ErrorCode::kEnhanceYourCalm, "too fast");
  Send();
  EXPECT_THAT(Events(), ElementsAre("goaway last=0 ENHANCE_YOUR_CALM \"too fast\"",
                                    "closed 1 ENHANCE_YOUR_CALM", Finished("ENHANCE_YOUR_CALM")));
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_TRUE(conn().is_closed());
}

TEST_F(ServerTest, Sec6_8_PeerGracefulGoAwayFinishesWhenStreamsAreDone) {
  Open(1, true);
  peer().GoAway(0, ErrorCode::kNoError);
  Send();
  EXPECT_THAT(Events(), ElementsAre("goaway last=0 NO_ERROR \"\""));
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, nullptr));
  Out();
  EXPECT_THAT(Events(), ElementsAre("closed 1 NO_ERROR", Finished("NO_ERROR")));
  EXPECT_TRUE(conn().is_closed());
}

// --- §8.1 HTTP message framing ---

TEST_F(ServerTest, Sec8_1_RequestTrailersAreDelivered) {
  peer()
      .Headers(1, RequestHeaders("POST", "/", {{"te", "trailers"}}), false)
      .Data(1, "abc")
      .Headers(1, {{"x-checksum", "123"}}, true);
  Send();
  EXPECT_THAT(Events(),
              ElementsAre(::testing::StartsWith("headers 1 request ["), "data 1 len=3",
                          "headers 1 trailers ES [x-checksum=123]", "end_stream 1"));
}

TEST_F(ServerTest, Sec8_1_TrailersWithoutEndStreamAreMalformed) {
  Open(1);
  peer().Headers(1, {{"x-checksum", "123"}}, false);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, Sec8_1_PseudoHeadersInTrailersAreMalformed) {
  Open(1);
  peer().Headers(1, {{":path", "/"}}, true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, Sec8_1_1_ContentLengthShorterThanDataIsMalformed) {
  peer().Headers(1, RequestHeaders("POST", "/", {{"content-length", "3"}}), false);
  peer().Data(1, "abcd", true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1"),
                                    "closed 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, Sec8_1_1_ContentLengthLongerThanDataIsMalformed) {
  peer().Headers(1, RequestHeaders("POST", "/", {{"content-length", "10"}}), false);
  peer().Data(1, "abcd", true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1"), "data 1 len=4",
                                    "closed 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, Sec8_1_1_ContentLengthWithEndStreamOnHeadersIsMalformed) {
  peer().Headers(1, RequestHeaders("POST", "/", {{"content-length", "1"}}), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(ServerTest, Sec8_1_ResponseBeforeTheRequestIsComplete) {
  Open(1);
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("early")));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 ES len=5"));
  peer().Data(1, "rest", true);
  Send();
  EXPECT_THAT(Events(), ElementsAre("data 1 len=4", "end_stream 1", "closed 1 NO_ERROR"));
}

// --- §8.2, §8.3 Fields and pseudo-header fields: each malformed request is reset ---

struct MalformedRequest {
  const char* name;
  HeaderFields fields;
};

class MalformedRequestTest : public ServerTest,
                             public ::testing::WithParamInterface<MalformedRequest> {};

TEST_P(MalformedRequestTest, IsResetWithProtocolError) {
  peer().Headers(1, GetParam().fields, true);
  peer().Headers(3, RequestHeaders(), true);  // the connection goes on
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 3"), "end_stream 3"));
}

HeaderFields Req(HeaderFields extra) { return RequestHeaders("GET", "/", std::move(extra)); }

INSTANTIATE_TEST_SUITE_P(
    Sec8, MalformedRequestTest,
    ::testing::Values(
        MalformedRequest{"UppercaseName_8_2_1", Req({{"X-Upper", "1"}})},
        MalformedRequest{"SpaceInName_8_2_1", Req({{"x y", "1"}})},
        MalformedRequest{"ColonInName_8_2_1", Req({{"x:y", "1"}})},
        MalformedRequest{"NulInValue_8_2_1", Req({{"x", std::string("a\0b", 3)}})},
        MalformedRequest{"CrInValue_8_2_1", Req({{"x", "a\rb"}})},
        MalformedRequest{"LfInValue_8_2_1", Req({{"x", "a\nb"}})},
        MalformedRequest{"LeadingSpace_8_2_1", Req({{"x", " a"}})},
        MalformedRequest{"TrailingTab_8_2_1", Req({{"x", "a\t"}})},
        MalformedRequest{"Connection_8_2_2", Req({{"connection", "keep-alive"}})},
        MalformedRequest{"KeepAlive_8_2_2", Req({{"keep-alive", "5"}})},
        MalformedRequest{"ProxyConnection_8_2_2", Req({{"proxy-connection", "x"}})},
        MalformedRequest{"TransferEncoding_8_2_2", Req({{"transfer-encoding", "chunked"}})},
        MalformedRequest{"Upgrade_8_2_2", Req({{"upgrade", "h2c"}})},
        MalformedRequest{"TeNotTrailers_8_2_2", Req({{"te", "gzip"}})},
        MalformedRequest{"PseudoAfterRegular_8_3",
                         {{":method", "GET"}, {":scheme", "https"}, {"x", "1"}, {":path", "/"}}},
        MalformedRequest{"UnknownPseudo_8_3", Req({{":foo", "bar"}})},
        MalformedRequest{"StatusInRequest_8_3", Req({{":status", "200"}})},
        MalformedRequest{"DuplicatePath_8_3",
                         {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {":path", "/"}}},
        MalformedRequest{"MissingMethod_8_3_1", {{":scheme", "https"}, {":path", "/"}}},
        MalformedRequest{"MissingScheme_8_3_1", {{":method", "GET"}, {":path", "/"}}},
        MalformedRequest{"MissingPath_8_3_1", {{":method", "GET"}, {":scheme", "https"}}},
        MalformedRequest{"EmptyPath_8_3_1", {{":method", "GET"}, {":scheme", "https"},
                                             {":authority", "a.test"}, {":path", ""}}},
        MalformedRequest{"UserinfoInAuthority_8_3_1",
                         {{":method", "GET"}, {":scheme", "https"}, {":authority", "u@a.test"},
                          {":path", "/"}}},
        MalformedRequest{"ConnectWithPath_8_5",
                         {{":method", "CONNECT"}, {":authority", "a.test:443"}, {":path", "/"}}},
        MalformedRequest{"ConnectWithoutAuthority_8_5", {{":method", "CONNECT"}}},
        MalformedRequest{"ProtocolWithoutSetting_RFC8441_3",
                         {{":method", "CONNECT"}, {":protocol", "websocket"},
                          {":scheme", "https"}, {":authority", "a.test"}, {":path", "/chat"}}}),
    [](const ::testing::TestParamInfo<MalformedRequest>& p) { return p.param.name; });

TEST_F(ServerTest, Sec8_2_2_TeTrailersIsAllowed) {
  peer().Headers(1, Req({{"te", "trailers"}}), true);
  Send();
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 1"), "end_stream 1"));
}

TEST_F(ServerTest, Sec8_2_3_CookieCrumbsAreDeliveredAsSeparateFields) {
  peer().Headers(1, Req({{"cookie", "a=1"}, {"cookie", "b=2"}}), true);
  Send();
  const HeaderList* headers = h_.visitor().LastHeaders(1);
  ASSERT_NE(headers, nullptr);
  ASSERT_EQ(headers->size(), 6u);
  EXPECT_EQ((*headers)[4].value, "a=1");
  EXPECT_EQ((*headers)[5].value, "b=2");
}

// --- §8.5 CONNECT, RFC 8441 extended CONNECT ---

TEST_F(ServerTest, Sec8_5_ConnectTunnelCarriesDataButNoMoreHeaders) {
  peer().Headers(1, {{":method", "CONNECT"}, {":authority", "db.test:5432"}}, false);
  Send();
  EXPECT_THAT(Events(), ElementsAre("headers 1 request [:method=CONNECT :authority=db.test:5432]"));
  ASSERT_TRUE(conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("pong")));
  EXPECT_FALSE(conn().SubmitTrailers(1, {}));
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 ES len=4"));
  peer().Data(1, "ping");
  Send();
  EXPECT_THAT(Events(), ElementsAre("data 1 len=4"));
  peer().Headers(1, {{"x-trailer", "no"}}, true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
}

TEST_F(ServerTest, RFC8441_Sec4_ExtendedConnectWhenEnabled) {
  ConnectionOptions options;
  options.enable_connect_protocol = true;
  Reset(options);
  peer().Headers(1, {{":method", "CONNECT"}, {":protocol", "websocket"}, {":scheme", "https"},
                     {":authority", "a.test"}, {":path", "/chat"}},
                 false);
  Send();
  EXPECT_THAT(Events(), ElementsAre("headers 1 request [:method=CONNECT :protocol=websocket "
                                    ":scheme=https :authority=a.test :path=/chat]"));
}

// --- §8.6 ---

TEST_F(ServerTest, Sec8_6_WeNeverSend101) {
  Open(1, true);
  const HeaderRef switching[] = {{":status", "101"}};
  EXPECT_FALSE(conn().SubmitInformational(1, switching));
  EXPECT_FALSE(conn().SubmitResponse(1, switching, nullptr));
}

// --- §10.5 Denial of service ---

TEST_F(ServerTest, Sec10_5_RapidResetIsEnhanceYourCalm) {
  ConnectionOptions options;
  options.rate_limits.peer_resets = {10, 1};
  Reset(options);
  for (StreamId id = 1; id <= 21; id += 2) {
    peer().Headers(id, RequestHeaders(), false).RstStream(id, ErrorCode::kCancel);
  }
  Send();
  EXPECT_THAT(Out(), ElementsAre(GoAway(21, "ENHANCE_YOUR_CALM")));
}

TEST_F(ServerTest, Sec10_5_PingFloodIsEnhanceYourCalm) {
  ConnectionOptions options;
  options.rate_limits.pings = {3, 1};
  Reset(options);
  for (int i = 0; i < 4; ++i) peer().Ping(i);
  Send();
  EXPECT_THAT(Out(), ElementsAre("PING ACK 0x0000000000000000", "PING ACK 0x0000000000000001",
                                 "PING ACK 0x0000000000000002", GoAway(0, "ENHANCE_YOUR_CALM")));
}

TEST_F(ServerTest, Sec10_5_SettingsFloodIsEnhanceYourCalm) {
  ConnectionOptions options;
  options.rate_limits.settings = {3, 1};
  Reset(options);  // the handshake used one
  for (int i = 0; i < 3; ++i) peer().Settings({});
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK", "SETTINGS ACK", GoAway(0, "ENHANCE_YOUR_CALM")));
}

TEST_F(ServerTest, Sec10_5_EmptyDataFloodIsEnhanceYourCalm) {
  ConnectionOptions options;
  options.rate_limits.empty_data = {5, 1};
  Reset(options);
  Open(1);
  for (int i = 0; i < 6; ++i) peer().Data(1, "");
  Send();
  EXPECT_THAT(Out(), ElementsAre(GoAway(1, "ENHANCE_YOUR_CALM")));
}

TEST_F(ServerTest, Sec10_5_ContinuationFloodIsEnhanceYourCalm) {
  const std::string block = peer().EncodeBlock(RequestHeaders());
  peer().HeadersFragment(1, block, true, false);
  for (int i = 0; i < 65; ++i) peer().Continuation(1, "", false);
  Send();
  EXPECT_THAT(Out(), ElementsAre(GoAway(0, "ENHANCE_YOUR_CALM")));
}

TEST_F(ServerTest, Sec10_5_1_TooLargeHeaderListIsAnswered431) {
  ConnectionOptions options;
  options.max_header_list_size = 1000;
  Reset(options);
  peer().Headers(1, Req({{"x-big", std::string(2000, 'b')}}), false);
  peer().Headers(3, RequestHeaders(), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 ES [:status=431 content-length=0]",
                                 "RST_STREAM 1 NO_ERROR"));
  // The application never saw stream 1; the connection goes on.
  EXPECT_THAT(Events(), ElementsAre(::testing::StartsWith("headers 3"), "end_stream 3"));
}

TEST_F(ServerTest, Sec10_5_PeerThatDoesNotReadIsCutOff) {
  ConnectionOptions options;
  options.max_output_buffer = 16 << 10;
  options.rate_limits.pings = {0, 0};  // unlimited: the output bound alone must hold
  Reset(options);
  for (int i = 0; i < 5000; ++i) peer().Ping(i);
  Send();  // nothing is drained meanwhile
  EXPECT_FALSE(conn().want_read());
  const std::vector<std::string> out = Out();
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), GoAway(0, "ENHANCE_YOUR_CALM"));
  EXPECT_LT(out.size(), 2000u);
}

}  // namespace
}  // namespace h2engine::h2
