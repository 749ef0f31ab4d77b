#include "h2/testing/connection_fuzz.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "base/byte_sink.h"
#include "h2/connection.h"
#include "h2/frame_header.h"
#include "h2/frame_writer.h"
#include "h2/testing/frame_log.h"

namespace h2engine::h2::testing {
namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "connection fuzz invariant violated: %s\n", what);
  std::abort();
}

void Require(bool ok, const char* what) {
  if (!ok) Fail(what);
}

// The application: answers requests (server) or reads responses (client), and checks the
// callback contract.
class FuzzApp : public ConnectionVisitor {
 public:
  FuzzApp(Perspective perspective, uint8_t behaviour)
      : perspective_(perspective), behaviour_(behaviour) {}
  Connection* conn = nullptr;

  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers,
                 bool end_stream) override {
    Alive(id);
    Require(!ended_.count(id), "OnHeaders after OnEndStream");
    Require(!headers.empty() || kind == HeadersKind::kTrailers, "empty request/response");
    if (kind == HeadersKind::kTrailers) Require(end_stream, "trailers without end_stream");
    if (perspective_ == Perspective::kClient) {
      Require(kind != HeadersKind::kRequest, "client got a request");
      return;
    }
    Require(kind == HeadersKind::kRequest || kind == HeadersKind::kTrailers,
            "server got a response");
    if (kind != HeadersKind::kRequest) return;
    const int choice = static_cast<int>((id / 2 + behaviour_) % 4);
    if (choice == 0) {
      static constexpr HeaderRef hints[] = {{":status", "103"}, {"link", "</a>; rel=preload"}};
      (void)conn->SubmitInformational(id, hints);
    }
    if (choice == 3 && behaviour_ >= 2) {
      (void)conn->SubmitRstStream(id, ErrorCode::kCancel);
      return;
    }
    static constexpr HeaderRef ok[] = {{":status", "200"}, {"content-type", "text/plain"}};
    (void)conn->SubmitResponse(id, ok,
                               std::make_unique<StringDataSource>(std::string(id % 40000, 'b')));
    if (choice == 1) {
      static constexpr HeaderRef trailers[] = {{"x-checksum", "1"}};
      (void)conn->SubmitTrailers(id, trailers);
    }
  }
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    Alive(id);
    Require(!ended_.count(id), "OnData after OnEndStream");
    Require(!data.empty(), "empty OnData");
    // behaviour 3: a slow application consumes only every other chunk at once.
    if (behaviour_ != 3 || (++data_calls_ & 1) == 0) conn->ConsumeData(id, data.size());
  }
  void OnEndStream(StreamId id) override {
    Alive(id);
    Require(ended_.insert(id).second, "OnEndStream twice");
  }
  void OnStreamClosed(StreamId id, ErrorCode) override {
    Alive(id);
    closed_.insert(id);
  }
  void OnGoAway(StreamId, ErrorCode, std::string_view) override {
    Require(!finished_, "OnGoAway after OnConnectionError");
  }
  void OnPeerSettings(const Settings&) override {
    Require(!finished_, "OnPeerSettings after OnConnectionError");
  }
  void OnPingAck(uint64_t, std::chrono::nanoseconds) override {
    Require(!finished_, "OnPingAck after OnConnectionError");
  }
  void OnConnectionError(ErrorCode, std::string_view) override {
    Require(!finished_, "OnConnectionError twice");
    finished_ = true;
  }
  bool finished() const { return finished_; }

 private:
  void Alive(StreamId id) {
    Require(!finished_, "stream callback after OnConnectionError");
    Require(!closed_.count(id), "stream callback after OnStreamClosed");
  }

  Perspective perspective_;
  uint8_t behaviour_;
  std::set<StreamId> closed_;
  std::set<StreamId> ended_;
  bool finished_ = false;
  unsigned data_calls_ = 0;
};

constexpr size_t kPiecePatterns[8][4] = {
    {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX},  // whole
    {1, 1, 1, 1},                              // byte by byte
    {2, 3, 5, 7},
    {9, 13, 24, 31},
    {100, 1, 1000, 3},
    {16384, 9, 16393, 1},
    {4096, 4096, 4096, 4096},
    {17, 1, 256, 65536},
};

std::string PeerPreface(Perspective local) {
  ByteSink sink;
  if (local == Perspective::kServer) sink.Append(kClientPreface);
  WriteSettings(sink, {});
  WriteSettingsAck(sink);
  return std::string(sink.view());
}

}  // namespace

