// The demo site and /echo through an App with a fake protocol: embedded files equal the files
// in site/, every route's status, headers and body, the streamed and trailer-carrying bodies,
// and the helpers (CRC-32, JSON strings).

#include "server/demo/demo_site.h"

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/demo/site_files.h"
#include "server/router.h"

namespace h2engine::server::demo {
namespace {

using std::chrono::milliseconds;

class FakeSink : public ExchangeSink {
 public:
  void OnResponse(Response response) override { responses.push_back(std::move(response)); }
  void OnInformational(int, const Headers&) override {}
  void OnRequestBodyWanted() override {}
  void OnRequestBodyConsumed(size_t) override {}
  void OnAbort() override { ++aborted; }
  std::vector<Response> responses;
  int aborted = 0;
};

class DemoTest : public ::testing::Test {
 protected:
  DemoTest() {
    std::string error;
    loop_ = EventLoop::Create(&error);
    AddEchoRoute(app_);
    site_ = DemoSite::Create({.server_name = "h2d-test"});
    site_->AddRoutes(app_);
  }
  ~DemoTest() override {
    for (auto& ex : exchanges_) ex->Finish({});
  }

  // Run dispatches one request and returns its response (waiting up to 5 s for delayed ones).
  Response Run(std::string method, std::string target, std::string body = "", Headers headers = {},
               std::string protocol = "HTTP/1.1") {
    Request r;
    r.method = std::move(method);
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.protocol = std::move(protocol);
    r.scheme = "https";
    r.peer = "127.0.0.1:9";
    r.authority = "localhost:8443";
    r.headers = std::move(headers);
    auto ex = Exchange::Create(loop_->handle(), nullptr, &sink_, std::move(r), {});
    if (!body.empty()) ex->DeliverBody(body);
    ex->DeliverBodyEnd({});
    exchanges_.push_back(ex);
    sink_.responses.clear();
    app_.Dispatch(ex);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (sink_.responses.empty() && std::chrono::steady_clock::now() < deadline) {
      loop_->RunOnce(milliseconds(10));
    }
    EXPECT_EQ(sink_.responses.size(), 1u);
    return sink_.responses.empty() ? Response{} : std::move(sink_.responses.back());
  }

  // ReadBody pulls a streamed body to its end (5 s at most), waiting for kLater to resume.
  static std::string ReadBody(BodySource& source) {
    std::mutex mu;
    std::condition_variable cv;
    bool resumed = false;
    source.Start([&] {
      std::lock_guard<std::mutex> lock(mu);
      resumed = true;
      cv.notify_all();
    });
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (;;) {
      BodySource::Status status = source.Read(1000, &out);
      if (status == BodySource::Status::kEnd) return out;
      if (status == BodySource::Status::kError) return out + "<error>";
      if (status == BodySource::Status::kLater) {
        std::unique_lock<std::mutex> lock(mu);
        if (!cv.wait_until(lock, deadline, [&] { return resumed; })) return out + "<timeout>";
        resumed = false;
      }
    }
  }

