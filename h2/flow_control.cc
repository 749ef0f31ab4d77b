#include "h2/flow_control.h"

#include <algorithm>

#include "base/check.h"

namespace h2engine::h2 {

bool SendWindow::Consume(uint32_t length) {
  if (length > Sendable()) return false;
  window_ -= length;
  return true;
}

ErrorCode SendWindow::OnWindowUpdate(uint32_t increment) {
  if (increment == 0) return ErrorCode::kProtocolError;
  if (window_ + static_cast<int64_t>(increment) > kMaxWindowSize) {
    return ErrorCode::kFlowControlError;
  }
  window_ += increment;
  return ErrorCode::kNoError;
}

ErrorCode SendWindow::ApplyInitialWindowDelta(int64_t delta) {
  if (window_ + delta > kMaxWindowSize) return ErrorCode::kFlowControlError;
  window_ += delta;
  return ErrorCode::kNoError;
}

uint32_t MaxDataPayload(const SendWindow& stream, const SendWindow& connection,
                        uint32_t max_frame_size) {
  return std::min({stream.Sendable(), connection.Sendable(), max_frame_size});
}

AutoTuningPolicy::AutoTuningPolicy(const AutoTuneOptions& options) : options_(options) {
  options_.rtt_multiplier = std::max(options_.rtt_multiplier, 1);
  options_.update_divisor = std::max(options_.update_divisor, 1);
  options_.max_window = std::clamp<int64_t>(options_.max_window, 0, kMaxWindowSize);
}

int64_t AutoTuningPolicy::NextTarget(int64_t target, std::chrono::nanoseconds elapsed,
                                     std::chrono::nanoseconds rtt) const {
  if (rtt <= std::chrono::nanoseconds::zero() || target >= options_.max_window) return target;
  // Slower than that: the network or the application, not the window, is the bottleneck.
  if (elapsed > rtt * options_.rtt_multiplier) return target;
  return std::min(target * 2, options_.max_window);
}

bool AutoTuningPolicy::ShouldSendUpdate(int64_t target, int64_t /*window*/, int64_t credit) const {
  return credit > 0 && credit >= target / options_.update_divisor;
}

const WindowUpdatePolicy& DefaultWindowUpdatePolicy() {
  // Never destroyed, so windows in other static objects may use it until the very end.
  static const AutoTuningPolicy* const policy = new AutoTuningPolicy();
  return *policy;
}

ReceiveWindow::ReceiveWindow(int64_t initial_window, const WindowUpdatePolicy& policy)
    : ReceiveWindow(initial_window, initial_window, policy) {}

ReceiveWindow::ReceiveWindow(int64_t initial_window, int64_t target,
                             const WindowUpdatePolicy& policy)
    : policy_(&policy),
      window_(std::clamp<int64_t>(initial_window, 0, kMaxWindowSize)),
      target_(std::clamp<int64_t>(target, window_, kMaxWindowSize)),
      credit_(target_ - window_) {}

ErrorCode ReceiveWindow::OnData(uint32_t length) {
  if (static_cast<int64_t>(length) > window_) return ErrorCode::kFlowControlError;
  window_ -= length;
  buffered_ += length;
  return ErrorCode::kNoError;
}

void ReceiveWindow::Consume(size_t bytes) {
  int64_t n = static_cast<int64_t>(std::min<size_t>(bytes, kMaxWindowSize));
  if (H2_BUG_IF(n > buffered_)) n = buffered_;
  buffered_ -= n;
  credit_ += n;
  epoch_consumed_ += n;
}

std::optional<uint32_t> ReceiveWindow::UpdateToSend(TimePoint now, std::chrono::nanoseconds rtt) {
  if (!epoch_started_ && epoch_consumed_ > 0) {
    // The first consumption seen starts the clock; it does not count itself, since how long
    // it took to arrive is unknown (counting it would make any first window look instant).
    epoch_started_ = true;
    epoch_start_ = now;
    epoch_consumed_ = 0;
  }
  if (epoch_started_ && target_ > 0 && epoch_consumed_ >= target_) {
    const std::chrono::nanoseconds elapsed =
        std::max(std::chrono::nanoseconds::zero(),
                 std::chrono::duration_cast<std::chrono::nanoseconds>(now - epoch_start_));
    const int64_t next =
        std::clamp<int64_t>(policy_->NextTarget(target_, elapsed, rtt), target_, kMaxWindowSize);
    credit_ += next - target_;
    target_ = next;
    epoch_start_ = now;
    epoch_consumed_ = 0;
  }
  if (credit_ <= 0 || !policy_->ShouldSendUpdate(target_, window_, credit_)) return std::nullopt;
  // The window must not pass 2^31-1 (§6.9.1); keep what does not fit for later.
  const int64_t increment = std::min(credit_, kMaxWindowSize - window_);
  if (increment <= 0) return std::nullopt;
  credit_ -= increment;
  window_ += increment;
  return static_cast<uint32_t>(increment);
}

ErrorCode ReceiveWindow::ApplyInitialWindowDelta(int64_t delta) {
  if (window_ + delta > kMaxWindowSize) return ErrorCode::kFlowControlError;
  window_ += delta;
  target_ = std::clamp<int64_t>(target_ + delta, 0, kMaxWindowSize);
  return ErrorCode::kNoError;
}

}  // namespace h2engine::h2
