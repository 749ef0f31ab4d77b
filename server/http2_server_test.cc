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
    return testing::Shell("curl -s -S --max-time 5 --cacert " + cert_path_ + " " + args + " 2>&1");
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
  ASSERT_TRUE(client->RunUntil([&] {
    return client->stream_closed(a) && client->stream_closed(b) && client->stream_closed(c);
  }));
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
    std::string trace =
        h2::TraceFrames({reinterpret_cast<const uint8_t*>(frames.data()), frames.size()});
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

// ---- The same App answers identically over HTTP/1.1 and HTTP/2 ----

struct Answer {
  int status = 0;
  std::vector<int> informational;
  std::string body;
  Headers headers;
  Headers trailers;
};

Answer FromHttp1(const Http1Response& r) {
  return {r.status, r.informational, r.body, r.headers, r.trailers};
}
Answer FromHttp2(const H2Response& r) {
  return {r.status, r.informational, r.body, r.headers, r.trailers};
}

TEST_F(Http2ServerTest, SameRoutesAnswerIdenticallyOverHttp1AndHttp2) {
  Start();
  auto h2 = Connect(/*tls=*/false);
  struct Case {
    std::string method;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"GET", "/hello"},
      {"GET", "/headers"},
      {"GET", "/trailers"},
      {"GET", "/stream"},
      {"GET", "/missing"},
      {"POST", "/hello"},
      {"HEAD", "/hello"},
      {"GET", "/static/small.txt"},
      {"HEAD", "/static/small.txt"},
      {"GET", "/nocontent"},
      {"GET", "/early"},
      {"GET", "/async"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.path);
    RawClient raw(port_);
    raw.Send(c.method + " " + c.path +
             " HTTP/1.1\r\nHost: localhost\r\nTE: trailers\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(raw.WaitClosed(milliseconds(3000)));
    Http1Response r1 = ParseHttp1Response(raw.TakeBuffered(), c.method == "HEAD");
    ASSERT_TRUE(r1.ok);
    H2Response r2 = h2->Fetch(c.method, c.path);
    ASSERT_TRUE(r2.closed);
    Answer a1 = FromHttp1(r1);
    Answer a2 = FromHttp2(r2);
    EXPECT_EQ(a1.status, a2.status);
    EXPECT_EQ(a1.informational, a2.informational);
    EXPECT_EQ(a1.body, a2.body);
    EXPECT_EQ(a1.trailers, a2.trailers);
    for (std::string_view name : {"content-type", "content-length", "x-custom", "set-cookie",
                                  "x-hop", "allow", "x-middleware", "etag", "last-modified"}) {
      // HTTP/1.1 needs chunked framing to carry trailers, so it has no content-length there;
      // HTTP/2 announces the known length and sends the trailers after the DATA.
      if (name == "content-length" && r1.headers.HasToken("transfer-encoding", "chunked")) {
        continue;
      }
      EXPECT_EQ(a1.headers.GetAll(name), a2.headers.GetAll(name)) << name;
    }
    // Connection-specific fields never appear over HTTP/2 (RFC 9113 §8.2.2).
    for (std::string_view name : {"connection", "keep-alive", "transfer-encoding", "x-hop"}) {
      EXPECT_FALSE(a2.headers.Has(name)) << name;
    }
  }
  // Spot checks on the values themselves.
  EXPECT_EQ(h2->Fetch("GET", "/trailers").trailers.Get("x-checksum"), "42");
  EXPECT_EQ(h2->Fetch("GET", "/stream").trailers.Get("x-parts"), "5");
  EXPECT_EQ(h2->Fetch("GET", "/stream").body, "part 0\npart 1\npart 2\npart 3\npart 4\n");
  EXPECT_EQ(h2->Fetch("GET", "/early").informational, std::vector<int>{103});
  EXPECT_EQ(h2->Fetch("HEAD", "/hello").headers.Get("content-length"), "6");
  EXPECT_EQ(h2->Fetch("POST", "/hello").headers.Get("allow"), "GET, HEAD");
}

// ---- Back pressure ----

