// The HPACK static table (RFC 7541 §2.3.1, Appendix A): 61 constant entries, indices 1..61,
// and the encoder's lookups into it.
//
// Lookups cost one perfect-hash probe and one comparison: names are hashed on (length, first
// byte, last byte) into a 256-slot table built at compile time (a static_assert proves it has
// no collisions), and entries sharing a name are adjacent in Appendix A, so an exact
// (name, value) match scans only those few entries.

#ifndef H2ENGINE_HPACK_STATIC_TABLE_H_
#define H2ENGINE_HPACK_STATIC_TABLE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hpack/equal_bytes.h"

namespace h2engine::hpack {

struct StaticEntry {
  std::string_view name;
  std::string_view value;
};

inline constexpr size_t kStaticTableSize = 61;

// kStaticTable[i] is the entry of index i + 1.
inline constexpr std::array<StaticEntry, kStaticTableSize> kStaticTable = {{
    {":authority", ""},
    {":method", "GET"},
    {":method", "POST"},
    {":path", "/"},
    {":path", "/index.html"},
    {":scheme", "http"},
    {":scheme", "https"},
    {":status", "200"},
    {":status", "204"},
    {":status", "206"},
    {":status", "304"},
    {":status", "400"},
    {":status", "404"},
    {":status", "500"},
    {"accept-charset", ""},
    {"accept-encoding", "gzip, deflate"},
    {"accept-language", ""},
    {"accept-ranges", ""},
    {"accept", ""},
    {"access-control-allow-origin", ""},
    {"age", ""},
    {"allow", ""},
    {"authorization", ""},
    {"cache-control", ""},
    {"content-disposition", ""},
    {"content-encoding", ""},
    {"content-language", ""},
    {"content-length", ""},
    {"content-location", ""},
    {"content-range", ""},
    {"content-type", ""},
    {"cookie", ""},
    {"date", ""},
    {"etag", ""},
    {"expect", ""},
    {"expires", ""},
    {"from", ""},
    {"host", ""},
    {"if-match", ""},
    {"if-modified-since", ""},
    {"if-none-match", ""},
    {"if-range", ""},
    {"if-unmodified-since", ""},
    {"last-modified", ""},
    {"link", ""},
    {"location", ""},
    {"max-forwards", ""},
    {"proxy-authenticate", ""},
    {"proxy-authorization", ""},
    {"range", ""},
    {"referer", ""},
    {"refresh", ""},
    {"retry-after", ""},
    {"server", ""},
    {"set-cookie", ""},
    {"strict-transport-security", ""},
    {"transfer-encoding", ""},
    {"user-agent", ""},
    {"vary", ""},
    {"via", ""},
    {"www-authenticate", ""},
}};

// Indices the encoder's policy needs to recognise by name (RFC 7541 Appendix A).
inline constexpr uint32_t kStaticAuthorityIndex = 1;
inline constexpr uint32_t kStaticPathIndex = 4;
inline constexpr uint32_t kStaticAgeIndex = 21;
inline constexpr uint32_t kStaticAuthorizationIndex = 23;
inline constexpr uint32_t kStaticContentLengthIndex = 28;
inline constexpr uint32_t kStaticCookieIndex = 32;
inline constexpr uint32_t kStaticProxyAuthorizationIndex = 49;
inline constexpr uint32_t kStaticSetCookieIndex = 55;

// GetStaticEntry returns the entry of `index` (1..61).
constexpr const StaticEntry& GetStaticEntry(uint32_t index) { return kStaticTable[index - 1]; }

struct StaticMatch {
  uint8_t exact_index = 0;  // index of the entry equal to (name, value), or 0
  uint8_t name_index = 0;   // lowest index of an entry named `name`, or 0
};

namespace static_table_internal {

inline constexpr size_t kSlots = 256;

constexpr size_t NameSlot(std::string_view name) {
  // Constants found by search so that the 52 distinct names land in distinct slots.
  return (name.size() * 13 + static_cast<uint8_t>(name.front()) +
          static_cast<uint8_t>(name.back()) * 8) &
         (kSlots - 1);
}

// kNameSlots[NameSlot(n)] is the lowest index of an entry named n (0: empty slot).
inline constexpr std::array<uint8_t, kSlots> kNameSlots = [] {
  std::array<uint8_t, kSlots> slots{};
  for (size_t i = 0; i < kStaticTableSize; ++i) {
    const size_t slot = NameSlot(kStaticTable[i].name);
    if (slots[slot] == 0) slots[slot] = static_cast<uint8_t>(i + 1);
  }
  return slots;
}();

// NoCollisions checks that the perfect hash is perfect: every entry either owns its slot or
// shares its name with the slot's owner.
constexpr bool NoCollisions() {
  for (size_t i = 0; i < kStaticTableSize; ++i) {
    const uint8_t owner = kNameSlots[NameSlot(kStaticTable[i].name)];
    if (kStaticTable[owner - 1].name != kStaticTable[i].name) return false;
  }
  return true;
}
static_assert(NoCollisions(), "static table name hash has a collision: pick new constants");

}  // namespace static_table_internal

// StaticNameIndex returns the lowest static index whose name is `name`, or 0.
inline uint32_t StaticNameIndex(std::string_view name) {
  if (name.empty()) return 0;
  const uint8_t index = static_table_internal::kNameSlots[static_table_internal::NameSlot(name)];
  if (index == 0 || !EqualBytes(kStaticTable[index - 1].name, name)) return 0;
  return index;
}

namespace static_table_internal {

// kNameRuns[i] is the number of entries from index i on that share entry i's name (entries
// with one name are adjacent in Appendix A).
inline constexpr std::array<uint8_t, kStaticTableSize + 1> kNameRuns = [] {
  std::array<uint8_t, kStaticTableSize + 1> runs{};
  for (size_t i = kStaticTableSize; i >= 1; --i) {
    runs[i] = 1;
    if (i < kStaticTableSize && kStaticTable[i].name == kStaticTable[i - 1].name) {
      runs[i] = static_cast<uint8_t>(runs[i + 1] + 1);
    }
  }
  return runs;
}();

}  // namespace static_table_internal

// StaticLookup finds `name` and (name, value) in the static table.
inline StaticMatch StaticLookup(std::string_view name, std::string_view value) {
  StaticMatch match;
  const uint32_t first = StaticNameIndex(name);
  if (first == 0) return match;
  match.name_index = static_cast<uint8_t>(first);
  const uint32_t end = first + static_table_internal::kNameRuns[first];
  for (uint32_t i = first; i < end; ++i) {
    if (EqualBytes(kStaticTable[i - 1].value, value)) {
      match.exact_index = static_cast<uint8_t>(i);
      break;
    }
  }
  return match;
}

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_STATIC_TABLE_H_
