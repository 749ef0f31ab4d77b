// The client perspective of h2::Connection: SubmitRequest and the rules a client applies to
// what a server sends (RFC 9113 §3.4, §5.1.1, §5.1.2, §6.5.2, §6.6, §6.8, §8.1, §8.3.2, §8.4;
// RFC 9218 §7.1; RFC 8441 §3).

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
using ::testing::StartsWith;
using testing::ConnectionHarness;
using testing::FrameSequence;
using testing::ResponseHeaders;

constexpr HeaderRef kGet[] = {{":method", "GET"},
                              {":scheme", "https"},
                              {":authority", "example.test"},
                              {":path", "/"}};
constexpr HeaderRef kPost[] = {{":method", "POST"},
                               {":scheme", "https"},
                               {":authority", "example.test"},
                               {":path", "/upload"}};
constexpr HeaderRef kHead[] = {{":method", "HEAD"},
                               {":scheme", "https"},
                               {":authority", "example.test"},
                               {":path", "/"}};

std::string GoAway(StreamId last, std::string_view code) {
  return "GOAWAY last=" + std::to_string(last) + " " + std::string(code);
}

std::vector<std::string> Trim(std::vector<std::string> events) {
  for (std::string& e : events) {
    if (e.rfind("finished ", 0) == 0) e = e.substr(0, e.find(" \""));
  }
  return events;
}

// A DataSource that hands out its chunks one per Read, saying "blocked" between them until
// the test resumes it.
class ScriptedSource : public DataSource {
 public:
  explicit ScriptedSource(std::vector<std::string> chunks, bool* blocked_flag = nullptr)
      : chunks_(std::move(chunks)), blocked_flag_(blocked_flag) {}
  DataChunk Read(size_t max, ByteSink& out) override {
    if (blocked_flag_ != nullptr && *blocked_flag_) return {0, false, true};
    if (next_ == chunks_.size()) return {0, true, false};
    std::string& chunk = chunks_[next_];
    const size_t n = std::min(max, chunk.size());
    out.Append(std::string_view(chunk).substr(0, n));
    chunk.erase(0, n);
    if (chunk.empty()) {
      ++next_;
      if (blocked_flag_ != nullptr) *blocked_flag_ = true;
    }
    return {n, next_ == chunks_.size() && blocked_flag_ == nullptr, false};
  }

 private:
  std::vector<std::string> chunks_;
  size_t next_ = 0;
  bool* blocked_flag_;
};

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() : h_(Perspective::kClient) { h_.Handshake(); }
  ~ClientTest() override { EXPECT_EQ(h_.Problems(), ""); }

  void Reset(ConnectionOptions options, const std::vector<Setting>& peer_settings = {}) {
    h_.Reset(options);
    h_.Handshake(peer_settings);
  }
  FrameSequence& peer() { return h_.peer(); }
  Connection& conn() { return h_.conn(); }
  size_t Send() { return h_.Feed(peer().Take()); }
  std::vector<std::string> Out() { return h_.Output(); }
  std::vector<std::string> Events() { return Trim(h_.Events()); }
  StreamId Get(std::span<const HeaderRef> headers = kGet) {
    std::optional<StreamId> id = conn().SubmitRequest(headers, nullptr);
    EXPECT_TRUE(id.has_value());
    return id.value_or(0);
  }
  void ExpectConnectionError(std::string_view code) {
    EXPECT_THAT(Out(), ElementsAre(GoAway(0, code)));  // no server stream was processed
    const std::vector<std::string> events = Events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back(), "finished " + std::string(code));
    EXPECT_TRUE(conn().is_closed());
  }

  ConnectionHarness h_;
};

TEST(ClientPrefaceTest, Sec3_4_ClientSendsPrefaceAndSettingsWithPushDisabled) {
  ConnectionHarness h(Perspective::kClient);
  // FrameLog checks the 24-octet preface before the frames.
  EXPECT_THAT(h.Output(), ElementsAre("SETTINGS ENABLE_PUSH=0 MAX_CONCURRENT_STREAMS=100 "
                                      "MAX_HEADER_LIST_SIZE=65536 NO_RFC7540_PRIORITIES=1"));
  EXPECT_EQ(h.log().error(), "");
}

