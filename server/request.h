// Request: what a handler sees of an HTTP request, the same over HTTP/1.1 and HTTP/2.
//
// Fields are plain data, filled by the protocol before the application runs: method, path and
// query as received (still percent-encoded), authority (Host or :authority), scheme, headers
// (an ordered multimap with lowercase names, connection-specific fields included for
// HTTP/1.1), and route parameters filled by the router (percent-decoded).
//
// The body comes one of two ways, chosen per route (see router.h):
//   - buffered (the default): the handler runs once the whole body is in `body` (and any
//     trailers in `trailers`); the protocol's body limit applies;
//   - streamed (Route::StreamBody()): the handler runs as soon as the head has arrived and pulls
//     the body from body_reader() (RequestBody::Read) at its own pace. The protocol buffers at
//     most a window of unread bytes and stops reading from the peer when it is full (HTTP/1.1
//     stops reading the socket; HTTP/2 withholds WINDOW_UPDATE): back pressure.
//
// Lifetime: a Request lives as long as its exchange, which the Responder keeps alive: a
// handler that completes later may keep using the Request while it holds the Responder.

#ifndef H2ENGINE_SERVER_REQUEST_H_
#define H2ENGINE_SERVER_REQUEST_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "server/headers.h"

namespace h2engine::server {

class Exchange;

// BodyChunk: one result of RequestBody::Read.
struct BodyChunk {
  std::string data;
  bool end = false;    // the body is complete (data may still hold its last bytes)
  bool error = false;  // the body was cut short: the peer went away, sent malformed framing or
                       // too much; no more chunks follow
  Headers trailers;    // with `end`: the request's trailer fields, if any
};

// RequestBody: pulls a streamed request body.
class RequestBody {
 public:
  using ReadCallback = std::function<void(BodyChunk chunk)>;

  // Read asks for the next chunk: everything buffered so far (at least one byte), or the end,
  // or an error. `callback` runs once, on the loop thread, never inside Read itself. One Read
  // may be outstanding at a time (a second is answered with error). Safe from any thread. The
  // first Read is what tells an HTTP/1.1 client waiting on `Expect: 100-continue` to send.
  void Read(ReadCallback callback) const;

 private:
  friend class Exchange;
  Exchange* exchange_ = nullptr;
};

class Request {
 public:
  std::string method;     // "GET", "POST", ...
  std::string path;       // "/users/42", percent-encoded as received; "*" for OPTIONS *
  std::string query;      // "a=1&b=2" (no '?'), percent-encoded as received
  std::string authority;  // "example.com:8443" (Host or :authority)
  std::string scheme;     // "http" or "https"
  std::string protocol;   // "HTTP/1.0", "HTTP/1.1" or "HTTP/2"
  std::string peer;       // the client's address, "1.2.3.4:5678" or "[::1]:5678"
  Headers headers;

  // Buffered routes: the whole body and the trailers. Empty for streamed routes.
  std::string body;
  Headers trailers;

  // Route parameters: ":id" segments by name (percent-decoded), the wildcard as "*" (the raw
  // rest of the path).
  std::map<std::string, std::string, std::less<>> params;

  // Param returns a route parameter, or "" if there is none of that name.
  std::string_view Param(std::string_view name) const;
  // Header returns the first value of a header field (case-insensitive name).
  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  // QueryParam returns the first `name=value` of the query, percent-decoded ('+' is a space),
  // or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;

  // body_reader: the streamed body (see the header comment).
  const RequestBody& body_reader() const { return body_reader_; }

 private:
  friend class Exchange;
  RequestBody body_reader_;
};

// PercentDecode decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (query strings).
// Malformed escapes are kept as they are.
std::string PercentDecode(std::string_view in, bool plus_is_space = false);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_REQUEST_H_
