#include "h2/rate_limits.h"

#include <chrono>
#include <string>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using TimePoint = TokenBucket::TimePoint;

const TimePoint kT0 = TimePoint{} + hours(1);

// --- TokenBucket ---

TEST(TokenBucketTest, StartsFullAndEmpties) {
  TokenBucket b(3, 1);
  EXPECT_EQ(b.Available(kT0), 3u);
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_TRUE(b.TryTake(kT0));
  EXPECT_FALSE(b.TryTake(kT0));
  EXPECT_EQ(b.Available(kT0), 0u);
}

TEST(TokenBucketTest, RefillsExactly) {
  TokenBucket b(10, 2);  // one token per 500 ms
  ASSERT_TRUE(b.TryTake(kT0, 10));
  EXPECT_EQ(b.Available(kT0 + milliseconds(500) - nanoseconds(1)), 0u);
  EXPECT_FALSE(b.TryTake(kT0 + milliseconds(500) - nanoseconds(1)));
  EXPECT_TRUE(b.TryTake(kT0 + milliseconds(500)));
  EXPECT_FALSE(b.TryTake(kT0 + milliseconds(500)));
  // Partial refills add up: 4 x 250 ms is 2 tokens.
  for (int i = 1; i <= 4; ++i) EXPECT_FALSE(b.TryTake(kT0 + milliseconds(500 + 250 * i), 3));
  EXPECT_EQ(b.Available(kT0 + milliseconds(1500)), 2u);
  EXPECT_TRUE(b.TryTake(kT0 + milliseconds(1500), 2));
  EXPECT_EQ(b.Available(kT0 + milliseconds(1500)), 0u);
}

TEST(TokenBucketTest, NeverAboveBurst) {
  TokenBucket b(5, 1000);
  ASSERT_TRUE(b.TryTake(kT0));
  EXPECT_EQ(b.Available(kT0 + hours(24 * 365 * 100)), 5u);  // a century: no overflow
  EXPECT_TRUE(b.TryTake(kT0 + hours(1), 5));
  EXPECT_FALSE(b.TryTake(kT0 + hours(1)));
}

TEST(TokenBucketTest, LargestValuesDoNotOverflow) {
  TokenBucket b(0xffffffffu, 0xffffffffu);
  ASSERT_TRUE(b.TryTake(kT0, 0xffffffffu));
  EXPECT_EQ(b.Available(kT0), 0u);
  EXPECT_EQ(b.Available(kT0 + seconds(1)), 0xffffffffu);
  EXPECT_EQ(b.Available(kT0 + hours(1000000)), 0xffffffffu);
  EXPECT_EQ(b.Available(kT0 + nanoseconds(1)), 4u);  // 4.29 tokens per ns
}

TEST(TokenBucketTest, TimeGoingBackwardsCountsAsNoTime) {
  TokenBucket b(2, 1);
  ASSERT_TRUE(b.TryTake(kT0 + seconds(10), 2));
  EXPECT_FALSE(b.TryTake(kT0));  // earlier: nothing refills
  EXPECT_FALSE(b.TryTake(kT0 + seconds(10)));
  EXPECT_TRUE(b.TryTake(kT0 + seconds(11)));  // measured from the latest time seen
}

TEST(TokenBucketTest, ZeroRateNeverRefillsAndZeroBurstNeverHolds) {
  TokenBucket no_refill(1, 0);
  ASSERT_TRUE(no_refill.TryTake(kT0));
  EXPECT_FALSE(no_refill.TryTake(kT0 + hours(1000)));
  TokenBucket empty(0, 100);
  EXPECT_FALSE(empty.TryTake(kT0));
  EXPECT_FALSE(empty.TryTake(kT0 + hours(1)));
  EXPECT_TRUE(empty.TryTake(kT0 + hours(1), 0));
}

TEST(TokenBucketTest, MoreThanTheBurstIsNeverAvailable) {
  TokenBucket b(3, 1000);
  EXPECT_FALSE(b.TryTake(kT0, 4));
  EXPECT_TRUE(b.TryTake(kT0, 3));
}

// --- RateLimits ---

