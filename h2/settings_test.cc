#include "h2/settings.h"

#include <chrono>
#include <sstream>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Id = SettingsId;
using TimePoint = PendingSettings::TimePoint;

const TimePoint kT0 = TimePoint{} + std::chrono::hours(1);

TEST(SettingsTest, InitialValuesRfc9113Section6_5_2) {
  const Settings s;
  EXPECT_EQ(s.header_table_size, 4096u);
  EXPECT_TRUE(s.enable_push);
  EXPECT_EQ(s.max_concurrent_streams, 0xffffffffu);  // no limit
  EXPECT_EQ(s.initial_window_size, 65535u);
  EXPECT_EQ(s.max_frame_size, 16384u);
  EXPECT_EQ(s.max_header_list_size, 0xffffffffu);  // unlimited
  EXPECT_FALSE(s.enable_connect_protocol);         // RFC 8441 §3: opt-in (§5.5)
  EXPECT_FALSE(s.no_rfc7540_priorities);           // RFC 9218 §2.1: initial value 0
}

TEST(SettingsTest, GetReturnsWireValues) {
  Settings s;
  s.enable_push = false;
  s.enable_connect_protocol = true;
  EXPECT_EQ(s.Get(Id::kHeaderTableSize), 4096u);
  EXPECT_EQ(s.Get(Id::kEnablePush), 0u);
  EXPECT_EQ(s.Get(Id::kMaxConcurrentStreams), 0xffffffffu);
  EXPECT_EQ(s.Get(Id::kInitialWindowSize), 65535u);
  EXPECT_EQ(s.Get(Id::kMaxFrameSize), 16384u);
  EXPECT_EQ(s.Get(Id::kMaxHeaderListSize), 0xffffffffu);
  EXPECT_EQ(s.Get(Id::kEnableConnectProtocol), 1u);
  EXPECT_EQ(s.Get(Id::kNoRfc7540Priorities), 0u);
  EXPECT_EQ(s.Get(static_cast<Id>(7)), std::nullopt);
}

TEST(SettingsTest, AnyValueForSizesAndCounts) {
  Settings s;
  for (uint32_t v : {0u, 1u, 4096u, 0xffffffffu}) {
    EXPECT_EQ(s.Apply(Id::kHeaderTableSize, v), ErrorCode::kNoError);
    EXPECT_EQ(s.header_table_size, v);
    EXPECT_EQ(s.Apply(Id::kMaxConcurrentStreams, v), ErrorCode::kNoError);
    EXPECT_EQ(s.max_concurrent_streams, v);
    EXPECT_EQ(s.Apply(Id::kMaxHeaderListSize, v), ErrorCode::kNoError);
    EXPECT_EQ(s.max_header_list_size, v);
  }
}

TEST(SettingsTest, EnablePushIs0Or1Rfc9113Section6_5_2) {
  Settings s;
  EXPECT_EQ(s.Apply(Id::kEnablePush, 0), ErrorCode::kNoError);
  EXPECT_FALSE(s.enable_push);
  EXPECT_EQ(s.Apply(Id::kEnablePush, 1), ErrorCode::kNoError);
  EXPECT_TRUE(s.enable_push);
  EXPECT_EQ(s.Apply(Id::kEnablePush, 0), ErrorCode::kNoError);
  for (uint32_t bad : {2u, 0x100u, 0xffffffffu}) {
    EXPECT_EQ(s.Apply(Id::kEnablePush, bad), ErrorCode::kProtocolError) << bad;
    EXPECT_FALSE(s.enable_push);  // unchanged
  }
}

TEST(SettingsTest, ServerMustNotEnablePushRfc9113Section6_5_2) {
  Settings from_server;
  EXPECT_EQ(from_server.ApplyFrom(Perspective::kServer, Id::kEnablePush, 1),
            ErrorCode::kProtocolError);
  EXPECT_EQ(from_server.ApplyFrom(Perspective::kServer, Id::kEnablePush, 0), ErrorCode::kNoError);
  EXPECT_FALSE(from_server.enable_push);
  Settings from_client;
  ASSERT_EQ(from_client.ApplyFrom(Perspective::kClient, Id::kEnablePush, 0), ErrorCode::kNoError);
  EXPECT_EQ(from_client.ApplyFrom(Perspective::kClient, Id::kEnablePush, 1), ErrorCode::kNoError);
  EXPECT_TRUE(from_client.enable_push);
  // The other rules apply to both.
  EXPECT_EQ(from_client.ApplyFrom(Perspective::kClient, Id::kMaxFrameSize, 1),
            ErrorCode::kProtocolError);
  EXPECT_EQ(from_server.ApplyFrom(Perspective::kServer, Id::kInitialWindowSize, 0x80000000u),
            ErrorCode::kFlowControlError);
}

