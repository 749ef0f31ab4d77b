// End to end over real sockets on 127.0.0.1: the Server speaking all four ways on one port
// (HTTP/2 over TLS with ALPN h2, HTTP/1.1 over TLS, h2c with prior knowledge, HTTP/1.1 with
// and without `Upgrade: h2c`), driven by our own HTTP/2 client (h2::Connection client
// perspective over tls::Session), raw sockets and curl. Covers identical answers over both
// protocols, back pressure both ways, async completion, client resets, Alt-Svc, tls_only,
// timeouts and graceful shutdown.

#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "h2/frame_trace.h"
#include "server/server.h"
#include "server/static_files.h"
#include "server/testing/h2_client.h"
#include "server/testing/raw_client.h"
#include "tls/testing/session_pair.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;
using testing::GeneratedBody;
using testing::H2Client;
using testing::H2ClientOptions;
using testing::H2Response;
using testing::Http1Response;
using testing::ParseHttp1Response;
using testing::RawClient;

constexpr size_t kBig = 1 << 20;

class Http2ServerTest : public ::testing::Test {
 protected:
  Http2ServerTest() {
    root_ = testing::TempDir();
    EXPECT_TRUE(testing::WriteFile(root_ + "/small.txt", "a small static file\n"));
    cert_path_ = root_ + "/cert.pem";
    EXPECT_TRUE(testing::WriteFile(cert_path_, tls::testing::TestCertificate().certificate_pem));

    app_.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello\n"); });
    app_.Any("/echo", [](Request& req, Responder res) {
      Response r = Response::Text(200, req.body, "application/octet-stream");
      r.headers.Add("x-method", req.method);
      r.headers.Add("x-path", req.path);
      r.headers.Add("x-query", req.query);
      r.headers.Add("x-protocol", req.protocol);
      r.headers.Add("x-scheme", req.scheme);
      r.headers.Add("x-authority", req.authority);
      r.headers.Add("x-cookie", std::string(req.Header("cookie").value_or("")));
      res.Respond(std::move(r));
    });
    app_.Get("/headers", [](Request&, Responder res) {
      Response r = Response::Text(200, "h");
      r.headers.Add("x-custom", "one");
      r.headers.Add("x-custom", "two");
      r.headers.Add("set-cookie", "a=1");
      r.headers.Add("set-cookie", "b=2");
      r.headers.Add("connection", "x-hop");  // connection-specific: never sent over HTTP/2
      r.headers.Add("x-hop", "1");
      r.headers.Add("keep-alive", "timeout=5");
      r.headers.Add("transfer-encoding", "gzip");
      res.Respond(std::move(r));
    });
    app_.Get("/trailers", [](Request&, Responder res) {
      Response r = Response::Text(200, "with trailers\n");
      r.trailers.Add("x-checksum", "42");
      res.Respond(std::move(r));
    });
    app_.Get("/stream", [this](Request&, Responder res) {
      auto pipe = BodyPipe::Create(1024);
      res.Respond(Response::Stream(200, pipe));
      Spawn([pipe] {
        for (int i = 0; i < 5; ++i) {
          pipe->Write("part " + std::to_string(i) + "\n");
          std::this_thread::sleep_for(milliseconds(2));
        }
        pipe->Finish(Headers{{"x-parts", "5"}});
      });
    });
    app_.Get("/async", [this](Request&, Responder res) {
      Spawn([res] {
        std::this_thread::sleep_for(milliseconds(5));
        res.Respond(200, "from a worker thread\n");
      });
    });
    app_.Get("/early", [](Request&, Responder res) {
      res.SendInformational(103, Headers{{"link", "</style.css>; rel=preload"}});
      res.Respond(200, "after hints\n");
    });
    app_.Get("/nocontent", [](Request&, Responder res) { res.Respond(Response::Text(204, "")); });
    // Parks the exchange until the test releases it (Release()).
    app_.Get("/gate", [this](Request&, Responder res) {
      res.OnComplete([this](const ExchangeResult& r) {
        std::lock_guard<std::mutex> lock(mu_);
        gate_results_.push_back(r);
        cv_.notify_all();
      });
      std::lock_guard<std::mutex> lock(mu_);
      gate_.push_back(res);
      cv_.notify_all();
    });
    // A 1 MiB response from a producer thread that honours the pipe's back pressure.
    app_.Get("/big", [this](Request&, Responder res) {
      auto pipe = BodyPipe::Create(64 * 1024, kBig);
      res.Respond(Response::Stream(200, pipe));
      Spawn([this, pipe] {
        std::string expected = GeneratedBody::Expected(kBig);
        size_t sent = 0;
        while (sent < kBig && !pipe->cancelled()) {
          size_t n = std::min<size_t>(16 * 1024, kBig - sent);
          bool below = pipe->Write(expected.substr(sent, n));
          sent += n;
          produced_ = sent;
          if (!below) {
            std::mutex m;
            std::condition_variable cv;
            bool writable = false;
            pipe->OnWritable([&] {
              std::lock_guard<std::mutex> lock(m);
              writable = true;
              cv.notify_all();
            });
            std::unique_lock<std::mutex> lock(m);
            cv.wait_for(lock, std::chrono::seconds(5), [&] { return writable; });
          }
        }
        pipe->Finish();
      });
    });
    // Reads the body only once the test opens the gate (upload_gate_), then answers with the
    // byte count and whether the bytes are the generated pattern.
    app_.Post("/upload",
              [this](Request& req, Responder res) {
                {
                  std::lock_guard<std::mutex> lock(mu_);
                  upload_.push_back(res);
                  cv_.notify_all();
                }
                (void)req;
              })
        .StreamBody();
    app_.Get("/static/*", StaticFiles({.root = root_}));
    app_.Wrap([this](Request& req, Responder res, const Next& next) {
      res.OnResponse([](Response& r) { r.headers.Add("x-middleware", "yes"); });
      res.OnComplete(
          [this, line = req.method + " " + req.path + " " + req.protocol](const ExchangeResult& r) {
            std::lock_guard<std::mutex> lock(mu_);
            access_log_.push_back(line + " " + std::to_string(r.status) +
                                  (r.completed ? "" : " incomplete"));
          });
      next(req, res);
    });
  }

