#include "server/testing/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <utility>

namespace h2engine::server::testing {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

RawClient::RawClient(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

RawClient::~RawClient() { ::close(fd_); }

void RawClient::Send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

void RawClient::ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

std::string RawClient::ReadSome(milliseconds timeout) {
  if (closed_) return "";
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return "";
  char buf[65536];
  ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    closed_ = true;
    return "";
  }
  return std::string(buf, static_cast<size_t>(n));
}

std::string RawClient::ReadUntil(std::string_view needle, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (buffer_.find(needle) == std::string::npos && !closed_ && Clock::now() < deadline) {
    buffer_ += ReadSome(milliseconds(20));
  }
  size_t end = buffer_.find(needle);
  if (end == std::string::npos) return std::exchange(buffer_, "");
  std::string out = buffer_.substr(0, end + needle.size());
  buffer_.erase(0, end + needle.size());
  return out;
}

std::string RawClient::ReadBytes(size_t n, milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (buffer_.size() < n && !closed_ && Clock::now() < deadline) {
    buffer_ += ReadSome(milliseconds(20));
  }
  std::string out = buffer_.substr(0, std::min(n, buffer_.size()));
  buffer_.erase(0, out.size());
  return out;
}

std::string RawClient::ReadResponse() {
  std::string head = ReadUntil("\r\n\r\n");
  if (head.find("\r\n\r\n") == std::string::npos) return head;
  std::string lower = AsciiLower(head);
  if (lower.find("transfer-encoding: chunked") != std::string::npos) {
    return head + ReadUntil("\r\n0\r\n") + ReadUntil("\r\n\r\n");
  }
  size_t cl = lower.find("content-length: ");
  if (cl == std::string::npos) return head;
  size_t length = std::stoul(head.substr(cl + 16));
  return head + ReadBytes(length);
}

bool RawClient::WaitClosed(milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!closed_ && Clock::now() < deadline) buffer_ += ReadSome(milliseconds(20));
  return closed_;
}

std::string RawClient::TakeBuffered() { return std::exchange(buffer_, ""); }

namespace {

// ReadFields parses field lines up to an empty line; returns the position after it or npos.
size_t ReadFields(std::string_view raw, size_t pos, Headers* out) {
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos) return std::string_view::npos;
    std::string_view line = raw.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) return pos;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::string_view::npos;
    out->Add(line.substr(0, colon), TrimOws(line.substr(colon + 1)));
  }
}

}  // namespace

Http1Response ParseHttp1Response(std::string_view raw, bool head_request) {
  Http1Response r;
  size_t pos = 0;
  for (;;) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string_view::npos || raw.substr(pos, 9) != "HTTP/1.1 ") return r;
    r.status = std::atoi(std::string(raw.substr(pos + 9, 3)).c_str());
    r.headers.clear();
    pos = ReadFields(raw, eol + 2, &r.headers);
    if (pos == std::string_view::npos) return r;
    if (r.status >= 200 || r.status == 101) break;
    r.informational.push_back(r.status);
  }
  if (head_request || r.status == 204 || r.status == 304) {
    r.ok = true;
    return r;
  }
  if (r.headers.HasToken("transfer-encoding", "chunked")) {
    for (;;) {
      size_t line_end = raw.find("\r\n", pos);
      if (line_end == std::string_view::npos) return r;
      size_t size = std::strtoul(std::string(raw.substr(pos, line_end - pos)).c_str(), nullptr, 16);
      pos = line_end + 2;
      if (size == 0) break;
      if (raw.size() < pos + size + 2) return r;
      r.body.append(raw.substr(pos, size));
      pos += size + 2;
    }
    r.ok = ReadFields(raw, pos, &r.trailers) != std::string_view::npos;
    return r;
  }
  if (auto cl = r.headers.Get("content-length")) {
    size_t length = std::stoul(std::string(*cl));
    if (raw.size() < pos + length) return r;
    r.body = std::string(raw.substr(pos, length));
    r.ok = true;
    return r;
  }
  r.body = std::string(raw.substr(pos));
  r.ok = true;
  return r;
}

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool HaveCurl() { return std::system("curl --version >/dev/null 2>&1") == 0; }

std::string TempDir() {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/server_XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return "";
  return dir;
}

bool WriteFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
  return static_cast<bool>(out);
}

}  // namespace h2engine::server::testing