  std::unique_ptr<EventLoop> loop_;
  FakeSink sink_;
  App app_;
  std::shared_ptr<DemoSite> site_;
  std::vector<std::shared_ptr<Exchange>> exchanges_;
};

std::string ReadSourceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(SiteFiles, EmbeddedBytesEqualTheFiles) {
  ASSERT_GE(DemoSiteFiles().size(), 6u);
  std::string previous;
  for (const EmbeddedFile& f : DemoSiteFiles()) {
    EXPECT_LT(previous, f.path) << "sorted, no duplicates";
    previous = std::string(f.path);
    const std::string on_disk = ReadSourceFile("server/demo/site" + std::string(f.path));
    ASSERT_FALSE(on_disk.empty()) << f.path;
    EXPECT_EQ(f.data, on_disk) << f.path;
    ASSERT_EQ(f.etag.size(), 22u) << f.etag;
    EXPECT_EQ(f.etag.front(), '"');
    EXPECT_EQ(f.etag.back(), '"');
  }
}

TEST_F(DemoTest, IndexAndAssets) {
  Response index = Run("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.headers.Get("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<title>h2engine"), std::string::npos);
  EXPECT_EQ(Run("GET", "/index.html").body, index.body);

  Response css = Run("GET", "/assets/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.headers.Get("content-type"), "text/css; charset=utf-8");
  const std::string etag(css.headers.Get("etag").value_or(""));
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(css.headers.Get("cache-control"), "no-cache");

  Response again = Run("GET", "/assets/style.css", "", {{"if-none-match", "\"x\", " + etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Run("GET", "/assets/style.css", "", {{"if-none-match", "\"other\""}}).status, 200);

  EXPECT_EQ(Run("GET", "/assets/app.js").headers.Get("content-type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(Run("GET", "/favicon.ico").headers.Get("content-type"), "image/svg+xml");
  EXPECT_EQ(Run("GET", "/assets/missing.js").status, 404);
  EXPECT_EQ(Run("GET", "/assets/../index.html").status, 404);
  EXPECT_EQ(Run("GET", "/nothing-here").status, 404);
  EXPECT_EQ(Run("POST", "/").status, 405);
}

TEST_F(DemoTest, EchoReturnsBodyAndTellsWhatItSaw) {
  const std::string body(300 * 1024, 'x');
  Response r = Run("POST", "/echo", body, {{"content-type", "application/x-test"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, body);
  EXPECT_EQ(r.headers.Get("x-method"), "POST");
  EXPECT_EQ(r.headers.Get("x-path"), "/echo");
  EXPECT_EQ(r.headers.Get("x-protocol"), "http/1.1");
  EXPECT_EQ(r.headers.Get("content-type"), "application/x-test");

  Response get = Run("GET", "/echo?a=1", "", {}, "HTTP/2");
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "");
  EXPECT_EQ(get.headers.Get("x-method"), "GET");
  EXPECT_EQ(get.headers.Get("x-path"), "/echo?a=1");
  EXPECT_EQ(get.headers.Get("x-protocol"), "h2");
  EXPECT_EQ(get.headers.Get("content-type"), "application/octet-stream");

  EXPECT_EQ(Run("PATCH", "/echo").headers.Get("x-method"), "PATCH");
}

TEST_F(DemoTest, ApiInfoIsJson) {
  Response r = Run("GET", "/api/info", "", {{"user-agent", "t\"e\x01st"}}, "HTTP/2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("content-type"), "application/json");
  EXPECT_EQ(r.body,
            "{\"protocol\":\"h2\",\"http_version\":\"HTTP/2\",\"scheme\":\"https\","
            "\"tls\":{\"version\":null,\"cipher\":null,\"alpn\":\"h2\"},"
            "\"peer\":\"127.0.0.1:9\",\"authority\":\"localhost:8443\",\"method\":\"GET\","
            "\"user_agent\":\"t\\\"e\\u0001st\",\"server\":\"h2d-test\"}\n");
}

TEST_F(DemoTest, MultiplexPageHasFiftyTiles) {
  Response r = Run("GET", "/multiplex?delay=150");
  EXPECT_EQ(r.status, 200);
  size_t tiles = 0;
  for (size_t at = 0; (at = r.body.find("<img src=\"/tiles/", at)) != std::string::npos; ++at) {
    ++tiles;
  }
  EXPECT_EQ(tiles, 50u);
  EXPECT_NE(r.body.find("/tiles/49.svg?delay=150&amp;p="), std::string::npos);
  EXPECT_NE(r.body.find("<strong>150 ms</strong>"), std::string::npos);
  EXPECT_EQ(r.body.find("{{"), std::string::npos);
  // The delay is capped.
  EXPECT_NE(Run("GET", "/multiplex?delay=99999").body.find("<strong>2000 ms</strong>"),
            std::string::npos);
  EXPECT_NE(Run("GET", "/multiplex?delay=junk").body.find("<strong>0 ms</strong>"),
            std::string::npos);
}

TEST_F(DemoTest, Tiles) {
  Response r = Run("GET", "/tiles/7.svg");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("content-type"), "image/svg+xml");
  EXPECT_EQ(r.body.rfind("<svg ", 0), 0u);
  EXPECT_NE(r.body.find(">7</text>"), std::string::npos);
  const auto start = std::chrono::steady_clock::now();
  Response delayed = Run("GET", "/tiles/8.svg?delay=100");
  EXPECT_EQ(delayed.status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(100));
  EXPECT_EQ(Run("GET", "/tiles/1000.svg").status, 404);
  EXPECT_EQ(Run("GET", "/tiles/x.svg").status, 404);
  EXPECT_EQ(Run("GET", "/tiles/7.png").status, 404);
  EXPECT_EQ(Run("GET", "/tiles/-1.svg").status, 404);
}

TEST_F(DemoTest, StreamSendsLinesOverTime) {
  Response r = Run("GET", "/stream?n=3&interval=20ms");
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.body_source, nullptr);
  EXPECT_EQ(r.body_source->Length(), std::nullopt);
  EXPECT_EQ(r.headers.Get("content-type"), "text/plain; charset=utf-8");
  const std::string body = ReadBody(*r.body_source);
  std::istringstream lines(body);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 3u) << body;
  EXPECT_EQ(got[0].rfind("chunk 1 of 3, sent ", 0), 0u);
  EXPECT_EQ(got[2].rfind("chunk 3 of 3, sent ", 0), 0u);

  EXPECT_EQ(Run("GET", "/stream?n=0").status, 400);
  EXPECT_EQ(Run("GET", "/stream?n=101").status, 400);
  EXPECT_EQ(Run("GET", "/stream?n=abc").status, 400);
  EXPECT_EQ(Run("GET", "/stream?interval=5s").status, 400);
  EXPECT_EQ(Run("GET", "/stream?interval=x").status, 400);
}

TEST_F(DemoTest, StreamStopsWhenTheClientGoesAway) {
  Response r = Run("GET", "/stream?n=100&interval=100ms");  // 10 s if nobody stopped it
  ASSERT_NE(r.body_source, nullptr);
  r.body_source->Start([] {});
  r.body_source->Cancel();  // what the protocol does when the stream is reset
  std::string out;
  EXPECT_EQ(r.body_source->Read(100, &out), BodySource::Status::kError);
  // The ticker's pending tick owns the pipe; once it sees the cancellation it does not
  // reschedule, and the pipe is freed.
  std::weak_ptr<BodySource> pipe = r.body_source;
  r.body_source.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!pipe.expired() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(pipe.expired()) << "the stream kept ticking after the client went away";
}

TEST_F(DemoTest, TrailersDescribeTheBody) {
  Response r = Run("GET", "/trailers");
  EXPECT_EQ(r.status, 200);
  ASSERT_NE(r.body_source, nullptr);
  EXPECT_EQ(r.body_source->Length(), std::nullopt);  // chunked over HTTP/1.1
  EXPECT_EQ(r.headers.Get("trailer"), "x-body-bytes, x-crc32, server-timing");
  const std::string body = ReadBody(*r.body_source);
  EXPECT_GT(body.size(), 100u);
  Headers trailers = r.body_source->Trailers();
  EXPECT_EQ(trailers.Get("x-body-bytes"), std::to_string(body.size()));
  char crc[16];
  snprintf(crc, sizeof(crc), "%08x", Crc32(body));
  EXPECT_EQ(trailers.Get("x-crc32"), crc);
  EXPECT_EQ(trailers.Get("server-timing").value_or("").rfind("total;dur=", 0), 0u);
}

TEST(DemoHelpers, Crc32MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xcbf43926u);  // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
}

TEST(DemoHelpers, JsonStringIsAlwaysValid) {
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("a\"b\\c\n\x7f"), "\"a\\\"b\\\\c\\u000a\\u007f\"");
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(JsonString("\xff"), "\"\\ufffd\"");
  EXPECT_EQ(JsonString("\xc3"), "\"\\ufffd\"");                                   // truncated
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");                        // overlong '/'
  EXPECT_EQ(JsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");             // a surrogate
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
}

}  // namespace
}  // namespace h2engine::server::demo
