// Decoder: turns HPACK header blocks (RFC 7541) into header fields, one HeaderListener call per
// field, in order (§2.1, §3.1).
//
// A block (one HEADERS or PUSH_PROMISE frame plus its CONTINUATIONs, RFC 9113 §4.3) is decoded
// as StartBlock(), any number of DecodeFragment() calls, EndBlock(). Fragments may split the
// block at any byte, even inside an integer or a string: partial representations are kept
// inside the decoder. It handles every representation: indexed (§6.1), literal with
// incremental indexing (§6.2.1), without indexing (§6.2.2), never indexed (§6.2.3), each with
// an indexed or a literal name, and dynamic table size updates (§6.3, only at the start of a
// block, §4.2).
//
// Zero-copy: a raw string literal that lies wholly inside the fragment reaches the listener as
// a view into the fragment; indexed fields are views into the static or dynamic table; Huffman
// strings are decoded into buffers that are reused from field to field. Only a literal split
// across fragments is copied.
//
// Limits (DecoderOptions, all peer-controlled sizes are capped): the table size the peer may
// set, the length of one string literal (checked from its length prefix, before any byte is
// buffered), and the header list size. When the list grows past max_header_list_size the
// decoder stops calling the listener but keeps decoding to keep its table in sync; EndBlock
// then reports kHeaderListTooLarge, which is not fatal. Memory is bounded by the table capacity
// (at most twice max_table_size for the arena) plus a few string buffers of at most
// max_string_length bytes. A "bomb" of references to one large entry costs O(1) per reference
// once over the limit.
//
// Errors: any other HpackError is fatal (RFC 9113 §4.3: connection error COMPRESSION_ERROR);
// after it every call returns the same error.

#ifndef H2ENGINE_HPACK_DECODER_H_
#define H2ENGINE_HPACK_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "hpack/decoder_table.h"
#include "hpack/error.h"
#include "hpack/varint.h"

namespace h2engine::hpack {

class HeaderListener {
 public:
  virtual ~HeaderListener() = default;
  // OnHeader: one decoded field, in order. The views are valid only during the call.
  // `never_indexed` is true when it arrived as a never-indexed literal (§6.2.3), so an
  // intermediary can re-encode it the same way (§7.1.3).
  virtual void OnHeader(std::string_view name, std::string_view value, bool never_indexed) = 0;
};

struct DecoderOptions {
  // The SETTINGS_HEADER_TABLE_SIZE we advertise: the largest size update the peer may send,
  // and the table's initial capacity.
  uint32_t max_table_size = kDefaultHeaderTableSize;
  // Counted as RFC 9113 §6.5.2 counts SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 per field.
  size_t max_header_list_size = 64 * 1024;
  // Longest single name or value literal accepted (after Huffman decoding).
  size_t max_string_length = 64 * 1024;
};

class Decoder {
 public:
  explicit Decoder(const DecoderOptions& options = {});
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // StartBlock begins a header block whose fields go to `listener` (may be null: fields are
  // decoded, to keep the table in sync, and dropped).
  void StartBlock(HeaderListener* listener);

  // DecodeFragment consumes all of `fragment`. Returns kNone or a fatal error; once a fatal
  // error is returned the decoder is unusable (every later call returns it).
  [[nodiscard]] HpackError DecodeFragment(std::span<const uint8_t> fragment);

  // EndBlock finishes the block: kTruncatedBlock (fatal) if it ended inside a representation,
  // kHeaderListTooLarge (not fatal) if the list exceeded max_header_list_size, else kNone.
  [[nodiscard]] HpackError EndBlock();

  // SetMaxTableSize changes the limit for size updates, when our new SETTINGS_HEADER_TABLE_SIZE
  // is acknowledged. If it is below the current capacity, the next block that holds a field must
  // begin with a size update to at most the lowest limit set since (§4.2), else
  // kMissingTableSizeUpdate. (An empty block does not use the table and is let through.)
  void SetMaxTableSize(uint32_t max_table_size);
  void set_max_header_list_size(size_t n) { max_header_list_size_ = n; }

