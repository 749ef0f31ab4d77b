// Every hpack-test-case story, as encoded by six other HPACK implementations, decodes exactly
// with our Decoder (RFC 7541 §2.2 and §3: one decoding context per story, blocks in order),
// both whole and split into small fragments at every possible place.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/tools/story.h"
#include "hpack/tools/story_codec.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack::tools {
namespace {

class StoryDecodeTest : public testing::TestWithParam<const char*> {};

TEST_P(StoryDecodeTest, EveryStoryDecodesExactly) {
  std::string dir = FindHpackTestCaseDir();
  ASSERT_FALSE(dir.empty()) << "testdata/hpack-test-case not found";
  std::vector<std::string> files;
  std::string error;
  ASSERT_TRUE(ListStoryFiles(dir + "/" + GetParam(), &files, &error)) << error;
  ASSERT_EQ(files.size(), 32u);
  size_t cases = 0;
  for (const std::string& file : files) {
    Story story;
    ASSERT_TRUE(LoadStory(file, &story, &error)) << file << ": " << error;
    cases += story.cases.size();
    StoryDecodeOptions whole;
    EXPECT_TRUE(DecodeStory(story, whole, &error)) << file << ": " << error;
    StoryDecodeOptions split;
    split.max_fragment = 7;  // fragments of 1..7 bytes
    EXPECT_TRUE(DecodeStory(story, split, &error)) << file << " (split): " << error;
  }
  EXPECT_GT(cases, 3000u);
}

INSTANTIATE_TEST_SUITE_P(HpackTestCase, StoryDecodeTest,
                         testing::Values("nghttp2", "go-hpack", "python-hpack", "node-http2-hpack",
                                         "haskell-http2-static",
                                         "haskell-http2-linear-huffman"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// A corrupted story must fail, naming the seqno, so the test above can fail.
TEST(StoryDecodeTest, ReportsTheFailingSeqno) {
  std::string dir = FindHpackTestCaseDir();
  ASSERT_FALSE(dir.empty());
  Story story;
  std::string error;
  ASSERT_TRUE(LoadStory(dir + "/nghttp2/story_00.json", &story, &error)) << error;
  ASSERT_GE(story.cases.size(), 3u);

  Story changed_header = story;
  changed_header.cases[2].headers[1].value = "https";
  EXPECT_FALSE(DecodeStory(changed_header, {}, &error));
  EXPECT_EQ(error, "mismatch at seqno 2: header 1: got \":scheme: http\", want \":scheme: https\"");

  Story missing_header = story;
  missing_header.cases[1].headers.push_back({"x", "y"});
  EXPECT_FALSE(DecodeStory(missing_header, {}, &error));
  EXPECT_EQ(error, "mismatch at seqno 1: got 4 headers, want 5 (first missing: \"x: y\")");

  Story bad_index = story;
  *bad_index.cases[1].wire += '\xff';  // indexed field 127 + continuation: truncated
  EXPECT_FALSE(DecodeStory(bad_index, {}, &error));
  EXPECT_EQ(error.rfind("mismatch at seqno 1: decoder error ", 0), 0u) << error;

  Story index_out_of_range = story;
  index_out_of_range.cases[0].wire = std::string("\xfe", 1);  // indexed 126: empty table
  EXPECT_FALSE(DecodeStory(index_out_of_range, {}, &error));
  EXPECT_EQ(error, "mismatch at seqno 0: decoder error kIndexOutOfRange");

  Story raw = story;
  raw.cases[0].wire.reset();
  EXPECT_FALSE(DecodeStory(raw, {}, &error));
  EXPECT_EQ(error.rfind("mismatch at seqno 0: no wire", 0), 0u) << error;
}

}  // namespace
}  // namespace h2engine::hpack::tools
