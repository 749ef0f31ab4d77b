#include "hpack/decoder_table.h"

#include <algorithm>
#include <cstring>

namespace h2engine::hpack {

namespace {

// The smallest arena worth allocating: most tables hold a few hundred bytes at least.
constexpr size_t kMinArenaSize = 256;
constexpr size_t kMinRingSize = 8;

// MoveBytes is memmove, inline for the short strings most names and values are: every load
// is done before the first store, so overlapping ranges are safe.
inline void MoveBytes(char* out, const char* in, size_t n) {
  if (n > 32) {
    std::memmove(out, in, n);
  } else if (n >= 16) {
    char a[16], b[16];
    std::memcpy(a, in, 16);
    std::memcpy(b, in + n - 16, 16);
    std::memcpy(out, a, 16);
    std::memcpy(out + n - 16, b, 16);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, in, 8);
    std::memcpy(&b, in + n - 8, 8);
    std::memcpy(out, &a, 8);
    std::memcpy(out + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, in, 4);
    std::memcpy(&b, in + n - 4, 4);
    std::memcpy(out, &a, 4);
    std::memcpy(out + n - 4, &b, 4);
  } else if (n > 0) {
    const char a = in[0], b = in[n / 2], c = in[n - 1];
    out[0] = a;
    out[n / 2] = b;
    out[n - 1] = c;
  }
}

}  // namespace

DecoderTable::DecoderTable(uint32_t capacity) : capacity_(capacity) {}

void DecoderTable::SetCapacity(uint32_t capacity) {
  capacity_ = capacity;
  while (size_ > capacity_) EvictOldest();
  ReleaseIfOversized();
}

void DecoderTable::EvictOldest() {
  H2_DCHECK_GT(count_, 0u);
  const Slot& oldest = ring_[(insert_count_ - count_) & ring_mask_];
  size_ -= EntrySize(oldest.name_length, oldest.value_length);
  --count_;
  // An empty table starts again at the front of the arena: no move needed later.
  if (count_ == 0) {
    H2_DCHECK_EQ(size_, 0u);
    head_ = base_;
  }
}

bool DecoderTable::Insert(std::string_view name, std::string_view value) {
  const size_t entry_size = EntrySize(name.size(), value.size());
  if (entry_size > capacity_) {
    while (count_ > 0) EvictOldest();
    return false;
  }
  while (size_ + entry_size > capacity_) EvictOldest();

  const size_t length = name.size() + value.size();
  if (head_ - base_ + length > arena_size_) {
    // Moving the arena's bytes would invalidate a name that points into it.
    const char* arena = arena_.get();
    if (arena != nullptr && name.data() >= arena && name.data() < arena + arena_size_) {
      scratch_.assign(name.data(), name.size());
      name = scratch_;
    }
    MakeRoom(length);
  }
  if (count_ == ring_size_) GrowRing();

  char* out = arena_.get() + (head_ - base_);
  // The head is past every live byte, but `name` may be an evicted entry's bytes at or near
  // the head (an emptied table restarts at the front), hence a move. Values never alias.
  MoveBytes(out, name.data(), name.size());
  MoveBytes(out + name.size(), value.data(), value.size());
  Slot& slot = ring_[insert_count_ & ring_mask_];
  slot.start = head_;
  slot.name_length = static_cast<uint32_t>(name.size());
  slot.value_length = static_cast<uint32_t>(value.size());
  head_ += length;
  ++insert_count_;
  ++count_;
  size_ += entry_size;
  return true;
}

void DecoderTable::MakeRoom(size_t length) {
  const uint64_t live_start =
      count_ > 0 ? ring_[(insert_count_ - count_) & ring_mask_].start : head_;
  const size_t live = static_cast<size_t>(head_ - live_start);
  const size_t needed = live + length;
  // live + length <= capacity, so with an arena of 2 * capacity a move always leaves at least
  // capacity free bytes: moves are amortised over at least capacity bytes of insertions.
  if (needed * 2 <= arena_size_) {
    if (live > 0) std::memmove(arena_.get(), arena_.get() + (live_start - base_), live);
  } else {
    const size_t target = std::max({kMinArenaSize, arena_size_ * 2, needed * 2});
    const size_t new_size = std::max(needed, std::min(target, size_t{capacity_} * 2));
    std::unique_ptr<char[]> grown(new char[new_size]);
    if (live > 0) std::memcpy(grown.get(), arena_.get() + (live_start - base_), live);
    arena_ = std::move(grown);
    arena_size_ = new_size;
  }
  base_ = live_start;
}

void DecoderTable::GrowRing() {
  const size_t new_size = std::max(kMinRingSize, ring_size_ * 2);
  std::unique_ptr<Slot[]> grown(new Slot[new_size]);
  for (uint64_t id = insert_count_ - count_; id < insert_count_; ++id) {
    grown[id & (new_size - 1)] = ring_[id & ring_mask_];
  }
  ring_ = std::move(grown);
  ring_size_ = new_size;
  ring_mask_ = new_size - 1;
}

void DecoderTable::ReleaseIfOversized() {
  // Keep the arena while it is within twice what the capacity can use: a capacity that drops
  // and comes back (a common §4.2 pattern) should not reallocate.
  if (arena_size_ <= std::max(kMinArenaSize, size_t{capacity_} * 4)) return;
  if (count_ == 0) {
    arena_.reset();
    arena_size_ = 0;
    base_ = head_;
  } else {
    const uint64_t live_start = ring_[(insert_count_ - count_) & ring_mask_].start;
    const size_t live = static_cast<size_t>(head_ - live_start);
    const size_t new_size = std::max(kMinArenaSize, size_t{capacity_} * 2);
    std::unique_ptr<char[]> shrunk(new char[new_size]);
    std::memcpy(shrunk.get(), arena_.get() + (live_start - base_), live);
    arena_ = std::move(shrunk);
    arena_size_ = new_size;
    base_ = live_start;
  }
  // Entries are at least 32 octets, so capacity / 32 records suffice.
  const size_t max_entries = capacity_ / kEntryOverhead;
  if (ring_size_ > std::max(kMinRingSize, 4 * max_entries)) {
    size_t new_size = kMinRingSize;
    while (new_size < max_entries) new_size *= 2;
    std::unique_ptr<Slot[]> shrunk(new Slot[new_size]);
    for (uint64_t id = insert_count_ - count_; id < insert_count_; ++id) {
      shrunk[id & (new_size - 1)] = ring_[id & ring_mask_];
    }
    ring_ = std::move(shrunk);
    ring_size_ = new_size;
    ring_mask_ = new_size - 1;
  }
}

}  // namespace h2engine::hpack
