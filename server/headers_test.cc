#include "server/headers.h"

#include "gtest/gtest.h"
#include "server/http_date.h"
#include "server/output_queue.h"

namespace h2engine::server {
namespace {

TEST(Headers, OrderedMultimapWithLowercaseNames) {
  Headers h;
  h.Add("Set-Cookie", "a=1");
  h.Add("X-One", "1");
  h.Add("set-cookie", "b=2");
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].name, "set-cookie");
  EXPECT_EQ(h.Get("SET-COOKIE"), "a=1");
  EXPECT_EQ(h.GetAll("set-cookie"), (std::vector<std::string_view>{"a=1", "b=2"}));
  EXPECT_EQ(h.Count("set-cookie"), 2u);
  EXPECT_FALSE(h.Get("missing").has_value());
  h.Set("Set-Cookie", "c=3");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h[1].name, "set-cookie");
  EXPECT_EQ(h[1].value, "c=3");
  EXPECT_EQ(h.Remove("x-one"), 1u);
  EXPECT_EQ(h.size(), 1u);
}

TEST(Headers, HasTokenReadsCommaLists) {
  Headers h{{"Connection", "keep-alive, Upgrade"}, {"connection", " HTTP2-Settings ,"}};
  EXPECT_TRUE(h.HasToken("connection", "upgrade"));
  EXPECT_TRUE(h.HasToken("connection", "http2-settings"));
  EXPECT_FALSE(h.HasToken("connection", "close"));
  EXPECT_FALSE(h.HasToken("connection", "keep"));
}

TEST(Headers, StripConnectionSpecificHeaders_RFC9113_Section8_2_2) {
  Headers h{{"Connection", "x-hop, close"},
            {"Keep-Alive", "5"},
            {"Transfer-Encoding", "chunked"},
            {"Upgrade", "h2c"},
            {"Proxy-Connection", "keep-alive"},
            {"X-Hop", "1"},
            {"TE", "trailers"},
            {"Content-Type", "text/plain"}};
  Headers copy = h;
  EXPECT_EQ(StripConnectionSpecificHeaders(h), 7u);
  EXPECT_EQ(h, (Headers{{"content-type", "text/plain"}}));
  EXPECT_EQ(StripConnectionSpecificHeaders(copy, /*keep_te_trailers=*/true), 6u);
  EXPECT_EQ(copy, (Headers{{"te", "trailers"}, {"content-type", "text/plain"}}));
  Headers te{{"te", "gzip"}};
  EXPECT_EQ(StripConnectionSpecificHeaders(te, true), 1u);
}

TEST(Headers, TokenAndValueChars) {
  EXPECT_TRUE(IsToken("x-Custom_1!#$%&'*+.^`|~"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsToken("a b"));
  EXPECT_FALSE(IsToken("a:b"));
  EXPECT_TRUE(IsValidFieldValue("a b\tc\x80\xff"));
  EXPECT_FALSE(IsValidFieldValue("a\rb"));
  EXPECT_FALSE(IsValidFieldValue("a\nb"));
  EXPECT_FALSE(IsValidFieldValue(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidFieldValue("\x7f"));
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(FormatHttpDate(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(FormatHttpDate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(HttpDate, ParsesTheThreeForms_RFC9110_Section5_6_7) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), 784111777);
  EXPECT_EQ(ParseHttpDate("Sun Nov 16 08:49:37 1994"), 784111777 + 10 * 86400);
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(ParseHttpDate("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT "));
  EXPECT_FALSE(ParseHttpDate("yesterday"));
  EXPECT_FALSE(ParseHttpDate(""));
}

TEST(OutputQueue, GatherAndConsume) {
  OutputQueue q;
  q.Append(std::string_view("abc"));
  q.Append(std::string(2000, 'x'));
  q.Append(std::string_view("def"));
  EXPECT_EQ(q.size(), 2006u);
  std::span<const uint8_t> views[8];
  size_t n = q.Gather(views);
  size_t total = 0;
  for (size_t i = 0; i < n; ++i) total += views[i].size();
  EXPECT_EQ(total, 2006u);
  q.Consume(2);
  EXPECT_EQ(q.size(), 2004u);
  n = q.Gather(views);
  EXPECT_EQ(views[0][0], 'c');
  q.Consume(2001);
  EXPECT_EQ(q.TakeAll(), "def");
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace h2engine::server
