// The application API without sockets: App routing, middleware, buffered and streamed request
// bodies, async responders, BodyPipe. A FakeSink stands in for the protocol; a real EventLoop
// runs the posted work.

#include "server/router.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

class FakeSink : public ExchangeSink {
 public:
  void OnResponse(Response response) override { responses.push_back(std::move(response)); }
  void OnInformational(int status, const Headers&) override { informational.push_back(status); }
  void OnRequestBodyWanted() override { ++wanted; }
  void OnRequestBodyConsumed(size_t bytes) override { consumed += bytes; }
  void OnAbort() override { ++aborted; }

  std::vector<Response> responses;
  std::vector<int> informational;
  int wanted = 0;
  size_t consumed = 0;
  int aborted = 0;
};

class AppTest : public ::testing::Test {
 protected:
  AppTest() {
    std::string error;
    loop_ = EventLoop::Create(&error);
  }
  ~AppTest() override {
    for (auto& ex : exchanges_) ex->Finish({});
  }

  std::shared_ptr<Exchange> Make(std::string method, std::string target, bool has_body = false) {
    Request r;
    r.method = std::move(method);
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    auto ex = Exchange::Create(loop_->handle(), nullptr, &sink_, std::move(r), {});
    if (!has_body) ex->DeliverBodyEnd({});
    exchanges_.push_back(ex);
    return ex;
  }

  // Dispatch runs one request through the app and the loop; returns the response.
  Response Run(std::string method, std::string target) {
    auto ex = Make(std::move(method), std::move(target));
    app_.Dispatch(ex);
    Drain();
    EXPECT_EQ(sink_.responses.size(), 1u);
    Response r = sink_.responses.empty() ? Response{} : std::move(sink_.responses.back());
    sink_.responses.clear();
    return r;
  }

  void Drain() {
    for (int i = 0; i < 5; ++i) loop_->RunOnce(milliseconds(0));
  }

  static Handler Says(std::string what) {
    return [what](Request& req, Responder res) {
      std::string body = what;
      for (const auto& [k, v] : req.params) body += " " + k + "=" + v;
      res.Respond(200, body);
    };
  }

  std::unique_ptr<EventLoop> loop_;
  FakeSink sink_;
  App app_;
  std::vector<std::shared_ptr<Exchange>> exchanges_;
};

TEST_F(AppTest, LiteralBeatsParamBeatsWildcard) {
  app_.Get("/users/*", Says("wild"));
  app_.Get("/users/:id", Says("param"));
  app_.Get("/users/me", Says("literal"));
  app_.Get("/users/:id/posts/:post", Says("nested"));
  app_.Get("/", Says("root"));
  EXPECT_EQ(Run("GET", "/users/me").body, "literal");
  EXPECT_EQ(Run("GET", "/users/42").body, "param id=42");
  EXPECT_EQ(Run("GET", "/users/a%20b").body, "param id=a b");
  EXPECT_EQ(Run("GET", "/users/42/posts/7").body, "nested id=42 post=7");
  EXPECT_EQ(Run("GET", "/users/42/x/y%2Fz").body, "wild *=42/x/y%2Fz");
  EXPECT_EQ(Run("GET", "/users/").body, "wild *=");
  EXPECT_EQ(Run("GET", "/").body, "root");
  EXPECT_EQ(Run("GET", "/users").status, 404);
  EXPECT_EQ(Run("GET", "/nope").status, 404);
  EXPECT_EQ(Run("GET", "/users/42/posts/").status, 200);  // falls back to the wildcard
}

TEST_F(AppTest, QueryIsNotPartOfTheRoute) {
  app_.Get("/search", [](Request& req, Responder res) {
    res.Respond(200, req.QueryParam("q").value_or("-") + "|" + req.QueryParam("x").value_or("-"));
  });
  EXPECT_EQ(Run("GET", "/search?q=a+b%21&x").body, "a b!|");
}

