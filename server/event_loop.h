// EventLoop: one epoll loop per thread: file-descriptor readiness callbacks, timers, and tasks
// posted from any thread.
//
// Readiness is level-triggered. A handler is told again as long as the condition holds, so it
// may read or write a bounded amount per callback (fairness between connections) without
// having to drain the socket to EAGAIN, and back pressure is expressed by changing the
// interest set (SetInterest: stop asking for kIoRead while a response cannot be written). The
// price is one epoll_ctl per interest change, which only happens on state changes.
//
// Threads. Everything but Post(), RunInLoop(), Stop() and handle() must be called on the loop
// thread: the thread running Run(), or before Run() starts, the thread that created the loop.
// Post() queues a task (eventfd wake-up) and is safe from any thread; RunInLoop() runs it
// immediately when already on the loop thread. A LoopHandle (handle()) can outlive the loop:
// posting through it after the loop is destroyed returns false and destroys the task, so work
// completed on other threads never touches a dead loop.
//
// Timers (RunAfter/RunAt, CancelTimer, RescheduleTimer) are a TimerQueue over the loop's Clock
// (MonotonicClock unless one is given); epoll_wait sleeps until the next deadline, rounded up
// to the millisecond.
//
// Callbacks may add, change or remove any registration (including their own) and timers;
// removal takes effect at once: a removed descriptor's pending events of the current batch are
// dropped, even if its number is reused by a new registration.

#ifndef H2ENGINE_SERVER_EVENT_LOOP_H_
#define H2ENGINE_SERVER_EVENT_LOOP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/clock.h"
#include "server/timer_queue.h"

namespace h2engine::server {

// Readiness bits: interest sets use kIoRead/kIoWrite; callbacks may also see kIoError and
// kIoHangup (which are always reported).
inline constexpr uint32_t kIoRead = 1;
inline constexpr uint32_t kIoWrite = 2;
inline constexpr uint32_t kIoError = 4;
inline constexpr uint32_t kIoHangup = 8;

namespace internal {
class TaskQueue;
}

// LoopHandle: a copyable, thread-safe way to reach a loop that may already be gone.
class LoopHandle {
 public:
  LoopHandle() = default;
  // Post queues `task` to run on the loop thread. Returns false (and destroys the task) if the
  // loop no longer exists or the handle is empty.
  bool Post(std::function<void()> task) const;
  // RunInLoop runs `task` now when called on the loop thread, else posts it.
  bool RunInLoop(std::function<void()> task) const;
  bool IsInLoopThread() const;
  bool valid() const { return queue_ != nullptr; }

 private:
  friend class EventLoop;
  explicit LoopHandle(std::shared_ptr<internal::TaskQueue> queue) : queue_(std::move(queue)) {}
  std::shared_ptr<internal::TaskQueue> queue_;
};

class EventLoop {
 public:
  using IoCallback = std::function<void(uint32_t events)>;

  // Create makes a loop (epoll and eventfd descriptors); nullptr with *error set on failure.
  // `clock` (not owned) must outlive the loop; nullptr means MonotonicClock.
  static std::unique_ptr<EventLoop> Create(std::string* error, const Clock* clock = nullptr);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watch registers `fd` (not owned; the caller closes it after Unwatch) with an interest set
  // of kIoRead|kIoWrite bits. False if already watched or epoll_ctl fails.
  bool Watch(int fd, uint32_t interest, IoCallback callback);
  bool SetInterest(int fd, uint32_t interest);
  // Unwatch removes `fd`; its callback is destroyed once no call to it is running.
  void Unwatch(int fd);
  bool IsWatched(int fd) const { return registrations_.count(fd) != 0; }

  TimerId RunAt(TimePoint deadline, std::function<void()> callback);
  TimerId RunAfter(Duration delay, std::function<void()> callback);
  bool CancelTimer(TimerId id) { return timers_.Cancel(id); }
  bool RescheduleTimer(TimerId id, Duration delay) { return timers_.Reschedule(id, Now() + delay); }
  bool IsTimerPending(TimerId id) const { return timers_.IsPending(id); }

  // Post, RunInLoop: see LoopHandle. Safe from any thread.
  void Post(std::function<void()> task);
  void RunInLoop(std::function<void()> task);
  LoopHandle handle() const { return LoopHandle(queue_); }
  bool IsInLoopThread() const;

  // Run processes events until Stop(). Stop() is safe from any thread, and from callbacks;
  // Run() returns after the current iteration (its ready events, expired timers and the tasks
  // queued so far). Tasks queued later run when Run() is called again, or are destroyed with
  // the loop.
  void Run();
  void Stop();
  // RunOnce waits at most `max_wait` for events, then handles what arrived, expired timers
  // and queued tasks once (tests).
  void RunOnce(Duration max_wait);

  TimePoint Now() const { return clock_->Now(); }
  const Clock& clock() const { return *clock_; }

 private:
  struct Registration {
    uint32_t generation;
    uint32_t interest;
    std::shared_ptr<IoCallback> callback;
  };

  EventLoop(int epoll_fd, std::shared_ptr<internal::TaskQueue> queue, const Clock* clock);
  void Poll(int timeout_ms);
  void RunTasks();

  const int epoll_fd_;
  std::shared_ptr<internal::TaskQueue> queue_;
  const Clock* clock_;
  TimerQueue timers_;
  std::unordered_map<int, Registration> registrations_;
  uint32_t next_generation_ = 1;
  std::atomic<bool> stop_{false};
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_EVENT_LOOP_H_
