// Basic behaviour of h2::Connection in the server perspective: the handshake and a GET end
// to end. The RFC rules one by one are in connection_rfc9113_test.cc.

#include "h2/connection.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/testing/connection_harness.h"
#include "h2/testing/frame_sequence.h"
#include "h2/testing/split_decode.h"

namespace h2engine::h2 {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ConnectionHarness;
using testing::FrameSequence;
using testing::RequestHeaders;
using ::testing::StartsWith;

constexpr HeaderRef kOk[] = {{":status", "200"}};

TEST(ServerConnectionTest, SendsSettingsFirstAndAcksTheClients) {
  ConnectionHarness h(Perspective::kServer);
  EXPECT_THAT(h.Output(), ElementsAre("SETTINGS MAX_CONCURRENT_STREAMS=100 "
                                      "MAX_HEADER_LIST_SIZE=65536 NO_RFC7540_PRIORITIES=1"));
  h.Feed(h.peer().ClientPreface({{SettingsId::kMaxFrameSize, 20000}}).Take());
  EXPECT_THAT(h.Output(), ElementsAre("SETTINGS ACK"));
  EXPECT_THAT(h.Events(), ElementsAre("peer_settings"));
  EXPECT_EQ(h.conn().peer_settings().max_frame_size, 20000u);
  EXPECT_TRUE(h.conn().want_read());
  EXPECT_FALSE(h.conn().want_write());
  EXPECT_EQ(h.Problems(), "");
}

TEST(ServerConnectionTest, GetEndToEnd) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders("GET", "/index.html"), true).Take());
  EXPECT_THAT(h.Events(),
              ElementsAre("headers 1 request ES [:method=GET :scheme=https "
                          ":authority=example.test :path=/index.html]",
                          "end_stream 1"));
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("hello")));
  EXPECT_TRUE(h.conn().want_write());
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 [:status=200]", "DATA 1 ES len=5"));
  EXPECT_EQ(h.log().Body(1), "hello");
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 NO_ERROR"));
  EXPECT_EQ(h.conn().num_active_streams(), 0u);
  EXPECT_EQ(h.Problems(), "");
}

TEST(ServerConnectionTest, PostWithBodyAndResponseWithoutBody) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer()
             .Headers(1, RequestHeaders("POST", "/upload", {{"content-length", "11"}}), false)
             .Data(1, "hello ")
             .Data(1, "world", true)
             .Take());
  EXPECT_THAT(h.Events(), ElementsAre("headers 1 request [:method=POST :scheme=https "
                                      ":authority=example.test :path=/upload "
                                      "content-length=11]",
                                      "data 1 len=11", "end_stream 1"));
  EXPECT_EQ(h.visitor().Body(1), "hello world");
  // Consumed 11 bytes of a 65,535 window: too little for a WINDOW_UPDATE yet.
  EXPECT_THAT(h.Output(), IsEmpty());
  ASSERT_TRUE(h.conn().SubmitResponse(1, std::span<const HeaderRef>(kOk), nullptr));
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 ES [:status=200]"));
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 NO_ERROR"));
  EXPECT_EQ(h.Problems(), "");
}


// --- RFC 9218: the write scheduler orders DATA by the requests' priorities ---

class SchedulingTest : public ::testing::Test {
 protected:
  SchedulingTest() : h_(Perspective::kServer) {
    // Large windows so that only the scheduler decides the order.
    h_.Handshake({{SettingsId::kInitialWindowSize, 1 << 20}});
    h_.Feed(h_.peer().WindowUpdate(0, 1 << 20).Take());
  }
  ~SchedulingTest() override { EXPECT_EQ(h_.Problems(), ""); }
  void Request(StreamId id, std::string_view priority) {
    testing::HeaderFields extra;
    if (!priority.empty()) extra.push_back({"priority", std::string(priority)});
    h_.Feed(h_.peer().Headers(id, RequestHeaders("GET", "/", extra), true).Take());
  }
  void Respond(StreamId id, size_t size) {
    ASSERT_TRUE(h_.conn().SubmitResponse(
        id, kOk, std::make_unique<StringDataSource>(std::string(size, 'd'))));
  }
  // The stream ids of the DATA frames written, in order.
  std::vector<StreamId> DataOrder() {
    h_.Output();
    std::vector<StreamId> order;
    for (const auto& f : h_.log().frames()) {
      if (f.header.type == FrameType::kData) order.push_back(f.header.stream_id);
    }
    return order;
  }
  ConnectionHarness h_;
};

