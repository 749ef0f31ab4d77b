// Test helpers for //hpack (testonly): hex input, a recording listener, and the "decode the
// same block several ways" driver (whole, byte by byte, random splits), in the spirit of
// quiche's RandomDecoderTest.

#ifndef H2ENGINE_HPACK_TEST_UTIL_H_
#define H2ENGINE_HPACK_TEST_UTIL_H_

#include <cstdint>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hpack/decoder.h"
#include "hpack/error.h"
#include "hpack/header_field.h"

namespace h2engine::hpack::test {

// FromHex parses hex digits, ignoring whitespace ("8286 8441" -> {0x82, 0x86, 0x84, 0x41}).
std::vector<uint8_t> FromHex(std::string_view hex);
std::string ToHex(std::span<const uint8_t> bytes);

// Field: an owned copy of a decoded field.
struct Field {
  std::string name;
  std::string value;
  bool never_indexed = false;
  bool operator==(const Field&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Field& f);

// Fields makes an owned list from HeaderFields (never_index -> never_indexed).
std::vector<Field> Fields(std::span<const HeaderField> fields);

class RecordingListener : public HeaderListener {
 public:
  void OnHeader(std::string_view name, std::string_view value, bool never_indexed) override {
    fields.push_back({std::string(name), std::string(value), never_indexed});
  }
  std::vector<Field> fields;
};

enum class Split { kWhole, kByteByByte, kRandom };
inline constexpr Split kAllSplits[] = {Split::kWhole, Split::kByteByByte, Split::kRandom};
std::ostream& operator<<(std::ostream& out, Split split);

struct BlockResult {
  // The first error: from a DecodeFragment call, else EndBlock's result.
  HpackError error = HpackError::kNone;
  std::vector<Field> fields;
};

// DecodeBlock decodes `block` as one header block with `decoder`, feeding it in fragments as
// `split` says (kRandom: random lengths drawn from `rng`, including empty fragments). Each
// fragment is copied into its own heap buffer that is freed right after DecodeFragment, so a
// view kept into an earlier fragment shows up under ASan.
BlockResult DecodeBlock(Decoder& decoder, std::span<const uint8_t> block, Split split,
                        std::mt19937& rng);

// TableEntries lists a decoder's dynamic table, newest first, as "name: value" strings.
std::vector<std::string> TableEntries(const Decoder& decoder);

}  // namespace h2engine::hpack::test

#endif  // H2ENGINE_HPACK_TEST_UTIL_H_