TEST(ClientPrefaceTest, Sec3_4_ServerPrefaceMustStartWithSettings) {
  ConnectionHarness h(Perspective::kClient);
  h.Output();
  h.Feed(FrameSequence().Ping(1).Take());
  EXPECT_THAT(h.Output(), ElementsAre(GoAway(0, "PROTOCOL_ERROR")));
}

TEST(ClientPrefaceTest, Sec3_4_RequestsMaySendBeforeTheServerPreface) {
  ConnectionHarness h(Perspective::kClient);
  ASSERT_EQ(h.conn().SubmitRequest(kGet, nullptr), StreamId{1});
  EXPECT_THAT(h.Output(), ElementsAre(StartsWith("SETTINGS "),
                                      "HEADERS 1 ES [:method=GET :scheme=https "
                                      ":authority=example.test :path=/]"));
}

TEST_F(ClientTest, GetEndToEnd) {
  EXPECT_EQ(Get(), 1u);
  EXPECT_EQ(Get(), 3u);  // §5.1.1: odd, increasing
  EXPECT_THAT(Out(), ElementsAre(StartsWith("HEADERS 1 ES"), StartsWith("HEADERS 3 ES")));
  peer()
      .Headers(3, ResponseHeaders("404"), true)
      .Headers(1, ResponseHeaders("200", {{"content-length", "5"}}), false)
      .Data(1, "hello", true);
  Send();
  EXPECT_THAT(Events(),
              ElementsAre("headers 3 response ES [:status=404]", "end_stream 3",
                          "closed 3 NO_ERROR",
                          "headers 1 response [:status=200 content-length=5]", "data 1 len=5",
                          "end_stream 1", "closed 1 NO_ERROR"));
  EXPECT_EQ(h_.visitor().Body(1), "hello");
}

TEST_F(ClientTest, PostWithBodyAndTrailers) {
  bool blocked = false;
  std::optional<StreamId> id =
      conn().SubmitRequest(kPost, std::make_unique<ScriptedSource>(
                                      std::vector<std::string>{"part1", "part2"}, &blocked));
  ASSERT_EQ(id, StreamId{1});
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:method=POST :scheme=https "
                                 ":authority=example.test :path=/upload]",
                                 "DATA 1 len=5"));
  EXPECT_FALSE(conn().want_write());  // the source is blocked
  const HeaderRef trailers[] = {{"x-checksum", "abc"}};
  ASSERT_TRUE(conn().SubmitTrailers(1, trailers));
  ASSERT_TRUE(conn().ResumeData(1));
  blocked = false;
  EXPECT_THAT(Out(), ElementsAre("DATA 1 len=5"));
  blocked = false;
  ASSERT_TRUE(conn().ResumeData(1));
  // The source ends with no more bytes: trailers carry END_STREAM, no empty DATA.
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 ES [x-checksum=abc]"));
  EXPECT_EQ(h_.log().Body(1), "part1part2");
  EXPECT_FALSE(conn().SubmitTrailers(1, trailers));  // too late
}

TEST_F(ClientTest, Sec8_1_InformationalResponsesThenFinalThenTrailers) {
  Get();
  Out();
  peer()
      .Headers(1, ResponseHeaders("103", {{"link", "</style.css>; rel=preload"}}), false)
      .Headers(1, ResponseHeaders("100"), false)
      .Headers(1, ResponseHeaders("200"), false)
      .Data(1, "body")
      .Headers(1, {{"grpc-status", "0"}}, true);
  Send();
  EXPECT_THAT(Events(),
              ElementsAre("headers 1 informational [:status=103 link=</style.css>; rel=preload]",
                          "headers 1 informational [:status=100]",
                          "headers 1 response [:status=200]", "data 1 len=4",
                          "headers 1 trailers ES [grpc-status=0]", "end_stream 1",
                          "closed 1 NO_ERROR"));
}

struct MalformedResponse {
  const char* name;
  std::vector<testing::HeaderFields> blocks;  // the last one ends the stream
  bool data_first = false;
};

class MalformedResponseTest : public ClientTest,
                              public ::testing::WithParamInterface<MalformedResponse> {};

