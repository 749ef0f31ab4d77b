// RFC 7541 §5.2 Huffman coding. Design notes and the correctness argument are in
// hpack/README.md, "Huffman"; the tables and their layout come from tools/gen_huffman_table.py.

#include "hpack/huffman.h"

#include <algorithm>
#include <array>
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

// The decoder's primary table: the generated kHuffmanPrimary (see tools/gen_huffman_table.py,
// ENTRY LAYOUT) rearranged at compile time so that the hot loop needs fewest instructions:
//   bits  0-5   total bits consumed (the 64-bit shift count, which x86 masks to 6 bits anyway;
//               four entries can be summed and masked once: 4 x 12 < 64)
//   bits  8-15  first symbol; bits 16-23 second symbol (stored as one 16-bit word)
//   bits 24-28  length of the first symbol's code
//   bits 30-31  number of symbols (a shift, no mask)
namespace generated {
constexpr uint32_t Bits(uint32_t e) { return e & 63; }
constexpr uint32_t Count(uint32_t e) { return (e >> 6) & 3; }
constexpr uint32_t FirstBits(uint32_t e) { return (e >> 8) & 31; }
constexpr uint32_t Symbols(uint32_t e) { return e >> 16; }
}  // namespace generated

constexpr auto kPrimary = [] {
  std::array<uint32_t, std::size(kHuffmanPrimary)> table{};
  for (size_t i = 0; i < table.size(); ++i) {
    const uint32_t e = kHuffmanPrimary[i];
    table[i] = generated::Bits(e) | generated::Symbols(e) << 8 | generated::FirstBits(e) << 24 |
               generated::Count(e) << 30;
  }
  return table;
}();
static_assert(sizeof(kPrimary) == sizeof(kHuffmanPrimary));

constexpr uint32_t EntryBits(uint32_t e) { return e & 63; }
constexpr uint32_t EntryCount(uint32_t e) { return e >> 30; }
constexpr uint32_t EntryFirstBits(uint32_t e) { return (e >> 24) & 31; }
constexpr uint8_t EntryFirstSymbol(uint32_t e) { return static_cast<uint8_t>(e >> 8); }
constexpr uint8_t EntrySecondSymbol(uint32_t e) { return static_cast<uint8_t>(e >> 16); }

// A refill leaves at least 56 valid bits in the accumulator; a group of look-ups that each
// consume at most kHuffmanPrimaryBits bits runs on one refill.
constexpr int kGroup = 56 / kHuffmanPrimaryBits;
// Each look-up stores two output bytes (the second may be garbage, overwritten later).
constexpr size_t kGroupOutput = 2 * kGroup;

static_assert(kHuffmanPrimaryBits >= 8 && kHuffmanPrimaryBits <= 14);
static_assert(kGroup * kHuffmanPrimaryBits < 64, "the group's sum of entries would carry");
static_assert(kHuffmanLevels[std::size(kHuffmanLevels) - 1].limit == uint64_t{1} << 32);
static_assert(kHuffmanCodeLengths[kEos] == 30 && kHuffmanCodes[kEos] == 0x3fffffff);

// The encoder's codes, left-justified in 64 bits.
constexpr auto kLeftJustifiedCodes = [] {
  std::array<uint64_t, 256> codes{};
  for (size_t i = 0; i < 256; ++i) {
    codes[i] = uint64_t{kHuffmanCodes[i]} << (64 - kHuffmanCodeLengths[i]);
  }
  return codes;
}();

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
  uint16_t v = static_cast<uint16_t>(e >> 8);
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}

// IsPadding: the `left` remaining bits, left-justified in `bits`, are valid padding (RFC 7541
// §5.2): at most 7 bits, all 1 (the most significant bits of EOS).
inline bool IsPadding(uint64_t bits, size_t left) {
  if (left > 7) return false;
  const uint64_t mask = ~(~uint64_t{0} >> left);
  return (bits & mask) == mask;
}

inline uint32_t Load32BE(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap32(v);
  return v;
}

