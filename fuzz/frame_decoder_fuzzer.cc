// Fuzzes h2/frame_decoder.h on arbitrary bytes.
//
// Input: byte 0 picks the decoder's max frame size (bits 0-1) and how the rest is cut into
// pieces (bits 2-7: byte by byte, or a pseudo-random cut seeded by the byte); bytes 1.. are
// the wire bytes. The rest is decoded twice, whole and in pieces, each time through a
// FrameRecorder (h2/testing/frame_recorder.h) that checks the listener contract: callbacks in
// a legal order, no empty pieces, payload pieces of DATA / HEADERS / PUSH_PROMISE /
// CONTINUATION adding up to the declared length minus Pad Length, priority fields, promised
// stream id and padding, masked flags, nothing after a connection error. Then:
//   - both runs give the same events, consumed byte count, state and error;
//   - all input is consumed unless a connection error stopped the decoder;
//   - each piece is copied into its own exactly-sized heap buffer, so ASan reports any read
//     past the bytes given to one Decode() call.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "h2/frame_decoder.h"
#include "h2/testing/frame_recorder.h"

namespace {

using h2engine::h2::FrameDecoder;
using h2engine::h2::testing::FrameRecorder;

void Require(bool ok) {
  if (!ok) std::abort();
}

constexpr uint32_t kMaxFrameSizes[] = {16384, 16385, 65535, 16777215};

struct Run {
  std::vector<std::string> events;
  size_t consumed = 0;
  FrameDecoder::State state = FrameDecoder::State::kFrameHeader;
  h2engine::h2::ErrorCode error = h2engine::h2::ErrorCode::kNoError;
};

// Decode feeds `pieces` (lengths covering `input`) to a fresh decoder, each from its own
// exactly-sized copy.
Run Decode(std::span<const uint8_t> input, const std::vector<size_t>& pieces,
           uint32_t max_frame_size) {
  FrameRecorder recorder;
  FrameDecoder decoder(&recorder);
  decoder.set_max_frame_size(max_frame_size);
  Run run;
  size_t offset = 0;
  for (size_t n : pieces) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n == 0 ? 1 : n]);
    if (n != 0) std::memcpy(copy.get(), input.data() + offset, n);
    size_t consumed = decoder.Decode(std::span<const uint8_t>(copy.get(), n));
    Require(consumed <= n);
    if (consumed < n) Require(decoder.HasError());
    run.consumed += consumed;
    offset += n;
    if (decoder.AtFrameBoundary()) Require(recorder.AtFrameBoundary());
  }
  Require(offset == input.size());
  if (!recorder.violation().empty()) {
    std::fprintf(stderr, "listener contract violated: %s\n", recorder.violation().c_str());
    std::abort();
  }
  Require(decoder.HasError() == recorder.saw_connection_error());
  Require(decoder.HasError() == (decoder.error() != h2engine::h2::ErrorCode::kNoError));
  if (!decoder.HasError()) Require(run.consumed == input.size());
  run.events = recorder.events();
  run.state = decoder.state();
  run.error = decoder.error();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t config = data[0];
  const uint32_t max_frame_size = kMaxFrameSizes[config & 3];
  std::span<const uint8_t> input(data + 1, size - 1);

  Run whole = Decode(input, {input.size()}, max_frame_size);

  std::vector<size_t> pieces;
  uint32_t seed = config >> 2;
  if (seed == 0) {
    pieces.assign(input.size(), 1);
  } else {
    uint32_t x = seed * 2654435761u + 1;
    size_t left = input.size();
    while (left > 0) {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      size_t n = (x & 7) == 0 ? 0 : 1 + (x >> 3) % ((x & 1) ? 16 : left);
      if (n > left) n = left;
      pieces.push_back(n);
      left -= n;
    }
  }
  Run split = Decode(input, pieces, max_frame_size);

  Require(split.events == whole.events);
  Require(split.consumed == whole.consumed);
  Require(split.state == whole.state);
  Require(split.error == whole.error);
  return 0;
}
