#include "server/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

namespace h2engine::server {

h2::ConnectionOptions DefaultHttp2Options() {
  h2::ConnectionOptions options;
  options.rate_limits.tiny_window_updates = {0, 0};  // burst 0: no limit (see server.h)
  return options;
}

Server::Server(const App& app, const ServerOptions& options) : app_(app), options_(options) {}

Server::~Server() { Stop(); }

ListenStatus Server::Start() {
  if (started_) return ListenStatus{ListenError::kSystem, "server already started"};
  ListenOptions listen;
  listen.host = options_.host;
  listen.port = options_.port;
  listen.backlog = options_.backlog;
  size_t threads = options_.threads == 0 ? 1 : options_.threads;
  ListenStatus status;
  std::vector<std::unique_ptr<Listener>> listeners = CreateListeners(listen, threads, &status);
  if (listeners.empty()) return status;
  port_ = listeners[0]->port();
  alt_svc_ = "h2=\":" + std::to_string(port_) + "\"";
  for (auto& listener : listeners) {
    auto worker = std::make_unique<Worker>();
    std::string error;
    worker->loop = EventLoop::Create(&error);
    if (worker->loop == nullptr) {
      Stop();
      return ListenStatus{ListenError::kSystem, error};
    }
    worker->listener = std::move(listener);
    Worker* w = worker.get();
    // Before Run(), the creating thread is the loop thread.
    if (!w->listener->Start(w->loop.get(), [this, w](int fd, const SocketAddress& peer) {
          OnAccept(w, fd, peer);
        })) {
      Stop();
      return ListenStatus{ListenError::kSystem, "cannot watch the listening socket"};
    }
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) {
    EventLoop* loop = worker->loop.get();
    worker->thread = std::thread([loop] { loop->Run(); });
  }
  {
    std::lock_guard<std::mutex> lock(drain_mu_);
    started_ = true;
  }
  return ListenStatus{};
}

void Server::OnAccept(Worker* worker, int fd, const SocketAddress& peer) {
  if (worker->connections.size() >= options_.max_connections_per_thread) {
    ::close(fd);
    return;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  auto connection = std::make_unique<Connection>(
      worker->loop.get(), fd, peer, options_.connection,
      [this](SniffResult protocol, SessionHost* host, const SocketAddress& p) {
        return MakeSession(protocol, host, p);
      },
      [this, worker](Connection* c) {
        auto it = worker->connections.find(c);
        if (it == worker->connections.end()) return;
        worker->closed.push_back(std::move(it->second));
        worker->connections.erase(it);
        --connections_;
        // Deleted on the next turn, outside the connection's own call stack.
        worker->loop->Post([worker] { worker->closed.clear(); });
        if (worker->draining) CheckDrained(worker);
      });
  Connection* c = connection.get();
  worker->connections.emplace(c, std::move(connection));
  ++connections_;
  c->Start();
}

std::unique_ptr<Session> Server::MakeSession(SniffResult protocol, SessionHost* host,
                                             const SocketAddress& peer) const {
  switch (protocol) {
    case SniffResult::kHttp1:
      if (options_.tls_only) return nullptr;
      return MakeHttp1(host, peer, /*over_tls=*/false);
    case SniffResult::kH2PriorKnowledge:
      if (options_.tls_only || !options_.enable_h2c) return nullptr;
      return MakeHttp2(host, peer, /*over_tls=*/false);
    case SniffResult::kTls: {
      if (options_.tls == nullptr) return nullptr;
      TlsTransportOptions transport;
      transport.limits = options_.tls_limits;
      transport.max_plaintext_buffer = options_.connection.max_input_buffer;
      std::string error;
      return TlsTransport::Create(
          host, options_.tls, transport,
          [this, host, peer](const tls::Session& tls) -> std::unique_ptr<Session> {
            if (tls.alpn() == "h2") {
              if (!options_.enable_h2) return nullptr;
              std::unique_ptr<Http2Session> h2 = MakeHttp2(host, peer, /*over_tls=*/true);
              // RFC 9113 §9.2.2: TLS 1.2 with a block-listed suite MAY be treated as a
              // connection error of type INADEQUATE_SECURITY.
              if (tls.cipher_suite_blocked_for_http2()) h2->FailInadequateSecurity();
              return h2;
            }
            return MakeHttp1(host, peer, /*over_tls=*/true);
          },
          &error);
    }
    case SniffResult::kNeedMoreData:
      return nullptr;
  }
  return nullptr;
}

std::unique_ptr<Session> Server::MakeHttp1(SessionHost* host, const SocketAddress& peer,
                                           bool over_tls) const {
  Http1SessionOptions options = options_.http1;
  if (over_tls) {
    options.h2c_upgrade = nullptr;  // Upgrade is ignored over TLS (RFC 9113 §3.1: h2c is cleartext)
    if (options_.enable_h2) options.alt_svc = alt_svc_;
  } else if (options_.enable_h2c) {
    options.h2c_upgrade = [this, peer](SessionHost* h, const RequestHead& head,
                                       std::string_view settings) -> std::unique_ptr<Session> {
      std::unique_ptr<Http2Session> h2 = MakeHttp2(h, peer, /*over_tls=*/false);
      if (!h2->StartFromUpgrade(head, settings)) return nullptr;
      return h2;
    };
  }
  return std::make_unique<Http1Session>(
      host, &app_, options, ConnectionInfo{peer.ToString(), over_tls ? "https" : "http"});
}

std::unique_ptr<Http2Session> Server::MakeHttp2(SessionHost* host, const SocketAddress& peer,
                                                bool over_tls) const {
  Http2SessionOptions options;
  options.connection = options_.http2;
  options.body_window = options_.http1.body_window;
  options.add_date_header = options_.http1.add_date_header;
  if (over_tls) options.origins = options_.origins;  // RFC 8336 §2.1: ignored on h2c
  options.trace = options_.trace;
  options.trace_id = next_connection_id_.fetch_add(1);
  return std::make_unique<Http2Session>(
      host, &app_, options, ConnectionInfo{peer.ToString(), over_tls ? "https" : "http"});
}

void Server::StartGracefulShutdown() {
  std::lock_guard<std::mutex> lock(drain_mu_);
  if (!started_ || stop_requested_ || shutdown_started_.exchange(true)) return;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->loop->Post([this, w] { BeginDrain(w); });
  }
}

void Server::BeginDrain(Worker* w) {
  if (w->draining) return;
  w->draining = true;
  // Close the listening socket (not just stop watching it): new connections are refused from
  // now on instead of waiting in the backlog.
  w->listener.reset();
  w->drain_timer = w->loop->RunAfter(options_.drain_timeout, [this, w] {
    w->drain_timer = kNoTimer;
    std::vector<Connection*> rest;
    for (auto& [c, owned] : w->connections) rest.push_back(c);
    for (Connection* c : rest) {
      if (w->connections.count(c) != 0) c->Close();
    }
    CheckDrained(w);
  });
  std::vector<Connection*> open;
  for (auto& [c, owned] : w->connections) open.push_back(c);
  for (Connection* c : open) {
    // A connection may close (and leave the map) while another one shuts down.
    if (w->connections.count(c) != 0) c->StartGracefulShutdown();
  }
  CheckDrained(w);
}

void Server::CheckDrained(Worker* w) {
  if (!w->draining || !w->connections.empty()) return;
  if (w->drain_timer != kNoTimer) w->loop->CancelTimer(w->drain_timer);
  w->drain_timer = kNoTimer;
  std::lock_guard<std::mutex> lock(drain_mu_);
  if (w->drained) return;
  w->drained = true;
  ++workers_drained_;
  drain_cv_.notify_all();
}

void Server::Wait() {
  {
    std::unique_lock<std::mutex> lock(drain_mu_);
    if (!started_) return;
    size_t count = workers_.size();
    drain_cv_.wait(lock, [&] { return stop_requested_ || workers_drained_ == count; });
  }
  Stop();
}

void Server::Stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  {
    std::lock_guard<std::mutex> lock(drain_mu_);
    stop_requested_ = true;
  }
  drain_cv_.notify_all();
  for (auto& worker : workers_) {
    if (!worker->thread.joinable()) continue;
    Worker* w = worker.get();
    std::promise<void> done;
    w->loop->Post([w, &done] {
      if (w->listener) w->listener->Stop();
      std::vector<Connection*> open;
      for (auto& [c, owned] : w->connections) open.push_back(c);
      for (Connection* c : open) c->Close();
      w->closed.clear();
      w->loop->Stop();
      done.set_value();
    });
    done.get_future().wait();
    w->thread.join();
  }
  for (auto& worker : workers_) {
    // Not started (Start failed half-way), or stopped above: tear down on this thread, which
    // is now the only one touching the worker.
    if (worker->listener) worker->listener->Stop();
    worker->connections.clear();
    worker->closed.clear();
    worker->listener.reset();
    worker->loop.reset();
  }
  workers_.clear();
}

}  // namespace h2engine::server