TEST_F(SchedulingTest, RFC9218_Sec4_1_LowerUrgencyFirst) {
  Request(1, "u=5");
  Request(3, "u=1");
  Respond(1, 20000);
  Respond(3, 20000);
  EXPECT_THAT(DataOrder(), ElementsAre(3, 3, 1, 1));
}

TEST_F(SchedulingTest, RFC9218_Sec4_2_IncrementalStreamsShareRoundRobin) {
  Request(1, "u=3, i");
  Request(3, "u=3, i");
  Respond(1, 40000);
  Respond(3, 40000);
  EXPECT_THAT(DataOrder(), ElementsAre(1, 3, 1, 3, 1, 3));
}

TEST_F(SchedulingTest, RFC9218_Sec10_NonIncrementalStreamsGoInStreamIdOrder) {
  Request(1, "");
  Request(3, "");
  Respond(3, 20000);
  Respond(1, 20000);
  EXPECT_THAT(DataOrder(), ElementsAre(1, 1, 3, 3));
}

TEST_F(SchedulingTest, RFC9218_Sec7_PriorityUpdateReordersStreams) {
  Request(1, "");
  Request(3, "");
  h_.Feed(h_.peer().PriorityUpdate(3, "u=0").Take());
  Respond(1, 20000);
  Respond(3, 20000);
  EXPECT_THAT(DataOrder(), ElementsAre(3, 3, 1, 1));
}

TEST_F(SchedulingTest, RFC9218_Sec7_PriorityUpdateForAnIdleStreamAppliesWhenItOpens) {
  h_.Feed(h_.peer().PriorityUpdate(3, "u=0").Take());
  Request(1, "");
  Request(3, "u=7");  // the PRIORITY_UPDATE overrides the header (§7: the latest signal)
  Respond(1, 20000);
  Respond(3, 20000);
  EXPECT_THAT(DataOrder(), ElementsAre(3, 3, 1, 1));
}

TEST(SchedulingLimitsTest, RFC9218_Sec7_1_TooManyIdlePriorityUpdatesIsProtocolError) {
  ConnectionOptions options;
  options.max_concurrent_streams = 3;
  ConnectionHarness h(Perspective::kServer, options);
  h.Handshake();
  h.Feed(h.peer().PriorityUpdate(1, "u=1").PriorityUpdate(3, "u=1").PriorityUpdate(5, "u=1")
             .PriorityUpdate(7, "u=1").Take());
  EXPECT_THAT(h.Output(), ElementsAre("GOAWAY last=0 PROTOCOL_ERROR"));
}

// --- Output: coalesced chunks, partial writes ---

TEST(OutputTest, FramesAreCoalescedIntoLargeChunks) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake({{SettingsId::kInitialWindowSize, 1 << 20}});
  h.Feed(h.peer().WindowUpdate(0, 1 << 20).Headers(1, RequestHeaders(), true).Take());
  ASSERT_TRUE(h.conn().SubmitResponse(
      1, kOk, std::make_unique<StringDataSource>(std::string(200000, 'x'))));
  std::span<const uint8_t> chunk = h.conn().PendingOutput();
  // One span holds the HEADERS and about output_chunk_size (64 KiB) of DATA frames.
  EXPECT_GE(chunk.size(), 64u << 10);
  EXPECT_LE(chunk.size(), (64u << 10) + 16384 + 100);
  // Written a few bytes at a time, the frames still come out whole and in order.
  EXPECT_THAT(h.Output(/*write_size=*/1000).size(), 14u);  // HEADERS + 13 DATA frames
  EXPECT_EQ(h.log().Body(1).size(), 200000u);
  EXPECT_EQ(h.Problems(), "");
}

