// RFC 7541 §5.2 Huffman coding. Design notes and the correctness argument are in
// hpack/README.md, "Huffman"; the tables and their layout come from tools/gen_huffman_table.py.

#include "hpack/huffman.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "base/check.h"

namespace h2engine::hpack {
namespace internal {
#include "hpack/huffman_table.inc"
}  // namespace internal

namespace {

using internal::kHuffmanCodeLengths;
using internal::kHuffmanCodes;
using internal::kHuffmanLevels;
using internal::kHuffmanPrimary;
using internal::kHuffmanPrimaryBits;
using internal::kHuffmanSymbolsByCode;

constexpr unsigned kEos = 256;

// Primary table entry fields (see tools/gen_huffman_table.py, ENTRY LAYOUT).
constexpr uint32_t EntryBits(uint32_t e) { return e & 31; }
constexpr uint32_t EntryCount(uint32_t e) { return (e >> 5) & 3; }
constexpr uint32_t EntryFirstBits(uint32_t e) { return (e >> 8) & 31; }

// A refill leaves at least 56 valid bits in the accumulator; a group of look-ups that each
// consume at most kHuffmanPrimaryBits bits runs on one refill.
constexpr int kGroup = 56 / kHuffmanPrimaryBits;
constexpr size_t kGroupBits = size_t{kGroup} * kHuffmanPrimaryBits;
// Each look-up stores two output bytes (the second may be garbage, overwritten later).
constexpr size_t kGroupOutput = 2 * kGroup;

static_assert(kHuffmanPrimaryBits >= 8 && kHuffmanPrimaryBits <= 14);
static_assert(kHuffmanLevels[std::size(kHuffmanLevels) - 1].limit == uint64_t{1} << 32);
static_assert(kHuffmanCodeLengths[kEos] == 30 && kHuffmanCodes[kEos] == 0x3fffffff);

inline uint64_t Load64BE(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

inline void Store64BE(uint8_t* p, uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// Stores the entry's two symbol bytes (first symbol first).
inline void StoreSymbols(uint8_t* p, uint32_t e) {
  uint16_t v = static_cast<uint16_t>(e >> 16);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}

// Decode decodes `in_len` bytes at `in` into at most `out_cap` bytes at `out`.
//
// The accumulator `bits` holds the next input bits left-justified; its first `nbits` bits are
// loaded (some of them may be the zero padding of `tail` past the end of the input, which is
// why `left`, the number of input bits not yet consumed, decides when to stop). Bits after the
// first `nbits` are either the input bits that follow or zero, so OR-ing a reload over them is
// harmless.
bool Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap, size_t* out_len) {
  H2_DCHECK_LE(in_len, SIZE_MAX / 8);
  const uint8_t* p = in;
  // Loads of 8 bytes are allowed at p <= p_last: first on the input itself, then on `tail`, a
  // zero-padded copy of its last (< 8) bytes.
  const uint8_t* p_last = in_len >= 8 ? in + (in_len - 8) : nullptr;
  alignas(8) uint8_t tail[32];
  bool in_tail = false;

  uint64_t bits = 0;
  unsigned nbits = 0;
  size_t left = in_len * 8;
  uint8_t* o = out;
  uint8_t* const o_end = out + out_cap;

  auto refill = [&]() {
    // Adds whole bytes so that 56 <= nbits <= 63.
    bits |= Load64BE(p) >> nbits;
    p += (63 - nbits) >> 3;
    nbits |= 56;
  };

  for (;;) {
    if (p_last == nullptr || p > p_last) {
      // p never passes p_last inside `tail`: p - tail <= 14 (see README.md).
      H2_CHECK(!in_tail);
      size_t rest = static_cast<size_t>(in + in_len - p);
      H2_DCHECK_LT(rest, 8u);
      std::memset(tail, 0, sizeof(tail));
      if (rest != 0) std::memcpy(tail, p, rest);
      p = tail;
      p_last = tail + sizeof(tail) - 8;
      in_tail = true;
    }

    // The fast path: a group of look-ups per refill while there are at least kGroupBits input
    // bits and kGroupOutput bytes of room. A look-up whose first code is longer than the
    // primary table (entry 0) consumes nothing, so the rest of the group repeats it and the
    // last entry tells whether it happened.
    while (left >= kGroupBits && static_cast<size_t>(o_end - o) >= kGroupOutput &&
           p <= p_last) {
      refill();
      const unsigned before = nbits;
      uint32_t e = 0;
      for (int g = 0; g < kGroup; ++g) {
        e = kHuffmanPrimary[bits >> (64 - kHuffmanPrimaryBits)];
        StoreSymbols(o, e);
        o += EntryCount(e);
        bits <<= EntryBits(e);
        nbits -= EntryBits(e);
      }
      left -= before - nbits;
      if (EntryBits(e) == 0) break;
    }
    if (p > p_last) continue;

    // The careful path: one step, exact bounds. Handles long codes, the last bits of the input
    // and the last bytes of output room.
    if (left == 0) break;
    refill();
    const size_t avail = std::min<size_t>(nbits, left);
    const uint32_t e = kHuffmanPrimary[bits >> (64 - kHuffmanPrimaryBits)];
    if (EntryBits(e) != 0) {
      unsigned used = EntryBits(e);
      size_t count = EntryCount(e);
      if (used > avail) {
        used = EntryFirstBits(e);
        count = 1;
        if (used > avail) break;  // An incomplete code: the padding.
      }
      if (static_cast<size_t>(o_end - o) < count) return false;
      o[0] = static_cast<uint8_t>(e >> 16);
      if (count == 2) o[1] = static_cast<uint8_t>(e >> 24);
      o += count;
      bits <<= used;
      nbits -= used;
      left -= used;
    } else {
      // A code longer than the primary table: find its length from the canonical limits.
      const uint64_t window = bits >> 32;
      const internal::HuffmanLevel* level = kHuffmanLevels;
      while (window >= level->limit) ++level;
      const unsigned length = level->length;
      if (length > avail) break;  // An incomplete code: the padding.
      const unsigned symbol =
          kHuffmanSymbolsByCode[level->offset + ((window - level->first) >> (32 - length))];
      if (symbol == kEos) return false;  // §5.2: EOS in the string is a decoding error.
      if (o == o_end) return false;
      *o++ = static_cast<uint8_t>(symbol);
      bits <<= length;
      nbits -= length;
      left -= length;
    }
  }

  // What is left is an incomplete code (fewer than 30 bits). §5.2: more than 7 bits of padding,
  // or padding that is not the most significant bits of EOS (all 1-bits), is an error.
  if (left > 7) return false;
  if (left != 0 && (bits >> (64 - left)) != (uint64_t{1} << left) - 1) return false;
  *out_len = static_cast<size_t>(o - out);
  return true;
}

}  // namespace

size_t HuffmanEncodedLength(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  // Four independent sums let the loads overlap.
  size_t b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    b0 += kHuffmanCodeLengths[p[i]];
    b1 += kHuffmanCodeLengths[p[i + 1]];
    b2 += kHuffmanCodeLengths[p[i + 2]];
    b3 += kHuffmanCodeLengths[p[i + 3]];
  }
  for (; i < n; ++i) b0 += kHuffmanCodeLengths[p[i]];
  return (b0 + b1 + b2 + b3 + 7) / 8;
}

void HuffmanEncode(std::string_view s, size_t encoded_length, h2engine::ByteSink& out) {
  H2_DCHECK_EQ(encoded_length, HuffmanEncodedLength(s));
  // Each step stores 8 bytes at `o`, of which only the complete ones count; the others are
  // overwritten by the next step or lie in the 8 bytes of slack.
  uint8_t* const start = out.Reserve(encoded_length + 8);
  uint8_t* o = start;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* const end = p + s.size();
  // The low `n` bits of `acc` are pending output (n <= 7 between steps); higher bits are stale.
  uint64_t acc = 0;
  unsigned n = 0;

  auto emit = [&](uint64_t code, unsigned length) {
    // n + length <= 7 + 56 bits fit; n >= 5 afterwards, so the shift is < 64.
    acc = (acc << length) | code;
    n += length;
    Store64BE(o, acc << (64 - n));
    o += n >> 3;
    n &= 7;
  };

  // Two symbols per step: their codes are joined off the accumulator's dependency chain.
  for (; end - p >= 2; p += 2) {
    const unsigned l1 = kHuffmanCodeLengths[p[0]];
    const unsigned l2 = kHuffmanCodeLengths[p[1]];
    const uint64_t c1 = kHuffmanCodes[p[0]];
    const uint64_t c2 = kHuffmanCodes[p[1]];
    if (H2_PREDICT_TRUE(l1 + l2 <= 56)) {
      emit((c1 << l2) | c2, l1 + l2);
    } else {
      emit(c1, l1);
      emit(c2, l2);
    }
  }
  if (p != end) emit(kHuffmanCodes[*p], kHuffmanCodeLengths[*p]);
  if (n != 0) {
    // Pad with the most significant bits of EOS: 1-bits.
    *o++ = static_cast<uint8_t>((acc << (8 - n)) | (0xffu >> n));
  }
  H2_DCHECK_EQ(static_cast<size_t>(o - start), encoded_length);
  out.Commit(encoded_length);
}

bool HuffmanDecodeTo(std::span<const uint8_t> in, std::span<uint8_t> out, size_t* out_length) {
  return Decode(in.data(), in.size(), out.data(), out.size(), out_length);
}

bool HuffmanDecode(std::span<const uint8_t> in, size_t max_output, std::string* out) {
  const size_t cap = std::min(max_output, HuffmanMaxDecodedLength(in.size()));
  const size_t old_size = out->size();
  out->resize(old_size + cap);
  size_t n = 0;
  const bool ok =
      Decode(in.data(), in.size(), reinterpret_cast<uint8_t*>(out->data()) + old_size, cap, &n);
  out->resize(old_size + (ok ? n : 0));
  return ok;
}

}  // namespace h2engine::hpack
