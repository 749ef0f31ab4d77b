#include "hpack/tools/json.h"

#include <string>

#include "gtest/gtest.h"

namespace h2engine::hpack::tools {
namespace {

JsonValue MustParse(std::string_view text) {
  JsonValue v;
  std::string error;
  EXPECT_TRUE(ParseJson(text, &v, &error)) << text << ": " << error;
  return v;
}

std::string ParseError(std::string_view text, const JsonLimits& limits = {}) {
  JsonValue v;
  std::string error;
  EXPECT_FALSE(ParseJson(text, &v, &error, limits)) << "accepted: " << text;
  return error;
}

std::string Write(const JsonValue& v, bool indent = false) {
  std::string out, error;
  EXPECT_TRUE(WriteJson(v, &out, &error, indent)) << error;
  return out;
}

TEST(JsonTest, Scalars) {
  EXPECT_TRUE(MustParse("null").is_null());
  EXPECT_TRUE(MustParse(" true ").bool_value());
  EXPECT_FALSE(MustParse("false").bool_value());
  EXPECT_EQ(MustParse("\"abc\"").string_value(), "abc");
  EXPECT_EQ(MustParse("-1.5e2").number_value(), -150.0);
  EXPECT_EQ(MustParse("0").number_value(), 0.0);
}

TEST(JsonTest, IntegersAreExact) {
  uint64_t u = 0;
  EXPECT_TRUE(MustParse("4096").AsUint64(&u));
  EXPECT_EQ(u, 4096u);
  EXPECT_TRUE(MustParse("18446744073709551615").AsUint64(&u));
  EXPECT_EQ(u, UINT64_MAX);
  // Not plain non-negative integers: no exact value.
  EXPECT_FALSE(MustParse("18446744073709551616").AsUint64(&u));
  EXPECT_FALSE(MustParse("-1").AsUint64(&u));
  EXPECT_FALSE(MustParse("1.0").AsUint64(&u));
  EXPECT_FALSE(MustParse("1e3").AsUint64(&u));
  EXPECT_FALSE(MustParse("\"1\"").AsUint64(&u));
}

TEST(JsonTest, ArraysAndObjectsKeepOrder) {
  JsonValue v = MustParse(R"({"b": [1, 2, {"x": null}], "a": "s", "c": {}})");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.key(0), "b");
  EXPECT_EQ(v.key(1), "a");
  EXPECT_EQ(v.key(2), "c");
  const JsonValue* b = v.Find("b");
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->size(), 3u);
  EXPECT_EQ(b->at(1).number_value(), 2.0);
  EXPECT_TRUE(b->at(2).Find("x")->is_null());
  EXPECT_EQ(v.Find("missing"), nullptr);
  EXPECT_EQ(v.Find("c")->size(), 0u);
  EXPECT_EQ(MustParse("[]").size(), 0u);
}

