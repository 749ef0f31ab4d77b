// Story: one hpack-test-case story file (testdata/hpack-test-case/README.md), in memory.
//
// A story is a sequence of header blocks ("cases") that share one HPACK compression context.
// Each case has a `seqno`, an optional `header_table_size` (the SETTINGS_HEADER_TABLE_SIZE sent
// and acknowledged just before the case; absent or null means unchanged), an optional `wire`
// (the encoded block, hex) and `headers`, an array of single-member objects {name: value} in
// order. raw-data/ stories have neither seqno nor wire; they are encoder input.
//
// This file only converts between JSON text and Story; story_codec.h runs stories through the
// HPACK codec. Unknown members (such as "context") are ignored when reading, except that
// "description" and "context" are kept and written back.

#ifndef H2ENGINE_HPACK_TOOLS_STORY_H_
#define H2ENGINE_HPACK_TOOLS_STORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hpack/tools/json.h"

namespace h2engine::hpack::tools {

struct StoryHeader {
  std::string name;
  std::string value;
  bool operator==(const StoryHeader&) const = default;
};

struct StoryCase {
  uint64_t seqno = 0;  // from the file, or the case's position when the file has none
  std::optional<uint32_t> header_table_size;
  std::optional<std::string> wire;  // the encoded block as bytes (not hex)
  std::vector<StoryHeader> headers;
};

struct Story {
  std::string description;
  std::string context;  // "request" or "response" in raw-data/, else empty
  std::vector<StoryCase> cases;
};

// ParseStory reads story JSON. On failure returns false with *error saying where and what
// (a JSON syntax error with its line and column, or "cases[3].wire: odd number of hex digits").
[[nodiscard]] bool ParseStory(std::string_view json, Story* out, std::string* error);

// ReadFile reads a whole file (up to max_bytes) into *out; false with *error ("cannot open
// story.json: No such file or directory") on failure.
[[nodiscard]] bool ReadFile(const std::string& path, std::string* out, std::string* error,
                            size_t max_bytes = 256 * 1024 * 1024);

// LoadStory = ReadFile + ParseStory; errors are prefixed with nothing (callers add the path).
[[nodiscard]] bool LoadStory(const std::string& path, Story* out, std::string* error);

// StoryToJson writes a story in the layout of the hpack-test-case files: description (and
// context) first, then cases with seqno, header_table_size (only when set), wire in lowercase
// hex (only when set) and headers. Returns false with *error if a name or value is not valid
// UTF-8 (JSON cannot carry it).
[[nodiscard]] bool StoryToJson(const Story& story, std::string* out, std::string* error);

// HexEncode/HexDecode: lowercase hex; HexDecode accepts either case and rejects odd lengths
// and non-hex characters.
std::string HexEncode(std::string_view bytes);
[[nodiscard]] bool HexDecode(std::string_view hex, std::string* out);

// HeaderBytes is the sum of name and value lengths over all cases: the "header bytes" that
// benchmarks and compression ratios count.
size_t HeaderBytes(const Story& story);
// HeaderCount is the number of header fields over all cases.
size_t HeaderCount(const Story& story);

}  // namespace h2engine::hpack::tools

#endif  // H2ENGINE_HPACK_TOOLS_STORY_H_
