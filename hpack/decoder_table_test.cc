// The decoder's dynamic table: RFC 7541 §4.1 sizes, §4.3 and §4.4 eviction, and the arena.

#include "hpack/decoder_table.h"

#include <deque>
#include <random>
#include <string>
#include <utility>

#include "gtest/gtest.h"

namespace h2engine::hpack {
namespace {

using Model = std::deque<std::pair<std::string, std::string>>;  // newest first

void ExpectEquals(const DecoderTable& table, const Model& model, uint32_t capacity) {
  ASSERT_EQ(table.num_entries(), model.size());
  size_t size = 0;
  for (size_t i = 0; i < model.size(); ++i) {
    const DecoderTable::EntryView e = table.Get(i);
    EXPECT_EQ(e.name, model[i].first) << i;
    EXPECT_EQ(e.value, model[i].second) << i;
    size += EntrySize(model[i].first.size(), model[i].second.size());
  }
  EXPECT_EQ(table.size(), size);
  EXPECT_LE(table.size(), table.capacity());
  EXPECT_EQ(table.capacity(), capacity);
}

// ModelInsert is §4.4 written as plainly as possible.
void ModelInsert(Model& model, std::string name, std::string value, uint32_t capacity) {
  size_t size = 0;
  for (const auto& [n, v] : model) size += EntrySize(n.size(), v.size());
  const size_t entry = EntrySize(name.size(), value.size());
  while (!model.empty() && size + entry > capacity) {
    size -= EntrySize(model.back().first.size(), model.back().second.size());
    model.pop_back();
  }
  if (entry <= capacity) model.emplace_front(std::move(name), std::move(value));
}

void ModelSetCapacity(Model& model, uint32_t capacity) {
  size_t size = 0;
  for (const auto& [n, v] : model) size += EntrySize(n.size(), v.size());
  while (size > capacity) {
    size -= EntrySize(model.back().first.size(), model.back().second.size());
    model.pop_back();
  }
}

TEST(DecoderTableTest, Section41SizeIsNamePlusValuePlus32) {
  DecoderTable table(4096);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.Insert("custom-key", "custom-header"));
  EXPECT_EQ(table.size(), 55u);  // RFC 7541 C.2.1
  EXPECT_TRUE(table.Insert(":authority", "www.example.com"));
  EXPECT_EQ(table.size(), 55u + 57u);
  EXPECT_TRUE(table.Insert("", ""));
  EXPECT_EQ(table.size(), 55u + 57u + 32u);
  EXPECT_EQ(table.num_entries(), 3u);
  EXPECT_EQ(table.Get(0).name, "");
  EXPECT_EQ(table.Get(1).name, ":authority");
  EXPECT_EQ(table.Get(1).value, "www.example.com");
  EXPECT_EQ(table.Get(2).name, "custom-key");
  EXPECT_EQ(table.insert_count(), 3u);
}

TEST(DecoderTableTest, Section44EvictsOldestBeforeAdding) {
  DecoderTable table(110);
  ASSERT_TRUE(table.Insert("a", std::string(20, 'x')));  // 53
  ASSERT_TRUE(table.Insert("b", std::string(20, 'y')));  // 53, size 106
  ASSERT_TRUE(table.Insert("c", ""));                    // 33: evicts "a"
  EXPECT_EQ(table.num_entries(), 2u);
  EXPECT_EQ(table.Get(0).name, "c");
  EXPECT_EQ(table.Get(1).name, "b");
  EXPECT_EQ(table.size(), 86u);
}

TEST(DecoderTableTest, Section44EntryEqualToCapacityIsAdded) {
  DecoderTable table(100);
  ASSERT_TRUE(table.Insert("a", "b"));
  EXPECT_TRUE(table.Insert("name", std::string(100 - 32 - 4, 'v')));
  EXPECT_EQ(table.num_entries(), 1u);
  EXPECT_EQ(table.size(), 100u);
}

TEST(DecoderTableTest, Section44EntryLargerThanCapacityEmptiesTheTable) {
  DecoderTable table(100);
  ASSERT_TRUE(table.Insert("a", "b"));
  ASSERT_TRUE(table.Insert("c", "d"));
  EXPECT_FALSE(table.Insert("name", std::string(100 - 32 - 4 + 1, 'v')));
  EXPECT_EQ(table.num_entries(), 0u);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.Insert("e", "f"));
  EXPECT_EQ(table.Get(0).name, "e");
}

