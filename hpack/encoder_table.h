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
// Names of the static table (RFC 7541 Appendix A) are handled by their static index rather
// than their bytes: the field hash of such a field is seeded with the index instead of a hash
// of the name, entries remember the index, and an exact match compares the index and the value
// bytes only. The name index holds only entries whose name is not in the static table: for the
// others the static name index is always the shorter reference.
//
// A Key (KeyOf) carries the hashes, computed once per field and used by both Lookup and
// Insert. Nothing allocates once the table has reached its capacity.

#ifndef H2ENGINE_HPACK_ENCODER_TABLE_H_
#define H2ENGINE_HPACK_ENCODER_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "hpack/decoder_table.h"
#include "hpack/equal_bytes.h"
#include "hpack/static_table.h"

namespace h2engine::hpack {

class EncoderTable {
 public:
  // Key: a field as the indexes see it.
  struct Key {
    std::string_view name;
    std::string_view value;
    uint32_t static_name_index;  // StaticNameIndex(name): 0 if the name is not in Appendix A
    uint32_t name_hash;          // hash of the name; 0 (unused) when static_name_index != 0
    uint32_t field_hash;         // hash of (name, value)
  };
  // KeyOf hashes (name, value) for Lookup and Insert. `static_name_index` must be
  // StaticNameIndex(name) (the encoder has it from its static-table lookup already).
  static Key KeyOf(std::string_view name, std::string_view value, uint32_t static_name_index);
  // KeyOf finds the static name index itself.
  static Key KeyOf(std::string_view name, std::string_view value);

  struct Match {
    // HPACK indices (>= 62) of the newest entry equal to (name, value) and, for a name not in
    // the static table, of the newest entry named `name` (the exact match if there is one);
    // 0 when there is none.
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

  // Lookup finds (name, value) and, if `want_name` and the name is not a static one, the name.
  Match Lookup(const Key& key, bool want_name = true) const;

  // NewestIfEqual is a shortcut for a field whose name is in the static table: if the newest
  // entry with that name (given by its static index, non-zero) has value `value`, it returns
  // that entry's HPACK index, which is then also what Lookup would find; else 0. No hashing:
  // a repeated field (a user agent, an accept header) usually equals the newest entry of its
  // name.
  uint32_t NewestIfEqual(uint32_t static_name_index, std::string_view value) const {
    const uint64_t id = newest_by_static_name_[static_name_index];
    if (!Live(id)) return 0;
    return EqualBytes(EntryOf(id).value, value) ? IndexOf(id) : 0;
  }

  // Insert adds (name, value) as the newest entry (§4.4 eviction first); false if it was larger
  // than the capacity (the table is then empty).
  bool Insert(const Key& key);

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
    // FindSlot returns the slot of `hash`'s probe run whose entry `same(id)` accepts, or else
    // the free slot that ends the run (id == kEmpty): where the key goes.
    template <typename Fn>
    IndexSlot* FindSlot(uint32_t hash, Fn&& same) const;
    // Erase removes the slot holding `id` (found by `hash`), if present.
    void Erase(uint32_t hash, uint64_t id);

   private:
    std::unique_ptr<IndexSlot[]> slots_;
    size_t mask_ = 0;
  };

  // What the indexes need to know of a live entry: its hashes, to find its slots when it is
  // evicted, and its static name index, to compare names without their bytes.
  struct EntryInfo {
    uint32_t field_hash;
    uint32_t name_hash;
    uint32_t static_name_index;
  };

  bool SameField(uint64_t id, const Key& key) const;
  bool SameName(uint64_t id, std::string_view name) const;
  void EvictOldest();
  void EnsureIndexCapacity(size_t max_entries);
  uint32_t IndexOf(uint64_t id) const {
    return static_cast<uint32_t>(62 + (table_.insert_count() - 1 - id));
  }
  DecoderTable::EntryView EntryOf(uint64_t id) const {
    return table_.Get(static_cast<size_t>(table_.insert_count() - 1 - id));
  }
  const EntryInfo& InfoOf(uint64_t id) const { return info_[id & info_mask_]; }
  bool Live(uint64_t id) const {
    return id < table_.insert_count() && table_.insert_count() - id <= table_.num_entries();
  }

  DecoderTable table_;
  Index field_index_;
  Index name_index_;  // entries whose name is not in the static table
  // info_[id & info_mask_]: live entry `id`'s EntryInfo.
  std::unique_ptr<EntryInfo[]> info_;
  size_t info_mask_ = 0;
  // newest_by_static_name_[i]: the insertion number of the newest entry ever inserted whose
  // name is static index i's (kEmpty if none); live or not.
  uint64_t newest_by_static_name_[kStaticTableSize + 1];
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_ENCODER_TABLE_H_