TEST(OutputTest, DataSourceMayPauseAndResume) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  class Source : public DataSource {
   public:
    DataChunk Read(size_t max, ByteSink& out) override {
      ++reads;
      if (available.empty()) return {0, done, !done};
      const size_t n = std::min(max, available.size());
      out.Append(std::string_view(available).substr(0, n));
      available.erase(0, n);
      return {n, done && available.empty(), false};
    }
    std::string available;
    bool done = false;
    int reads = 0;
  };
  auto owned = std::make_unique<Source>();
  Source* source = owned.get();
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::move(owned)));
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 [:status=200]"));
  EXPECT_EQ(source->reads, 1);
  EXPECT_FALSE(h.conn().want_write());  // paused: not polled again
  h.Output();
  EXPECT_EQ(source->reads, 1);
  source->available = "abc";
  ASSERT_TRUE(h.conn().ResumeData(1));
  EXPECT_TRUE(h.conn().want_write());
  EXPECT_THAT(h.Output(), ElementsAre("DATA 1 len=3"));
  source->done = true;
  ASSERT_TRUE(h.conn().ResumeData(1));
  EXPECT_THAT(h.Output(), ElementsAre("DATA 1 ES len=0"));
  EXPECT_EQ(h.Problems(), "");
}

TEST(OutputTest, ResponsesToHeadAnd204And304HaveNoBody) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer()
             .Headers(1, RequestHeaders("HEAD", "/"), true)
             .Headers(3, RequestHeaders(), true)
             .Headers(5, RequestHeaders(), true)
             .Take());
  const HeaderRef ok_len[] = {{":status", "200"}, {"content-length", "5"}};
  const HeaderRef no_content[] = {{":status", "204"}};
  const HeaderRef not_modified[] = {{":status", "304"}};
  ASSERT_TRUE(h.conn().SubmitResponse(1, ok_len, std::make_unique<StringDataSource>("hello")));
  ASSERT_TRUE(
      h.conn().SubmitResponse(3, no_content, std::make_unique<StringDataSource>("hello")));
  ASSERT_TRUE(
      h.conn().SubmitResponse(5, not_modified, std::make_unique<StringDataSource>("hello")));
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 ES [:status=200 content-length=5]",
                                      "HEADERS 3 ES [:status=204]", "HEADERS 5 ES [:status=304]"));
}

TEST(OutputTest, EarlyHintsAndTrailersFromTheServer) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  h.Events();
  const HeaderRef hints[] = {{":status", "103"}, {"link", "</a.css>; rel=preload"}};
  ASSERT_TRUE(h.conn().SubmitInformational(1, hints));
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("body")));
  const HeaderRef trailers[] = {{"grpc-status", "0"}};
  ASSERT_TRUE(h.conn().SubmitTrailers(1, trailers));
  EXPECT_FALSE(h.conn().SubmitInformational(1, hints));  // the final response is out
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 [:status=103 link=</a.css>; rel=preload]",
                                      "HEADERS 1 [:status=200]", "DATA 1 len=4",
                                      "HEADERS 1 ES [grpc-status=0]"));
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 NO_ERROR"));
}

TEST(OutputTest, SubmitCommandsAreRefusedWhenNotAllowed) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  EXPECT_FALSE(h.conn().SubmitResponse(1, kOk, nullptr));  // no such stream
  EXPECT_EQ(h.conn().SubmitRequest(std::span<const HeaderRef>(kOk), nullptr), std::nullopt);
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  const HeaderRef bad[] = {{":status", "200"}, {"Upper", "x"}};
  EXPECT_FALSE(h.conn().SubmitResponse(1, bad, nullptr));
  const HeaderRef informational[] = {{":status", "100"}};
  EXPECT_FALSE(h.conn().SubmitResponse(1, informational, nullptr));
  EXPECT_TRUE(h.conn().SubmitResponse(1, kOk, nullptr));
  EXPECT_FALSE(h.conn().SubmitResponse(1, kOk, nullptr));  // closed now
  EXPECT_FALSE(h.conn().ResumeData(1));
  EXPECT_EQ(h.Problems(), "");
}

// --- Input split anywhere gives the same result ---

