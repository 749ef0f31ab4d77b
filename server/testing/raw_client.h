// Test helpers for //server: a blocking TCP client with bounded waits (raw bytes, HTTP/1.1
// requests typed by hand), an HTTP/1.1 response parser, and a shell runner for curl.

#ifndef H2ENGINE_SERVER_TESTING_RAW_CLIENT_H_
#define H2ENGINE_SERVER_TESTING_RAW_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/headers.h"

namespace h2engine::server::testing {

class RawClient {
 public:
  explicit RawClient(uint16_t port);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void Send(std::string_view data);
  void ShutdownWrite();
  // ReadSome waits up to `timeout` for bytes; "" on timeout or EOF (then closed()).
  std::string ReadSome(std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // ReadUntil reads until `needle` arrived (or EOF / `timeout`); returns everything up to and
  // including it (or all it has), keeping the rest buffered.
  std::string ReadUntil(std::string_view needle,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // ReadBytes reads until `n` bytes are buffered (or EOF / timeout) and returns up to n.
  std::string ReadBytes(size_t n,
                        std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  // ReadResponse reads one response framed by Content-Length or chunked encoding.
  std::string ReadResponse();
  // WaitClosed: true if the server closes the connection within `timeout`.
  bool WaitClosed(std::chrono::milliseconds timeout);
  bool closed() const { return closed_; }
  // TakeBuffered returns what was read but not yet returned.
  std::string TakeBuffered();

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

struct Http1Response {
  bool ok = false;                 // a complete response was parsed
  std::vector<int> informational;  // 1xx responses before it
  int status = 0;
  Headers headers;
  std::string body;  // de-chunked
  Headers trailers;
};

// ParseHttp1Response parses one complete response (1xx interim responses first, then the
// status line, fields, body framed by content-length, chunked, or the rest of the input).
// `head_request`: no body.
Http1Response ParseHttp1Response(std::string_view raw, bool head_request = false);

// Shell runs a command and returns its standard output.
std::string Shell(const std::string& command);
bool HaveCurl();
// TempDir makes a fresh directory under TEST_TMPDIR.
std::string TempDir();
bool WriteFile(const std::string& path, std::string_view contents);

}  // namespace h2engine::server::testing

#endif  // H2ENGINE_SERVER_TESTING_RAW_CLIENT_H_