TEST(SettingsTest, InitialWindowSizeAbove2To31Minus1IsFlowControlErrorRfc9113Section6_5_2) {
  Settings s;
  EXPECT_EQ(s.Apply(Id::kInitialWindowSize, 0), ErrorCode::kNoError);
  EXPECT_EQ(s.initial_window_size, 0u);
  EXPECT_EQ(s.Apply(Id::kInitialWindowSize, 0x7fffffff), ErrorCode::kNoError);
  EXPECT_EQ(s.initial_window_size, 0x7fffffffu);
  EXPECT_EQ(s.Apply(Id::kInitialWindowSize, 0x80000000u), ErrorCode::kFlowControlError);
  EXPECT_EQ(s.Apply(Id::kInitialWindowSize, 0xffffffffu), ErrorCode::kFlowControlError);
  EXPECT_EQ(s.initial_window_size, 0x7fffffffu);
}

TEST(SettingsTest, MaxFrameSizeBetween2To14And2To24Minus1Rfc9113Section6_5_2) {
  Settings s;
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 16383), ErrorCode::kProtocolError);
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 0), ErrorCode::kProtocolError);
  EXPECT_EQ(s.max_frame_size, 16384u);
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 16777215), ErrorCode::kNoError);
  EXPECT_EQ(s.max_frame_size, 16777215u);
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 16777216), ErrorCode::kProtocolError);
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 0xffffffffu), ErrorCode::kProtocolError);
  EXPECT_EQ(s.max_frame_size, 16777215u);
  EXPECT_EQ(s.Apply(Id::kMaxFrameSize, 16384), ErrorCode::kNoError);
  EXPECT_EQ(s.max_frame_size, 16384u);
}

TEST(SettingsTest, EnableConnectProtocolNeverGoesBackRfc8441Section3) {
  Settings s;
  EXPECT_EQ(s.Apply(Id::kEnableConnectProtocol, 0), ErrorCode::kNoError);  // 0 -> 0 is fine
  EXPECT_EQ(s.Apply(Id::kEnableConnectProtocol, 2), ErrorCode::kProtocolError);
  EXPECT_EQ(s.Apply(Id::kEnableConnectProtocol, 1), ErrorCode::kNoError);
  EXPECT_TRUE(s.enable_connect_protocol);
  EXPECT_EQ(s.Apply(Id::kEnableConnectProtocol, 1), ErrorCode::kNoError);  // repeating 1
  EXPECT_EQ(s.Apply(Id::kEnableConnectProtocol, 0), ErrorCode::kProtocolError);
  EXPECT_TRUE(s.enable_connect_protocol);
}

TEST(SettingsTest, NoRfc7540PrioritiesIs0Or1Rfc9218Section2_1) {
  Settings s;
  EXPECT_EQ(s.Apply(Id::kNoRfc7540Priorities, 1), ErrorCode::kNoError);
  EXPECT_TRUE(s.no_rfc7540_priorities);
  EXPECT_EQ(s.Apply(Id::kNoRfc7540Priorities, 2), ErrorCode::kProtocolError);
  EXPECT_TRUE(s.no_rfc7540_priorities);
  // A later change MAY be an error (RFC 9218 §2.1); Settings accepts it, PendingSettings
  // refuses to send one.
  EXPECT_EQ(s.Apply(Id::kNoRfc7540Priorities, 0), ErrorCode::kNoError);
  EXPECT_FALSE(s.no_rfc7540_priorities);
}

TEST(SettingsTest, UnknownIdentifiersAreIgnoredRfc9113Section6_5_2) {
  Settings s;
  for (uint16_t id : {0x0, 0x7, 0xa, 0x10, 0x4242, 0xffff}) {
    EXPECT_EQ(s.Apply(static_cast<Id>(id), 0xffffffffu), ErrorCode::kNoError) << id;
    EXPECT_EQ(s.ApplyFrom(Perspective::kServer, static_cast<Id>(id), 1), ErrorCode::kNoError);
  }
  EXPECT_EQ(s, Settings());
}

TEST(SettingsTest, EntriesApplyInOrderAndTheLastValueWinsRfc9113Section6_5_3) {
  Settings s;
  const struct {
    Id id;
    uint32_t value;
  } frame[] = {{Id::kInitialWindowSize, 1000},
               {Id::kMaxFrameSize, 20000},
               {Id::kInitialWindowSize, 2000},
               {static_cast<Id>(0x99), 5}};
  for (const auto& entry : frame) ASSERT_EQ(s.Apply(entry.id, entry.value), ErrorCode::kNoError);
  EXPECT_EQ(s.initial_window_size, 2000u);
  EXPECT_EQ(s.max_frame_size, 20000u);
}

