#include "h2/write_scheduler.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <deque>
#include <map>
#include <new>
#include <random>
#include <set>
#include <vector>

#include "gtest/gtest.h"

// Counts heap allocations, so a test can show the steady state allocates nothing.
namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

// noinline: GCC 12 at -O2 otherwise inlines both and misreports malloc/free as mismatched.
__attribute__((noinline)) void* operator new(size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  std::abort();
}
__attribute__((noinline)) void operator delete(void* p) noexcept { std::free(p); }
__attribute__((noinline)) void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace h2engine::h2 {
namespace {

Priority P(uint8_t urgency, bool incremental = false) { return Priority{urgency, incremental}; }

// Drain pops until nothing is ready, re-marking each popped stream while it has chunks left
// in `chunks`, and returns the order of pops.
std::vector<StreamId> Drain(WriteScheduler& s, std::map<StreamId, int> chunks) {
  std::vector<StreamId> order;
  while (auto id = s.PopNext()) {
    order.push_back(*id);
    if (--chunks[*id] > 0) {
      EXPECT_TRUE(s.MarkReady(*id));
    }
  }
  return order;
}

void RegisterReady(WriteScheduler& s, StreamId id, Priority p) {
  ASSERT_TRUE(s.Register(id, p));
  ASSERT_TRUE(s.MarkReady(id));
}

TEST(WriteSchedulerTest, EmptySchedulerHasNothingToSend) {
  WriteScheduler s;
  EXPECT_FALSE(s.HasReady());
  EXPECT_EQ(s.PopNext(), std::nullopt);
  EXPECT_EQ(s.PeekNext(), std::nullopt);
  EXPECT_EQ(s.NumReady(), 0u);
  EXPECT_EQ(s.NumRegistered(), 0u);
}

TEST(WriteSchedulerTest, RegistrationRules) {
  WriteScheduler s;
  EXPECT_FALSE(s.Register(0));            // Stream 0 is the connection.
  EXPECT_FALSE(s.Register(0x80000000u));  // Not a 31-bit id.
  EXPECT_TRUE(s.Register(1));
  EXPECT_FALSE(s.Register(1, P(0)));  // Already registered.
  EXPECT_EQ(s.GetPriority(1), P(3));  // RFC 9218 §4 defaults; the second call changed nothing.
  EXPECT_TRUE(s.IsRegistered(1));
  EXPECT_FALSE(s.IsRegistered(3));
  EXPECT_EQ(s.GetPriority(3), std::nullopt);
  EXPECT_FALSE(s.MarkReady(3));
  EXPECT_FALSE(s.MarkNotReady(3));
  EXPECT_FALSE(s.IsReady(1));
  EXPECT_FALSE(s.Unregister(3));
  EXPECT_TRUE(s.Unregister(1));
  EXPECT_FALSE(s.Unregister(1));
  EXPECT_EQ(s.NumRegistered(), 0u);
  // Out-of-range urgencies are clamped to the lowest level.
  EXPECT_TRUE(s.Register(5, P(42)));
  EXPECT_EQ(s.GetPriority(5), P(7));
}

TEST(WriteSchedulerTest, MarkReadyIsIdempotentAndPopRemoves) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3));
  EXPECT_TRUE(s.MarkReady(1));
  EXPECT_TRUE(s.IsReady(1));
  EXPECT_EQ(s.NumReady(), 1u);
  EXPECT_EQ(s.PeekNext(), 1u);
  EXPECT_EQ(s.PopNext(), 1u);
  EXPECT_FALSE(s.IsReady(1));
  EXPECT_TRUE(s.IsRegistered(1));
  EXPECT_EQ(s.PopNext(), std::nullopt);
}

TEST(WriteSchedulerTest, LowerUrgencyGoesFirst_Rfc9218Section10) {
  WriteScheduler s;
  RegisterReady(s, 1, P(5));
  RegisterReady(s, 3, P(1));
  RegisterReady(s, 5, P(7));
  RegisterReady(s, 7, P(0));
  RegisterReady(s, 9, P(3, true));
  EXPECT_EQ(Drain(s, {{1, 2}, {3, 2}, {5, 2}, {7, 2}, {9, 2}}),
            (std::vector<StreamId>{7, 7, 3, 3, 9, 9, 1, 1, 5, 5}));
}

