// ClosedStreams: the most recently closed streams and how each closed, in bounded memory.
//
// RFC 9113 §5.1 ("closed") lets frames arrive on a stream for a while after it closed: after
// our RST_STREAM, anything the peer sent before it saw the reset; after END_STREAM, the
// peer's WINDOW_UPDATE or RST_STREAM that crossed ours. Those must be told apart from frames
// on streams that closed long ago, which a well-behaved peer no longer sends. The connection
// drops its stream object when a stream closes and records the identifier here instead.
//
// This is a FIFO ring of `capacity` (id, cause) entries with an open-addressing hash index:
// Add(), Find() and eviction of the oldest entry are O(1) expected, O(capacity) at worst,
// and nothing allocates after construction (the ring and index are allocated once:
// 5 bytes per entry plus a 16-bit index of 2-4 slots per entry). A stream is forgotten once
// `capacity` other streams have closed after it; h2/stream_ids.h explains why that is a fair
// sign that the peer has seen it close.
//
// It does not decide anything: StreamIds (h2/stream_ids.h) combines it with the highest
// identifiers in use, and the §5.1 table (h2/stream_state.h) says what a late frame means.

#ifndef H2ENGINE_H2_CLOSED_STREAMS_H_
#define H2ENGINE_H2_CLOSED_STREAMS_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "h2/protocol.h"
#include "h2/stream_state.h"

namespace h2engine::h2 {

class ClosedStreams {
 public:
  static constexpr size_t kDefaultCapacity = 1024;
  // The ring's index is 16-bit; larger capacities are clamped to this.
  static constexpr size_t kMaxCapacity = 32767;

  // ClosedStreams remembers up to `capacity` streams (0: none, every closed stream is
  // forgotten at once).
  explicit ClosedStreams(size_t capacity = kDefaultCapacity);

  ClosedStreams(const ClosedStreams&) = delete;
  ClosedStreams& operator=(const ClosedStreams&) = delete;

  // Add records that stream `id` (non-zero) closed with `cause` (not kNone or kForgotten,
  // which are ignored). If `id` is already remembered its cause is replaced, and it keeps its
  // place in the ring. When the ring is full, the oldest entry is forgotten.
  void Add(StreamId id, CloseCause cause);

  // Find returns how `id` closed, or CloseCause::kNone if it is not remembered.
  CloseCause Find(StreamId id) const;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

 private:
  size_t Home(StreamId id) const;
  // Slot returns the index slot holding `id`, or index_size_ if none.
  size_t Slot(StreamId id) const;
  void EraseSlot(size_t slot);

  size_t capacity_;
  size_t size_ = 0;
  size_t next_ = 0;  // ring position written next (the oldest entry when full)
  std::unique_ptr<StreamId[]> ids_;
  std::unique_ptr<CloseCause[]> causes_;
  // Open addressing with linear probing; each slot holds ring position + 1, or 0 if empty.
  size_t index_size_;  // a power of two, at least twice capacity_
  std::unique_ptr<uint16_t[]> index_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_CLOSED_STREAMS_H_