TEST(SettingsTest, Printing) {
  std::ostringstream out;
  out << Settings();
  EXPECT_EQ(out.str(),
            "{SETTINGS_HEADER_TABLE_SIZE=4096, SETTINGS_ENABLE_PUSH=1, "
            "SETTINGS_MAX_CONCURRENT_STREAMS=4294967295, SETTINGS_INITIAL_WINDOW_SIZE=65535, "
            "SETTINGS_MAX_FRAME_SIZE=16384, SETTINGS_MAX_HEADER_LIST_SIZE=4294967295, "
            "SETTINGS_ENABLE_CONNECT_PROTOCOL=0, SETTINGS_NO_RFC7540_PRIORITIES=0}");
}

// --- PendingSettings ---

Settings OurServerSettings() {
  Settings s;
  s.enable_push = false;
  s.max_concurrent_streams = 100;
  s.initial_window_size = 1 << 20;
  s.max_header_list_size = 64 << 10;
  s.enable_connect_protocol = true;
  return s;
}

TEST(PendingSettingsTest, ValuesTakeEffectWhenAckedRfc9113Section6_5_3) {
  PendingSettings pending(Perspective::kServer);
  EXPECT_EQ(pending.acked(), Settings());
  EXPECT_EQ(pending.latest(), Settings());
  EXPECT_EQ(pending.outstanding(), 0u);

  const Settings ours = OurServerSettings();
  ASSERT_EQ(pending.Push(ours, kT0), ErrorCode::kNoError);
  EXPECT_EQ(pending.outstanding(), 1u);
  EXPECT_EQ(pending.latest(), ours);
  EXPECT_EQ(pending.acked(), Settings());  // the peer may not have applied them yet

  EXPECT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.acked(), ours);
  EXPECT_EQ(pending.outstanding(), 0u);
}

TEST(PendingSettingsTest, AcksComeInOrder) {
  PendingSettings pending(Perspective::kClient);
  Settings first, second;
  first.initial_window_size = 1000;
  second = first;
  second.initial_window_size = 2000;
  ASSERT_EQ(pending.Push(first, kT0), ErrorCode::kNoError);
  ASSERT_EQ(pending.Push(second, kT0), ErrorCode::kNoError);
  EXPECT_EQ(pending.latest().initial_window_size, 2000u);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.acked().initial_window_size, 1000u);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.acked().initial_window_size, 2000u);
}

TEST(PendingSettingsTest, UnsolicitedAckIsProtocolError) {
  PendingSettings pending(Perspective::kServer);
  EXPECT_EQ(pending.OnAck(), ErrorCode::kProtocolError);
  ASSERT_EQ(pending.Push(Settings(), kT0), ErrorCode::kNoError);  // an empty SETTINGS frame
  EXPECT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.OnAck(), ErrorCode::kProtocolError);
}

TEST(PendingSettingsTest, RefusesToSendInvalidValues) {
  PendingSettings server(Perspective::kServer);
  Settings bad;
  bad.max_frame_size = 100;
  EXPECT_EQ(server.Push(bad, kT0), ErrorCode::kProtocolError);
  bad = Settings();
  bad.initial_window_size = 0x80000000u;
  EXPECT_EQ(server.Push(bad, kT0), ErrorCode::kFlowControlError);
  EXPECT_EQ(server.outstanding(), 0u);  // nothing recorded

  // A server may send ENABLE_PUSH=0 but never 1 (§6.5.2).
  Settings no_push;
  no_push.enable_push = false;
  ASSERT_EQ(server.Push(no_push, kT0), ErrorCode::kNoError);
  EXPECT_EQ(server.Push(Settings(), kT0), ErrorCode::kProtocolError);
  // A client may.
  PendingSettings client(Perspective::kClient);
  ASSERT_EQ(client.Push(no_push, kT0), ErrorCode::kNoError);
  EXPECT_EQ(client.Push(Settings(), kT0), ErrorCode::kNoError);
}