TEST(SplitInputTest, SameEventsAndOutputWhateverTheSplit) {
  FrameSequence client;
  client.ClientPreface({{SettingsId::kInitialWindowSize, 100000}})
      .SettingsAck()
      .HeadersInPieces(1, RequestHeaders("POST", "/a", {{"content-length", "9"}}), false, 7)
      .Data(1, "abc", false, 5)
      .Ping(77)
      .Data(1, "defghi", true)
      .Headers(3, RequestHeaders("GET", "/b"), true)
      .Priority(3, {false, 0, 16})
      .Headers(5, RequestHeaders("POST", "/c"), false)
      .RawFrame(0xfa, 0, 5, "unknown")
      .Data(5, "x")
      .RstStream(5, ErrorCode::kCancel)
      .WindowUpdate(0, 1000)
      .Headers(7, RequestHeaders("GET", "/d", {{"X-Bad", "1"}}), true);
  const std::string bytes = client.Take();
  auto run = [](const testing::Pieces& pieces) {
    ConnectionHarness h(Perspective::kServer);
    h.visitor().on_headers = [&h](StreamId id, HeadersKind, const HeaderList&, bool) {
      (void)h.conn().SubmitResponse(id, kOk, std::make_unique<StringDataSource>("r"));
    };
    for (std::span<const uint8_t> piece : pieces) {
      h.conn().ProcessInput(piece, h.now());
    }
    std::vector<std::string> all = h.visitor().Take();
    for (const std::string& f : h.Output()) all.push_back("out: " + f);
    all.push_back(h.Problems());
    return all;
  };
  std::vector<std::string> result = testing::DecodeAllWays(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      run, 10);
  EXPECT_THAT(result, ::testing::Contains("out: PING ACK 0x000000000000004d"));
  EXPECT_THAT(result, ::testing::Contains("out: RST_STREAM 7 PROTOCOL_ERROR"));
  EXPECT_THAT(result, ::testing::Contains("closed 5 CANCEL"));
  EXPECT_EQ(result.back(), "");
}


// --- HTTP/1.1 Upgrade (RFC 7540 §3.2), commands that end things ---

TEST(UpgradeTest, StartFromUpgradeOpensStreamOneHalfClosed) {
  ConnectionHarness h(Perspective::kServer);
  // HTTP2-Settings, decoded: SETTINGS_INITIAL_WINDOW_SIZE = 10.
  const uint8_t settings[] = {0x00, 0x04, 0x00, 0x00, 0x00, 0x0a};
  const HeaderRef request[] = {{":method", "GET"},
                               {":scheme", "http"},
                               {":authority", "example.test"},
                               {":path", "/upgraded"}};
  ASSERT_TRUE(h.conn().StartFromUpgrade(settings, request, h.now()));
  EXPECT_THAT(h.Events(), ElementsAre("headers 1 request ES [:method=GET :scheme=http "
                                      ":authority=example.test :path=/upgraded]",
                                      "end_stream 1"));
  EXPECT_EQ(h.conn().peer_settings().initial_window_size, 10u);
  EXPECT_FALSE(h.conn().StartFromUpgrade(settings, request, h.now()));  // only once
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::make_unique<StringDataSource>("0123456789ab")));
  // The client preface still comes (§3.2); no ACK for the HTTP2-Settings values.
  h.Feed(h.peer().ClientPreface().SettingsAck().Take());
  EXPECT_THAT(h.Output(), ElementsAre(StartsWith("SETTINGS "), "SETTINGS ACK",
                                      "HEADERS 1 [:status=200]", "DATA 1 len=10"));
  // Stream 1 is half-closed (remote): the client may not send on it.
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  EXPECT_THAT(h.Output(), ElementsAre("RST_STREAM 1 STREAM_CLOSED"));
  EXPECT_EQ(h.Problems(), "");
}

TEST(UpgradeTest, StartFromUpgradeRejectsBadInput) {
  ConnectionHarness h(Perspective::kServer);
  const uint8_t odd[] = {0x00, 0x04, 0x00};
  const uint8_t push2[] = {0x00, 0x02, 0x00, 0x00, 0x00, 0x02};
  const HeaderRef request[] = {{":method", "GET"}, {":scheme", "http"},
                               {":authority", "a"}, {":path", "/"}};
  const HeaderRef bad[] = {{":method", "GET"}, {":path", "/"}};
  EXPECT_FALSE(h.conn().StartFromUpgrade(odd, request, h.now()));
  EXPECT_FALSE(h.conn().StartFromUpgrade(push2, request, h.now()));
  EXPECT_FALSE(h.conn().StartFromUpgrade({}, bad, h.now()));
  ConnectionHarness client(Perspective::kClient);
  EXPECT_FALSE(client.conn().StartFromUpgrade({}, request, client.now()));
}

