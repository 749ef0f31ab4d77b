#include "server/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "base/check.h"

namespace h2engine::server {
namespace internal {

// TaskQueue: the cross-thread part of a loop, shared with LoopHandles so that it outlives the
// loop. Close() (from the loop's destructor) turns every later Post into a no-op.
class TaskQueue {
 public:
  explicit TaskQueue(int wake_fd) : wake_fd_(wake_fd), loop_thread_(std::this_thread::get_id()) {}

  bool Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_) return false;  // `task` is destroyed by our caller, outside the lock
      tasks_.push_back(std::move(task));
      if (wake_pending_) return true;
      wake_pending_ = true;
      Wake();
    }
    return true;
  }

  void Wake() {
    uint64_t one = 1;
    ssize_t n;
    do {
      n = ::write(wake_fd_, &one, sizeof(one));
    } while (n < 0 && errno == EINTR);
    // EAGAIN means the counter is already non-zero: the loop will wake anyway.
  }

  // Take returns the queued tasks and re-arms the wake-up.
  std::vector<std::function<void()>> Take() {
    std::vector<std::function<void()>> out;
    std::lock_guard<std::mutex> lock(mu_);
    out.swap(tasks_);
    wake_pending_ = false;
    return out;
  }

  bool HasTasks() {
    std::lock_guard<std::mutex> lock(mu_);
    return !tasks_.empty();
  }

  std::vector<std::function<void()>> Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    std::vector<std::function<void()>> out;
    out.swap(tasks_);
    return out;
  }

  void SetLoopThread(std::thread::id id) { loop_thread_.store(id); }
  bool IsLoopThread() const { return loop_thread_.load() == std::this_thread::get_id(); }
  int wake_fd() const { return wake_fd_; }

 private:
  const int wake_fd_;
  std::atomic<std::thread::id> loop_thread_;
  std::mutex mu_;
  std::vector<std::function<void()>> tasks_;
  bool wake_pending_ = false;
  bool closed_ = false;
};

}  // namespace internal

namespace {

// The epoll data of the wake-up eventfd; registrations use (generation << 32) | fd with a
// non-zero generation.
constexpr uint64_t kWakeData = 0;

uint32_t ToEpoll(uint32_t interest) {
  uint32_t events = 0;
  if (interest & kIoRead) events |= EPOLLIN;
  if (interest & kIoWrite) events |= EPOLLOUT;
  return events;
}

uint32_t FromEpoll(uint32_t events) {
  uint32_t out = 0;
  if (events & (EPOLLIN | EPOLLPRI)) out |= kIoRead;
  if (events & EPOLLOUT) out |= kIoWrite;
  if (events & EPOLLERR) out |= kIoError;
  if (events & (EPOLLHUP | EPOLLRDHUP)) out |= kIoHangup;
  return out;
}

}  // namespace

bool LoopHandle::Post(std::function<void()> task) const {
  if (!queue_) return false;
  return queue_->Post(std::move(task));
}

bool LoopHandle::RunInLoop(std::function<void()> task) const {
  if (!queue_) return false;
  if (queue_->IsLoopThread()) {
    task();
    return true;
  }
  return queue_->Post(std::move(task));
}

bool LoopHandle::IsInLoopThread() const { return queue_ && queue_->IsLoopThread(); }

std::unique_ptr<EventLoop> EventLoop::Create(std::string* error, const Clock* clock) {
  int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    *error = std::string("epoll_create1: ") + std::strerror(errno);
    return nullptr;
  }
  int wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) {
    *error = std::string("eventfd: ") + std::strerror(errno);
    ::close(epoll_fd);
    return nullptr;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeData;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0) {
    *error = std::string("epoll_ctl(eventfd): ") + std::strerror(errno);
    ::close(wake_fd);
    ::close(epoll_fd);
    return nullptr;
  }
  auto queue = std::make_shared<internal::TaskQueue>(wake_fd);
  return std::unique_ptr<EventLoop>(
      new EventLoop(epoll_fd, std::move(queue), clock ? clock : MonotonicClock::Get()));
}

EventLoop::EventLoop(int epoll_fd, std::shared_ptr<internal::TaskQueue> queue, const Clock* clock)
    : epoll_fd_(epoll_fd), queue_(std::move(queue)), clock_(clock) {}

EventLoop::~EventLoop() {
  // Tasks are destroyed outside the queue's lock: their destructors may post elsewhere.
  std::vector<std::function<void()>> dropped = queue_->Close();
  dropped.clear();
  registrations_.clear();
  ::close(queue_->wake_fd());
  ::close(epoll_fd_);
}

