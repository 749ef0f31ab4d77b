// Basic behaviour of h2::Connection in the server perspective: the handshake and a GET end
// to end. The RFC rules one by one are in connection_rfc9113_test.cc.

#include "h2/connection.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/testing/connection_harness.h"
#include "h2/testing/frame_sequence.h"

namespace h2engine::h2 {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ConnectionHarness;
using testing::RequestHeaders;

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

}  // namespace
}  // namespace h2engine::h2