// A request body much larger than the windows, read by the handler only later: the client can
// send no more than the server's initial windows until the application reads (§5.2), and then
// the whole body arrives intact.
TEST_F(Http2ServerTest, RequestBodyBackPressure) {
  Start();
  auto client = Connect(/*tls=*/true);
  auto pulled = std::make_shared<std::atomic<size_t>>(0);
  h2::StreamId id =
      client->Submit("POST", "/upload", {}, std::make_unique<GeneratedBody>(kBig, pulled));
  ASSERT_NE(id, 0u);
  ASSERT_TRUE(client->RunUntil([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return !upload_.empty();
  }));
  client->RunFor(milliseconds(200));
  EXPECT_GT(pulled->load(), 0u);
  EXPECT_LE(pulled->load(), 65535u);  // the server's initial stream window

  // Now read it all, from this thread (RequestBody::Read is thread-safe).
  Responder res;
  {
    std::lock_guard<std::mutex> lock(mu_);
    res = upload_[0];
  }
  auto total = std::make_shared<std::string>();
  auto step = std::make_shared<std::function<void(BodyChunk)>>();
  *step = [res, total, step](BodyChunk chunk) {
    total->append(chunk.data);
    if (chunk.error || chunk.end) {
      bool same = *total == GeneratedBody::Expected(kBig);
      res.Respond(200, std::to_string(total->size()) + (same ? " same" : " different"));
      *step = nullptr;
      return;
    }
    res.request().body_reader().Read(*step);
  };
  res.request().body_reader().Read(*step);
  ASSERT_TRUE(client->RunUntil([&] { return client->stream_closed(id); }));
  EXPECT_EQ(client->response(id).status, 200);
  EXPECT_EQ(client->response(id).body, std::to_string(kBig) + " same");
}

// A 1 MiB streamed response to a client that does not acknowledge DATA: the server sends no
// more than the client's window, the producer thread is held at the pipe's high-water mark,
// and everything arrives once the client reads.
TEST_F(Http2ServerTest, ResponseBodyBackPressure) {
  Start();
  auto client = Connect(/*tls=*/true);
  client->set_auto_consume(false);
  h2::StreamId id = client->Submit("GET", "/big");
  client->RunFor(milliseconds(300));
  EXPECT_EQ(client->response(id).status, 200);
  EXPECT_EQ(client->response(id).headers.Get("content-length"), std::to_string(kBig));
  size_t received = client->response(id).body.size();
  EXPECT_GT(received, 0u);
  EXPECT_LE(received, 65535u);  // the client's initial window
  EXPECT_LT(produced_.load(), 64 * 1024 + 65535 + 4 * 16 * 1024);
  client->set_auto_consume(true);
  client->Consume(id, client->unconsumed(id));
  ASSERT_TRUE(client->RunUntil([&] { return client->stream_closed(id); }));
  EXPECT_TRUE(client->response(id).body == GeneratedBody::Expected(kBig));
  EXPECT_EQ(client->response(id).close_code, h2::ErrorCode::kNoError);
}

// A slow reader that grants window in small steps as it consumes (RFC 9113 §6.9) is served to
// the end: DefaultHttp2Options() does not count tiny WINDOW_UPDATEs as a flood (with the
// engine's default budget, ~2000 of them would end in GOAWAY(ENHANCE_YOUR_CALM)).
TEST_F(Http2ServerTest, SlowReaderGrantingTinyWindowsIsServed) {
  constexpr size_t kSize = 256 * 1024;
  ASSERT_TRUE(testing::WriteFile(root_ + "/tiny.bin", std::string(kSize, 't')));
  Start();
  RawClient c(port_);
  auto frame = [](uint8_t type, uint8_t flags, uint32_t stream, std::string_view payload) {
    std::string f;
    f.push_back(static_cast<char>(payload.size() >> 16));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size()));
    f.push_back(static_cast<char>(type));
    f.push_back(static_cast<char>(flags));
    for (int shift : {24, 16, 8, 0}) f.push_back(static_cast<char>(stream >> shift));
    f.append(payload);
    return f;
  };
  auto window_update = [&](uint32_t stream, uint32_t n) {
    std::string inc;
    for (int shift : {24, 16, 8, 0}) inc.push_back(static_cast<char>(n >> shift));
    return frame(0x8, 0, stream, inc);
  };
  // :method GET, :scheme http, :path /static/tiny.bin, :authority x (HPACK, RFC 7541 App. A).
  std::string block("\x82\x86\x44\x10/static/tiny.bin\x41\x01x", 23);
  c.Send(std::string(kH2ClientPreface) + frame(0x4, 0, 0, "") + frame(0x1, 0x5, 1, block));
  std::string buffer;
  size_t body = 0;
  size_t granted = 0;  // beyond the initial windows
  size_t updates = 0;
  bool ended = false;
  bool goaway = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!ended && !goaway && !c.closed() && std::chrono::steady_clock::now() < deadline) {
    buffer += c.ReadSome(milliseconds(100));
    while (buffer.size() >= 9) {
      size_t length = (static_cast<uint8_t>(buffer[0]) << 16) |
                      (static_cast<uint8_t>(buffer[1]) << 8) | static_cast<uint8_t>(buffer[2]);
      if (buffer.size() < 9 + length) break;
      uint8_t type = static_cast<uint8_t>(buffer[3]);
      uint8_t flags = static_cast<uint8_t>(buffer[4]);
      if (type == 0x0) {
        body += length;
        ended = (flags & 0x1) != 0;
      } else if (type == 0x4 && !(flags & 0x1)) {
        c.Send(frame(0x4, 0x1, 0, ""));  // SETTINGS ACK
      } else if (type == 0x6 && !(flags & 0x1)) {
        c.Send(frame(0x6, 0x1, 0, buffer.substr(9, 8)));  // PING ACK
      } else if (type == 0x7) {
        goaway = true;
      }
      buffer.erase(0, 9 + length);
    }
    // Give back what was consumed (all of it, at once), 200 bytes per WINDOW_UPDATE.
    while (!ended && granted < body) {
      auto n = static_cast<uint32_t>(std::min<size_t>(200, body - granted));
      c.Send(window_update(1, n) + window_update(0, n));
      granted += n;
      updates += 2;
    }
  }
  EXPECT_FALSE(goaway);
  EXPECT_TRUE(ended);
  EXPECT_EQ(body, kSize);
  EXPECT_GT(updates, 1500u);
}