  size_t dynamic_table_size() const { return table_.size(); }
  size_t dynamic_table_entries() const { return table_.num_entries(); }
  uint32_t dynamic_table_capacity() const { return table_.capacity(); }
  // table gives tests and tools read access to the entries.
  const DecoderTable& table() const { return table_; }

 private:
  enum class State : uint8_t {
    kStart,        // at a representation boundary
    kFirstVarint,  // inside the integer that begins a representation
    kName,         // inside a literal name
    kValue,        // inside a literal value
  };
  enum class Kind : uint8_t {
    kIndexed,
    kIncrementalIndexing,
    kWithoutIndexing,
    kNeverIndexed,
    kSizeUpdate,
  };

  // One string literal (§5.2) being decoded.
  struct StringState {
    enum class Phase : uint8_t { kLength, kLengthVarint, kBytes };
    Phase phase = Phase::kLength;
    bool huffman = false;
    uint32_t length = 0;    // encoded length
    uint32_t gathered = 0;  // encoded bytes copied so far (string split across fragments)
    // The decoded string: a view into the fragment (raw, wholly inside it) or into `buffer`.
    std::string_view view;
    bool view_in_fragment = false;
    std::string buffer;  // raw bytes gathered across fragments, or the Huffman decoder's output
  };

  // DecodeString decodes (more of) a string literal from [cursor, end), advancing cursor.
  DecodeStatus DecodeString(const uint8_t*& cursor, const uint8_t* end, StringState& s);
  // FinishString decodes `encoded` (all of the string's bytes) into s.view.
  bool FinishString(std::span<const uint8_t> encoded, bool in_fragment, StringState& s);
  // DecodeWhole decodes the representation at cursor if it lies wholly in [cursor, end), with
  // common integer sizes, and is not a size update: kDone (cursor advanced past it), kError, or
  // kInProgress (cursor unchanged: left to the resumable state machine, which repeats any work
  // done here and meets the same errors in the same order).
  DecodeStatus DecodeWhole(const uint8_t*& cursor, const uint8_t* end);
  // ReadWholeString is DecodeWhole's string literal: kInProgress if it is not wholly there.
  DecodeStatus ReadWholeString(const uint8_t*& p, const uint8_t* end, StringState& s);
  // OnFirstInteger acts on the integer that begins a representation. False on error.
  bool OnFirstInteger(uint32_t value);
  // OnIndexed emits the indexed field `index` (§6.1). False on error.
  bool OnIndexed(uint32_t index);
  // IndexedName sets *name to the name of entry `index` (> 0). False on error.
  bool IndexedName(uint32_t index, std::string_view* name);
  bool StartField();
  void Emit(std::string_view name, std::string_view value, bool never_indexed);
  void EmitLiteral(Kind kind, std::string_view name, std::string_view value);
  HpackError Fail(HpackError e) {
    error_ = e;
    return e;
  }

  DecoderTable table_;
  HeaderListener* listener_ = nullptr;
  size_t max_header_list_size_;
  size_t max_string_length_;
  size_t max_huffman_length_;  // the longest Huffman code of a max_string_length_ string
  uint32_t max_table_size_;

  // §4.2: after SetMaxTableSize lowered the limit below the capacity, the next block's first
  // field must be preceded by an update to at most required_table_size_.
  bool size_update_required_ = false;
  uint32_t required_table_size_ = 0;

  // Per block.
  bool field_seen_ = false;  // a field representation was decoded (no size update after it)
  bool over_limit_ = false;
  size_t header_list_size_ = 0;

  // Per representation.
  State state_ = State::kStart;
  Kind kind_ = Kind::kIndexed;
  VarintDecoder varint_;
  std::string_view name_;  // the field's name, once known (table entry or name_string_.view)
  bool name_in_fragment_ = false;
  StringState name_string_;
  StringState value_string_;
  std::string huffman_input_;  // a Huffman string's bytes gathered across fragments

  HpackError error_ = HpackError::kNone;
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_DECODER_H_
