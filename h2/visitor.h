// What h2::Connection tells the application, and how the application hands it a body: the
// header types, DataSource (bodies are pulled) and ConnectionVisitor (events are pushed).
//
// Callback order for one stream, as the visitor sees it (RFC 9113 §8.1):
//   server:  OnHeaders(kRequest) OnData* [OnHeaders(kTrailers)] OnEndStream  OnStreamClosed
//   client:  OnHeaders(kInformational)* OnHeaders(kResponse) OnData* [OnHeaders(kTrailers)]
//            OnEndStream  OnStreamClosed
// OnEndStream comes once the peer has ended its side (it follows the last OnData or the
// OnHeaders whose end_stream is true); OnStreamClosed ends every stream the application knows
// (a server learns of a stream through its OnHeaders(kRequest); a client knows its requests
// from SubmitRequest), whether it completed, was reset by either side, refused by the peer's
// GOAWAY, or went down with the connection. It can come at any point of the sequence above.
// No callback for a stream follows its OnStreamClosed. Streams the application never saw
// (refused, malformed, discarded) produce no callback at all.
//
// OnConnectionError is the very last callback of a connection, once: after a connection error
// (ours or the peer's), after SubmitGoAway with an error code, after OnTransportClosed (kCancel),
// or with kNoError when a graceful shutdown (ours or the peer's GOAWAY) has completed. Every
// open stream has had its OnStreamClosed before it.
//
// When callbacks run: only inside Connection::ProcessInput, PendingOutput, OnTimer,
// OnTransportClosed and StartFromUpgrade, never inside the Submit* commands (what a command causes, e.g. the
// OnStreamClosed of SubmitRstStream, is reported at the next of those calls). Callbacks are
// never nested: the application may call Submit* and ConsumeData from a callback, and events
// those cause are delivered after the callback returns. A callback must not destroy the
// connection or call ProcessInput.
//
// Lifetimes: the HeaderList and the data span passed to a callback are valid only during the
// call; copy what you keep.

#ifndef H2ENGINE_H2_VISITOR_H_
#define H2ENGINE_H2_VISITOR_H_

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_sink.h"
#include "h2/protocol.h"
#include "h2/settings.h"

namespace h2engine::h2 {

// One received header field. Names are lowercase (RFC 9113 §8.2.1), pseudo-header fields come
// first (§8.3). `cookie` crumbs (§8.2.3) are delivered as separate fields; JoinCookieCrumbs in
// h2/header_validator.h joins them. never_index: the field arrived as an HPACK never-indexed
// literal (RFC 7541 §6.2.3); a proxy should forward it the same way.
struct HeaderEntry {
  std::string name;
  std::string value;
  bool never_index = false;

  friend bool operator==(const HeaderEntry&, const HeaderEntry&) = default;
};
using HeaderList = std::vector<HeaderEntry>;

// One header field to send. The views need to stay valid only during the Submit* call that
// takes them. never_index: encode as never-indexed (RFC 7541 §6.2.3; `authorization`,
// `proxy-authorization` and short `cookie` values always are).
struct HeaderRef {
  std::string_view name;
  std::string_view value;
  bool never_index = false;
};

enum class HeadersKind : uint8_t {
  kRequest,        // server perspective: a request's header section
  kResponse,       // client perspective: the final response (status 200..599)
  kInformational,  // client perspective: a 1xx response (e.g. 103 Early Hints, RFC 8297)
  kTrailers,       // either perspective: a trailer section (§8.1); always with end_stream
};

std::string_view HeadersKindName(HeadersKind kind);

// What one DataSource::Read produced.
struct DataChunk {
  size_t length = 0;        // bytes appended to `out`
  bool end_stream = false;  // these were the body's last bytes (length may be 0)
  bool blocked = false;     // "not yet": nothing appended; pause until ResumeData()
};

// DataSource: a body the connection pulls when flow control (RFC 9113 §5.2) and the write
// scheduler (RFC 9218) give its stream a turn. Read may be called many times; it runs inside
// Connection::PendingOutput().
class DataSource {
 public:
  virtual ~DataSource() = default;
  // Read appends at most `max` (> 0) bytes of body to `out` and says what it did. Return
  // blocked=true (appending nothing) when no bytes are available yet: the stream is paused
  // until Connection::ResumeData(id). Return end_stream=true with the last bytes, or alone
  // (length 0). A Read that appends nothing and says neither end_stream nor blocked counts as
  // blocked. Appending more than `max` bytes is a bug: the stream is reset (INTERNAL_ERROR).
  virtual DataChunk Read(size_t max, ByteSink& out) = 0;
};

// StringDataSource: a body held in memory, sent in frames as large as allowed.
class StringDataSource final : public DataSource {
 public:
  explicit StringDataSource(std::string body) : body_(std::move(body)) {}
  DataChunk Read(size_t max, ByteSink& out) override {
    const size_t n = std::min(max, body_.size() - offset_);
    out.Append(std::string_view(body_).substr(offset_, n));
    offset_ += n;
    return {n, offset_ == body_.size(), false};
  }

 private:
  std::string body_;
  size_t offset_ = 0;
};

class ConnectionVisitor {
 public:
  virtual ~ConnectionVisitor() = default;

  // OnHeaders: a complete header block that passed every check of RFC 9113 §8 (anything
  // malformed was reset with PROTOCOL_ERROR and is not reported). end_stream: the block
  // carried END_STREAM (OnEndStream follows).
  virtual void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers,
                         bool end_stream) = 0;

  // OnData: body bytes (padding removed). Call Connection::ConsumeData(id, n) once the
  // application has processed them: only then does the connection return the credit to the
  // peer with WINDOW_UPDATE (back pressure, §5.2.2). Not calling it stalls the stream.
  virtual void OnData(StreamId id, std::span<const uint8_t> data) = 0;

  // OnEndStream: the peer has ended its side of the stream (after the last OnData or trailers).
  virtual void OnEndStream(StreamId id) { (void)id; }

  // OnStreamClosed: the stream is gone. code is kNoError when both sides ended it normally,
  // else the RST_STREAM code sent or received (kRefusedStream: the peer's GOAWAY or RST said it
  // did not process the request, which is safe to retry), or the connection's error code.
  // The stream's DataSource has been released.
  virtual void OnStreamClosed(StreamId id, ErrorCode code) {
    (void)id;
    (void)code;
  }

  // OnGoAway: the peer's GOAWAY (§6.8). Streams we opened above last_stream_id were not
  // processed; each also gets OnStreamClosed(kRefusedStream), after this call.
  virtual void OnGoAway(StreamId last_stream_id, ErrorCode code, std::string_view debug) {
    (void)last_stream_id;
    (void)code;
    (void)debug;
  }

  // OnPeerSettings: the peer's settings after each SETTINGS frame it sent was applied.
  virtual void OnPeerSettings(const Settings& settings) { (void)settings; }

  // OnPingAck: the ACK of a PING sent with SubmitPing, with the round-trip time measured
  // from the `now` given to SubmitPing to the `now` of the ProcessInput that delivered it.
  virtual void OnPingAck(uint64_t opaque, std::chrono::nanoseconds rtt) {
    (void)opaque;
    (void)rtt;
  }

  // OnConnectionError: the connection is finished (see the header comment). The caller
  // flushes PendingOutput() (it holds the GOAWAY) and closes the transport once is_closed().
  virtual void OnConnectionError(ErrorCode code, std::string_view reason) {
    (void)code;
    (void)reason;
  }
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_VISITOR_H_