void FuzzConnection(Perspective perspective, const uint8_t* data, size_t size) {
  if (size == 0) return;
  const uint8_t mode = data[0];
  std::string input = (mode & 1) ? PeerPreface(perspective) : std::string();
  input.append(reinterpret_cast<const char*>(data + 1), size - 1);

  ConnectionOptions options;
  options.perspective = perspective;
  options.measure_rtt = (mode & 0x10) != 0;
  if (mode & 0x20) {
    options.max_concurrent_streams = 2;
    options.initial_window_size = 1000;
    options.max_stream_window = 4000;
    options.max_header_list_size = 2000;
    options.max_frame_size = 20000;
    options.max_output_buffer = 16 << 10;
    options.output_chunk_size = 4096;
    options.closed_streams_remembered = 4;
    options.rate_limits.pings = {5, 1};
    options.rate_limits.settings = {5, 1};
    options.rate_limits.peer_resets = {5, 1};
    options.rate_limits.glitches = {20, 1};
    options.rate_limits.max_continuation_frames = 4;
  }
  FuzzApp app(perspective, static_cast<uint8_t>(mode >> 6));
  Connection conn(options, &app);
  app.conn = &conn;
  FrameLog log(/*client_preface=*/perspective == Perspective::kClient);
  Clock::time_point now = Clock::time_point() + std::chrono::seconds(100);

  if (perspective == Perspective::kClient) {
    static constexpr HeaderRef get[] = {{":method", "GET"}, {":scheme", "https"},
                                        {":authority", "fuzz.test"}, {":path", "/"}};
    static constexpr HeaderRef post[] = {{":method", "POST"}, {":scheme", "https"},
                                         {":authority", "fuzz.test"}, {":path", "/p"}};
    static constexpr HeaderRef head[] = {{":method", "HEAD"}, {":scheme", "https"},
                                         {":authority", "fuzz.test"}, {":path", "/h"}};
    static constexpr HeaderRef trailers[] = {{"x-t", "1"}};
    Require(conn.SubmitRequest(get, nullptr).has_value(), "SubmitRequest GET");
    const auto id = conn.SubmitRequest(post, std::make_unique<StringDataSource>(std::string(3000, 'p')));
    Require(id.has_value(), "SubmitRequest POST");
    (void)conn.SubmitTrailers(*id, trailers);
    Require(conn.SubmitRequest(head, nullptr).has_value(), "SubmitRequest HEAD");
  }

  // Drains the output (partly when `partial`) through the FrameLog.
  auto drain = [&](bool partial) {
    for (int guard = 0; guard < 1000; ++guard) {
      const std::span<const uint8_t> out = conn.PendingOutput();
      if (out.empty()) break;
      const size_t n = partial ? (out.size() + 1) / 2 : out.size();
      (void)log.Feed(out.first(n));
      conn.ConsumeOutput(n);
      if (!log.error().empty()) {
        std::fprintf(stderr, "%s\n", log.error().c_str());
        Fail("the connection wrote invalid frames");
      }
      if (partial) break;
    }
  };

  const size_t* pattern = kPiecePatterns[(mode >> 1) & 7];
  size_t pos = 0;
  bool failed = false;
  for (size_t step = 0; pos < input.size(); ++step) {
    const size_t n = std::min(pattern[step % 4], input.size() - pos);
    const std::span<const uint8_t> piece(reinterpret_cast<const uint8_t*>(input.data()) + pos, n);
    const size_t consumed = conn.ProcessInput(piece, now);
    Require(consumed <= n, "consumed more than given");
    if (failed) Require(consumed == 0, "input consumed after the connection failed");
    if (consumed < n) {
      Require(!conn.want_read(), "bytes left unconsumed while the connection wants input");
      failed = true;
    }
    pos += n;
    // Peer streams never exceed our limit; the backlog stays bounded.
    if (perspective == Perspective::kServer) {
      Require(conn.num_active_streams() <= options.max_concurrent_streams, "too many streams");
    }
    // With tight limits the peer's unread output must stay bounded even when we do not drain
    // every step (every third step we leave it).
    if (step % 3 != 2) drain(/*partial=*/(step & 1) != 0);
    const size_t backlog = conn.PendingOutput().size();
    Require(backlog <= 2 * options.max_output_buffer + 2 * (64u << 10) + (1u << 20),
            "output backlog unbounded");
    now += std::chrono::milliseconds(3);
    if (const auto deadline = conn.NextDeadline(); deadline && *deadline <= now) conn.OnTimer(now);
  }
  drain(false);
  // Late commands must be safe in any state.
  (void)conn.SubmitRstStream(1, ErrorCode::kCancel);
  conn.SubmitPing(7, now);
  conn.StartGracefulShutdown(now);
  conn.OnTimer(now + std::chrono::seconds(60));
  drain(false);
  if (app.finished()) Require(!conn.want_read(), "want_read after OnConnectionError");
  if (failed) Require(conn.is_closed(), "failed connection not closed once drained");
  // The transport goes away: every stream and the connection must be reported finished.
  conn.OnTransportClosed();
  Require(app.finished(), "OnTransportClosed did not finish the connection");
  Require(conn.is_closed() && !conn.want_write(), "not closed after OnTransportClosed");
}

}  // namespace h2engine::h2::testing
