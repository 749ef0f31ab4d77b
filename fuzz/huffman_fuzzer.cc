// Fuzzes hpack/huffman.h (RFC 7541 §5.2) in both directions:
//  (a) the input as Huffman code: decoding must not crash; when it succeeds, re-encoding the
//      result gives back the input exactly (a valid code is unique: its codes, then 0-7 1-bits),
//      and the output limit is exact (the decoded length passes, one less fails); decoding into
//      a caller buffer agrees.
//  (b) the input as a string: encode, check the length, decode, and get the input back.
// ASan catches any read or write outside the buffers (the input is an exactly-sized copy).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/byte_sink.h"
#include "hpack/huffman.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

using h2engine::ByteSink;
using namespace h2engine::hpack;

void FuzzDecode(std::span<const uint8_t> in) {
  std::string decoded = "x";  // Decoding appends.
  const bool ok = HuffmanDecode(in, SIZE_MAX, &decoded);

  // The caller-buffer variant agrees, and writes nothing past its buffer (ASan: exact size).
  std::vector<uint8_t> buf(HuffmanMaxDecodedLength(in.size()));
  size_t n = 0;
  Require(HuffmanDecodeTo(in, buf, &n) == ok);
  if (!ok) return;

  Require(decoded[0] == 'x');
  const std::string_view value = std::string_view(decoded).substr(1);
  Require(value.size() <= HuffmanMaxDecodedLength(in.size()));
  Require(n == value.size() && (n == 0 || std::memcmp(buf.data(), value.data(), n) == 0));

  ByteSink sink;
  const size_t length = HuffmanEncodedLength(value);
  HuffmanEncode(value, length, sink);
  Require(sink.size() == length && length == in.size());
  Require(in.empty() || std::memcmp(sink.data(), in.data(), in.size()) == 0);

  std::string exact;
  Require(HuffmanDecode(in, value.size(), &exact) && exact == value);
  if (!value.empty()) {
    std::string too_small;
    Require(!HuffmanDecode(in, value.size() - 1, &too_small));
    Require(too_small.size() <= value.size() - 1);
  }
}

void FuzzRoundTrip(std::string_view s) {
  ByteSink sink;
  const size_t length = HuffmanEncodedLength(s);
  HuffmanEncode(s, length, sink);
  Require(sink.size() == length);
  Require(length <= (s.size() * 30 + 7) / 8 && length >= (s.size() * 5 + 7) / 8);
  std::string decoded;
  Require(HuffmanDecode(sink.span(), s.size(), &decoded));
  Require(decoded == s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzDecode({data, size});
  FuzzRoundTrip({reinterpret_cast<const char*>(data), size});
  return 0;
}
