#include "server/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace h2engine::server {

uint16_t SocketAddress::port() const {
  if (storage.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  }
  if (storage.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  }
  return 0;
}

std::string SocketAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buf,
                sizeof(buf));
    return std::string(buf) + ":" + std::to_string(port());
  }
  if (storage.ss_family == AF_INET6) {
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buf,
                sizeof(buf));
    return "[" + std::string(buf) + "]:" + std::to_string(port());
  }
  return "?";
}

bool ParseHostPort(std::string_view text, std::string* host, uint16_t* port, std::string* error) {
  size_t colon;
  std::string_view h;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      *error = "expected [ipv6]:port, got '" + std::string(text) + "'";
      return false;
    }
    h = text.substr(1, close - 1);
    colon = close + 1;
  } else {
    colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      *error = "expected host:port, got '" + std::string(text) + "'";
      return false;
    }
    h = text.substr(0, colon);
    if (h.find(':') != std::string_view::npos) {
      *error = "IPv6 addresses need brackets: '[" + std::string(h) + "]:port'";
      return false;
    }
  }
  std::string_view p = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (p.empty() || ec != std::errc() || end != p.data() + p.size() || value > 65535) {
    *error = "bad port '" + std::string(p) + "' in '" + std::string(text) + "'";
    return false;
  }
  *host = std::string(h);
  *port = static_cast<uint16_t>(value);
  return true;
}

bool ResolveListenAddress(std::string_view host_in, uint16_t port, SocketAddress* out,
                          std::string* error) {
  std::string host(host_in);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "*") host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  *out = SocketAddress{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out->storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out->storage);
  if (::inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    out->length = sizeof(sockaddr_in);
    return true;
  }
  *out = SocketAddress{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    out->length = sizeof(sockaddr_in6);
    return true;
  }
  *error = "bad address '" + std::string(host_in) +
           "': expected a numeric IPv4 or IPv6 address or 'localhost'";
  return false;
}

namespace {

ListenStatus Fail(ListenError code, std::string message) {
  return ListenStatus{code, std::move(message)};
}

ListenStatus SystemFailure(const char* what, const std::string& where) {
  return Fail(ListenError::kSystem,
              std::string(what) + " for " + where + ": " + std::strerror(errno));
}

}  // namespace

std::unique_ptr<Listener> Listener::Create(const ListenOptions& options, ListenStatus* status) {
  SocketAddress address;
  std::string error;
  if (!ResolveListenAddress(options.host, options.port, &address, &error)) {
    *status = Fail(ListenError::kBadAddress, error);
    return nullptr;
  }
  const std::string where = address.ToString();
  int fd = ::socket(address.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *status = SystemFailure("socket", where);
    return nullptr;
  }
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
      (options.reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0)) {
    *status = SystemFailure("setsockopt", where);
    ::close(fd);
    return nullptr;
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address.storage), address.length) != 0) {
    int err = errno;
    ::close(fd);
    switch (err) {
      case EADDRINUSE:
        *status = Fail(ListenError::kAddressInUse, where + " is already in use");
        break;
      case EACCES:
        *status = Fail(ListenError::kPermissionDenied, "permission denied binding " + where +
                                                           " (ports below 1024 need privileges)");
        break;
      case EADDRNOTAVAIL:
        *status = Fail(ListenError::kBadAddress,
                       "cannot bind " + where + ": the address is not available on this machine");
        break;
      default:
        errno = err;
        *status = SystemFailure("bind", where);
    }
    return nullptr;
  }
  if (::listen(fd, options.backlog) != 0) {
    int err = errno;
    ::close(fd);
    errno = err;
    *status = err == EADDRINUSE ? Fail(ListenError::kAddressInUse, where + " is already in use")
                                : SystemFailure("listen", where);
    return nullptr;
  }
  SocketAddress bound;
  bound.length = sizeof(bound.storage);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&bound.storage), &bound.length) != 0) {
    *status = SystemFailure("getsockname", where);
    ::close(fd);
    return nullptr;
  }
  *status = ListenStatus{};
  return std::unique_ptr<Listener>(new Listener(fd, bound, options));
}

Listener::~Listener() {
  Stop();
  ::close(fd_);
}

bool Listener::Start(EventLoop* loop, AcceptCallback on_accept) {
  if (loop_ != nullptr) return false;
  on_accept_ = std::move(on_accept);
  if (!loop->Watch(fd_, kIoRead, [this](uint32_t) { AcceptPending(); })) return false;
  loop_ = loop;
  return true;
}

void Listener::Stop() {
  if (loop_ == nullptr) return;
  loop_->Unwatch(fd_);
  if (backoff_timer_ != kNoTimer) loop_->CancelTimer(backoff_timer_);
  backoff_timer_ = kNoTimer;
  loop_ = nullptr;
}

size_t Listener::AcceptPending() {
  size_t accepted = 0;
  for (int i = 0; i < kMaxAcceptsPerWakeup; ++i) {
    SocketAddress peer;
    peer.length = sizeof(peer.storage);
    int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&peer.storage), &peer.length,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      ++accepted;
      if (on_accept_) {
        on_accept_(fd, peer);
      } else {
        ::close(fd);
      }
      continue;
    }
    switch (errno) {
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
        continue;  // that connection is gone; try the next
      case EMFILE:
      case ENFILE:
      case ENOBUFS:
      case ENOMEM:
        // Out of resources: the pending connection stays in the backlog and the socket stays
        // readable, so a level-triggered loop would spin. Pause accepting for a while.
        if (loop_ != nullptr && backoff_timer_ == kNoTimer) {
          loop_->SetInterest(fd_, 0);
          backoff_timer_ = loop_->RunAfter(options_.accept_backoff, [this] {
            backoff_timer_ = kNoTimer;
            if (loop_ != nullptr) loop_->SetInterest(fd_, kIoRead);
          });
        }
        return accepted;
      default:  // EAGAIN: nothing more to accept
        return accepted;
    }
  }
  return accepted;
}

std::vector<std::unique_ptr<Listener>> CreateListeners(const ListenOptions& options, size_t count,
                                                       ListenStatus* status) {
  std::vector<std::unique_ptr<Listener>> out;
  ListenOptions opts = options;
  if (count > 1) opts.reuse_port = true;
  if (opts.reuse_port && opts.port != 0) {
    // SO_REUSEPORT would let us share a port that another server (even another h2d) already
    // listens on. Bind once without it first, so a busy port is an error, not a silent split.
    ListenOptions probe = opts;
    probe.reuse_port = false;
    if (Listener::Create(probe, status) == nullptr) return {};
  }
  for (size_t i = 0; i < count; ++i) {
    std::unique_ptr<Listener> listener = Listener::Create(opts, status);
    if (listener == nullptr) return {};
    opts.port = listener->port();
    out.push_back(std::move(listener));
  }
  *status = ListenStatus{};
  return out;
}

}  // namespace h2engine::server
