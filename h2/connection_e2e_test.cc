// In-memory client <-> server: two h2::Connections, one per perspective, wired back to back
// with bytes moved in random-sized pieces. An echo application on the server streams each
// request body back as it arrives (a DataSource that says "not yet" until more arrives) and
// echoes request trailers; the client checks every response. Covers many concurrent
// streams, large bodies under small windows, trailers both ways, resets mid-body from either
// side, and GOAWAY during traffic.

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "h2/connection.h"
#include "h2/testing/frame_log.h"
#include "h2/testing/recording_visitor.h"

namespace h2engine::h2 {
namespace {

using Clock = std::chrono::steady_clock;

// A byte pipe between an application and a DataSource.
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

// The server application: echoes each request body, and its trailers.
class EchoServer : public testing::RecordingVisitor {
 public:
  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers,
                 bool end_stream) override {
    RecordingVisitor::OnHeaders(id, kind, headers, end_stream);
    if (kind == HeadersKind::kRequest) {
      auto pipe = std::make_shared<Pipe>();
      pipes_[id] = pipe;
      std::string path;
      for (const HeaderEntry& h : headers) {
        if (h.name == ":path") path = h.value;
      }
      const HeaderRef response[] = {{":status", "200"}, {"x-path", path}};
      EXPECT_TRUE(connection->SubmitResponse(id, response, std::make_unique<PipeSource>(pipe)));
    } else if (kind == HeadersKind::kTrailers) {
      std::vector<HeaderRef> trailers;
      for (const HeaderEntry& h : headers) trailers.push_back({h.name, h.value});
      EXPECT_TRUE(connection->SubmitTrailers(id, trailers));
    }
  }
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    RecordingVisitor::OnData(id, data);
    auto it = pipes_.find(id);
    if (it == pipes_.end()) return;
    it->second->buffer.append(reinterpret_cast<const char*>(data.data()), data.size());
    connection->ResumeData(id);
  }
  void OnEndStream(StreamId id) override {
    RecordingVisitor::OnEndStream(id);
    auto it = pipes_.find(id);
    if (it == pipes_.end()) return;
    it->second->ended = true;
    connection->ResumeData(id);
  }
  void OnStreamClosed(StreamId id, ErrorCode code) override {
    RecordingVisitor::OnStreamClosed(id, code);
    pipes_.erase(id);
  }

 private:
  std::map<StreamId, std::shared_ptr<Pipe>> pipes_;
};

struct Request {
  std::string body;
  bool trailers = false;
};

class EndToEnd {
 public:
  EndToEnd(ConnectionOptions client_options, ConnectionOptions server_options, uint32_t seed)
      : rng_(seed) {
    client_options.perspective = Perspective::kClient;
    server_options.perspective = Perspective::kServer;
    client_ = std::make_unique<Connection>(client_options, &client_visitor_);
    server_ = std::make_unique<Connection>(server_options, &server_visitor_);
    client_visitor_.connection = client_.get();
    server_visitor_.connection = server_.get();
  }

  Connection& client() { return *client_; }
  Connection& server() { return *server_; }
  testing::RecordingVisitor& client_visitor() { return client_visitor_; }
  EchoServer& server_visitor() { return server_visitor_; }
  Clock::time_point now() const { return now_; }

  StreamId Submit(const std::string& path, const Request& r) {
    const HeaderRef headers[] = {{":method", "POST"},
                                 {":scheme", "https"},
                                 {":authority", "example.test"},
                                 {":path", path},
                                 {"te", "trailers"}};
    auto pipe = std::make_shared<Pipe>();
    pipe->buffer = r.body;
    pipe->ended = true;
    std::optional<StreamId> id =
        client_->SubmitRequest(headers, std::make_unique<PipeSource>(pipe));
    EXPECT_TRUE(id.has_value());
    if (id && r.trailers) {
      const std::string digest = std::to_string(r.body.size());
      const HeaderRef trailers[] = {{"x-digest", digest}};
      EXPECT_TRUE(client_->SubmitTrailers(*id, trailers));
    }
    return id.value_or(0);
  }

  // Move moves at most one random-sized piece from `from` to `to`; returns bytes moved.
  size_t Move(Connection& from, Connection& to, testing::FrameLog& log) {
    std::span<const uint8_t> pending = from.PendingOutput();
    if (pending.empty()) return 0;
    std::uniform_int_distribution<size_t> size(1, std::max<size_t>(pending.size(), 1));
    const size_t n = std::min(pending.size(), rng_() % 4 == 0 ? size(rng_) : pending.size());
    std::vector<uint8_t> bytes(pending.begin(), pending.begin() + static_cast<ptrdiff_t>(n));
    from.ConsumeOutput(n);
    (void)log.Feed(bytes);
    if (to.want_read() || to.is_closed()) (void)to.ProcessInput(bytes, now_);
    return n;
  }