TEST(WriteSchedulerTest, UrgentStreamPreemptsAtOnce_Rfc9218Section10) {
  WriteScheduler s;
  RegisterReady(s, 1, P(4));
  RegisterReady(s, 3, P(4, true));
  EXPECT_EQ(s.PopNext(), 1u);
  ASSERT_TRUE(s.MarkReady(1));
  RegisterReady(s, 5, P(2));
  EXPECT_EQ(s.PeekNext(), 5u);
  EXPECT_EQ(s.PopNext(), 5u);
  EXPECT_EQ(s.PopNext(), 3u);  // Back at level 4: the rotation moved on from the group.
  EXPECT_EQ(s.PopNext(), 1u);
  EXPECT_EQ(s.PopNext(), std::nullopt);
}

TEST(WriteSchedulerTest, NonIncrementalStreamsGoOneAtATimeInIdOrder_Rfc9218Section10) {
  WriteScheduler s;
  // Marked ready in descending id order; served in ascending order, each to completion.
  RegisterReady(s, 5, P(3));
  RegisterReady(s, 3, P(3));
  RegisterReady(s, 1, P(3));
  EXPECT_EQ(Drain(s, {{1, 3}, {3, 2}, {5, 3}}), (std::vector<StreamId>{1, 1, 1, 3, 3, 5, 5, 5}));
}

TEST(WriteSchedulerTest, ALowerIdNonIncrementalStreamTakesOver) {
  WriteScheduler s;
  ASSERT_TRUE(s.Register(1, P(3)));
  RegisterReady(s, 3, P(3));
  EXPECT_EQ(s.PopNext(), 3u);
  ASSERT_TRUE(s.MarkReady(3));
  ASSERT_TRUE(s.MarkReady(1));  // Stream 1's data arrives late: ascending id order wins.
  EXPECT_EQ(s.PopNext(), 1u);
  EXPECT_EQ(s.PopNext(), 3u);
}

TEST(WriteSchedulerTest, IncrementalStreamsShareRoundRobin_Rfc9218Section10) {
  WriteScheduler s;
  RegisterReady(s, 5, P(3, true));
  RegisterReady(s, 1, P(3, true));
  RegisterReady(s, 3, P(3, true));
  // In the order they became ready, one chunk each per turn.
  EXPECT_EQ(Drain(s, {{1, 3}, {3, 1}, {5, 2}}), (std::vector<StreamId>{5, 1, 3, 5, 1, 1}));
}

TEST(WriteSchedulerTest, NonIncrementalGroupTakesOneSeatAmongIncrementalStreams) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3));
  RegisterReady(s, 3, P(3));
  RegisterReady(s, 5, P(3, true));
  RegisterReady(s, 7, P(3, true));
  // The group (1 then 3) gets one turn per round, like one incremental stream.
  EXPECT_EQ(Drain(s, {{1, 2}, {3, 2}, {5, 3}, {7, 1}}),
            (std::vector<StreamId>{1, 5, 7, 1, 5, 3, 5, 3}));
}

TEST(WriteSchedulerTest, IncrementalStreamsAreNotStarvedByALongNonIncrementalOne) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3));        // A large non-incremental response...
  RegisterReady(s, 3, P(3, true));  // ...and a small incremental one after it.
  std::vector<StreamId> order = Drain(s, {{1, 100}, {3, 2}});
  ASSERT_GE(order.size(), 4u);
  EXPECT_EQ(std::vector<StreamId>(order.begin(), order.begin() + 4),
            (std::vector<StreamId>{1, 3, 1, 3}));
}

TEST(WriteSchedulerTest, MarkNotReadyAndUnregisterLeaveTheRestInOrder) {
  WriteScheduler s;
  for (StreamId id : {1, 3, 5, 7}) RegisterReady(s, id, P(2, true));
  for (StreamId id : {9, 11, 13}) RegisterReady(s, id, P(2));
  EXPECT_TRUE(s.MarkNotReady(3));
  EXPECT_TRUE(s.MarkNotReady(3));  // Idempotent.
  EXPECT_TRUE(s.Unregister(5));
  EXPECT_TRUE(s.Unregister(11));   // From the middle of the heap.
  EXPECT_TRUE(s.MarkNotReady(9));  // The heap's top.
  EXPECT_EQ(s.NumReady(), 3u);
  // Rotation: 1, 7, then the group seat (placed when 9 became ready, after 7).
  EXPECT_EQ(Drain(s, {{1, 1}, {7, 1}, {13, 1}}), (std::vector<StreamId>{1, 7, 13}));
  EXPECT_FALSE(s.HasReady());
  EXPECT_EQ(s.NumRegistered(), 5u);
}

