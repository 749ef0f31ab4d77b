// Http2Session without sockets: an in-memory h2::Connection client talks to the session, with
// a real EventLoop (not running; the test runs its posted work) as the host. Every server byte
// is also rendered with h2::TraceFrames so tests can assert the exact frames.
// Covers the ORIGIN frame's position, INADEQUATE_SECURITY, HEAD/204 with streamed sources,
// RST_STREAM(NO_ERROR) after an early response, body length mismatches, 100-continue, invalid
// response fields, 1xx, the h2c upgrade entry point and the phases that drive timeouts.

#include "server/http2_session.h"

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "h2/frame_trace.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

struct ClientStream {
  int status = 0;
  std::vector<int> informational;
  Headers headers;
  std::string body;
  Headers trailers;
  bool closed = false;
  h2::ErrorCode code = h2::ErrorCode::kNoError;
};

// A source that never says anything (the client's request body stays open).
class Silent : public h2::DataSource {
 public:
  h2::DataChunk Read(size_t, ByteSink&) override { return {0, false, true}; }
};

// A BodySource that announces `length` but produces `actual` bytes.
class Liar : public BodySource {
 public:
  Liar(uint64_t length, size_t actual) : length_(length), actual_(actual) {}
  std::optional<uint64_t> Length() const override { return length_; }
  Status Read(size_t max, std::string* out) override {
    size_t n = std::min(max, actual_ - sent_);
    out->append(n, 'x');
    sent_ += n;
    return sent_ == actual_ ? Status::kEnd : Status::kData;
  }
  void Cancel() override { cancelled = true; }
  bool cancelled = false;

 private:
  uint64_t length_;
  size_t actual_;
  size_t sent_ = 0;
};

class Harness : public SessionHost, public h2::ConnectionVisitor {
 public:
  explicit Harness(const App& app, Http2SessionOptions options = {}) {
    std::string error;
    loop_ = EventLoop::Create(&error);
    options.add_date_header = false;
    session_ = std::make_unique<Http2Session>(this, &app, options,
                                              ConnectionInfo{"127.0.0.1:1234", "https"});
    h2::ConnectionOptions client;
    client.perspective = h2::Perspective::kClient;
    client_ = std::make_unique<h2::Connection>(client, static_cast<h2::ConnectionVisitor*>(this));
  }
  ~Harness() override {
    session_.reset();
    client_.reset();
  }

  // SessionHost.
  void SessionChanged() override {}
  EventLoop& loop() override { return *loop_; }