TEST(DataSourceContractTest, AppendingMoreThanMaxResetsTheStream) {
#ifndef NDEBUG
  GTEST_SKIP() << "H2_BUG_IF aborts in debug builds; this runs with --config=opt";
#endif
  ConnectionHarness h(Perspective::kServer);
  h.Handshake({{SettingsId::kInitialWindowSize, 100}});
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  h.Events();
  class Greedy : public DataSource {
   public:
    DataChunk Read(size_t max, ByteSink& out) override {
      out.Append(std::string(max + 1, 'g'));
      return {max + 1, false, false};
    }
  };
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::make_unique<Greedy>()));
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 [:status=200]", "RST_STREAM 1 INTERNAL_ERROR"));
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 INTERNAL_ERROR"));
}

TEST(DataSourceContractTest, ReadThatSaysNothingCountsAsBlocked) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
  class Silent : public DataSource {
   public:
    int reads = 0;
    DataChunk Read(size_t, ByteSink&) override {
      ++reads;
      return {};
    }
  };
  auto owned = std::make_unique<Silent>();
  Silent* silent = owned.get();
  ASSERT_TRUE(h.conn().SubmitResponse(1, kOk, std::move(owned)));
  EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 [:status=200]"));
  EXPECT_EQ(silent->reads, 1);
  EXPECT_FALSE(h.conn().want_write());
}

TEST(GoAwayCommandTest, SubmitGoAwayWithErrorIsOurConnectionError) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders(), false).Take());
  h.Events();
  h.conn().SubmitGoAway(ErrorCode::kEnhanceYourCalm, "go away");
  EXPECT_THAT(h.Events(), IsEmpty());  // never from inside a command
  EXPECT_THAT(h.Output(), ElementsAre("GOAWAY last=1 ENHANCE_YOUR_CALM"));
  EXPECT_EQ(h.log().frames().back().payload, "go away");
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 ENHANCE_YOUR_CALM",
                                      "finished ENHANCE_YOUR_CALM \"go away\""));
  EXPECT_TRUE(h.conn().is_closed());
  EXPECT_EQ(h.Feed(h.peer().Ping(1).Take()), 0u);
}

TEST(CallbackTest, CommandsInsideCallbacksAreDeliveredAfterwards) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  // The application resets stream 1 from inside its own OnData: the rest of the frame is
  // dropped and OnStreamClosed comes after OnData returns, not nested in it.
  std::vector<std::string> order;
  h.visitor().on_data = [&](StreamId id, std::span<const uint8_t>) {
    order.push_back("data begin");
    EXPECT_TRUE(h.conn().SubmitRstStream(id, ErrorCode::kCancel));
    order.push_back("data end");
  };
  h.visitor().on_closed = [&](StreamId, ErrorCode) { order.push_back("closed"); };
  h.Feed(h.peer().Headers(1, RequestHeaders("POST"), false).Data(1, "abc").Data(1, "def").Take());
  EXPECT_THAT(order, ElementsAre("data begin", "data end", "closed"));
  EXPECT_THAT(h.Output(), ElementsAre("RST_STREAM 1 CANCEL"));
  EXPECT_EQ(h.Problems(), "");
}


TEST(TransportTest, TransportClosedEndsEveryStream) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.Feed(h.peer().Headers(1, RequestHeaders(), false).Headers(3, RequestHeaders(), true).Take());
  ASSERT_TRUE(h.conn().SubmitResponse(3, kOk, std::make_unique<StringDataSource>("unsent")));
  h.Events();
  h.conn().OnTransportClosed();
  EXPECT_THAT(h.Events(), ElementsAre("closed 1 CANCEL", "closed 3 CANCEL",
                                      "finished CANCEL \"transport closed\""));
  EXPECT_TRUE(h.conn().is_closed());
  EXPECT_FALSE(h.conn().want_write());
  EXPECT_TRUE(h.conn().PendingOutput().empty());
  h.conn().OnTransportClosed();  // again: nothing more
  EXPECT_THAT(h.Events(), IsEmpty());
  EXPECT_EQ(h.Problems(), "");
}

TEST(TransportTest, TransportClosedAfterGracefulFinishReportsNothingMore) {
  ConnectionHarness h(Perspective::kServer);
  h.Handshake();
  h.conn().SubmitGoAway(ErrorCode::kNoError, "");
  h.Output();
  EXPECT_THAT(h.Events(), ElementsAre(StartsWith("finished NO_ERROR")));
  h.conn().OnTransportClosed();
  EXPECT_THAT(h.Events(), IsEmpty());
  EXPECT_TRUE(h.conn().is_closed());
}

}  // namespace
}  // namespace h2engine::h2
