// End to end: a Server on 127.0.0.1 (port 0) inside the test process, exercised with
// `curl --http1.1` and with raw sockets: keep-alive, pipelining, chunked upload, 100-continue,
// streamed bodies both ways, static files, the timeouts (200 ms here), and shutdown.

#include "server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/static_files.h"
#include "server/testing/raw_client.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// A blocking client socket with bounded waits.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }
  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // ReadSome waits up to `timeout` for bytes; "" on timeout, and sets closed() on EOF.
  std::string ReadSome(milliseconds timeout = milliseconds(3000)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return "";
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      closed_ = true;
      return "";
    }
    return std::string(buf, static_cast<size_t>(n));
  }

  // ReadUntil reads until `needle` has arrived (or EOF / 3 s).
  std::string ReadUntil(std::string_view needle) {
    auto deadline = Clock::now() + milliseconds(3000);
    while (buffer_.find(needle) == std::string::npos && !closed_ && Clock::now() < deadline) {
      buffer_ += ReadSome(milliseconds(100));
    }
    size_t end = buffer_.find(needle);
    if (end == std::string::npos) return std::exchange(buffer_, "");
    std::string out = buffer_.substr(0, end + needle.size());
    buffer_.erase(0, end + needle.size());
    return out;
  }

  // ReadResponse reads one response framed by Content-Length or chunked encoding.
  std::string ReadResponse() {
    std::string head = ReadUntil("\r\n\r\n");
    if (head.find("\r\n\r\n") == std::string::npos) return head;
    std::string lower;
    for (char c : head) lower.push_back(static_cast<char>(std::tolower(c)));
    if (lower.find("transfer-encoding: chunked") != std::string::npos) {
      return head + ReadUntil("\r\n0\r\n\r\n");
    }
    size_t cl = lower.find("content-length: ");
    if (cl == std::string::npos) return head;
    size_t length = std::stoul(head.substr(cl + 16));
    auto deadline = Clock::now() + milliseconds(3000);
    while (buffer_.size() < length && !closed_ && Clock::now() < deadline) {
      buffer_ += ReadSome(milliseconds(100));
    }
    std::string body = buffer_.substr(0, std::min(length, buffer_.size()));
    buffer_.erase(0, body.size());
    return head + body;
  }

  // WaitClosed: true if the server closes the connection within `timeout`.
  bool WaitClosed(milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!closed_ && Clock::now() < deadline) buffer_ += ReadSome(milliseconds(20));
    return closed_;
  }
  const std::string& leftover() const { return buffer_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

using testing::HaveCurl;
using testing::Shell;

// TempDir: the shared helper's fresh directory, failing the test if it could not be made.
std::string TempDir() {
  std::string dir = testing::TempDir();
  EXPECT_FALSE(dir.empty());
  return dir;
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    app_.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello\n"); });
    app_.Post("/echo", [](Request& req, Responder res) {
      Response r = Response::Text(200, req.body);
      r.headers.Add("x-body-bytes", std::to_string(req.body.size()));
      res.Respond(std::move(r));
    });
    app_.Get("/async", [this](Request&, Responder res) {
      std::lock_guard<std::mutex> lock(mu_);
      threads_.emplace_back([res] {
        std::this_thread::sleep_for(milliseconds(10));
        res.Respond(200, "from a worker thread\n");
      });
    });
    app_.Get("/stream", [this](Request&, Responder res) {
      auto pipe = BodyPipe::Create(1024);
      res.Respond(Response::Stream(200, pipe));
      std::lock_guard<std::mutex> lock(mu_);
      threads_.emplace_back([pipe] {
        for (int i = 0; i < 5; ++i) {
          pipe->Write("part " + std::to_string(i) + "\n");
          std::this_thread::sleep_for(milliseconds(2));
        }
        pipe->Finish(Headers{{"x-parts", "5"}});
      });
    });
    // Pulls the body in small steps and answers with the byte count.
    app_.Post("/count",
              [](Request& req, Responder res) {
                auto total = std::make_shared<size_t>(0);
                auto step = std::make_shared<std::function<void(BodyChunk)>>();
                *step = [res, total, step](BodyChunk chunk) {
                  *total += chunk.data.size();
                  if (chunk.error) {
                    *step = nullptr;
                    return;
                  }
                  if (chunk.end) {
                    res.Respond(200, std::to_string(*total));
                    *step = nullptr;
                    return;
                  }
                  res.request().body_reader().Read(*step);
                };
                req.body_reader().Read(*step);
              })
        .StreamBody();
    app_.Wrap([this](Request& req, Responder res, const Next& next) {
      res.OnResponse([](Response& r) { r.headers.Add("x-middleware", "yes"); });
      res.OnComplete([this, line = req.method + " " + req.path](const ExchangeResult& r) {
        std::lock_guard<std::mutex> lock(mu_);
        access_log_.push_back(line + " " + std::to_string(r.status));
      });
      next(req, res);
    });
  }

  ~ServerTest() override {
    if (server_) server_->Stop();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : threads_) t.join();
  }

  static ServerOptions ShortTimeouts() {
    ServerOptions options;
    options.connection.first_request_timeout = milliseconds(200);
    options.connection.header_timeout = milliseconds(200);
    options.connection.idle_timeout = milliseconds(200);
    options.connection.linger_timeout = milliseconds(200);
    return options;
  }

  void Start(const ServerOptions& options = ShortTimeouts()) {
    server_ = std::make_unique<Server>(app_, options);
    ListenStatus status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.message;
    port_ = server_->port();
  }

  std::string Curl(const std::string& args) {
    return Shell("curl --http1.1 -s -S -i --max-time 5 " + args + " 2>&1");
  }
  std::string Url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  App app_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<std::string> access_log_;
};

