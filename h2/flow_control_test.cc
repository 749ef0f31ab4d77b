#include "h2/flow_control.h"

#include <chrono>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using TimePoint = ReceiveWindow::TimePoint;

constexpr int64_t kMax = 0x7fffffff;  // 2^31-1
const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

// --- SendWindow ---

TEST(SendWindowTest, StartsAt65535Rfc9113Section6_9_2) {
  SendWindow w;
  EXPECT_EQ(w.available(), 65535);
  EXPECT_EQ(w.Sendable(), 65535u);
}

TEST(SendWindowTest, ConsumeUpToTheWindowAndNoMore) {
  SendWindow w;
  EXPECT_TRUE(w.Consume(65000));
  EXPECT_FALSE(w.Consume(536));  // one more than is left: refused, nothing changes
  EXPECT_EQ(w.available(), 535);
  EXPECT_TRUE(w.Consume(535));
  EXPECT_EQ(w.available(), 0);
  EXPECT_EQ(w.Sendable(), 0u);
  EXPECT_FALSE(w.Consume(1));
  // §6.9.1: an empty DATA frame (END_STREAM) may be sent with no window.
  EXPECT_TRUE(w.Consume(0));
  EXPECT_EQ(w.available(), 0);
}

TEST(SendWindowTest, PaddingCountsRfc9113Section6_1) {
  // DATA with 10 octets of data, the Pad Length octet and 5 octets of padding: the frame
  // length (16) is what flow control counts.
  SendWindow w(16);
  const uint32_t frame_length = 10 + 1 + 5;
  EXPECT_TRUE(w.Consume(frame_length));
  EXPECT_EQ(w.available(), 0);
}

TEST(SendWindowTest, ZeroIncrementIsProtocolErrorRfc9113Section6_9) {
  SendWindow w;
  EXPECT_EQ(w.OnWindowUpdate(0), ErrorCode::kProtocolError);
  EXPECT_EQ(w.available(), 65535);
}

TEST(SendWindowTest, WindowUpdateUpTo2To31Minus1Rfc9113Section6_9_1) {
  SendWindow w;
  EXPECT_EQ(w.OnWindowUpdate(static_cast<uint32_t>(kMax - 65535)), ErrorCode::kNoError);
  EXPECT_EQ(w.available(), kMax);
  EXPECT_EQ(w.OnWindowUpdate(1), ErrorCode::kFlowControlError);
  EXPECT_EQ(w.available(), kMax);  // unchanged
  EXPECT_EQ(w.Sendable(), static_cast<uint32_t>(kMax));

  SendWindow empty(0);
  EXPECT_EQ(empty.OnWindowUpdate(static_cast<uint32_t>(kMax)), ErrorCode::kNoError);
  EXPECT_EQ(empty.OnWindowUpdate(static_cast<uint32_t>(kMax)), ErrorCode::kFlowControlError);
  // An increment with the reserved bit set never reaches here (the decoder masks it), but a
  // value that large is an overflow all the same.
  SendWindow zero(0);
  EXPECT_EQ(zero.OnWindowUpdate(0x80000000u), ErrorCode::kFlowControlError);
  EXPECT_EQ(zero.available(), 0);
}

