#include "hpack/tools/story.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack::tools {
namespace {

constexpr char kEncodedStory[] = R"({
  "description": "Encoded by someone.",
  "cases": [
    {
      "seqno": 0,
      "header_table_size": 4096,
      "wire": "82864188F439CE75C875FA5784",
      "headers": [
        { ":method": "GET" },
        { ":scheme": "http" },
        { ":authority": "yahoo.co.jp" },
        { ":path": "/" }
      ]
    },
    {
      "seqno": 7,
      "header_table_size": null,
      "wire": "",
      "headers": [ { "a\u0026b": "x" }, { "a": "" } ],
      "extra": [1, 2, 3]
    }
  ]
})";

std::string StoryError(std::string_view json) {
  Story story;
  std::string error;
  EXPECT_FALSE(ParseStory(json, &story, &error)) << json;
  return error;
}

TEST(StoryTest, ParsesAnEncodedStory) {
  Story story;
  std::string error;
  ASSERT_TRUE(ParseStory(kEncodedStory, &story, &error)) << error;
  EXPECT_EQ(story.description, "Encoded by someone.");
  EXPECT_EQ(story.context, "");
  ASSERT_EQ(story.cases.size(), 2u);
  const StoryCase& c0 = story.cases[0];
  EXPECT_EQ(c0.seqno, 0u);
  EXPECT_EQ(c0.header_table_size, 4096u);
  ASSERT_TRUE(c0.wire.has_value());
  EXPECT_EQ(*c0.wire, std::string("\x82\x86\x41\x88\xF4\x39\xCE\x75\xC8\x75\xFA\x57\x84", 13));
  std::vector<StoryHeader> want = {
      {":method", "GET"}, {":scheme", "http"}, {":authority", "yahoo.co.jp"}, {":path", "/"}};
  EXPECT_EQ(c0.headers, want);
  const StoryCase& c1 = story.cases[1];
  EXPECT_EQ(c1.seqno, 7u);
  EXPECT_FALSE(c1.header_table_size.has_value());  // null = unchanged
  EXPECT_EQ(c1.wire, std::string());
  want = {{"a&b", "x"}, {"a", ""}};
  EXPECT_EQ(c1.headers, want);
  EXPECT_EQ(HeaderBytes(story), 7u + 3 + 7 + 4 + 10 + 11 + 5 + 1 + 4 + 1);
  EXPECT_EQ(HeaderCount(story), 6u);
}

TEST(StoryTest, ParsesARawStory) {
  Story story;
  std::string error;
  ASSERT_TRUE(ParseStory(R"({"context": "request", "cases": [
      {"headers": [{":method": "GET"}]}, {"headers": []}]})",
                         &story, &error))
      << error;
  EXPECT_EQ(story.context, "request");
  ASSERT_EQ(story.cases.size(), 2u);
  EXPECT_EQ(story.cases[1].seqno, 1u);  // position when the file has no seqno
  EXPECT_FALSE(story.cases[0].wire.has_value());
  EXPECT_FALSE(story.cases[0].header_table_size.has_value());
}

TEST(StoryTest, RejectsBadStories) {
  EXPECT_NE(StoryError("{").find("line 1"), std::string::npos);
  EXPECT_EQ(StoryError("[]"), "expected a JSON object at the top level");
  EXPECT_EQ(StoryError("{}"), "cases: expected an array");
  EXPECT_EQ(StoryError(R"({"cases": [1]})"), "cases[0]: expected an object, got number");
  EXPECT_EQ(StoryError(R"({"cases": [{}]})"), "cases[0].headers: expected an array");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "seqno": -1}]})"),
            "cases[0].seqno: expected a non-negative integer");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "seqno": 1.5}]})"),
            "cases[0].seqno: expected a non-negative integer");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "header_table_size": 4294967296}]})"),
            "cases[0].header_table_size: expected null or an integer from 0 to 4294967295");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "header_table_size": "4096"}]})"),
            "cases[0].header_table_size: expected null or an integer from 0 to 4294967295");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "wire": "828"}]})"),
            "cases[0].wire: expected a string of hex digit pairs");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "wire": "8g"}]})"),
            "cases[0].wire: expected a string of hex digit pairs");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [], "wire": 82}]})"),
            "cases[0].wire: expected a string of hex digit pairs");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [{"a": "b", "c": "d"}]}]})"),
            "cases[0].headers[0]: expected an object with exactly one string member");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [{}]}]})"),
            "cases[0].headers[0]: expected an object with exactly one string member");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": [{"a": 1}]}]})"),
            "cases[0].headers[0]: expected an object with exactly one string member");
  EXPECT_EQ(StoryError(R"({"cases": [{"headers": []}, {"headers": [["a", "b"]]}]})"),
            "cases[1].headers[0]: expected an object with exactly one string member");
}

