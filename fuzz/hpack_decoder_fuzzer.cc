// Fuzzes hpack::Decoder (RFC 7541) with arbitrary header blocks under small limits.
//
// Input layout (hpack/tools/make_fuzz_corpus.py writes seeds in it):
//   byte 0   max_string_length   = 8 << (b % 8)           (8 .. 1024)
//   byte 1   max_header_list_size = 32 << (b % 10)         (32 .. 16384)
//   byte 2   max_table_size       = kTableSizes[b % 8]     (0 .. 65536)
//   byte 3   fragmenting: 0 = each block whole, else fragments of 1, 2, .., (b % 16) + 1 bytes
//   then blocks, each: op (1 byte), length (2 bytes, big endian), that many bytes (fewer at
//   the end of the input). op & 0x80: SetMaxTableSize(kTableSizes[op & 7]) before the block.
//
// Invariants checked (abort on violation):
//   - DecodeFragment returns kNone or a fatal error; EndBlock returns kNone, a fatal error or
//     kHeaderListTooLarge; after a fatal error the decoder is not used again.
//   - Every delivered literal name and value is at most max_string_length bytes (static
//     table entries may be longer); the delivered list
//     never exceeds max_header_list_size (name + value + 32 per field, RFC 9113 §6.5.2).
//   - dynamic_table_size() <= dynamic_table_capacity() <= the largest limit set so far, and
//     <= the current limit after a block that delivered a field (§4.2).
//   - kHeaderListTooLarge is not fatal: a following block (a size update to 0 and the static
//     entry 2, ":method: GET") decodes to exactly that field (if it fits the list limit).
// ASan/UBSan catch memory errors and undefined behaviour.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "hpack/decoder.h"
#include "hpack/error.h"

namespace {

using h2engine::hpack::Decoder;
using h2engine::hpack::DecoderOptions;
using h2engine::hpack::HeaderListener;
using h2engine::hpack::HpackError;
using h2engine::hpack::IsFatal;

constexpr uint32_t kTableSizes[8] = {0, 32, 64, 100, 256, 1024, 4096, 65536};

// REQUIRE aborts with the failed condition, so a crash names the broken invariant.
#define REQUIRE(cond)                                                               \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

class CheckingListener : public HeaderListener {
 public:
  CheckingListener(size_t max_string_length, size_t max_list_size)
      : max_string_length_(max_string_length), max_list_size_(max_list_size) {}

  void StartBlock() {
    list_size_ = 0;
    fields_ = 0;
    last_name_.clear();
    last_value_.clear();
  }

  void OnHeader(std::string_view name, std::string_view value, bool /*never_indexed*/) override {
    // Literals obey max_string_length; a static table entry (RFC 7541 Appendix A) may be
    // longer: its longest name has 27 bytes ("access-control-allow-origin"), its longest value
    // 13 ("gzip, deflate").
    REQUIRE(name.size() <= std::max<size_t>(max_string_length_, 27));
    REQUIRE(value.size() <= std::max<size_t>(max_string_length_, 13));
    list_size_ += name.size() + value.size() + 32;
    REQUIRE(list_size_ <= max_list_size_);
    // Touch every byte so ASan sees a view that points at freed or foreign memory.
    volatile uint8_t sink = 0;
    for (char c : name) sink = sink ^ static_cast<uint8_t>(c);
    for (char c : value) sink = sink ^ static_cast<uint8_t>(c);
    ++fields_;
    last_name_.assign(name);  // the views die with the call
    last_value_.assign(value);
  }

  size_t fields() const { return fields_; }
  const std::string& last_name() const { return last_name_; }
  const std::string& last_value() const { return last_value_; }

 private:
  size_t max_string_length_;
  size_t max_list_size_;
  size_t list_size_ = 0;
  size_t fields_ = 0;
  std::string last_name_, last_value_;
};

// Feed decodes `block` in fragments of 1..max_fragment bytes (whole if 0).
HpackError Feed(Decoder& decoder, std::span<const uint8_t> block, size_t max_fragment) {
  if (max_fragment == 0) return decoder.DecodeFragment(block);
  size_t next = 1;
  while (!block.empty()) {
    size_t n = std::min(next, block.size());
    HpackError e = decoder.DecodeFragment(block.first(n));
    if (e != HpackError::kNone) return e;
    block = block.subspan(n);
    next = next >= max_fragment ? 1 : next + 1;
  }
  return HpackError::kNone;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  DecoderOptions options;
  options.max_string_length = size_t{8} << (data[0] % 8);
  options.max_header_list_size = size_t{32} << (data[1] % 10);
  options.max_table_size = kTableSizes[data[2] % 8];
  size_t max_fragment = data[3] == 0 ? 0 : (data[3] % 16) + 1;
  std::span<const uint8_t> rest(data + 4, size - 4);

  Decoder decoder(options);
  uint32_t limit = options.max_table_size;
  uint32_t largest_limit = limit;
  CheckingListener listener(options.max_string_length, options.max_header_list_size);
  while (rest.size() >= 3) {
    uint8_t op = rest[0];
    size_t len = std::min<size_t>(static_cast<size_t>(rest[1]) << 8 | rest[2], rest.size() - 3);
    std::span<const uint8_t> block = rest.subspan(3, len);
    rest = rest.subspan(3 + len);
    if (op & 0x80) {
      limit = kTableSizes[op & 7];
      largest_limit = std::max(largest_limit, limit);
      decoder.SetMaxTableSize(limit);
    }
    listener.StartBlock();
    decoder.StartBlock(&listener);
    HpackError e = Feed(decoder, block, max_fragment);
    if (e != HpackError::kNone) {
      REQUIRE(IsFatal(e));
      return 0;  // the connection would be closed: the decoder is not used again
    }
    e = decoder.EndBlock();
    if (IsFatal(e)) return 0;
    REQUIRE(decoder.dynamic_table_size() <= decoder.dynamic_table_capacity());
    REQUIRE(decoder.dynamic_table_capacity() <= largest_limit);
    // A block with a field must have brought the capacity within the current limit (§4.2);
    // an empty block may leave a lowered limit pending.
    if (listener.fields() > 0) REQUIRE(decoder.dynamic_table_capacity() <= limit);
    if (e == HpackError::kNone) continue;
    REQUIRE(e == HpackError::kHeaderListTooLarge);
    // The stream is reset, the connection goes on: the next block decodes normally.
    static constexpr uint8_t kProbe[] = {0x20, 0x82};  // size update to 0; indexed 2
    listener.StartBlock();
    decoder.StartBlock(&listener);
    REQUIRE(decoder.DecodeFragment(kProbe) == HpackError::kNone);
    if (options.max_header_list_size >= 7 + 3 + 32) {
      REQUIRE(decoder.EndBlock() == HpackError::kNone);
      REQUIRE(listener.fields() == 1);
      REQUIRE(listener.last_name() == ":method" && listener.last_value() == "GET");
    } else {
      REQUIRE(decoder.EndBlock() == HpackError::kHeaderListTooLarge);
      REQUIRE(listener.fields() == 0);
    }
    REQUIRE(decoder.dynamic_table_size() == 0);
    REQUIRE(decoder.dynamic_table_entries() == 0);
  }
  return 0;
}