TEST(SendWindowTest, SettingsChangeMayMakeTheWindowNegativeRfc9113Section6_9_2) {
  // The RFC's example: 60 KB sent at once, then the server sets the initial window to 16 KB.
  SendWindow w;
  ASSERT_TRUE(w.Consume(60 * 1024));
  EXPECT_EQ(w.ApplyInitialWindowDelta(16 * 1024 - 65535), ErrorCode::kNoError);
  EXPECT_EQ(w.available(), 16 * 1024 - 60 * 1024);  // -44 KB
  EXPECT_EQ(w.Sendable(), 0u);
  EXPECT_FALSE(w.Consume(1));
  EXPECT_TRUE(w.Consume(0));
  // WINDOW_UPDATEs bring it back above zero before anything may be sent.
  EXPECT_EQ(w.OnWindowUpdate(44 * 1024), ErrorCode::kNoError);
  EXPECT_EQ(w.available(), 0);
  EXPECT_EQ(w.OnWindowUpdate(100), ErrorCode::kNoError);
  EXPECT_EQ(w.Sendable(), 100u);
  // From a negative window, the largest increment is fine.
  SendWindow negative(0);
  ASSERT_EQ(negative.ApplyInitialWindowDelta(-1000), ErrorCode::kNoError);
  EXPECT_EQ(negative.OnWindowUpdate(static_cast<uint32_t>(kMax)), ErrorCode::kNoError);
  EXPECT_EQ(negative.available(), kMax - 1000);
}

TEST(SendWindowTest, SettingsChangePast2To31Minus1IsFlowControlError) {
  SendWindow w;
  ASSERT_EQ(w.OnWindowUpdate(static_cast<uint32_t>(kMax - 65535 - 10)), ErrorCode::kNoError);
  EXPECT_EQ(w.ApplyInitialWindowDelta(11), ErrorCode::kFlowControlError);
  EXPECT_EQ(w.available(), kMax - 10);
  EXPECT_EQ(w.ApplyInitialWindowDelta(10), ErrorCode::kNoError);
  EXPECT_EQ(w.available(), kMax);
  // The largest legal change, 0 -> 2^31-1, on a fresh window.
  SendWindow fresh(0);
  EXPECT_EQ(fresh.ApplyInitialWindowDelta(kMax), ErrorCode::kNoError);
  EXPECT_EQ(fresh.available(), kMax);
}

TEST(SendWindowTest, MaxDataPayloadIsTheSmallestLimit) {
  SendWindow stream(1000), connection(500);
  EXPECT_EQ(MaxDataPayload(stream, connection, 16384), 500u);
  EXPECT_EQ(MaxDataPayload(stream, connection, 100), 100u);
  ASSERT_TRUE(connection.Consume(500));
  EXPECT_EQ(MaxDataPayload(stream, connection, 16384), 0u);
  SendWindow negative(0);
  ASSERT_EQ(negative.ApplyInitialWindowDelta(-5), ErrorCode::kNoError);
  EXPECT_EQ(MaxDataPayload(negative, SendWindow(), 16384), 0u);
}

// --- ReceiveWindow ---

// A policy that never grows the window and returns credit at half of it, so tests of the
// accounting do not depend on auto-tuning.
const AutoTuningPolicy kFixed({.max_window = 0});

TEST(ReceiveWindowTest, DataBeyondTheWindowIsFlowControlErrorRfc9113Section6_9_1) {
  ReceiveWindow w(65535, kFixed);
  EXPECT_EQ(w.OnData(65535), ErrorCode::kNoError);
  EXPECT_EQ(w.window(), 0);
  EXPECT_EQ(w.OnData(1), ErrorCode::kFlowControlError);
  EXPECT_EQ(w.OnData(0), ErrorCode::kNoError);  // empty DATA (END_STREAM) always fits
  EXPECT_EQ(w.window(), 0);
  EXPECT_EQ(w.buffered(), 65535);

  ReceiveWindow small(100, kFixed);
  EXPECT_EQ(small.OnData(101), ErrorCode::kFlowControlError);
  EXPECT_EQ(small.window(), 100);  // unchanged
  EXPECT_EQ(small.buffered(), 0);
}

TEST(ReceiveWindowTest, PaddingCountsAgainstTheWindowRfc9113Section6_1) {
  // 100 octets of data + Pad Length + 155 octets of padding = 256.
  ReceiveWindow w(255, kFixed);
  EXPECT_EQ(w.OnData(256), ErrorCode::kFlowControlError);
  ReceiveWindow exact(256, kFixed);
  EXPECT_EQ(exact.OnData(256), ErrorCode::kNoError);
  // Padding is consumed at once; the data when the application reads it.
  exact.Consume(1 + 155);
  EXPECT_EQ(exact.buffered(), 100);
  EXPECT_EQ(exact.credit(), 156);
}

