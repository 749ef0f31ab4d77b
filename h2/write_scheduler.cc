#include "h2/write_scheduler.h"

#include <algorithm>
#include <bit>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

template <typename L>
void ListPushBack(L* head, L* node) {
  node->prev = head->prev;
  node->next = head;
  head->prev->next = node;
  head->prev = node;
}

template <typename L>
void ListRemove(L* node) {
  node->prev->next = node->next;
  node->next->prev = node->prev;
  node->prev = node->next = node;
}

template <typename L>
bool ListEmpty(const L* head) {
  return head->next == head;
}

Priority Clamp(Priority p) {
  if (p.urgency > kLowestUrgency) p.urgency = kLowestUrgency;
  return p;
}

}  // namespace

WriteScheduler::WriteScheduler(const Options& options)
    : options_(options), levels_(std::make_unique<std::array<Level, kNumUrgencies>>()) {}

WriteScheduler::~WriteScheduler() = default;
WriteScheduler::WriteScheduler(WriteScheduler&&) noexcept = default;
WriteScheduler& WriteScheduler::operator=(WriteScheduler&&) noexcept = default;

WriteScheduler::Stream* WriteScheduler::Find(StreamId id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

const WriteScheduler::Stream* WriteScheduler::Find(StreamId id) const {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : &it->second;
}

bool WriteScheduler::Register(StreamId id, Priority priority) {
  if (id == 0 || id > kMaxStreamId) return false;
  auto [it, inserted] = streams_.try_emplace(id);
  if (!inserted) return false;
  // Pending updates: apply ours; forget those of lower ids of the same initiator, which can
  // never open now (RFC 9113 §5.1.1).
  for (size_t i = 0; i < pending_.size();) {
    const auto& [pending_id, pending_priority] = pending_[i];
    if (pending_id == id) priority = pending_priority;
    if (pending_id == id || (pending_id % 2 == id % 2 && pending_id < id)) {
      pending_[i] = pending_.back();
      pending_.pop_back();
    } else {
      ++i;
    }
  }
  Stream& s = it->second;
  s.id = id;
  s.priority = Clamp(priority);
  return true;
}

bool WriteScheduler::Unregister(StreamId id) {
  auto it = streams_.find(id);
  if (it == streams_.end()) return false;
  if (it->second.ready) RemoveReady(&it->second);
  streams_.erase(it);
  return true;
}

PriorityUpdateResult WriteScheduler::UpdatePriority(StreamId id, Priority priority) {
  priority = Clamp(priority);
  if (Stream* s = Find(id)) {
    if (s->priority == priority) return PriorityUpdateResult::kApplied;
    const bool was_ready = s->ready;
    if (was_ready) RemoveReady(s);
    s->priority = priority;
    if (was_ready) AddReady(s);
    return PriorityUpdateResult::kApplied;
  }
  for (auto& [pending_id, pending_priority] : pending_) {
    if (pending_id == id) {
      pending_priority = priority;  // The most recent update wins (RFC 9218 §7).
      return PriorityUpdateResult::kBuffered;
    }
  }
  if (pending_.size() >= options_.max_pending_updates) return PriorityUpdateResult::kDropped;
  pending_.emplace_back(id, priority);
  return PriorityUpdateResult::kBuffered;
}

std::optional<Priority> WriteScheduler::GetPriority(StreamId id) const {
  const Stream* s = Find(id);
  if (s == nullptr) return std::nullopt;
  return s->priority;
}

bool WriteScheduler::MarkReady(StreamId id) {
  Stream* s = Find(id);
  if (s == nullptr) return false;
  if (!s->ready) AddReady(s);
  return true;
}

bool WriteScheduler::MarkNotReady(StreamId id) {
  Stream* s = Find(id);
  if (s == nullptr) return false;
  if (s->ready) RemoveReady(s);
  return true;
}

bool WriteScheduler::IsReady(StreamId id) const {
  const Stream* s = Find(id);
  return s != nullptr && s->ready;
}

void WriteScheduler::AddReady(Stream* s) {
  H2_DCHECK(!s->ready);
  Level& level = (*levels_)[s->priority.urgency];
  if (s->priority.incremental) {
    ListPushBack<Link>(&level.rotation, s);
  } else {
    if (level.group.empty()) ListPushBack(&level.rotation, &level.group_seat);
    HeapPush(level.group, s);
  }
  s->ready = true;
  ++level.num_ready;
  ++num_ready_;
  ready_mask_ |= static_cast<uint8_t>(1u << s->priority.urgency);
}

void WriteScheduler::RemoveReady(Stream* s) {
  H2_DCHECK(s->ready);
  Level& level = (*levels_)[s->priority.urgency];
  if (s->priority.incremental) {
    ListRemove<Link>(s);
  } else {
    H2_DCHECK(level.group[s->heap_index] == s);
    HeapRemove(level.group, s->heap_index);
    if (level.group.empty()) ListRemove(&level.group_seat);
  }
  s->ready = false;
  --level.num_ready;
  --num_ready_;
  if (level.num_ready == 0) ready_mask_ &= static_cast<uint8_t>(~(1u << s->priority.urgency));
}

std::optional<StreamId> WriteScheduler::PeekNext() const {
  if (ready_mask_ == 0) return std::nullopt;
  const Level& level = (*levels_)[std::countr_zero(ready_mask_)];
  H2_DCHECK(!ListEmpty(&level.rotation));
  const Link* front = level.rotation.next;
  if (front == &level.group_seat) return level.group.front()->id;
  return static_cast<const Stream*>(front)->id;
}

std::optional<StreamId> WriteScheduler::PopNext() {
  if (ready_mask_ == 0) return std::nullopt;
  Level& level = (*levels_)[std::countr_zero(ready_mask_)];
  Stream* s = TakeNext(level);
  s->ready = false;
  --level.num_ready;
  --num_ready_;
  if (level.num_ready == 0) ready_mask_ &= static_cast<uint8_t>(~(1u << s->priority.urgency));
  return s->id;
}

// TakeNext unlinks the front of `level`'s rotation. If that is the non-incremental group's
// seat, the group's lowest id is taken and the seat goes to the back of the rotation (if the
// group still has streams); an incremental stream simply leaves, and MarkReady() puts it back
// at the back.
WriteScheduler::Stream* WriteScheduler::TakeNext(Level& level) {
  H2_DCHECK(!ListEmpty(&level.rotation));
  Link* front = level.rotation.next;
  ListRemove(front);
  if (front != &level.group_seat) return static_cast<Stream*>(front);
  Stream* s = level.group.front();
  HeapRemove(level.group, 0);
  if (!level.group.empty()) ListPushBack(&level.rotation, &level.group_seat);
  return s;
}

// --- The per-level min-heap of non-incremental streams, keyed by stream id. ---

void WriteScheduler::HeapPush(std::vector<Stream*>& heap, Stream* s) {
  s->heap_index = heap.size();
  heap.push_back(s);
  SiftUp(heap, s->heap_index);
}

void WriteScheduler::HeapRemove(std::vector<Stream*>& heap, size_t index) {
  H2_DCHECK_LT(index, heap.size());
  Stream* last = heap.back();
  heap.pop_back();
  if (index == heap.size()) return;  // Removed the last element.
  heap[index] = last;
  last->heap_index = index;
  SiftUp(heap, index);
  SiftDown(heap, last->heap_index);
}

void WriteScheduler::SiftUp(std::vector<Stream*>& heap, size_t index) {
  Stream* s = heap[index];
  while (index > 0) {
    size_t parent = (index - 1) / 2;
    if (heap[parent]->id <= s->id) break;
    heap[index] = heap[parent];
    heap[index]->heap_index = index;
    index = parent;
  }
  heap[index] = s;
  s->heap_index = index;
}

void WriteScheduler::SiftDown(std::vector<Stream*>& heap, size_t index) {
  Stream* s = heap[index];
  const size_t n = heap.size();
  for (;;) {
    size_t child = 2 * index + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1]->id < heap[child]->id) ++child;
    if (s->id <= heap[child]->id) break;
    heap[index] = heap[child];
    heap[index]->heap_index = index;
    index = child;
  }
  heap[index] = s;
  s->heap_index = index;
}

}  // namespace h2engine::h2