TEST(PendingSettingsTest, RefusesToWithdrawExtendedConnectRfc8441Section3) {
  PendingSettings server(Perspective::kServer);
  Settings on;
  on.enable_connect_protocol = true;
  ASSERT_EQ(server.Push(on, kT0), ErrorCode::kNoError);
  ASSERT_EQ(server.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(server.Push(Settings(), kT0), ErrorCode::kProtocolError);
  EXPECT_EQ(server.Push(on, kT0), ErrorCode::kNoError);
}

TEST(PendingSettingsTest, NoRfc7540PrioritiesOnlyInTheFirstFrameRfc9218Section2_1) {
  PendingSettings pending(Perspective::kServer);
  Settings first;
  first.no_rfc7540_priorities = true;
  ASSERT_EQ(pending.Push(first, kT0), ErrorCode::kNoError);
  Settings changed = first;
  changed.no_rfc7540_priorities = false;
  EXPECT_EQ(pending.Push(changed, kT0), ErrorCode::kProtocolError);
  Settings other = first;
  other.max_concurrent_streams = 10;  // other changes are fine
  EXPECT_EQ(pending.Push(other, kT0), ErrorCode::kNoError);

  PendingSettings late(Perspective::kServer);
  ASSERT_EQ(late.Push(Settings(), kT0), ErrorCode::kNoError);
  EXPECT_EQ(late.Push(first, kT0), ErrorCode::kProtocolError);
}

TEST(PendingSettingsTest, BoundedOutstandingFrames) {
  PendingSettings pending(Perspective::kClient, {.max_outstanding = 2});
  ASSERT_EQ(pending.Push(Settings(), kT0), ErrorCode::kNoError);
  ASSERT_EQ(pending.Push(Settings(), kT0), ErrorCode::kNoError);
  EXPECT_EQ(pending.Push(Settings(), kT0), ErrorCode::kInternalError);
  EXPECT_EQ(pending.outstanding(), 2u);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.Push(Settings(), kT0), ErrorCode::kNoError);  // the ring wraps
  EXPECT_EQ(pending.outstanding(), 2u);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.OnAck(), ErrorCode::kProtocolError);
}

TEST(PendingSettingsTest, AckTimeoutRfc9113Section6_5_3) {
  PendingSettings pending(Perspective::kServer, {.ack_timeout = seconds(10)});
  EXPECT_FALSE(pending.AckOverdue(kT0 + std::chrono::hours(100)));
  EXPECT_EQ(pending.NextDeadline(), std::nullopt);

  ASSERT_EQ(pending.Push(OurServerSettings(), kT0), ErrorCode::kNoError);
  ASSERT_EQ(pending.Push(OurServerSettings(), kT0 + seconds(4)), ErrorCode::kNoError);
  EXPECT_EQ(pending.NextDeadline(), kT0 + seconds(10));
  EXPECT_FALSE(pending.AckOverdue(kT0 + seconds(10) - milliseconds(1)));
  EXPECT_TRUE(pending.AckOverdue(kT0 + seconds(10)));
  // The first ACK arrives: the second frame's deadline is what remains.
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_FALSE(pending.AckOverdue(kT0 + seconds(10)));
  EXPECT_EQ(pending.NextDeadline(), kT0 + seconds(14));
  EXPECT_TRUE(pending.AckOverdue(kT0 + seconds(14)));
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_FALSE(pending.AckOverdue(kT0 + seconds(1000)));
  EXPECT_EQ(pending.NextDeadline(), std::nullopt);
}

TEST(PendingSettingsTest, PermissiveWhileInFlight) {
  PendingSettings pending(Perspective::kServer);
  const Settings ours = OurServerSettings();
  ASSERT_EQ(pending.Push(ours, kT0), ErrorCode::kNoError);
  const Settings p = pending.Permissive();
  // Lowered limits are enforced only once acknowledged...
  EXPECT_EQ(p.max_concurrent_streams, Settings::kUnlimited);
  EXPECT_EQ(p.max_header_list_size, Settings::kUnlimited);
  EXPECT_TRUE(p.enable_push);
  // ...raised ones at once.
  EXPECT_EQ(p.initial_window_size, 1u << 20);
  EXPECT_TRUE(p.enable_connect_protocol);

  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.Permissive(), ours);

  // A second change lowering the window: the larger one still applies until acknowledged.
  Settings smaller = ours;
  smaller.initial_window_size = 1000;
  smaller.max_frame_size = 32768;
  ASSERT_EQ(pending.Push(smaller, kT0), ErrorCode::kNoError);
  EXPECT_EQ(pending.Permissive().initial_window_size, 1u << 20);
  EXPECT_EQ(pending.Permissive().max_frame_size, 32768u);
  ASSERT_EQ(pending.OnAck(), ErrorCode::kNoError);
  EXPECT_EQ(pending.Permissive(), smaller);
}

}  // namespace
}  // namespace h2engine::h2