TEST(ReceiveWindowTest, CreditOnlyAfterTheApplicationConsumesRfc9113Section5_2) {
  ReceiveWindow w(65535, kFixed);
  ASSERT_EQ(w.OnData(60000), ErrorCode::kNoError);
  // Received, not consumed: no WINDOW_UPDATE (back pressure).
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(10)), std::nullopt);
  w.Consume(30000);
  // Less than half the window consumed: still nothing (no tiny updates).
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(10)), std::nullopt);
  EXPECT_EQ(w.credit(), 30000);
  w.Consume(2767);  // 32767 = 65535 / 2
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(10)), 32767u);
  EXPECT_EQ(w.window(), 5535 + 32767);
  EXPECT_EQ(w.credit(), 0);
  EXPECT_EQ(w.buffered(), 60000 - 32767);
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(10)), std::nullopt);  // committed once
  // window + buffered + credit is the target.
  EXPECT_EQ(w.window() + w.buffered() + w.credit(), w.target());
}

TEST(ReceiveWindowTest, ApplicationThatNeverReadsStallsThePeer) {
  ReceiveWindow w(1000, kFixed);
  ASSERT_EQ(w.OnData(1000), ErrorCode::kNoError);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(w.UpdateToSend(kT0 + milliseconds(i), milliseconds(1)), std::nullopt);
  }
  EXPECT_EQ(w.OnData(1), ErrorCode::kFlowControlError);
}

TEST(ReceiveWindowTest, TargetAboveInitialIsAnnouncedAtOnce) {
  // A connection window that should be 1 MiB although the peer assumes 65,535.
  ReceiveWindow w(65535, 1 << 20, kFixed);
  EXPECT_EQ(w.window(), 65535);
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), (1u << 20) - 65535);
  EXPECT_EQ(w.window(), 1 << 20);
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), std::nullopt);
}

TEST(ReceiveWindowTest, OurSettingsChangeAppliesOnAckAndMayGoNegativeRfc9113Section6_9_3) {
  ReceiveWindow w(65535, kFixed);
  ASSERT_EQ(w.OnData(60000), ErrorCode::kNoError);
  // We lowered SETTINGS_INITIAL_WINDOW_SIZE to 16,384; the peer acknowledged.
  EXPECT_EQ(w.ApplyInitialWindowDelta(16384 - 65535), ErrorCode::kNoError);
  EXPECT_EQ(w.window(), 5535 - 49151);
  EXPECT_EQ(w.target(), 16384);
  EXPECT_EQ(w.OnData(1), ErrorCode::kFlowControlError);
  // The application reads everything: credit returns the window to the new target.
  w.Consume(60000);
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), 60000u);
  EXPECT_EQ(w.window(), 16384);
  // Raising it again, past 2^31-1, is refused.
  EXPECT_EQ(w.ApplyInitialWindowDelta(kMax - 16383), ErrorCode::kFlowControlError);
  EXPECT_EQ(w.window(), 16384);
  EXPECT_EQ(w.ApplyInitialWindowDelta(kMax - 16384), ErrorCode::kNoError);
  EXPECT_EQ(w.window(), kMax);
  EXPECT_EQ(w.target(), kMax);
}

TEST(ReceiveWindowTest, WindowNeverExceeds2To31Minus1) {
  const AutoTuningPolicy policy({.max_window = kMax});
  ReceiveWindow w(kMax, policy);
  ASSERT_EQ(w.OnData(1000), ErrorCode::kNoError);
  w.Consume(1000);
  // Target cannot grow; credit 1000 < target/2: nothing yet.
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(1)), std::nullopt);
  ReceiveWindow eager(kMax, DefaultWindowUpdatePolicy());
  ASSERT_EQ(eager.OnData(static_cast<uint32_t>(kMax)), ErrorCode::kNoError);
  eager.Consume(static_cast<size_t>(kMax));
  EXPECT_EQ(eager.UpdateToSend(kT0, milliseconds(1)), static_cast<uint32_t>(kMax));
  EXPECT_EQ(eager.window(), kMax);
  EXPECT_EQ(eager.target(), kMax);
}

