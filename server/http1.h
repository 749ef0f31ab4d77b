// HTTP/1.1 server side, sans-I/O: an incremental, strict request parser (RFC 9112) and a
// response serializer. No sockets, no clocks, no threads: bytes in, events out; responses are
// appended to an OutputQueue the caller writes.
//
// Parser. Http1Parser::Parse(bytes, visitor) consumes bytes and reports, in this order per
// message: OnRequestHead (or OnH2cUpgrade), OnBody* (possibly none), OnMessageComplete; or
// OnError once, after which it consumes nothing more. Parse() returns right after a head and
// right after a message ends, so the caller decides what happens next: how much body it is
// willing to accept (it offers at most that many bytes: body bytes never exceed input bytes),
// and whether the bytes after a message are the next pipelined request (call NextMessage())
// or HTTP/2 after an h2c upgrade. Results do not depend on how the input is split.
//
// What it rejects, with the status the caller should answer (Http1ErrorStatus):
//   400  malformed request line or target; a bare CR anywhere or a bare LF as line end
//        (RFC 9112 §2.2); obs-fold (§5.2); whitespace between name and colon (§5.1); a name
//        that is not a token; a control character in a value; a missing, repeated or
//        malformed Host in HTTP/1.1 (§3.2); Content-Length that is not digits or that conflicts
//        with another (§6.3); Content-Length together with Transfer-Encoding, chunked not last
//        or repeated, Transfer-Encoding in HTTP/1.0 (§6.1, §6.3, request smuggling defences);
//        malformed chunks.
//   414  request line longer than max_request_line_bytes.
//   431  more than max_header_count fields or max_header_bytes of field lines (trailers too).
//   413  body (declared or chunked total) over max_body_bytes.
//   501  a transfer coding other than chunked (§6.1).
//   505  a well-formed HTTP-version other than 1.0 and 1.1.
// Leading empty lines before a request line are skipped (up to max_leading_empty_lines, §2.2).
//
// Upgrade to h2c (RFC 7540 §3.2): an HTTP/1.1 request with `Upgrade: h2c`, `Connection:
// Upgrade, HTTP2-Settings` and exactly one valid HTTP2-Settings field (base64url, RFC 7540
// §3.2.1) is reported through OnH2cUpgrade with the decoded SETTINGS payload instead of
// OnRequestHead. The default implementation forwards to OnRequestHead (no upgrade).
//
// Serializer. Http1ResponseWriter frames one response: Begin() chooses the framing from the
// request (HEAD, version, keep-alive, TE: trailers) and the response (status, known length,
// trailers) and writes the head; Body() and Finish() write the body and the end. HEAD, 1xx,
// 204 and 304 responses carry no body; an unknown length is sent chunked in HTTP/1.1 (close
// delimited in HTTP/1.0); trailers are sent only in chunked mode and only to clients that
// sent `TE: trailers`.

#ifndef H2ENGINE_SERVER_HTTP1_H_
#define H2ENGINE_SERVER_HTTP1_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "server/headers.h"
#include "server/output_queue.h"

