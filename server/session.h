// Session: a protocol endpoint over one byte stream, as the connection sees it. Implemented by
// Http1Session (HTTP/1.1), Http2Session (HTTP/2 over h2::Connection) and TlsTransport (TLS:
// ciphertext in and out, plaintext to an inner Http1Session or Http2Session chosen by ALPN).
//
// The connection owns the socket, the input buffer, timers and back pressure; the session owns
// protocol state and output. The contract:
//   - the connection offers bytes with ProcessInput() while wants_input() is true; whatever is
//     not consumed is kept and offered again later (pipelined requests, body back pressure);
//   - output is pulled: GatherOutput() views, ConsumeOutput(n) after n bytes were written (the
//     session may produce more then, e.g. the next piece of a streamed body);
//   - the session calls SessionHost::SessionChanged() when something changed outside those
//     calls (a handler answered from another thread, a body source resumed, the application
//     read body bytes); the connection then re-evaluates soon, never re-entrantly, starting
//     with Advance() (which lets the session move on: pull a streamed body, end an exchange);
//   - done(): nothing more will happen; the connection closes once the output is written;
//   - phase() tells the connection which timeout applies; OnTimeout(phase) lets the protocol
//     answer (408) before the connection closes;
//   - OnConnectionClosed(): the socket is gone; abandon every exchange;
//   - NextDeadline()/OnDeadline(): a protocol's own timer (HTTP/2's SETTINGS ACK deadline and
//     graceful-shutdown step), armed by the connection next to its phase timeouts;
//   - StartGracefulShutdown(): finish what is in flight, accept nothing new, then be done()
//     (HTTP/1.1: the current response goes out with `connection: close`; HTTP/2: the two-step
//     GOAWAY of RFC 9113 §6.8).
// All calls are made on the loop thread.

#ifndef H2ENGINE_SERVER_SESSION_H_
#define H2ENGINE_SERVER_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "server/event_loop.h"

namespace h2engine::server {

enum class SessionPhase : uint8_t {
  kHandshake,     // TLS handshake in progress (handshake_timeout from accept)
  kFirstRequest,  // nothing received yet on this connection
  kIdle,          // between requests (keep-alive), nothing of the next one received
  kReadingHead,   // part of a request head received
  kReadingBody,   // waiting for request body bytes the application can take
  kProcessing,    // the application's turn (no peer timeout applies)
  kClosing,       // done; flushing output
};

const char* SessionPhaseName(SessionPhase phase);

class SessionHost {
 public:
  virtual ~SessionHost() = default;
  virtual void SessionChanged() = 0;
  virtual EventLoop& loop() = 0;
};

class Session {
 public:
  virtual ~Session() = default;

  virtual void Advance() = 0;
  virtual size_t ProcessInput(std::span<const uint8_t> input) = 0;
  // OnInputClosed: the peer closed its sending side (EOF).
  virtual void OnInputClosed() = 0;
  virtual bool wants_input() const = 0;

  virtual size_t GatherOutput(std::span<std::span<const uint8_t>> out) const = 0;
  virtual size_t pending_output() const = 0;
  virtual void ConsumeOutput(size_t n) = 0;

  virtual bool done() const = 0;
  virtual SessionPhase phase() const = 0;
  // requests_started: request heads completed so far (for the connection's timers).
  virtual uint64_t requests_started() const = 0;
  virtual void OnTimeout(SessionPhase phase) = 0;
  virtual void OnConnectionClosed() = 0;

  // NextDeadline: when OnDeadline() must be called next, if ever (a protocol timer).
  virtual std::optional<TimePoint> NextDeadline() const { return std::nullopt; }
  virtual void OnDeadline() {}
  // StartGracefulShutdown: see the header comment. Idempotent.
  virtual void StartGracefulShutdown() {}
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_SESSION_H_