// Sends `per_second` events of `kind` per second, evenly, for `duration`; returns how many
// were accepted before the first refusal (or all of them).
int AcceptedAtRate(RateLimits& limits, RateLimited kind, int per_second, seconds duration) {
  const nanoseconds step = nanoseconds(1'000'000'000 / per_second);
  const int total = static_cast<int>(duration.count() * per_second);
  for (int i = 0; i < total; ++i) {
    if (limits.Record(kind, kT0 + step * i) != ErrorCode::kNoError) return i;
  }
  return total;
}

TEST(RateLimitsTest, RapidResetCve2023_44487) {
  RateLimits limits;
  // An attacker opening and resetting 10,000 streams a second is stopped within the burst.
  const int accepted = AcceptedAtRate(limits, RateLimited::kPeerReset, 10000, seconds(10));
  EXPECT_GE(accepted, 1000);
  EXPECT_LT(accepted, 1100);
  EXPECT_EQ(std::string(limits.exceeded_reason()),
            "too many RST_STREAM from the peer (rapid reset)");
  // A client cancelling 30 requests a second, for an hour, never is.
  RateLimits legit;
  EXPECT_EQ(AcceptedAtRate(legit, RateLimited::kPeerReset, 30, seconds(3600)), 30 * 3600);
  EXPECT_EQ(legit.exceeded_reason(), "");
}

TEST(RateLimitsTest, BurstThenSustainedRateForEachKind) {
  const RateLimitOptions o;
  const struct {
    RateLimited kind;
    RateLimit limit;
  } kinds[] = {
      {RateLimited::kPeerReset, o.peer_resets},
      {RateLimited::kPing, o.pings},
      {RateLimited::kSettings, o.settings},
      {RateLimited::kEmptyData, o.empty_data},
      {RateLimited::kPriority, o.priority},
      {RateLimited::kTinyWindowUpdate, o.tiny_window_updates},
      {RateLimited::kGlitch, o.glitches},
  };
  for (const auto& k : kinds) {
    RateLimits limits;
    for (uint32_t i = 0; i < k.limit.burst; ++i) {
      ASSERT_EQ(limits.Record(k.kind, kT0), ErrorCode::kNoError) << k.kind << " " << i;
    }
    EXPECT_EQ(limits.Record(k.kind, kT0), ErrorCode::kEnhanceYourCalm) << k.kind;
    // One second later, per_second more are allowed, and no more.
    for (uint32_t i = 0; i < k.limit.per_second; ++i) {
      ASSERT_EQ(limits.Record(k.kind, kT0 + seconds(1)), ErrorCode::kNoError) << k.kind;
    }
    EXPECT_EQ(limits.Record(k.kind, kT0 + seconds(1)), ErrorCode::kEnhanceYourCalm) << k.kind;
    EXPECT_NE(limits.exceeded_reason(), "");
  }
}

TEST(RateLimitsTest, KindsHaveSeparateBuckets) {
  RateLimits limits({.pings = {2, 1}, .settings = {2, 1}});
  ASSERT_EQ(limits.Record(RateLimited::kPing, kT0, 2), ErrorCode::kNoError);
  EXPECT_EQ(limits.Record(RateLimited::kPing, kT0), ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(std::string(limits.exceeded_reason()), "too many PING");
  EXPECT_EQ(limits.Record(RateLimited::kSettings, kT0, 2), ErrorCode::kNoError);
  EXPECT_EQ(limits.Record(RateLimited::kSettings, kT0), ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(std::string(limits.exceeded_reason()), "too many SETTINGS");
}

TEST(RateLimitsTest, PingFloodRfc9113Section10_5) {
  RateLimits limits;
  EXPECT_LE(AcceptedAtRate(limits, RateLimited::kPing, 100000, seconds(1)), 101);
  RateLimits keepalive;  // a PING a second forever is fine
  EXPECT_EQ(AcceptedAtRate(keepalive, RateLimited::kPing, 1, seconds(36000)), 36000);
}

TEST(RateLimitsTest, OnlyEmptyDataWithoutEndStreamCounts) {
  RateLimits limits({.empty_data = {1, 1}});
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limits.OnData(kT0, 0, /*end_stream=*/true), ErrorCode::kNoError);
    ASSERT_EQ(limits.OnData(kT0, 1, /*end_stream=*/false), ErrorCode::kNoError);
  }
  EXPECT_EQ(limits.OnData(kT0, 0, false), ErrorCode::kNoError);
  EXPECT_EQ(limits.OnData(kT0, 0, false), ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(std::string(limits.exceeded_reason()), "too many empty DATA frames");
}

TEST(RateLimitsTest, OnlyTinyWindowUpdatesCount) {
  RateLimits limits({.tiny_window_updates = {1, 1}, .tiny_window_update = 1024});
  for (int i = 0; i < 100; ++i) ASSERT_EQ(limits.OnWindowUpdate(kT0, 1024), ErrorCode::kNoError);
  EXPECT_EQ(limits.OnWindowUpdate(kT0, 1023), ErrorCode::kNoError);
  EXPECT_EQ(limits.OnWindowUpdate(kT0, 1), ErrorCode::kEnhanceYourCalm);
}

TEST(RateLimitsTest, BurstZeroTurnsALimitOff) {
  RateLimits limits({.pings = {0, 0}});
  for (int i = 0; i < 100000; ++i)
    ASSERT_EQ(limits.Record(RateLimited::kPing, kT0), ErrorCode::kNoError);
}

TEST(RateLimitsTest, TheCallerChoosesTheErrorCode) {
  RateLimits limits({.glitches = {1, 1}, .error = ErrorCode::kProtocolError});
  ASSERT_EQ(limits.Record(RateLimited::kGlitch, kT0), ErrorCode::kNoError);
  EXPECT_EQ(limits.Record(RateLimited::kGlitch, kT0), ErrorCode::kProtocolError);
}

TEST(RateLimitsTest, ContinuationFloodIsLimitedPerBlock) {
  RateLimits limits;  // 64 CONTINUATION frames, 256 KiB per block
  ASSERT_EQ(limits.OnHeaderBlockStart(1), ErrorCode::kNoError);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(limits.OnContinuation(1), ErrorCode::kNoError) << i;
  EXPECT_EQ(limits.OnContinuation(1), ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(std::string(limits.exceeded_reason()),
            "too many CONTINUATION frames (CONTINUATION flood)");
  // Each block starts afresh; empty CONTINUATION frames count too.
  ASSERT_EQ(limits.OnHeaderBlockStart(100), ErrorCode::kNoError);
  for (int i = 0; i < 64; ++i) ASSERT_EQ(limits.OnContinuation(0), ErrorCode::kNoError);
  EXPECT_EQ(limits.OnContinuation(0), ErrorCode::kEnhanceYourCalm);
}

TEST(RateLimitsTest, HeaderBlockSizeIsLimited) {
  RateLimits limits({.max_header_block_bytes = 1000});
  EXPECT_EQ(limits.OnHeaderBlockStart(1001), ErrorCode::kEnhanceYourCalm);
  EXPECT_EQ(std::string(limits.exceeded_reason()), "header block too large");
  ASSERT_EQ(limits.OnHeaderBlockStart(600), ErrorCode::kNoError);
  ASSERT_EQ(limits.OnContinuation(400), ErrorCode::kNoError);  // exactly 1000
  EXPECT_EQ(limits.OnContinuation(1), ErrorCode::kEnhanceYourCalm);
  // Large frames: the sum does not wrap.
  RateLimits big({.max_continuation_frames = 0, .max_header_block_bytes = 0xffffffffu});
  ASSERT_EQ(big.OnHeaderBlockStart(0xffffffffu), ErrorCode::kNoError);
  EXPECT_EQ(big.OnContinuation(0xffffffffu), ErrorCode::kEnhanceYourCalm);
}

TEST(RateLimitsTest, BlockLimitsCanBeTurnedOff) {
  RateLimits limits({.max_continuation_frames = 0, .max_header_block_bytes = 0});
  ASSERT_EQ(limits.OnHeaderBlockStart(0xffffffffu), ErrorCode::kNoError);
  for (int i = 0; i < 10000; ++i)
    ASSERT_EQ(limits.OnContinuation(0xffffffffu), ErrorCode::kNoError);
}

TEST(RateLimitsTest, Names) {
  for (size_t i = 0; i < kNumRateLimited; ++i) {
    EXPECT_NE(RateLimitedName(static_cast<RateLimited>(i)), "unknown");
  }
}

}  // namespace
}  // namespace h2engine::h2
