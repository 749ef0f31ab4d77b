// Http1Session without sockets: bytes in, bytes out, with a real EventLoop for posted work.
// Covers keep-alive, pipelining order, body back pressure, 100-continue, discarding unread
// bodies, HEAD, streamed responses with trailers, errors and timeouts.

#include "server/http1_session.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

class Harness : public SessionHost {
 public:
  explicit Harness(const App& app, Http1SessionOptions options = {}) {
    std::string error;
    loop_ = EventLoop::Create(&error);
    options.add_date_header = false;  // exact bytes
    session_ = std::make_unique<Http1Session>(this, &app, options,
                                              ConnectionInfo{"127.0.0.1:1234", "http"});
  }
  ~Harness() override { session_.reset(); }

  void SessionChanged() override { ++changed_; }
  EventLoop& loop() override { return *loop_; }

  // Send offers bytes as the connection would and runs posted work.
  void Send(std::string_view bytes) {
    input_.append(bytes);
    Pump();
  }
  void Pump() {
    for (int i = 0; i < 10; ++i) {
      loop_->RunOnce(milliseconds(0));
      session_->Advance();
      if (!input_.empty() && session_->wants_input()) {
        size_t n = session_->ProcessInput(
            {reinterpret_cast<const uint8_t*>(input_.data()), input_.size()});
        input_.erase(0, n);
      }
    }
  }
  // Output drains everything the session has written (as a fast socket would).
  std::string Output() {
    std::string out;
    for (int i = 0; i < 1000; ++i) {
      Pump();
      if (session_->pending_output() == 0) break;
      std::span<const uint8_t> views[16];
      size_t n = session_->GatherOutput(views);
      size_t total = 0;
      for (size_t v = 0; v < n; ++v) {
        out.append(reinterpret_cast<const char*>(views[v].data()), views[v].size());
        total += views[v].size();
      }
      session_->ConsumeOutput(total);
    }
    return out;
  }
  // WaitFor pumps until the output contains `needle` (async handlers), for up to ~2 s.
  std::string WaitFor(std::string_view needle) {
    std::string out;
    for (int i = 0; i < 200 && out.find(needle) == std::string::npos; ++i) {
      loop_->RunOnce(milliseconds(10));
      out += Output();
    }
    return out;
  }

  Http1Session& session() { return *session_; }
  const std::string& unconsumed() const { return input_; }

 private:
  std::unique_ptr<EventLoop> loop_;
  std::unique_ptr<Http1Session> session_;
  std::string input_;
  int changed_ = 0;
};

// Dechunk decodes a chunked body: the data, then '|' and the raw trailer section.
std::string Dechunk(std::string_view in) {
  std::string out;
  while (true) {
    size_t eol = in.find("\r\n");
    if (eol == std::string_view::npos) return out + "<truncated>";
    size_t size = std::stoul(std::string(in.substr(0, eol)), nullptr, 16);
    in.remove_prefix(eol + 2);
    if (size == 0) {
      std::string_view trailers = in.substr(0, in.size() >= 2 ? in.size() - 2 : 0);
      return out + "|" + std::string(trailers);
    }
    out.append(in.substr(0, size));
    in.remove_prefix(std::min(in.size(), size + 2));
  }
}

App MakeApp() {
  App app;
  app.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello"); });
  app.Post("/echo", [](Request& req, Responder res) { res.Respond(200, req.body); });
  return app;
}