TEST(StoryTest, WritesTheTestCaseLayoutAndReadsItBack) {
  Story story;
  story.description = "Encoded by h2engine.";
  StoryCase c;
  c.seqno = 0;
  c.header_table_size = 256;
  c.wire = std::string("\x82\x00\xff", 3);
  c.headers = {{":method", "GET"}, {"x-q", "a\"b&<\xC3\xA9"}};
  story.cases.push_back(c);
  c.seqno = 1;
  c.header_table_size.reset();
  c.wire.reset();
  c.headers = {};
  story.cases.push_back(c);
  std::string json, error;
  ASSERT_TRUE(StoryToJson(story, &json, &error)) << error;
  EXPECT_EQ(json,
            "{\n"
            "  \"description\": \"Encoded by h2engine.\",\n"
            "  \"cases\": [\n"
            "    {\n"
            "      \"seqno\": 0,\n"
            "      \"header_table_size\": 256,\n"
            "      \"wire\": \"8200ff\",\n"
            "      \"headers\": [\n"
            "        {\n"
            "          \":method\": \"GET\"\n"
            "        },\n"
            "        {\n"
            "          \"x-q\": \"a\\\"b&<\xC3\xA9\"\n"
            "        }\n"
            "      ]\n"
            "    },\n"
            "    {\n"
            "      \"seqno\": 1,\n"
            "      \"headers\": []\n"
            "    }\n"
            "  ]\n"
            "}\n");
  Story back;
  ASSERT_TRUE(ParseStory(json, &back, &error)) << error;
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.description, story.description);
  EXPECT_EQ(back.cases[0].header_table_size, 256u);
  EXPECT_EQ(back.cases[0].wire, story.cases[0].wire);
  EXPECT_EQ(back.cases[0].headers, story.cases[0].headers);
  EXPECT_FALSE(back.cases[1].wire.has_value());
}

TEST(StoryTest, WriterRefusesNonUtf8Headers) {
  Story story;
  story.cases.resize(1);
  story.cases[0].headers = {{"x", "\xff"}};
  std::string json, error;
  EXPECT_FALSE(StoryToJson(story, &json, &error));
  EXPECT_NE(error.find("UTF-8"), std::string::npos);
}

TEST(StoryTest, Hex) {
  EXPECT_EQ(HexEncode(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
  std::string out;
  EXPECT_TRUE(HexDecode("007F80fF", &out));
  EXPECT_EQ(out, std::string("\x00\x7f\x80\xff", 4));
  EXPECT_TRUE(HexDecode("", &out));
  EXPECT_EQ(out, "");
  EXPECT_FALSE(HexDecode("0", &out));
  EXPECT_FALSE(HexDecode("0x", &out));
  EXPECT_FALSE(HexDecode(" 0", &out));
}

TEST(StoryTest, LoadStoryReportsMissingFiles) {
  Story story;
  std::string error;
  EXPECT_FALSE(LoadStory("/nonexistent/story.json", &story, &error));
  EXPECT_EQ(error, "cannot open /nonexistent/story.json: No such file or directory");
}

// The checked-in hpack-test-case data is found and has its shape; story_decode_test and
// story_roundtrip_test load every file.
TEST(StoryTest, LoadsTestCaseStories) {
  std::string dir = FindHpackTestCaseDir();
  ASSERT_FALSE(dir.empty()) << "testdata/hpack-test-case not found";
  for (const char* folder : {"raw-data", "nghttp2", "go-hpack", "python-hpack", "node-http2-hpack",
                             "haskell-http2-static", "haskell-http2-linear-huffman"}) {
    std::vector<std::string> files;
    std::string error;
    ASSERT_TRUE(ListStoryFiles(dir + "/" + folder, &files, &error)) << error;
    ASSERT_EQ(files.size(), 32u) << folder;
    EXPECT_EQ(BaseName(files[0]), "story_00.json");
    EXPECT_EQ(BaseName(files[31]), "story_31.json");
  }
  Story story;
  std::string error;
  ASSERT_TRUE(LoadStory(dir + "/raw-data/story_00.json", &story, &error)) << error;
  EXPECT_EQ(story.context, "request");
  ASSERT_EQ(story.cases.size(), 3u);
  EXPECT_FALSE(story.cases[0].wire.has_value());
  EXPECT_EQ(story.cases[2].headers[3],
            (StoryHeader{":path", "/images/top/sp2/cmn/logo-ns-130528.png"}));
  ASSERT_TRUE(LoadStory(dir + "/go-hpack/story_01.json", &story, &error)) << error;
  ASSERT_EQ(story.cases.size(), 2u);
  EXPECT_EQ(story.cases[1].seqno, 1u);
  EXPECT_EQ(story.cases[0].header_table_size, 4096u);
  EXPECT_TRUE(story.cases[1].wire.has_value());
  std::vector<std::string> files;
  EXPECT_FALSE(ListStoryFiles(dir + "/no-such-folder", &files, &error));
  EXPECT_NE(error.find("cannot list"), std::string::npos);
}

}  // namespace
}  // namespace h2engine::hpack::tools
