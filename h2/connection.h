// Connection: one HTTP/2 connection (RFC 9113), server or client perspective, sans-I/O: bytes
// from the peer go in through ProcessInput(), bytes for the peer are pulled with
// PendingOutput()/ConsumeOutput(), events go to a ConnectionVisitor (h2/visitor.h), and the
// application acts through the Submit* commands. No sockets, threads or clocks inside: time is
// passed in (ProcessInput, OnTimer, SubmitPing, StartGracefulShutdown).
//
// What it does (h2/README.md "Connection" has the details and the list of rules):
//   - the connection preface and first SETTINGS (§3.4), SETTINGS and their ACK with a deadline
//     (§6.5.3), every setting of §6.5.2 plus RFC 8441's and RFC 9218's;
//   - the stream states of §5.1 (h2/stream_state.h's table), stream identifiers (§5.1.1) and
//     recently closed streams in bounded memory, SETTINGS_MAX_CONCURRENT_STREAMS both ways
//     (§5.1.2: REFUSED_STREAM for the peer's excess; our own requests queued);
//   - flow control at both levels (§5.2, §6.9) with receive windows that auto-tune and grant
//     credit only for data the application consumed (ConsumeData);
//   - the HTTP rules of §8 on every received header block (h2/header_validator.h), trailers,
//     1xx responses, content-length against DATA, no body for HEAD/204/304;
//   - outbound: urgent frames (PING and SETTINGS ACKs) first, control frames in order, then
//     DATA chosen by the RFC 9218 write scheduler, coalesced into large chunks; header blocks
//     split into CONTINUATION at the peer's SETTINGS_MAX_FRAME_SIZE;
//   - PING, RST_STREAM, GOAWAY both ways, graceful shutdown in two steps (§6.8);
//   - flood limits (h2/rate_limits.h): rapid reset, PING, SETTINGS, empty frames,
//     CONTINUATION, PRIORITY, and output the peer does not read.
// Server push is never used: a client sends SETTINGS_ENABLE_PUSH=0 and treats PUSH_PROMISE as a
// connection error PROTOCOL_ERROR, a server never sends it (and a PUSH_PROMISE from a client
// is a PROTOCOL_ERROR, §8.4). RFC 7540 priorities (PRIORITY frames, HEADERS priority fields)
// are validated (self-dependency, §5.3.1) and otherwise ignored; we send
// SETTINGS_NO_RFC7540_PRIORITIES=1.
//
// Errors: a connection error (§5.4.1) queues GOAWAY with the code and a debug string, closes
// every stream, reports OnConnectionError, and stops input processing; a stream error (§5.4.2)
// queues RST_STREAM and closes that stream. Nothing the peer sends makes the connection crash
// or grow memory without a bound (every bound is an option below).
//
// Not thread-safe: one thread at a time, like any sans-I/O object.

#ifndef H2ENGINE_H2_CONNECTION_H_
#define H2ENGINE_H2_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "h2/header_validator.h"
#include "h2/perspective.h"
#include "h2/protocol.h"
#include "h2/rate_limits.h"
#include "h2/settings.h"
#include "h2/visitor.h"

namespace h2engine::h2 {

using Clock = std::chrono::steady_clock;  // only the type; the connection never reads it

struct ConnectionOptions {
  Perspective perspective = Perspective::kServer;

  // --- Settings we advertise (RFC 9113 §6.5.2; RFC 8441 §3) ---
  // Our HPACK decoder's dynamic table limit (SETTINGS_HEADER_TABLE_SIZE).
  uint32_t header_table_size = 4096;
  // Streams the peer may have open at once; its excess is refused (REFUSED_STREAM).
  uint32_t max_concurrent_streams = 100;
  // The receive window each stream starts with (SETTINGS_INITIAL_WINDOW_SIZE, <= 2^31-1).
  uint32_t initial_window_size = 65535;
  // The largest frame payload we accept (SETTINGS_MAX_FRAME_SIZE, 2^14..2^24-1).
  uint32_t max_frame_size = 16384;
  // The largest decoded header list we accept (SETTINGS_MAX_HEADER_LIST_SIZE, RFC 9113
  // §6.5.2 counting). A larger request is answered 431 (server) and a larger response or
  // trailer section reset with CANCEL; see h2/README.md.
  uint32_t max_header_list_size = 64 * 1024;
  // Server: accept extended CONNECT (SETTINGS_ENABLE_CONNECT_PROTOCOL=1, RFC 8441).
  bool enable_connect_protocol = false;