bool EventLoop::Watch(int fd, uint32_t interest, IoCallback callback) {
  H2_DCHECK(IsInLoopThread());
  if (fd < 0 || registrations_.count(fd) != 0) return false;
  uint32_t generation = next_generation_++;
  if (next_generation_ == 0) next_generation_ = 1;
  epoll_event ev{};
  ev.events = ToEpoll(interest);
  ev.data.u64 = (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  registrations_[fd] =
      Registration{generation, interest, std::make_shared<IoCallback>(std::move(callback))};
  return true;
}

bool EventLoop::SetInterest(int fd, uint32_t interest) {
  H2_DCHECK(IsInLoopThread());
  auto it = registrations_.find(fd);
  if (it == registrations_.end()) return false;
  if (it->second.interest == interest) return true;
  epoll_event ev{};
  ev.events = ToEpoll(interest);
  ev.data.u64 = (static_cast<uint64_t>(it->second.generation) << 32) | static_cast<uint32_t>(fd);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) return false;
  it->second.interest = interest;
  return true;
}

void EventLoop::Unwatch(int fd) {
  H2_DCHECK(IsInLoopThread());
  auto it = registrations_.find(fd);
  if (it == registrations_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  registrations_.erase(it);
}

TimerId EventLoop::RunAt(TimePoint deadline, std::function<void()> callback) {
  H2_DCHECK(IsInLoopThread());
  return timers_.Schedule(deadline, std::move(callback));
}

TimerId EventLoop::RunAfter(Duration delay, std::function<void()> callback) {
  return RunAt(Now() + delay, std::move(callback));
}

void EventLoop::Post(std::function<void()> task) { queue_->Post(std::move(task)); }

void EventLoop::RunInLoop(std::function<void()> task) {
  if (IsInLoopThread()) {
    task();
  } else {
    queue_->Post(std::move(task));
  }
}

bool EventLoop::IsInLoopThread() const { return queue_->IsLoopThread(); }

void EventLoop::Run() {
  queue_->SetLoopThread(std::this_thread::get_id());
  while (!stop_.load(std::memory_order_acquire)) {
    int timeout_ms = -1;
    if (std::optional<TimePoint> next = timers_.NextDeadline()) {
      Duration wait = *next - Now();
      if (wait <= Duration::zero()) {
        timeout_ms = 0;
      } else {
        auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
        timeout_ms = ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
      }
    }
    Poll(timeout_ms);
  }
  stop_.store(false, std::memory_order_release);
}

void EventLoop::RunOnce(Duration max_wait) {
  queue_->SetLoopThread(std::this_thread::get_id());
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(max_wait).count();
  if (std::optional<TimePoint> next = timers_.NextDeadline()) {
    auto until = std::chrono::ceil<std::chrono::milliseconds>(*next - Now()).count();
    ms = std::max<decltype(ms)>(0, std::min(ms, until));
  }
  Poll(static_cast<int>(std::min<decltype(ms)>(ms, INT_MAX)));
}

void EventLoop::Stop() {
  stop_.store(true, std::memory_order_release);
  queue_->Wake();
}

void EventLoop::Poll(int timeout_ms) {
  constexpr int kMaxEvents = 64;
  epoll_event events[kMaxEvents];
  int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  if (n < 0 && errno != EINTR) {
    H2_BUG_IF(true);  // epoll_wait only fails on programming errors (EBADF, EINVAL, EFAULT)
  }
  for (int i = 0; i < n; ++i) {
    uint64_t data = events[i].data.u64;
    if (data == kWakeData) {
      uint64_t count;
      while (::read(queue_->wake_fd(), &count, sizeof(count)) > 0) {
      }
      continue;
    }
    int fd = static_cast<int>(data & 0xffffffffu);
    uint32_t generation = static_cast<uint32_t>(data >> 32);
    auto it = registrations_.find(fd);
    if (it == registrations_.end() || it->second.generation != generation) continue;
    std::shared_ptr<IoCallback> callback = it->second.callback;  // survives Unwatch
    (*callback)(FromEpoll(events[i].events));
  }
  timers_.RunExpired(Now());
  RunTasks();
}

void EventLoop::RunTasks() {
  std::vector<std::function<void()>> tasks = queue_->Take();
  for (auto& task : tasks) {
    std::function<void()> t = std::move(task);
    t();
  }
}

}  // namespace h2engine::server