  // Pump moves bytes both ways until neither side has anything to say; with `steps`, for at
  // most that many steps.
  void Pump(int steps = 0) {
    const int limit = steps > 0 ? steps : 1000000;
    for (int i = 0; i < limit; ++i) {
      now_ += std::chrono::microseconds(50);
      const size_t moved = Move(*client_, *server_, client_log_) + Move(*server_, *client_, server_log_);
      if (moved == 0 && !client_->want_write() && !server_->want_write()) return;
    }
    if (steps == 0) ADD_FAILURE() << "Pump did not settle";
  }

  std::string Problems() const {
    if (!client_log_.error().empty()) return "client output: " + client_log_.error();
    if (!server_log_.error().empty()) return "server output: " + server_log_.error();
    if (!client_visitor_.violation().empty()) return "client: " + client_visitor_.violation();
    if (!server_visitor_.violation().empty()) return "server: " + server_visitor_.violation();
    return "";
  }

 private:
  std::mt19937 rng_;
  testing::RecordingVisitor client_visitor_;
  EchoServer server_visitor_;
  std::unique_ptr<Connection> client_;
  std::unique_ptr<Connection> server_;
  testing::FrameLog client_log_{/*client_preface=*/true};
  testing::FrameLog server_log_;
  Clock::time_point now_ = Clock::time_point() + std::chrono::seconds(1);
};

void ExpectBody(EndToEnd& e, StreamId id, const std::string& expected) {
  const std::string got = e.client_visitor().Body(id);
  EXPECT_TRUE(got == expected) << "stream " << id << ": got " << got.size() << " bytes, expected "
                               << expected.size();
}

std::string RandomBody(std::mt19937& rng, size_t max_size) {
  std::uniform_int_distribution<size_t> size(0, max_size);
  std::string body(size(rng), '\0');
  for (char& c : body) c = static_cast<char>('a' + rng() % 26);
  return body;
}

// Small windows everywhere: 16 KiB per stream, no auto-tuning, so every large body needs
// many WINDOW_UPDATEs both ways.
ConnectionOptions SmallWindows() {
  ConnectionOptions o;
  o.initial_window_size = 16384;
  o.max_stream_window = 16384;
  o.max_connection_window = 65535;
  o.max_concurrent_streams = 20;
  return o;
}

TEST(EndToEndTest, ManyConcurrentStreamsWithLargeBodiesUnderSmallWindows) {
  EndToEnd e(SmallWindows(), SmallWindows(), 1);
  e.Pump();  // settings first, so the client knows the server's limit of 20 streams
  std::mt19937 rng(7);
  std::map<StreamId, Request> requests;
  for (int i = 0; i < 100; ++i) {
    Request r{RandomBody(rng, i % 10 == 0 ? 300000 : 5000), i % 3 == 0};
    const StreamId id = e.Submit("/echo/" + std::to_string(i), r);
    requests[id] = std::move(r);
  }
  EXPECT_GT(e.client().num_queued_requests(), 0u);  // beyond the server's 20
  e.Pump();
  for (const auto& [id, r] : requests) {
    SCOPED_TRACE(id);
    EXPECT_EQ(e.client_visitor().close_codes().at(id), ErrorCode::kNoError);
    ExpectBody(e, id, r.body);
    const HeaderList* last = e.client_visitor().LastHeaders(id);
    ASSERT_NE(last, nullptr);
    if (r.trailers) {
      ASSERT_EQ(last->size(), 1u);
      EXPECT_EQ((*last)[0].name, "x-digest");
      EXPECT_EQ((*last)[0].value, std::to_string(r.body.size()));
    }
  }
  EXPECT_EQ(e.client().num_active_streams(), 0u);
  EXPECT_EQ(e.server().num_active_streams(), 0u);
  EXPECT_EQ(e.Problems(), "");
}

TEST(EndToEndTest, DefaultOptionsAndAutoTuning) {
  EndToEnd e({}, {}, 2);
  std::mt19937 rng(8);
  std::map<StreamId, std::string> bodies;
  for (int i = 0; i < 6; ++i) {
    std::string body = RandomBody(rng, 1 << 20);
    bodies[e.Submit("/big", Request{body, false})] = body;
  }
  e.Pump();
  for (const auto& [id, body] : bodies) ExpectBody(e, id, body);
  EXPECT_GT(e.client().rtt().count(), 0);  // measured by the connections' own PINGs
  EXPECT_EQ(e.Problems(), "");
}

