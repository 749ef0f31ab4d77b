#include "h2/closed_streams.h"

#include <algorithm>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

size_t IndexSizeFor(size_t capacity) {
  size_t n = 2;
  while (n < 2 * capacity) n *= 2;
  return n;
}

}  // namespace

ClosedStreams::ClosedStreams(size_t capacity)
    : capacity_(std::min(capacity, kMaxCapacity)),
      ids_(new StreamId[capacity_ == 0 ? 1 : capacity_]()),
      causes_(new CloseCause[capacity_ == 0 ? 1 : capacity_]()),
      index_size_(IndexSizeFor(capacity_)),
      index_(new uint16_t[index_size_]()) {}

size_t ClosedStreams::Home(StreamId id) const {
  // Fibonacci hashing: consecutive identifiers (odd or even) land far apart.
  return static_cast<size_t>((static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> 32) &
         (index_size_ - 1);
}

size_t ClosedStreams::Slot(StreamId id) const {
  const size_t mask = index_size_ - 1;
  for (size_t slot = Home(id);; slot = (slot + 1) & mask) {
    const uint16_t entry = index_[slot];
    if (entry == 0) return index_size_;
    if (ids_[entry - 1] == id) return slot;
  }
}

CloseCause ClosedStreams::Find(StreamId id) const {
  if (capacity_ == 0) return CloseCause::kNone;
  const size_t slot = Slot(id);
  return slot == index_size_ ? CloseCause::kNone : causes_[index_[slot] - 1];
}

void ClosedStreams::EraseSlot(size_t slot) {
  // Backward-shift deletion keeps every probe sequence free of holes, so lookups can stop at
  // the first empty slot and no tombstones accumulate.
  const size_t mask = index_size_ - 1;
  size_t hole = slot;
  for (size_t next = (hole + 1) & mask; index_[next] != 0; next = (next + 1) & mask) {
    const size_t home = Home(ids_[index_[next] - 1]);
    // The entry at `next` may move into the hole unless its home lies cyclically in
    // (hole, next].
    const bool home_after_hole =
        hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
    if (home_after_hole) continue;
    index_[hole] = index_[next];
    hole = next;
  }
  index_[hole] = 0;
}

void ClosedStreams::Add(StreamId id, CloseCause cause) {
  if (capacity_ == 0 || cause == CloseCause::kNone || cause == CloseCause::kForgotten) return;
  H2_DCHECK_NE(id, 0u);
  const size_t existing = Slot(id);
  if (existing != index_size_) {
    causes_[index_[existing] - 1] = cause;
    return;
  }
  if (size_ == capacity_) {
    const size_t evicted = Slot(ids_[next_]);
    if (!H2_BUG_IF(evicted == index_size_)) EraseSlot(evicted);
  } else {
    ++size_;
  }
  ids_[next_] = id;
  causes_[next_] = cause;
  const size_t mask = index_size_ - 1;
  size_t slot = Home(id);
  while (index_[slot] != 0) slot = (slot + 1) & mask;
  index_[slot] = static_cast<uint16_t>(next_ + 1);
  next_ = next_ + 1 == capacity_ ? 0 : next_ + 1;
}

}  // namespace h2engine::h2
