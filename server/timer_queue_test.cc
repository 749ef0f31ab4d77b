// TimerQueue with a ManualClock: ordering, cancel, reschedule, stale ids and what callbacks may
// do while a batch runs. No sleeping.

#include "server/timer_queue.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

class TimerQueueTest : public ::testing::Test {
 protected:
  TimePoint At(int ms) { return clock_.Now() + milliseconds(ms); }
  void Advance(int ms) {
    clock_.Advance(milliseconds(ms));
    queue_.RunExpired(clock_.Now());
  }
  std::function<void()> Log(std::string name) {
    return [this, name] { log_.push_back(name); };
  }

  ManualClock clock_;
  TimerQueue queue_;
  std::vector<std::string> log_;
};

TEST_F(TimerQueueTest, RunsInDeadlineOrderThenSchedulingOrder) {
  queue_.Schedule(At(30), Log("c"));
  queue_.Schedule(At(10), Log("a"));
  queue_.Schedule(At(20), Log("b1"));
  queue_.Schedule(At(20), Log("b2"));
  EXPECT_EQ(queue_.NextDeadline(), At(10));
  Advance(9);
  EXPECT_TRUE(log_.empty());
  Advance(1);
  EXPECT_EQ(log_, (std::vector<std::string>{"a"}));
  Advance(100);
  EXPECT_EQ(log_, (std::vector<std::string>{"a", "b1", "b2", "c"}));
  EXPECT_EQ(queue_.size(), 0u);
  EXPECT_FALSE(queue_.NextDeadline().has_value());
}

TEST_F(TimerQueueTest, CancelAndStaleIds) {
  TimerId a = queue_.Schedule(At(10), Log("a"));
  TimerId b = queue_.Schedule(At(20), Log("b"));
  EXPECT_TRUE(queue_.Cancel(a));
  EXPECT_FALSE(queue_.Cancel(a));
  EXPECT_FALSE(queue_.IsPending(a));
  // The freed slot is reused; the old id must not reach the new timer.
  TimerId c = queue_.Schedule(At(5), Log("c"));
  EXPECT_NE(a, c);
  EXPECT_FALSE(queue_.Cancel(a));
  EXPECT_FALSE(queue_.Reschedule(a, At(1)));
  EXPECT_TRUE(queue_.IsPending(c));
  Advance(30);
  EXPECT_EQ(log_, (std::vector<std::string>{"c", "b"}));
  EXPECT_FALSE(queue_.Cancel(b));  // already ran
  EXPECT_FALSE(queue_.Cancel(kNoTimer));
  EXPECT_FALSE(queue_.Cancel(12345));
}

TEST_F(TimerQueueTest, RescheduleMovesEitherWay) {
  TimerId a = queue_.Schedule(At(10), Log("a"));
  queue_.Schedule(At(20), Log("b"));
  TimerId c = queue_.Schedule(At(30), Log("c"));
  EXPECT_TRUE(queue_.Reschedule(a, At(40)));  // later
  EXPECT_TRUE(queue_.Reschedule(c, At(5)));   // earlier
  EXPECT_EQ(queue_.NextDeadline(), At(5));
  Advance(100);
  EXPECT_EQ(log_, (std::vector<std::string>{"c", "b", "a"}));
}

TEST_F(TimerQueueTest, CallbackCancelsALaterTimerOfTheSameBatch) {
  TimerId victim = kNoTimer;
  queue_.Schedule(At(10), [&] {
    log_.push_back("killer");
    EXPECT_TRUE(queue_.Cancel(victim));
  });
  victim = queue_.Schedule(At(10), Log("victim"));
  Advance(10);
  EXPECT_EQ(log_, (std::vector<std::string>{"killer"}));
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(TimerQueueTest, CallbackReschedulesALaterTimerOfTheSameBatch) {
  TimerId moved = kNoTimer;
  queue_.Schedule(At(10), [&] {
    log_.push_back("first");
    EXPECT_TRUE(queue_.Reschedule(moved, At(50)));
  });
  moved = queue_.Schedule(At(10), Log("moved"));
  Advance(10);
  EXPECT_EQ(log_, (std::vector<std::string>{"first"}));
  EXPECT_TRUE(queue_.IsPending(moved));
  Advance(50);
  EXPECT_EQ(log_, (std::vector<std::string>{"first", "moved"}));
}

TEST_F(TimerQueueTest, TimerRearmingItselfForNowDoesNotSpin) {
  int runs = 0;
  std::function<void()> again = [&] {
    ++runs;
    queue_.Schedule(clock_.Now(), again);
  };
  queue_.Schedule(At(0), again);
  EXPECT_EQ(queue_.RunExpired(clock_.Now()), 1u);
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(queue_.RunExpired(clock_.Now()), 1u);
  EXPECT_EQ(runs, 2);
}

TEST_F(TimerQueueTest, ManyTimersCancelledInRandomOrderKeepTheHeapValid) {
  std::vector<TimerId> ids;
  std::vector<int> fired;
  for (int i = 0; i < 200; ++i) {
    int deadline = (i * 7919) % 1000;
    ids.push_back(queue_.Schedule(At(deadline), [&fired, deadline] { fired.push_back(deadline); }));
  }
  for (int i = 0; i < 200; i += 3) EXPECT_TRUE(queue_.Cancel(ids[static_cast<size_t>(i)]));
  Advance(1000);
  EXPECT_EQ(fired.size(), 200u - 67u);
  EXPECT_TRUE(std::is_sorted(fired.begin(), fired.end()));
}

}  // namespace
}  // namespace h2engine::server
