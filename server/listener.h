// Listener: a listening TCP socket on host:port that accepts connections on an EventLoop.
//
// Every socket is created with SO_REUSEADDR and (by default) SO_REUSEPORT, so that N loops on
// N threads can each own a listener on the same port and the kernel spreads connections over
// them (CreateListeners). Accepting is non-blocking: on readiness the listener calls accept4
// (SOCK_NONBLOCK | SOCK_CLOEXEC) until EAGAIN, at most kMaxAcceptsPerWakeup at a time so a
// burst cannot starve the loop's other work (the loop is level-triggered: the rest is
// accepted on the next turn). When the process runs out of descriptors (EMFILE, ENFILE,
// ENOBUFS, ENOMEM) accepting pauses for accept_backoff instead of spinning.
//
// Hosts are numeric IPv4 or IPv6 addresses (brackets optional), "localhost" (127.0.0.1), or
// "", "*", "0.0.0.0" / "::" for every interface. Names are not resolved: start-up never waits
// on DNS. Errors come back as a ListenStatus with a message fit for an operator, e.g.
// "127.0.0.1:8443 is already in use".
//
// Caveat: Linux lets sockets of the same user share a port when all of them set SO_REUSEPORT,
// so a second copy of this server started by the same user on the same port does not fail;
// anything else already bound there (without SO_REUSEPORT, or another user) gives
// kAddressInUse.

#ifndef H2ENGINE_SERVER_LISTENER_H_
#define H2ENGINE_SERVER_LISTENER_H_

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/clock.h"
#include "server/event_loop.h"

namespace h2engine::server {

enum class ListenError : uint8_t {
  kOk,
  kBadAddress,        // unparsable host or port, or an address this machine does not have
  kAddressInUse,      // EADDRINUSE
  kPermissionDenied,  // EACCES (e.g. a port below 1024 without privileges)
  kSystem,            // anything else (socket, listen, ... failed)
};

struct [[nodiscard]] ListenStatus {
  ListenError code = ListenError::kOk;
  std::string message;
  bool ok() const { return code == ListenError::kOk; }
};

struct ListenOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks one; Listener::port() reports it
  int backlog = 1024;
  bool reuse_port = true;
  Duration accept_backoff = std::chrono::milliseconds(100);
};

// SocketAddress: an IPv4 or IPv6 address and port.
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  uint16_t port() const;
  // ToString formats "1.2.3.4:80" or "[::1]:80".
  std::string ToString() const;
};

// ParseHostPort splits "host:port", "[v6]:port" or ":port" (every interface). False with
// *error set if malformed.
bool ParseHostPort(std::string_view text, std::string* host, uint16_t* port, std::string* error);

// ResolveListenAddress turns a host (see the header comment) and port into an address.
bool ResolveListenAddress(std::string_view host, uint16_t port, SocketAddress* out,
                          std::string* error);

class Listener {
 public:
  // AcceptCallback receives each accepted connection's descriptor (non-blocking, close-on-exec,
  // owned by the callee from then on) and the peer's address.
  using AcceptCallback = std::function<void(int fd, const SocketAddress& peer)>;
  static constexpr int kMaxAcceptsPerWakeup = 64;

  // Create binds and listens; nullptr with *status set on failure.
  static std::unique_ptr<Listener> Create(const ListenOptions& options, ListenStatus* status);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return address_.port(); }
  const SocketAddress& address() const { return address_; }

  // Start watches the socket on `loop` (which must outlive Stop() or the listener) and calls
  // `on_accept` for each connection. Call on the loop's thread.
  bool Start(EventLoop* loop, AcceptCallback on_accept);
  void Stop();

  // AcceptPending accepts up to kMaxAcceptsPerWakeup waiting connections and returns how many
  // it handed to the callback.
  size_t AcceptPending();

 private:
  Listener(int fd, const SocketAddress& address, const ListenOptions& options)
      : fd_(fd), address_(address), options_(options) {}

  int fd_;
  SocketAddress address_;
  ListenOptions options_;
  EventLoop* loop_ = nullptr;
  AcceptCallback on_accept_;
  TimerId backoff_timer_ = kNoTimer;
};

// CreateListeners makes `count` listeners on the same host:port (SO_REUSEPORT), one per
// loop thread. With port 0, the first picks the port and the others bind to it. Empty with
// *status set on failure.
std::vector<std::unique_ptr<Listener>> CreateListeners(const ListenOptions& options, size_t count,
                                                       ListenStatus* status);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_LISTENER_H_
