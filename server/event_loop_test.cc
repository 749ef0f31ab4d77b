// EventLoop over real descriptors (pipes, eventfd) and real threads. Waits are bounded and
// short; nothing asserts on timing.

#include "server/event_loop.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
    read_fd = fds[0];
    write_fd = fds[1];
  }
  ~Pipe() {
    ::close(read_fd);
    ::close(write_fd);
  }
  void Write(std::string_view s) {
    EXPECT_EQ(::write(write_fd, s.data(), s.size()), (ssize_t)s.size());
  }
  int read_fd;
  int write_fd;
};

std::unique_ptr<EventLoop> MakeLoop() {
  std::string error;
  auto loop = EventLoop::Create(&error);
  EXPECT_NE(loop, nullptr) << error;
  return loop;
}

TEST(EventLoop, ReadReadinessIsLevelTriggered) {
  auto loop = MakeLoop();
  Pipe p;
  int calls = 0;
  ASSERT_TRUE(loop->Watch(p.read_fd, kIoRead, [&](uint32_t events) {
    EXPECT_TRUE(events & kIoRead);
    ++calls;
  }));
  EXPECT_FALSE(loop->Watch(p.read_fd, kIoRead, [](uint32_t) {}));  // already watched
  p.Write("x");
  loop->RunOnce(milliseconds(100));
  loop->RunOnce(milliseconds(100));
  EXPECT_EQ(calls, 2);  // not consumed: reported again
  ASSERT_TRUE(loop->SetInterest(p.read_fd, 0));
  loop->RunOnce(milliseconds(0));
  EXPECT_EQ(calls, 2);  // back pressure: no interest, no calls
  loop->Unwatch(p.read_fd);
  EXPECT_FALSE(loop->IsWatched(p.read_fd));
}

TEST(EventLoop, WriteInterest) {
  auto loop = MakeLoop();
  Pipe p;
  int writable = 0;
  ASSERT_TRUE(loop->Watch(p.write_fd, kIoWrite, [&](uint32_t events) {
    if (events & kIoWrite) ++writable;
  }));
  loop->RunOnce(milliseconds(100));
  EXPECT_EQ(writable, 1);
  loop->Unwatch(p.write_fd);
}

TEST(EventLoop, UnwatchInsideABatchDropsTheOthersPendingEvents) {
  auto loop = MakeLoop();
  Pipe a, b;
  std::vector<std::string> log;
  ASSERT_TRUE(loop->Watch(a.read_fd, kIoRead, [&](uint32_t) {
    log.push_back("a");
    loop->Unwatch(a.read_fd);  // itself
    loop->Unwatch(b.read_fd);  // the other, whose event may be in the same batch
  }));
  ASSERT_TRUE(loop->Watch(b.read_fd, kIoRead, [&](uint32_t) {
    log.push_back("b");
    loop->Unwatch(a.read_fd);
    loop->Unwatch(b.read_fd);
  }));
  a.Write("1");
  b.Write("1");
  loop->RunOnce(milliseconds(100));
  loop->RunOnce(milliseconds(0));
  ASSERT_EQ(log.size(), 1u);
}

TEST(EventLoop, TimersFireInOrderAndCanBeCancelledAndRescheduled) {
  // Deadline order holds however late the loop gets to run, so this does not depend on timing.
  auto loop = MakeLoop();
  std::vector<std::string> log;
  loop->RunAfter(milliseconds(20), [&] { log.push_back("20"); });
  TimerId cancelled = loop->RunAfter(milliseconds(5), [&] { log.push_back("cancelled"); });
  TimerId moved = loop->RunAfter(milliseconds(1), [&] { log.push_back("moved"); });
  loop->RunAfter(milliseconds(10), [&] { log.push_back("10"); });
  loop->RunAfter(milliseconds(30), [&] {
    log.push_back("30");
    loop->Stop();
  });
  EXPECT_TRUE(loop->CancelTimer(cancelled));
  EXPECT_TRUE(loop->RescheduleTimer(moved, milliseconds(15)));
  loop->Run();
  EXPECT_EQ(log, (std::vector<std::string>{"10", "moved", "20", "30"}));
  EXPECT_FALSE(loop->IsTimerPending(moved));
}

TEST(EventLoop, PostFromOtherThreadsRunsOnTheLoopThread) {
  auto loop = MakeLoop();
  std::thread::id loop_thread;
  std::atomic<int> ran{0};
  std::thread runner([&] {
    loop_thread = std::this_thread::get_id();
    loop->Run();
  });
  std::vector<std::thread> posters;
  std::atomic<int> wrong_thread{0};
  for (int t = 0; t < 4; ++t) {
    posters.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        loop->Post([&] {
          if (!loop->IsInLoopThread()) ++wrong_thread;
          ++ran;
        });
      }
    });
  }
  for (auto& t : posters) t.join();
  std::promise<void> done;
  loop->Post([&] { done.set_value(); });
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
  loop->Stop();
  runner.join();
  EXPECT_EQ(ran.load(), 400);
  EXPECT_EQ(wrong_thread.load(), 0);
  EXPECT_NE(loop_thread, std::this_thread::get_id());
}

TEST(EventLoop, RunInLoopRunsAtOnceOnTheLoopThread) {
  auto loop = MakeLoop();
  bool ran = false;
  loop->RunInLoop([&] { ran = true; });  // the creating thread is the loop thread before Run
  EXPECT_TRUE(ran);
}

TEST(EventLoop, StopFromAnotherThreadWakesAnIdleLoop) {
  auto loop = MakeLoop();
  std::thread runner([&] { loop->Run(); });
  std::this_thread::sleep_for(milliseconds(10));
  loop->Stop();
  runner.join();  // would hang without the eventfd wake-up
}

TEST(EventLoop, HandleOutlivesTheLoop) {
  auto loop = MakeLoop();
  LoopHandle handle = loop->handle();
  auto token = std::make_shared<int>(1);
  EXPECT_TRUE(handle.Post([token] {}));  // queued, never run
  EXPECT_EQ(token.use_count(), 2);
  loop.reset();
  EXPECT_EQ(token.use_count(), 1);  // the queued task was destroyed with the loop
  EXPECT_FALSE(handle.Post([token] {}));
  EXPECT_EQ(token.use_count(), 1);
  EXPECT_FALSE(LoopHandle().Post([] {}));
}

TEST(EventLoop, TasksPostedByTasksRunOnTheNextTurn) {
  auto loop = MakeLoop();
  std::vector<int> log;
  loop->Post([&] {
    log.push_back(1);
    loop->Post([&] { log.push_back(3); });
  });
  loop->Post([&] { log.push_back(2); });
  loop->RunOnce(milliseconds(100));
  EXPECT_EQ(log, (std::vector<int>{1, 2}));
  loop->RunOnce(milliseconds(100));
  EXPECT_EQ(log, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace h2engine::server
