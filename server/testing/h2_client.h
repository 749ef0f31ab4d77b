// H2Client: a small blocking HTTP/2 client for server tests, built from the repository's own
// parts: h2::Connection in the client perspective over a real TCP socket to 127.0.0.1, with a
// tls::Session client under it when asked (ALPN "h2", the server's certificate trusted as a
// CA). Every wait is bounded (RunUntil's timeout), so a broken server fails a test instead of
// hanging it.
//
//   H2Client client({.tls = true, .context = tls::testing::MakeClientContext()});
//   ASSERT_TRUE(client.Connect(port, &error)) << error;
//   H2Response r = client.Fetch("GET", "/hello");
//   EXPECT_EQ(r.status, 200);
//
// Received body bytes are acknowledged (ConsumeData) at once unless auto_consume is off, so a
// test can hold a server's response back by flow control and release it with Consume().

#ifndef H2ENGINE_SERVER_TESTING_H2_CLIENT_H_
#define H2ENGINE_SERVER_TESTING_H2_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "h2/connection.h"
#include "server/headers.h"
#include "tls/context.h"
#include "tls/session.h"

namespace h2engine::server::testing {

struct H2ClientOptions {
  bool tls = false;
  // The client context for TLS (e.g. tls::testing::MakeClientContext()); its ALPN list is
  // what is offered.
  std::shared_ptr<const tls::ClientContext> context{};
  std::string server_name = "localhost";
  h2::ConnectionOptions h2{};  // perspective is forced to client
};

struct H2Response {
  int status = 0;
  Headers headers;  // without :status
  std::string body;
  Headers trailers;
  std::vector<int> informational;  // 1xx statuses, in order
  bool ended = false;              // END_STREAM arrived
  bool closed = false;             // OnStreamClosed
  h2::ErrorCode close_code = h2::ErrorCode::kNoError;
};

// GeneratedBody: a request body of `total` bytes ('a'..'z' repeating), counting how much the
// connection has pulled (readable from the test thread).
class GeneratedBody : public h2::DataSource {
 public:
  GeneratedBody(size_t total, std::shared_ptr<std::atomic<size_t>> pulled)
      : total_(total), pulled_(std::move(pulled)) {}
  h2::DataChunk Read(size_t max, ByteSink& out) override;
  static std::string Expected(size_t total);

 private:
  size_t total_;
  size_t offset_ = 0;
  std::shared_ptr<std::atomic<size_t>> pulled_;
};

class H2Client : private h2::ConnectionVisitor {
 public:
  explicit H2Client(H2ClientOptions options = {});
  ~H2Client() override;
  H2Client(const H2Client&) = delete;
  H2Client& operator=(const H2Client&) = delete;

  // Connect opens the TCP connection (and the TLS handshake, checking ALPN "h2"). The client
  // preface and SETTINGS are sent with the first RunUntil.
  bool Connect(uint16_t port, std::string* error);

  // Submit sends a request; `body` null: END_STREAM on HEADERS. Returns the stream id (0 on
  // failure).
  h2::StreamId Submit(std::string_view method, std::string_view path,
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      std::unique_ptr<h2::DataSource> body = nullptr);
  // Fetch: Submit and wait (at most `timeout`) until the stream is closed.
  H2Response Fetch(std::string_view method, std::string_view path,
                   std::optional<std::string> body = std::nullopt,
                   std::vector<std::pair<std::string, std::string>> headers = {},
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

  // RunUntil does I/O until `done()` is true (checked after each step) or `timeout` passes, or
  // the connection is gone; returns done().
  bool RunUntil(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  // RunFor does I/O for `duration` (to let things happen that should not).
  void RunFor(std::chrono::milliseconds duration);

  H2Response& response(h2::StreamId id) { return responses_[id]; }
  bool stream_closed(h2::StreamId id) { return responses_[id].closed; }
  h2::Connection& connection() { return *conn_; }
  // Consume acknowledges `n` received bytes of stream `id` (with auto_consume off).
  void Consume(h2::StreamId id, size_t n);
  void set_auto_consume(bool on) { auto_consume_ = on; }

  // socket_closed: the server closed the TCP connection (EOF or reset).
  bool socket_closed() const { return socket_closed_; }
  // close_notify: TLS close_notify received.
  bool close_notify() const { return tls_ != nullptr && tls_->peer_closed(); }
  // goaways: every GOAWAY received (last stream id, code).
  const std::vector<std::pair<h2::StreamId, h2::ErrorCode>>& goaways() const { return goaways_; }
  const std::string& alpn() const { return alpn_; }
  // connection_error: the code of OnConnectionError, if it came.
  std::optional<h2::ErrorCode> connection_error() const { return connection_error_; }
  // unconsumed: bytes received and not yet acknowledged, per stream.
  size_t unconsumed(h2::StreamId id) { return unconsumed_[id]; }

 private:
  // Step: write what is pending, wait up to `wait` for input, read it. False when the socket
  // is gone.
  bool Step(std::chrono::milliseconds wait);
  bool WriteOut();
  void ReadIn();

  // h2::ConnectionVisitor.
  void OnHeaders(h2::StreamId id, h2::HeadersKind kind, const h2::HeaderList& headers,
                 bool end_stream) override;
  void OnData(h2::StreamId id, std::span<const uint8_t> data) override;
  void OnEndStream(h2::StreamId id) override;
  void OnStreamClosed(h2::StreamId id, h2::ErrorCode code) override;
  void OnGoAway(h2::StreamId last_stream_id, h2::ErrorCode code, std::string_view debug) override;
  void OnConnectionError(h2::ErrorCode code, std::string_view reason) override;

  H2ClientOptions options_;
  int fd_ = -1;
  std::unique_ptr<tls::Session> tls_;
  std::unique_ptr<h2::Connection> conn_;
  std::map<h2::StreamId, H2Response> responses_;
  std::map<h2::StreamId, size_t> unconsumed_;
  std::vector<std::pair<h2::StreamId, h2::ErrorCode>> goaways_;
  std::optional<h2::ErrorCode> connection_error_;
  std::string alpn_;
  bool auto_consume_ = true;
  bool socket_closed_ = false;
};

}  // namespace h2engine::server::testing

#endif  // H2ENGINE_SERVER_TESTING_H2_CLIENT_H_