TEST_F(AppTest, MethodNotAllowedListsAllow) {
  app_.Get("/item", Says("get"));
  app_.Delete("/item", Says("delete"));
  app_.Put("/item", Says("put"));
  Response r = Run("POST", "/item");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.Get("allow"), "GET, HEAD, PUT, DELETE");
  EXPECT_EQ(Run("DELETE", "/item").body, "delete");
}

TEST_F(AppTest, HeadUsesGetUnlessThereIsAHeadRoute) {
  app_.Get("/a", Says("get a"));
  app_.Get("/b", Says("get b"));
  app_.Head("/b", Says("head b"));
  EXPECT_EQ(Run("HEAD", "/a").body, "get a");  // the protocol drops the body
  EXPECT_EQ(Run("HEAD", "/b").body, "head b");
  EXPECT_EQ(Run("HEAD", "/c").status, 404);
}

TEST_F(AppTest, AnyMethod) {
  app_.Any("/echo", [](Request& req, Responder res) { res.Respond(200, req.method); });
  EXPECT_EQ(Run("PATCH", "/echo").body, "PATCH");
  EXPECT_EQ(Run("BREW", "/echo").body, "BREW");
}

TEST_F(AppTest, CustomNotFound) {
  app_.SetNotFound([](Request& req, Responder res) { res.Respond(404, "no " + req.path); });
  EXPECT_EQ(Run("GET", "/x").body, "no /x");
}

TEST_F(AppTest, MiddlewareRunInOrderAddHeadersAndLog) {
  std::vector<std::string> log;
  // Access log: records method, path, status and body bytes when the exchange ends.
  app_.Wrap([&log](Request& req, Responder res, const Next& next) {
    std::string line = req.method + " " + req.path;
    res.OnComplete([&log, line](const ExchangeResult& result) {
      log.push_back(line + " " + std::to_string(result.status) + " " +
                    std::to_string(result.body_bytes) + (result.completed ? " ok" : " aborted"));
    });
    next(req, res);
  });
  // Adds a header to every response.
  app_.Wrap([](Request& req, Responder res, const Next& next) {
    res.OnResponse([](Response& r) { r.headers.Set("x-served-by", "h2engine"); });
    req.headers.Add("x-seen-by-middleware", "1");
    next(req, res);
  });
  app_.Get("/hi", [](Request& req, Responder res) {
    res.Respond(200, "hi " + std::string(req.Header("x-seen-by-middleware").value_or("?")));
  });
  auto ex = Make("GET", "/hi");
  app_.Dispatch(ex);
  Drain();
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.responses[0].body, "hi 1");
  EXPECT_EQ(sink_.responses[0].headers.Get("x-served-by"), "h2engine");
  ex->Finish({200, 4, true, {}});
  // 404s go through the middleware too.
  auto missing = Make("GET", "/missing");
  app_.Dispatch(missing);
  Drain();
  EXPECT_EQ(sink_.responses[1].headers.Get("x-served-by"), "h2engine");
  missing->Finish({404, 10, false, {}});
  EXPECT_EQ(log, (std::vector<std::string>{"GET /hi 200 4 ok", "GET /missing 404 10 aborted"}));
}

TEST_F(AppTest, MiddlewareCanAnswerWithoutCallingNext) {
  app_.Wrap([](Request& req, Responder res, const Next& next) {
    if (!req.Header("authorization")) {
      res.Respond(401, "who are you?\n");
      return;
    }
    next(req, res);
  });
  bool handler_ran = false;
  app_.Get("/secret", [&](Request&, Responder res) {
    handler_ran = true;
    res.Respond(200, "s");
  });
  EXPECT_EQ(Run("GET", "/secret").status, 401);
  EXPECT_FALSE(handler_ran);
}