TEST_F(ServerTest, CurlGet) {
  if (!HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out = Curl(Url("/hello"));
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("content-length: 6\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("date: "), std::string::npos) << out;
  EXPECT_NE(out.find("x-middleware: yes\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 6), "hello\n");
  std::string missing = Curl(Url("/missing"));
  EXPECT_EQ(missing.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << missing;
  std::string head = Curl("-I " + Url("/hello"));
  EXPECT_NE(head.find("content-length: 6\r\n"), std::string::npos) << head;
  std::string method = Curl("-X DELETE " + Url("/hello"));
  EXPECT_EQ(method.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << method;
  EXPECT_NE(method.find("allow: GET, HEAD\r\n"), std::string::npos) << method;
}

TEST_F(ServerTest, CurlPostChunkedAndExpectContinue) {
  if (!HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out = Curl("--data-binary 'a=1&b=2' " + Url("/echo"));
  EXPECT_NE(out.find("x-body-bytes: 7\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 7), "a=1&b=2");
  // curl frames the body with chunked encoding when asked to.
  out = Curl("-H 'Transfer-Encoding: chunked' --data-binary 'chunky body' " + Url("/echo"));
  EXPECT_NE(out.find("x-body-bytes: 11\r\n"), std::string::npos) << out;
  // Expect: 100-continue: curl waits for the 100 before it sends the body.
  std::string dir = TempDir();
  std::string file = dir + "/body.bin";
  std::ofstream(file) << std::string(5000, 'q');
  out = Curl("-H 'Expect: 100-continue' --expect100-timeout 10 --data-binary @" + file + " " +
             Url("/echo"));
  EXPECT_EQ(out.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(out.find("x-body-bytes: 5000\r\n"), std::string::npos);
  EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

TEST_F(ServerTest, CurlAsyncAndStreamedResponses) {
  if (!HaveCurl()) GTEST_SKIP() << "curl not installed";
  Start();
  std::string out = Curl(Url("/async"));
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("from a worker thread\n"), std::string::npos);
  out = Curl("--raw " + Url("/stream"));
  EXPECT_NE(out.find("transfer-encoding: chunked\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("part 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("part 4\n"), std::string::npos) << out;
  // Trailers go only to clients that say TE: trailers.
  EXPECT_EQ(out.find("x-parts"), std::string::npos) << out;
  out = Curl("--raw -H 'TE: trailers' " + Url("/stream"));
  EXPECT_NE(out.find("\r\n0\r\nx-parts: 5\r\n\r\n"), std::string::npos) << out;
}

TEST_F(ServerTest, CurlStaticFiles) {
  if (!HaveCurl()) GTEST_SKIP() << "curl not installed";
  std::string dir = TempDir();
  std::ofstream(dir + "/page.html") << "<p>static</p>";
  ::mkdir((dir + "/docs").c_str(), 0755);
  std::ofstream(dir + "/docs/index.html") << "docs index";
  app_.Get("/files/*", StaticFiles({.root = dir}));
  Start();
  std::string out = Curl(Url("/files/page.html"));
  EXPECT_NE(out.find("content-type: text/html; charset=utf-8\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 13), "<p>static</p>");
  out = Curl("-r 3-8 " + Url("/files/page.html"));
  EXPECT_EQ(out.rfind("HTTP/1.1 206 Partial Content\r\n", 0), 0u) << out;
  EXPECT_NE(out.find("content-range: bytes 3-8/13\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.substr(out.size() - 6), "static");
  out = Curl(Url("/files/docs"));
  EXPECT_EQ(out.rfind("HTTP/1.1 301", 0), 0u) << out;
  EXPECT_NE(out.find("location: /files/docs/\r\n"), std::string::npos) << out;
  out = Curl("-L " + Url("/files/docs"));
  EXPECT_EQ(out.substr(out.size() - 10), "docs index");
  out = Curl("--path-as-is " + Url("/files/../../etc/passwd"));
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
  EXPECT_EQ(std::system(("rm -rf '" + dir + "'").c_str()), 0);
}

TEST_F(ServerTest, KeepAliveOnOneConnection) {
  Start();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string r = c.ReadResponse();
    EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
    EXPECT_EQ(r.substr(r.size() - 6), "hello\n");
  }
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed(milliseconds(1000)));
}

TEST_F(ServerTest, PipelinedRequestsAnsweredInOrder) {
  Start();
  Client c(port_);
  c.Send(
      "GET /async HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirst"
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "6\r\nsecond\r\n0\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("from a worker thread"), std::string::npos);
  EXPECT_NE(c.ReadResponse().find("\r\n\r\nfirst"), std::string::npos);
  EXPECT_NE(c.ReadResponse().find("\r\n\r\nhello\n"), std::string::npos);
  EXPECT_NE(c.ReadResponse().find("\r\n\r\nsecond"), std::string::npos);
}

TEST_F(ServerTest, ManyPipelinedRequestsInOneWrite) {
  Start();
  Client c(port_);
  std::string batch;
  for (int i = 0; i < 500; ++i) {
    batch += i % 2 ? "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                   : "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n" +
                         std::to_string(100 + i);
  }
  std::thread sender([&] { c.Send(batch); });
  for (int i = 0; i < 500; ++i) {
    std::string r = c.ReadResponse();
    std::string want = i % 2 ? "hello\n" : std::to_string(100 + i);
    ASSERT_EQ(r.substr(r.size() - want.size()), want) << i << ": " << r;
  }
  sender.join();
}

TEST_F(ServerTest, ChunkedUploadWithTrailers) {
  Start();
  Client c(port_);
  c.Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("x-body-bytes: 9\r\n"), std::string::npos) << r;
  EXPECT_EQ(r.substr(r.size() - 9), "Wikipedia");
}

TEST_F(ServerTest, ExpectContinueOverRawSocket) {
  Start();
  Client c(port_);
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  EXPECT_EQ(c.ReadUntil("\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  c.Send("body");
  std::string r = c.ReadResponse();
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_EQ(r.substr(r.size() - 4), "body");
  // Refused without reading: final status, no 100, and the connection closes.
  Client refused(port_);
  refused.Send(
      "POST /nowhere HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: 4\r\n\r\n");
  r = refused.ReadResponse();
  EXPECT_EQ(r.rfind("HTTP/1.1 404", 0), 0u) << r;
  EXPECT_TRUE(refused.WaitClosed(milliseconds(1000)));
}

TEST_F(ServerTest, LargeStreamedUploadWithBackPressure) {
  Start();
  Client c(port_);
  const size_t kSize = 4 * 1024 * 1024;
  std::thread sender([&] {
    c.Send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(kSize) +
           "\r\n\r\n");
    c.Send(std::string(kSize, 'u'));
  });
  std::string r = c.ReadResponse();
  sender.join();
  EXPECT_EQ(r.substr(r.size() - std::to_string(kSize).size()), std::to_string(kSize)) << r;
}

TEST_F(ServerTest, BadRequestsGetTheirStatusAndClose) {
  Start();
  struct Case {
    std::string request;
    std::string status;
  };
  for (const Case& tc : std::vector<Case>{
           {"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n folded\r\n\r\n", "400"},
           {"GET / HTTP/3.0\r\nHost: x\r\n\r\n", "505"},
           {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501"},
           {"GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", "414"},
       }) {
    Client c(port_);
    c.Send(tc.request);
    std::string r = c.ReadResponse();
    EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 " + tc.status) << r.substr(0, 80);
    EXPECT_NE(r.find("connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(c.WaitClosed(milliseconds(1000)));
  }
}

TEST_F(ServerTest, IdleTimeoutClosesKeepAliveConnections) {
  Start();
  Client c(port_);
  c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(c.ReadResponse().find("hello"), std::string::npos);
  auto start = Clock::now();
  EXPECT_TRUE(c.WaitClosed(milliseconds(2000)));
  EXPECT_GE(Clock::now() - start, milliseconds(150));  // not before the idle timeout
  EXPECT_EQ(c.leftover(), "");                         // closed quietly
}

TEST_F(ServerTest, FirstRequestTimeout) {
  Start();
  Client silent(port_);
  EXPECT_TRUE(silent.WaitClosed(milliseconds(2000)));
  EXPECT_EQ(silent.leftover(), "");
}

TEST_F(ServerTest, SlowHeadersGet408EvenWhenDripFed) {
  Start();
  Client c(port_);
  c.Send("GET /hello HTTP/1.1\r\n");
  std::thread dripper([&] {
    for (int i = 0; i < 10; ++i) {  // one byte every 50 ms: progress, but never a full head
      std::this_thread::sleep_for(milliseconds(50));
      c.Send("X");
    }
  });
  std::string r = c.ReadUntil("\r\n\r\n");
  dripper.join();
  EXPECT_EQ(r.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << r;
  EXPECT_TRUE(c.WaitClosed(milliseconds(2000)));
}

TEST_F(ServerTest, StalledBodyGets408) {
  Start();
  Client c(port_);
  c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  std::string r = c.ReadResponse();
  EXPECT_EQ(r.rfind("HTTP/1.1 408", 0), 0u) << r;
}

TEST_F(ServerTest, HalfClosedClientStillGetsItsAnswer) {
  Start();
  Client c(port_);
  c.Send("GET /async HTTP/1.1\r\nHost: x\r\n\r\n");
  c.ShutdownWrite();
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("from a worker thread"), std::string::npos) << r;
  EXPECT_TRUE(c.WaitClosed(milliseconds(1000)));
}

// Without a TLS context a ClientHello is closed at once; with enable_h2c off, so is the
// HTTP/2 preface (both well before the 200 ms first-request timeout would).
TEST_F(ServerTest, TlsWithoutContextAndDisabledH2cAreClosed) {
  ServerOptions options = ShortTimeouts();
  options.connection.first_request_timeout = milliseconds(5000);
  options.enable_h2c = false;
  Start(options);
  Client tls(port_);
  tls.Send(std::string("\x16\x03\x01\x00\x05hello", 10));
  EXPECT_TRUE(tls.WaitClosed(milliseconds(1000)));
  Client h2(port_);
  h2.Send(std::string(kH2ClientPreface));
  EXPECT_TRUE(h2.WaitClosed(milliseconds(1000)));
}

TEST_F(ServerTest, SeveralThreadsShareThePort) {
  ServerOptions options = ShortTimeouts();
  options.threads = 3;
  Start(options);
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 12; ++i) {
    clients.emplace_back([&] {
      Client c(port_);
      c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
      if (c.ReadResponse().find("hello\n") != std::string::npos) ++ok;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 12);
}

TEST_F(ServerTest, AccessLogSeesEveryExchange) {
  Start();
  {
    Client c(port_);
    c.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    (void)c.ReadResponse();
    (void)c.ReadResponse();
  }
  server_->Stop();
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(access_log_, (std::vector<std::string>{"GET /hello 200", "GET /nope 404"}));
}

TEST_F(ServerTest, StopClosesEverything) {
  Start();
  Client idle(port_);
  idle.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  (void)idle.ReadResponse();
  server_->Stop();
  EXPECT_TRUE(idle.WaitClosed(milliseconds(1000)));
  Client after(port_);
  EXPECT_FALSE(after.connected());
  EXPECT_EQ(server_->connection_count(), 0u);
}

}  // namespace
}  // namespace h2engine::server