  ~Http2ServerTest() override {
    if (server_) server_->Stop();
    {
      std::lock_guard<std::mutex> lock(mu_);
      gate_.clear();
      upload_.clear();
    }
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  void Spawn(std::function<void()> fn) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_.emplace_back(std::move(fn));
  }

  static ServerOptions Options() {
    ServerOptions options;
    options.tls = tls::testing::MakeServerContext();
    options.connection.linger_timeout = milliseconds(500);
    return options;
  }

  void Start(const ServerOptions& options = Options()) {
    server_ = std::make_unique<Server>(app_, options);
    ListenStatus status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.message;
    port_ = server_->port();
  }

  std::unique_ptr<H2Client> Connect(bool tls) {
    H2ClientOptions options;
    options.tls = tls;
    if (tls) options.context = tls::testing::MakeClientContext();
    auto client = std::make_unique<H2Client>(options);
    std::string error;
    EXPECT_TRUE(client->Connect(port_, &error)) << error;
    return client;
  }

  // WaitFor waits (bounded) until `pred` holds under mu_.
  bool WaitFor(const std::function<bool()>& pred, milliseconds timeout = milliseconds(3000)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, pred);
  }

  std::string Curl(const std::string& args) {
    return testing::Shell("curl -s -S --max-time 5 --cacert " + cert_path_ + " " + args +
                          " 2>&1");
  }
  std::string Url(const std::string& scheme, const std::string& path) {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  App app_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::string root_;
  std::string cert_path_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::vector<std::string> access_log_;
  std::vector<Responder> gate_;
  std::vector<ExchangeResult> gate_results_;
  std::vector<Responder> upload_;
  std::atomic<size_t> produced_{0};
};