TEST(JsonTest, StringEscapes) {
  EXPECT_EQ(MustParse(R"("a\"b\\c\/d\b\f\n\r\t")").string_value(), "a\"b\\c/d\b\f\n\r\t");
  // The escapes hpack-test-case files use.
  EXPECT_EQ(MustParse(R"("a\u0026b\u003c\u003e")").string_value(), "a&b<>");
  EXPECT_EQ(MustParse(R"("\u00e9")").string_value(), "\xC3\xA9");
  EXPECT_EQ(MustParse(R"("\u20AC")").string_value(), "\xE2\x82\xAC");
  // A surrogate pair: U+1F600.
  EXPECT_EQ(MustParse(R"("\ud83d\ude00")").string_value(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(MustParse(R"("\u0000")").string_value(), std::string(1, '\0'));
  // Raw UTF-8 passes through.
  EXPECT_EQ(MustParse("\"\xE2\x82\xAC\"").string_value(), "\xE2\x82\xAC");
}

TEST(JsonTest, RejectsMalformedInput) {
  EXPECT_NE(ParseError("").find("unexpected end"), std::string::npos);
  ParseError("[1,]");
  ParseError("{\"a\":1,}");
  ParseError("[1 2]");
  ParseError("{'a': 1}");
  ParseError("{\"a\" 1}");
  ParseError("{1: 1}");
  ParseError("01");
  ParseError("-");
  ParseError("1.");
  ParseError(".5");
  ParseError("1e");
  ParseError("+1");
  ParseError("NaN");
  ParseError("Infinity");
  ParseError("1e999");
  ParseError("tru");
  ParseError("nul");
  ParseError("\"abc");
  ParseError("\"a\nb\"");             // raw control character
  ParseError(R"("\x41")");           // unknown escape
  ParseError(R"("\u12G4")");
  ParseError(R"("\u12")");
  ParseError(R"("\ud83d")");         // lone high surrogate
  ParseError(R"("\ud83dx")");
  ParseError(R"("\ud83d\u0041")");   // high surrogate + non-surrogate
  ParseError(R"("\ude00")");         // lone low surrogate
  ParseError("\"\xC3\"");            // truncated UTF-8
  ParseError("\"\xC0\xAF\"");        // overlong
  ParseError("\"\xED\xA0\x80\"");    // encoded surrogate
  ParseError("\"\xF4\x90\x80\x80\"");  // above U+10FFFF
  ParseError("\"\xFF\"");
  ParseError("\xEF\xBB\xBF{}");      // byte-order mark
  ParseError("// comment\n{}");
  ParseError("{} {}");
  ParseError("{\"a\": 1, \"a\": 2}");  // duplicate key
}

TEST(JsonTest, ErrorsSayWhere) {
  EXPECT_EQ(ParseError("{\n  \"a\": [1,\n  2,]\n}"), "line 3, column 5: expected a value");
  EXPECT_EQ(ParseError("[1] x"), "line 1, column 5: unexpected data after the JSON value");
  EXPECT_EQ(ParseError("{\"a\": 1, \"a\": 2}"), "line 1, column 10: duplicate key \"a\"");
}

TEST(JsonTest, LimitsAreEnforced) {
  JsonLimits limits;
  limits.max_depth = 3;
  JsonValue v;
  std::string error;
  EXPECT_TRUE(ParseJson("[[[1]]]", &v, &error, limits)) << error;
  EXPECT_NE(ParseError("[[[[1]]]]", limits).find("nesting"), std::string::npos);
  EXPECT_NE(ParseError("[{\"a\":[{}]}]", limits).find("nesting"), std::string::npos);

  limits = JsonLimits();
  limits.max_string_bytes = 4;
  EXPECT_TRUE(ParseJson("\"abcd\"", &v, &error, limits)) << error;
  EXPECT_NE(ParseError("\"abcde\"", limits).find("limit"), std::string::npos);
  EXPECT_NE(ParseError("{\"abcde\": 1}", limits).find("limit"), std::string::npos);
  // Escapes count after unescaping: 5 output bytes.
  EXPECT_NE(ParseError(R"("\u00e9\u00e9a")", limits).find("limit"), std::string::npos);

  limits = JsonLimits();
  limits.max_input_bytes = 8;
  EXPECT_TRUE(ParseJson("[1,2,3]", &v, &error, limits)) << error;
  EXPECT_NE(ParseError("[1,2,3,4]", limits).find("exceeds the limit"), std::string::npos);
}

TEST(JsonTest, DeepNestingWithinDefaultLimitIsFineAndBeyondIsAnError) {
  std::string deep(64, '[');
  deep += std::string(64, ']');
  JsonValue v;
  std::string error;
  EXPECT_TRUE(ParseJson(deep, &v, &error)) << error;
  std::string too_deep(100000, '[');  // would overflow an unbounded recursive parser's stack
  EXPECT_NE(ParseError(too_deep).find("nesting"), std::string::npos);
}

TEST(JsonTest, WriterCompactAndIndented) {
  JsonValue o = JsonValue::Object();
  o.Set("n", JsonValue::Integer(4096));
  o.Set("neg", JsonValue::Integer(-7));
  o.Set("s", JsonValue::String("a\"b\\c\n\x01\xC3\xA9"));
  JsonValue a = JsonValue::Array();
  a.Append(JsonValue::Bool(true));
  a.Append(JsonValue::Null());
  o.Set("a", std::move(a));
  o.Set("e", JsonValue::Object());
  EXPECT_EQ(Write(o),
            "{\"n\":4096,\"neg\":-7,\"s\":\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\",\"a\":[true,null],"
            "\"e\":{}}");
  EXPECT_EQ(Write(o, true),
            "{\n"
            "  \"n\": 4096,\n"
            "  \"neg\": -7,\n"
            "  \"s\": \"a\\\"b\\\\c\\n\\u0001\xC3\xA9\",\n"
            "  \"a\": [\n"
            "    true,\n"
            "    null\n"
            "  ],\n"
            "  \"e\": {}\n"
            "}");
  // Set replaces an existing member in place.
  o.Set("n", JsonValue::Integer(1));
  EXPECT_EQ(Write(o).substr(0, 7), "{\"n\":1,");
}

TEST(JsonTest, WriteThenParseIsIdentity) {
  const char* text =
      R"({"description":"x","cases":[{"seqno":0,"header_table_size":null,"wire":"82",)"
      R"("headers":[{":method":"GET"},{"a\u0026b":"\u00e9\ud83d\ude00\t"}]},{"v":-1.25e-3}]})";
  JsonValue v = MustParse(text);
  std::string once = Write(v);
  JsonValue again = MustParse(once);
  EXPECT_EQ(Write(again), once);
  EXPECT_EQ(Write(MustParse(Write(v, true))), once);
}

TEST(JsonTest, WriterRejectsInvalidUtf8) {
  std::string out, error;
  EXPECT_FALSE(WriteJson(JsonValue::String("\xFF"), &out, &error));
  EXPECT_NE(error.find("UTF-8"), std::string::npos);
  JsonValue o = JsonValue::Object();
  o.Set("\xC3", JsonValue::Null());
  EXPECT_FALSE(WriteJson(o, &out, &error));
}

TEST(JsonTest, IsValidUtf8) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));
}

}  // namespace
}  // namespace h2engine::hpack::tools