// TailWord returns the last `rest` (< 8) bytes of the input, which end at `end`, left-justified
// and followed by 1-bits. It reads only input bytes: at most `in_len` bytes before `end`.
inline uint64_t TailWord(const uint8_t* end, size_t rest, size_t in_len) {
  uint64_t w = 0;
  if (in_len >= 8) {
    if (rest != 0) w = Load64BE(end - 8) << (8 * (8 - rest));
  } else if (rest >= 4) {
    // Two overlapping 4-byte loads; OR-ing the bytes they share is harmless.
    const uint8_t* p = end - rest;
    w = (uint64_t{Load32BE(p)} << 32) | (uint64_t{Load32BE(end - 4)} << (64 - 8 * rest));
  } else if (rest != 0) {
    const uint8_t* p = end - rest;
    w = (uint64_t{p[0]} << 56) | (uint64_t{p[rest / 2]} << (56 - 8 * (rest / 2))) |
        (uint64_t{p[rest - 1]} << (56 - 8 * (rest - 1)));
  }
  return w | (~uint64_t{0} >> (8 * rest));
}

enum class Step { kContinue, kDone, kError };

// Decode decodes `in_len` bytes at `in` into at most `out_cap` bytes at `out`. kPadded: the
// kHuffmanDecodeSlack bytes after out + out_cap may be written to as well.
//
// The accumulator `bits` holds the next input bits left-justified; its first `nbits` bits are
// loaded. Near the end some of them may be the 1-bits that follow the input, which is why
// `left`, the number of input bits not yet consumed, decides what is real. Bits after the
// first `nbits` are either zero or what follows in the input, so OR-ing a reload over them is
// harmless.
template <bool kPadded>
bool Decode(const uint8_t* in, size_t in_len, uint8_t* out, size_t out_cap, size_t* out_len) {
  H2_DCHECK_LE(in_len, SIZE_MAX / 8);
  uint64_t bits = 0;
  unsigned nbits = 0;
  size_t left = in_len * 8;
  uint8_t* o = out;
  uint8_t* const o_end = out + out_cap;

  auto consume = [&](uint32_t n) {
    bits <<= n;
    nbits -= n;
    left -= n;
  };

  // One step after a refill (56 <= nbits <= 63).
  auto step = [&]() __attribute__((always_inline)) {
    uint32_t e = kPrimary[bits >> (64 - kHuffmanPrimaryBits)];
    // The fast path: a group of look-ups while there are kGroupOutput bytes of room (padded:
    // any room, the stores may go into the slack). A look-up whose first code is longer than
    // the primary table (entry 0) consumes nothing, so the rest of the group repeats it; the
    // next step starts with it and goes to the careful path.
    //
    // Near the end the look-ups may run past the input into the 1-bits that follow it. A valid
    // string ends with at most 7 1-bits, and no code but EOS (30 bits) is all 1-bits, so there
    // the look-ups find entry 0 and consume nothing. A code that completes only with the
    // 1-bits after the input means the input ended with something other than padding, an
    // error: it shows as more bits consumed than the input had.
    if (H2_PREDICT_TRUE(EntryBits(e) != 0 && (kPadded ? o <= o_end
                                                       : static_cast<size_t>(o_end - o) >=
                                                             kGroupOutput))) {
      // The entries' sum: its low 6 bits are the bits consumed (at most 4 x 12 < 64).
      uint32_t sum = 0;
#pragma GCC unroll 8
      for (int g = 0; g < kGroup; ++g) {
        if (g != 0) e = kPrimary[bits >> (64 - kHuffmanPrimaryBits)];
        StoreSymbols(o, e);
        o += EntryCount(e);
        bits <<= EntryBits(e);
        sum += e;
      }
      const unsigned used = EntryBits(sum);
      nbits -= used;
      if (H2_PREDICT_FALSE(used > left)) return Step::kError;
      left -= used;
      // Padded, the group may have gone past out_cap: the string is too long.
      if (kPadded && H2_PREDICT_FALSE(o > o_end)) return Step::kError;
      return Step::kContinue;
    }

    // One look-up: the last bits of the input or the last bytes of room.
    if (H2_PREDICT_TRUE(EntryBits(e) - 1 < left && o_end - o >= 2)) {
      // 0 < used <= left: every symbol in the entry is made of input bits.
      StoreSymbols(o, e);
      o += EntryCount(e);
      consume(EntryBits(e));
      return Step::kContinue;
    }

    // The careful path, with exact bounds. Up to 7 1-bits cannot hold a code
    // (gen_huffman_table.py checks it): that is the padding, and the end.
    if (IsPadding(bits, left)) return Step::kDone;
    const size_t avail = std::min<size_t>(nbits, left);
    if (EntryBits(e) != 0) {
      // The entry's first code fits in the primary table.
      uint32_t n = EntryBits(e);
      size_t count = EntryCount(e);
      if (n > avail) {
        n = EntryFirstBits(e);
        count = 1;
        if (n > avail) return Step::kDone;  // An incomplete code: the padding.
      }
      if (static_cast<size_t>(o_end - o) < count) return Step::kError;  // Over max_output.
      o[0] = EntryFirstSymbol(e);
      if (count == 2) o[1] = EntrySecondSymbol(e);
      o += count;
      consume(n);
      return Step::kContinue;
    }
    // A code longer than the primary table: find its length from the canonical limits.
    const uint64_t window = bits >> 32;
    const internal::HuffmanLevel* level = kHuffmanLevels;
    while (window >= level->limit) ++level;
    const unsigned length = level->length;
    if (length > avail) return Step::kDone;  // An incomplete code: the padding.
    const unsigned symbol =
        kHuffmanSymbolsByCode[level->offset + ((window - level->first) >> (32 - length))];
    if (symbol == kEos) return Step::kError;  // §5.2: EOS in the string is a decoding error.
    if (o == o_end) return Step::kError;      // Over max_output.
    *o++ = static_cast<uint8_t>(symbol);
    consume(length);
    return Step::kContinue;
  };

  // On the input itself while 8 bytes can be loaded: add whole bytes, 56 <= nbits <= 63.
  const uint8_t* p = in;
  Step result = Step::kContinue;
  if (in_len >= 8) {
    const uint8_t* const p_last = in + (in_len - 8);
    while (p <= p_last) {
      bits |= Load64BE(p) >> nbits;
      p += (63 - nbits) >> 3;
      nbits |= 56;
      result = step();
      if (result != Step::kContinue) break;
    }
  }
  // The last (< 8) bytes, from a register, followed by 1-bits. As no code but EOS is all
  // 1-bits, the input's last symbol completes in the primary table (alone, as the 1-bits
  // hold no second one) and the next look-up ends the string.
  if (result == Step::kContinue) {
    uint64_t tail = TailWord(in + in_len, static_cast<size_t>(in + in_len - p), in_len);
    do {
      bits |= tail >> nbits;
      const unsigned taken = ((63 - nbits) >> 3) * 8;
      tail = (tail << taken) | ~(~uint64_t{0} << taken);
      nbits |= 56;
      result = step();
    } while (result == Step::kContinue);
  }
  if (result == Step::kError) return false;

  // What is left is an incomplete code (fewer than 30 bits). §5.2: more than 7 bits of padding,
  // or padding that is not the most significant bits of EOS (all 1-bits), is an error.
  if (!IsPadding(bits, left)) return false;
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

namespace {

// EncodeTo writes the code of [p, end) at `o`, padded to a whole byte, if it takes at most
// o_limit - o bytes, and returns the end of the code; else it returns nullptr. It stores 8 bytes
// at a time at positions <= o_limit only, so it writes inside [o, o_limit + 8).
uint8_t* EncodeTo(const uint8_t* p, const uint8_t* const end, uint8_t* o,
                  const uint8_t* const o_limit) {
  // Each step stores 8 bytes at `o`, of which only the complete ones count; the others are
  // overwritten by the next step or lie in the 8 bytes of slack.
  // The first `n` bits of `acc` (n <= 7 between steps) are pending output; the rest are zero.
  uint64_t acc = 0;
  unsigned n = 0;

  // Emits one code (at most 56 bits); false if the output would pass o_limit.
  auto emit = [&](uint64_t left_justified_code, unsigned length) __attribute__((always_inline)) {
    if (H2_PREDICT_FALSE(o > o_limit)) return false;
    // n + length <= 7 + 56 < 64, so the shift below is by less than 64.
    acc |= left_justified_code >> n;
    n += length;
    Store64BE(o, acc);
    o += n >> 3;
    acc <<= n & 56;
    n &= 7;
    return true;
  };

  // Codes of two symbols are joined off the accumulator's dependency chain, and two such pairs
  // again when they fit (always for text: 4 symbols of at most 14 bits each).
  auto join = [](const uint8_t* q, uint64_t* code, unsigned* length) {
    const unsigned l1 = kHuffmanCodeLengths[q[0]];
    *code = kLeftJustifiedCodes[q[0]] | (kLeftJustifiedCodes[q[1]] >> l1);
    *length = l1 + kHuffmanCodeLengths[q[1]];
  };
  for (; end - p >= 4; p += 4) {
    uint64_t c12, c34;
    unsigned l12, l34;
    join(p, &c12, &l12);
    join(p + 2, &c34, &l34);
    if (H2_PREDICT_TRUE(l12 + l34 <= 56)) {
      if (!emit(c12 | (c34 >> l12), l12 + l34)) return nullptr;
    } else {
      // Emit the four symbols one by one (each at most 30 bits).
      for (int i = 0; i < 4; ++i) {
        if (!emit(kLeftJustifiedCodes[p[i]], kHuffmanCodeLengths[p[i]])) return nullptr;
      }
    }
  }
  for (; p != end; ++p) {
    if (!emit(kLeftJustifiedCodes[*p], kHuffmanCodeLengths[*p])) return nullptr;
  }
  if (n != 0) {
    // Pad with the most significant bits of EOS: 1-bits.
    if (o >= o_limit) return nullptr;
    *o++ = static_cast<uint8_t>((acc >> 56) | (0xffu >> n));
  }
  return o <= o_limit ? o : nullptr;
}

}  // namespace

void HuffmanEncode(std::string_view s, size_t encoded_length, h2engine::ByteSink& out) {
  H2_DCHECK_EQ(encoded_length, HuffmanEncodedLength(s));
  uint8_t* const start = out.Reserve(encoded_length + kHuffmanEncodeSlack);
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  // A wrong `encoded_length` (a caller's bug) stops the encoder before it writes outside what
  // was reserved.
  const uint8_t* const o = EncodeTo(p, p + s.size(), start, start + encoded_length);
  H2_CHECK(o != nullptr);
  H2_DCHECK_EQ(static_cast<size_t>(o - start), encoded_length);
  out.Commit(encoded_length);
}

bool HuffmanEncodeTo(std::string_view s, size_t max_length, uint8_t* out, size_t* out_length) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const uint8_t* const o = EncodeTo(p, p + s.size(), out, out + max_length);
  if (o == nullptr) return false;
  *out_length = static_cast<size_t>(o - out);
  return true;
}

bool HuffmanDecodeTo(std::span<const uint8_t> in, std::span<uint8_t> out, size_t* out_length) {
  return Decode<false>(in.data(), in.size(), out.data(), out.size(), out_length);
}

bool HuffmanDecodeToPadded(std::span<const uint8_t> in, uint8_t* out, size_t max_output,
                           size_t* out_length) {
  return Decode<true>(in.data(), in.size(), out, max_output, out_length);
}

bool HuffmanDecode(std::span<const uint8_t> in, size_t max_output, std::string* out) {
  const size_t cap = std::min(max_output, HuffmanMaxDecodedLength(in.size()));
  const size_t old_size = out->size();
  out->resize(old_size + cap);
  size_t n = 0;
  const bool ok =
      Decode<false>(in.data(), in.size(), reinterpret_cast<uint8_t*>(out->data()) + old_size, cap,
                    &n);
  out->resize(old_size + (ok ? n : 0));
  return ok;
}

}  // namespace h2engine::hpack