TEST_F(Http2ServerTest, Http2OverTlsServesAGet) {
  Start();
  auto client = Connect(/*tls=*/true);
  EXPECT_EQ(client->alpn(), "h2");
  H2Response r = client->Fetch("GET", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello\n");
  EXPECT_EQ(r.headers.Get("content-length"), "6");
  EXPECT_EQ(r.headers.Get("x-middleware"), "yes");
  EXPECT_TRUE(r.headers.Has("date"));
  EXPECT_EQ(r.close_code, h2::ErrorCode::kNoError);
}

TEST_F(Http2ServerTest, RequestFieldsOverHttp2) {
  Start();
  auto client = Connect(/*tls=*/true);
  H2Response r = client->Fetch("POST", "/echo?a=1&b=2", std::string("payload"),
                               {{"cookie", "a=1"}, {"cookie", "b=2"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "payload");
  EXPECT_EQ(r.headers.Get("x-method"), "POST");
  EXPECT_EQ(r.headers.Get("x-path"), "/echo");
  EXPECT_EQ(r.headers.Get("x-query"), "a=1&b=2");
  EXPECT_EQ(r.headers.Get("x-protocol"), "h2");
  EXPECT_EQ(r.headers.Get("x-scheme"), "https");
  EXPECT_EQ(r.headers.Get("x-authority"), "localhost");
  EXPECT_EQ(r.headers.Get("x-cookie"), "a=1; b=2");  // RFC 9113 §8.2.3 crumbs joined
}

TEST_F(Http2ServerTest, H2cWithPriorKnowledge) {
  Start();
  auto client = Connect(/*tls=*/false);
  H2Response r = client->Fetch("GET", "/echo");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("x-protocol"), "h2");
  EXPECT_EQ(r.headers.Get("x-scheme"), "http");
  // Several streams on the one connection.
  h2::StreamId a = client->Submit("GET", "/hello");
  h2::StreamId b = client->Submit("GET", "/async");
  h2::StreamId c = client->Submit("GET", "/missing");
  ASSERT_TRUE(client->RunUntil(
      [&] { return client->stream_closed(a) && client->stream_closed(b) && client->stream_closed(c); }));
  EXPECT_EQ(client->response(a).body, "hello\n");
  EXPECT_EQ(client->response(b).body, "from a worker thread\n");
  EXPECT_EQ(client->response(c).status, 404);
}

// RFC 7540 §3.2: 101, then the server preface and stream 1's response; the client's preface
// comes in the same write as the request and must not be lost.
TEST_F(Http2ServerTest, H2cUpgradeAnswersStreamOne) {
  Start();
  RawClient c(port_);
  std::string settings_frame("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9);
  c.Send(
      "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n" +
      std::string(kH2ClientPreface) + settings_frame);
  std::string head = c.ReadUntil("\r\n\r\n");
  EXPECT_EQ(head,
            "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n");
  // Read frames until stream 1 ends.
  std::string frames;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    frames += c.TakeBuffered() + c.ReadSome(milliseconds(50));
    std::string trace = h2::TraceFrames(
        {reinterpret_cast<const uint8_t*>(frames.data()), frames.size()});
    if (trace.find("DATA frame") != std::string::npos &&
        trace.find("END_STREAM") != std::string::npos) {
      break;
    }
  }
  std::string trace =
      h2::TraceFrames({reinterpret_cast<const uint8_t*>(frames.data()), frames.size()});
  EXPECT_EQ(trace.rfind("SETTINGS frame", 0), 0u) << trace;  // the server preface first
  EXPECT_NE(trace.find("HEADERS frame <length="), std::string::npos) << trace;
  EXPECT_NE(trace.find("stream_id=1>"), std::string::npos) << trace;
  EXPECT_NE(trace.find("DATA frame <length=6, flags=0x01, stream_id=1>"), std::string::npos)
      << trace;
  EXPECT_NE(frames.find("hello\n"), std::string::npos);
  EXPECT_EQ(trace.find("RST_STREAM"), std::string::npos) << trace;
  EXPECT_EQ(trace.find("GOAWAY"), std::string::npos) << trace;
}

TEST_F(Http2ServerTest, UpgradeWithABodyIsServedAsHttp1) {
  Start();
  RawClient c(port_);
  c.Send(
      "POST /echo HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 4\r\n\r\nbody");
  Http1Response r = ParseHttp1Response(c.ReadResponse());
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "body");
  EXPECT_EQ(r.headers.Get("x-protocol"), "http/1.1");
}

}  // namespace
}  // namespace h2engine::server
