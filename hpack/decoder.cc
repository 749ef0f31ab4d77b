#include "hpack/decoder.h"

#include <algorithm>

#include "hpack/huffman.h"
#include "hpack/static_table.h"

namespace h2engine::hpack {

// The decoder's small steps, inlined into both the whole-representation path and the state
// machine (a call each costs more than some of them do).
#define H2_HPACK_INLINE [[gnu::always_inline]] inline

namespace {

// MaxHuffmanEncodedLength: the longest Huffman encoding of a string of `n` octets (each octet's
// code is at most 30 bits, §B). A longer encoded string cannot decode to <= n octets, so it is
// rejected from its length prefix alone.
constexpr size_t MaxHuffmanEncodedLength(size_t n) {
  return n > (SIZE_MAX - 7) / 30 ? SIZE_MAX : (n * 30 + 7) / 8;
}

std::string_view AsView(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

Decoder::Decoder(const DecoderOptions& options)
    : table_(options.max_table_size),
      max_header_list_size_(options.max_header_list_size),
      max_string_length_(options.max_string_length),
      max_huffman_length_(MaxHuffmanEncodedLength(options.max_string_length)),
      max_table_size_(options.max_table_size) {}

void Decoder::StartBlock(HeaderListener* listener) {
  // A block abandoned inside a representation (EndBlock not called) cannot be resumed by the
  // next one: treat it as truncated.
  if (state_ != State::kStart && error_ == HpackError::kNone) Fail(HpackError::kTruncatedBlock);
  listener_ = listener;
  field_seen_ = false;
  over_limit_ = false;
  header_list_size_ = 0;
}

void Decoder::SetMaxTableSize(uint32_t max_table_size) {
  max_table_size_ = max_table_size;
  if (max_table_size < table_.capacity()) {
    required_table_size_ =
        size_update_required_ ? std::min(required_table_size_, max_table_size) : max_table_size;
    size_update_required_ = true;
  }
}

HpackError Decoder::EndBlock() {
  listener_ = nullptr;
  if (error_ != HpackError::kNone) return error_;
  if (state_ != State::kStart) return Fail(HpackError::kTruncatedBlock);
  return over_limit_ ? HpackError::kHeaderListTooLarge : HpackError::kNone;
}

HpackError Decoder::DecodeFragment(std::span<const uint8_t> fragment) {
  if (H2_PREDICT_FALSE(error_ != HpackError::kNone)) return error_;
  const uint8_t* cursor = fragment.data();
  const uint8_t* const end = cursor + fragment.size();
  DecodeStatus status = DecodeStatus::kInProgress;
  while (true) {
    switch (state_) {
      case State::kStart: {
        // Representations that lie wholly in the fragment, without the state machine.
        DecodeStatus whole = DecodeStatus::kDone;
        while (cursor != end) {
          whole = DecodeWhole(cursor, end);
          if (whole != DecodeStatus::kDone) break;
        }
        if (cursor == end) return HpackError::kNone;
        if (whole == DecodeStatus::kError) return error_;
        // The rest of the fragment holds only the start of a representation (or a size
        // update): decode it resumably.
        const uint8_t first = *cursor++;
        int prefix_bits;
        if (first & 0x80) {
          kind_ = Kind::kIndexed;
          prefix_bits = 7;
        } else if (first & 0x40) {
          kind_ = Kind::kIncrementalIndexing;
          prefix_bits = 6;
        } else if (first & 0x20) {
          kind_ = Kind::kSizeUpdate;
          prefix_bits = 5;
        } else {
          kind_ = (first & 0x10) ? Kind::kNeverIndexed : Kind::kWithoutIndexing;
          prefix_bits = 4;
        }
        status = varint_.StartWithFirstByte(first, prefix_bits, cursor, end);
        break;
      }
      case State::kFirstVarint:
        status = varint_.Resume(cursor, end);
        break;
      case State::kName:
        status = DecodeString(cursor, end, name_string_);
        if (status == DecodeStatus::kDone) {
          name_ = name_string_.view;
          name_in_fragment_ = name_string_.view_in_fragment;
          value_string_.phase = StringState::Phase::kLength;
          state_ = State::kValue;
          continue;
        }
        goto not_done;
      case State::kValue:
        status = DecodeString(cursor, end, value_string_);
        if (status == DecodeStatus::kDone) {
          EmitLiteral(kind_, name_, value_string_.view);
          state_ = State::kStart;
          continue;
        }
        goto not_done;
    }
    // The representation's first integer ended (kDone) or not.
    if (status == DecodeStatus::kDone) {
      if (!OnFirstInteger(varint_.value())) return error_;
      continue;
    }
    if (status == DecodeStatus::kError) return Fail(HpackError::kIntegerOverflow);
    state_ = State::kFirstVarint;
    return HpackError::kNone;

  not_done:
    if (status == DecodeStatus::kError) return error_;
    // Out of input inside a string. A literal name that is a view into this fragment must be
    // copied before the fragment goes away.
    if (state_ == State::kValue && name_in_fragment_) {
      name_string_.buffer.assign(name_);
      name_ = name_string_.buffer;
      name_in_fragment_ = false;
    }
    return HpackError::kNone;
  }
}

bool Decoder::StartField() {
  if (H2_PREDICT_FALSE(!field_seen_)) {
    if (size_update_required_) {
      Fail(HpackError::kMissingTableSizeUpdate);
      return false;
    }
    field_seen_ = true;
  }
  return true;
}

H2_HPACK_INLINE bool Decoder::OnIndexed(uint32_t index) {
  if (!StartField()) return false;
  if (index == 0) {
    Fail(HpackError::kIndexOutOfRange);
    return false;
  }
  if (index <= kStaticTableSize) {
    const StaticEntry& e = GetStaticEntry(index);
    Emit(e.name, e.value, false);
    return true;
  }
  const size_t relative = index - kStaticTableSize - 1;
  if (relative >= table_.num_entries()) {
    Fail(HpackError::kIndexOutOfRange);
    return false;
  }
  const DecoderTable::EntryView e = table_.Get(relative);
  Emit(e.name, e.value, false);
  return true;
}

H2_HPACK_INLINE bool Decoder::IndexedName(uint32_t index, std::string_view* name) {
  if (index <= kStaticTableSize) {
    *name = GetStaticEntry(index).name;
    return true;
  }
  const size_t relative = index - kStaticTableSize - 1;
  if (relative >= table_.num_entries()) {
    Fail(HpackError::kIndexOutOfRange);
    return false;
  }
  // Stable until the table changes, which happens only once this field is complete.
  *name = table_.Get(relative).name;
  return true;
}

namespace {

// ReadWholeInt reads a prefix integer (§5.1) whose first byte `first` has been consumed, if it
// ends within [p, end) after at most 3 continuation bytes (so it cannot overflow), advancing
// p. Otherwise it returns false: the resumable path decodes it, and reports its errors.
inline bool ReadWholeInt(uint8_t first, uint32_t max_prefix, const uint8_t*& p,
                         const uint8_t* end, uint32_t* out) {
  uint32_t value = first & max_prefix;
  if (H2_PREDICT_TRUE(value < max_prefix)) {
    *out = value;
    return true;
  }
  for (int shift = 0; shift < 21; shift += 7) {
    if (p == end) return false;
    const uint8_t b = *p++;
    value += uint32_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) {
      *out = value;
      return true;
    }
  }
  return false;
}

}  // namespace

H2_HPACK_INLINE DecodeStatus Decoder::ReadWholeString(const uint8_t*& p, const uint8_t* end, StringState& s) {
  if (p == end) return DecodeStatus::kInProgress;
  const uint8_t first = *p++;
  uint32_t length;
  if (!ReadWholeInt(first, 0x7f, p, end, &length)) return DecodeStatus::kInProgress;
  s.huffman = (first & 0x80) != 0;
  // The same check, in the same order, as DecodeString.
  if (length > (s.huffman ? max_huffman_length_ : max_string_length_)) {
    Fail(HpackError::kStringTooLong);
    return DecodeStatus::kError;
  }
  if (static_cast<size_t>(end - p) < length) return DecodeStatus::kInProgress;
  const std::span<const uint8_t> bytes(p, length);
  p += length;
  return FinishString(bytes, true, s) ? DecodeStatus::kDone : DecodeStatus::kError;
}

DecodeStatus Decoder::DecodeWhole(const uint8_t*& cursor, const uint8_t* end) {
  const uint8_t* p = cursor;
  const uint8_t first = *p++;
  uint32_t index;
  if (first & 0x80) {  // §6.1
    if (!ReadWholeInt(first, 0x7f, p, end, &index)) return DecodeStatus::kInProgress;
    if (!OnIndexed(index)) return DecodeStatus::kError;
    cursor = p;
    return DecodeStatus::kDone;
  }
  Kind kind;
  uint32_t max_prefix;
  if (first & 0x40) {  // §6.2.1
    kind = Kind::kIncrementalIndexing;
    max_prefix = 0x3f;
  } else if (first & 0x20) {  // §6.3, rare: left to the resumable path
    return DecodeStatus::kInProgress;
  } else {  // §6.2.2, §6.2.3
    kind = (first & 0x10) ? Kind::kNeverIndexed : Kind::kWithoutIndexing;
    max_prefix = 0x0f;
  }
  if (!ReadWholeInt(first, max_prefix, p, end, &index)) return DecodeStatus::kInProgress;
  if (!StartField()) return DecodeStatus::kError;
  std::string_view name;
  if (index == 0) {
    const DecodeStatus status = ReadWholeString(p, end, name_string_);
    if (status != DecodeStatus::kDone) return status;
    name = name_string_.view;
  } else if (!IndexedName(index, &name)) {
    return DecodeStatus::kError;
  }
  const DecodeStatus status = ReadWholeString(p, end, value_string_);
  if (status != DecodeStatus::kDone) return status;
  EmitLiteral(kind, name, value_string_.view);
  cursor = p;
  return DecodeStatus::kDone;
}

bool Decoder::OnFirstInteger(uint32_t value) {
  state_ = State::kStart;
  switch (kind_) {
    case Kind::kIndexed:
      return OnIndexed(value);
    case Kind::kSizeUpdate:
      if (field_seen_) {
        Fail(HpackError::kTableSizeUpdateNotAtStart);
        return false;
      }
      if (value > max_table_size_) {
        Fail(HpackError::kTableSizeUpdateTooLarge);
        return false;
      }
      if (size_update_required_ && value <= required_table_size_) size_update_required_ = false;
      table_.SetCapacity(value);
      return true;
    case Kind::kIncrementalIndexing:
    case Kind::kWithoutIndexing:
    case Kind::kNeverIndexed:
      if (!StartField()) return false;
      name_in_fragment_ = false;
      if (value == 0) {
        name_string_.phase = StringState::Phase::kLength;
        state_ = State::kName;
        return true;
      }
      if (!IndexedName(value, &name_)) return false;
      value_string_.phase = StringState::Phase::kLength;
      state_ = State::kValue;
      return true;
  }
  return true;
}

DecodeStatus Decoder::DecodeString(const uint8_t*& cursor, const uint8_t* end, StringState& s) {
  DecodeStatus status = DecodeStatus::kInProgress;
  switch (s.phase) {
    case StringState::Phase::kLength: {
      if (cursor == end) return DecodeStatus::kInProgress;
      const uint8_t first = *cursor++;
      s.huffman = (first & 0x80) != 0;
      status = varint_.StartWithFirstByte(first, 7, cursor, end);
      break;
    }
    case StringState::Phase::kLengthVarint:
      status = varint_.Resume(cursor, end);
      break;
    case StringState::Phase::kBytes:
      goto bytes;
  }
  if (status != DecodeStatus::kDone) {
    if (status == DecodeStatus::kError) {
      Fail(HpackError::kIntegerOverflow);
      return status;
    }
    s.phase = StringState::Phase::kLengthVarint;
    return status;
  }
  s.length = varint_.value();
  // Reject from the length prefix, before buffering anything.
  if (s.length > (s.huffman ? max_huffman_length_ : max_string_length_)) {
    Fail(HpackError::kStringTooLong);
    return DecodeStatus::kError;
  }
  s.gathered = 0;
  s.phase = StringState::Phase::kBytes;

bytes:
  const size_t remaining = static_cast<size_t>(end - cursor);
  if (s.gathered == 0 && remaining >= s.length) {
    // The whole string is in this fragment: no copy for a raw string.
    const std::span<const uint8_t> bytes(cursor, s.length);
    cursor += s.length;
    if (!FinishString(bytes, true, s)) return DecodeStatus::kError;
    return DecodeStatus::kDone;
  }
  // Split across fragments: gather the encoded bytes.
  std::string& gather = s.huffman ? huffman_input_ : s.buffer;
  if (s.gathered == 0) gather.clear();
  const size_t n = std::min<size_t>(remaining, s.length - s.gathered);
  gather.append(reinterpret_cast<const char*>(cursor), n);
  cursor += n;
  s.gathered += static_cast<uint32_t>(n);
  if (s.gathered < s.length) return DecodeStatus::kInProgress;
  const std::span<const uint8_t> encoded(reinterpret_cast<const uint8_t*>(gather.data()),
                                         gather.size());
  if (!FinishString(encoded, false, s)) return DecodeStatus::kError;
  return DecodeStatus::kDone;
}

bool Decoder::FinishString(std::span<const uint8_t> encoded, bool in_fragment, StringState& s) {
  if (!s.huffman) {
    s.view = AsView(encoded);
    s.view_in_fragment = in_fragment;
    return true;
  }
  // Decoded straight into the buffer, which only ever grows (resize zero-fills only the growth)
  // and has the decoder's slack after the limit.
  const size_t limit = std::min(max_string_length_, HuffmanMaxDecodedLength(encoded.size()));
  if (s.buffer.size() < limit + kHuffmanDecodeSlack) s.buffer.resize(limit + kHuffmanDecodeSlack);
  uint8_t* const out = reinterpret_cast<uint8_t*>(s.buffer.data());
  size_t length = 0;
  if (H2_PREDICT_FALSE(!HuffmanDecodeToPadded(encoded, out, limit, &length))) {
    // Too long or invalid? Only a second decode without the limit can tell; this is the error
    // path, and the output is bounded by HuffmanMaxDecodedLength of a bounded input.
    std::string all;
    const bool valid = HuffmanDecode(encoded, SIZE_MAX, &all);
    Fail(valid ? HpackError::kStringTooLong : HpackError::kHuffmanError);
    return false;
  }
  s.view = std::string_view(s.buffer.data(), length);
  s.view_in_fragment = false;
  return true;
}

H2_HPACK_INLINE void Decoder::Emit(std::string_view name, std::string_view value, bool never_indexed) {
  if (H2_PREDICT_FALSE(over_limit_)) return;
  header_list_size_ += EntrySize(name.size(), value.size());
  if (H2_PREDICT_FALSE(header_list_size_ > max_header_list_size_)) {
    over_limit_ = true;
    return;
  }
  if (listener_ != nullptr) listener_->OnHeader(name, value, never_indexed);
}

H2_HPACK_INLINE void Decoder::EmitLiteral(Kind kind, std::string_view name, std::string_view value) {
  Emit(name, value, kind == Kind::kNeverIndexed);
  // After the listener: name may point into the table, which Insert may rearrange.
  if (kind == Kind::kIncrementalIndexing) table_.Insert(name, value);
}

}  // namespace h2engine::hpack