namespace h2engine::server {

// Http1Limits: every size a client controls. The defaults are safe for a public server.
struct Http1Limits {
  size_t max_request_line_bytes = 8 * 1024;   // 414 beyond
  size_t max_header_count = 100;              // 431 beyond (per header section / trailers)
  size_t max_header_bytes = 32 * 1024;        // 431 beyond: field lines incl. CRLF
  uint64_t max_body_bytes = 8 * 1024 * 1024;  // 413 beyond (Content-Length or chunked total)
  size_t max_chunk_line_bytes = 1024;         // 400 beyond: chunk-size plus extensions
  size_t max_leading_empty_lines = 8;         // 400 beyond (RFC 9112 §2.2 robustness rule)
};

enum class Http1Error : uint8_t {
  kNone,
  kBadRequestLine,
  kRequestLineTooLong,
  kBadVersion,
  kBareCr,
  kBareLf,
  kObsFold,
  kWhitespaceBeforeColon,
  kBadHeaderName,
  kBadHeaderValue,
  kTooManyHeaders,
  kHeadersTooLarge,
  kBadHost,
  kBadContentLength,
  kConflictingContentLength,
  kContentLengthWithTransferEncoding,
  kBadTransferEncoding,
  kUnknownTransferCoding,
  kBodyTooLarge,
  kBadChunk,
  kTooManyEmptyLines,
};

// Http1ErrorStatus: the status code to answer `error` with (400, 413, 414, 431, 501, 505).
int Http1ErrorStatus(Http1Error error);
const char* Http1ErrorName(Http1Error error);

enum class BodyFraming : uint8_t { kNone, kContentLength, kChunked };

// RequestHead: a parsed request line and header section.
struct RequestHead {
  std::string method;     // case-sensitive token, e.g. "GET"
  std::string target;     // the request-target as received
  std::string path;       // origin-form path ("/a/b"); "*" for OPTIONS *; "" for CONNECT
  std::string query;      // after '?', without it; "" if none
  std::string authority;  // absolute-form authority, else the Host field ("" if none)
  std::string scheme;     // absolute-form scheme (lowercase), else ""
  int version_minor = 1;  // HTTP/1.<version_minor>: 0 or 1
  Headers headers;        // lowercase names, in order, values trimmed

  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;   // for kContentLength
  bool keep_alive = true;        // the connection may stay open after this exchange
  bool expect_continue = false;  // `Expect: 100-continue` in HTTP/1.1
  bool te_trailers = false;      // `TE: trailers`: trailers may be sent in a chunked response
};

class Http1Visitor {
 public:
  virtual ~Http1Visitor() = default;
  virtual void OnRequestHead(RequestHead head) = 0;
  // OnH2cUpgrade: the request asks to upgrade to HTTP/2 (RFC 7540 §3.2); `http2_settings` is
  // the decoded HTTP2-Settings payload (a SETTINGS frame payload, a multiple of 6 bytes). The
  // body, if any, and OnMessageComplete follow as usual; the bytes after the message are
  // HTTP/2 if the caller answers 101. The default treats it as a plain HTTP/1.1 request.
  virtual void OnH2cUpgrade(RequestHead head, std::string http2_settings);
  // OnBody: request body bytes (de-chunked). `data` is valid only during the call.
  virtual void OnBody(std::string_view data) = 0;
  virtual void OnMessageComplete(Headers trailers) = 0;
  virtual void OnError(Http1Error error) = 0;
};

class Http1Parser {
 public:
  explicit Http1Parser(const Http1Limits& limits = {}) : limits_(limits) {}

  // Parse consumes bytes and reports events; returns the number of bytes consumed. It stops
  // early after OnRequestHead/OnH2cUpgrade and after OnMessageComplete (so callers loop until
  // it consumes nothing), and consumes nothing when message_done() or has_error().
  size_t Parse(std::span<const uint8_t> input, Http1Visitor& visitor);
  size_t Parse(std::string_view input, Http1Visitor& visitor) {
    return Parse({reinterpret_cast<const uint8_t*>(input.data()), input.size()}, visitor);
  }

  // NextMessage readies the parser for the next request on the connection once
  // message_done(); bytes not consumed so far belong to that request.
  void NextMessage();

  bool message_done() const { return state_ == State::kDone; }
  bool has_error() const { return state_ == State::kError; }
  Http1Error error() const { return error_; }
  // in_body: a head has been reported and its body is still being read.
  bool in_body() const;
  // idle: no byte of the next request has been seen (the keep-alive wait).
  bool idle() const { return state_ == State::kRequestLine && line_.empty() && empty_lines_ == 0; }
  // body_remaining: for Content-Length bodies, bytes still expected.
  uint64_t body_remaining() const { return remaining_; }

 private:
  enum class State : uint8_t {
    kRequestLine,
    kHeaders,
    kBodyIdentity,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kDone,
    kError,
  };

