#include "hpack/encoder_table.h"

#include <algorithm>
#include <cstring>

#include "hpack/equal_bytes.h"
#include "hpack/static_table.h"

namespace h2engine::hpack {

namespace {

constexpr size_t kMinEntries = 8;

uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

uint64_t Load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// Fold: the 128-bit product of a and b, halves XOR-ed: every input bit reaches the middle
// bits, and with one more Fold by a constant, every output bit.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

constexpr uint64_t kK0 = 0xa0761d6478bd642full;
constexpr uint64_t kK1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kK2 = 0x8ebc6af09c88c6e3ull;

// HashBytes: a multiplicative hash in the style of wyhash (not its exact function): strings of
// up to 16 bytes are read as two overlapping words and mixed by two 64x64->128 multiplications;
// longer ones take one multiplication per 16 bytes. The indexes verify every key, so this
// only needs to spread keys, not resist an adversary (a probe run is at most the table's
// entries long).
uint64_t HashBytes(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a = 0, b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = uint64_t{static_cast<uint8_t>(p[0])} << 16 |
          uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 | uint64_t{static_cast<uint8_t>(p[n - 1])};
    }
  } else {
    size_t left = n;
    do {
      seed = Fold(Load64(p) ^ kK1, Load64(p + 8) ^ seed);
      p += 16;
      left -= 16;
    } while (left > 16);
    // The last 16 bytes (overlapping what came before).
    a = Load64(p + left - 16);
    b = Load64(p + left - 8);
  }
  return Fold(Fold(a ^ kK1, b ^ seed ^ n) ^ kK0, kK2);
}

size_t PowerOfTwoAtLeast(size_t n) {
  size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

EncoderTable::Key EncoderTable::KeyOf(std::string_view name, std::string_view value,
                                     uint32_t static_name_index) {
  H2_DCHECK_EQ(static_name_index, StaticNameIndex(name));
  if (static_name_index != 0) {
    // The name is known by its index: no need to read it.
    const uint64_t seed = Fold(static_name_index ^ kK0, kK2);
    return {name, value, static_name_index, 0, static_cast<uint32_t>(HashBytes(value, seed))};
  }
  const uint64_t name_hash = HashBytes(name, 0x243f6a8885a308d3ull);
  return {name, value, 0, static_cast<uint32_t>(name_hash),
          static_cast<uint32_t>(HashBytes(value, name_hash))};
}

EncoderTable::Key EncoderTable::KeyOf(std::string_view name, std::string_view value) {
  return KeyOf(name, value, StaticNameIndex(name));
}

void EncoderTable::Index::Resize(size_t slots) {
  slots_.reset(new IndexSlot[slots]);
  for (size_t i = 0; i < slots; ++i) slots_[i].id = kEmpty;
  mask_ = slots - 1;
}

template <typename Fn>
EncoderTable::IndexSlot* EncoderTable::Index::FindSlot(uint32_t hash, Fn&& same) const {
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    IndexSlot& slot = slots_[i];
    if (slot.id == kEmpty || (slot.hash == hash && same(slot.id))) return &slot;
  }
}

void EncoderTable::Index::Erase(uint32_t hash, uint64_t id) {
  size_t i = hash & mask_;
  for (;; i = (i + 1) & mask_) {
    if (slots_[i].id == kEmpty) return;
    if (slots_[i].id == id) break;
  }
  // Backward-shift deletion: pull later slots of the probe run into the hole when their home
  // slot does not lie cyclically in (hole, slot].
  for (size_t j = (i + 1) & mask_; slots_[j].id != kEmpty; j = (j + 1) & mask_) {
    const size_t home = slots_[j].hash & mask_;
    const bool stays = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      slots_[i] = slots_[j];
      i = j;
    }
  }
  slots_[i].id = kEmpty;
}

EncoderTable::EncoderTable(uint32_t capacity) : table_(capacity) {
  for (uint64_t& id : newest_by_static_name_) id = kEmpty;
  EnsureIndexCapacity(capacity / kEntryOverhead);
}

bool EncoderTable::SameField(uint64_t id, const Key& key) const {
  if (InfoOf(id).static_name_index != key.static_name_index) return false;
  const DecoderTable::EntryView e = EntryOf(id);
  return (key.static_name_index != 0 || EqualBytes(e.name, key.name)) &&
         EqualBytes(e.value, key.value);
}

