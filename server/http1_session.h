// Http1Session: HTTP/1.1 between the wire and the App, sans-I/O (a Session: bytes in, bytes
// pulled out). Built on Http1Parser and Http1ResponseWriter; one exchange at a time.
//
// Per request: the head is parsed, an Exchange is created and dispatched into the App (after
// Parse() returns, never from inside a parser callback). Body bytes are offered to the parser
// only while the exchange's unread body is below its window, so a handler that reads slowly
// slows the client down (the connection stops reading the socket). `Expect: 100-continue` is
// answered with 100 when the application first reads the body; if it answers with a final
// status without reading it, the connection is closed after the response (the client may never
// send the body). A response whose request body was not read is followed by discarding the
// rest of that body (still bounded by max_body_bytes), so keep-alive survives a 404 on a POST.
//
// Pipelining: requests are handled strictly in order; the next one is parsed only once the
// current response has been fully queued and the output queue is below output_high_water, so
// responses cannot be reordered and a pipelining client that does not read cannot make the
// server buffer unbounded responses.
//
// Responses: HEAD, 204 and 304 carry no body; a known length is sent with Content-Length, an
// unknown one chunked (HTTP/1.1) or close-delimited (HTTP/1.0); trailers only in chunked mode
// and only to clients that sent `TE: trailers`. A streamed body is pulled from its BodySource
// only while the output queue is below output_high_water (back pressure towards the
// producer). A `date` header is added when the response has none (RFC 9110 §6.6.1).
//
// Errors: a parse error is answered with its status (400, 413, 414, 431, 501, 505) and
// `connection: close` when no response has started, then the connection closes. Timeouts
// (from the connection) answer 408 when a request was partly received.
//
// h2c (RFC 7540 §3.2): with Http1SessionOptions::h2c_upgrade set, an `Upgrade: h2c` request
// without a body (no Content-Length, or 0, and not chunked) is answered `101 Switching
// Protocols`, and the session becomes a shell around the HTTP/2 session the callback made
// (stream 1 carries the upgraded request, half-closed remote; the client's preface follows the
// 101 and may arrive in the same read: the bytes after the request go to HTTP/2). Requests
// with a body are served as HTTP/1.1, ignoring Upgrade (RFC 9110 §7.8 allows that): switching
// would mean buffering the whole body first. Without the option, Upgrade is ignored.
//
// Graceful shutdown: an idle connection is done at once; otherwise the response in flight
// goes out with `connection: close` (or the connection closes after it) and nothing more is
// read.

#ifndef H2ENGINE_SERVER_HTTP1_SESSION_H_
#define H2ENGINE_SERVER_HTTP1_SESSION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/http1.h"
#include "server/output_queue.h"
#include "server/router.h"
#include "server/session.h"

namespace h2engine::server {

struct Http1SessionOptions {
  Http1Limits limits{};
  size_t body_window = 64 * 1024;           // unread request body before back pressure
  size_t output_high_water = 256 * 1024;    // pull streamed bodies only below this
  size_t response_chunk_bytes = 64 * 1024;  // at most this much per BodySource::Read
  bool add_date_header = true;
  // alt_svc: when not empty, an `alt-svc` field with this value is added to every response
  // that has none (the server sets `h2=":PORT"` on HTTP/1.1 over TLS, RFC 7838).
  std::string alt_svc{};
  // h2c_upgrade: makes the HTTP/2 session for an h2c upgrade (see the header comment), from
  // the request head and the decoded HTTP2-Settings payload; nullptr declines (the request is
  // then served as HTTP/1.1). Unset: Upgrade is ignored.
  std::function<std::unique_ptr<Session>(SessionHost* host, const RequestHead& head,
                                         std::string_view http2_settings)>
      h2c_upgrade{};
};

// ConnectionInfo: what a session knows about its transport.
struct ConnectionInfo {
  std::string peer{};           // "1.2.3.4:5678"
  std::string scheme = "http";  // "https" behind TLS
};

class Http1Session : public Session, private Http1Visitor, private ExchangeSink {
 public:
  Http1Session(SessionHost* host, const App* app, const Http1SessionOptions& options,
               ConnectionInfo info, const Clock* clock = nullptr);
  ~Http1Session() override;

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
  void OnTimeout(SessionPhase phase) override;
  void OnConnectionClosed() override;
  std::optional<TimePoint> NextDeadline() const override;
  void OnDeadline() override;
  void StartGracefulShutdown() override;

  uint64_t requests_started() const override;
  // upgraded: the connection switched to HTTP/2 (h2c upgrade).
  bool upgraded() const { return upgraded_ != nullptr; }

 private:
  // Http1Visitor.
  void OnRequestHead(RequestHead head) override;
  void OnH2cUpgrade(RequestHead head, std::string http2_settings) override;
  void OnBody(std::string_view data) override;
  void OnMessageComplete(Headers trailers) override;
  void OnError(Http1Error error) override;

  // ExchangeSink.
  void OnResponse(Response response) override;
  void OnInformational(int status, const Headers& headers) override;
  void OnRequestBodyWanted() override;
  void OnRequestBodyConsumed(size_t bytes) override;
  void OnAbort() override;

  void StartExchange();
  // TryUpgrade switches to HTTP/2 for the pending upgrade request; false: serve it as HTTP/1.1.
  bool TryUpgrade();
  bool OutputFullBetweenRequests() const;
  void HandleParseError();
  void PullBody();
  void OnSourceResumed();
  void FinishExchange(bool completed);
  void ResetForNextRequest();
  // WriteErrorResponse answers `status` outside any exchange and ends the session.
  void WriteErrorResponse(int status, std::string_view message);
  void AddDateHeader(Headers& headers);

  SessionHost* host_;
  const App* app_;
  Http1SessionOptions options_;
  ConnectionInfo info_;
  const Clock* clock_;
  Http1Parser parser_;
  OutputQueue output_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // for callbacks that may outlive us

  // The current request.
  std::optional<RequestHead> pending_head_;  // parsed, not yet dispatched
  Headers pending_trailers_;
  bool request_complete_ = false;  // the parser finished this request's message
  Http1Error parse_error_ = Http1Error::kNone;
  std::shared_ptr<Exchange> exchange_;
  Http1ResponseWriter::RequestInfo request_info_;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool response_started_ = false;
  bool response_done_ = false;
  bool response_broken_ = false;  // wrong body length, or the source failed
  int status_ = 0;
  Http1ResponseWriter writer_;
  std::shared_ptr<BodySource> source_;
  bool source_waiting_ = false;  // the source said kLater and has not resumed yet
  bool source_resumed_ = false;  // resume arrived during the last Read
  Headers trailers_;

  // h2c upgrade: the request waiting for its (empty) body to end, then the HTTP/2 session.
  std::optional<RequestHead> upgrade_head_;
  std::string upgrade_settings_;
  std::unique_ptr<Session> upgraded_;

  uint64_t requests_started_ = 0;
  bool shutting_down_ = false;
  bool input_closed_ = false;
  bool done_ = false;
  std::time_t date_second_ = 0;
  std::string date_value_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_HTTP1_SESSION_H_
