// Access log: a middleware that writes one line per request to a file or stdout.
//
//   std::shared_ptr<AccessLog> log = AccessLog::Open("/var/log/h2d.log", &error);  // or "-"
//   app.Wrap(AccessLogMiddleware(log));     // add it first: it then sees every response
//
// A line (fields separated by one space, in this order):
//
//   2025-03-01T12:34:56.789Z 127.0.0.1:50312 h2 GET /small.txt 200 38 0.215ms
//   time                     peer            protocol method target status bytes duration
//
//   time      when the request head arrived, UTC, RFC 3339 with milliseconds
//   peer      the client's address ("[::1]:50312" for IPv6)
//   protocol  "h2", "http/1.1" or "http/1.0" (ProtocolLabel)
//   method    as received
//   target    path and query as received ("/a%20b?x=1"), or "*"
//   status    the final status sent, "-" if none was (the client went away first)
//   bytes     response body bytes handed to the protocol (0 for HEAD)
//   duration  from the head's arrival to the end of the exchange, in milliseconds
//   [incomplete]  a 9th field, only when the response was cut short (reset, client gone)
//
// Fields never contain spaces: bytes outside printable ASCII, spaces, '"' and '\' in the
// method and target are written as \xHH, so a line always splits into the same fields.
// Requests the protocol rejects before the application sees them (a malformed HTTP/1.1 head
// answered 400 by the parser, a refused HTTP/2 stream) are not logged.
//
// Writing: each line is one write(2), under a mutex, on a descriptor opened with O_APPEND, from
// whichever loop thread completed the exchange. Lines from several threads never interleave,
// and nothing is buffered in the process, so every line is written when the server exits. A
// log on a pipe that nobody reads blocks the loop thread that writes to it: log to a file.
// Write errors (a full disk) drop the line and are counted (write_errors()).

#ifndef H2ENGINE_SERVER_ACCESS_LOG_H_
#define H2ENGINE_SERVER_ACCESS_LOG_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "server/clock.h"
#include "server/exchange.h"

namespace h2engine::server {

// AccessLogEntry: the fields of one line.
struct AccessLogEntry {
  std::chrono::system_clock::time_point time{};
  std::string_view peer;
  std::string_view protocol;  // already a label: "h2", "http/1.1"
  std::string_view method;
  std::string_view target;
  int status = 0;  // 0: none sent
  uint64_t bytes = 0;
  Duration duration{};
  bool completed = true;
};

// FormatAccessLogLine returns the line for `entry`, ending in '\n'.
std::string FormatAccessLogLine(const AccessLogEntry& entry);

// ProtocolLabel maps Request::protocol ("HTTP/2", "HTTP/1.1", "HTTP/1.0", or already "h2",
// "h2c", "http/1.1") to the ALPN-style label h2d reports: "h2" for HTTP/2 over TLS or
// cleartext, "http/1.1", "http/1.0"; anything else lowercased.
std::string ProtocolLabel(std::string_view request_protocol);

class AccessLog {
 public:
  // Open opens `path` for appending (created with mode 0644 if missing), or stdout for "-".
  // nullptr with *out_error set ("cannot open access log 'x': Permission denied").
  static std::shared_ptr<AccessLog> Open(const std::string& path, std::string* out_error);
  // ForDescriptor logs to `fd` (tests); closed by the destructor if `owned`.
  static std::shared_ptr<AccessLog> ForDescriptor(int fd, bool owned);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Write writes one complete line (any thread).
  void Write(std::string_view line);
  uint64_t lines_written() const { return lines_.load(std::memory_order_relaxed); }
  uint64_t write_errors() const { return errors_.load(std::memory_order_relaxed); }

 private:
  AccessLog(int fd, bool owned) : fd_(fd), owned_(owned) {}

  const int fd_;
  const bool owned_;
  std::mutex mu_;
  std::atomic<uint64_t> lines_{0};
  std::atomic<uint64_t> errors_{0};
};

// AccessLogMiddleware logs every exchange that reaches the application (404s and 405s of the
// router included) when it ends. The wall-clock time of the line is the end time minus the
// exchange's elapsed time.
Middleware AccessLogMiddleware(std::shared_ptr<AccessLog> log);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_ACCESS_LOG_H_