TEST_F(AppTest, HandlerCompletesLaterFromAnotherThread) {
  std::thread worker;
  app_.Get("/slow", [&](Request& req, Responder res) {
    worker = std::thread([res] {
      std::this_thread::sleep_for(milliseconds(5));
      EXPECT_FALSE(res.loop().IsInLoopThread());
      EXPECT_TRUE(res.Respond(200, "done " + res.request().path));
      EXPECT_FALSE(res.Respond(500, "twice"));  // the first answer wins
    });
    (void)req;
  });
  auto ex = Make("GET", "/slow");
  app_.Dispatch(ex);
  EXPECT_TRUE(sink_.responses.empty());
  for (int i = 0; i < 200 && sink_.responses.empty(); ++i) loop_->RunOnce(milliseconds(10));
  worker.join();
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.responses[0].body, "done /slow");
}

TEST_F(AppTest, RespondAfterTheClientLeftIsDropped) {
  Responder kept;
  app_.Get("/x", [&](Request&, Responder res) { kept = res; });
  auto ex = Make("GET", "/x");
  app_.Dispatch(ex);
  EXPECT_TRUE(kept.alive());
  ex->Finish({});  // the connection went away
  EXPECT_FALSE(kept.alive());
  EXPECT_FALSE(kept.Respond(200, "late"));
  Drain();
  EXPECT_TRUE(sink_.responses.empty());
}

TEST_F(AppTest, DroppedResponderAnswers500) {
  app_.Get("/forgetful", [](Request&, Responder) {});
  Response r = Run("GET", "/forgetful");
  EXPECT_EQ(r.status, 500);
}

TEST_F(AppTest, InformationalAndAbort) {
  app_.Get("/hints", [](Request&, Responder res) {
    res.SendInformational(103, Headers{{"link", "</a.css>; rel=preload"}});
    res.Respond(200, "ok");
  });
  app_.Get("/abort", [](Request&, Responder res) { EXPECT_TRUE(res.Abort()); });
  EXPECT_EQ(Run("GET", "/hints").status, 200);
  EXPECT_EQ(sink_.informational, std::vector<int>{103});
  auto ex = Make("GET", "/abort");
  app_.Dispatch(ex);
  Drain();
  EXPECT_EQ(sink_.aborted, 1);
  EXPECT_TRUE(sink_.responses.empty());
}

TEST_F(AppTest, BufferedBodyArrivesWhole) {
  app_.Post("/upload", [](Request& req, Responder res) {
    res.Respond(200, std::to_string(req.body.size()) + ":" + req.body + ":" +
                         std::string(req.trailers.Get("x-sum").value_or("")));
  });
  auto ex = Make("POST", "/upload", /*has_body=*/true);
  app_.Dispatch(ex);
  Drain();
  EXPECT_EQ(sink_.wanted, 1);
  ex->DeliverBody("hello ");
  Drain();
  ex->DeliverBody("world");
  Drain();
  EXPECT_TRUE(sink_.responses.empty());
  ex->DeliverBodyEnd(Headers{{"x-sum", "abc"}});
  Drain();
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.responses[0].body, "11:hello world:abc");
  EXPECT_EQ(sink_.consumed, 11u);
}

TEST_F(AppTest, BufferedBodyOverTheAppLimitIs413) {
  AppOptions options;
  options.max_body_bytes = 4;
  App small(options);
  bool ran = false;
  small.Post("/u", [&](Request&, Responder res) {
    ran = true;
    res.Respond(200, "");
  });
  auto ex = Make("POST", "/u", true);
  small.Dispatch(ex);
  ex->DeliverBody("12345");
  Drain();
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.responses[0].status, 413);
  EXPECT_FALSE(ran);
}

