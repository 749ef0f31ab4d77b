// The access log: the exact line format, escaping, the protocol labels, whole lines from many
// threads, and the middleware driven through an App with a fake protocol.

#include "server/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/router.h"

namespace h2engine::server {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

// 2025-03-01T12:34:56.789Z
std::chrono::system_clock::time_point TestTime() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1740832496)) +
         milliseconds(789);
}

AccessLogEntry Entry() {
  AccessLogEntry e;
  e.time = TestTime();
  e.peer = "127.0.0.1:50312";
  e.protocol = "h2";
  e.method = "GET";
  e.target = "/small.txt";
  e.status = 200;
  e.bytes = 38;
  e.duration = microseconds(215);
  return e;
}

TEST(AccessLogLine, ExactFormat) {
  EXPECT_EQ(FormatAccessLogLine(Entry()),
            "2025-03-01T12:34:56.789Z 127.0.0.1:50312 h2 GET /small.txt 200 38 0.215ms\n");
}

TEST(AccessLogLine, NoStatusAndIncomplete) {
  AccessLogEntry e = Entry();
  e.status = 0;
  e.bytes = 0;
  e.duration = milliseconds(12345) + microseconds(6);
  e.completed = false;
  EXPECT_EQ(FormatAccessLogLine(e),
            "2025-03-01T12:34:56.789Z 127.0.0.1:50312 h2 GET /small.txt - 0 12345.006ms "
            "incomplete\n");
}

TEST(AccessLogLine, FieldsNeverSplitOrForgeLines) {
  AccessLogEntry e = Entry();
  e.method = "";
  e.target = std::string_view("/a b\"c\\d\n\x01\xff?q=1", 15);
  e.peer = "[::1]:443";
  const std::string line = FormatAccessLogLine(e);
  EXPECT_EQ(line,
            "2025-03-01T12:34:56.789Z [::1]:443 h2 - /a\\x20b\\x22c\\x5cd\\x0a\\x01\\xff?q=1 200 "
            "38 0.215ms\n");
  // Always 8 fields and one newline.
  size_t spaces = 0;
  for (char c : line) spaces += c == ' ';
  EXPECT_EQ(spaces, 7u);
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(AccessLogLine, TimeBeforeTheEpochFloors) {
  AccessLogEntry e = Entry();
  e.time = std::chrono::system_clock::time_point(-milliseconds(1));
  EXPECT_EQ(FormatAccessLogLine(e).substr(0, 24), "1969-12-31T23:59:59.999Z");
}

TEST(AccessLogLine, ProtocolLabels) {
  EXPECT_EQ(ProtocolLabel("HTTP/2"), "h2");
  EXPECT_EQ(ProtocolLabel("h2"), "h2");
  EXPECT_EQ(ProtocolLabel("h2c"), "h2");
  EXPECT_EQ(ProtocolLabel("HTTP/1.1"), "http/1.1");
  EXPECT_EQ(ProtocolLabel("HTTP/1.0"), "http/1.0");
  EXPECT_EQ(ProtocolLabel("http/1.1"), "http/1.1");
}

// A pipe whose read end the test drains.
struct Pipe {
  Pipe() { EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0); }
  ~Pipe() {
    if (fds[0] >= 0) close(fds[0]);
  }
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) out.append(buf, n);
    return out;
  }
  int fds[2] = {-1, -1};
};

TEST(AccessLog, LinesFromManyThreadsStayWhole) {
  Pipe pipe;
  std::string all;
  std::thread reader([&] { all = pipe.ReadAll(); });
  {
    std::shared_ptr<AccessLog> log = AccessLog::ForDescriptor(pipe.fds[1], /*owned=*/true);
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&log, t] {
        const std::string line =
            "thread-" + std::to_string(t) + " " + std::string(300, 'a' + t) + "\n";
        for (int i = 0; i < 200; ++i) log->Write(line);
      });
    }
    for (std::thread& w : writers) w.join();
    EXPECT_EQ(log->lines_written(), 800u);
    EXPECT_EQ(log->write_errors(), 0u);
  }  // closes the write end: the reader sees EOF
  reader.join();
  size_t lines = 0;
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    std::string_view line(all.data() + start, end - start);
    ASSERT_EQ(line.size(), 9u + 300u) << line;
    const char c = line[9];
    EXPECT_EQ(line.substr(9), std::string(300, c));
    ++lines;
    start = end + 1;
  }
  EXPECT_EQ(lines, 800u);
}