TEST_P(MalformedResponseTest, IsResetWithProtocolError) {
  Get();
  Out();
  const MalformedResponse& r = GetParam();
  if (r.data_first) peer().Data(1, "x");
  for (size_t i = 0; i < r.blocks.size(); ++i) {
    peer().Headers(1, r.blocks[i], i + 1 == r.blocks.size());
  }
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  const std::vector<std::string> events = Events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), "closed 1 PROTOCOL_ERROR");
}

INSTANTIATE_TEST_SUITE_P(
    Sec8, MalformedResponseTest,
    ::testing::Values(
        MalformedResponse{"MissingStatus_8_3_2", {{{"content-type", "text/plain"}}}},
        MalformedResponse{"Status101_8_6", {{{":status", "101"}}}},
        MalformedResponse{"StatusNotThreeDigits_8_3_2", {{{":status", "2000"}}}},
        MalformedResponse{"RequestPseudoHeader_8_3", {{{":status", "200"}, {":path", "/"}}}},
        MalformedResponse{"InformationalWithEndStream_8_1", {{{":status", "103"}}}},
        MalformedResponse{"DataBeforeHeaders_8_1", {{{":status", "200"}}}, true},
        MalformedResponse{"TrailersWithPseudoHeader_8_1",
                          {{{":status", "200"}}, {{":status", "200"}}}},
        MalformedResponse{"TeInResponse_8_2_2", {{{":status", "200"}, {"te", "trailers"}}}},
        MalformedResponse{"ContentLengthMismatch_8_1_1",
                          {{{":status", "200"}, {"content-length", "3"}}}}),
    [](const ::testing::TestParamInfo<MalformedResponse>& p) { return p.param.name; });

TEST_F(ClientTest, Sec8_1_1_ResponseToHeadHasNoContent) {
  ASSERT_EQ(conn().SubmitRequest(kHead, nullptr), StreamId{1});
  ASSERT_EQ(conn().SubmitRequest(kHead, nullptr), StreamId{3});
  Out();
  peer().Headers(1, ResponseHeaders("200", {{"content-length", "1000"}}), true);
  peer().Headers(3, ResponseHeaders("200", {{"content-length", "1"}}), false).Data(3, "x", true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 3 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre(StartsWith("headers 1 response ES"), "end_stream 1",
                                    "closed 1 NO_ERROR", StartsWith("headers 3 response"),
                                    "closed 3 PROTOCOL_ERROR"));
}

TEST_F(ClientTest, Sec8_4_PushPromiseIsAConnectionError) {
  Get();
  Out();
  peer().PushPromise(1, 2, testing::RequestHeaders());
  Send();
  EXPECT_THAT(Out(), ElementsAre(GoAway(0, "PROTOCOL_ERROR")));
  EXPECT_THAT(Events(), ElementsAre("closed 1 PROTOCOL_ERROR", "finished PROTOCOL_ERROR"));
}

TEST_F(ClientTest, Sec6_5_2_EnablePushFromServerIsProtocolError) {
  peer().Settings({{SettingsId::kEnablePush, 1}});
  Send();
  ExpectConnectionError("PROTOCOL_ERROR");
}

TEST_F(ClientTest, Sec6_5_2_EnablePushZeroFromServerIsFine) {
  peer().Settings({{SettingsId::kEnablePush, 0}});
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK"));
}

TEST_F(ClientTest, RFC9218_Sec7_1_PriorityUpdateToClientIsProtocolError) {
  peer().PriorityUpdate(1, "u=1");
  Send();
  ExpectConnectionError("PROTOCOL_ERROR");
}

TEST_F(ClientTest, Sec5_1_ServerCannotOpenStreamsWithHeaders) {
  peer().Headers(2, ResponseHeaders(), true);
  Send();
  ExpectConnectionError("PROTOCOL_ERROR");
}

TEST_F(ClientTest, Sec5_1_HeadersOnOurIdleStreamIsProtocolError) {
  peer().Headers(1, ResponseHeaders(), true);
  Send();
  ExpectConnectionError("PROTOCOL_ERROR");
}

