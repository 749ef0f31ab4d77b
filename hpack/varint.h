// Prefix integers (RFC 7541 §5.1): encoding, and a resumable decoder with overflow limits.
//
// An integer starts in the low N bits (1 <= N <= 8) of a byte whose high bits belong to the
// representation (§6), and continues in 7-bit groups, least significant first, while the high
// bit of a byte is set. We accept only values that fit in 32 bits and at most
// kMaxVarintContinuationBytes continuation bytes (enough for any 32-bit value after any prefix;
// §5.1 asks decoders to bound both the value and the encoded length). Anything else is
// kIntegerOverflow, so a stream of 0x80 bytes costs the decoder six bytes, not forever.
//
// The callers apply the per-use limits (table index, string length, table size).

#ifndef H2ENGINE_HPACK_VARINT_H_
#define H2ENGINE_HPACK_VARINT_H_

#include <cstddef>
#include <cstdint>

#include "base/byte_sink.h"
#include "base/check.h"
#include "base/status.h"

namespace h2engine::hpack {

// 2^32 - 1 - (2^N - 1) < 2^35: five continuation bytes carry every 32-bit value.
inline constexpr size_t kMaxVarintContinuationBytes = 5;
// kMaxVarintLength is the most bytes EncodeVarint writes (and VarintDecoder accepts).
inline constexpr size_t kMaxVarintLength = 1 + kMaxVarintContinuationBytes;

// VarintLength returns how many bytes EncodeVarint writes for `value` with an N-bit prefix.
constexpr size_t VarintLength(int prefix_bits, uint32_t value) {
  const uint32_t max_prefix = (1u << prefix_bits) - 1;
  if (value < max_prefix) return 1;
  value -= max_prefix;
  size_t n = 2;
  while (value >= 128) {
    value >>= 7;
    ++n;
  }
  return n;
}

// EncodeVarint writes `value` with an N-bit prefix (1 <= N <= 8) to `out`, which must have room
// for kMaxVarintLength bytes, OR-ing `high_bits` (the representation's pattern, zero in the low
// N bits) into the first byte. Returns the number of bytes written.
inline size_t EncodeVarint(uint8_t high_bits, int prefix_bits, uint32_t value, uint8_t* out) {
  H2_DCHECK(prefix_bits >= 1 && prefix_bits <= 8);
  const uint32_t max_prefix = (1u << prefix_bits) - 1;
  H2_DCHECK_EQ(high_bits & max_prefix, 0u);
  if (H2_PREDICT_TRUE(value < max_prefix)) {
    out[0] = static_cast<uint8_t>(high_bits | value);
    return 1;
  }
  out[0] = static_cast<uint8_t>(high_bits | max_prefix);
  value -= max_prefix;
  size_t n = 1;
  while (value >= 128) {
    out[n++] = static_cast<uint8_t>(0x80 | (value & 0x7f));
    value >>= 7;
  }
  out[n++] = static_cast<uint8_t>(value);
  return n;
}

// AppendVarint appends the encoding of `value` to `out` (see EncodeVarint).
inline void AppendVarint(uint8_t high_bits, int prefix_bits, uint32_t value, ByteSink& out) {
  out.Commit(EncodeVarint(high_bits, prefix_bits, value, out.Reserve(kMaxVarintLength)));
}

// VarintDecoder decodes one prefix integer that may be split across buffers. Start() with the
// buffer holding the first byte; while it returns kInProgress (the buffer ran out), call
// Resume() with the next buffer. kDone means value() is ready; kError means kIntegerOverflow.
// Each call reads from `cursor` up to `end` and advances `cursor` past the bytes it consumed.
// The object is small and trivially copyable; it holds no pointer into any buffer.
//
// (Raw cursors rather than base's DecodeBuffer: base/decode_buffer.h does not compile with
// -DNDEBUG yet, and hpack must build under --config=opt for the benchmarks.)
class VarintDecoder {
 public:
  // Start consumes the first byte of the integer (cursor < end) and as many continuation
  // bytes as are present.
  DecodeStatus Start(int prefix_bits, const uint8_t*& cursor, const uint8_t* end) {
    H2_DCHECK(cursor < end);
    const uint8_t first_byte = *cursor++;
    return StartWithFirstByte(first_byte, prefix_bits, cursor, end);
  }

  // StartWithFirstByte is Start for a caller that has already consumed the first byte (to look
  // at its high bits); [cursor, end) holds what follows it.
  DecodeStatus StartWithFirstByte(uint8_t first_byte, int prefix_bits, const uint8_t*& cursor,
                                  const uint8_t* end) {
    H2_DCHECK(prefix_bits >= 1 && prefix_bits <= 8);
    const uint32_t max_prefix = (1u << prefix_bits) - 1;
    value_ = first_byte & max_prefix;
    shift_ = 0;
    if (H2_PREDICT_TRUE(value_ < max_prefix)) return DecodeStatus::kDone;
    return Resume(cursor, end);
  }

  // Resume consumes continuation bytes until the integer ends or the input does.
  DecodeStatus Resume(const uint8_t*& cursor, const uint8_t* end) {
    while (cursor < end) {
      const uint8_t b = *cursor++;
      value_ += uint64_t{b & 0x7fu} << shift_;
      shift_ += 7;
      if ((b & 0x80) == 0) {
        return value_ <= UINT32_MAX ? DecodeStatus::kDone : DecodeStatus::kError;
      }
      if (shift_ >= 7 * kMaxVarintContinuationBytes) return DecodeStatus::kError;
    }
    return DecodeStatus::kInProgress;
  }

  // value is the decoded integer, valid after kDone.
  uint32_t value() const { return static_cast<uint32_t>(value_); }

 private:
  uint64_t value_ = 0;
  uint32_t shift_ = 0;
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_VARINT_H_
