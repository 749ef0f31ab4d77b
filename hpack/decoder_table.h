// DecoderTable: the HPACK dynamic table (RFC 7541 §2.3.2, §4) as a decoder keeps it.
//
// Entries form a FIFO: the newest has relative index 0 (HPACK index 62), the oldest the highest.
// The size is counted exactly as §4.1 says (name length + value length + 32 per entry) and is
// kept <= capacity() by evicting the oldest entries when the capacity shrinks (§4.3) and before
// each insertion (§4.4); an entry larger than the capacity empties the table and is not added.
//
// Storage, allocation-free in steady state:
//  - entry records live in a ring indexed by the entry's absolute insertion number (the n-th
//    entry ever inserted is n), so relative index i is insertion number insert_count() - 1 - i;
//  - name and value bytes live back to back in one arena, appended at the head and reclaimed
//    from the tail as entries are evicted. When the head reaches the end of the arena the live
//    bytes (at most capacity() bytes) are moved to the front. The arena grows up to twice the
//    capacity, which makes such moves happen at most once per capacity() bytes inserted, so
//    insertion is amortised O(length). An entry's bytes never wrap, so every entry is one pair
//    of contiguous views.
// EncoderTable reuses this class to mirror the peer's decoder table.
//
// Views returned by Get() are valid until the next Insert, SetCapacity or EvictOldest call.

#ifndef H2ENGINE_HPACK_DECODER_TABLE_H_
#define H2ENGINE_HPACK_DECODER_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/check.h"

namespace h2engine::hpack {

// kEntryOverhead is the 32 octets §4.1 adds to each entry's name and value lengths.
inline constexpr size_t kEntryOverhead = 32;

// EntrySize is an entry's size as §4.1 counts it.
constexpr size_t EntrySize(size_t name_length, size_t value_length) {
  return name_length + value_length + kEntryOverhead;
}

// kDefaultHeaderTableSize is SETTINGS_HEADER_TABLE_SIZE's initial value (RFC 9113 §6.5.2).
inline constexpr uint32_t kDefaultHeaderTableSize = 4096;

class DecoderTable {
 public:
  struct EntryView {
    std::string_view name;
    std::string_view value;
  };

  explicit DecoderTable(uint32_t capacity = kDefaultHeaderTableSize);
  DecoderTable(const DecoderTable&) = delete;
  DecoderTable& operator=(const DecoderTable&) = delete;

  // size is the §4.1 size: the sum over entries of name + value + 32.
  size_t size() const { return size_; }
  size_t num_entries() const { return count_; }
  // capacity is the maximum size, as last set by SetCapacity (a §6.3 size update).
  uint32_t capacity() const { return capacity_; }
  // insert_count is the number of entries ever inserted; the newest entry's insertion number
  // is insert_count() - 1.
  uint64_t insert_count() const { return insert_count_; }

  // Get returns the entry at `relative_index` (0 = newest); relative_index < num_entries().
  EntryView Get(size_t relative_index) const {
    H2_DCHECK_LT(relative_index, count_);
    const Slot& slot = ring_[(insert_count_ - 1 - relative_index) & ring_mask_];
    const char* bytes = arena_.get() + (slot.start - base_);
    return {{bytes, slot.name_length}, {bytes + slot.name_length, slot.value_length}};
  }

  // SetCapacity applies a new maximum size, evicting the oldest entries until size() fits (§4.3).
  void SetCapacity(uint32_t capacity);

  // Insert adds (name, value) as the newest entry after evicting what §4.4 requires. If the
  // entry is larger than capacity() the table is emptied and nothing is added (not an error).
  // `name` may point into this table (a literal whose name is a dynamic table reference), even
  // into an entry that this insertion evicts. Returns true if the entry was added.
  bool Insert(std::string_view name, std::string_view value);

  // EvictOldest removes the oldest entry; num_entries() must be > 0.
  void EvictOldest();

  // arena_size is the number of bytes reserved for names and values (for tests: memory stays
  // within twice the capacity).
  size_t arena_size() const { return arena_size_; }

 private:
  struct Slot {
    uint64_t start;  // absolute arena position of the name; the value follows it
    uint32_t name_length;
    uint32_t value_length;
  };

  // MakeRoom guarantees `length` free bytes at the head of the arena, moving the live bytes to
  // the front or growing the arena. Invalidates views into the arena.
  void MakeRoom(size_t length);
  void GrowRing();
  // ReleaseIfOversized frees memory a lowered capacity no longer needs.
  void ReleaseIfOversized();

  std::unique_ptr<Slot[]> ring_;
  size_t ring_size_ = 0;  // 0 or a power of two
  size_t ring_mask_ = 0;  // ring_size_ - 1
  size_t count_ = 0;
  uint64_t insert_count_ = 0;

  std::unique_ptr<char[]> arena_;
  size_t arena_size_ = 0;
  uint64_t base_ = 0;  // absolute position of arena_[0]
  uint64_t head_ = 0;  // absolute position of the next byte to write

  size_t size_ = 0;
  uint32_t capacity_;
  std::string scratch_;  // copy of a name that aliases bytes MakeRoom is about to move
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_DECODER_TABLE_H_
