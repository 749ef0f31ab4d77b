// HpackError: every way decoding an HPACK header block (RFC 7541) can fail.
//
// All errors but kHeaderListTooLarge are fatal: they mean the peer's encoder and our decoder no
// longer agree on the dynamic table, which RFC 9113 §4.3 makes a connection error of type
// COMPRESSION_ERROR. kHeaderListTooLarge is a local limit on one header list: the decoder has
// kept its table in sync, so only the stream concerned needs to be refused (or answered 431).

#ifndef H2ENGINE_HPACK_ERROR_H_
#define H2ENGINE_HPACK_ERROR_H_

#include <cstdint>
#include <ostream>
#include <string_view>

namespace h2engine::hpack {

enum class HpackError : uint8_t {
  kNone = 0,
  kIntegerOverflow,            // §5.1 prefix integer longer/larger than we accept
  kIndexOutOfRange,            // §2.3.3 index 0 or beyond static+dynamic table
  kHuffmanError,               // §5.2 EOS, bad padding
  kStringTooLong,              // a string literal longer than DecoderOptions::max_string_length
  kTableSizeUpdateTooLarge,    // §6.3 above the limit we advertised (SETTINGS_HEADER_TABLE_SIZE)
  kTableSizeUpdateNotAtStart,  // §4.2 a dynamic table size update after a field representation
  kTruncatedBlock,             // the block ended in the middle of a representation
  kHeaderListTooLarge,         // decoded list exceeds max_header_list_size (NOT fatal)
  kMissingTableSizeUpdate,     // §4.2 we lowered the limit, the next block did not begin with
                               // a size update to at most that limit
};

// HpackErrorName returns the enumerator's name, e.g. "kIndexOutOfRange".
std::string_view HpackErrorName(HpackError e);

// IsFatal is true for every error except kNone and kHeaderListTooLarge.
constexpr bool IsFatal(HpackError e) {
  return e != HpackError::kNone && e != HpackError::kHeaderListTooLarge;
}

std::ostream& operator<<(std::ostream& out, HpackError e);

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_ERROR_H_
