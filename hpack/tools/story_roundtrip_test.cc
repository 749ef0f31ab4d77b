// Our Encoder's output, decoded by our Decoder, reproduces every raw-data story exactly: with
// and without Huffman (RFC 7541 §5.2), at several peer table sizes, and with the peer's
// SETTINGS_HEADER_TABLE_SIZE changing mid-story (§4.2, §6.3).

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/tools/story.h"
#include "hpack/tools/story_codec.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack::tools {
namespace {

std::vector<Story> LoadRawStories() {
  std::vector<Story> stories;
  std::string dir = FindHpackTestCaseDir();
  EXPECT_FALSE(dir.empty()) << "testdata/hpack-test-case not found";
  std::vector<std::string> files;
  std::string error;
  EXPECT_TRUE(ListStoryFiles(dir + "/raw-data", &files, &error)) << error;
  EXPECT_EQ(files.size(), 32u);
  for (const std::string& file : files) {
    Story story;
    EXPECT_TRUE(LoadStory(file, &story, &error)) << file << ": " << error;
    story.description = file;
    stories.push_back(std::move(story));
  }
  return stories;
}

const std::vector<Story>& RawStories() {
  static const std::vector<Story>* stories = new std::vector<Story>(LoadRawStories());
  return *stories;
}

// The §6.3 dynamic table size update at the start of a block, if any: the sizes in order.
std::vector<uint64_t> LeadingSizeUpdates(const std::string& wire) {
  std::vector<uint64_t> sizes;
  size_t i = 0;
  while (i < wire.size() && (static_cast<uint8_t>(wire[i]) & 0xE0) == 0x20) {
    uint64_t v = static_cast<uint8_t>(wire[i++]) & 0x1F;
    if (v == 0x1F) {
      int shift = 0;
      while (i < wire.size()) {
        uint8_t b = static_cast<uint8_t>(wire[i++]);
        v += static_cast<uint64_t>(b & 0x7F) << shift;
        shift += 7;
        if ((b & 0x80) == 0) break;
      }
    }
    sizes.push_back(v);
  }
  return sizes;
}

void ExpectRoundTrip(const Story& raw, const StoryEncodeOptions& options, size_t max_fragment,
                     Story* out_encoded = nullptr) {
  Story encoded = EncodeStory(raw, options);
  ASSERT_EQ(encoded.cases.size(), raw.cases.size());
  for (size_t i = 0; i < raw.cases.size(); ++i) {
    ASSERT_EQ(encoded.cases[i].headers, raw.cases[i].headers);
    ASSERT_TRUE(encoded.cases[i].wire.has_value());
  }
  StoryDecodeOptions decode;
  decode.max_fragment = max_fragment;
  std::string error;
  EXPECT_TRUE(DecodeStory(encoded, decode, &error))
      << raw.description << " huffman=" << options.use_huffman
      << " table_size=" << options.table_size << " changes=" << options.changes.size() << ": "
      << error;
  if (out_encoded != nullptr) *out_encoded = std::move(encoded);
}

size_t WireBytes(const Story& s) {
  size_t n = 0;
  for (const StoryCase& c : s.cases) n += c.wire->size();
  return n;
}

class RoundTripTest : public testing::TestWithParam<std::tuple<bool, uint32_t>> {};

TEST_P(RoundTripTest, AllRawStories) {
  auto [huffman, table_size] = GetParam();
  StoryEncodeOptions options;
  options.use_huffman = huffman;
  options.table_size = table_size;
  size_t raw_bytes = 0, wire_bytes = 0;
  for (const Story& raw : RawStories()) {
    Story encoded;
    ExpectRoundTrip(raw, options, 0, &encoded);
    if (HasFailure()) return;
    raw_bytes += HeaderBytes(raw);
    wire_bytes += WireBytes(encoded);
    // §4.2: a smaller table than the initial 4096 must be signalled at the start of the first
    // block, with an update to at most the new size.
    std::vector<uint64_t> updates = LeadingSizeUpdates(*encoded.cases[0].wire);
    if (table_size < 4096) {
      ASSERT_FALSE(updates.empty()) << raw.description;
      EXPECT_LE(updates.back(), table_size) << raw.description;
    }
    for (uint64_t u : updates) EXPECT_LE(u, table_size) << raw.description;
    // No later block may carry an update: the size never changes again.
    for (size_t i = 1; i < encoded.cases.size(); ++i) {
      EXPECT_TRUE(LeadingSizeUpdates(*encoded.cases[i].wire).empty())
          << raw.description << " case " << i;
    }
  }
  // Sanity bounds on compression: HPACK always beats the raw header bytes on these stories,
  // by far with a dynamic table.
  EXPECT_LT(wire_bytes, raw_bytes);
  if (table_size >= 4096) {
    EXPECT_LT(wire_bytes * 2, raw_bytes);
  }
}

INSTANTIATE_TEST_SUITE_P(HuffmanAndTableSizes, RoundTripTest,
                         testing::Combine(testing::Bool(),
                                          testing::Values(0u, 256u, 4096u, 65536u)),
                         [](const testing::TestParamInfo<std::tuple<bool, uint32_t>>& param) {
                           return std::string(std::get<0>(param.param) ? "Huffman" : "NoHuffman") +
                                  "_" + std::to_string(std::get<1>(param.param));
                         });

// The peer's table size changes at several points of every story: 4096 -> 256 -> 65536 -> 0 ->
// 4096. Each shrink must be signalled at the start of the next block (§4.2).
TEST(RoundTripTest, TableSizeChangesMidStory) {
  for (bool huffman : {true, false}) {
    for (const Story& raw : RawStories()) {
      size_t n = raw.cases.size();
      StoryEncodeOptions options;
      options.use_huffman = huffman;
      options.table_size = 4096;
      options.changes = {{n / 5, 256}, {2 * n / 5, 65536}, {3 * n / 5, 0}, {4 * n / 5, 4096}};
      Story encoded;
      ExpectRoundTrip(raw, options, 0, &encoded);
      if (HasFailure()) return;
      if (n < 10) continue;  // short stories: several changes fall on one case
      std::vector<uint64_t> at_256 = LeadingSizeUpdates(*encoded.cases[n / 5].wire);
      ASSERT_FALSE(at_256.empty()) << raw.description;
      EXPECT_LE(at_256.front(), 256u) << raw.description;
      EXPECT_EQ(LeadingSizeUpdates(*encoded.cases[3 * n / 5].wire),
                std::vector<uint64_t>{0}) << raw.description;
      EXPECT_EQ(encoded.cases[n / 5].header_table_size, 256u);
      EXPECT_EQ(encoded.cases[2 * n / 5].header_table_size, 65536u);
      EXPECT_EQ(encoded.cases[3 * n / 5].header_table_size, 0u);
      EXPECT_EQ(encoded.cases[4 * n / 5].header_table_size, 4096u);
      EXPECT_FALSE(encoded.cases[1].header_table_size.has_value());
    }
  }
}

// EncoderOptions::max_table_size below the protocol's initial 4096: both sides start at 4096
// (RFC 9113 §6.5.2), so the encoder must announce its smaller table at the start of its first
// block (§4.2) even though the peer's setting never changes.
TEST(RoundTripTest, EncoderOwnLimitBelowTheInitialSize) {
  for (uint32_t own_limit : {0u, 100u, 1024u}) {
    for (const Story& raw : RawStories()) {
      StoryEncodeOptions options;
      options.encoder_max_table_size = own_limit;
      Story encoded;
      ExpectRoundTrip(raw, options, 0, &encoded);
      if (HasFailure()) return;
      std::vector<uint64_t> updates = LeadingSizeUpdates(*encoded.cases[0].wire);
      ASSERT_FALSE(updates.empty()) << raw.description << " own limit " << own_limit;
      EXPECT_EQ(updates.back(), own_limit) << raw.description;
    }
  }
}

// The decoder resumes anywhere: our own output, fed in fragments of 1..5 bytes.
TEST(RoundTripTest, SplitFragments) {
  StoryEncodeOptions options;
  options.changes = {{3, 0}, {5, 512}};
  for (const Story& raw : RawStories()) {
    ExpectRoundTrip(raw, options, 5);
    if (HasFailure()) return;
  }
}

// Huffman (§5.2) is used only when shorter, so it never makes the output larger.
TEST(RoundTripTest, HuffmanNeverLonger) {
  for (const Story& raw : RawStories()) {
    StoryEncodeOptions with, without;
    without.use_huffman = false;
    Story a = EncodeStory(raw, with);
    Story b = EncodeStory(raw, without);
    EXPECT_LT(WireBytes(a), WireBytes(b)) << raw.description;
  }
}

}  // namespace
}  // namespace h2engine::hpack::tools
