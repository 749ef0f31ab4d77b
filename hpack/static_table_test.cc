// The static table, RFC 7541 Appendix A, and its lookups.

#include "hpack/static_table.h"

#include <string>

#include "gtest/gtest.h"

namespace h2engine::hpack {
namespace {

TEST(StaticTableTest, AppendixASpotChecks) {
  ASSERT_EQ(kStaticTable.size(), 61u);
  EXPECT_EQ(GetStaticEntry(1).name, ":authority");
  EXPECT_EQ(GetStaticEntry(2).value, "GET");
  EXPECT_EQ(GetStaticEntry(3).value, "POST");
  EXPECT_EQ(GetStaticEntry(8).value, "200");
  EXPECT_EQ(GetStaticEntry(14).value, "500");
  EXPECT_EQ(GetStaticEntry(16).name, "accept-encoding");
  EXPECT_EQ(GetStaticEntry(16).value, "gzip, deflate");
  EXPECT_EQ(GetStaticEntry(20).name, "access-control-allow-origin");
  EXPECT_EQ(GetStaticEntry(kStaticAuthorizationIndex).name, "authorization");
  EXPECT_EQ(GetStaticEntry(kStaticCookieIndex).name, "cookie");
  EXPECT_EQ(GetStaticEntry(kStaticProxyAuthorizationIndex).name, "proxy-authorization");
  EXPECT_EQ(GetStaticEntry(kStaticSetCookieIndex).name, "set-cookie");
  EXPECT_EQ(GetStaticEntry(kStaticPathIndex).name, ":path");
  EXPECT_EQ(GetStaticEntry(kStaticAgeIndex).name, "age");
  EXPECT_EQ(GetStaticEntry(kStaticContentLengthIndex).name, "content-length");
  EXPECT_EQ(GetStaticEntry(kStaticAuthorityIndex).name, ":authority");
  EXPECT_EQ(GetStaticEntry(61).name, "www-authenticate");
  EXPECT_EQ(GetStaticEntry(61).value, "");
}

TEST(StaticTableTest, EveryEntryIsFoundExactlyAndByName) {
  for (uint32_t i = 1; i <= kStaticTableSize; ++i) {
    const StaticEntry& e = GetStaticEntry(i);
    uint32_t first = i;
    while (first > 1 && GetStaticEntry(first - 1).name == e.name) --first;
    const StaticMatch m = StaticLookup(e.name, e.value);
    EXPECT_EQ(m.exact_index, i) << e.name << ": " << e.value;
    EXPECT_EQ(m.name_index, first) << e.name;
    EXPECT_EQ(StaticNameIndex(e.name), first) << e.name;
  }
}

TEST(StaticTableTest, KnownNameWithAnotherValue) {
  StaticMatch m = StaticLookup(":method", "PUT");
  EXPECT_EQ(m.exact_index, 0);
  EXPECT_EQ(m.name_index, 2);
  m = StaticLookup(":status", "201");
  EXPECT_EQ(m.exact_index, 0);
  EXPECT_EQ(m.name_index, 8);
  m = StaticLookup("accept-encoding", "gzip");
  EXPECT_EQ(m.exact_index, 0);
  EXPECT_EQ(m.name_index, 16);
  m = StaticLookup("cookie", "a=b");
  EXPECT_EQ(m.exact_index, 0);
  EXPECT_EQ(m.name_index, kStaticCookieIndex);
}

TEST(StaticTableTest, UnknownNames) {
  // Names that share length, first and last byte with a table name (same hash slot), near
  // misses, case variants and the empty name.
  for (const char* name :
       {"", "x", "dave", "dabe", ":mxthod", ":authorit", ":authorityy", "custom-key", ":METHOD",
        "Cookie", "set-cookie2", "via ", "proxy-authorizatio"}) {
    const StaticMatch m = StaticLookup(name, "");
    EXPECT_EQ(m.exact_index, 0) << name;
    EXPECT_EQ(m.name_index, 0) << name;
  }
  // A name with an embedded NUL is not confused with its prefix.
  EXPECT_EQ(StaticNameIndex(std::string("age\0", 4)), 0u);
}

}  // namespace
}  // namespace h2engine::hpack