  // --- Receive windows (§5.2, §6.9.2) ---
  // The connection's receive window at the start (65,535 by the RFC; a larger value is
  // granted at once with a WINDOW_UPDATE on stream 0).
  uint32_t initial_connection_window_size = 65535;
  // Auto-tuning ceilings: a window the application drains within about one round trip
  // doubles, up to these (h2/flow_control.h AutoTuningPolicy). At or below the initial
  // window: no auto-tuning.
  uint32_t max_stream_window = 16 << 20;
  uint32_t max_connection_window = 16 << 20;
  // Send a PING when the connection starts to measure the round-trip time auto-tuning needs.
  bool measure_rtt = true;

  // --- Timers ---
  // The peer must acknowledge our SETTINGS within this (§6.5.3), else SETTINGS_TIMEOUT.
  // Counted from the first call that passes a time (ProcessInput, OnTimer, ...).
  std::chrono::milliseconds settings_timeout{10000};
  // Graceful shutdown: how long to wait for the PING round trip between the two GOAWAYs
  // before sending the second one anyway.
  std::chrono::milliseconds graceful_shutdown_timeout{5000};

  // --- Memory bounds ---
  // Closed streams remembered to tell "recently closed" from "never opened" (§5.1; at most
  // 32767). See h2/stream_ids.h.
  size_t closed_streams_remembered = 1024;
  // PendingOutput() pulls DATA from data sources only while less than this is waiting to be
  // written. Also bounds what the peer can make us queue without reading: when control
  // frames the peer provokes (PING ACKs, RST_STREAMs, ...) pile up beyond this, want_read()
  // turns false, and beyond twice this the connection fails with ENHANCE_YOUR_CALM.
  size_t max_output_buffer = 1 << 20;
  // DATA is generated in chunks up to about this much at a time (and no DATA frame is larger),
  // so one PendingOutput() gives the transport large writes.
  size_t output_chunk_size = 64 << 10;
  // Our HPACK encoder's dynamic table (at most the peer's SETTINGS_HEADER_TABLE_SIZE).
  uint32_t encoder_table_size = 4096;
  // Client: PINGs from SubmitPing awaiting their ACK; older ones are forgotten beyond this.
  size_t max_outstanding_pings = 16;

  // --- Policies ---
  // Flood limits (h2/rate_limits.h): rapid reset, PING, SETTINGS, empty DATA, PRIORITY,
  // CONTINUATION per header block, and "glitches" (frames on closed streams, stream errors
  // the peer provokes, refused streams, unknown frame types).
  RateLimitOptions rate_limits;
  // RFC 9113 §8 options for received header blocks (h2/header_validator.h).
  HeaderValidator::Options validation;
  // Check the header fields we are asked to send with the same rules, refusing (the Submit*
  // call returns false) what the peer would have to reject as malformed.
  bool validate_outgoing_headers = true;
};

class Connection {
 public:
  // `visitor` must outlive the connection. The connection queues its preface (client) and its
  // SETTINGS at once: call PendingOutput() to send them.
  Connection(const ConnectionOptions& options, ConnectionVisitor* visitor);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Perspective perspective() const;

  // --- Input ---
  // ProcessInput consumes bytes from the peer, any amount, split anywhere (a server expects
  // the client preface first, §3.4). Returns the number of bytes consumed: all of them, unless
  // the connection has failed (then the GOAWAY is queued, the visitor told, and later calls
  // consume nothing).
  size_t ProcessInput(std::span<const uint8_t> bytes, Clock::time_point now);

  // --- Output (pulled) ---
  // PendingOutput returns bytes to write to the peer (many frames coalesced). Pulling output
  // runs the write scheduler, which calls DataSource::Read for streams whose turn it is. The
  // span is valid until the next non-const call on the connection. Empty when nothing is
  // ready.
  std::span<const uint8_t> PendingOutput();
  // ConsumeOutput says that the first `n` bytes of the last PendingOutput() were written.
  void ConsumeOutput(size_t n);
  // want_read: input is still useful. False once the connection has failed or finished, and
  // while more than max_output_buffer of output waits (the peer is not reading: stop reading
  // from it too).
  bool want_read() const;
  // want_write: PendingOutput() would return bytes.
  bool want_write() const;
  // is_closed: nothing more to send or receive: close the transport.
  bool is_closed() const;
  // OnTransportClosed: the transport is gone (EOF from the peer, a reset, our own close). If
  // the connection had not finished, every open stream gets OnStreamClosed(kCancel) and then
  // OnConnectionError(kCancel, "transport closed"); pending output is dropped; is_closed()
  // becomes true. Safe to call in any state, also more than once.
  void OnTransportClosed();

