#include "server/output_queue.h"

#include "base/check.h"

namespace h2engine::server {

void OutputQueue::Append(std::string_view data) {
  if (data.empty()) return;
  if (!buffers_.empty() && data.size() <= kCoalesceLimit &&
      buffers_.back().size() < 4 * kCoalesceLimit) {
    buffers_.back().append(data);
  } else {
    buffers_.emplace_back(data);
  }
  size_ += data.size();
}

void OutputQueue::Append(std::string&& data) {
  if (data.size() <= kCoalesceLimit) {
    Append(std::string_view(data));
    return;
  }
  size_ += data.size();
  buffers_.push_back(std::move(data));
}

size_t OutputQueue::Gather(std::span<std::span<const uint8_t>> out) const {
  size_t n = 0;
  for (size_t i = 0; i < buffers_.size() && n < out.size(); ++i) {
    const std::string& b = buffers_[i];
    size_t skip = i == 0 ? front_offset_ : 0;
    out[n++] = {reinterpret_cast<const uint8_t*>(b.data()) + skip, b.size() - skip};
  }
  return n;
}

void OutputQueue::Consume(size_t n) {
  H2_CHECK(n <= size_);
  size_ -= n;
  while (n > 0) {
    size_t available = buffers_.front().size() - front_offset_;
    if (n < available) {
      front_offset_ += n;
      return;
    }
    n -= available;
    buffers_.pop_front();
    front_offset_ = 0;
  }
  if (!buffers_.empty() && front_offset_ == buffers_.front().size()) {
    buffers_.pop_front();
    front_offset_ = 0;
  }
}

std::string OutputQueue::TakeAll() {
  std::string out;
  out.reserve(size_);
  for (size_t i = 0; i < buffers_.size(); ++i) {
    out.append(buffers_[i], i == 0 ? front_offset_ : 0);
  }
  Clear();
  return out;
}

void OutputQueue::Clear() {
  buffers_.clear();
  front_offset_ = 0;
  size_ = 0;
}

}  // namespace h2engine::server