// Simulates a transfer: each round, the peer fills the window it has, the application
// consumes it `consume_time` later in one go, and we send what UpdateToSend() says.
std::vector<int64_t> Targets(ReceiveWindow& w, milliseconds consume_time, milliseconds rtt,
                             int rounds) {
  std::vector<int64_t> targets;
  TimePoint now = kT0;
  for (int i = 0; i < rounds; ++i) {
    const int64_t can_send = w.window();
    EXPECT_EQ(w.OnData(static_cast<uint32_t>(can_send)), ErrorCode::kNoError);
    now += consume_time;
    w.Consume(static_cast<size_t>(can_send));
    while (w.UpdateToSend(now, rtt)) {
    }
    targets.push_back(w.target());
    EXPECT_EQ(w.window() + w.buffered() + w.credit(), w.target());
  }
  return targets;
}

TEST(ReceiveWindowTest, AutoTuneDoublesUpToTheCapWhenWindowLimited) {
  const AutoTuningPolicy policy({.max_window = 1 << 20});
  ReceiveWindow w(65535, policy);
  // A whole window consumed every 40 ms with a 50 ms RTT: the window is the bottleneck.
  const std::vector<int64_t> targets = Targets(w, milliseconds(40), milliseconds(50), 8);
  EXPECT_EQ(targets, (std::vector<int64_t>{65535, 131070, 262140, 524280, 1048560, 1 << 20, 1 << 20,
                                           1 << 20}));
}

TEST(ReceiveWindowTest, AutoTuneToleratesAboutOneRtt) {
  const AutoTuningPolicy policy({.max_window = 1 << 20, .rtt_multiplier = 2});
  ReceiveWindow at_limit(65535, policy);
  EXPECT_EQ(Targets(at_limit, milliseconds(100), milliseconds(50), 2).back(), 131070);
  ReceiveWindow beyond(65535, policy);
  EXPECT_EQ(Targets(beyond, milliseconds(101), milliseconds(50), 2).back(), 65535);
}

TEST(ReceiveWindowTest, NoGrowthWhenTheApplicationIsSlow) {
  ReceiveWindow w(65535, DefaultWindowUpdatePolicy());
  // One window per second, RTT 50 ms: more window would only buffer more.
  const std::vector<int64_t> targets = Targets(w, milliseconds(1000), milliseconds(50), 5);
  EXPECT_EQ(targets, (std::vector<int64_t>(5, 65535)));
}

TEST(ReceiveWindowTest, NoGrowthWithoutAnRttEstimate) {
  ReceiveWindow w(65535, DefaultWindowUpdatePolicy());
  EXPECT_EQ(Targets(w, milliseconds(1), milliseconds(0), 5), (std::vector<int64_t>(5, 65535)));
}

TEST(ReceiveWindowTest, DefaultCapIs16MiB) {
  ReceiveWindow w(65535, DefaultWindowUpdatePolicy());
  const std::vector<int64_t> targets = Targets(w, milliseconds(1), milliseconds(50), 12);
  EXPECT_EQ(targets.back(), 16 << 20);
  EXPECT_EQ(targets[targets.size() - 2], 16 << 20);
}

