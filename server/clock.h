// Clock: the monotonic time source behind the event loop's timers, behind an interface so that
// timer logic is testable without sleeping (ManualClock).
//
// Time is std::chrono::steady_clock's: it never jumps with wall-clock changes, which is what
// handshake, idle and slow-header timeouts need.

#ifndef H2ENGINE_SERVER_CLOCK_H_
#define H2ENGINE_SERVER_CLOCK_H_

#include <atomic>
#include <chrono>

namespace h2engine::server {

using Duration = std::chrono::steady_clock::duration;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// MonotonicClock: steady_clock. Get() returns a process-wide instance.
class MonotonicClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::steady_clock::now(); }
  static const MonotonicClock* Get() {
    static const MonotonicClock clock;
    return &clock;
  }
};

// ManualClock: time moves only when a test says so. Thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{}) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(Duration(now_.load())); }
  void Advance(Duration d) { now_ += d.count(); }
  void Set(TimePoint t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<Duration::rep> now_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_CLOCK_H_
