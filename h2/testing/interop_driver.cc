// interop_driver: an h2::Connection on stdin/stdout, for byte-level interop tests with another
// HTTP/2 implementation (h2/testing/h2_interop.py drives Python's h2 against it).
//
//   interop_driver server   Our server. Requests are answered by an echo application:
//                           GET/HEAD /x -> 200 "hello /x" (content-length set); POST -> 200
//                           with the request body streamed back as it arrives, and request
//                           trailers echoed as response trailers. Runs until the peer closes
//                           its side (EOF) or the connection is closed.
//   interop_driver client   Our client. Sends a fixed set of requests (see kClientScript
//                           below), checks every response, then shuts down gracefully.
//
// Non-blocking I/O with poll(): both directions flow at once, so large bodies cannot
// deadlock the pipes. Progress and failures go to stderr; the exit status is 0 on success.

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "h2/connection.h"

namespace h2engine::h2 {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
  std::string buffer;
  bool ended = false;
};

class PipeSource : public DataSource {
 public:
  explicit PipeSource(std::shared_ptr<Pipe> pipe) : pipe_(std::move(pipe)) {}
  DataChunk Read(size_t max, ByteSink& out) override {
    if (pipe_->buffer.empty()) return {0, pipe_->ended, !pipe_->ended};
    const size_t n = std::min(max, pipe_->buffer.size());
    out.Append(std::string_view(pipe_->buffer).substr(0, n));
    pipe_->buffer.erase(0, n);
    return {n, pipe_->ended && pipe_->buffer.empty(), false};
  }

 private:
  std::shared_ptr<Pipe> pipe_;
};

std::string Field(const HeaderList& headers, std::string_view name) {
  for (const HeaderEntry& h : headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

// --- Server: the echo application ---

class EchoServer : public ConnectionVisitor {
 public:
  Connection* conn = nullptr;
  int requests = 0;
  int resets = 0;

  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers, bool) override {
    if (kind == HeadersKind::kTrailers) {
      std::vector<HeaderRef> trailers;
      for (const HeaderEntry& h : headers) trailers.push_back({h.name, h.value});
      if (!conn->SubmitTrailers(id, trailers)) std::fprintf(stderr, "server: trailers refused\n");
      return;
    }
    ++requests;
    const std::string method = Field(headers, ":method");
    const std::string path = Field(headers, ":path");
    if (method == "POST") {
      auto pipe = std::make_shared<Pipe>();
      pipes_[id] = pipe;
      const HeaderRef response[] = {{":status", "200"}, {"x-echo", path}};
      (void)conn->SubmitResponse(id, response, std::make_unique<PipeSource>(pipe));
      return;
    }
    const std::string body = "hello " + path;
    const std::string length = std::to_string(body.size());
    const HeaderRef response[] = {
        {":status", "200"}, {"content-length", length}, {"content-type", "text/plain"}};
    (void)conn->SubmitResponse(id, response, std::make_unique<StringDataSource>(body));
  }
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    conn->ConsumeData(id, data.size());
    auto it = pipes_.find(id);
    if (it == pipes_.end()) return;
    it->second->buffer.append(reinterpret_cast<const char*>(data.data()), data.size());
    conn->ResumeData(id);
  }
  void OnEndStream(StreamId id) override {
    auto it = pipes_.find(id);
    if (it == pipes_.end()) return;
    it->second->ended = true;
    conn->ResumeData(id);
  }
  void OnStreamClosed(StreamId id, ErrorCode code) override {
    if (code != ErrorCode::kNoError) ++resets;
    pipes_.erase(id);
  }
  void OnConnectionError(ErrorCode code, std::string_view reason) override {
    std::fprintf(stderr, "server: connection finished: %s %.*s\n",
                 std::string(ErrorCodeName(code)).c_str(), static_cast<int>(reason.size()),
                 reason.data());
    finished_code = code;
  }
  ErrorCode finished_code = ErrorCode::kNoError;

 private:
  std::map<StreamId, std::shared_ptr<Pipe>> pipes_;
};

// --- Client: a fixed script of requests ---

struct Exchange {
  std::string method{};
  std::string path{};
  std::string body{};           // sent
  bool trailers = false;      // send request trailers
  std::string expect_status{};  // checked
  std::string expect_body{};    // checked ("" with expect_body_size)
  size_t expect_body_size = 0;
  bool expect_informational = false;
  bool expect_trailers = false;
  // Filled in.
  std::string status{};
  std::string received{};
  bool informational = false;
  bool got_trailers = false;
  bool closed = false;
  ErrorCode code = ErrorCode::kNoError;
};

class ScriptClient : public ConnectionVisitor {
 public:
  Connection* conn = nullptr;
  std::map<StreamId, Exchange> exchanges;
  bool finished = false;

  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers, bool) override {
    Exchange& e = exchanges[id];
    if (kind == HeadersKind::kInformational) e.informational = true;
    if (kind == HeadersKind::kResponse) e.status = Field(headers, ":status");
    if (kind == HeadersKind::kTrailers) e.got_trailers = Field(headers, "x-checksum") == "ok";
  }
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    exchanges[id].received.append(reinterpret_cast<const char*>(data.data()), data.size());
    conn->ConsumeData(id, data.size());
  }
  void OnStreamClosed(StreamId id, ErrorCode code) override {
    exchanges[id].closed = true;
    exchanges[id].code = code;
  }
  void OnConnectionError(ErrorCode code, std::string_view reason) override {
    std::fprintf(stderr, "client: connection finished: %s %.*s\n",
                 std::string(ErrorCodeName(code)).c_str(), static_cast<int>(reason.size()),
                 reason.data());
    finished = true;
  }
  bool AllClosed() const {
    for (const auto& [id, e] : exchanges) {
      if (!e.closed) return false;
    }
    return true;
  }
  int Check() const {
    int failures = 0;
    for (const auto& [id, e] : exchanges) {
      std::string problem;
      if (e.code != ErrorCode::kNoError) problem = "reset " + std::string(ErrorCodeName(e.code));
      else if (e.status != e.expect_status) problem = "status " + e.status;
      else if (!e.expect_body.empty() && e.received != e.expect_body) problem = "body";
      else if (e.expect_body.empty() && e.received.size() != e.expect_body_size)
        problem = "body size " + std::to_string(e.received.size());
      else if (e.informational != e.expect_informational) problem = "informational";
      else if (e.got_trailers != e.expect_trailers) problem = "trailers";
      std::fprintf(stderr, "client: stream %u %s %s: %s\n", id, e.method.c_str(), e.path.c_str(),
                   problem.empty() ? "ok" : problem.c_str());
      if (!problem.empty()) ++failures;
    }
    return failures;
  }
};