TEST(AccessLog, OpenErrorsNameTheFile) {
  std::string error;
  EXPECT_EQ(AccessLog::Open("/nonexistent-dir/x.log", &error), nullptr);
  EXPECT_EQ(error, "cannot open access log '/nonexistent-dir/x.log': No such file or directory");
}

TEST(AccessLog, OpenAppends) {
  const std::string path =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/access_log_test.log";
  unlink(path.c_str());
  std::string error;
  for (int i = 0; i < 2; ++i) {
    std::shared_ptr<AccessLog> log = AccessLog::Open(path, &error);
    ASSERT_NE(log, nullptr) << error;
    log->Write("line " + std::to_string(i) + "\n");
  }
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  char buf[64];
  ssize_t n = read(fd, buf, sizeof(buf));
  close(fd);
  EXPECT_EQ(std::string(buf, n > 0 ? n : 0), "line 0\nline 1\n");
  unlink(path.c_str());
}

class NullSink : public ExchangeSink {
 public:
  void OnResponse(Response response) override { responses.push_back(std::move(response)); }
  void OnInformational(int, const Headers&) override {}
  void OnRequestBodyWanted() override {}
  void OnRequestBodyConsumed(size_t) override {}
  void OnAbort() override {}
  std::vector<Response> responses;
};

TEST(AccessLogMiddleware, LogsOneLinePerExchangeWhenItEnds) {
  std::string error;
  std::unique_ptr<EventLoop> loop = EventLoop::Create(&error);
  ASSERT_NE(loop, nullptr) << error;
  Pipe pipe;
  ASSERT_EQ(fcntl(pipe.fds[0], F_SETFL, O_NONBLOCK), 0);
  App app;
  app.Wrap(AccessLogMiddleware(AccessLog::ForDescriptor(pipe.fds[1], /*owned=*/true)));
  app.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello\n"); });
  NullSink sink;

  auto run = [&](std::string method, std::string path, std::string query,
                 const ExchangeResult& result) {
    Request r;
    r.method = std::move(method);
    r.path = std::move(path);
    r.query = std::move(query);
    r.protocol = "HTTP/1.1";
    r.peer = "10.0.0.7:4242";
    auto ex = Exchange::Create(loop->handle(), nullptr, &sink, std::move(r), {});
    ex->DeliverBodyEnd({});
    app.Dispatch(ex);
    for (int i = 0; i < 3; ++i) loop->RunOnce(milliseconds(0));
    EXPECT_EQ(pipe.ReadAll(), "") << "nothing before the exchange ends";
    ex->Finish(result);
    return pipe.ReadAll();
  };

  const std::string ok =
      run("GET", "/hello", "a=1",
          {.status = 200, .body_bytes = 6, .completed = true, .elapsed = microseconds(1500)});
  // Time first (when the head arrived: now - elapsed), then the fixed fields.
  ASSERT_GT(ok.size(), 25u);
  EXPECT_EQ(ok[4], '-');
  EXPECT_EQ(ok[23], 'Z');
  EXPECT_EQ(ok.substr(24), " 10.0.0.7:4242 http/1.1 GET /hello?a=1 200 6 1.500ms\n");

  const std::string missing =
      run("DELETE", "/nope", "", {.status = 404, .body_bytes = 10, .completed = true});
  EXPECT_EQ(missing.substr(24), " 10.0.0.7:4242 http/1.1 DELETE /nope 404 10 0.000ms\n");

  const std::string cut = run("GET", "/hello", "", {.status = 200, .body_bytes = 2});
  EXPECT_EQ(cut.substr(24), " 10.0.0.7:4242 http/1.1 GET /hello 200 2 0.000ms incomplete\n");
  EXPECT_EQ(sink.responses.size(), 3u);
}

}  // namespace
}  // namespace h2engine::server
