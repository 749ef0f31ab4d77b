// TimerQueue: one-shot timers in a binary min-heap keyed by (deadline, creation order), with
// O(log n) schedule, cancel and reschedule. The event loop owns one; it knows nothing of
// epoll, so its logic is tested with a ManualClock-driven `now`.
//
// Ids carry a generation, so a stale id (a timer that already fired or was cancelled, whose
// slot now holds another timer) is recognised and ignored. Timers that expire together run in
// deadline order, ties in scheduling order. A callback may schedule, cancel or reschedule any
// timer, including other timers of the same expired batch (a cancelled one will not run; a
// rescheduled one goes back into the heap) and itself. Timers scheduled by a callback never
// run in the same RunExpired() call, so a timer re-arming itself for "now" cannot spin.

#ifndef H2ENGINE_SERVER_TIMER_QUEUE_H_
#define H2ENGINE_SERVER_TIMER_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "server/clock.h"

namespace h2engine::server {

// TimerId: 0 is never a valid id.
using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

class TimerQueue {
 public:
  TimerQueue() = default;
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // Schedule arms a timer that runs `callback` once `deadline` has passed.
  TimerId Schedule(TimePoint deadline, std::function<void()> callback);
  // Cancel disarms a pending timer; false if it already ran or was cancelled.
  bool Cancel(TimerId id);
  // Reschedule moves a pending timer to `deadline`; false if it already ran or was cancelled.
  bool Reschedule(TimerId id, TimePoint deadline);
  bool IsPending(TimerId id) const;

  // NextDeadline: the earliest pending deadline, or nullopt when no timer is armed.
  std::optional<TimePoint> NextDeadline() const;
  // RunExpired runs every timer whose deadline is <= now (see the header comment for what
  // callbacks may do). Returns how many ran.
  size_t RunExpired(TimePoint now);

  size_t size() const { return live_; }

 private:
  enum class SlotState : uint8_t { kFree, kArmed, kFiring };
  struct Slot {
    TimePoint deadline;
    uint64_t seq = 0;
    std::function<void()> callback;
    uint32_t generation = 0;
    uint32_t heap_index = 0;
    SlotState state = SlotState::kFree;
  };

  Slot* Find(TimerId id);
  const Slot* Find(TimerId id) const;
  bool Less(uint32_t a, uint32_t b) const;
  void SiftUp(uint32_t index);
  void SiftDown(uint32_t index);
  void HeapPush(uint32_t slot);
  void HeapRemove(uint32_t heap_index);
  void Free(uint32_t slot);

  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> heap_;  // slot indices
  uint64_t next_seq_ = 0;
  size_t live_ = 0;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_TIMER_QUEUE_H_