  // Line accumulation shared by the line-oriented states. Returns true when line_ holds a
  // complete line (CRLF stripped); false when more input is needed or on error.
  bool TakeLine(std::span<const uint8_t> input, size_t* pos, size_t limit, Http1Error too_long);
  void Fail(Http1Error error, Http1Visitor& visitor);
  bool ParseRequestLine(std::string_view line, Http1Error* error);
  // ParseFieldLine validates one field line and adds it to `out` (shared by headers and
  // trailers).
  Http1Error ParseFieldLine(std::string_view line, Headers* out);
  Http1Error FinishHead();
  Http1Error ParseChunkSize(std::string_view line);

  Http1Limits limits_;
  State state_ = State::kRequestLine;
  Http1Error error_ = Http1Error::kNone;
  std::string line_;          // the current, incomplete line (bounded by the limits)
  size_t empty_lines_ = 0;    // leading empty lines skipped before this request line
  size_t section_bytes_ = 0;  // field-line bytes of the current header or trailer section
  RequestHead head_;
  Headers trailers_;
  uint64_t remaining_ = 0;   // body or chunk bytes still expected
  uint64_t body_total_ = 0;  // body bytes reported so far
  uint8_t crlf_seen_ = 0;    // kChunkDataEnd: how many of CR, LF have arrived
};

// DecodeBase64Url decodes RFC 4648 §5 base64url, with or without '=' padding. Returns nullopt
// on any other character or an impossible length.
std::optional<std::string> DecodeBase64Url(std::string_view in);

// ReasonPhrase: the RFC 9110 reason phrase for `status`, or "" for codes without one here.
std::string_view ReasonPhrase(int status);

// Http1ResponseWriter frames one response to one request.
class Http1ResponseWriter {
 public:
  struct RequestInfo {
    bool head = false;  // HEAD request: no body, whatever the response says
    int version_minor = 1;
    bool keep_alive = true;  // the request allows the connection to persist
    bool te_trailers = false;
  };
  static RequestInfo InfoFor(const RequestHead& head);

  // WriteInterim writes a 1xx response (100 Continue, 103 Early Hints, ...).
  static void WriteInterim(int status, const Headers& headers, OutputQueue& out);
  // WriteSwitchingToH2c writes the 101 that accepts an h2c upgrade (RFC 7540 §3.2).
  static void WriteSwitchingToH2c(OutputQueue& out);

  // Begin writes the status line and header section. `body_length` is the body's length if
  // known (for HEAD: the length a GET would have), nullopt if the body is streamed with no
  // known end. `has_trailers`: the response will carry trailers. Connection-specific fields
  // and Content-Length in `headers` are replaced by the writer's own; fields that are not
  // valid (name not a token, CR/LF/NUL in a value) are dropped. `connection: close` in
  // `headers` is honoured.
  void Begin(const RequestInfo& request, int status, const Headers& headers,
             std::optional<uint64_t> body_length, bool has_trailers, OutputQueue& out);

  // Body writes body bytes (ignored when !body_allowed()). With a known length, bytes beyond
  // it are dropped and the response is marked broken.
  void Body(std::string_view data, OutputQueue& out);
  void Body(std::string&& data, OutputQueue& out);
  // Finish ends the body (the last chunk and trailers in chunked mode). Returns false if the
  // body was shorter or longer than announced: the connection must then be closed.
  [[nodiscard]] bool Finish(const Headers& trailers, OutputQueue& out);

  bool body_allowed() const { return body_allowed_; }
  bool chunked() const { return chunked_; }
  // keep_alive: the connection may carry another request after this response.
  bool keep_alive() const { return keep_alive_; }
  uint64_t body_bytes() const { return body_sent_; }

 private:
  bool body_allowed_ = true;
  bool chunked_ = false;
  bool keep_alive_ = true;
  bool send_trailers_ = false;
  bool broken_ = false;
  std::optional<uint64_t> length_;
  uint64_t body_sent_ = 0;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_HTTP1_H_
