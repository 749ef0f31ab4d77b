#include "hpack/decoder.h"

#include <algorithm>

#include "hpack/huffman.h"
#include "hpack/static_table.h"

namespace h2engine::hpack {

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
        if (cursor == end) return HpackError::kNone;
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
          EmitLiteral();
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

bool Decoder::OnFirstInteger(uint32_t value) {
  state_ = State::kStart;
  switch (kind_) {
    case Kind::kIndexed: {
      if (!StartField()) return false;
      if (value == 0) {
        Fail(HpackError::kIndexOutOfRange);
        return false;
      }
      if (value <= kStaticTableSize) {
        const StaticEntry& e = GetStaticEntry(value);
        Emit(e.name, e.value, false);
        return true;
      }
      const size_t relative = value - kStaticTableSize - 1;
      if (relative >= table_.num_entries()) {
        Fail(HpackError::kIndexOutOfRange);
        return false;
      }
      const DecoderTable::EntryView e = table_.Get(relative);
      Emit(e.name, e.value, false);
      return true;
    }
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
      if (value <= kStaticTableSize) {
        name_ = GetStaticEntry(value).name;
      } else {
        const size_t relative = value - kStaticTableSize - 1;
        if (relative >= table_.num_entries()) {
          Fail(HpackError::kIndexOutOfRange);
          return false;
        }
        // Stable until the table changes, which happens only once this field is complete.
        name_ = table_.Get(relative).name;
      }
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
  if (s.length > (s.huffman ? MaxHuffmanEncodedLength(max_string_length_) : max_string_length_)) {
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

void Decoder::Emit(std::string_view name, std::string_view value, bool never_indexed) {
  if (H2_PREDICT_FALSE(over_limit_)) return;
  header_list_size_ += EntrySize(name.size(), value.size());
  if (H2_PREDICT_FALSE(header_list_size_ > max_header_list_size_)) {
    over_limit_ = true;
    return;
  }
  if (listener_ != nullptr) listener_->OnHeader(name, value, never_indexed);
}

void Decoder::EmitLiteral() {
  const std::string_view value = value_string_.view;
  Emit(name_, value, kind_ == Kind::kNeverIndexed);
  // After the listener: name_ may point into the table, which Insert may rearrange.
  if (kind_ == Kind::kIncrementalIndexing) table_.Insert(name_, value);
}

}  // namespace h2engine::hpack