  // Pump moves bytes both ways (and runs posted work) until nothing moves.
  void Pump() {
    for (int round = 0; round < 200; ++round) {
      loop_->RunOnce(milliseconds(0));
      session_->Advance();
      bool moved = false;
      // Server -> client.
      while (session_->pending_output() > 0) {
        std::span<const uint8_t> views[8];
        size_t n = session_->GatherOutput(views);
        std::string bytes;
        for (size_t i = 0; i < n; ++i)
          bytes.append(reinterpret_cast<const char*>(views[i].data()), views[i].size());
        if (bytes.empty()) break;
        server_bytes_ += bytes;
        session_->ConsumeOutput(bytes.size());
        (void)client_->ProcessInput({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()},
                                    std::chrono::steady_clock::now());
        moved = true;
      }
      // Client -> server.
      std::span<const uint8_t> out = client_->PendingOutput();
      if (!out.empty() && session_->wants_input()) {
        std::string bytes(reinterpret_cast<const char*>(out.data()), out.size());
        client_->ConsumeOutput(out.size());
        size_t n =
            session_->ProcessInput({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
        EXPECT_EQ(n, bytes.size());
        moved = true;
      }
      if (!moved && round > 2) break;
    }
  }

  h2::StreamId Request(std::string_view method, std::string_view path,
                       std::vector<h2::HeaderRef> extra = {},
                       std::unique_ptr<h2::DataSource> body = nullptr) {
    std::vector<h2::HeaderRef> refs = {
        {":method", method}, {":scheme", "https"}, {":authority", "x"}, {":path", path}};
    refs.insert(refs.end(), extra.begin(), extra.end());
    std::optional<h2::StreamId> id = client_->SubmitRequest(refs, std::move(body));
    EXPECT_TRUE(id.has_value());
    Pump();
    return id.value_or(0);
  }

  std::string Trace() const {
    return h2::TraceFrames(
        {reinterpret_cast<const uint8_t*>(server_bytes_.data()), server_bytes_.size()});
  }

  // h2::ConnectionVisitor (client side).
  void OnHeaders(h2::StreamId id, h2::HeadersKind kind, const h2::HeaderList& headers,
                 bool) override {
    ClientStream& s = streams_[id];
    for (const h2::HeaderEntry& f : headers) {
      if (f.name == ":status") {
        int status = std::stoi(f.value);
        if (kind == h2::HeadersKind::kInformational) {
          s.informational.push_back(status);
        } else {
          s.status = status;
        }
      } else if (kind == h2::HeadersKind::kTrailers) {
        s.trailers.Add(f.name, f.value);
      } else if (kind == h2::HeadersKind::kResponse) {
        s.headers.Add(f.name, f.value);
      }
    }
  }
  void OnData(h2::StreamId id, std::span<const uint8_t> data) override {
    streams_[id].body.append(reinterpret_cast<const char*>(data.data()), data.size());
    client_->ConsumeData(id, data.size());
  }
  void OnStreamClosed(h2::StreamId id, h2::ErrorCode code) override {
    streams_[id].closed = true;
    streams_[id].code = code;
  }

  Http2Session& session() { return *session_; }
  h2::Connection& client() { return *client_; }
  ClientStream& stream(h2::StreamId id) { return streams_[id]; }
  const std::string& server_bytes() const { return server_bytes_; }

 private:
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Http2Session> session_;
  std::unique_ptr<h2::Connection> client_;
  std::map<h2::StreamId, ClientStream> streams_;
  std::string server_bytes_;
};

TEST(Http2SessionTest, ServesARequest) {
  App app;
  app.Get("/hello", [](Request& req, Responder res) {
    EXPECT_EQ(req.protocol, "h2");
    EXPECT_EQ(req.scheme, "https");
    EXPECT_EQ(req.authority, "x");
    res.Respond(200, "hello\n");
  });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/hello");
  EXPECT_EQ(h.stream(id).status, 200);
  EXPECT_EQ(h.stream(id).body, "hello\n");
  EXPECT_EQ(h.stream(id).headers.Get("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(h.stream(id).headers.Get("content-length"), "6");
  EXPECT_TRUE(h.stream(id).closed);
  EXPECT_EQ(h.session().requests_started(), 1u);
  EXPECT_EQ(h.session().phase(), SessionPhase::kIdle);
}

// RFC 8336 §2: the ORIGIN frame goes on stream 0, here right after the server's SETTINGS.
TEST(Http2SessionTest, Rfc8336OriginFrameFollowsTheServerPreface) {
  App app;
  Http2SessionOptions options;
  options.origins = {"https://example.com", "https://static.example.com:8443"};
  Harness h(app, options);
  h.Pump();
  std::string trace = h.Trace();
  size_t settings = trace.find("SETTINGS frame");
  size_t origin = trace.find("ORIGIN frame");
  ASSERT_EQ(settings, 0u) << trace;
  ASSERT_NE(origin, std::string::npos) << trace;
  EXPECT_NE(trace.find("[https://example.com]"), std::string::npos) << trace;
  EXPECT_NE(trace.find("[https://static.example.com:8443]"), std::string::npos) << trace;
  EXPECT_NE(trace.find("stream_id=0>", origin), std::string::npos);
  EXPECT_EQ(trace.find("ORIGIN frame", origin + 1), std::string::npos);  // only once
}

// RFC 9113 §9.2.2: a block-listed TLS 1.2 suite is a connection error INADEQUATE_SECURITY.
TEST(Http2SessionTest, Rfc9113Section9_2_2_InadequateSecurity) {
  App app;
  Harness h(app);
  h.session().FailInadequateSecurity();
  h.Pump();
  std::string trace = h.Trace();
  EXPECT_NE(trace.find("GOAWAY frame"), std::string::npos) << trace;
  EXPECT_NE(trace.find("INADEQUATE_SECURITY(0x0c)"), std::string::npos) << trace;
  EXPECT_TRUE(h.session().done());
}

// RFC 9113 §8.1.1, RFC 9110 §6.4.1: no content for HEAD, 204, 304; a streamed source is
// cancelled instead of being read.
TEST(Http2SessionTest, HeadAnd204DoNotReadTheSource) {
  App app;
  std::vector<std::shared_ptr<BodyPipe>> pipes;
  app.Get("/stream", [&](Request&, Responder res) {
    auto pipe = BodyPipe::Create(1024, 5);
    pipe->Write("12345");
    pipes.push_back(pipe);
    res.Respond(Response::Stream(200, pipe));
  });
  app.Get("/empty", [&](Request&, Responder res) {
    auto pipe = BodyPipe::Create();
    pipes.push_back(pipe);
    res.Respond(Response::Stream(204, pipe));
  });
  Harness h(app);
  h2::StreamId head = h.Request("HEAD", "/stream");
  h2::StreamId empty = h.Request("GET", "/empty");
  EXPECT_EQ(h.stream(head).status, 200);
  EXPECT_EQ(h.stream(head).headers.Get("content-length"), "5");
  EXPECT_EQ(h.stream(head).body, "");
  EXPECT_EQ(h.stream(empty).status, 204);
  EXPECT_FALSE(h.stream(empty).headers.Has("content-length"));
  ASSERT_EQ(pipes.size(), 2u);
  EXPECT_TRUE(pipes[0]->cancelled());
  EXPECT_TRUE(pipes[1]->cancelled());
  EXPECT_EQ(h.Trace().find("DATA frame"), std::string::npos);
}

// RFC 9113 §8.1: a response complete before the request is followed by RST_STREAM(NO_ERROR).
TEST(Http2SessionTest, Rfc9113Section8_1_EarlyResponseResetsWithNoError) {
  App app;
  app.Post("/early", [](Request&, Responder res) { res.Respond(413, "too big\n"); }).StreamBody();
  Harness h(app);
  h2::StreamId id = h.Request("POST", "/early", {}, std::make_unique<Silent>());
  EXPECT_EQ(h.stream(id).status, 413);
  EXPECT_EQ(h.stream(id).body, "too big\n");
  EXPECT_TRUE(h.stream(id).closed);
  std::string trace = h.Trace();
  size_t data = trace.find("DATA frame");
  size_t rst = trace.find("RST_STREAM frame");
  ASSERT_NE(rst, std::string::npos) << trace;
  EXPECT_LT(data, rst);
  EXPECT_NE(trace.find("(error_code=NO_ERROR(0x00))", rst), std::string::npos) << trace;
}

TEST(Http2SessionTest, BodyShorterThanItsLengthResetsTheStream) {
  App app;
  std::shared_ptr<Liar> liar = std::make_shared<Liar>(10, 5);
  std::vector<ExchangeResult> results;
  app.Get("/liar", [&](Request&, Responder res) {
    res.OnComplete([&](const ExchangeResult& r) { results.push_back(r); });
    res.Respond(Response::Stream(200, liar));
  });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/liar");
  EXPECT_TRUE(h.stream(id).closed);
  EXPECT_EQ(h.stream(id).code, h2::ErrorCode::kInternalError);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].completed);
}

TEST(Http2SessionTest, BodyLongerThanItsLengthResetsTheStream) {
  App app;
  std::shared_ptr<Liar> liar = std::make_shared<Liar>(3, 5);
  app.Get("/liar", [&](Request&, Responder res) { res.Respond(Response::Stream(200, liar)); });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/liar");
  EXPECT_TRUE(h.stream(id).closed);
  EXPECT_EQ(h.stream(id).code, h2::ErrorCode::kInternalError);
  EXPECT_TRUE(liar->cancelled);
}

// A client that sent `expect: 100-continue` gets 100 when the application reads the body.
TEST(Http2SessionTest, ExpectContinueWhenTheBodyIsRead) {
  App app;
  app.Post("/upload",
           [](Request& req, Responder res) {
             req.body_reader().Read([](BodyChunk) {});  // asks for the body: 100 Continue
             res.Respond(200, "read\n");
           })
      .StreamBody();
  app.Post("/refuse", [](Request&, Responder res) { res.Respond(403, "no\n"); }).StreamBody();
  Harness h(app);
  h2::StreamId id =
      h.Request("POST", "/upload", {{"expect", "100-continue"}}, std::make_unique<Silent>());
  EXPECT_EQ(h.stream(id).informational, std::vector<int>{100});
  EXPECT_EQ(h.stream(id).status, 200);
  h2::StreamId refused =
      h.Request("POST", "/refuse", {{"expect", "100-continue"}}, std::make_unique<Silent>());
  EXPECT_TRUE(h.stream(refused).informational.empty());
  EXPECT_EQ(h.stream(refused).status, 403);
}

// Fields HTTP/2 cannot carry are dropped, values trimmed, a status outside 200..599 is 500.
TEST(Http2SessionTest, ResponseFieldsAreMadeValidForHttp2) {
  App app;
  app.Get("/fields", [](Request&, Responder res) {
    Response r = Response::Text(200, "ok");
    r.headers.Add("x-bad", "line\nbreak");
    r.headers.Add("x-padded", "  value  ");
    r.headers.Add("bad name", "v");
    r.headers.Add("upgrade", "websocket");
    r.headers.Add("te", "trailers");
    res.Respond(std::move(r));
  });
  app.Get("/odd", [](Request&, Responder res) { res.Respond(799, "odd"); });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/fields");
  EXPECT_EQ(h.stream(id).status, 200);
  EXPECT_FALSE(h.stream(id).headers.Has("x-bad"));
  EXPECT_EQ(h.stream(id).headers.Get("x-padded"), "value");
  EXPECT_FALSE(h.stream(id).headers.Has("bad name"));
  EXPECT_FALSE(h.stream(id).headers.Has("upgrade"));
  EXPECT_FALSE(h.stream(id).headers.Has("te"));
  EXPECT_EQ(h.Request("GET", "/odd") != 0, true);
  EXPECT_EQ(h.stream(3).status, 500);
}

TEST(Http2SessionTest, StreamedTrailersAfterTheLastData) {
  App app;
  app.Get("/t", [](Request&, Responder res) {
    auto pipe = BodyPipe::Create();
    pipe->Write("abc");
    pipe->Finish(Headers{{"x-sum", "3"}, {"content-length", "9"}});  // the latter is forbidden
    res.Respond(Response::Stream(200, pipe));
  });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/t");
  EXPECT_EQ(h.stream(id).body, "abc");
  EXPECT_EQ(h.stream(id).trailers, (Headers{{"x-sum", "3"}}));
  std::string trace = h.Trace();
  // The last DATA does not end the stream; the trailers' HEADERS does.
  EXPECT_NE(trace.find("DATA frame <length=3, flags=0x00, stream_id=1>"), std::string::npos)
      << trace;
  EXPECT_NE(trace.find("HEADERS frame <length=", trace.find("DATA frame")), std::string::npos);
}

TEST(Http2SessionTest, AbortResetsTheStream) {
  App app;
  app.Get("/abort", [](Request&, Responder res) { res.Abort(); });
  Harness h(app);
  h2::StreamId id = h.Request("GET", "/abort");
  EXPECT_TRUE(h.stream(id).closed);
  EXPECT_EQ(h.stream(id).code, h2::ErrorCode::kInternalError);
}

TEST(Http2SessionTest, UpgradeRejectsAnInvalidSettingsPayload) {
  App app;
  Harness h(app);
  RequestHead head;
  head.method = "GET";
  head.path = "/";
  head.authority = "x";
  EXPECT_FALSE(h.session().StartFromUpgrade(head, std::string_view("\x00\x03\x00", 3)));
}

TEST(Http2SessionTest, UpgradeMakesStreamOne) {
  App app;
  std::string seen;
  app.Get("/up", [&](Request& req, Responder res) {
    seen = req.method + " " + req.path + "?" + req.query + " " + req.authority + " " +
           std::string(req.Header("accept").value_or("-"));
    EXPECT_FALSE(req.headers.Has("http2-settings"));
    EXPECT_FALSE(req.headers.Has("upgrade"));
    res.Respond(200, "up\n");
  });
  Harness h(app);
  RequestHead head;
  head.method = "GET";
  head.path = "/up";
  head.query = "q=1";
  head.authority = "example.com";
  head.headers.Add("host", "example.com");
  head.headers.Add("connection", "Upgrade, HTTP2-Settings");
  head.headers.Add("upgrade", "h2c");
  head.headers.Add("http2-settings", "AAMAAABkAAQAAP__");
  head.headers.Add("accept", "*/*");
  ASSERT_TRUE(h.session().StartFromUpgrade(head, std::string_view("\x00\x03\x00\x00\x00\x64", 6)));
  EXPECT_EQ(seen, "GET /up?q=1 example.com */*");
  EXPECT_EQ(h.session().requests_started(), 1u);
}

TEST(Http2SessionTest, PhasesFollowTheStreams) {
  App app;
  std::vector<Responder> parked;
  app.Get("/park", [&](Request&, Responder res) { parked.push_back(res); });
  Harness h(app);
  h.Pump();
  EXPECT_EQ(h.session().phase(), SessionPhase::kFirstRequest);
  h2::StreamId id = h.Request("GET", "/park");
  EXPECT_EQ(h.session().phase(), SessionPhase::kProcessing);  // the application's turn
  ASSERT_EQ(parked.size(), 1u);
  parked[0].Respond(200, "done");
  h.Pump();
  EXPECT_TRUE(h.stream(id).closed);
  EXPECT_EQ(h.session().phase(), SessionPhase::kIdle);
  // Idle timeout: GOAWAY(NO_ERROR), then done.
  h.session().OnTimeout(SessionPhase::kIdle);
  h.Pump();
  EXPECT_NE(h.Trace().find("GOAWAY frame"), std::string::npos);
  EXPECT_TRUE(h.session().done());
}

TEST(Http2SessionTest, ConnectionLossCancelsEveryExchange) {
  App app;
  std::vector<ExchangeResult> results;
  std::vector<Responder> parked;
  app.Get("/park", [&](Request&, Responder res) {
    res.OnComplete([&](const ExchangeResult& r) { results.push_back(r); });
    parked.push_back(res);
  });
  Harness h(app);
  h.Request("GET", "/park");
  h.Request("GET", "/park");
  ASSERT_EQ(parked.size(), 2u);
  h.session().OnConnectionClosed();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[0].completed);
  EXPECT_FALSE(parked[0].alive());
  EXPECT_FALSE(parked[1].Respond(200, "late"));  // already claimed by the loss
}

}  // namespace
}  // namespace h2engine::server
