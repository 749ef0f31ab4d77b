// Server: N event-loop threads, each with its own SO_REUSEPORT listener on the same port and
// its own connections, serving an App over HTTP/1.1 and HTTP/2, in the clear and over TLS, all
// on one port.
//
//   App app;
//   app.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello\n"); });
//   ServerOptions options;
//   options.port = 8443;
//   options.tls = context;                      // a tls::ServerContext (ALPN h2, http/1.1)
//   Server server(app, options);
//   ListenStatus status = server.Start();      // "127.0.0.1:8443 is already in use", ...
//   ...                                         // on SIGTERM, from any thread:
//   server.StartGracefulShutdown();
//   server.Wait();                              // all connections gone (or drain_timeout)
//
// Each connection lives on the thread that accepted it; handlers run there. The protocol is
// chosen per connection from its first bytes (SniffProtocol):
//   - a TLS ClientHello: TLS (when `tls` is set; else closed), then ALPN: "h2" → HTTP/2 (when
//     enable_h2), anything else or nothing → HTTP/1.1 with `alt-svc: h2=":PORT"` on every
//     response when h2 is enabled. A TLS 1.2 connection that negotiated a suite on RFC 9113's
//     block list gets GOAWAY(INADEQUATE_SECURITY) instead of HTTP/2 (§9.2.2).
//   - the HTTP/2 preface: h2c with prior knowledge (when enable_h2c and not tls_only).
//   - anything else: HTTP/1.1 (not when tls_only), including `Upgrade: h2c` (RFC 7540 §3.2,
//     when enable_h2c; bodiless requests only, see http1_session.h).
//
// Graceful shutdown (StartGracefulShutdown, safe from any thread, e.g. a signal-handling
// thread): the listeners close at once (new connections are refused); HTTP/2 connections send
// GOAWAY(2^31-1), then after a PING round trip GOAWAY(last stream) and finish the streams in
// flight; HTTP/1.1 connections finish the response in flight with `connection: close`; idle
// connections close at once; TLS sends close_notify; every close is a lingering close. Wait()
// returns when every connection is gone, or when drain_timeout has passed (the rest are then
// closed), and stops the threads.

#ifndef H2ENGINE_SERVER_SERVER_H_
#define H2ENGINE_SERVER_SERVER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "h2/connection.h"
#include "server/connection.h"
#include "server/event_loop.h"
#include "server/http1_session.h"
#include "server/http2_session.h"
#include "server/listener.h"
#include "server/router.h"
#include "server/tls_transport.h"
#include "tls/context.h"

namespace h2engine::server {

// DefaultHttp2Options: the HTTP/2 engine options a server starts from: h2::ConnectionOptions'
// defaults, except that small WINDOW_UPDATEs are not rate-limited (rate_limits
// .tiny_window_updates off). A client that reads slowly grants window in small steps as it
// consumes, thousands a second (the interop suite's flow-controlled downloader does exactly
// that), and each one costs the client as much as the DATA frame it releases costs us.
h2::ConnectionOptions DefaultHttp2Options();

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks; Server::port() tells
  size_t threads = 1;
  size_t max_connections_per_thread = 10000;  // further connections are closed at accept
  int backlog = 1024;
  // Timeouts (handshake_timeout, first_request_timeout, header_timeout, idle_timeout,
  // linger_timeout) and I/O sizes, for every connection; see connection.h.
  ConnectionOptions connection{};
  Http1SessionOptions http1{};

  // TLS: the context (certificates, ALPN, RFC 9113 §9.2 rules); null = no TLS. Shared by
  // every connection.
  std::shared_ptr<const tls::ServerContext> tls{};
  tls::SessionLimits tls_limits{};
  // tls_only: cleartext connections (HTTP/1.1, h2c) are closed at once.
  bool tls_only = false;
  // enable_h2: HTTP/2 over TLS (ALPN "h2"; with it off, leave "h2" out of the context's ALPN
  // list, or such connections are closed). Also decides the Alt-Svc advertisement.
  bool enable_h2 = true;
  // enable_h2c: cleartext HTTP/2, with prior knowledge and by `Upgrade: h2c`.
  bool enable_h2c = true;
  // http2: the HTTP/2 engine's settings and limits (max_concurrent_streams, windows, flood
  // limits, ...).
  h2::ConnectionOptions http2 = DefaultHttp2Options();
  // origins: an ORIGIN frame (RFC 8336) listing these, e.g. "https://example.com", on every
  // HTTP/2 connection over TLS; empty = none.
  std::vector<std::string> origins{};
  // trace: when set, a frame trace of every HTTP/2 connection in nghttp -v style, line by
  // line (`[id=N] [  0.003] recv SETTINGS frame <length=18, flags=0x00, stream_id=0>`).
  // Called from the loop threads, concurrently when threads > 1: must be thread-safe.
  std::function<void(std::string_view line)> trace{};
  // drain_timeout: how long a graceful shutdown waits for connections to finish before it
  // closes the rest.
  std::chrono::milliseconds drain_timeout{10000};
};

class Server {
 public:
  // `app` must outlive the server.
  Server(const App& app, const ServerOptions& options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Start binds the listeners and starts the threads.
  ListenStatus Start();
  uint16_t port() const { return port_; }
  // Stop closes the listeners and every connection (abandoning exchanges in progress), stops
  // the loops and joins the threads. Idempotent; any thread but a loop thread.
  void Stop();
  // StartGracefulShutdown: see the header comment. Idempotent; safe from any thread (also a
  // loop thread: a handler may call it).
  void StartGracefulShutdown();
  // Wait blocks until a graceful shutdown has finished (every connection gone, or
  // drain_timeout passed), then stops the threads like Stop(). Returns at once after Stop().
  // Not from a loop thread.
  void Wait();
  // shutting_down: StartGracefulShutdown was called.
  bool shutting_down() const { return shutdown_started_.load(); }
  // connection_count: open connections over all threads (approximate while serving).
  size_t connection_count() const { return connections_.load(); }

 private:
  struct Worker {
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<Listener> listener;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections;
    std::vector<std::unique_ptr<Connection>> closed;  // deleted on the next loop turn
    std::thread thread;
    bool draining = false;  // loop thread only
    bool drained = false;   // under drain_mu_
    TimerId drain_timer = kNoTimer;
  };

  void OnAccept(Worker* worker, int fd, const SocketAddress& peer);
  std::unique_ptr<Session> MakeSession(SniffResult protocol, SessionHost* host,
                                       const SocketAddress& peer) const;
  std::unique_ptr<Session> MakeHttp1(SessionHost* host, const SocketAddress& peer,
                                     bool over_tls) const;
  std::unique_ptr<Http2Session> MakeHttp2(SessionHost* host, const SocketAddress& peer,
                                          bool over_tls) const;
  // BeginDrain runs on the worker's loop: the graceful shutdown of its connections.
  void BeginDrain(Worker* worker);
  void CheckDrained(Worker* worker);

  const App& app_;
  ServerOptions options_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> connections_{0};
  mutable std::atomic<uint64_t> next_connection_id_{1};
  std::string alt_svc_;  // `h2=":PORT"`
  bool started_ = false;
  bool stopped_ = false;
  std::mutex stop_mu_;  // serialises Stop() and Wait()
  std::atomic<bool> shutdown_started_{false};
  std::mutex drain_mu_;
  std::condition_variable drain_cv_;
  size_t workers_drained_ = 0;   // under drain_mu_
  bool stop_requested_ = false;  // under drain_mu_
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_SERVER_H_
