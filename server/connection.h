// Connection: one accepted socket on one EventLoop, driving a Session.
//
// It reads into a bounded input buffer, sniffs the protocol from the first bytes
// (SniffProtocol: TLS, h2c prior knowledge, HTTP/1.1) and asks a SessionFactory for the
// matching Session; offers input while the session wants it; writes the session's output with
// sendmsg() (writev semantics, MSG_NOSIGNAL) straight from its buffers; and owns the timeouts.
//
// Back pressure, both ways: the socket is read only while the session wants input and the
// input buffer has room (level-triggered interest is dropped otherwise), and write interest is
// on only while output is waiting for the socket. At most max_write_per_turn bytes are written
// per wake-up, so one fast download cannot starve the loop's other connections.
//
// Timeouts (ConnectionOptions), chosen from the session's phase:
//   handshake_timeout      from accept until the TLS handshake is complete
//   first_request_timeout  from accept until the first request head is complete (also bounds
//                          protocol sniffing and, with TLS, includes the handshake)
//   header_timeout         from the first byte of a request head until it is complete
//                          (slowloris); answered 408 by HTTP/1.1
//   idle_timeout           keep-alive wait between requests; and any wait on the peer without
//                          progress: a request body that stops arriving (408), a response the
//                          peer stops reading (closed)
//   linger_timeout         after the last response: the write side is shut down and input is
//                          drained until the peer closes or this expires, so that unread
//                          request bytes cannot turn the close into a reset that destroys the
//                          response in flight
// While the application is working (kProcessing with nothing to write), no timeout applies.
// The session may have a timer of its own (Session::NextDeadline, e.g. HTTP/2's SETTINGS ACK
// deadline); the connection arms the earlier of the two.
//
// Graceful shutdown: StartGracefulShutdown() closes a connection that is still sniffing and
// asks the session to finish what is in flight (Session::StartGracefulShutdown); the
// connection then closes as usual once the session is done (lingering close).
//
// Lifetime: the owner creates the Connection, calls Start(), and is told through the closed
// callback when it has closed; the owner must delete it later (not from inside the callback).

#ifndef H2ENGINE_SERVER_CONNECTION_H_
#define H2ENGINE_SERVER_CONNECTION_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/event_loop.h"
#include "server/listener.h"
#include "server/protocol_sniff.h"
#include "server/session.h"

namespace h2engine::server {

struct ConnectionOptions {
  Duration handshake_timeout = std::chrono::seconds(10);  // TLS handshake
  Duration first_request_timeout = std::chrono::seconds(10);
  Duration header_timeout = std::chrono::seconds(10);
  Duration idle_timeout = std::chrono::seconds(60);
  Duration linger_timeout = std::chrono::seconds(2);
  size_t read_chunk_bytes = 16 * 1024;
  size_t max_input_buffer = 64 * 1024;
  size_t max_write_per_turn = 1024 * 1024;
};

class Connection : public SessionHost {
 public:
  // SessionFactory makes the session for the sniffed protocol; nullptr closes the connection
  // (a protocol this server does not offer).
  using SessionFactory = std::function<std::unique_ptr<Session>(
      SniffResult protocol, SessionHost* host, const SocketAddress& peer)>;
  using ClosedCallback = std::function<void(Connection*)>;

  Connection(EventLoop* loop, int fd, const SocketAddress& peer, const ConnectionOptions& options,
             SessionFactory factory, ClosedCallback on_closed);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Start registers the socket with the loop; false (and closed) if that fails.
  bool Start();
  // Close closes at once, abandoning any exchange (server shutdown).
  void Close() { Destroy(); }
  // StartGracefulShutdown: see the header comment.
  void StartGracefulShutdown();
  bool closed() const { return state_ == State::kClosed; }

  // SessionHost.
  void SessionChanged() override;
  EventLoop& loop() override { return *loop_; }

 private:
  enum class State : uint8_t { kOpen, kLingering, kClosed };

  void OnIo(uint32_t events);
  void ReadSome();
  // Update moves bytes between the socket buffers and the session until nothing changes.
  void Update();
  bool TryCreateSession();
  // Flush writes pending output; false on a fatal socket error.
  bool Flush();
  void UpdateInterest();
  void ArmTimer();
  // PhaseDeadline: the deadline of the current phase's timeout, if any (also notes phase
  // changes).
  std::optional<TimePoint> PhaseDeadline();
  void OnTimer();
  void BeginLinger();
  void Destroy();

  EventLoop* loop_;
  int fd_;
  SocketAddress peer_;
  ConnectionOptions options_;
  SessionFactory factory_;
  ClosedCallback on_closed_;
  std::unique_ptr<Session> session_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  State state_ = State::kOpen;
  std::string input_;
  bool eof_ = false;
  bool want_write_ = false;
  bool in_update_ = false;
  bool update_again_ = false;
  bool update_posted_ = false;

  TimePoint accepted_;
  TimePoint last_progress_;
  TimePoint phase_since_;
  TimePoint linger_start_;
  SessionPhase phase_ = SessionPhase::kFirstRequest;
  uint64_t requests_seen_ = 0;  // session_->requests_started() at the last ArmTimer
  TimerId timer_ = kNoTimer;
  TimePoint timer_deadline_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_CONNECTION_H_