TEST(Http1Session, KeepAliveServesSeveralRequests) {
  App app = MakeApp();
  Harness h(app);
  h.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(h.Output(),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
            "content-length: 5\r\n\r\nhello");
  EXPECT_FALSE(h.session().done());
  EXPECT_EQ(h.session().phase(), SessionPhase::kIdle);
  h.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  EXPECT_EQ(h.Output(),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
            "content-length: 3\r\n\r\nabc");
  h.Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(h.Output().find("connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(h.session().done());
}

TEST(Http1Session, PipelinedResponsesKeepRequestOrderEvenIfTheFirstIsSlow) {
  App app;
  std::vector<std::thread> threads;
  app.Get("/slow", [&](Request&, Responder res) {
    threads.emplace_back([res] {
      std::this_thread::sleep_for(milliseconds(20));
      res.Respond(200, "slow");
    });
  });
  app.Get("/fast", [](Request&, Responder res) { res.Respond(200, "fast"); });
  Harness h(app);
  h.Send(
      "GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(h.Output(), "");                // the slow one blocks the others
  EXPECT_FALSE(h.session().wants_input());  // nothing read past the first request meanwhile
  std::string out = h.WaitFor("slow");
  out += h.Output();
  size_t slow = out.find("slow");
  size_t fast1 = out.find("fast");
  size_t fast2 = out.find("fast", fast1 + 1);
  ASSERT_NE(slow, std::string::npos) << out;
  ASSERT_NE(fast2, std::string::npos) << out;
  EXPECT_LT(slow, fast1);
  for (auto& t : threads) t.join();
}

TEST(Http1Session, StreamedRequestBodyAppliesBackPressure) {
  App app;
  std::shared_ptr<Responder> held = std::make_shared<Responder>();
  app.Post("/sink", [held](Request&, Responder res) { *held = res; }).StreamBody();
  Http1SessionOptions options;
  options.body_window = 16;
  Harness h(app, options);
  h.Send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'z'));
  // The handler never reads: only the window was taken, the rest waits in the input.
  EXPECT_EQ(h.unconsumed().size(), 100u - 16u);
  EXPECT_FALSE(h.session().wants_input());
  EXPECT_EQ(h.session().phase(), SessionPhase::kProcessing);
  // One read takes the window; the session accepts that much more.
  std::string got;
  held->request().body_reader().Read([&](BodyChunk c) { got += c.data; });
  h.Pump();
  EXPECT_EQ(got.size(), 16u);
  EXPECT_EQ(h.unconsumed().size(), 100u - 32u);
  held->Respond(200, "ok");
  h.Pump();
  std::string out = h.Output();
  EXPECT_NE(out.find("200 OK"), std::string::npos);
  // The rest of the body is discarded and the connection stays usable.
  h.Pump();
  EXPECT_EQ(h.unconsumed(), "");
  h.Send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(h.Output().find("404"), std::string::npos);
}

TEST(Http1Session, ExpectContinueIsSentWhenTheBodyIsRead_RFC9110_Section10_1_1) {
  App app = MakeApp();
  Harness h(app);
  h.Send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  EXPECT_EQ(h.Output(), "HTTP/1.1 100 Continue\r\n\r\n");
  h.Send("data");
  EXPECT_EQ(h.Output(),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
            "content-length: 4\r\n\r\ndata");
  EXPECT_FALSE(h.session().done());
}

TEST(Http1Session, ExpectContinueAnsweredWithoutReadingClosesTheConnection) {
  App app = MakeApp();
  Harness h(app);
  h.Send(
      "POST /missing HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 4\r\n\r\n");
  std::string out = h.Output();
  EXPECT_EQ(out.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << out;
  EXPECT_EQ(out.find("100 Continue"), std::string::npos);
  EXPECT_NE(out.find("connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(h.session().done());
}

TEST(Http1Session, UnreadBodyIsDiscardedAndKeepAliveSurvives) {
  App app = MakeApp();
  Harness h(app);
  h.Send(
      "POST /missing HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string out = h.Output();
  EXPECT_EQ(out.rfind("HTTP/1.1 404", 0), 0u);
  EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
  EXPECT_FALSE(h.session().done());
}

TEST(Http1Session, HeadGetsTheLengthButNoBody) {
  App app = MakeApp();
  Harness h(app);
  h.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(h.Output(),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\n"
            "content-length: 5\r\n\r\n");
}

TEST(Http1Session, StreamedResponseFromAnotherThreadIsChunkedWithTrailers) {
  App app;
  std::thread producer;
  app.Get("/stream", [&](Request&, Responder res) {
    auto pipe = BodyPipe::Create();
    res.Respond(Response::Stream(200, pipe));
    producer = std::thread([pipe] {
      pipe->Write("one,");
      std::this_thread::sleep_for(milliseconds(5));
      pipe->Write("two");
      pipe->Finish(Headers{{"x-count", "2"}});
    });
  });
  Harness h(app);
  h.Send("GET /stream HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n");
  std::string out = h.WaitFor("\r\n0\r\n");
  out += h.Output();
  producer.join();
  // How the writes group into chunks depends on thread timing; the content does not.
  const std::string head = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
  ASSERT_EQ(out.substr(0, head.size()), head);
  std::string body = Dechunk(out.substr(head.size()));
  EXPECT_EQ(body, "one,two|x-count: 2\r\n");
  EXPECT_FALSE(h.session().done());
}

TEST(Http1Session, Http10StreamedResponseIsCloseDelimited) {
  App app;
  app.Get("/stream", [](Request&, Responder res) {
    auto pipe = BodyPipe::Create();
    pipe->Write("abc");
    pipe->Finish();
    res.Respond(Response::Stream(200, pipe));
  });
  Harness h(app);
  h.Send("GET /stream HTTP/1.0\r\n\r\n");
  EXPECT_EQ(h.Output(), "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nabc");
  EXPECT_TRUE(h.session().done());
}

TEST(Http1Session, LargeStreamedBodyIsPulledOnlyAsOutputDrains) {
  App app;
  struct Counter : BodySource {
    std::optional<uint64_t> Length() const override { return 1 << 20; }
    Status Read(size_t max, std::string* out) override {
      size_t n = std::min<size_t>(max, (1 << 20) - produced);
      out->append(n, 'x');
      produced += n;
      return produced == (1 << 20) ? Status::kEnd : Status::kData;
    }
    size_t produced = 0;
  };
  auto source = std::make_shared<Counter>();
  app.Get("/big",
          [source](Request&, Responder res) { res.Respond(Response::Stream(200, source)); });
  Http1SessionOptions options;
  options.output_high_water = 64 * 1024;
  options.response_chunk_bytes = 16 * 1024;
  Harness h(app, options);
  h.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  // Nobody has written anything yet: the session stopped pulling at the high-water mark.
  EXPECT_LE(h.session().pending_output(), 64u * 1024 + 16 * 1024 + 256);
  EXPECT_LT(source->produced, 128u * 1024);
  std::string out = h.Output();
  EXPECT_EQ(source->produced, 1u << 20);
  EXPECT_NE(out.find("content-length: 1048576\r\n"), std::string::npos);
}

TEST(Http1Session, PipelinerThatDoesNotReadCannotGrowTheOutput) {
  App app = MakeApp();
  Http1SessionOptions options;
  options.output_high_water = 4096;
  Harness h(app, options);
  std::string requests;
  for (int i = 0; i < 2000; ++i) requests += "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  h.Send(requests);  // and never read
  for (int i = 0; i < 50; ++i) h.Pump();
  EXPECT_LT(h.session().pending_output(), 4096u + 200u);
  EXPECT_FALSE(h.session().wants_input());
  EXPECT_GT(h.unconsumed().size(), 0u);
  // Reading the responses lets the rest through, in order.
  std::string out = h.Output();
  size_t count = 0;
  for (size_t at = out.find("hello"); at != std::string::npos; at = out.find("hello", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 2000u);
  EXPECT_EQ(h.unconsumed(), "");
}

TEST(Http1Session, ParseErrorsAreAnsweredAndClose) {
  App app = MakeApp();
  Harness h(app);
  h.Send("GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n");
  std::string out = h.Output();
  EXPECT_EQ(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(h.session().done());

  Harness h2(app);
  h2.Send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(h2.Output().rfind("HTTP/1.1 400", 0), 0u);

  Harness h3(app);
  h3.Send("GET / HTTP/2.0\r\n\r\n");
  EXPECT_EQ(h3.Output().rfind("HTTP/1.1 505 HTTP Version Not Supported", 0), 0u);
}

TEST(Http1Session, BodyOverTheLimitIs413) {
  App app = MakeApp();
  Http1SessionOptions options;
  options.limits.max_body_bytes = 8;
  Harness h(app, options);
  h.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n123456789");
  EXPECT_EQ(h.Output().rfind("HTTP/1.1 413 Content Too Large\r\n", 0), 0u);
  Harness chunked(app, options);
  chunked.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.Output().rfind("HTTP/1.1 413", 0), 0u);
}

TEST(Http1Session, TimeoutsAnswer408WhenARequestWasPartlyReceived) {
  App app = MakeApp();
  Harness h(app);
  EXPECT_EQ(h.session().phase(), SessionPhase::kFirstRequest);
  h.Send("GET /hello HTTP/1.1\r\nHo");
  EXPECT_EQ(h.session().phase(), SessionPhase::kReadingHead);
  h.session().OnTimeout(SessionPhase::kReadingHead);
  EXPECT_EQ(h.Output().rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u);
  EXPECT_TRUE(h.session().done());

  Harness idle(app);
  idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  (void)idle.Output();
  EXPECT_EQ(idle.session().phase(), SessionPhase::kIdle);
  idle.session().OnTimeout(SessionPhase::kIdle);
  EXPECT_EQ(idle.Output(), "");  // closed quietly
  EXPECT_TRUE(idle.session().done());
}

TEST(Http1Session, InputClosedAfterACompleteRequestStillAnswers) {
  App app = MakeApp();
  Harness h(app);
  h.Send("GET /hello HTTP/1.1\r\nHost: x\r\n");
  h.session().OnInputClosed();
  EXPECT_TRUE(h.session().done());  // a partial head: the client is gone
  EXPECT_EQ(h.Output(), "");

  App slow_app;
  Responder held;
  slow_app.Get("/later", [&](Request&, Responder res) { held = res; });
  Harness h2(slow_app);
  h2.Send("GET /later HTTP/1.1\r\nHost: x\r\n\r\n");
  h2.session().OnInputClosed();  // half-close after a complete request
  EXPECT_FALSE(h2.session().done());
  held.Respond(200, "late");
  std::string out = h2.Output();
  EXPECT_NE(out.find("late"), std::string::npos);
  EXPECT_TRUE(h2.session().done());  // no further requests can come
}

TEST(Http1Session, AbortCloses) {
  App app;
  app.Get("/abort", [](Request&, Responder res) { res.Abort(); });
  Harness h(app);
  h.Send("GET /abort HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(h.Output(), "");
  EXPECT_TRUE(h.session().done());
}

TEST(Http1Session, CompletionHooksSeeTheResult) {
  App app = MakeApp();
  std::vector<std::string> log;
  app.Wrap([&](Request& req, Responder res, const Next& next) {
    res.OnComplete([&log, path = req.path](const ExchangeResult& r) {
      log.push_back(path + " " + std::to_string(r.status) + " " + std::to_string(r.body_bytes) +
                    (r.completed ? " ok" : " incomplete"));
    });
    next(req, res);
  });
  Harness h(app);
  h.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
  (void)h.Output();
  EXPECT_EQ(log, (std::vector<std::string>{"/hello 200 5 ok", "/missing 404 10 ok"}));
}

TEST(Http1Session, InformationalResponsesGoOnlyToHttp11) {
  App app;
  app.Get("/hints", [](Request&, Responder res) {
    res.SendInformational(103, Headers{{"link", "</s.css>; rel=preload"}});
    res.Respond(204, "");
  });
  Harness h(app);
  h.Send("GET /hints HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(h.Output(),
            "HTTP/1.1 103 Early Hints\r\nlink: </s.css>; rel=preload\r\n\r\n"
            "HTTP/1.1 204 No Content\r\ncontent-type: text/plain; charset=utf-8\r\n\r\n");
  Harness h10(app);
  h10.Send("GET /hints HTTP/1.0\r\n\r\n");
  EXPECT_EQ(h10.Output().find("103"), std::string::npos);
}

}  // namespace
}  // namespace h2engine::server