bool SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

// Run moves bytes between the connection and stdin/stdout until `done()` or EOF. Returns
// false on an I/O error or a stall of 10 s.
template <typename Done>
bool Run(Connection& conn, Done done) {
  std::vector<uint8_t> buffer(1 << 16);
  bool eof = false;
  while (true) {
    if (done()) return true;
    const std::span<const uint8_t> out = conn.PendingOutput();
    if (eof && out.empty()) return true;
    pollfd fds[2] = {{0, static_cast<short>(eof ? 0 : POLLIN), 0},
                     {1, static_cast<short>(out.empty() ? 0 : POLLOUT), 0}};
    const int ready = poll(fds, 2, 10000);
    if (ready == 0) {
      std::fprintf(stderr, "driver: stalled\n");
      return false;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t n = write(1, out.data(), out.size());
      if (n < 0 && errno != EAGAIN) return false;
      if (n > 0) conn.ConsumeOutput(static_cast<size_t>(n));
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = read(0, buffer.data(), buffer.size());
      if (n == 0) {
        eof = true;
      } else if (n < 0) {
        if (errno != EAGAIN) return false;
      } else {
        (void)conn.ProcessInput({buffer.data(), static_cast<size_t>(n)}, Clock::now());
      }
    }
    if (const auto deadline = conn.NextDeadline(); deadline && Clock::now() >= *deadline) {
      conn.OnTimer(Clock::now());
    }
  }
}

int ServerMain() {
  EchoServer app;
  ConnectionOptions options;
  options.perspective = Perspective::kServer;
  Connection conn(options, &app);
  app.conn = &conn;
  if (!Run(conn, [&] { return conn.is_closed(); })) return 2;
  std::fprintf(stderr, "server: %d requests, %d resets\n", app.requests, app.resets);
  return app.requests > 0 && app.finished_code == ErrorCode::kNoError ? 0 : 1;
}

int ClientMain() {
  ScriptClient app;
  ConnectionOptions options;
  options.perspective = Perspective::kClient;
  options.initial_window_size = 32768;  // so the 300 KB response needs WINDOW_UPDATEs
  Connection conn(options, &app);
  app.conn = &conn;
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  std::vector<Exchange> script = {
      {.method = "GET", .path = "/a", .expect_status = "200", .expect_body = "A-body"},
      {.method = "POST", .path = "/upload", .body = big, .expect_status = "200",
       .expect_body_size = big.size()},
      {.method = "POST", .path = "/trailers", .body = "checksum me", .trailers = true,
       .expect_status = "200", .expect_body = "checksum me", .expect_trailers = true},
      {.method = "GET", .path = "/hints", .expect_status = "200", .expect_body = "after hints",
       .expect_informational = true},
      {.method = "HEAD", .path = "/a", .expect_status = "200", .expect_body_size = 0},
  };
  for (int i = 0; i < 10; ++i) {
    script.push_back({.method = "GET", .path = "/n/" + std::to_string(i), .expect_status = "200",
                      .expect_body = "n " + std::to_string(i)});
  }
  for (Exchange& e : script) {
    const HeaderRef headers[] = {{":method", e.method},
                                 {":scheme", "http"},
                                 {":authority", "interop.test"},
                                 {":path", e.path}};
    std::unique_ptr<DataSource> body;
    if (!e.body.empty()) body = std::make_unique<StringDataSource>(e.body);
    const std::optional<StreamId> id = conn.SubmitRequest(headers, std::move(body));
    if (!id) {
      std::fprintf(stderr, "client: SubmitRequest refused for %s\n", e.path.c_str());
      return 1;
    }
    if (e.trailers) {
      const HeaderRef trailers[] = {{"x-checksum", "ok"}};
      (void)conn.SubmitTrailers(*id, trailers);
    }
    app.exchanges[*id] = std::move(e);
  }
  bool shutdown = false;
  const bool ok = Run(conn, [&] {
    if (!shutdown && app.AllClosed()) {
      conn.StartGracefulShutdown(Clock::now());
      shutdown = true;
    }
    return conn.is_closed();
  });
  const int failures = app.Check();
  if (!ok) return 2;
  return failures == 0 && app.finished ? 0 : 1;
}

}  // namespace
}  // namespace h2engine::h2

int main(int argc, char** argv) {
  if (argc != 2 || !h2engine::h2::SetNonBlocking(0) || !h2engine::h2::SetNonBlocking(1)) {
    std::fprintf(stderr, "usage: interop_driver server|client (stdin/stdout are the peer)\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "server") return h2engine::h2::ServerMain();
  if (mode == "client") return h2engine::h2::ClientMain();
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
