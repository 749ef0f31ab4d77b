// Http2Session: HTTP/2 (RFC 9113) between the wire and the App, a Session over h2::Connection.
//
// Each stream is one Exchange, so the same App, router, middleware, handlers and static files
// answer identically over HTTP/1.1 and HTTP/2:
//   - the request's pseudo-header fields become the Request (method, path and query split from
//     :path, authority from :authority or else `host`, scheme from the transport, protocol
//     "h2"); `cookie` crumbs (§8.2.3) are joined into one field; other fields are kept in order;
//   - the body is delivered as DATA arrives and credited back to the client (ConsumeData, so
//     WINDOW_UPDATE) only as the application takes it: a handler that reads slowly stalls the
//     client through flow control (§5.2), and the window bounds what is buffered;
//   - the response goes out with SubmitResponse: `:status`, the application's fields minus the
//     connection-specific ones (StripConnectionSpecificHeaders, §8.2.2), content-length when
//     the body's length is known, a date; the body through a DataSource that reads the
//     `Response::body` or pulls the streaming BodySource as flow control allows (a source's
//     "not yet" pauses the stream until its resume function runs; resumes are posted to the
//     loop, never run inside the connection); trailers with SubmitTrailers (a streamed body's
//     trailers are known only at its end: the stream pauses, the trailers are submitted, then
//     it resumes); 1xx with SubmitInformational (103 Early Hints; 100 Continue when a client
//     sent `expect: 100-continue` and the application reads the body);
//   - a HEAD request or a 204/304 response gets no body (the source is cancelled);
//   - the exchange ends (OnComplete hooks) when the last frame of its response is queued, or
//     when the stream is reset or lost; a client's RST_STREAM cancels the exchange (the
//     Responder's alive() turns false, a streaming source is cancelled). A response that
//     completes before the request body is followed by RST_STREAM(NO_ERROR) (§8.1);
//   - Responder::Abort() resets the stream (INTERNAL_ERROR); a BodySource error or a body
//     whose length differs from its announced Length() too.
//
// Handlers are dispatched after h2::Connection returns (never from inside its callbacks), in
// the order their HEADERS arrived.
//
// Output: h2::Connection::PendingOutput() is handed to the connection as is (writev straight
// from the engine's buffer); the session refreshes its view at the end of every entry point.
// An ORIGIN frame (RFC 8336) listing Http2SessionOptions::origins is inserted right after the
// server's SETTINGS when configured (the server only does so on TLS connections: §2.1 says
// ORIGIN is ignored on h2c). h2::Connection has no extension-frame hook, so the session
// splices the frame in at a frame boundary of the engine's output.
//
// Timeouts (the connection's, chosen from phase()): kFirstRequest until the first stream,
// kIdle while no stream is open (idle_timeout: GOAWAY, then close), kReadingHead while a
// header block is partly received (header_timeout; a small frame scanner follows the input),
// kReadingBody while a stream waits on the peer (a body the application wants, or a response
// stopped by the peer's flow-control window), kProcessing otherwise. Any of these expiring
// sends GOAWAY(NO_ERROR), resets the open streams (CANCEL) and closes. The engine's own timers
// (SETTINGS ACK, graceful-shutdown step) go through NextDeadline()/OnDeadline().
//
// Graceful shutdown: h2::Connection::StartGracefulShutdown (GOAWAY(2^31-1), a PING, then
// GOAWAY(last stream)); streams in flight finish; done() once the engine is closed.
//
// Tracing: with Http2SessionOptions::trace set, every frame sent and received is rendered in
// nghttp -v style (h2/frame_trace.h), one line per call, prefixed `[id=N] [  s.mmm] send|recv`,
// with the header fields of requests and responses as `recv (stream_id=N) name: value` lines.

#ifndef H2ENGINE_SERVER_HTTP2_SESSION_H_
#define H2ENGINE_SERVER_HTTP2_SESSION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h2/connection.h"
#include "server/http1.h"
#include "server/http1_session.h"
#include "server/router.h"
#include "server/session.h"

namespace h2engine::server {

struct Http2SessionOptions {
  // The engine's options (settings advertised, windows, limits); perspective is forced to
  // server.
  h2::ConnectionOptions connection{};
  // Exchange::Options::body_window (how much unread body makes a stream count as the
  // application's turn rather than the peer's, for timeouts).
  size_t body_window = 64 * 1024;
  bool add_date_header = true;
  // origins: sent in one ORIGIN frame after SETTINGS when not empty (RFC 8336), e.g.
  // "https://example.com". Origins longer than 65,535 octets are skipped.
  std::vector<std::string> origins{};
  // trace: receives the frame trace line by line (see the header comment). Called on the loop
  // thread; with several loops, concurrently: the function must be thread-safe.
  std::function<void(std::string_view line)> trace{};
  uint64_t trace_id = 0;  // the connection's number in trace lines
};

class Http2Session : public Session, private h2::ConnectionVisitor {
 public:
  Http2Session(SessionHost* host, const App* app, const Http2SessionOptions& options,
               ConnectionInfo info, const Clock* clock = nullptr);
  ~Http2Session() override;
  Http2Session(const Http2Session&) = delete;
  Http2Session& operator=(const Http2Session&) = delete;

