// Response: what a handler answers, the same over HTTP/1.1 and HTTP/2.
//
// A response is a status, headers, a body and optional trailers. The body is either a string
// (`body`) or a streaming BodySource that the protocol pulls from as the peer accepts data
// (so a slow client slows the producer down instead of growing a buffer). A source can say
// "not yet" (kLater) and wake the protocol up later through the resume function it was given:
// nghttp2's deferred data provider, without callbacks into the protocol from other threads.
//
// The protocol decides the framing: Content-Length when the length is known (`body`, or
// BodySource::Length()), chunked (HTTP/1.1) or DATA frames otherwise. Connection-specific
// headers set by the application (connection, keep-alive, transfer-encoding, upgrade,
// proxy-connection, te) are the protocol's business: HTTP/1.1 writes its own, HTTP/2 strips
// them (StripConnectionSpecificHeaders in headers.h). `connection: close` is honoured by
// HTTP/1.1. HEAD, 204 and 304 responses are sent without a body.
//
// BodyPipe is a ready-made thread-safe source: producer threads Write() and Finish(), the
// protocol reads; Write reports when the pipe is above its high-water mark and OnWritable()
// says when to continue.

#ifndef H2ENGINE_SERVER_RESPONSE_H_
#define H2ENGINE_SERVER_RESPONSE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/headers.h"

namespace h2engine::server {

class BodySource {
 public:
  enum class Status : uint8_t {
    kData,   // appended at least one byte; call again
    kLater,  // nothing now: wait for the resume function given to Start()
    kEnd,    // the body is complete (may have appended its last bytes)
    kError,  // give up: the protocol resets the stream / closes the connection
  };

  virtual ~BodySource() = default;

  // Length: the total body length, if known in advance (then exactly that many bytes must be
  // produced). Unknown means chunked over HTTP/1.1.
  virtual std::optional<uint64_t> Length() const { return std::nullopt; }
  // Start is called once on the loop thread before the first Read, with a function that makes
  // the protocol call Read again after a kLater. `resume` is thread-safe and may be called any
  // number of times, also after the response ended (then it does nothing).
  virtual void Start(std::function<void()> resume) { (void)resume; }
  // Read appends at most `max_bytes` to *out. Called on the loop thread.
  virtual Status Read(size_t max_bytes, std::string* out) = 0;
  // Trailers: called once after kEnd; sent if the protocol and the peer allow it.
  virtual Headers Trailers() { return {}; }
  // Cancel: the protocol will not read again (client gone, stream reset, HEAD request). Called
  // on the loop thread at most once.
  virtual void Cancel() {}
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;                         // used when body_source is null
  std::shared_ptr<BodySource> body_source;  // a streamed body
  Headers trailers;                         // sent after the body when possible

  // Text: a response with a body and its content-type.
  static Response Text(int status, std::string body,
                       std::string_view content_type = "text/plain; charset=utf-8");
  // Stream: a response whose body comes from `source`.
  static Response Stream(int status, std::shared_ptr<BodySource> source);

  // BodyLength: the length of the body if known (body.size() or the source's Length()).
  std::optional<uint64_t> BodyLength() const;
};

// BodyPipe: a BodySource fed from any thread.
class BodyPipe : public BodySource {
 public:
  // `high_water`: Write() reports false above this many unread bytes. `length`: the total if
  // known (then Content-Length framing).
  static std::shared_ptr<BodyPipe> Create(size_t high_water = 256 * 1024,
                                          std::optional<uint64_t> length = std::nullopt);

  // Producer side (any thread).
  // Write queues `data`; returns true while the pipe is below its high-water mark, false when
  // the producer should wait for OnWritable (the data is queued either way, unless the pipe is
  // finished or cancelled, in which case it is dropped).
  bool Write(std::string data);
  // Finish ends the body; `trailers` are sent after it when possible.
  void Finish(Headers trailers = {});
  // Fail ends the body with an error (the stream is reset / the connection closed).
  void Fail();
  // OnWritable registers a one-shot callback run when the unread bytes drop to half the
  // high-water mark, or at once if they already are; also run on cancellation. It runs on the
  // thread that reads the pipe (the loop thread) or, if already writable, the caller's.
  void OnWritable(std::function<void()> callback);
  // cancelled: the consumer went away; further writes are dropped.
  bool cancelled() const;

  // BodySource.
  std::optional<uint64_t> Length() const override { return length_; }
  void Start(std::function<void()> resume) override;
  Status Read(size_t max_bytes, std::string* out) override;
  Headers Trailers() override;
  void Cancel() override;

 private:
  BodyPipe(size_t high_water, std::optional<uint64_t> length)
      : high_water_(high_water), length_(length) {}
  void WakeReaderLocked(std::function<void()>* out);

  const size_t high_water_;
  const std::optional<uint64_t> length_;
  mutable std::mutex mu_;
  std::deque<std::string> chunks_;
  size_t buffered_ = 0;
  size_t front_offset_ = 0;
  bool finished_ = false;
  bool failed_ = false;
  bool cancelled_ = false;
  bool reader_waiting_ = false;  // the last Read returned kLater
  Headers trailers_;
  std::function<void()> resume_;
  std::function<void()> on_writable_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_RESPONSE_H_