  // --- Timers ---
  // NextDeadline: when OnTimer must be called next (our SETTINGS' ACK deadline, the graceful
  // shutdown step), or nullopt.
  std::optional<Clock::time_point> NextDeadline() const;
  void OnTimer(Clock::time_point now);

  // --- Commands --- (false or nullopt, changing nothing, when not allowed in the current
  // state: wrong perspective, unknown or closed stream, the connection failed or going away,
  // invalid header fields.)

  // SubmitRequest (client) opens a stream with `headers` (:method, :scheme, :authority,
  // :path first) and `body` (null: END_STREAM on the HEADERS). While the peer's
  // SETTINGS_MAX_CONCURRENT_STREAMS is reached the request waits in a queue (its id is
  // allocated now). Returns the stream id.
  std::optional<StreamId> SubmitRequest(std::span<const HeaderRef> headers,
                                        std::unique_ptr<DataSource> body);
  // SubmitInformational (server): a 1xx response (not 101), e.g. 103 Early Hints (RFC 8297),
  // before the final one.
  bool SubmitInformational(StreamId id, std::span<const HeaderRef> headers);
  // SubmitResponse (server): the final response. body null: END_STREAM on the HEADERS. For a
  // HEAD request and for 204 and 304 responses the body is dropped (§8.1.1, RFC 9110 §6.4.1).
  // The request need not be complete (§8.1); the rest of it is still delivered.
  bool SubmitResponse(StreamId id, std::span<const HeaderRef> headers,
                      std::unique_ptr<DataSource> body);
  // SubmitTrailers: a trailer section after the body (§8.1). Only while the body's DataSource
  // has not yet returned end_stream: its last DATA then goes without END_STREAM and the
  // trailers' HEADERS carries it. (To compute trailers at the end, let the source return
  // blocked, call SubmitTrailers, then ResumeData.)
  bool SubmitTrailers(StreamId id, std::span<const HeaderRef> trailers);
  // ResumeData: a DataSource that returned blocked has more.
  bool ResumeData(StreamId id);
  // ConsumeData: the application processed `n` bytes delivered by OnData on stream `id`; the
  // credit goes back to the peer (WINDOW_UPDATE) when the window policy says so. After the
  // stream closed it is a no-op (unconsumed bytes of a closed stream are credited to the
  // connection when it closes).
  void ConsumeData(StreamId id, size_t n);
  // SubmitRstStream: reset a stream (§6.4) with `code` (e.g. kCancel). A client request still
  // queued is simply dropped. OnStreamClosed(id, code) follows.
  bool SubmitRstStream(StreamId id, ErrorCode code);
  // SubmitPing: a PING with `opaque`; OnPingAck(opaque, rtt) when its ACK arrives.
  void SubmitPing(uint64_t opaque, Clock::time_point now);
  // StartGracefulShutdown (§6.8): a server sends GOAWAY(2^31-1, NO_ERROR) and a PING, and
  // after that round trip (or graceful_shutdown_timeout) GOAWAY with the last stream it
  // processed; a client sends GOAWAY(0, NO_ERROR) and submits no more requests. Streams in
  // flight finish; then OnConnectionError(kNoError, ...) and is_closed().
  void StartGracefulShutdown(Clock::time_point now);
  // SubmitGoAway: GOAWAY now, with the last stream processed. kNoError: like the final step
  // of a graceful shutdown. Any other code: a connection error of ours (streams closed with
  // `code`, OnConnectionError, no more input processed).
  void SubmitGoAway(ErrorCode code, std::string_view debug);

  // StartFromUpgrade (server, before any input): HTTP/1.1 Upgrade to h2c (RFC 7540 §3.2).
  // Applies the decoded HTTP2-Settings payload as the client's settings (no ACK is sent for
  // them) and opens stream 1 half-closed (remote) with the upgraded request's headers (in
  // HTTP/2 form: :method, :scheme, :authority, :path first), reporting them at once with
  // OnHeaders(1, kRequest, ..., true) and OnEndStream(1). The client preface is still expected
  // as input. False if the payload or headers are invalid.
  bool StartFromUpgrade(std::span<const uint8_t> http2_settings_payload,
                        std::span<const HeaderRef> request_headers, Clock::time_point now);

  // --- Introspection (tests, metrics) ---
  const Settings& peer_settings() const;
  // The number of streams open or half-closed (§5.1.2), ours and the peer's.
  size_t num_active_streams() const;
  // Client requests waiting for a concurrency slot.
  size_t num_queued_requests() const;
  // The latest round-trip time measured by a PING (zero if none yet).
  std::chrono::nanoseconds rtt() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_CONNECTION_H_
