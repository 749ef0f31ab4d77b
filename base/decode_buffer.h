// DecodeBuffer: a non-owning, stack-only cursor over bytes being decoded.
//
// It never reads outside [begin, end): every accessor that takes bytes H2_DCHECKs that enough
// remain, and callers check Remaining() first (decoders are resumable, so "not enough bytes"
// is a normal state, not an error). Multi-byte integers are read in network byte order, as
// every field of RFC 9113 §4.1 and RFC 7541 is.
//
// DecodeBufferSubset limits reads to the first `limit` bytes of a parent cursor (one frame
// payload, say) and advances the parent by what it consumed when it goes out of scope.
//
// Neither class owns memory; views they hand out point into the caller's input and stay valid
// as long as that input does.

#ifndef H2ENGINE_BASE_DECODE_BUFFER_H_
#define H2ENGINE_BASE_DECODE_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "base/check.h"

namespace h2engine {

class DecodeBuffer {
 public:
  DecodeBuffer(const uint8_t* data, size_t len) : begin_(data), cursor_(data), end_(data + len) {
    H2_DCHECK(data != nullptr || len == 0);
  }
  explicit DecodeBuffer(std::span<const uint8_t> bytes)
      : DecodeBuffer(bytes.data(), bytes.size()) {}
  explicit DecodeBuffer(std::string_view bytes)
      : DecodeBuffer(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()) {}

  DecodeBuffer(const DecodeBuffer&) = delete;
  DecodeBuffer& operator=(const DecodeBuffer&) = delete;
  // Stack-only: a cursor must not outlive the call that made it.
  static void* operator new(size_t) = delete;
  static void* operator new[](size_t) = delete;

  bool Empty() const { return cursor_ >= end_; }
  bool HasData() const { return cursor_ < end_; }
  size_t Remaining() const { return static_cast<size_t>(end_ - cursor_); }
  size_t Offset() const { return static_cast<size_t>(cursor_ - begin_); }
  size_t FullSize() const { return static_cast<size_t>(end_ - begin_); }
  // MinLengthRemaining returns min(length, Remaining()).
  size_t MinLengthRemaining(size_t length) const { return std::min(length, Remaining()); }

  // cursor points at the next unread byte (valid to read only if HasData()).
  const uint8_t* cursor() const { return cursor_; }
  const uint8_t* end() const { return end_; }

  // RemainingSpan returns every unread byte, without consuming them.
  std::span<const uint8_t> RemainingSpan() const { return {cursor_, Remaining()}; }

  void AdvanceCursor(size_t amount) {
    H2_DCHECK_LE(amount, Remaining());
    cursor_ += amount;
  }

  // Take returns the next `amount` bytes and consumes them; amount must be <= Remaining().
  std::span<const uint8_t> Take(size_t amount) {
    H2_DCHECK_LE(amount, Remaining());
    std::span<const uint8_t> out(cursor_, amount);
    cursor_ += amount;
    return out;
  }

  // PeekUInt8 returns the next byte without consuming it; HasData() must be true.
  uint8_t PeekUInt8() const {
    H2_DCHECK(HasData());
    return *cursor_;
  }

  // The Decode* functions consume a big-endian integer; Remaining() must be large enough.
  uint8_t DecodeUInt8() {
    H2_DCHECK_GE(Remaining(), 1u);
    return *cursor_++;
  }
  uint16_t DecodeUInt16() {
    H2_DCHECK_GE(Remaining(), 2u);
    uint16_t v = static_cast<uint16_t>((cursor_[0] << 8) | cursor_[1]);
    cursor_ += 2;
    return v;
  }
  uint32_t DecodeUInt24() {
    H2_DCHECK_GE(Remaining(), 3u);
    uint32_t v = (uint32_t{cursor_[0]} << 16) | (uint32_t{cursor_[1]} << 8) | cursor_[2];
    cursor_ += 3;
    return v;
  }
  uint32_t DecodeUInt32() {
    H2_DCHECK_GE(Remaining(), 4u);
    uint32_t v = (uint32_t{cursor_[0]} << 24) | (uint32_t{cursor_[1]} << 16) |
                 (uint32_t{cursor_[2]} << 8) | cursor_[3];
    cursor_ += 4;
    return v;
  }
  // DecodeUInt31 reads 32 bits and drops the high (reserved) bit, as stream identifiers and
  // window increments are read (RFC 9113 §4.1, §6.9).
  uint32_t DecodeUInt31() { return DecodeUInt32() & 0x7fffffffu; }

 private:
  const uint8_t* begin_;
  const uint8_t* cursor_;
  const uint8_t* end_;
};

// DecodeBufferSubset: reads at most `limit` bytes of `parent`, starting at the parent's cursor.
// While it exists the parent must not be used; on destruction the parent is advanced by the
// number of bytes the subset consumed.
class DecodeBufferSubset : public DecodeBuffer {
 public:
  DecodeBufferSubset(DecodeBuffer* parent, size_t limit)
      : DecodeBuffer(parent->cursor(), parent->MinLengthRemaining(limit)), parent_(parent) {
    H2_DEBUG_ONLY(parent_start_ = parent->cursor());
  }
  ~DecodeBufferSubset() {
    // The parent must be untouched while the subset lives.
    H2_DEBUG_ONLY(H2_DCHECK(parent_->cursor() == parent_start_));
    parent_->AdvanceCursor(Offset());
  }

 private:
  DecodeBuffer* const parent_;
  H2_DEBUG_ONLY(const uint8_t* parent_start_ = nullptr;)
};

}  // namespace h2engine

#endif  // H2ENGINE_BASE_DECODE_BUFFER_H_
