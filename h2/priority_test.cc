#include "h2/priority.h"

#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

constexpr Priority kDefault{};

Priority P(uint8_t urgency, bool incremental) { return Priority{urgency, incremental}; }

struct Case {
  const char* value;
  bool ok;
  std::optional<uint8_t> urgency;
  std::optional<bool> incremental;
};

void ExpectCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string("value: \"") + c.value + "\"");
    PriorityParseResult r = ParsePriorityFieldValue(c.value);
    EXPECT_EQ(r.ok(), c.ok);
    EXPECT_EQ(r.params.urgency, c.urgency);
    EXPECT_EQ(r.params.incremental, c.incremental);
    // The one-line form of the multi-line parser must agree.
    std::string_view line = c.value;
    PriorityParseResult lines = ParsePriorityFieldLines({&line, 1});
    EXPECT_EQ(lines.ok(), r.ok());
    EXPECT_EQ(lines.params, r.params);
  }
}

TEST(PriorityTest, DefaultsAreUrgency3NotIncremental_Rfc9218Section4) {
  EXPECT_EQ(kDefault.urgency, 3);
  EXPECT_FALSE(kDefault.incremental);
  EXPECT_EQ(ParsePriority(""), kDefault);
  PriorityParseResult r = ParsePriorityFieldValue("");
  EXPECT_TRUE(r.ok());
  EXPECT_FALSE(r.params.urgency.has_value());
  EXPECT_FALSE(r.params.incremental.has_value());
}

TEST(PriorityTest, TheRfc9218Examples) {
  EXPECT_EQ(ParsePriority("u=0"), P(0, false));    // §4.1
  EXPECT_EQ(ParsePriority("u=5, i"), P(5, true));  // §4.2
  EXPECT_EQ(ParsePriority("u=1"), P(1, false));    // §8
}

TEST(PriorityTest, UrgencyIsAnIntegerZeroToSeven_Rfc9218Section4_1) {
  ExpectCases({
      {"u=0", true, 0, {}},
      {"u=1", true, 1, {}},
      {"u=7", true, 7, {}},
      {"u=007", true, 7, {}},
      {"u=-0", true, 0, {}},
      // Out of range: ignored, the Dictionary is still fine.
      {"u=8", true, {}, {}},
      {"u=-1", true, {}, {}},
      {"u=100", true, {}, {}},
      {"u=999999999999999", true, {}, {}},  // 15 digits: the largest Integer.
      // Wrong types: ignored.
      {"u=1.0", true, {}, {}},
      {"u=1.5", true, {}, {}},
      {"u=\"1\"", true, {}, {}},
      {"u=a", true, {}, {}},
      {"u=?1", true, {}, {}},
      {"u=:AQ==:", true, {}, {}},
      {"u=(1)", true, {}, {}},
      {"u", true, {}, {}},  // Bare key: Boolean true.
      {"u;x=1", true, {}, {}},
  });
}

TEST(PriorityTest, IncrementalIsABoolean_Rfc9218Section4_2) {
  ExpectCases({
      {"i", true, {}, true},
      {"i=?1", true, {}, true},
      {"i=?0", true, {}, false},
      {"i;foo", true, {}, true},
      {"i;foo=1;bar=?0", true, {}, true},
      {"i=?1;a=b", true, {}, true},
      // Wrong types: ignored.
      {"i=1", true, {}, {}},
      {"i=0", true, {}, {}},
      {"i=true", true, {}, {}},
      {"i=\"?1\"", true, {}, {}},
      {"i=(?1)", true, {}, {}},
      {"i=1.0", true, {}, {}},
      // Not a Boolean at all: malformed.
      {"i=?", false, {}, {}},
      {"i=?2", false, {}, {}},
      {"i=?true", false, {}, {}},
  });
}

TEST(PriorityTest, ParametersOnMembersAreIgnored) {
  ExpectCases({
      {"u=1;foo=bar", true, 1, {}},
      {"u=1;foo=bar;baz", true, 1, {}},
      {"u=2; foo=bar", true, 2, {}},  // SP allowed after ';'.
      {"u=1;foo=\"x;y\"", true, 1, {}},
      {"u=1;foo=(1)", false, {}, {}},  // Parameter values are bare items, not inner lists.
      {"u=1;Foo=1", false, {}, {}},    // Keys are lowercase.
      {"u=1;", false, {}, {}},
      {"u=1 ;a", false, {}, {}},  // No SP before ';'.
  });
}