// The first consumption starts the clock; the window is measured from there, whatever the
// pieces in between.
int64_t TargetAfterSecondHalfAt(milliseconds second_half) {
  ReceiveWindow w(65535, DefaultWindowUpdatePolicy());
  EXPECT_EQ(w.OnData(65535), ErrorCode::kNoError);
  w.Consume(1);
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(50)), std::nullopt);  // the clock starts
  w.Consume(32767);
  EXPECT_EQ(w.UpdateToSend(kT0 + milliseconds(10), milliseconds(50)), 32768u);
  EXPECT_EQ(w.OnData(32768), ErrorCode::kNoError);
  w.Consume(32768);  // a whole window since the clock started
  EXPECT_TRUE(w.UpdateToSend(kT0 + second_half, milliseconds(50)).has_value());
  EXPECT_EQ(w.window() + w.buffered() + w.credit(), w.target());
  return w.target();
}

TEST(ReceiveWindowTest, GrowthIsMeasuredOverAWholeWindow) {
  EXPECT_EQ(TargetAfterSecondHalfAt(milliseconds(60)), 131070);
  EXPECT_EQ(TargetAfterSecondHalfAt(milliseconds(2000)), 65535);
}

TEST(ReceiveWindowTest, TheFirstWindowNeverGrowsTheTarget) {
  // Consumed in one go: how long it took to arrive is unknown.
  ReceiveWindow w(65535, DefaultWindowUpdatePolicy());
  ASSERT_EQ(w.OnData(65535), ErrorCode::kNoError);
  w.Consume(65535);
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(50)), 65535u);
  EXPECT_EQ(w.target(), 65535);
}

// A policy that returns every octet at once and grows the window by 1000 per window.
class EveryByte final : public WindowUpdatePolicy {
 public:
  int64_t NextTarget(int64_t target, nanoseconds, nanoseconds) const override {
    return target + 1000;
  }
  bool ShouldSendUpdate(int64_t, int64_t, int64_t credit) const override { return credit > 0; }
};

TEST(ReceiveWindowTest, PoliciesArePluggable) {
  const EveryByte policy;
  ReceiveWindow w(100, policy);
  ASSERT_EQ(w.OnData(10), ErrorCode::kNoError);
  w.Consume(1);
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), 1u);
  w.Consume(9);
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), 9u);
  ASSERT_EQ(w.OnData(100), ErrorCode::kNoError);
  w.Consume(100);  // 109 consumed since the clock started: a whole window, grows by 1000
  EXPECT_EQ(w.UpdateToSend(kT0, nanoseconds(0)), 1100u);
  EXPECT_EQ(w.target(), 1100);
  EXPECT_EQ(w.window(), 1100);
}

// A policy that tries to shrink the window is ignored: credit promised stays promised.
class Shrinking final : public WindowUpdatePolicy {
 public:
  int64_t NextTarget(int64_t, nanoseconds, nanoseconds) const override { return 1; }
  bool ShouldSendUpdate(int64_t, int64_t, int64_t credit) const override { return credit > 0; }
};

TEST(ReceiveWindowTest, TheTargetNeverShrinks) {
  const Shrinking policy;
  ReceiveWindow w(1000, policy);
  ASSERT_EQ(w.OnData(1000), ErrorCode::kNoError);
  w.Consume(1000);
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(1)), 1000u);
  ASSERT_EQ(w.OnData(1000), ErrorCode::kNoError);
  w.Consume(1000);  // a whole window: the policy is asked, and answers 1
  EXPECT_EQ(w.UpdateToSend(kT0 + milliseconds(1), milliseconds(1)), 1000u);
  EXPECT_EQ(w.target(), 1000);
  EXPECT_EQ(w.window(), 1000);
}

TEST(ReceiveWindowTest, ZeroInitialWindowIsManualFlowControl) {
  ReceiveWindow w(0, DefaultWindowUpdatePolicy());
  EXPECT_EQ(w.OnData(1), ErrorCode::kFlowControlError);
  EXPECT_EQ(w.UpdateToSend(kT0, milliseconds(1)), std::nullopt);
  EXPECT_EQ(w.target(), 0);
}

}  // namespace
}  // namespace h2engine::h2
