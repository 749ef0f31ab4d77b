// Fuzzes base/decode_buffer.h: interprets the input as a program of reads (the first bytes) over
// the rest of the input, and checks that the cursor never moves outside the buffer and that
// every value read equals the bytes at that offset. ASan catches any read past the end.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "base/decode_buffer.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

uint32_t BigEndian(const uint8_t* p, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t program_len = std::min<size_t>(data[0] % 32, size - 1);
  const uint8_t* program = data + 1;
  const uint8_t* input = data + 1 + program_len;
  size_t input_len = size - 1 - program_len;

  h2engine::DecodeBuffer b(input, input_len);
  for (size_t pc = 0; pc < program_len; ++pc) {
    uint8_t op = program[pc];
    size_t before = b.Offset();
    const uint8_t* at = b.cursor();
    static constexpr size_t kWidth[] = {1, 2, 3, 4, 4};
    unsigned kind = op % 7;
    if (kind < 5) {
      size_t width = kWidth[kind];
      if (b.Remaining() < width) continue;  // A decoder checks first; so do we.
      uint32_t got = 0;
      switch (kind) {
        case 0: got = b.DecodeUInt8(); break;
        case 1: got = b.DecodeUInt16(); break;
        case 2: got = b.DecodeUInt24(); break;
        case 3: got = b.DecodeUInt32(); break;
        case 4: got = b.DecodeUInt31(); break;
      }
      uint32_t want = BigEndian(at, width);
      if (kind == 4) want &= 0x7fffffffu;
      Require(got == want);
      Require(b.Offset() == before + width);
    } else if (kind == 5) {
      size_t n = b.MinLengthRemaining(op >> 3);
      auto taken = b.Take(n);
      Require(taken.data() == at && taken.size() == n);
    } else {
      size_t limit = op >> 3;
      size_t consumed;
      {
        h2engine::DecodeBufferSubset sub(&b, limit);
        Require(sub.Remaining() <= limit && sub.Remaining() <= input_len - before);
        consumed = sub.MinLengthRemaining(limit / 2);
        sub.AdvanceCursor(consumed);
      }
      Require(b.Offset() == before + consumed);
    }
    Require(b.Offset() <= input_len);
    Require(b.Remaining() == input_len - b.Offset());
  }
  return 0;
}