TEST(PriorityTest, UnknownKeysAreIgnored) {
  ExpectCases({
      {"u=5, i, foo=bar", true, 5, true},
      {"foo, u=2", true, 2, {}},
      {"visible=?1, u=1", true, 1, {}},
      {"*x=1, u=4", true, 4, {}},
      {"a_b-c.d*=1, i", true, {}, true},
      {"uu=1", true, {}, {}},
      {"ii", true, {}, {}},
      {"u1=1", true, {}, {}},
  });
}

TEST(PriorityTest, LastValueOfARepeatedKeyWins_Rfc8941Section4_2_2) {
  ExpectCases({
      {"u=1, u=2", true, 2, {}},
      {"u=1, u=9", true, {}, {}},  // The last value is out of range: default, not 1.
      {"u=9, u=1", true, 1, {}},
      {"i, i=?0", true, {}, false},
      {"i=?0, i", true, {}, true},
      {"i, i=1", true, {}, {}},
  });
}

TEST(PriorityTest, WhitespaceRules_Rfc8941Section4_2) {
  ExpectCases({
      {"  u=2", true, 2, {}},     // Leading SP is discarded.
      {"u=2  ", true, 2, {}},     // Trailing SP too.
      {"u=2\t", true, 2, {}},     // Trailing OWS after a member.
      {"u=2 ,i", true, 2, true},  // OWS around commas.
      {"u=2\t,\ti", true, 2, true},
      {"u=2,i", true, 2, true},
      {"\tu=2", false, {}, {}},  // Only SP may lead.
      {"u =2", false, {}, {}},
      {"u= 2", false, {}, {}},
      {"u=2 i", false, {}, {}},  // Members need a comma.
  });
}

TEST(PriorityTest, MalformedDictionariesGiveDefaults) {
  ExpectCases({
      {",", false, {}, {}},
      {"u=1,", false, {}, {}},
      {"u=1, ", false, {}, {}},
      {", u=1", false, {}, {}},
      {"u=1,,i", false, {}, {}},
      {"U=1", false, {}, {}},
      {"u=1, I", false, {}, {}},
      {"1=u", false, {}, {}},
      {"u=", false, {}, {}},
      {"u=-", false, {}, {}},
      {"u=1-", false, {}, {}},
      {"=1", false, {}, {}},
      {"u==1", false, {}, {}},
      {"garbage!", false, {}, {}},
      {"u=1;", false, {}, {}},
      {"u=1\n", false, {}, {}},
      {"high", true, {}, {}},  // A valid Dictionary with an unknown key.
      {"u=1 u=2", false, {}, {}},
  });
  EXPECT_EQ(ParsePriority("u=1,"), kDefault);
  EXPECT_EQ(ParsePriority("u=0, i, ,"), kDefault);
}

TEST(PriorityTest, IntegersAndDecimals_Rfc8941Section4_2_4) {
  ExpectCases({
      {"x=123456789012345, u=1", true, 1, {}},     // 15 digits.
      {"x=1234567890123456, u=1", false, {}, {}},  // 16 digits.
      {"x=-999999999999999, u=1", true, 1, {}},
      {"x=123456789012.123, u=1", true, 1, {}},   // 12 + 3 digits.
      {"x=1234567890123.1, u=1", false, {}, {}},  // 13 integer digits.
      {"x=1.1234, u=1", false, {}, {}},           // 4 fraction digits.
      {"x=1., u=1", false, {}, {}},
      {"x=.5, u=1", false, {}, {}},
      {"x=1.2.3, u=1", false, {}, {}},
      {"x=--1, u=1", false, {}, {}},
      {"x=-a, u=1", false, {}, {}},
      {"u=0000000000000001", false, {}, {}},  // 16 characters.
      {"u=000000000000001", true, 1, {}},
  });
}

