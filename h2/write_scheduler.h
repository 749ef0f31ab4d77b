// WriteScheduler: decides which stream sends the next DATA frame, following the server
// scheduling advice of RFC 9218 §10 (Extensible Priorities).
//
// Policy:
//   1. Urgency first: a ready stream of a lower urgency number always goes before any stream of a
//      higher number (0 is most urgent; strict, no sharing across levels).
//   2. Within one urgency level, non-incremental streams are served one at a time in ascending
//      stream-id order (RFC 9218 §10: "in ascending order of the stream ID"): the lowest ready id
//      gets every turn of its group until it is no longer ready.
//   3. Incremental streams of that level share round-robin, one chunk each per turn.
//   4. When both kinds are ready at the same level, the non-incremental group takes one seat in
//      the incremental rotation, as if it were one more incremental stream. RFC 9218 §10 asks
//      servers to avoid starving either kind and leaves the method open; this keeps an early
//      large non-incremental response from blocking later incremental ones and vice versa.
//
// Usage: Register() a stream when it opens, MarkReady() it when it has DATA that flow control
// lets it send, PopNext() to get the stream that writes the next frame (it leaves the ready
// set), then MarkReady() it again if it still has more. MarkNotReady() when it becomes blocked,
// Unregister() when it closes. UpdatePriority() applies a PRIORITY_UPDATE; for a stream not yet
// registered it is kept (the most recent one per stream, RFC 9218 §7) and applied by Register(),
// with at most Options::max_pending_updates kept. Registering stream N forgets pending updates
// for lower ids of N's parity: those streams can no longer open (RFC 9113 §5.1.1), so streams
// must be registered when they open, in order.
//
// Costs: PopNext, MarkReady and MarkNotReady are O(log n) for non-incremental streams (a binary
// heap per urgency) and O(1) for incremental ones (an intrusive circular list); picking the
// urgency is one count-trailing-zeros over an 8-bit mask. Register allocates one map node;
// after that, no call allocates except when a heap's capacity grows (to its working size) or
// the pending-update buffer grows (to at most max_pending_updates).
//
// A moved-from scheduler may only be destroyed or assigned to.
//
// What it does not do: flow control, control frames, or frame sizes; it orders streams only.

#ifndef H2ENGINE_H2_WRITE_SCHEDULER_H_
#define H2ENGINE_H2_WRITE_SCHEDULER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "h2/priority.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

enum class PriorityUpdateResult : uint8_t {
  kApplied,   // The stream is registered; its priority changed now.
  kBuffered,  // Not registered yet; kept for Register().
  kDropped,   // Not registered and the pending-update buffer is full; ignored.
};

class WriteScheduler {
 public:
  struct Options {
    // RFC 9218 §7: buffering PRIORITY_UPDATE for streams not yet open "can be bounded by local
    // implementation policy". The connection may also hold this at or below
    // SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9218 §7.1 makes exceeding that a connection error).
    size_t max_pending_updates = 128;
  };

  WriteScheduler() : WriteScheduler(Options{}) {}
  explicit WriteScheduler(const Options& options);
  ~WriteScheduler();
  WriteScheduler(WriteScheduler&&) noexcept;
  WriteScheduler& operator=(WriteScheduler&&) noexcept;
  WriteScheduler(const WriteScheduler&) = delete;
  WriteScheduler& operator=(const WriteScheduler&) = delete;

  // Register adds stream `id` (not ready) with `priority`, or with the pending PRIORITY_UPDATE
  // for it if there is one (RFC 9218 §7: the most recent update overrides other signals).
  // Returns false if `id` is 0 or already registered.
  [[nodiscard]] bool Register(StreamId id, Priority priority = {});
  // Unregister removes stream `id` (ready or not). Returns false if it was not registered.
  bool Unregister(StreamId id);
  bool IsRegistered(StreamId id) const { return streams_.count(id) != 0; }

  // UpdatePriority sets the priority of `id`, registered or not (see PriorityUpdateResult). A
  // ready stream moves to the back of its new level's rotation (or, non-incremental, to its
  // place in stream-id order).
  PriorityUpdateResult UpdatePriority(StreamId id, Priority priority);
  // GetPriority returns the priority of a registered stream.
  std::optional<Priority> GetPriority(StreamId id) const;

  // MarkReady puts `id` in the ready set (no-op if it already is). Returns false if `id` is
  // not registered.
  bool MarkReady(StreamId id);
  // MarkNotReady takes `id` out of the ready set (no-op if it is not in it). Returns false if
  // `id` is not registered.
  bool MarkNotReady(StreamId id);
  bool IsReady(StreamId id) const;

  // PopNext removes and returns the stream that should send next, or nullopt if none is ready.
  std::optional<StreamId> PopNext();
  // PeekNext returns what PopNext would, without changing anything.
  std::optional<StreamId> PeekNext() const;

  bool HasReady() const { return ready_mask_ != 0; }
  size_t NumReady() const { return num_ready_; }
  size_t NumRegistered() const { return streams_.size(); }
  size_t NumPendingUpdates() const { return pending_.size(); }

 private:
  struct Link {
    Link* prev = this;
    Link* next = this;
  };
  struct Stream : Link {
    StreamId id = 0;
    Priority priority;
    bool ready = false;
    size_t heap_index = 0;  // In its level's heap, when ready and non-incremental.
  };
  struct Level {
    Link rotation;               // Circular list: ready incremental streams and, maybe, group_seat.
    Link group_seat;             // In `rotation` iff `group` is non-empty.
    std::vector<Stream*> group;  // Min-heap by id of ready non-incremental streams.
    size_t num_ready = 0;
  };

  Stream* Find(StreamId id);
  const Stream* Find(StreamId id) const;
  void AddReady(Stream* s);
  void RemoveReady(Stream* s);
  Stream* TakeNext(Level& level);
  void HeapPush(std::vector<Stream*>& heap, Stream* s);
  void HeapRemove(std::vector<Stream*>& heap, size_t index);
  void SiftUp(std::vector<Stream*>& heap, size_t index);
  void SiftDown(std::vector<Stream*>& heap, size_t index);

  Options options_;
  std::unordered_map<StreamId, Stream> streams_;
  // Levels live on the heap so their list links stay put when the scheduler moves.
  std::unique_ptr<std::array<Level, kNumUrgencies>> levels_;
  uint8_t ready_mask_ = 0;  // Bit u set iff level u has a ready stream.
  size_t num_ready_ = 0;
  std::vector<std::pair<StreamId, Priority>> pending_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_WRITE_SCHEDULER_H_