TEST(DecoderTableTest, Section43CapacityChangesEvict) {
  DecoderTable table(4096);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(table.Insert("n" + std::to_string(i), "v"));
  EXPECT_EQ(table.size(), 10u * 35u);
  table.SetCapacity(35 * 4);
  EXPECT_EQ(table.num_entries(), 4u);
  EXPECT_EQ(table.Get(0).name, "n9");
  EXPECT_EQ(table.Get(3).name, "n6");
  table.SetCapacity(0);
  EXPECT_EQ(table.num_entries(), 0u);
  EXPECT_EQ(table.size(), 0u);
  EXPECT_FALSE(table.Insert("a", ""));
  table.SetCapacity(4096);
  EXPECT_TRUE(table.Insert("a", ""));
  EXPECT_EQ(table.num_entries(), 1u);
}

TEST(DecoderTableTest, Section44NameMayReferToAnEntryBeingEvicted) {
  // The only entry is evicted to make room for a new one that reuses its name.
  DecoderTable table(80);
  ASSERT_TRUE(table.Insert("x-long-header-name", "v1"));
  const std::string_view name = table.Get(0).name;
  ASSERT_TRUE(table.Insert(name, "second value"));
  ASSERT_EQ(table.num_entries(), 1u);
  EXPECT_EQ(table.Get(0).name, "x-long-header-name");
  EXPECT_EQ(table.Get(0).value, "second value");
  // Same, many times over, so that the arena is compacted and regrown under the name.
  for (int i = 0; i < 1000; ++i) {
    const std::string value(static_cast<size_t>(i % 23), static_cast<char>('a' + i % 26));
    ASSERT_TRUE(table.Insert(table.Get(0).name, value));
    ASSERT_EQ(table.Get(0).name, "x-long-header-name");
    ASSERT_EQ(table.Get(0).value, value);
  }
}

TEST(DecoderTableTest, MatchesAPlainModelUnderRandomOperations) {
  std::mt19937 rng(7541);
  for (uint32_t initial : {0u, 64u, 256u, 4096u}) {
    DecoderTable table(initial);
    Model model;
    uint32_t capacity = initial;
    uint32_t max_capacity = initial;
    for (int step = 0; step < 3000; ++step) {
      const int op = std::uniform_int_distribution<int>(0, 99)(rng);
      if (op < 3) {
        capacity = std::uniform_int_distribution<uint32_t>(0, 5000)(rng);
        max_capacity = std::max(max_capacity, capacity);
        table.SetCapacity(capacity);
        ModelSetCapacity(model, capacity);
      } else {
        std::string name;
        if (op < 40 && !model.empty()) {
          // Reuse a table entry's name through a view into the table.
          const size_t i = std::uniform_int_distribution<size_t>(0, model.size() - 1)(rng);
          name = std::string(table.Get(i).name);
          const std::string value(std::uniform_int_distribution<size_t>(0, 300)(rng), 'v');
          table.Insert(table.Get(i).name, value);
          ModelInsert(model, name, value, capacity);
        } else {
          name = "n" + std::to_string(step);
          const std::string value(std::uniform_int_distribution<size_t>(0, 900)(rng),
                                  static_cast<char>('a' + step % 26));
          table.Insert(name, value);
          ModelInsert(model, name, value, capacity);
        }
      }
      ASSERT_NO_FATAL_FAILURE(ExpectEquals(table, model, capacity)) << "step " << step;
      // Memory stays within twice the largest capacity (plus the minimum allocation).
      ASSERT_LE(table.arena_size(), std::max<size_t>(256, 2 * size_t{max_capacity}));
    }
  }
}

}  // namespace
}  // namespace h2engine::hpack
