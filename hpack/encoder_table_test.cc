// The encoder's dynamic table: §4 accounting shared with the decoder, and its hash indexes.

#include "hpack/encoder_table.h"

#include <deque>
#include <random>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "hpack/static_table.h"

namespace h2engine::hpack {
namespace {

EncoderTable::Match Find(const EncoderTable& t, std::string_view name, std::string_view value) {
  return t.Lookup(EncoderTable::KeyOf(name, value));
}

bool Add(EncoderTable& t, std::string_view name, std::string_view value) {
  return t.Insert(EncoderTable::KeyOf(name, value));
}

TEST(EncoderTableTest, FindsNewestExactAndNewestName) {
  EncoderTable t(4096);
  EXPECT_EQ(Find(t, "a", "1").exact_index, 0u);
  ASSERT_TRUE(Add(t, "a", "1"));  // will be 64
  ASSERT_TRUE(Add(t, "b", "2"));  // 63
  ASSERT_TRUE(Add(t, "a", "3"));  // 62
  EncoderTable::Match m = Find(t, "a", "1");
  EXPECT_EQ(m.exact_index, 64u);
  EXPECT_EQ(m.name_index, 64u);
  m = Find(t, "a", "9");
  EXPECT_EQ(m.exact_index, 0u);
  EXPECT_EQ(m.name_index, 62u);
  m = Find(t, "b", "9");
  EXPECT_EQ(m.name_index, 63u);
  m = Find(t, "c", "2");
  EXPECT_EQ(m.exact_index, 0u);
  EXPECT_EQ(m.name_index, 0u);
  // want_name = false skips the name index.
  EXPECT_EQ(t.Lookup(EncoderTable::KeyOf("a", "9"), false).name_index, 0u);
  // A duplicate takes over the key.
  ASSERT_TRUE(Add(t, "a", "1"));
  EXPECT_EQ(Find(t, "a", "1").exact_index, 62u);
  EXPECT_EQ(t.num_entries(), 4u);
}

TEST(EncoderTableTest, StaticNamesAreMatchedByIndexAndOnlyExactly) {
  EncoderTable t(4096);
  ASSERT_TRUE(Add(t, "etag", "1"));  // 63
  ASSERT_TRUE(Add(t, "etags", "1"));  // 62: not a static name
  EncoderTable::Match m = Find(t, "etag", "1");
  EXPECT_EQ(m.exact_index, 63u);
  EXPECT_EQ(m.name_index, 63u);
  // The static index 34 is the better name reference: no name match for a static name.
  EXPECT_EQ(Find(t, "etag", "2").name_index, 0u);
  EXPECT_EQ(Find(t, "etags", "2").name_index, 62u);
  EXPECT_EQ(Find(t, "etags", "1").exact_index, 62u);
  // Same value bytes, names of equal length: one static, one not.
  ASSERT_TRUE(Add(t, "date", "x"));  // 62
  ASSERT_TRUE(Add(t, "data", "x"));  // 62, "date: x" 63
  EXPECT_EQ(Find(t, "date", "x").exact_index, 63u);
  EXPECT_EQ(Find(t, "data", "x").exact_index, 62u);
  EXPECT_EQ(Find(t, "dat", "x").exact_index, 0u);
  // The newest "etag" entry is "etag: 1" (65); "date: x" (63) is the newest "date".
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("etag"), "1"), 65u);
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("date"), "x"), 63u);
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("date"), "y"), 0u);
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("age"), ""), 0u);
  ASSERT_TRUE(Add(t, "etag", "2"));
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("etag"), "1"), 0u);  // only the newest is tried
  EXPECT_EQ(Find(t, "etag", "1").exact_index, 66u);
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("etag"), "2"), 62u);
  t.SetCapacity(0);  // evicts everything
  EXPECT_EQ(t.NewestIfEqual(StaticNameIndex("etag"), "2"), 0u);
}

TEST(EncoderTableTest, EvictedEntriesAreForgotten) {
  EncoderTable t(100);
  ASSERT_TRUE(Add(t, "a", std::string(30, 'x')));  // 63
  ASSERT_TRUE(Add(t, "b", "y"));                   // 34, size 97
  ASSERT_TRUE(Add(t, "c", "z"));                   // evicts "a"
  EXPECT_EQ(Find(t, "a", std::string(30, 'x')).exact_index, 0u);
  EXPECT_EQ(Find(t, "a", "").name_index, 0u);
  EXPECT_EQ(Find(t, "b", "y").exact_index, 63u);
  t.SetCapacity(40);
  EXPECT_EQ(Find(t, "b", "y").exact_index, 0u);
  EXPECT_EQ(Find(t, "c", "z").exact_index, 62u);
  EXPECT_FALSE(Add(t, "big", std::string(100, 'q')));
  EXPECT_EQ(t.num_entries(), 0u);
  EXPECT_EQ(Find(t, "c", "z").name_index, 0u);
}

std::string NameFor(int i) {
  static const char* const kStaticNames[] = {"etag", "date", ":status", "cookie"};
  return i < 4 ? kStaticNames[i] : "name" + std::to_string(i);
}

// Against a brute-force search over a model, with few distinct names and values so that keys
// repeat, collide in the indexes and get evicted in every order. A third of the names are in
// the static table: they are matched by index, and only exactly.
TEST(EncoderTableTest, MatchesBruteForceUnderRandomOperations) {
  std::mt19937 rng(2024);
  std::deque<std::pair<std::string, std::string>> model;  // newest first
  EncoderTable t(512);
  uint32_t capacity = 512;
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
  for (int step = 0; step < 20000; ++step) {
    if (pick(200) == 0) {
      capacity = static_cast<uint32_t>(pick(3000));
      t.SetCapacity(capacity);
    }
    const std::string name = NameFor(pick(12));
    const std::string value(static_cast<size_t>(pick(6) * 7), static_cast<char>('a' + pick(3)));
    Add(t, name, value);
    // Rebuild the model from the table itself (DecoderTable's own test covers eviction); here we
    // check that the indexes agree with the entries.
    model.clear();
    for (size_t i = 0; i < t.num_entries(); ++i) {
      model.emplace_back(std::string(t.Get(i).name), std::string(t.Get(i).value));
    }
    for (int q = 0; q < 4; ++q) {
      const std::string qn = NameFor(pick(12));
      const std::string qv(static_cast<size_t>(pick(6) * 7), static_cast<char>('a' + pick(3)));
      uint32_t exact = 0, named = 0;
      for (size_t i = 0; i < model.size(); ++i) {
        if (exact == 0 && model[i].first == qn && model[i].second == qv) exact = 62 + i;
        if (named == 0 && model[i].first == qn) named = 62 + i;
      }
      const EncoderTable::Match m = Find(t, qn, qv);
      ASSERT_EQ(m.exact_index, exact) << "step " << step << " " << qn << "=" << qv;
      const bool static_name = qn.find("name") != 0;
      if (static_name) {
        // The shortcut finds the exact match when it is the newest entry of its name.
        uint32_t newest = 0;
        for (size_t i = 0; i < model.size() && newest == 0; ++i) {
          if (model[i].first == qn) newest = model[i].second == qv ? 62 + i : UINT32_MAX;
        }
        ASSERT_EQ(t.NewestIfEqual(StaticNameIndex(qn), qv), newest == UINT32_MAX ? 0 : newest)
            << "step " << step << " " << qn << "=" << qv;
      }
      ASSERT_EQ(m.name_index, exact != 0 || static_name ? exact : named)
          << "step " << step << " " << qn;
    }
  }
}

}  // namespace
}  // namespace h2engine::hpack
