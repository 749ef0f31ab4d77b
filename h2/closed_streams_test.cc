#include "h2/closed_streams.h"

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using C = CloseCause;

TEST(ClosedStreamsTest, EmptyRemembersNothing) {
  ClosedStreams closed;
  EXPECT_EQ(closed.capacity(), 1024u);
  EXPECT_EQ(closed.size(), 0u);
  EXPECT_EQ(closed.Find(1), C::kNone);
  EXPECT_EQ(closed.Find(kMaxStreamId), C::kNone);
}

TEST(ClosedStreamsTest, RemembersEachCause) {
  ClosedStreams closed(8);
  closed.Add(1, C::kEndStream);
  closed.Add(3, C::kResetSent);
  closed.Add(2, C::kResetReceived);
  closed.Add(kMaxStreamId, C::kEndStream);
  EXPECT_EQ(closed.size(), 4u);
  EXPECT_EQ(closed.Find(1), C::kEndStream);
  EXPECT_EQ(closed.Find(3), C::kResetSent);
  EXPECT_EQ(closed.Find(2), C::kResetReceived);
  EXPECT_EQ(closed.Find(kMaxStreamId), C::kEndStream);
  EXPECT_EQ(closed.Find(5), C::kNone);
}

TEST(ClosedStreamsTest, ForgetsTheOldestWhenFull) {
  ClosedStreams closed(4);
  for (StreamId id : {1u, 3u, 5u, 7u}) closed.Add(id, C::kEndStream);
  EXPECT_EQ(closed.size(), 4u);
  closed.Add(9, C::kResetSent);
  EXPECT_EQ(closed.size(), 4u);
  EXPECT_EQ(closed.Find(1), C::kNone);
  EXPECT_EQ(closed.Find(3), C::kEndStream);
  EXPECT_EQ(closed.Find(9), C::kResetSent);
  closed.Add(11, C::kResetSent);
  EXPECT_EQ(closed.Find(3), C::kNone);
  EXPECT_EQ(closed.Find(5), C::kEndStream);
}

TEST(ClosedStreamsTest, AddingAgainUpdatesTheCauseInPlace) {
  ClosedStreams closed(3);
  closed.Add(1, C::kEndStream);
  closed.Add(3, C::kEndStream);
  closed.Add(5, C::kEndStream);
  closed.Add(1, C::kResetSent);  // a stream error on a remembered stream
  EXPECT_EQ(closed.size(), 3u);
  EXPECT_EQ(closed.Find(1), C::kResetSent);
  closed.Add(7, C::kEndStream);  // 1 is still the oldest
  EXPECT_EQ(closed.Find(1), C::kNone);
  EXPECT_EQ(closed.Find(3), C::kEndStream);
}

TEST(ClosedStreamsTest, NoneAndForgottenAreNotRecorded) {
  ClosedStreams closed(3);
  closed.Add(1, C::kNone);
  closed.Add(3, C::kForgotten);
  EXPECT_EQ(closed.size(), 0u);
  EXPECT_EQ(closed.Find(1), C::kNone);
  EXPECT_EQ(closed.Find(3), C::kNone);
}

TEST(ClosedStreamsTest, CapacityZeroAndOne) {
  ClosedStreams none(0);
  none.Add(1, C::kEndStream);
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.Find(1), C::kNone);

  ClosedStreams one(1);
  one.Add(1, C::kEndStream);
  EXPECT_EQ(one.Find(1), C::kEndStream);
  one.Add(3, C::kResetReceived);
  EXPECT_EQ(one.Find(1), C::kNone);
  EXPECT_EQ(one.Find(3), C::kResetReceived);
  EXPECT_EQ(one.size(), 1u);
}

TEST(ClosedStreamsTest, CapacityIsClamped) {
  ClosedStreams huge(1u << 20);
  EXPECT_EQ(huge.capacity(), ClosedStreams::kMaxCapacity);
}

// A small deterministic generator (xorshift), so the test is the same on every run.
struct Rng {
  uint64_t state = 0x243F6A8885A308D3ull;
  uint32_t Next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<uint32_t>(state >> 11);
  }
};

// Random adds against a plain FIFO model. Ids come from a small range so that updates,
// re-adds after eviction and long probe chains (and so backward-shift deletion) all happen.
TEST(ClosedStreamsTest, MatchesAFifoModel) {
  for (size_t capacity : {1u, 2u, 7u, 64u, 100u}) {
    ClosedStreams closed(capacity);
    std::deque<std::pair<StreamId, C>> model;
    Rng rng;
    const uint32_t range = static_cast<uint32_t>(capacity * 3 + 5);
    for (int op = 0; op < 20000; ++op) {
      const StreamId id = 1 + rng.Next() % range;
      const C cause = static_cast<C>(1 + rng.Next() % 3);
      closed.Add(id, cause);
      bool updated = false;
      for (auto& entry : model) {
        if (entry.first == id) {
          entry.second = cause;
          updated = true;
        }
      }
      if (!updated) {
        if (model.size() == capacity) model.pop_front();
        model.emplace_back(id, cause);
      }
      ASSERT_EQ(closed.size(), model.size());
      // Probe a few ids, remembered or not.
      for (int k = 0; k < 4; ++k) {
        const StreamId probe = 1 + rng.Next() % range;
        C want = C::kNone;
        for (const auto& entry : model) {
          if (entry.first == probe) want = entry.second;
        }
        ASSERT_EQ(closed.Find(probe), want) << "capacity " << capacity << " op " << op;
      }
    }
    for (const auto& entry : model) EXPECT_EQ(closed.Find(entry.first), entry.second);
  }
}

// Many identifiers with the same home slot: lookups stay correct through evictions.
TEST(ClosedStreamsTest, CollidingIdentifiers) {
  ClosedStreams closed(16);
  // Find ids that share a home slot by brute force over a small range (the index has 32
  // slots; some home slot receives at least 1/32 of them).
  std::vector<StreamId> same_home[32];
  for (StreamId id = 1; id < 4000; ++id) {
    const uint64_t h = (static_cast<uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> 32;
    same_home[h & 31].push_back(id);
  }
  const std::vector<StreamId>& ids = same_home[5];
  ASSERT_GT(ids.size(), 40u);
  for (size_t i = 0; i < 40; ++i) {
    closed.Add(ids[i], C::kEndStream);
    for (size_t j = 0; j <= i; ++j) {
      EXPECT_EQ(closed.Find(ids[j]), j + 16 > i ? C::kEndStream : C::kNone) << i << " " << j;
    }
  }
}

}  // namespace
}  // namespace h2engine::h2