bool EncoderTable::SameName(uint64_t id, std::string_view name) const {
  return EqualBytes(EntryOf(id).name, name);
}

EncoderTable::Match EncoderTable::Lookup(const Key& key, bool want_name) const {
  Match match;
  if (table_.num_entries() == 0) return match;
  const uint64_t exact =
      field_index_.FindSlot(key.field_hash, [&](uint64_t id) { return SameField(id, key); })->id;
  if (exact != kEmpty) {
    match.exact_index = match.name_index = IndexOf(exact);
    return match;
  }
  if (want_name && key.static_name_index == 0) {
    const uint64_t named =
        name_index_.FindSlot(key.name_hash, [&](uint64_t id) { return SameName(id, key.name); })
            ->id;
    if (named != kEmpty) match.name_index = IndexOf(named);
  }
  return match;
}

bool EncoderTable::Insert(const Key& key) {
  const size_t entry_size = EntrySize(key.name.size(), key.value.size());
  if (entry_size > table_.capacity()) {
    while (table_.num_entries() > 0) EvictOldest();
    return false;
  }
  while (table_.size() + entry_size > table_.capacity()) EvictOldest();

  // Point the keys at the new entry: an equal older entry or an older entry of the same name
  // gives up its slot, else the key takes the free slot ending its probe run. Compared while
  // the table's views are valid, i.e. before the insertion may move the arena.
  const uint64_t id = table_.insert_count();
  *field_index_.FindSlot(key.field_hash, [&](uint64_t other) { return SameField(other, key); }) =
      {id, key.field_hash};
  if (key.static_name_index == 0) {
    *name_index_.FindSlot(key.name_hash,
                          [&](uint64_t other) { return SameName(other, key.name); }) = {
        id, key.name_hash};
  }
  info_[id & info_mask_] = {key.field_hash, key.name_hash, key.static_name_index};
  newest_by_static_name_[key.static_name_index] = id;  // [0] is unused
  const bool added = table_.Insert(key.name, key.value);
  H2_DCHECK(added);
  H2_DCHECK_EQ(table_.insert_count(), id + 1);
  return added;
}

void EncoderTable::SetCapacity(uint32_t capacity) {
  while (table_.size() > capacity) EvictOldest();
  table_.SetCapacity(capacity);
  EnsureIndexCapacity(capacity / kEntryOverhead);
}

void EncoderTable::EvictOldest() {
  const uint64_t id = table_.insert_count() - table_.num_entries();
  const EntryInfo& info = InfoOf(id);
  field_index_.Erase(info.field_hash, id);
  if (info.static_name_index == 0) name_index_.Erase(info.name_hash, id);
  table_.EvictOldest();
}

void EncoderTable::EnsureIndexCapacity(size_t max_entries) {
  const size_t entries = PowerOfTwoAtLeast(std::max(kMinEntries, max_entries));
  if (info_ && info_mask_ + 1 >= entries) return;
  // Capacity grew: rebuild the info ring and both indexes at the new size.
  std::unique_ptr<EntryInfo[]> info(new EntryInfo[entries]);
  const uint64_t end = table_.insert_count();
  const uint64_t begin = end - table_.num_entries();
  for (uint64_t id = begin; id < end; ++id) info[id & (entries - 1)] = InfoOf(id);
  info_ = std::move(info);
  info_mask_ = entries - 1;
  field_index_.Resize(entries * 2);
  name_index_.Resize(entries * 2);
  // Newest first: each key keeps only its newest entry.
  for (uint64_t id = end; id-- > begin;) {
    const EntryInfo& e = InfoOf(id);
    const DecoderTable::EntryView view = EntryOf(id);
    const Key key = {view.name, view.value, e.static_name_index, e.name_hash, e.field_hash};
    IndexSlot* slot =
        field_index_.FindSlot(e.field_hash, [&](uint64_t other) { return SameField(other, key); });
    if (slot->id == kEmpty) *slot = {id, e.field_hash};
    if (e.static_name_index == 0) {
      slot = name_index_.FindSlot(e.name_hash,
                                  [&](uint64_t other) { return SameName(other, view.name); });
      if (slot->id == kEmpty) *slot = {id, e.name_hash};
    }
  }
}

}  // namespace h2engine::hpack
