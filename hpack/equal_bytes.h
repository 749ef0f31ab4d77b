// EqualBytes: string equality for the short strings of header fields (names and values are
// mostly under 32 bytes), inline and without a call to memcmp: a length check and one to four
// word compares for strings up to 32 bytes.

#ifndef H2ENGINE_HPACK_EQUAL_BYTES_H_
#define H2ENGINE_HPACK_EQUAL_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace h2engine::hpack {

namespace equal_bytes_internal {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace equal_bytes_internal

// EqualBytes returns a == b. Loads stay inside both strings (overlapping loads cover the ends).
inline bool EqualBytes(std::string_view a, std::string_view b) {
  using equal_bytes_internal::Load32;
  using equal_bytes_internal::Load64;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    if (n > 32) return std::memcmp(p, q, n) == 0;
    // Whole words, then the last word (overlapping the previous one).
    uint64_t diff = Load64(p + n - 8) ^ Load64(q + n - 8);
    for (size_t i = 0; i + 8 < n; i += 8) diff |= Load64(p + i) ^ Load64(q + i);
    return diff == 0;
  }
  if (n >= 4) {
    return ((Load32(p) ^ Load32(q)) | (Load32(p + n - 4) ^ Load32(q + n - 4))) == 0;
  }
  if (n == 0) return true;
  // 1..3 bytes: the first, middle and last cover them all.
  return p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1];
}

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_EQUAL_BYTES_H_
