// EncoderTable: the encoder's copy of the peer decoder's dynamic table (RFC 7541 §2.3.2, §4),
// with an index from (name, value) and from name to the newest matching entry.
//
// The entries themselves are stored exactly as the decoder stores them (a DecoderTable: same
// §4.1 accounting, same eviction), so the two sides cannot disagree. On top of that, two
// open-addressing hash indexes (linear probing, backward-shift deletion, load <= 1/2) map a
// field hash and a name hash to the insertion number of the newest entry with that key. An
// insertion points the keys at the new entry; an eviction removes a key only if it still points
// at the evicted entry (otherwise a newer entry has taken it over). Insertion numbers are
// stable, so an entry's HPACK index is simply 62 + (newest insertion number - its number).
//
// Hashes are computed once per field by the caller (HashName, HashField) and passed to both
// Lookup and Insert. Nothing allocates once the table has reached its capacity.

#ifndef H2ENGINE_HPACK_ENCODER_TABLE_H_
#define H2ENGINE_HPACK_ENCODER_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "hpack/decoder_table.h"

namespace h2engine::hpack {

class EncoderTable {
 public:
  struct Hashes {
    uint32_t name;
    uint32_t field;
  };
  // HashField hashes (name, value) for Lookup and Insert.
  static Hashes Hash(std::string_view name, std::string_view value);

  struct Match {
    // HPACK indices (>= 62) of the newest entry equal to (name, value) and of the newest entry
    // named `name`; 0 when there is none.
    uint32_t exact_index = 0;
    uint32_t name_index = 0;
  };

  explicit EncoderTable(uint32_t capacity = kDefaultHeaderTableSize);
  EncoderTable(const EncoderTable&) = delete;
  EncoderTable& operator=(const EncoderTable&) = delete;

  size_t size() const { return table_.size(); }
  size_t num_entries() const { return table_.num_entries(); }
  uint32_t capacity() const { return table_.capacity(); }
  // Get returns the entry at `relative_index` (0 = newest), as DecoderTable::Get.
  DecoderTable::EntryView Get(size_t relative_index) const { return table_.Get(relative_index); }

  // Lookup finds (name, value) and name; `want_name` false skips the name index (the caller
  // already has a static name index, which is always shorter to encode).
  Match Lookup(std::string_view name, std::string_view value, Hashes hashes,
               bool want_name = true) const;

  // Insert adds (name, value) as the newest entry (§4.4 eviction first); false if it was larger
  // than the capacity (the table is then empty).
  bool Insert(std::string_view name, std::string_view value, Hashes hashes);

  // SetCapacity applies a dynamic table size update (§4.3).
  void SetCapacity(uint32_t capacity);

 private:
  struct IndexSlot {
    uint64_t id;  // insertion number, kEmpty for a free slot
    uint32_t hash;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  // A linear-probing map hash -> insertion number; the caller verifies the key.
  class Index {
   public:
    void Resize(size_t slots);
    size_t slots() const { return mask_ + 1; }
    // Each slot whose hash equals `hash`, in probe order, until an empty slot.
    template <typename Fn>
    uint64_t Find(uint32_t hash, Fn&& matches) const;
    // Set points `hash`'s key at `id`, replacing the slot of `old_id` if it is found.
    void Set(uint32_t hash, uint64_t id, uint64_t old_id);
    // Erase removes the slot holding `id` (found by `hash`), if present.
    void Erase(uint32_t hash, uint64_t id);

   private:
    std::unique_ptr<IndexSlot[]> slots_;
    size_t mask_ = 0;
  };

  void EvictOldest();
  void EnsureIndexCapacity(size_t max_entries);
  uint32_t IndexOf(uint64_t id) const {
    return static_cast<uint32_t>(62 + (table_.insert_count() - 1 - id));
  }
  DecoderTable::EntryView EntryOf(uint64_t id) const {
    return table_.Get(static_cast<size_t>(table_.insert_count() - 1 - id));
  }
  bool Live(uint64_t id) const {
    return id < table_.insert_count() && table_.insert_count() - id <= table_.num_entries();
  }

  DecoderTable table_;
  Index field_index_;
  Index name_index_;
  // hashes_[id & hashes_mask_]: the hashes of live entry `id`, to find its index slots when it
  // is evicted.
  std::unique_ptr<Hashes[]> hashes_;
  size_t hashes_mask_ = 0;
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_ENCODER_TABLE_H_