TEST(WriteSchedulerTest, UpdatePriorityMovesAReadyStream_Rfc9218Section6) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3));
  RegisterReady(s, 3, P(3));
  RegisterReady(s, 5, P(5));
  EXPECT_EQ(s.UpdatePriority(5, P(0)), PriorityUpdateResult::kApplied);
  EXPECT_EQ(s.GetPriority(5), P(0));
  EXPECT_EQ(s.PopNext(), 5u);
  EXPECT_EQ(s.UpdatePriority(1, P(6)), PriorityUpdateResult::kApplied);
  EXPECT_EQ(s.PopNext(), 3u);
  EXPECT_EQ(s.PopNext(), 1u);
  EXPECT_EQ(s.NumReady(), 0u);
}

TEST(WriteSchedulerTest, UpdatePriorityMidFlight) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3, true));
  RegisterReady(s, 3, P(3, true));
  RegisterReady(s, 5, P(3, true));
  EXPECT_EQ(s.PopNext(), 1u);
  // Stream 1 is writing (popped, not ready) when its update arrives.
  EXPECT_EQ(s.UpdatePriority(1, P(1, false)), PriorityUpdateResult::kApplied);
  EXPECT_FALSE(s.IsReady(1));
  ASSERT_TRUE(s.MarkReady(1));
  EXPECT_EQ(s.PopNext(), 1u);  // Now most urgent.
  // Switching incremental to non-incremental within a level.
  EXPECT_EQ(s.UpdatePriority(5, P(3, false)), PriorityUpdateResult::kApplied);
  EXPECT_EQ(s.PopNext(), 3u);
  EXPECT_EQ(s.PopNext(), 5u);
}

TEST(WriteSchedulerTest, UpdateToTheSamePriorityKeepsThePlace) {
  WriteScheduler s;
  RegisterReady(s, 1, P(3, true));
  RegisterReady(s, 3, P(3, true));
  EXPECT_EQ(s.UpdatePriority(1, P(3, true)), PriorityUpdateResult::kApplied);
  EXPECT_EQ(s.PopNext(), 1u);
  // A real change moves the stream to the back of its new level's rotation.
  RegisterReady(s, 5, P(4, true));
  RegisterReady(s, 7, P(4, true));
  EXPECT_EQ(s.UpdatePriority(3, P(4, true)), PriorityUpdateResult::kApplied);
  EXPECT_EQ(Drain(s, {{3, 1}, {5, 1}, {7, 1}}), (std::vector<StreamId>{5, 7, 3}));
}

TEST(WriteSchedulerTest, UpdatesBeforeTheStreamOpensAreKept_Rfc9218Section7) {
  WriteScheduler s;
  EXPECT_EQ(s.UpdatePriority(5, P(6)), PriorityUpdateResult::kBuffered);
  EXPECT_EQ(s.UpdatePriority(5, P(1, true)), PriorityUpdateResult::kBuffered);  // Latest wins.
  EXPECT_EQ(s.NumPendingUpdates(), 1u);
  EXPECT_FALSE(s.IsRegistered(5));
  // The update overrides the priority from the request's header field.
  ASSERT_TRUE(s.Register(5, P(4)));
  EXPECT_EQ(s.GetPriority(5), P(1, true));
  EXPECT_EQ(s.NumPendingUpdates(), 0u);
  // Without a pending update the given priority is used.
  ASSERT_TRUE(s.Register(7, P(4)));
  EXPECT_EQ(s.GetPriority(7), P(4));
}