TEST_F(ClientTest, Sec5_1_2_RequestsWaitForTheServersConcurrencyLimit) {
  Reset({}, {{SettingsId::kMaxConcurrentStreams, 1}});
  EXPECT_EQ(Get(), 1u);
  EXPECT_EQ(Get(), 3u);
  EXPECT_EQ(Get(), 5u);
  EXPECT_EQ(conn().num_queued_requests(), 2u);
  EXPECT_THAT(Out(), ElementsAre(StartsWith("HEADERS 1 ES")));
  // Cancelling a queued request sends nothing.
  ASSERT_TRUE(conn().SubmitRstStream(3, ErrorCode::kCancel));
  EXPECT_THAT(Out(), IsEmpty());
  peer().Headers(1, ResponseHeaders(), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre(StartsWith("HEADERS 5 ES")));
  EXPECT_THAT(Events(), ElementsAre("closed 3 CANCEL", StartsWith("headers 1 response"),
                                    "end_stream 1", "closed 1 NO_ERROR"));
  // Raising the limit releases the queue at once.
  Get();
  Get();
  EXPECT_THAT(Out(), IsEmpty());
  peer().Settings({{SettingsId::kMaxConcurrentStreams, 3}});
  Send();
  EXPECT_THAT(Out(), ElementsAre("SETTINGS ACK", StartsWith("HEADERS 7 ES"),
                                 StartsWith("HEADERS 9 ES")));
}

TEST_F(ClientTest, Sec6_8_GoAwayRefusesStreamsAboveLastStreamId) {
  Get();
  Get();
  Get();
  Out();
  peer().GoAway(1, ErrorCode::kNoError, "maintenance");
  Send();
  EXPECT_THAT(Events(), ElementsAre("goaway last=1 NO_ERROR \"maintenance\"",
                                    "closed 3 REFUSED_STREAM", "closed 5 REFUSED_STREAM"));
  EXPECT_EQ(conn().SubmitRequest(kGet, nullptr), std::nullopt);  // §6.8 MUST NOT open
  peer().Headers(1, ResponseHeaders(), true);
  Send();
  EXPECT_THAT(Events(), ElementsAre(StartsWith("headers 1"), "end_stream 1",
                                    "closed 1 NO_ERROR", "finished NO_ERROR"));
  EXPECT_TRUE(conn().is_closed());
}

TEST_F(ClientTest, Sec6_8_GoAwayMustNotIncreaseLastStreamId) {
  Get();
  Out();
  peer().GoAway(kMaxStreamId, ErrorCode::kNoError).GoAway(1, ErrorCode::kNoError);
  peer().GoAway(3, ErrorCode::kNoError);
  Send();
  ExpectConnectionError("PROTOCOL_ERROR");
}

TEST_F(ClientTest, Sec6_8_ClientGracefulShutdown) {
  Get();
  conn().StartGracefulShutdown(h_.now());
  EXPECT_THAT(Out(), ElementsAre(StartsWith("HEADERS 1"), GoAway(0, "NO_ERROR")));
  EXPECT_EQ(conn().SubmitRequest(kGet, nullptr), std::nullopt);
  EXPECT_FALSE(conn().is_closed());
  peer().Headers(1, ResponseHeaders(), true);
  Send();
  EXPECT_THAT(Events(), ElementsAre(StartsWith("headers 1"), "end_stream 1",
                                    "closed 1 NO_ERROR", "finished NO_ERROR"));
  EXPECT_TRUE(conn().is_closed());
}

TEST_F(ClientTest, Sec10_5_1_TooLargeResponseHeadersAreCancelled) {
  ConnectionOptions options;
  options.max_header_list_size = 500;
  Reset(options);
  Get();
  Out();
  peer().Headers(1, ResponseHeaders("200", {{"x-big", std::string(600, 'b')}}), true);
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 CANCEL"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL"));
}

TEST_F(ClientTest, RFC8441_Sec3_ExtendedConnectNeedsTheServersSetting) {
  const HeaderRef websocket[] = {{":method", "CONNECT"}, {":protocol", "websocket"},
                                 {":scheme", "https"},   {":authority", "a.test"},
                                 {":path", "/chat"}};
  EXPECT_EQ(conn().SubmitRequest(websocket, std::make_unique<StringDataSource>("")),
            std::nullopt);
  peer().Settings({{SettingsId::kEnableConnectProtocol, 1}});
  Send();
  EXPECT_EQ(conn().SubmitRequest(websocket, std::make_unique<StringDataSource>("")),
            StreamId{1});
}

