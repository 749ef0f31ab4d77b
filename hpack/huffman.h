// The HPACK Huffman code (RFC 7541 §5.2, Appendix B): encoding and decoding of string literals.
//
// The functions here work on complete string literals; they keep no state between calls and
// are thread-safe. The encoder writes 64 bits at a time into a ByteSink; the decoder is
// table-driven, reads the input through a 64-bit accumulator and decodes up to two symbols per
// table look-up (see hpack/README.md, "Huffman"). The tables are generated from the RFC's
// Appendix B by tools/gen_huffman_table.py.
//
// Deciding whether to Huffman-code a literal at all (only when shorter, §5.2) and the H bit
// and length prefix are the HPACK encoder's business, not this file's.

#ifndef H2ENGINE_HPACK_HUFFMAN_H_
#define H2ENGINE_HPACK_HUFFMAN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/byte_sink.h"

namespace h2engine::hpack {

// HuffmanEncodedLength returns the exact number of bytes HuffmanEncode produces for `s`: the
// sum of the code lengths of its bytes, rounded up to whole bytes.
size_t HuffmanEncodedLength(std::string_view s);

// HuffmanEncode appends the Huffman code of `s` to `out`, padded to a byte boundary with the
// most significant bits of EOS (1-bits). `encoded_length` must equal HuffmanEncodedLength(s)
// (checked in debug builds; a smaller value aborts rather than writing out of bounds). It
// reserves encoded_length + 8 bytes once and appends exactly encoded_length bytes. `s` must not
// point into `out`.
void HuffmanEncode(std::string_view s, size_t encoded_length, h2engine::ByteSink& out);

// kHuffmanEncodeSlack is how many bytes past `max_length` HuffmanEncodeTo may write to.
inline constexpr size_t kHuffmanEncodeSlack = 8;

// HuffmanEncodeTo writes the Huffman code of `s` (padded as HuffmanEncode pads it) to `out` and
// sets *out_length to its length, if that length is at most `max_length`; otherwise it returns
// false, having written unspecified bytes. Either way it writes only inside
// [out, out + max_length + kHuffmanEncodeSlack), which must be writable, and stops as soon as
// the code passes `max_length`: an encoder can try Huffman coding with max_length = raw length
// - 1 and fall back to the raw string, in one pass over the string instead of two. `s` must
// not overlap that memory.
[[nodiscard]] bool HuffmanEncodeTo(std::string_view s, size_t max_length, uint8_t* out,
                                   size_t* out_length);

// HuffmanMaxDecodedLength returns an upper bound of the decoded length of `encoded_length`
// bytes of Huffman code: floor(8 * encoded_length / 5), as the shortest code has 5 bits.
constexpr size_t HuffmanMaxDecodedLength(size_t encoded_length) {
  return encoded_length / 5 * 8 + encoded_length % 5 * 8 / 5;
}

// HuffmanDecode decodes a complete Huffman-coded string literal `in` and appends the result
// to *out. It returns false, leaving *out with unspecified partial content appended, if the
// input is not a valid code under RFC 7541 §5.2: it contains the EOS symbol, or ends with
// padding longer than 7 bits, or with padding that is not all 1-bits (a prefix of EOS). It
// also returns false if the decoded string would be longer than `max_output` bytes. It grows
// *out by at most min(max_output, HuffmanMaxDecodedLength(in.size())) bytes before trimming it
// to the decoded length. An empty input decodes to an empty string. `in` must not point into
// *out.
[[nodiscard]] bool HuffmanDecode(std::span<const uint8_t> in, size_t max_output, std::string* out);

// HuffmanDecodeTo is HuffmanDecode into caller-owned memory: it decodes `in` into `out` and
// sets *out_length to the decoded length. It returns false on the same invalid input as
// HuffmanDecode, and if the decoded string would not fit in `out` (out.size() plays the role of
// max_output). On failure the contents of `out` and *out_length are unspecified. It writes
// only inside `out`; a buffer of HuffmanMaxDecodedLength(in.size()) bytes always suffices.
[[nodiscard]] bool HuffmanDecodeTo(std::span<const uint8_t> in, std::span<uint8_t> out,
                                   size_t* out_length);

// kHuffmanDecodeSlack is how many bytes past `max_output` HuffmanDecodeToPadded may write to.
inline constexpr size_t kHuffmanDecodeSlack = 8;

// HuffmanDecodeToPadded is HuffmanDecodeTo into [out, out + max_output) for a caller whose
// buffer has kHuffmanDecodeSlack more writable bytes after it (their contents afterwards are
// unspecified). With the slack the decoder stores two symbols per table look-up up to the
// limit, which makes short strings (most header values) cheaper. Same results as
// HuffmanDecodeTo with out.size() == max_output.
[[nodiscard]] bool HuffmanDecodeToPadded(std::span<const uint8_t> in, uint8_t* out,
                                         size_t max_output, size_t* out_length);

}  // namespace h2engine::hpack

#endif  // H2ENGINE_HPACK_HUFFMAN_H_
