#include "server/access_log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

namespace h2engine::server {
namespace {

// AppendEscaped appends `s` with every byte that could split or forge a field escaped.
void AppendEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (s.empty()) {
    out->push_back('-');
    return;
  }
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\\') {
      out->append("\\x");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
}

void AppendTime(std::chrono::system_clock::time_point t, std::string* out) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const int64_t ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  int64_t secs = ms / 1000;
  int64_t frac = ms % 1000;
  if (frac < 0) {  // before 1970: floor, not truncate
    frac += 1000;
    secs -= 1;
  }
  const time_t tt = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[96];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(frac));
  out->append(buf);
}

void AppendDuration(Duration d, std::string* out) {
  // Microsecond resolution, printed as milliseconds with three decimals.
  int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  if (us < 0) us = 0;
  char buf[32];
  snprintf(buf, sizeof(buf), "%lld.%03lldms", static_cast<long long>(us / 1000),
           static_cast<long long>(us % 1000));
  out->append(buf);
}

}  // namespace

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  std::string line;
  line.reserve(128 + entry.target.size());
  AppendTime(entry.time, &line);
  line.push_back(' ');
  AppendEscaped(entry.peer, &line);
  line.push_back(' ');
  AppendEscaped(entry.protocol, &line);
  line.push_back(' ');
  AppendEscaped(entry.method, &line);
  line.push_back(' ');
  AppendEscaped(entry.target, &line);
  line.push_back(' ');
  if (entry.status > 0) {
    line.append(std::to_string(entry.status));
  } else {
    line.push_back('-');
  }
  line.push_back(' ');
  line.append(std::to_string(entry.bytes));
  line.push_back(' ');
  AppendDuration(entry.duration, &line);
  if (!entry.completed) line.append(" incomplete");
  line.push_back('\n');
  return line;
}

std::string ProtocolLabel(std::string_view p) {
  if (p == "HTTP/2" || p == "HTTP/2.0" || p == "h2" || p == "h2c") return "h2";
  std::string out(p);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::shared_ptr<AccessLog> AccessLog::Open(const std::string& path, std::string* out_error) {
  if (path == "-") return std::shared_ptr<AccessLog>(new AccessLog(STDOUT_FILENO, false));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
  if (fd < 0) {
    *out_error = "cannot open access log '" + path + "': " + strerror(errno);
    return nullptr;
  }
  return std::shared_ptr<AccessLog>(new AccessLog(fd, true));
}

std::shared_ptr<AccessLog> AccessLog::ForDescriptor(int fd, bool owned) {
  return std::shared_ptr<AccessLog>(new AccessLog(fd, owned));
}

AccessLog::~AccessLog() {
  if (owned_) ::close(fd_);
}

void AccessLog::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  while (!line.empty()) {
    const ssize_t n = ::write(fd_, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      errors_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    line.remove_prefix(static_cast<size_t>(n));
  }
  lines_.fetch_add(1, std::memory_order_relaxed);
}

Middleware AccessLogMiddleware(std::shared_ptr<AccessLog> log) {
  return [log = std::move(log)](Request& request, Responder responder, const Next& next) {
    std::string target = request.path;
    if (!request.query.empty()) {
      target.push_back('?');
      target.append(request.query);
    }
    responder.OnComplete([log, target = std::move(target), peer = request.peer,
                          protocol = ProtocolLabel(request.protocol),
                          method = request.method](const ExchangeResult& result) {
      AccessLogEntry entry;
      entry.time = std::chrono::system_clock::now() -
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(result.elapsed);
      entry.peer = peer;
      entry.protocol = protocol;
      entry.method = method;
      entry.target = target;
      entry.status = result.status;
      entry.bytes = result.body_bytes;
      entry.duration = result.elapsed;
      entry.completed = result.completed;
      log->Write(FormatAccessLogLine(entry));
    });
    next(request, responder);
  };
}

}  // namespace h2engine::server