TEST_F(AppTest, StreamedBodyIsPulledByTheHandler) {
  std::vector<std::string> chunks;
  app_.Post("/stream",
            [&](Request& req, Responder res) {
              // Reads one chunk at a time; each Read asks for more.
              auto reader = std::make_shared<std::function<void(BodyChunk)>>();
              *reader = [&chunks, res, reader](BodyChunk chunk) {
                chunks.push_back(chunk.data + (chunk.end ? "|end" : "") +
                                 (chunk.error ? "|error" : ""));
                if (chunk.end || chunk.error) {
                  res.Respond(200, "got it");
                  *reader = nullptr;  // break the self-reference
                  return;
                }
                res.request().body_reader().Read(*reader);
              };
              req.body_reader().Read(*reader);
            })
      .StreamBody();
  auto ex = Make("POST", "/stream", true);
  app_.Dispatch(ex);
  EXPECT_EQ(sink_.wanted, 1);  // the handler ran at the head and asked for the body
  ex->DeliverBody("ab");
  ex->DeliverBody("cd");  // arrives before the reader asks again: buffered
  EXPECT_EQ(ex->unread_body_bytes(), 2u);
  Drain();
  EXPECT_EQ(ex->unread_body_bytes(), 0u);
  ex->DeliverBody("ef");
  Drain();
  ex->DeliverBodyEnd({});
  Drain();
  EXPECT_EQ(chunks, (std::vector<std::string>{"ab", "cd", "ef", "|end"}));
  ASSERT_EQ(sink_.responses.size(), 1u);
  EXPECT_EQ(sink_.consumed, 6u);
}

TEST_F(AppTest, PendingReadLearnsAboutALostClient) {
  std::vector<std::string> seen;
  app_.Post("/s",
            [&](Request& req, Responder) {
              req.body_reader().Read(
                  [&](BodyChunk c) { seen.push_back(c.error ? "error" : c.data); });
            })
      .StreamBody();
  auto ex = Make("POST", "/s", true);
  app_.Dispatch(ex);
  Drain();
  ex->Finish({});
  Drain();
  EXPECT_EQ(seen, std::vector<std::string>{"error"});
}

TEST(BodyPipe, ProducerAndConsumerWithBackPressure) {
  auto pipe = BodyPipe::Create(/*high_water=*/8);
  int resumed = 0;
  pipe->Start([&] { ++resumed; });
  std::string out;
  EXPECT_EQ(pipe->Read(100, &out), BodySource::Status::kLater);
  EXPECT_TRUE(pipe->Write("abc"));
  EXPECT_EQ(resumed, 1);                // the waiting reader is woken
  EXPECT_FALSE(pipe->Write("defghi"));  // 9 >= 8: above high water
  bool writable = false;
  pipe->OnWritable([&] { writable = true; });
  EXPECT_FALSE(writable);
  EXPECT_EQ(pipe->Read(4, &out), BodySource::Status::kData);
  EXPECT_EQ(out, "abcd");
  EXPECT_FALSE(writable);  // 5 unread > 8 / 2
  EXPECT_EQ(pipe->Read(1, &out), BodySource::Status::kData);
  EXPECT_TRUE(writable);  // 4 unread: room again
  EXPECT_EQ(pipe->Read(100, &out), BodySource::Status::kData);
  EXPECT_EQ(out, "abcdefghi");
  EXPECT_EQ(pipe->Read(100, &out), BodySource::Status::kLater);
  pipe->Finish();
  EXPECT_EQ(resumed, 2);
  EXPECT_EQ(pipe->Read(100, &out), BodySource::Status::kEnd);
}

TEST(BodyPipe, FinishWithTrailersAndCancel) {
  auto pipe = BodyPipe::Create(1024, 6);
  EXPECT_EQ(pipe->Length(), 6u);
  pipe->Write("abc");
  pipe->Write("def");
  pipe->Finish(Headers{{"x-t", "1"}});
  EXPECT_FALSE(pipe->Write("late"));
  std::string out;
  EXPECT_EQ(pipe->Read(100, &out), BodySource::Status::kEnd);
  EXPECT_EQ(out, "abcdef");
  EXPECT_EQ(pipe->Trailers(), (Headers{{"x-t", "1"}}));

  auto cancelled = BodyPipe::Create(4);
  cancelled->Write("12345");
  bool woke = false;
  cancelled->OnWritable([&] { woke = true; });
  cancelled->Cancel();
  EXPECT_TRUE(woke);  // producers waiting for room learn the consumer is gone
  EXPECT_TRUE(cancelled->cancelled());
  EXPECT_FALSE(cancelled->Write("x"));
  EXPECT_EQ(cancelled->Read(10, &out), BodySource::Status::kError);
}

}  // namespace
}  // namespace h2engine::server
