// Encoder: turns header lists into HPACK header blocks (RFC 7541), keeping a dynamic table that
// mirrors the peer decoder's.
//
// For each field, in order (§2.1):
//  - sensitive fields (never_index, `authorization`, `proxy-authorization`, `cookie` values
//    shorter than min_indexed_cookie_length) are sent as never-indexed literals (§6.2.3, §7.1.3)
//    with an indexed name when the name is in a table, and never enter the dynamic table;
//  - a field equal to a static or dynamic entry is sent as its index (§6.1; the static index
//    when both match: it is never longer);
//  - anything else is a literal with an indexed name when possible (static first, it is never
//    longer) and, if the indexing policy says it is worth it, incremental indexing (§6.2.1),
//    else without indexing (§6.2.2). The policy indexes every field that fits comfortably in
//    the table (entries above 3/4 of the capacity would flush most of it) except `:path`,
//    `content-length` and `age`, whose values rarely repeat (measured; see hpack/README.md).
// Strings are Huffman-coded (§5.2) only when that is strictly shorter.
//
// Table size: the encoder uses min(peer's SETTINGS_HEADER_TABLE_SIZE, options.max_table_size).
// Both sides start at the protocol's 4096; an options.max_table_size below that is announced
// by a §6.3 update at the start of the first block. After SetPeerMaxTableSize changes the size,
// the next block begins with the updates §4.2 requires: the smallest size reached since the
// last block if it is below the final one, then the final one.
//
// Speed: one pass over the fields; one output reservation per field; hashes computed once per
// field; no allocation per field once the table and the output sink have reached their size.

#ifndef H2ENGINE_HPACK_ENCODER_H_
#define H2ENGINE_HPACK_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_sink.h"
#include "hpack/encoder_table.h"
#include "hpack/header_field.h"

namespace h2engine::hpack {

struct EncoderOptions {
  // Huffman-code a string only when that is shorter (§5.2). false: never.
  bool use_huffman = true;
  // Our own cap on the dynamic table we use, <= the peer's SETTINGS_HEADER_TABLE_SIZE.
  uint32_t max_table_size = kDefaultHeaderTableSize;
  // Cookie crumbs shorter than this are never indexed (low entropy, CRIME-style risk).
  size_t min_indexed_cookie_length = 20;
};

class Encoder {
 public:
  explicit Encoder(const EncoderOptions& options = {});
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // SetPeerMaxTableSize applies the peer's SETTINGS_HEADER_TABLE_SIZE (after we ack it). The
  // encoder will use min(size, options.max_table_size) and emit the required dynamic table size
  // update(s) at the start of the next block (§4.2).
  void SetPeerMaxTableSize(uint32_t size);

  // Encode appends one complete header block for `fields` to `out`. Names must already be
  // lowercase (the h2 layer validates them).
  void Encode(std::span<const HeaderField> fields, h2engine::ByteSink& out);

  size_t dynamic_table_size() const { return table_.size(); }
  size_t dynamic_table_entries() const { return table_.num_entries(); }
  uint32_t dynamic_table_capacity() const { return table_.capacity(); }
  // table gives tests read access to the entries.
  const EncoderTable& table() const { return table_; }

 private:
  void EncodeField(const HeaderField& field, h2engine::ByteSink& out);
  // EncodeSensitive writes a never-indexed literal (§6.2.3), the name indexed when possible.
  [[gnu::noinline]] void EncodeSensitive(uint32_t static_name_index, std::string_view name,
                                         std::string_view value, h2engine::ByteSink& out);
  // WriteLiteral writes a literal representation: `pattern` and `prefix_bits` select §6.2.1,
  // §6.2.2 or §6.2.3; a name_index of 0 sends the name as a string.
  void WriteLiteral(uint8_t pattern, int prefix_bits, uint32_t name_index, std::string_view name,
                    std::string_view value, h2engine::ByteSink& out);

  EncoderOptions options_;
  EncoderTable table_;
  // §4.2 pending updates: the smallest size since the last block and the latest.
  bool update_pending_ = false;
  uint32_t pending_min_size_ = 0;
  uint32_t pending_size_ = 0;
};

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_ENCODER_H_
