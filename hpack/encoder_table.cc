#include "hpack/encoder_table.h"

#include <algorithm>
#include <cstring>

namespace h2engine::hpack {

namespace {

constexpr uint64_t kMul = 0x9e3779b97f4a7c15ull;  // 2^64 / golden ratio
constexpr size_t kMinEntries = 8;

uint64_t Mix(uint64_t h) {
  h ^= h >> 32;
  h *= kMul;
  h ^= h >> 29;
  return h;
}

uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// HashBytes: a small multiplicative hash. Long values (cookies) are read 16 bytes at a time in
// two independent lanes, so the multiplications overlap; short ones (most names and values)
// take one or two steps.
uint64_t HashBytes(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = seed ^ (n * kMul);
  if (n >= 16) {
    uint64_t h2 = h ^ 0x6a09e667f3bcc909ull;
    do {
      h = (h ^ Load64(p)) * kMul;
      h2 = (h2 ^ Load64(p + 8)) * kMul;
      h ^= h >> 31;
      h2 ^= h2 >> 29;
      p += 16;
      n -= 16;
    } while (n >= 16);
    h ^= h2 * kMul;
  }
  if (n >= 8) {
    h = (h ^ Load64(p)) * kMul;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = a | (uint64_t{b} << 32);
  } else if (n > 0) {
    w = uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
        uint64_t{static_cast<uint8_t>(p[n - 1])} << 16;
  }
  h = (h ^ w) * kMul;
  return Mix(h);
}

size_t PowerOfTwoAtLeast(size_t n) {
  size_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

EncoderTable::Hashes EncoderTable::Hash(std::string_view name, std::string_view value) {
  const uint64_t name_hash = HashBytes(name, 0x243f6a8885a308d3ull);
  const uint64_t field_hash = HashBytes(value, name_hash);
  return {static_cast<uint32_t>(name_hash), static_cast<uint32_t>(field_hash)};
}

void EncoderTable::Index::Resize(size_t slots) {
  slots_.reset(new IndexSlot[slots]);
  for (size_t i = 0; i < slots; ++i) slots_[i].id = kEmpty;
  mask_ = slots - 1;
}

template <typename Fn>
uint64_t EncoderTable::Index::Find(uint32_t hash, Fn&& matches) const {
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    const IndexSlot& slot = slots_[i];
    if (slot.id == kEmpty) return kEmpty;
    if (slot.hash == hash && matches(slot.id)) return slot.id;
  }
}

void EncoderTable::Index::Set(uint32_t hash, uint64_t id, uint64_t old_id) {
  for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
    IndexSlot& slot = slots_[i];
    if (slot.id == kEmpty || slot.id == old_id) {
      slot.id = id;
      slot.hash = hash;
      return;
    }
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
  EnsureIndexCapacity(capacity / kEntryOverhead);
}

EncoderTable::Match EncoderTable::Lookup(std::string_view name, std::string_view value,
                                         Hashes hashes, bool want_name) const {
  Match match;
  if (table_.num_entries() == 0) return match;
  const uint64_t exact = field_index_.Find(hashes.field, [&](uint64_t id) {
    const DecoderTable::EntryView e = EntryOf(id);
    return e.name == name && e.value == value;
  });
  if (exact != kEmpty) {
    match.exact_index = match.name_index = IndexOf(exact);
    return match;
  }
  if (want_name) {
    const uint64_t named =
        name_index_.Find(hashes.name, [&](uint64_t id) { return EntryOf(id).name == name; });
    if (named != kEmpty) match.name_index = IndexOf(named);
  }
  return match;
}

bool EncoderTable::Insert(std::string_view name, std::string_view value, Hashes hashes) {
  const size_t entry_size = EntrySize(name.size(), value.size());
  if (entry_size > table_.capacity()) {
    while (table_.num_entries() > 0) EvictOldest();
    return false;
  }
  while (table_.size() + entry_size > table_.capacity()) EvictOldest();

  // Keys already present (an equal older entry, or an older entry of the same name) move to
  // the new entry; find them before inserting, while the table's views are valid.
  const uint64_t old_field = field_index_.Find(hashes.field, [&](uint64_t id) {
    const DecoderTable::EntryView e = EntryOf(id);
    return e.name == name && e.value == value;
  });
  const uint64_t old_name =
      name_index_.Find(hashes.name, [&](uint64_t id) { return EntryOf(id).name == name; });

  const bool added = table_.Insert(name, value);
  H2_DCHECK(added);
  const uint64_t id = table_.insert_count() - 1;
  hashes_[id & hashes_mask_] = hashes;
  field_index_.Set(hashes.field, id, old_field);
  name_index_.Set(hashes.name, id, old_name);
  return added;
}

void EncoderTable::SetCapacity(uint32_t capacity) {
  while (table_.size() > capacity) EvictOldest();
  table_.SetCapacity(capacity);
  EnsureIndexCapacity(capacity / kEntryOverhead);
}

void EncoderTable::EvictOldest() {
  const uint64_t id = table_.insert_count() - table_.num_entries();
  const Hashes& h = hashes_[id & hashes_mask_];
  field_index_.Erase(h.field, id);
  name_index_.Erase(h.name, id);
  table_.EvictOldest();
}

void EncoderTable::EnsureIndexCapacity(size_t max_entries) {
  const size_t entries = PowerOfTwoAtLeast(std::max(kMinEntries, max_entries));
  if (hashes_ && hashes_mask_ + 1 >= entries) return;
  // Capacity grew: rebuild the hash ring and both indexes at the new size.
  std::unique_ptr<Hashes[]> hashes(new Hashes[entries]);
  const uint64_t end = table_.insert_count();
  const uint64_t begin = end - table_.num_entries();
  for (uint64_t id = begin; id < end; ++id) hashes[id & (entries - 1)] = hashes_[id & hashes_mask_];
  hashes_ = std::move(hashes);
  hashes_mask_ = entries - 1;
  field_index_.Resize(entries * 2);
  name_index_.Resize(entries * 2);
  // Newest first: each key keeps only its newest entry.
  for (uint64_t id = end; id-- > begin;) {
    const Hashes& h = hashes_[id & hashes_mask_];
    const DecoderTable::EntryView e = EntryOf(id);
    if (field_index_.Find(h.field, [&](uint64_t other) {
          const DecoderTable::EntryView o = EntryOf(other);
          return o.name == e.name && o.value == e.value;
        }) == kEmpty) {
      field_index_.Set(h.field, id, kEmpty);
    }
    if (name_index_.Find(h.name, [&](uint64_t other) { return EntryOf(other).name == e.name; }) ==
        kEmpty) {
      name_index_.Set(h.name, id, kEmpty);
    }
  }
}

}  // namespace h2engine::hpack