// ---- Async completion, resets ----

TEST_F(Http2ServerTest, AsyncCompletionFromOtherThreads) {
  Start();
  auto client = Connect(/*tls=*/true);
  std::vector<h2::StreamId> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(client->Submit("GET", "/async"));
  ASSERT_TRUE(client->RunUntil([&] {
    for (h2::StreamId id : ids) {
      if (!client->stream_closed(id)) return false;
    }
    return true;
  }));
  for (h2::StreamId id : ids) EXPECT_EQ(client->response(id).body, "from a worker thread\n");
}

TEST_F(Http2ServerTest, ClientResetCancelsTheExchange) {
  Start();
  auto client = Connect(/*tls=*/true);
  h2::StreamId id = client->Submit("GET", "/gate");
  ASSERT_TRUE(client->RunUntil([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return !gate_.empty();
  }));
  Responder parked;
  {
    std::lock_guard<std::mutex> lock(mu_);
    parked = gate_[0];
  }
  EXPECT_TRUE(parked.alive());
  ASSERT_TRUE(client->connection().SubmitRstStream(id, h2::ErrorCode::kCancel));
  client->RunFor(milliseconds(20));
  ASSERT_TRUE(WaitFor([&] { return !gate_results_.empty(); }));
  EXPECT_FALSE(parked.alive());
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_FALSE(gate_results_[0].completed);
    EXPECT_EQ(gate_results_[0].status, 0);
  }
  parked.Respond(200, "too late\n");  // harmless
  // The connection carries on.
  EXPECT_EQ(client->Fetch("GET", "/hello").body, "hello\n");
}

TEST_F(Http2ServerTest, ClientResetStopsAStreamingProducer) {
  Start();
  auto client = Connect(/*tls=*/false);
  client->set_auto_consume(false);
  h2::StreamId id = client->Submit("GET", "/big");
  ASSERT_TRUE(client->RunUntil([&] { return client->response(id).body.size() > 0; }));
  ASSERT_TRUE(client->connection().SubmitRstStream(id, h2::ErrorCode::kCancel));
  client->RunFor(milliseconds(50));
  ASSERT_TRUE(WaitFor([&] {
    for (const std::string& line : access_log_) {
      if (line == "GET /big h2 200 incomplete") return true;
    }
    return false;
  }));
  EXPECT_LT(produced_.load(), kBig);  // the producer saw the pipe cancelled and stopped
}

// ---- TLS: Alt-Svc on HTTP/1.1, tls_only ----