TEST(PriorityTest, StringsTokensBytesAndInnerLists) {
  ExpectCases({
      {"x=\"a, b\", u=1", true, 1, {}},
      {"x=\"a\\\"b\\\\\", u=1", true, 1, {}},
      {"x=\"\", u=1", true, 1, {}},
      {"x=\"a\\b\", u=1", false, {}, {}},  // Only \" and \\ escape.
      {"x=\"abc, u=1", false, {}, {}},     // Unterminated.
      {"x=\"a\\", false, {}, {}},
      {"x=\"\x7f\", u=1", false, {}, {}},
      {"x=\"\xc3\xa9\", u=1", false, {}, {}},
      {"x=\"\t\", u=1", false, {}, {}},
      {"x=*tok/en:9, u=1", true, 1, {}},
      {"x=Token, u=1", true, 1, {}},
      {"x=tok\"en, u=1", false, {}, {}},
      {"x=:YWJj:, u=1", true, 1, {}},
      {"x=:YWI=:, u=1", true, 1, {}},
      {"x=:YQ==:, u=1", true, 1, {}},
      {"x=:YQ:, u=1", true, 1, {}},  // Missing padding is accepted (SHOULD).
      {"x=::, u=1", true, 1, {}},
      {"x=:Y:, u=1", false, {}, {}},    // One base64 character: no such encoding.
      {"x=:YQ=:, u=1", false, {}, {}},  // Padding must complete a quantum.
      {"x=:Y=Q=:, u=1", false, {}, {}},
      {"x=:YWJj, u=1", false, {}, {}},
      {"x=:YW*j:, u=1", false, {}, {}},
      {"x=(), u=1", true, 1, {}},
      {"x=(1 2 \"a\" b;c=d), u=1", true, 1, {}},
      {"x=( 1  2 );p, u=1", true, 1, {}},
      {"x=(1,2), u=1", false, {}, {}},
      {"x=(1 2, u=1", false, {}, {}},
      {"x=((1)), u=1", false, {}, {}},
      {"x=?1;a;b=?0, u=1", true, 1, {}},
      {"x=@1659578233, u=1", false, {}, {}},  // RFC 9651 Date: not RFC 8941.
      {"x=%\"a\", u=1", false, {}, {}},       // RFC 9651 Display String.
  });
}

TEST(PriorityTest, SeveralFieldLinesParseAsTheirCommaJoin_Rfc9110Section5_3) {
  auto parse_lines = [](std::vector<std::string_view> lines) {
    return ParsePriorityFieldLines(lines);
  };
  EXPECT_TRUE(parse_lines({}).ok());
  EXPECT_EQ(parse_lines({}).priority(), kDefault);
  EXPECT_EQ(parse_lines({"u=1", "i"}).priority(), P(1, true));
  EXPECT_EQ(parse_lines({"u=1", "u=6"}).priority(), P(6, false));
  EXPECT_EQ(parse_lines({"u=1, i", "i=?0"}).priority(), P(1, false));
  // An empty line among several makes ", ," or a trailing/leading comma: malformed.
  EXPECT_FALSE(parse_lines({"u=1", ""}).ok());
  EXPECT_FALSE(parse_lines({"", "u=1"}).ok());
  EXPECT_FALSE(parse_lines({"u=1", "", "i"}).ok());
  EXPECT_TRUE(parse_lines({""}).ok());
  // A string can span lines in the joined value, so it does here.
  PriorityParseResult spanning = parse_lines({"x=\"a", "b\", u=2"});
  EXPECT_TRUE(spanning.ok());
  EXPECT_EQ(spanning.params.urgency, 2);
  // Whitespace at the joint is OWS: "u=1\t" + ", " + "\ti" is fine.
  EXPECT_EQ(parse_lines({"u=1\t", "\ti"}).priority(), P(1, true));
  EXPECT_FALSE(parse_lines({"u=1,", "i"}).ok());
}

TEST(PriorityTest, ParamsApplyToABase_Rfc9218Section8) {
  Priority client = P(5, true);
  PriorityParseResult server = ParsePriorityFieldValue("u=1");
  ASSERT_TRUE(server.ok());
  EXPECT_EQ(server.params.ApplyTo(client), P(1, true));
  EXPECT_EQ(ParsePriorityFieldValue("").params.ApplyTo(client), client);
  EXPECT_EQ(ParsePriorityFieldValue("i=?0").params.ApplyTo(client), P(5, false));
}

TEST(PriorityTest, SerializeRoundTrips) {
  EXPECT_EQ(SerializePriority(P(3, false)).view(), "u=3");
  EXPECT_EQ(SerializePriority(P(0, true)).view(), "u=0, i");
  EXPECT_EQ(SerializePriority(P(7, true)).view(), "u=7, i");
  EXPECT_EQ(SerializePriority(P(200, false)).view(), "u=7");  // Clamped.
  for (uint8_t u = 0; u <= kLowestUrgency; ++u) {
    for (bool inc : {false, true}) {
      SerializedPriority s = SerializePriority(P(u, inc));
      EXPECT_LE(s.view().size(), SerializedPriority::kMaxSize);
      PriorityParseResult r = ParsePriorityFieldValue(s.view());
      ASSERT_TRUE(r.ok()) << s.view();
      EXPECT_EQ(r.priority(), P(u, inc)) << s.view();
    }
  }
}

TEST(PriorityTest, Printing) {
  std::ostringstream out;
  out << P(2, true) << " " << P(3, false);
  EXPECT_EQ(out.str(), "{u=2, i} {u=3}");
}

}  // namespace
}  // namespace h2engine::h2