  // StartFromUpgrade: the h2c upgrade (RFC 7540 §3.2). `head` is the HTTP/1.1 request (no
  // body), `http2_settings` the decoded HTTP2-Settings payload. Stream 1 becomes that request,
  // half-closed (remote). False if the settings or the request are not valid HTTP/2 (the
  // caller then serves the request as HTTP/1.1). Call before any input.
  bool StartFromUpgrade(const RequestHead& head, std::string_view http2_settings);
  // FailInadequateSecurity: GOAWAY(INADEQUATE_SECURITY) at once (RFC 9113 §9.2.2: TLS 1.2 with
  // a cipher suite on the block list), then close.
  void FailInadequateSecurity();

  // Session.
  void Advance() override;
  size_t ProcessInput(std::span<const uint8_t> input) override;
  void OnInputClosed() override;
  bool wants_input() const override;
  size_t GatherOutput(std::span<std::span<const uint8_t>> out) const override;
  size_t pending_output() const override;
  void ConsumeOutput(size_t n) override;
  bool done() const override;
  SessionPhase phase() const override;
  uint64_t requests_started() const override { return requests_started_; }
  void OnTimeout(SessionPhase phase) override;
  void OnConnectionClosed() override;
  std::optional<TimePoint> NextDeadline() const override;
  void OnDeadline() override;
  void StartGracefulShutdown() override;

  // For tests and metrics.
  size_t open_streams() const;
  const h2::Connection& connection() const { return *conn_; }

 private:
  class Stream;
  class BodyDataSource;
  class Tracer;
  class FrameScanner;
  struct Deferred {
    enum class Kind : uint8_t { kComplete, kTrailers, kReset };
    Kind kind;
    h2::StreamId id;
    h2::ErrorCode code = h2::ErrorCode::kNoError;
  };

  // h2::ConnectionVisitor.
  void OnHeaders(h2::StreamId id, h2::HeadersKind kind, const h2::HeaderList& headers,
                 bool end_stream) override;
  void OnData(h2::StreamId id, std::span<const uint8_t> data) override;
  void OnEndStream(h2::StreamId id) override;
  void OnStreamClosed(h2::StreamId id, h2::ErrorCode code) override;
  void OnConnectionError(h2::ErrorCode code, std::string_view reason) override;

  // Stream (ExchangeSink) actions.
  void SubmitResponseFor(Stream& s, Response response);
  void SubmitInformationalFor(Stream& s, int status, const Headers& headers);
  void ContinueFor(Stream& s);
  void ConsumeFor(Stream& s, size_t bytes);
  void AbortFor(Stream& s);
  h2::DataChunk ReadBody(Stream& s, size_t max, ByteSink& out);
  void OnSourceResumed(h2::StreamId id);

  Stream* Find(h2::StreamId id);
  void FinishExchange(Stream& s, bool completed);
  void Defer(Deferred d);
  // Pump runs deferred work and new handlers, then refreshes the output view. Called at the
  // end of every entry point, never from inside an h2::Connection callback.
  void Pump();
  void RunDeferred();
  void DispatchNew();
  // CloseAfterTimeout: GOAWAY(NO_ERROR), reset every open stream, close.
  void CloseAfterTimeout(std::string_view reason);
  void Invalidate() { out_valid_ = false; }
  void NoteInput(std::span<const uint8_t> consumed);
  TimePoint Now() const;
  void AddDateHeader(Headers& headers);
  void TraceFields(std::string_view direction, h2::StreamId id,
                   std::span<const h2::HeaderRef> fields);

  SessionHost* host_;
  const App* app_;
  Http2SessionOptions options_;
  ConnectionInfo info_;
  const Clock* clock_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // for posted callbacks

  // Declared before conn_: the engine (which owns the DataSources pointing at streams) is
  // destroyed first.
  std::map<h2::StreamId, std::unique_ptr<Stream>> streams_;
  std::vector<h2::StreamId> to_dispatch_;
  std::vector<Deferred> deferred_;
  std::unique_ptr<Tracer> tracer_;
  std::unique_ptr<FrameScanner> scanner_;
  std::unique_ptr<h2::Connection> conn_;

  // The engine's pending output as of the last refresh, and frames of our own spliced in
  // after `extra_at_` more bytes of it (the ORIGIN frame).
  std::span<const uint8_t> out_;
  bool out_valid_ = false;
  std::string extra_;
  size_t extra_at_ = 0;

  size_t preface_left_ = h2::kClientPreface.size();  // not yet seen (not traced or scanned)
  uint64_t requests_started_ = 0;
  bool pumping_ = false;
  bool input_closed_ = false;
  bool closing_ = false;  // timed out: GOAWAY sent, streams reset
  bool done_ = false;     // the transport is gone
  std::time_t date_second_ = 0;
  std::string date_value_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_HTTP2_SESSION_H_
