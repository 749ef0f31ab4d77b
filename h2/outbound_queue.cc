#include "h2/outbound_queue.h"

#include <algorithm>
#include <cstring>

namespace h2engine::h2 {
namespace {

void ReleaseIfLarge(ByteSink& sink) {
  sink.Clear();
  if (sink.capacity() > OutboundQueue::kRetainedCapacity) sink = ByteSink();
}

}  // namespace

void OutboundQueue::PrepareCommit() {
  if (offset_ == 0) return;
  if (offset_ == committed_.size()) {
    committed_.Clear();
    offset_ = 0;
    return;
  }
  // Compact once the consumed prefix is at least half the buffer: each byte moves at most
  // once per buffer's worth written, so the cost stays linear.
  if (offset_ >= committed_.size() / 2) {
    const size_t rest = committed_.size() - offset_;
    std::memmove(committed_.mutable_data(), committed_.data() + offset_, rest);
    committed_.Truncate(rest);
    offset_ = 0;
  }
}

void OutboundQueue::Flush() {
  if (urgent_.empty() && control_.empty()) return;
  PrepareCommit();
  if (!urgent_.empty()) {
    committed_.Append(urgent_.span());
    ReleaseIfLarge(urgent_);
  }
  if (!control_.empty()) {
    committed_.Append(control_.span());
    ReleaseIfLarge(control_);
  }
}

void OutboundQueue::Consume(size_t n) {
  n = std::min(n, unsent_committed());
  offset_ += n;
  total_consumed_ += n;
  if (offset_ == committed_.size()) {
    offset_ = 0;
    ReleaseIfLarge(committed_);
  }
}

void OutboundQueue::Clear() {
  ReleaseIfLarge(urgent_);
  ReleaseIfLarge(control_);
  ReleaseIfLarge(committed_);
  offset_ = 0;
}

}  // namespace h2engine::h2