TEST_F(Http2ServerTest, AltSvcOnHttp1OverTlsOnly) {
  if (!testing::HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string tls = Curl("--http1.1 -i " + Url("https", "/hello"));
  EXPECT_NE(tls.find("HTTP/1.1 200"), std::string::npos) << tls;
  EXPECT_NE(tls.find("alt-svc: h2=\":" + std::to_string(port_) + "\""), std::string::npos) << tls;
  std::string clear = Curl("--http1.1 -i " + Url("http", "/hello"));
  EXPECT_NE(clear.find("HTTP/1.1 200"), std::string::npos) << clear;
  EXPECT_EQ(clear.find("alt-svc"), std::string::npos) << clear;
}

TEST_F(Http2ServerTest, TlsOnlyRefusesCleartext) {
  ServerOptions options = Options();
  options.tls_only = true;
  Start(options);
  RawClient h1(port_);
  h1.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(h1.WaitClosed(milliseconds(1000)));
  EXPECT_EQ(h1.TakeBuffered(), "");
  auto h2c = Connect(/*tls=*/false);
  H2Response r = h2c->Fetch("GET", "/hello", std::nullopt, {}, milliseconds(1000));
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(h2c->socket_closed());
  auto tls = Connect(/*tls=*/true);
  EXPECT_EQ(tls->Fetch("GET", "/hello").body, "hello\n");
}

// ---- Timeouts ----

TEST_F(Http2ServerTest, IdleHttp2ConnectionGetsGoAwayAndIsClosed) {
  ServerOptions options = Options();
  options.connection.idle_timeout = milliseconds(200);
  Start(options);
  auto client = Connect(/*tls=*/true);
  EXPECT_EQ(client->Fetch("GET", "/hello").status, 200);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(client->RunUntil([&] { return client->socket_closed(); }, milliseconds(3000)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(150));
  ASSERT_FALSE(client->goaways().empty());
  EXPECT_EQ(client->goaways().back().second, h2::ErrorCode::kNoError);
  EXPECT_TRUE(client->close_notify());
}

TEST_F(Http2ServerTest, HandshakeTimeout) {
  ServerOptions options = Options();
  options.connection.handshake_timeout = milliseconds(200);
  options.connection.first_request_timeout = milliseconds(10000);
  Start(options);
  RawClient c(port_);
  c.Send(std::string("\x16\x03\x01\x00\x50\x01\x00", 7));  // a ClientHello that never ends
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed(milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
}

// A header block that never ends (HEADERS without END_HEADERS): header_timeout, then GOAWAY.
TEST_F(Http2ServerTest, SlowHeaderBlockTimesOut) {
  ServerOptions options = Options();
  options.connection.header_timeout = milliseconds(200);
  options.connection.first_request_timeout = milliseconds(10000);
  options.connection.idle_timeout = milliseconds(10000);
  Start(options);
  RawClient c(port_);
  c.Send(std::string(kH2ClientPreface) + std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9) +
         std::string("\x00\x00\x01\x01\x00\x00\x00\x00\x01\x82", 10));
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.WaitClosed(milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  std::string bytes = c.TakeBuffered();
  std::string trace =
      h2::TraceFrames({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  EXPECT_NE(trace.find("GOAWAY frame"), std::string::npos) << trace;
}

// ---- Graceful shutdown ----

TEST_F(Http2ServerTest, GracefulShutdownDrainsHttp2AndHttp1) {
  Start();
  auto h2 = Connect(/*tls=*/true);
  h2::StreamId id = h2->Submit("GET", "/gate");
  ASSERT_TRUE(h2->RunUntil([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return gate_.size() == 1;
  }));
  RawClient h1(port_);
  h1.Send("GET /gate HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(WaitFor([&] { return gate_.size() == 2; }));
  RawClient idle(port_);  // connected, nothing sent: closed at once

  std::atomic<bool> waited{false};
  server_->StartGracefulShutdown();
  std::thread waiter([&] {
    server_->Wait();
    waited = true;
  });

  // Step 1: the listener is closed.
  bool refused = false;
  for (int i = 0; i < 50 && !refused; ++i) {
    RawClient late(port_);
    refused = !late.connected();
    if (!refused) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(refused);
  EXPECT_TRUE(idle.WaitClosed(milliseconds(1000)));
  // Step 2: GOAWAY(2^31-1), then after the PING round trip GOAWAY(last stream = 1).
  ASSERT_TRUE(h2->RunUntil([&] { return h2->goaways().size() >= 2; }));
  EXPECT_EQ(h2->goaways()[0], std::make_pair(h2::kMaxStreamId, h2::ErrorCode::kNoError));
  EXPECT_EQ(h2->goaways()[1], std::make_pair(h2::StreamId{1}, h2::ErrorCode::kNoError));
  EXPECT_FALSE(waited.load());

  // The in-flight exchanges finish.
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (Responder& r : gate_) r.Respond(200, "released\n");
  }
  ASSERT_TRUE(h2->RunUntil([&] { return h2->stream_closed(id); }));
  EXPECT_EQ(h2->response(id).body, "released\n");
  EXPECT_EQ(h2->response(id).close_code, h2::ErrorCode::kNoError);
  ASSERT_TRUE(h2->RunUntil([&] { return h2->socket_closed(); }));
  EXPECT_TRUE(h2->close_notify());

  std::string response = h1.ReadResponse();
  Http1Response r1 = ParseHttp1Response(response);
  ASSERT_TRUE(r1.ok) << response;
  EXPECT_EQ(r1.body, "released\n");
  EXPECT_EQ(r1.headers.Get("connection"), "close");
  EXPECT_TRUE(h1.WaitClosed(milliseconds(1000)));

  waiter.join();
  EXPECT_TRUE(waited.load());
  EXPECT_EQ(server_->connection_count(), 0u);
}

TEST_F(Http2ServerTest, DrainTimeoutClosesWhatIsLeft) {
  ServerOptions options = Options();
  options.drain_timeout = milliseconds(200);
  Start(options);
  auto h2 = Connect(/*tls=*/false);
  h2->Submit("GET", "/gate");
  ASSERT_TRUE(h2->RunUntil([&] {
    std::lock_guard<std::mutex> lock(mu_);
    return gate_.size() == 1;
  }));
  server_->StartGracefulShutdown();
  auto start = std::chrono::steady_clock::now();
  std::thread waiter([&] { server_->Wait(); });
  ASSERT_TRUE(h2->RunUntil([&] { return h2->socket_closed(); }, milliseconds(3000)));
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  ASSERT_TRUE(WaitFor([&] { return !gate_results_.empty(); }));
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_FALSE(gate_results_[0].completed);
}

// ---- Tracing ----

TEST_F(Http2ServerTest, TraceShowsFramesInNghttpStyle) {
  ServerOptions options = Options();
  auto lines = std::make_shared<std::vector<std::string>>();
  auto lines_mu = std::make_shared<std::mutex>();
  options.trace = [lines, lines_mu](std::string_view line) {
    std::lock_guard<std::mutex> lock(*lines_mu);
    lines->emplace_back(line);
  };
  Start(options);
  auto client = Connect(/*tls=*/false);
  EXPECT_EQ(client->Fetch("GET", "/hello").status, 200);
  server_->Stop();
  std::lock_guard<std::mutex> lock(*lines_mu);
  std::string all;
  for (const std::string& line : *lines) all += line + "\n";
  EXPECT_EQ(all.rfind("[id=1] [  0.", 0), 0u) << all;
  EXPECT_NE(all.find("] send SETTINGS frame <length="), std::string::npos) << all;
  EXPECT_NE(all.find("] recv SETTINGS frame <length="), std::string::npos) << all;
  EXPECT_NE(all.find("] recv (stream_id=1) :path: /hello"), std::string::npos) << all;
  EXPECT_NE(all.find("] send (stream_id=1) :status: 200"), std::string::npos) << all;
  EXPECT_NE(all.find("] send HEADERS frame <length="), std::string::npos) << all;
  EXPECT_NE(all.find("] send DATA frame <length=6, flags=0x01, stream_id=1>"), std::string::npos)
      << all;
  EXPECT_NE(all.find("; END_STREAM"), std::string::npos) << all;
}

// ---- curl ----

TEST_F(Http2ServerTest, CurlHttp2OverTls) {
  if (!testing::HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out = Curl("--http2 -D - -w '\\n%{http_version}' " + Url("https", "/echo?x=1"));
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_NE(out.find("x-protocol: h2"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 2), "\n2") << out;
  // A 300 KiB upload and a static file.
  std::string big(300 * 1024, 'x');
  ASSERT_TRUE(testing::WriteFile(root_ + "/upload.bin", big));
  std::string echoed =
      Curl("--http2 --data-binary @" + root_ + "/upload.bin " + Url("https", "/echo"));
  EXPECT_TRUE(echoed == big) << echoed.size();
  EXPECT_EQ(Curl("--http2 " + Url("https", "/static/small.txt")), "a small static file\n");
}

TEST_F(Http2ServerTest, CurlPriorKnowledge) {
  if (!testing::HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out =
      Curl("--http2-prior-knowledge -D - -w '\\n%{http_version}' " + Url("http", "/echo"));
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_NE(out.find("x-protocol: h2"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 2), "\n2") << out;
}

TEST_F(Http2ServerTest, CurlUpgrade) {
  if (!testing::HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out = Curl("--http2 -v -w '\\n%{http_version}' " + Url("http", "/hello"));
  EXPECT_NE(out.find("HTTP/1.1 101 Switching Protocols"), std::string::npos) << out;
  EXPECT_NE(out.find("HTTP/2 200"), std::string::npos) << out;
  EXPECT_NE(out.find("hello\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 2), "\n2") << out;
}

}  // namespace
}  // namespace h2engine::server
