// Running hpack-test-case stories through h2engine's HPACK codec.
//
// DecodeStory checks our Decoder against a story encoded by anyone (RFC 7541 §2.2: one decoding
// context per story, cases in order). EncodeStory encodes a story's header lists with our
// Encoder, producing a story other decoders can check. A story's `header_table_size` on a case
// models SETTINGS_HEADER_TABLE_SIZE sent and acknowledged just before that case: the decoder's
// limit (Decoder::SetMaxTableSize) and the encoder's peer limit (Encoder::SetPeerMaxTableSize)
// change there, and the encoder signals its new table size at the start of that block (§4.2,
// §6.3).

#ifndef H2ENGINE_HPACK_TOOLS_STORY_CODEC_H_
#define H2ENGINE_HPACK_TOOLS_STORY_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hpack/decoder.h"
#include "hpack/tools/story.h"

namespace h2engine::hpack::tools {

struct StoryDecodeOptions {
  DecoderOptions decoder;
  // 0: feed each block whole. n > 0: feed it in fragments of 1, 2, ..., n, 1, 2, ... bytes, so
  // representations are split at every possible place (the decoder must resume anywhere).
  size_t max_fragment = 0;
};

// DecodeStory decodes every case of `story` in order with one Decoder and compares the result
// with the case's headers (names, values and order; the never-indexed flag is not part of the
// story format). Returns true if all cases match. Otherwise returns false and sets *error to
// "mismatch at seqno N: <what>", where <what> is a decoder error ("decoder error
// kIndexOutOfRange"), a missing wire, or the first differing header.
[[nodiscard]] bool DecodeStory(const Story& story, const StoryDecodeOptions& options,
                               std::string* error);

// TableSizeChange: the peer's SETTINGS_HEADER_TABLE_SIZE becomes `size` just before the case
// at position `case_index`.
struct TableSizeChange {
  size_t case_index = 0;
  uint32_t size = 4096;
};

struct StoryEncodeOptions {
  bool use_huffman = true;
  // The peer's SETTINGS_HEADER_TABLE_SIZE before the first case (written on case 0).
  uint32_t table_size = 4096;
  // Later changes, in any order; each is written as the case's header_table_size.
  std::vector<TableSizeChange> changes;
  // Our own cap (EncoderOptions::max_table_size). Unset: the largest of 4096 (the protocol's
  // initial size) and every size the story announces, so the peer's setting alone decides.
  std::optional<uint32_t> encoder_max_table_size;
};

// EncodeStory encodes every case of `input` (its wire and table sizes are ignored) with one
// Encoder and returns a story with the same headers, each case's wire filled in, seqno set to
// the case's position, header_table_size on case 0 and on each changed case, and a description
// naming h2engine and the options.
Story EncodeStory(const Story& input, const StoryEncodeOptions& options);

// DescribeMismatch compares two header lists; "" if equal, else the first difference, e.g.
// "header 2: got \"a: b\", want \"a: c\"" or "got 3 headers, want 4".
std::string DescribeMismatch(const std::vector<StoryHeader>& got,
                             const std::vector<StoryHeader>& want);

}  // namespace h2engine::hpack::tools

#endif  // H2ENGINE_HPACK_TOOLS_STORY_CODEC_H_
