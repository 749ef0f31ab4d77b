#include "h2/rate_limits.h"

#include <algorithm>
#include <utility>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

constexpr int64_t kNano = 1'000'000'000;

RateLimit LimitFor(const RateLimitOptions& o, RateLimited kind) {
  switch (kind) {
    case RateLimited::kPeerReset:
      return o.peer_resets;
    case RateLimited::kPing:
      return o.pings;
    case RateLimited::kSettings:
      return o.settings;
    case RateLimited::kEmptyData:
      return o.empty_data;
    case RateLimited::kPriority:
      return o.priority;
    case RateLimited::kTinyWindowUpdate:
      return o.tiny_window_updates;
    case RateLimited::kGlitch:
      return o.glitches;
  }
  return o.glitches;
}

std::string_view ReasonFor(RateLimited kind) {
  switch (kind) {
    case RateLimited::kPeerReset:
      return "too many RST_STREAM from the peer (rapid reset)";
    case RateLimited::kPing:
      return "too many PING";
    case RateLimited::kSettings:
      return "too many SETTINGS";
    case RateLimited::kEmptyData:
      return "too many empty DATA frames";
    case RateLimited::kPriority:
      return "too many PRIORITY/PRIORITY_UPDATE";
    case RateLimited::kTinyWindowUpdate:
      return "too many tiny WINDOW_UPDATE increments";
    case RateLimited::kGlitch:
      return "too many protocol glitches";
  }
  return "rate limit";
}

}  // namespace

TokenBucket::TokenBucket(uint32_t burst, uint32_t per_second)
    : burst_(burst),
      per_second_(per_second),
      capacity_(static_cast<int64_t>(burst) * kNano),
      level_(capacity_) {}

int64_t TokenBucket::LevelAt(TimePoint now) const {
  if (!started_ || now <= last_ || per_second_ == 0) return level_;
  const int64_t missing = capacity_ - level_;
  if (missing == 0) return level_;
  // Time to refill completely, rounded up; beyond it the bucket is full, and capping the
  // elapsed time there keeps the product below 2^63.
  const int64_t full_after = (missing + per_second_ - 1) / per_second_;
  const int64_t elapsed = std::min<int64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count(), full_after);
  return std::min(capacity_, level_ + elapsed * per_second_);
}

bool TokenBucket::TryTake(TimePoint now, uint32_t n) {
  level_ = LevelAt(now);
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  const int64_t need = static_cast<int64_t>(n) * kNano;
  if (level_ < need) return false;
  level_ -= need;
  return true;
}

uint32_t TokenBucket::Available(TimePoint now) const {
  return static_cast<uint32_t>(LevelAt(now) / kNano);
}

std::string_view RateLimitedName(RateLimited kind) {
  switch (kind) {
    case RateLimited::kPeerReset:
      return "kPeerReset";
    case RateLimited::kPing:
      return "kPing";
    case RateLimited::kSettings:
      return "kSettings";
    case RateLimited::kEmptyData:
      return "kEmptyData";
    case RateLimited::kPriority:
      return "kPriority";
    case RateLimited::kTinyWindowUpdate:
      return "kTinyWindowUpdate";
    case RateLimited::kGlitch:
      return "kGlitch";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, RateLimited kind) {
  return out << RateLimitedName(kind);
}

namespace {

template <size_t... I>
std::array<TokenBucket, kNumRateLimited> MakeBuckets(const RateLimitOptions& o,
                                                     std::index_sequence<I...>) {
  return {TokenBucket(LimitFor(o, static_cast<RateLimited>(I)).burst,
                      LimitFor(o, static_cast<RateLimited>(I)).per_second)...};
}

}  // namespace

RateLimits::RateLimits(const RateLimitOptions& options)
    : options_(options),
      buckets_(MakeBuckets(options, std::make_index_sequence<kNumRateLimited>())) {
  for (size_t i = 0; i < kNumRateLimited; ++i) {
    unlimited_[i] = LimitFor(options, static_cast<RateLimited>(i)).burst == 0;
  }
}

ErrorCode RateLimits::Record(RateLimited kind, TimePoint now, uint32_t count) {
  const size_t i = static_cast<size_t>(kind);
  if (H2_BUG_IF(i >= kNumRateLimited) || unlimited_[i]) return ErrorCode::kNoError;
  if (buckets_[i].TryTake(now, count)) return ErrorCode::kNoError;
  exceeded_reason_ = ReasonFor(kind);
  return options_.error;
}

ErrorCode RateLimits::OnData(TimePoint now, uint32_t length, bool end_stream) {
  if (length != 0 || end_stream) return ErrorCode::kNoError;
  return Record(RateLimited::kEmptyData, now);
}

ErrorCode RateLimits::OnWindowUpdate(TimePoint now, uint32_t increment) {
  if (increment >= options_.tiny_window_update) return ErrorCode::kNoError;
  return Record(RateLimited::kTinyWindowUpdate, now);
}

ErrorCode RateLimits::OnHeaderBlockStart(uint32_t payload_length) {
  block_bytes_ = payload_length;
  block_continuations_ = 0;
  return CheckBlock();
}

ErrorCode RateLimits::OnContinuation(uint32_t payload_length) {
  block_bytes_ += payload_length;
  ++block_continuations_;
  return CheckBlock();
}

ErrorCode RateLimits::CheckBlock() {
  if (options_.max_header_block_bytes != 0 && block_bytes_ > options_.max_header_block_bytes) {
    exceeded_reason_ = "header block too large";
    return options_.error;
  }
  if (options_.max_continuation_frames != 0 &&
      block_continuations_ > options_.max_continuation_frames) {
    exceeded_reason_ = "too many CONTINUATION frames (CONTINUATION flood)";
    return options_.error;
  }
  return ErrorCode::kNoError;
}

}  // namespace h2engine::h2
