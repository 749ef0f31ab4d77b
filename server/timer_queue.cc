#include "server/timer_queue.h"

#include <utility>

#include "base/check.h"

namespace h2engine::server {

// An id is (generation << 32) | (slot + 1).
TimerQueue::Slot* TimerQueue::Find(TimerId id) {
  return const_cast<Slot*>(static_cast<const TimerQueue*>(this)->Find(id));
}

const TimerQueue::Slot* TimerQueue::Find(TimerId id) const {
  uint64_t low = id & 0xffffffffu;
  if (low == 0 || low > slots_.size()) return nullptr;
  const Slot& slot = slots_[low - 1];
  if (slot.state == SlotState::kFree || slot.generation != static_cast<uint32_t>(id >> 32)) {
    return nullptr;
  }
  return &slot;
}

bool TimerQueue::Less(uint32_t a, uint32_t b) const {
  const Slot& x = slots_[a];
  const Slot& y = slots_[b];
  return x.deadline < y.deadline || (x.deadline == y.deadline && x.seq < y.seq);
}

void TimerQueue::SiftUp(uint32_t index) {
  while (index > 0) {
    uint32_t parent = (index - 1) / 2;
    if (!Less(heap_[index], heap_[parent])) break;
    std::swap(heap_[index], heap_[parent]);
    slots_[heap_[index]].heap_index = index;
    slots_[heap_[parent]].heap_index = parent;
    index = parent;
  }
}

void TimerQueue::SiftDown(uint32_t index) {
  uint32_t n = static_cast<uint32_t>(heap_.size());
  while (true) {
    uint32_t smallest = index;
    uint32_t left = 2 * index + 1;
    uint32_t right = left + 1;
    if (left < n && Less(heap_[left], heap_[smallest])) smallest = left;
    if (right < n && Less(heap_[right], heap_[smallest])) smallest = right;
    if (smallest == index) return;
    std::swap(heap_[index], heap_[smallest]);
    slots_[heap_[index]].heap_index = index;
    slots_[heap_[smallest]].heap_index = smallest;
    index = smallest;
  }
}

void TimerQueue::HeapPush(uint32_t slot) {
  slots_[slot].heap_index = static_cast<uint32_t>(heap_.size());
  heap_.push_back(slot);
  SiftUp(slots_[slot].heap_index);
}

void TimerQueue::HeapRemove(uint32_t heap_index) {
  H2_DCHECK_LT(heap_index, heap_.size());
  uint32_t last = static_cast<uint32_t>(heap_.size() - 1);
  if (heap_index != last) {
    heap_[heap_index] = heap_[last];
    slots_[heap_[heap_index]].heap_index = heap_index;
    heap_.pop_back();
    SiftDown(heap_index);
    SiftUp(heap_index);
  } else {
    heap_.pop_back();
  }
}

void TimerQueue::Free(uint32_t slot) {
  Slot& s = slots_[slot];
  s.state = SlotState::kFree;
  s.callback = nullptr;
  ++s.generation;
  free_.push_back(slot);
  --live_;
}

TimerId TimerQueue::Schedule(TimePoint deadline, std::function<void()> callback) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.deadline = deadline;
  s.seq = next_seq_++;
  s.callback = std::move(callback);
  s.state = SlotState::kArmed;
  ++live_;
  HeapPush(slot);
  return (static_cast<uint64_t>(s.generation) << 32) | (slot + 1);
}

bool TimerQueue::Cancel(TimerId id) {
  Slot* s = Find(id);
  if (s == nullptr) return false;
  uint32_t slot = static_cast<uint32_t>(s - slots_.data());
  if (s->state == SlotState::kArmed) HeapRemove(s->heap_index);
  Free(slot);
  return true;
}

bool TimerQueue::Reschedule(TimerId id, TimePoint deadline) {
  Slot* s = Find(id);
  if (s == nullptr) return false;
  s->deadline = deadline;
  s->seq = next_seq_++;
  if (s->state == SlotState::kFiring) {
    s->state = SlotState::kArmed;
    HeapPush(static_cast<uint32_t>(s - slots_.data()));
  } else {
    SiftDown(s->heap_index);
    SiftUp(s->heap_index);
  }
  return true;
}

bool TimerQueue::IsPending(TimerId id) const { return Find(id) != nullptr; }

std::optional<TimePoint> TimerQueue::NextDeadline() const {
  if (heap_.empty()) return std::nullopt;
  return slots_[heap_[0]].deadline;
}

size_t TimerQueue::RunExpired(TimePoint now) {
  // Take the whole expired batch out of the heap first, so that timers the callbacks schedule
  // wait for the next call.
  std::vector<std::pair<uint32_t, uint32_t>> batch;  // (slot, generation)
  while (!heap_.empty() && slots_[heap_[0]].deadline <= now) {
    uint32_t slot = heap_[0];
    HeapRemove(0);
    slots_[slot].state = SlotState::kFiring;
    batch.emplace_back(slot, slots_[slot].generation);
  }
  size_t ran = 0;
  for (auto [slot, generation] : batch) {
    Slot& s = slots_[slot];
    if (s.state != SlotState::kFiring || s.generation != generation) continue;
    std::function<void()> callback = std::move(s.callback);
    Free(slot);
    ++ran;
    callback();
  }
  return ran;
}

}  // namespace h2engine::server