TEST_F(ClientTest, Sec8_2_OutgoingHeadersAreValidated) {
  const HeaderRef upper[] = {{":method", "GET"}, {":scheme", "https"},
                             {":authority", "a.test"}, {":path", "/"}, {"X-Upper", "1"}};
  const HeaderRef connection[] = {{":method", "GET"}, {":scheme", "https"},
                                  {":authority", "a.test"}, {":path", "/"},
                                  {"connection", "close"}};
  const HeaderRef no_path[] = {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}};
  EXPECT_EQ(conn().SubmitRequest(upper, nullptr), std::nullopt);
  EXPECT_EQ(conn().SubmitRequest(connection, nullptr), std::nullopt);
  EXPECT_EQ(conn().SubmitRequest(no_path, nullptr), std::nullopt);
  EXPECT_THAT(Out(), IsEmpty());
}

TEST_F(ClientTest, Sec6_5_2_PeerMaxHeaderListSizeIsRespected) {
  Reset({}, {{SettingsId::kMaxHeaderListSize, 200}});
  const std::string big(200, 'x');
  const HeaderRef headers[] = {{":method", "GET"}, {":scheme", "https"},
                               {":authority", "a.test"}, {":path", "/"}, {"x-big", big}};
  EXPECT_EQ(conn().SubmitRequest(headers, nullptr), std::nullopt);
  EXPECT_TRUE(conn().SubmitRequest(kGet, nullptr).has_value());
}

TEST_F(ClientTest, Sec5_1_ResetStreamBeforeResponse) {
  Get();
  Out();
  ASSERT_TRUE(conn().SubmitRstStream(1, ErrorCode::kCancel));
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 CANCEL"));
  EXPECT_THAT(Events(), ElementsAre("closed 1 CANCEL"));
  // The server's response, sent before it saw the reset, is discarded.
  peer().Headers(1, ResponseHeaders(), false).Data(1, "late", true);
  Send();
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(ClientTest, Sec8_5_ConnectTunnel) {
  const HeaderRef connect[] = {{":method", "CONNECT"}, {":authority", "db.test:5432"}};
  ASSERT_EQ(conn().SubmitRequest(connect, std::make_unique<StringDataSource>("hi")), 1u);
  EXPECT_THAT(Out(), ElementsAre("HEADERS 1 [:method=CONNECT :authority=db.test:5432]",
                                 "DATA 1 ES len=2"));
  peer().Headers(1, ResponseHeaders("200"), false).Data(1, "hello");
  peer().Headers(1, {{"x", "y"}}, true);  // §8.5: no HEADERS on a tunnel
  Send();
  EXPECT_THAT(Out(), ElementsAre("RST_STREAM 1 PROTOCOL_ERROR"));
  EXPECT_THAT(Events(), ElementsAre("headers 1 response [:status=200]", "data 1 len=5",
                                    "closed 1 PROTOCOL_ERROR"));
}


TEST_F(ClientTest, Sec6_8_InputAfterAGracefulFinishIsSwallowed) {
  Get();
  Out();
  // GOAWAY(0) refuses stream 1; with no stream left the connection is finished, and the
  // frames after it in the same buffer are consumed unread, like any later input.
  peer().GoAway(0, ErrorCode::kNoError).Ping(1).Headers(1, ResponseHeaders(), true);
  const std::string bytes = peer().Take();
  EXPECT_EQ(h_.Feed(bytes), bytes.size());
  EXPECT_THAT(Events(), ElementsAre("goaway last=0 NO_ERROR \"\"", "closed 1 REFUSED_STREAM",
                                    "finished NO_ERROR"));
  EXPECT_THAT(Out(), IsEmpty());
  EXPECT_FALSE(conn().want_read());
  EXPECT_TRUE(conn().is_closed());
  EXPECT_EQ(h_.Feed(FrameSequence().Ping(2).Take()), 17u);
}

}  // namespace
}  // namespace h2engine::h2
