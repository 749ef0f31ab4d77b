#include "server/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

namespace h2engine::server {

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
  started_ = true;
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
      return std::make_unique<Http1Session>(host, &app_, options_.http1,
                                            ConnectionInfo{peer.ToString(), "http"});
    case SniffResult::kTls:               // arrives with the TLS wiring
    case SniffResult::kH2PriorKnowledge:  // arrives with the HTTP/2 wiring
    case SniffResult::kNeedMoreData:
      return nullptr;
  }
  return nullptr;
}

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& worker : workers_) {
    if (!worker->thread.joinable()) continue;
    Worker* w = worker.get();
    std::promise<void> done;
    w->loop->Post([w, &done] {
      w->listener->Stop();
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
