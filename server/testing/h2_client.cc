#include "server/testing/h2_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace h2engine::server::testing {

using Clock = std::chrono::steady_clock;

h2::DataChunk GeneratedBody::Read(size_t max, ByteSink& out) {
  size_t n = std::min(max, total_ - offset_);
  for (size_t i = 0; i < n; ++i) {
    char c = static_cast<char>('a' + (offset_ + i) % 26);
    out.Append(std::string_view(&c, 1));
  }
  offset_ += n;
  if (pulled_) *pulled_ += n;
  return {n, offset_ == total_, false};
}

std::string GeneratedBody::Expected(size_t total) {
  std::string s(total, '\0');
  for (size_t i = 0; i < total; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

H2Client::H2Client(H2ClientOptions options) : options_(std::move(options)) {
  h2::ConnectionOptions h2 = options_.h2;
  h2.perspective = h2::Perspective::kClient;
  conn_ = std::make_unique<h2::Connection>(h2, static_cast<h2::ConnectionVisitor*>(this));
}

H2Client::~H2Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool H2Client::Connect(uint16_t port, std::string* error) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    *error = std::string("connect: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  if (!options_.tls) return true;

  tls_ = tls::Session::CreateClient(options_.context, options_.server_name, {}, error);
  if (tls_ == nullptr) return false;
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    tls::TlsStatus status = tls_->Handshake();
    while (tls_->has_pending_ciphertext()) {
      auto out = tls_->PendingCiphertext();
      ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      tls_->ConsumeCiphertext(static_cast<size_t>(n));
    }
    if (status == tls::TlsStatus::kOk) {
      alpn_ = std::string(tls_->alpn());
      return true;
    }
    if (status == tls::TlsStatus::kError) {
      *error = "TLS handshake: " + tls_->error();
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    uint8_t buf[16384];
    ssize_t n = ::recv(fd_, buf, std::min(sizeof(buf), tls_->CiphertextInputSpace()), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      *error = "connection closed during the TLS handshake";
      return false;
    }
    if (n > 0) (void)tls_->FeedCiphertext({buf, static_cast<size_t>(n)});
  }
  *error = "TLS handshake timed out";
  return false;
}

h2::StreamId H2Client::Submit(std::string_view method, std::string_view path,
                              std::vector<std::pair<std::string, std::string>> headers,
                              std::unique_ptr<h2::DataSource> body) {
  std::vector<h2::HeaderRef> refs = {{":method", method},
                                     {":scheme", options_.tls ? "https" : "http"},
                                     {":authority", "localhost"},
                                     {":path", path}};
  for (const auto& [name, value] : headers) refs.push_back({name, value});
  std::optional<h2::StreamId> id = conn_->SubmitRequest(refs, std::move(body));
  if (!id) return 0;
  responses_[*id];
  return *id;
}

H2Response H2Client::Fetch(std::string_view method, std::string_view path,
                           std::optional<std::string> body,
                           std::vector<std::pair<std::string, std::string>> headers,
                           std::chrono::milliseconds timeout) {
  std::unique_ptr<h2::DataSource> source;
  if (body) source = std::make_unique<h2::StringDataSource>(std::move(*body));
  h2::StreamId id = Submit(method, path, std::move(headers), std::move(source));
  if (id == 0) return {};
  RunUntil([&] { return responses_[id].closed; }, timeout);
  return responses_[id];
}

bool H2Client::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (!Step(std::min(left, std::chrono::milliseconds(20)))) return done();
  }
  return true;
}

void H2Client::RunFor(std::chrono::milliseconds duration) {
  auto deadline = Clock::now() + duration;
  while (Clock::now() < deadline) {
    if (!Step(std::chrono::milliseconds(10))) return;
  }
}

void H2Client::Consume(h2::StreamId id, size_t n) {
  unconsumed_[id] -= std::min(n, unconsumed_[id]);
  conn_->ConsumeData(id, n);
}

bool H2Client::Step(std::chrono::milliseconds wait) {
  if (socket_closed_) return false;
  bool blocked = !WriteOut();
  pollfd p{fd_, static_cast<short>(POLLIN | (blocked ? POLLOUT : 0)), 0};
  int ready = ::poll(&p, 1, static_cast<int>(wait.count()));
  if (ready > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) ReadIn();
  if (!socket_closed_) WriteOut();
  return !socket_closed_;
}

bool H2Client::WriteOut() {
  if (tls_ != nullptr) {
    for (;;) {
      std::span<const uint8_t> out = conn_->PendingOutput();
      if (out.empty()) break;
      tls::TlsResult r = tls_->WritePlaintext(out);
      if (r.status != tls::TlsStatus::kOk || r.bytes == 0) break;
      conn_->ConsumeOutput(r.bytes);
    }
    while (tls_->has_pending_ciphertext()) {
      auto out = tls_->PendingCiphertext();
      ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      tls_->ConsumeCiphertext(static_cast<size_t>(n));
    }
    return true;
  }
  for (;;) {
    std::span<const uint8_t> out = conn_->PendingOutput();
    if (out.empty()) return true;
    ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    conn_->ConsumeOutput(static_cast<size_t>(n));
    if (static_cast<size_t>(n) < out.size()) return false;
  }
}

void H2Client::ReadIn() {
  uint8_t buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    socket_closed_ = true;
    return;
  }
  std::span<const uint8_t> in(buf, static_cast<size_t>(n));
  if (tls_ == nullptr) {
    (void)conn_->ProcessInput(in, Clock::now());
    return;
  }
  while (!in.empty()) {
    size_t fed = tls_->FeedCiphertext(in);
    in = in.subspan(fed);
    for (;;) {
      uint8_t plain[16384];
      tls::TlsResult r = tls_->ReadPlaintext(plain);
      if (r.status != tls::TlsStatus::kOk) break;
      (void)conn_->ProcessInput({plain, r.bytes}, Clock::now());
    }
    if (fed == 0) break;
  }
}

void H2Client::OnHeaders(h2::StreamId id, h2::HeadersKind kind, const h2::HeaderList& headers,
                         bool /*end_stream*/) {
  H2Response& r = responses_[id];
  if (kind == h2::HeadersKind::kTrailers) {
    for (const h2::HeaderEntry& f : headers) r.trailers.Add(f.name, f.value);
    return;
  }
  int status = 0;
  for (const h2::HeaderEntry& f : headers) {
    if (f.name == ":status") status = std::atoi(f.value.c_str());
  }
  if (kind == h2::HeadersKind::kInformational) {
    r.informational.push_back(status);
    return;
  }
  r.status = status;
  for (const h2::HeaderEntry& f : headers) {
    if (f.name[0] != ':') r.headers.Add(f.name, f.value);
  }
}

void H2Client::OnData(h2::StreamId id, std::span<const uint8_t> data) {
  responses_[id].body.append(reinterpret_cast<const char*>(data.data()), data.size());
  if (auto_consume_) {
    conn_->ConsumeData(id, data.size());
  } else {
    unconsumed_[id] += data.size();
  }
}

void H2Client::OnEndStream(h2::StreamId id) { responses_[id].ended = true; }

void H2Client::OnStreamClosed(h2::StreamId id, h2::ErrorCode code) {
  H2Response& r = responses_[id];
  r.closed = true;
  r.close_code = code;
}

void H2Client::OnGoAway(h2::StreamId last_stream_id, h2::ErrorCode code,
                        std::string_view /*debug*/) {
  goaways_.emplace_back(last_stream_id, code);
}

void H2Client::OnConnectionError(h2::ErrorCode code, std::string_view /*reason*/) {
  connection_error_ = code;
}

}  // namespace h2engine::server::testing
