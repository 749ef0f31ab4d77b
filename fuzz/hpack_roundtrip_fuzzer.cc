// Round trip through hpack::Encoder and hpack::Decoder (RFC 7541): header lists built from the
// input, encoded block after block with one shared context, must decode to exactly the same
// lists, with the peer's table size changing between blocks.
//
// Input layout (hpack/tools/make_fuzz_corpus.py writes seeds in it):
//   byte 0   initial peer table size: kTableSizes[b % 8] (SETTINGS acked before block 0)
//   byte 1   bit 0: no Huffman; bits 1-3: the encoder's own limit
//            (EncoderOptions::max_table_size) kTableSizes[(b >> 1) & 7];
//            bits 4-7: min_indexed_cookie_length = (b >> 4) * 4
//   then fields, each: flags (1 byte), name length (1 byte), name, value length (2 bytes, big
//   endian), value (lengths are cut at the end of the input). Uppercase letters in names are
//   lowercased (the encoder's contract). flags:
//     bit 0  never_index
//     bit 1  the block ends after this field
//     bit 2  before the next block, the peer's table size becomes kTableSizes[flags >> 5]
//     bit 3  decode the block in two fragments, split at (flags >> 4) * len / 16
// A final partial block is encoded too. Up to 64 blocks of up to 512 fields.
//
// Invariants (abort on violation): every block decodes without error to the same names and
// values in order; a field sent with never_index arrives never-indexed (§6.2.3); after every
// block the encoder's and decoder's dynamic tables have the same size (§4.1) within the limit.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_sink.h"
#include "hpack/decoder.h"
#include "hpack/encoder.h"
#include "hpack/error.h"
#include "hpack/header_field.h"

namespace {

using h2engine::ByteSink;
using h2engine::hpack::Decoder;
using h2engine::hpack::DecoderOptions;
using h2engine::hpack::Encoder;
using h2engine::hpack::EncoderOptions;
using h2engine::hpack::HeaderField;
using h2engine::hpack::HeaderListener;
using h2engine::hpack::HpackError;
using h2engine::hpack::HpackErrorName;

constexpr uint32_t kTableSizes[8] = {0, 1, 64, 256, 1000, 4096, 16384, 65536};

// REQUIRE aborts with the failed condition, so a crash names the broken invariant.
#define REQUIRE(cond)                                                               \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

struct Field {
  std::string name;
  std::string value;
  bool never_indexed;
};

class RecordingListener : public HeaderListener {
 public:
  void OnHeader(std::string_view name, std::string_view value, bool never_indexed) override {
    fields.push_back({std::string(name), std::string(value), never_indexed});
  }
  std::vector<Field> fields;
};

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t Byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string_view Bytes(size_t n) {
    n = std::min(n, size_ - pos_);
    std::string_view out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

struct Block {
  std::vector<Field> fields;
  bool change_table_size = false;  // before the next block
  uint32_t next_table_size = 0;
  bool split = false;
  uint8_t split_sixteenths = 0;
};

void RoundTrip(Encoder& encoder, Decoder& decoder, const Block& block, uint32_t limit) {
  std::vector<HeaderField> fields;
  fields.reserve(block.fields.size());
  for (const Field& f : block.fields) fields.push_back({f.name, f.value, f.never_indexed});
  ByteSink sink;
  encoder.Encode(fields, sink);

  RecordingListener listener;
  decoder.StartBlock(&listener);
  std::span<const uint8_t> wire = sink.span();
  size_t at = block.split ? wire.size() * block.split_sixteenths / 16 : wire.size();
  HpackError e = decoder.DecodeFragment(wire.first(at));
  if (e == HpackError::kNone) e = decoder.DecodeFragment(wire.subspan(at));
  if (e == HpackError::kNone) e = decoder.EndBlock();
  if (e != HpackError::kNone) {
    std::string_view name = HpackErrorName(e);
    std::fprintf(stderr, "decoding our own block failed: %.*s\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }

  REQUIRE(listener.fields.size() == block.fields.size());
  for (size_t i = 0; i < block.fields.size(); ++i) {
    REQUIRE(listener.fields[i].name == block.fields[i].name);
    REQUIRE(listener.fields[i].value == block.fields[i].value);
    if (block.fields[i].never_indexed) REQUIRE(listener.fields[i].never_indexed);
  }
  REQUIRE(encoder.dynamic_table_size() == decoder.dynamic_table_size());
  REQUIRE(decoder.dynamic_table_size() <= limit);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  Input in(data, size);
  uint32_t table_size = kTableSizes[in.Byte() % 8];
  uint8_t options_byte = in.Byte();
  EncoderOptions encoder_options;
  encoder_options.use_huffman = (options_byte & 1) == 0;
  encoder_options.max_table_size = kTableSizes[(options_byte >> 1) & 7];
  encoder_options.min_indexed_cookie_length = (options_byte >> 4) * 4;
  DecoderOptions decoder_options;  // limits far above what the input can build
  decoder_options.max_header_list_size = size_t{1} << 30;
  decoder_options.max_string_length = size_t{1} << 20;
  Encoder encoder(encoder_options);
  Decoder decoder(decoder_options);
  // SETTINGS_HEADER_TABLE_SIZE acknowledged before the first block.
  encoder.SetPeerMaxTableSize(table_size);
  decoder.SetMaxTableSize(table_size);

  constexpr size_t kMaxBlocks = 64, kMaxFields = 512;
  size_t blocks = 0;
  Block block;
  while (!in.empty() && blocks < kMaxBlocks) {
    uint8_t flags = in.Byte();
    Field f;
    f.name = std::string(in.Bytes(in.Byte()));
    for (char& c : f.name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    size_t value_len = static_cast<size_t>(in.Byte()) << 8;
    value_len |= in.Byte();
    f.value = std::string(in.Bytes(value_len));
    f.never_indexed = flags & 1;
    block.fields.push_back(std::move(f));
    bool end = (flags & 2) || block.fields.size() == kMaxFields;
    if (!end) continue;
    block.change_table_size = flags & 4;
    block.next_table_size = kTableSizes[flags >> 5];
    block.split = flags & 8;
    block.split_sixteenths = flags >> 4;
    RoundTrip(encoder, decoder, block, table_size);
    ++blocks;
    if (block.change_table_size) {
      table_size = block.next_table_size;
      encoder.SetPeerMaxTableSize(table_size);
      decoder.SetMaxTableSize(table_size);
    }
    block = Block();
  }
  if (!block.fields.empty() && blocks < kMaxBlocks) RoundTrip(encoder, decoder, block, table_size);
  return 0;
}
