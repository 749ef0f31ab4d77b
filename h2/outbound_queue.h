// OutboundQueue: the bytes a connection has yet to send, in three lanes (nghttp2's split of
// its outbound queues by urgency, RFC 9113 §6.5.3 and §6.7 asking for prompt ACKs):
//
//   urgent   PING ACKs and SETTINGS ACKs: they jump ahead of everything not yet committed.
//   control  every other frame the connection writes as commands and input produce it
//            (HEADERS + CONTINUATION, RST_STREAM, WINDOW_UPDATE, GOAWAY, PING, SETTINGS), in
//            the order written: HPACK blocks must reach the peer in the order they were
//            encoded (RFC 7541 §2.2), and a stream's HEADERS must precede its RST_STREAM.
//   committed  the bytes handed to the transport (PendingOutput). Flush() moves urgent then
//            control here; DATA frames are written straight into it (the data source appends
//            its bytes in place, no copy).
//
// Nothing is ever reordered once committed. The committed buffer keeps a read offset; it is
// compacted lazily and its memory released when it drains with more than kRetainedCapacity
// reserved, so an idle connection holds little.

#ifndef H2ENGINE_H2_OUTBOUND_QUEUE_H_
#define H2ENGINE_H2_OUTBOUND_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_sink.h"

namespace h2engine::h2 {

class OutboundQueue {
 public:
  // Buffers that drain with more capacity than this are freed rather than kept.
  static constexpr size_t kRetainedCapacity = 16 << 10;

  OutboundQueue() = default;
  OutboundQueue(const OutboundQueue&) = delete;
  OutboundQueue& operator=(const OutboundQueue&) = delete;

  ByteSink& urgent() { return urgent_; }
  ByteSink& control() { return control_; }
  // committed is where DATA frames are written; call PrepareCommit() first, so the buffer is
  // compacted before it grows.
  ByteSink& committed() { return committed_; }
  void PrepareCommit();

  // Flush moves the urgent lane, then the control lane, to the end of the committed bytes.
  void Flush();

  // Pending: committed bytes not yet consumed. Valid until the next non-const call.
  std::span<const uint8_t> Pending() const {
    return committed_.span().subspan(offset_);
  }
  // Consume drops the first `n` pending bytes (n <= Pending().size(), clamped).
  void Consume(size_t n);
  // Clear drops everything queued in every lane (the transport is gone).
  void Clear();

  // unsent_committed: Pending().size().
  size_t unsent_committed() const { return committed_.size() - offset_; }
  // backlog: every byte queued and not yet consumed, in all lanes.
  size_t backlog() const { return unsent_committed() + urgent_.size() + control_.size(); }
  bool empty() const { return backlog() == 0; }
  // total_consumed: bytes consumed since construction (for tests and metrics).
  uint64_t total_consumed() const { return total_consumed_; }

 private:
  ByteSink urgent_;
  ByteSink control_;
  ByteSink committed_;
  size_t offset_ = 0;
  uint64_t total_consumed_ = 0;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_OUTBOUND_QUEUE_H_
