#include "tls/alpn.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace h2engine::tls {
namespace {

using ::testing::ElementsAre;

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

const std::vector<std::string> kOurs = {"h2", "http/1.1"};

TEST(AlpnParse, Rfc7301Section3_1_TwoNames) {
  std::vector<std::string_view> names;
  const std::vector<uint8_t> wire = Bytes("\x02h2\x08http/1.1");
  ASSERT_EQ(ParseAlpnList(wire, &names), AlpnStatus::kOk);
  EXPECT_THAT(names, ElementsAre("h2", "http/1.1"));
}

TEST(AlpnParse, MaximumNameLength) {
  std::vector<uint8_t> wire = {255};
  wire.insert(wire.end(), 255, 'x');
  std::vector<std::string_view> names;
  ASSERT_EQ(ParseAlpnList(wire, &names), AlpnStatus::kOk);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_EQ(names[0], std::string(255, 'x'));
}

TEST(AlpnParse, RejectsEmptyList) {
  std::vector<std::string_view> names;
  EXPECT_EQ(ParseAlpnList({}, &names), AlpnStatus::kEmptyList);
  EXPECT_TRUE(names.empty());
}

TEST(AlpnParse, RejectsEmptyName) {
  std::vector<std::string_view> names;
  // Rfc7301Section3_1: ProtocolName<1..2^8-1>; a zero length byte anywhere is malformed and
  // nothing is output, not even the valid names before it.
  EXPECT_EQ(ParseAlpnList(Bytes(std::string_view("\x02h2\x00", 4)), &names),
            AlpnStatus::kEmptyName);
  EXPECT_EQ(ParseAlpnList(Bytes(std::string_view("\x00", 1)), &names), AlpnStatus::kEmptyName);
  EXPECT_TRUE(names.empty());
}

TEST(AlpnParse, RejectsTruncatedName) {
  std::vector<std::string_view> names;
  EXPECT_EQ(ParseAlpnList(Bytes("\x03h2"), &names), AlpnStatus::kTruncated);
  EXPECT_EQ(ParseAlpnList(Bytes("\x02h2\x08http/1."), &names), AlpnStatus::kTruncated);
  EXPECT_EQ(ParseAlpnList(Bytes("\x05"), &names), AlpnStatus::kTruncated);
  EXPECT_TRUE(names.empty());
}

TEST(AlpnParse, RejectsListOver65535Bytes) {
  std::vector<uint8_t> wire;
  while (wire.size() <= kMaxAlpnListSize) {
    wire.push_back(255);
    wire.insert(wire.end(), 255, 'a');
  }
  EXPECT_EQ(ValidateAlpnList(wire), AlpnStatus::kTooLong);
}

TEST(AlpnSelect, ServerPreferenceWins) {
  std::string_view chosen;
  // The client prefers http/1.1, but our order puts h2 first (RFC 7301 §3.2: the server
  // selects).
  const std::vector<uint8_t> wire = Bytes("\x08http/1.1\x02h2");
  ASSERT_EQ(SelectAlpn(wire, kOurs, &chosen), AlpnSelectStatus::kSelected);
  EXPECT_EQ(chosen, "h2");
  // The view points into the client's list.
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(chosen.data()), wire.data() + 10);
}

TEST(AlpnSelect, OnlyHttp11) {
  std::string_view chosen;
  const std::vector<uint8_t> wire = Bytes("\x08http/1.1");
  ASSERT_EQ(SelectAlpn(wire, kOurs, &chosen), AlpnSelectStatus::kSelected);
  EXPECT_EQ(chosen, "http/1.1");
}

TEST(AlpnSelect, UnknownOnlyIsNoOverlap) {
  std::string_view chosen = "unchanged";
  EXPECT_EQ(SelectAlpn(Bytes("\x06spdy/3\x03h2c"), kOurs, &chosen), AlpnSelectStatus::kNoOverlap);
  EXPECT_EQ(chosen, "unchanged");
}

TEST(AlpnSelect, ComparisonIsExactBytes) {
  std::string_view chosen;
  // "H2", "h2 " and "h2c" are not "h2"; "http/1.10" is not "http/1.1".
  EXPECT_EQ(SelectAlpn(Bytes("\x02H2\x03h2 \x03h2c\x09http/1.10"), kOurs, &chosen),
            AlpnSelectStatus::kNoOverlap);
}

TEST(AlpnSelect, MalformedEvenIfAPrefixMatches) {
  std::string_view chosen;
  EXPECT_EQ(SelectAlpn(Bytes("\x02h2\x09http/1.1"), kOurs, &chosen), AlpnSelectStatus::kMalformed);
  EXPECT_EQ(SelectAlpn({}, kOurs, &chosen), AlpnSelectStatus::kMalformed);
}

TEST(AlpnSelect, NoPreferencesMeansNoOverlap) {
  std::string_view chosen;
  EXPECT_EQ(SelectAlpn(Bytes("\x02h2"), {}, &chosen), AlpnSelectStatus::kNoOverlap);
}

TEST(AlpnEncode, RoundTripsThroughParse) {
  std::vector<uint8_t> wire;
  ASSERT_EQ(EncodeAlpnList(kOurs, &wire), AlpnStatus::kOk);
  EXPECT_EQ(wire, Bytes("\x02h2\x08http/1.1"));
  std::vector<std::string_view> names;
  ASSERT_EQ(ParseAlpnList(wire, &names), AlpnStatus::kOk);
  EXPECT_THAT(names, ElementsAre("h2", "http/1.1"));
}

TEST(AlpnEncode, RejectsBadInput) {
  std::vector<uint8_t> wire;
  EXPECT_EQ(EncodeAlpnList({}, &wire), AlpnStatus::kEmptyList);
  const std::vector<std::string> empty_name = {"h2", ""};
  EXPECT_EQ(EncodeAlpnList(empty_name, &wire), AlpnStatus::kEmptyName);
  const std::vector<std::string> long_name = {std::string(256, 'x')};
  EXPECT_EQ(EncodeAlpnList(long_name, &wire), AlpnStatus::kTooLong);
  const std::vector<std::string> long_list(257, std::string(255, 'x'));
  EXPECT_EQ(EncodeAlpnList(long_list, &wire), AlpnStatus::kTooLong);
}

TEST(AlpnStatus, Names) {
  EXPECT_STREQ(AlpnStatusName(AlpnStatus::kTruncated), "truncated protocol list");
  EXPECT_STREQ(AlpnStatusName(AlpnStatus::kEmptyName), "empty protocol name");
}

}  // namespace
}  // namespace h2engine::tls