TEST(EndToEndTest, ResetsMidBodyFromBothSides) {
  EndToEnd e(SmallWindows(), SmallWindows(), 3);
  e.Pump();
  std::mt19937 rng(9);
  std::map<StreamId, std::string> bodies;
  for (int i = 0; i < 30; ++i) {
    std::string body = RandomBody(rng, 100000) + "0123456789";
    bodies[e.Submit("/r", Request{body, false})] = body;
  }
  // Let some traffic flow, then cancel every third request on the client, and have the
  // server reset every fifth response.
  e.Pump(40);
  std::set<StreamId> client_reset;
  std::set<StreamId> server_reset;
  for (const auto& [id, body] : bodies) {
    if (id % 3 == 0) {
      if (e.client().SubmitRstStream(id, ErrorCode::kCancel)) client_reset.insert(id);
    } else if (id % 5 == 0) {
      if (e.server().SubmitRstStream(id, ErrorCode::kInternalError)) server_reset.insert(id);
    }
  }
  EXPECT_FALSE(client_reset.empty());
  EXPECT_FALSE(server_reset.empty());
  e.Pump();
  for (const auto& [id, body] : bodies) {
    SCOPED_TRACE(id);
    const ErrorCode code = e.client_visitor().close_codes().at(id);
    if (client_reset.count(id)) {
      EXPECT_EQ(code, ErrorCode::kCancel);
    } else if (server_reset.count(id)) {
      EXPECT_EQ(code, ErrorCode::kInternalError);
    } else {
      EXPECT_EQ(code, ErrorCode::kNoError);
      ExpectBody(e, id, body);
    }
  }
  EXPECT_EQ(e.client().num_active_streams(), 0u);
  EXPECT_EQ(e.server().num_active_streams(), 0u);
  // The connection is still healthy.
  const StreamId id = e.Submit("/after", Request{"still alive", true});
  e.Pump();
  EXPECT_EQ(e.client_visitor().Body(id), "still alive");
  EXPECT_EQ(e.Problems(), "");
}

TEST(EndToEndTest, GracefulShutdownDuringTraffic) {
  EndToEnd e(SmallWindows(), SmallWindows(), 4);
  e.Pump();
  std::mt19937 rng(10);
  std::map<StreamId, std::string> bodies;
  for (int i = 0; i < 60; ++i) {
    std::string body = RandomBody(rng, 50000);
    bodies[e.Submit("/g", Request{body, false})] = body;
  }
  e.Pump(30);
  e.server().StartGracefulShutdown(e.now());
  e.Pump();
  // Every request either completed, or was refused (safe to retry: never processed).
  size_t completed = 0;
  size_t refused = 0;
  StreamId highest_completed = 0;
  for (const auto& [id, body] : bodies) {
    const ErrorCode code = e.client_visitor().close_codes().at(id);
    if (code == ErrorCode::kNoError) {
      ++completed;
      highest_completed = std::max(highest_completed, id);
      ExpectBody(e, id, body);
    } else {
      EXPECT_EQ(code, ErrorCode::kRefusedStream) << id;
      EXPECT_EQ(e.client_visitor().Body(id), "");
      EXPECT_GT(id, 1u);
      ++refused;
    }
  }
  EXPECT_GT(completed, 0u);
  EXPECT_GT(refused, 0u);
  EXPECT_TRUE(e.server().is_closed());
  EXPECT_TRUE(e.client().is_closed());
  EXPECT_TRUE(e.server_visitor().finished());
  EXPECT_TRUE(e.client_visitor().finished());
  EXPECT_EQ(e.server_visitor().finish_code(), ErrorCode::kNoError);
  EXPECT_EQ(e.Problems(), "");
}

TEST(EndToEndTest, SlowConsumerStillCompletesThroughBackPressure) {
  EndToEnd e(SmallWindows(), SmallWindows(), 5);
  e.Pump();
  e.client_visitor().auto_consume = false;
  std::string body(200000, 'z');
  const StreamId id = e.Submit("/slow", Request{body, false});
  for (int round = 0; round < 1000 && e.client_visitor().close_codes().count(id) == 0; ++round) {
    e.Pump(50);
    // The client application consumes a little at a time.
    e.client().ConsumeData(id, 4096);
  }
  ExpectBody(e, id, body);
  EXPECT_EQ(e.Problems(), "");
}

}  // namespace
}  // namespace h2engine::h2
