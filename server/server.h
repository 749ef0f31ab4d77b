// Server: N event-loop threads, each with its own SO_REUSEPORT listener on the same port and
// its own connections, serving an App over cleartext HTTP/1.1.
//
//   App app;
//   app.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello\n"); });
//   ServerOptions options;
//   options.port = 8080;
//   Server server(app, options);
//   ListenStatus status = server.Start();      // "127.0.0.1:8080 is already in use", ...
//   ...
//   server.Stop();                             // closes everything, joins the threads
//
// Each connection lives on the thread that accepted it; handlers run there. The protocol is
// chosen per connection from its first bytes (SniffProtocol); this server speaks HTTP/1.1 and
// closes connections that open with a TLS ClientHello or the HTTP/2 preface until the TLS and
// HTTP/2 sessions are wired into MakeSession.

#ifndef H2ENGINE_SERVER_SERVER_H_
#define H2ENGINE_SERVER_SERVER_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/connection.h"
#include "server/event_loop.h"
#include "server/http1_session.h"
#include "server/listener.h"
#include "server/router.h"

namespace h2engine::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks; Server::port() tells
  size_t threads = 1;
  size_t max_connections_per_thread = 10000;  // further connections are closed at accept
  int backlog = 1024;
  ConnectionOptions connection{};
  Http1SessionOptions http1{};
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
  // the loops and joins the threads. Idempotent; not from a loop thread.
  void Stop();
  // connection_count: open connections over all threads (approximate while serving).
  size_t connection_count() const { return connections_.load(); }

 private:
  struct Worker {
    std::unique_ptr<EventLoop> loop;
    std::unique_ptr<Listener> listener;
    std::unordered_map<Connection*, std::unique_ptr<Connection>> connections;
    std::vector<std::unique_ptr<Connection>> closed;  // deleted on the next loop turn
    std::thread thread;
  };

  void OnAccept(Worker* worker, int fd, const SocketAddress& peer);
  std::unique_ptr<Session> MakeSession(SniffResult protocol, SessionHost* host,
                                       const SocketAddress& peer) const;

  const App& app_;
  ServerOptions options_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> connections_{0};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_SERVER_H_