TEST(WriteSchedulerTest, PendingUpdatesAreBounded_Rfc9218Section7) {
  WriteScheduler::Options options;
  options.max_pending_updates = 3;
  WriteScheduler s(options);
  EXPECT_EQ(s.UpdatePriority(101, P(0)), PriorityUpdateResult::kBuffered);
  EXPECT_EQ(s.UpdatePriority(103, P(0)), PriorityUpdateResult::kBuffered);
  EXPECT_EQ(s.UpdatePriority(105, P(0)), PriorityUpdateResult::kBuffered);
  EXPECT_EQ(s.UpdatePriority(107, P(0)), PriorityUpdateResult::kDropped);
  EXPECT_EQ(s.UpdatePriority(103, P(1)), PriorityUpdateResult::kBuffered);  // Replaces.
  EXPECT_EQ(s.NumPendingUpdates(), 3u);
  ASSERT_TRUE(s.Register(107));
  EXPECT_EQ(s.GetPriority(107), P(3));  // Its update was dropped.

  WriteScheduler none(WriteScheduler::Options{.max_pending_updates = 0});
  EXPECT_EQ(none.UpdatePriority(1, P(0)), PriorityUpdateResult::kDropped);
}

TEST(WriteSchedulerTest, OpeningAStreamForgetsUpdatesForLowerIdsOfItsParity_Rfc9113Section5_1_1) {
  WriteScheduler s;
  for (StreamId id : {1, 3, 5, 2, 4, 9}) {
    EXPECT_EQ(s.UpdatePriority(id, P(0)), PriorityUpdateResult::kBuffered);
  }
  ASSERT_TRUE(s.Register(7));
  // 1, 3, 5 can never open now; 2 and 4 (the other initiator) and 9 still can.
  EXPECT_EQ(s.NumPendingUpdates(), 3u);
  EXPECT_EQ(s.GetPriority(7), P(3));
  ASSERT_TRUE(s.Register(4));
  EXPECT_EQ(s.GetPriority(4), P(0));
  EXPECT_EQ(s.NumPendingUpdates(), 1u);  // 2 is gone too, 9 stays.
  ASSERT_TRUE(s.Register(9));
  EXPECT_EQ(s.GetPriority(9), P(0));
  EXPECT_EQ(s.NumPendingUpdates(), 0u);
}

TEST(WriteSchedulerTest, MovedSchedulerKeepsWorking) {
  WriteScheduler a;
  RegisterReady(a, 1, P(3, true));
  RegisterReady(a, 3, P(3, true));
  RegisterReady(a, 5, P(3));
  WriteScheduler b(std::move(a));
  EXPECT_EQ(b.PopNext(), 1u);
  WriteScheduler c;
  c = std::move(b);
  EXPECT_EQ(c.PopNext(), 3u);
  EXPECT_EQ(c.PopNext(), 5u);
  EXPECT_EQ(c.PopNext(), std::nullopt);
}

TEST(WriteSchedulerTest, SteadyStateDoesNotAllocate) {
  WriteScheduler s;
  size_t at_start = g_allocations.load();
  ASSERT_TRUE(s.Register(1001));
  EXPECT_GT(g_allocations.load(), at_start) << "the allocation counter works";
  for (StreamId id = 1; id < 400; id += 2) {
    RegisterReady(s, id, P(static_cast<uint8_t>(id % 8), id % 3 == 0));
  }
  // Warm-up: every level's heap once holds every stream, so no heap grows later.
  for (uint8_t u = 0; u < kNumUrgencies; ++u) {
    for (StreamId id = 1; id < 400; id += 2)
      ASSERT_EQ(s.UpdatePriority(id, P(u)), PriorityUpdateResult::kApplied);
  }
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.MarkReady(*s.PopNext()));
  size_t before = g_allocations.load();
  for (int i = 0; i < 10000; ++i) {
    std::optional<StreamId> id = s.PopNext();
    if (!id || !s.MarkReady(*id)) break;
    if (i % 7 == 0) {
      (void)s.UpdatePriority(*id, P(static_cast<uint8_t>(i % 8), i % 2 == 0));
    }
    if (i % 11 == 0) {
      (void)s.MarkNotReady(*id);
      (void)s.MarkReady(*id);
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0u);
}

// A slow, obviously correct model of the policy in write_scheduler.h, for a randomized
// comparison: per level, a rotation (deque) of incremental ids and a seat (kSeat) for the
// non-incremental group, which is a std::set ordered by id.
class ModelScheduler {
 public:
  static constexpr StreamId kSeat = 0;

  void Register(StreamId id, Priority p) { streams_[id] = {p, false}; }
  void Unregister(StreamId id) {
    if (streams_[id].ready) RemoveReady(id);
    streams_.erase(id);
  }
  void Update(StreamId id, Priority p) {
    if (streams_[id].priority == p) return;
    bool ready = streams_[id].ready;
    if (ready) RemoveReady(id);
    streams_[id].priority = p;
    if (ready) AddReady(id);
  }
  void MarkReady(StreamId id) {
    if (!streams_[id].ready) AddReady(id);
  }
  void MarkNotReady(StreamId id) {
    if (streams_[id].ready) RemoveReady(id);
  }
  std::optional<StreamId> Pop() {
    for (Level& level : levels_) {
      if (level.rotation.empty()) continue;
      StreamId front = level.rotation.front();
      level.rotation.pop_front();
      StreamId id = front;
      if (front == kSeat) {
        id = *level.group.begin();
        level.group.erase(level.group.begin());
        if (!level.group.empty()) level.rotation.push_back(kSeat);
      }
      streams_[id].ready = false;
      return id;
    }
    return std::nullopt;
  }
  std::vector<StreamId> Ids() const {
    std::vector<StreamId> ids;
    for (const auto& [id, state] : streams_) ids.push_back(id);
    return ids;
  }

 private:
  struct State {
    Priority priority;
    bool ready;
  };
  struct Level {
    std::deque<StreamId> rotation;
    std::set<StreamId> group;
  };
  void AddReady(StreamId id) {
    State& st = streams_[id];
    Level& level = levels_[st.priority.urgency];
    if (st.priority.incremental) {
      level.rotation.push_back(id);
    } else {
      if (level.group.empty()) level.rotation.push_back(kSeat);
      level.group.insert(id);
    }
    st.ready = true;
  }
  void RemoveReady(StreamId id) {
    State& st = streams_[id];
    Level& level = levels_[st.priority.urgency];
    if (st.priority.incremental) {
      level.rotation.erase(std::find(level.rotation.begin(), level.rotation.end(), id));
    } else {
      level.group.erase(id);
      if (level.group.empty()) {
        level.rotation.erase(std::find(level.rotation.begin(), level.rotation.end(), kSeat));
      }
    }
    st.ready = false;
  }

  std::map<StreamId, State> streams_;
  Level levels_[kNumUrgencies];
};

TEST(WriteSchedulerTest, MatchesASimpleModelUnderRandomOperations) {
  std::mt19937 rng(20240607);
  WriteScheduler s;
  ModelScheduler model;
  StreamId next_id = 1;
  auto random_priority = [&] { return P(static_cast<uint8_t>(rng() % 8), rng() % 2 == 0); };
  for (int step = 0; step < 10000; ++step) {
    std::vector<StreamId> ids = model.Ids();
    unsigned op = rng() % 100;
    if (ids.empty() || op < 10) {
      if (ids.size() < 300) {
        Priority p = random_priority();
        ASSERT_TRUE(s.Register(next_id, p));
        model.Register(next_id, p);
        next_id += 2;
      }
      continue;
    }
    StreamId id = ids[rng() % ids.size()];
    if (op < 15) {
      ASSERT_TRUE(s.Unregister(id));
      model.Unregister(id);
    } else if (op < 25) {
      Priority p = random_priority();
      ASSERT_EQ(s.UpdatePriority(id, p), PriorityUpdateResult::kApplied);
      model.Update(id, p);
    } else if (op < 55) {
      ASSERT_TRUE(s.MarkReady(id));
      model.MarkReady(id);
    } else if (op < 60) {
      ASSERT_TRUE(s.MarkNotReady(id));
      model.MarkNotReady(id);
    } else {
      std::optional<StreamId> want = model.Pop();
      ASSERT_EQ(s.PeekNext(), want) << "step " << step;
      ASSERT_EQ(s.PopNext(), want) << "step " << step;
      if (want && rng() % 4 != 0) {  // Usually more to send.
        ASSERT_TRUE(s.MarkReady(*want));
        model.MarkReady(*want);
      }
    }
  }
  // Drain both to the end.
  for (;;) {
    std::optional<StreamId> want = model.Pop();
    ASSERT_EQ(s.PopNext(), want);
    if (!want) break;
  }
}

}  // namespace
}  // namespace h2engine::h2
