#include "h2/stream_state.h"

#include <array>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using A = StreamAction;
using E = StreamEvent;
using S = StreamState;
using C = CloseCause;

// The ten situations a stream can be in, as the rows of the expectations below.
struct Situation {
  S state;
  C cause;
  const char* name;
};
constexpr std::array<Situation, 10> kSituations = {{
    {S::kIdle, C::kNone, "idle"},
    {S::kReservedLocal, C::kNone, "reserved (local)"},
    {S::kReservedRemote, C::kNone, "reserved (remote)"},
    {S::kOpen, C::kNone, "open"},
    {S::kHalfClosedLocal, C::kNone, "half-closed (local)"},
    {S::kHalfClosedRemote, C::kNone, "half-closed (remote)"},
    {S::kClosed, C::kEndStream, "closed by END_STREAM"},
    {S::kClosed, C::kResetSent, "closed by our RST_STREAM"},
    {S::kClosed, C::kResetReceived, "closed by the peer's RST_STREAM"},
    {S::kClosed, C::kForgotten, "closed long ago / skipped"},
}};

// Expectations typed from the RFC 9113 text, one line per event (transposed from the
// implementation's table, on purpose), one token per situation in the order of kSituations:
//   "="     allowed, state unchanged          "idle" "rl" "rr" "open" "hcl" "hcr": allowed, to
//   "end"   allowed, to closed (END_STREAM)   "rst>": allowed, to closed (we reset)
//   "rst<"  allowed, to closed (peer reset)   "ign": ignored (closed stream, §5.1)
//   "S:SC"  stream error STREAM_CLOSED        "C:SC" / "C:PE": connection error STREAM_CLOSED /
//   "X"     we must not send it                        PROTOCOL_ERROR
struct Column {
  E event;
  const char* why;
  std::array<const char*, 10> expect;
};
// clang-format off
//   idle  rl  rr  open  hcl  hcr | closed: end  rst>  rst<  forgotten
const Column kColumns[] = {
    // §5.1 idle: receiving HEADERS opens (a server's view; the id checks are StreamIds').
    // reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE may be received.
    // reserved (remote): HEADERS -> half-closed (local). half-closed (local): any frame.
    // half-closed (remote): STREAM_CLOSED stream error. closed: MAY be a connection error
    // STREAM_CLOSED; after our RST anything may arrive; long ago: PROTOCOL_ERROR.
    {E::kRecvHeaders, "§5.1",
     {"open", "C:PE", "hcl", "=", "=", "S:SC", "C:SC", "ign", "C:SC", "C:PE"}},
    {E::kRecvHeadersEndStream, "§5.1: HEADERS then END_STREAM, two transitions",
     {"hcr", "C:PE", "end", "hcr", "end", "S:SC", "C:SC", "ign", "C:SC", "C:PE"}},
    // §5.1 idle: anything but HEADERS/PRIORITY is PROTOCOL_ERROR; §6.1: DATA outside open /
    // half-closed (local) is a STREAM_CLOSED stream error; the reserved states' own rule
    // (connection PROTOCOL_ERROR) is the stricter one.
    {E::kRecvData, "§5.1, §6.1",
     {"C:PE", "C:PE", "C:PE", "=", "=", "S:SC", "S:SC", "ign", "S:SC", "C:PE"}},
    {E::kRecvDataEndStream, "§5.1, §6.1",
     {"C:PE", "C:PE", "C:PE", "hcr", "end", "S:SC", "S:SC", "ign", "S:SC", "C:PE"}},
    // §5.1, §6.3: PRIORITY in any state.
    {E::kRecvPriority, "§6.3",
     {"=", "=", "=", "=", "=", "=", "=", "=", "=", "="}},
    // §6.4: RST_STREAM on idle is PROTOCOL_ERROR; it closes any other state; on a closed
    // stream it may cross our END_STREAM/RST_STREAM (§5.1), and is never answered (§5.4.2).
    {E::kRecvRstStream, "§6.4, §5.1, §5.4.2",
     {"C:PE", "rst<", "rst<", "rst<", "rst<", "rst<", "ign", "ign", "ign", "ign"}},
    // §5.1 reserved (remote): WINDOW_UPDATE is not among HEADERS/RST_STREAM/PRIORITY;
    // §6.9: WINDOW_UPDATE on half-closed (remote) or closed MUST NOT be an error.
    {E::kRecvWindowUpdate, "§5.1, §6.9",
     {"C:PE", "=", "C:PE", "=", "=", "=", "ign", "ign", "ign", "ign"}},
    // §6.6: PUSH_PROMISE on a stream neither open nor half-closed (local) is a connection
    // PROTOCOL_ERROR, except after we reset the associated stream.
    {E::kRecvPushPromise, "§6.6",
     {"C:PE", "C:PE", "C:PE", "=", "=", "C:PE", "C:PE", "ign", "C:PE", "C:PE"}},
    // §6.6: the promised stream must be idle.
    {E::kRecvPromised, "§6.6, §5.1 idle",
     {"rr", "C:PE", "C:PE", "C:PE", "C:PE", "C:PE", "C:PE", "C:PE", "C:PE", "C:PE"}},
    // §5.1: a client sends HEADERS on idle; a server on reserved (local); half-closed (local)
    // sends only WINDOW_UPDATE, PRIORITY, RST_STREAM; closed only PRIORITY.
    {E::kSendHeaders, "§5.1",
     {"open", "hcr", "X", "=", "X", "=", "X", "X", "X", "X"}},
    {E::kSendHeadersEndStream, "§5.1",
     {"hcl", "end", "X", "hcl", "X", "end", "X", "X", "X", "X"}},
    // §6.1: DATA only in open or half-closed (remote).
    {E::kSendData, "§6.1",
     {"X", "X", "X", "=", "X", "=", "X", "X", "X", "X"}},
    {E::kSendDataEndStream, "§6.1",
     {"X", "X", "X", "hcl", "X", "end", "X", "X", "X", "X"}},
    {E::kSendPriority, "§6.3",
     {"=", "=", "=", "=", "=", "=", "=", "=", "=", "="}},
    // §6.4: never on idle; §5.1: closed sends only PRIORITY.
    {E::kSendRstStream, "§6.4, §5.1",
     {"X", "rst>", "rst>", "rst>", "rst>", "rst>", "X", "X", "X", "X"}},
    // §5.1: reserved (local) sends only HEADERS/RST_STREAM/PRIORITY; reserved (remote) may
    // send WINDOW_UPDATE; half-closed (remote) "frames of any type".
    {E::kSendWindowUpdate, "§5.1",
     {"X", "X", "=", "=", "=", "=", "X", "X", "X", "X"}},
    // §6.6: PUSH_PROMISE only on open or half-closed (remote).
    {E::kSendPushPromise, "§6.6",
     {"X", "X", "X", "=", "X", "=", "X", "X", "X", "X"}},
    {E::kSendPromised, "§6.6",
     {"rl", "X", "X", "X", "X", "X", "X", "X", "X", "X"}},
};
// clang-format on

StreamTransition Expected(const Situation& from, std::string_view token) {
  auto go = [](S s, C c = C::kNone) {
    return StreamTransition{s, c, A::kProceed, ErrorCode::kNoError};
  };
  if (token == "=") return go(from.state, from.cause);
  if (token == "idle") return go(S::kIdle);
  if (token == "rl") return go(S::kReservedLocal);
  if (token == "rr") return go(S::kReservedRemote);
  if (token == "open") return go(S::kOpen);
  if (token == "hcl") return go(S::kHalfClosedLocal);
  if (token == "hcr") return go(S::kHalfClosedRemote);
  if (token == "end") return go(S::kClosed, C::kEndStream);
  if (token == "rst>") return go(S::kClosed, C::kResetSent);
  if (token == "rst<") return go(S::kClosed, C::kResetReceived);
  if (token == "ign") return {from.state, from.cause, A::kIgnore, ErrorCode::kNoError};
  if (token == "X") return {from.state, from.cause, A::kForbidden, ErrorCode::kNoError};
  if (token == "S:SC") {
    return {S::kClosed, C::kResetSent, A::kStreamError, ErrorCode::kStreamClosed};
  }
  if (token == "C:SC") {
    return {from.state, from.cause, A::kConnectionError, ErrorCode::kStreamClosed};
  }
  if (token == "C:PE") {
    return {from.state, from.cause, A::kConnectionError, ErrorCode::kProtocolError};
  }
  ADD_FAILURE() << "bad token " << token;
  return {};
}

TEST(StreamStateTest, EveryStateAndEventHasTheRfc9113Section5_1Outcome) {
  // Each event appears exactly once among the columns.
  std::array<int, kNumStreamEvents> seen{};
  for (const Column& column : kColumns) ++seen[static_cast<size_t>(column.event)];
  for (size_t e = 0; e < kNumStreamEvents; ++e) {
    EXPECT_EQ(seen[e], 1) << static_cast<E>(e);
  }

  int checked = 0;
  for (const Column& column : kColumns) {
    for (size_t i = 0; i < kSituations.size(); ++i) {
      const Situation& from = kSituations[i];
      const StreamTransition want = Expected(from, column.expect[i]);
      EXPECT_EQ(NextStreamState(from.state, from.cause, column.event), want)
          << column.event << " in " << from.name << " (" << column.why << ")";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 180);
}

TEST(StreamStateTest, ClosedWithoutCauseIsTreatedAsForgotten) {
  for (size_t e = 0; e < kNumStreamEvents; ++e) {
    const StreamTransition a = NextStreamState(S::kClosed, C::kNone, static_cast<E>(e));
    const StreamTransition b = NextStreamState(S::kClosed, C::kForgotten, static_cast<E>(e));
    EXPECT_EQ(a, b) << static_cast<E>(e);
  }
  EXPECT_EQ(StreamStateMachine::ForClosed(C::kNone).close_cause(), C::kForgotten);
  EXPECT_EQ(StreamStateMachine::ForClosed(C::kResetSent).close_cause(), C::kResetSent);
}

TEST(StreamStateTest, CauseIsIgnoredForStatesOtherThanClosed) {
  for (size_t e = 0; e < kNumStreamEvents; ++e) {
    EXPECT_EQ(NextStreamState(S::kOpen, C::kResetSent, static_cast<E>(e)),
              NextStreamState(S::kOpen, C::kNone, static_cast<E>(e)));
  }
}

// Applies events in order and returns "state/cause action" per step.
std::vector<std::string> Drive(StreamStateMachine& m, std::initializer_list<E> events) {
  std::vector<std::string> out;
  for (E e : events) {
    const StreamTransition t = m.Apply(e);
    std::ostringstream s;
    s << t.action;
    if (t.error != ErrorCode::kNoError) s << " " << t.error;
    s << " -> " << m.state();
    if (m.closed()) s << " (" << m.close_cause() << ")";
    out.push_back(s.str());
  }
  return out;
}

TEST(StreamStateTest, ServerRequestResponseRfc9113Section8_8) {
  StreamStateMachine m;
  EXPECT_EQ(
      Drive(m, {E::kRecvHeadersEndStream, E::kSendHeaders, E::kSendData, E::kSendDataEndStream}),
      (std::vector<std::string>{
          "proceed -> half-closed (remote)", "proceed -> half-closed (remote)",
          "proceed -> half-closed (remote)", "proceed -> closed (END_STREAM)"}));
  // The client's WINDOW_UPDATE and RST_STREAM may cross our END_STREAM (§5.1 closed).
  EXPECT_EQ(
      Drive(m, {E::kRecvWindowUpdate, E::kRecvRstStream, E::kRecvPriority}),
      (std::vector<std::string>{"ignore -> closed (END_STREAM)", "ignore -> closed (END_STREAM)",
                                "proceed -> closed (END_STREAM)"}));
  // DATA after END_STREAM: a stream error; later frames are then discarded, so a peer that
  // keeps sending cannot make us answer every frame with RST_STREAM.
  EXPECT_EQ(Drive(m, {E::kRecvData, E::kRecvData, E::kRecvHeaders}),
            (std::vector<std::string>{"stream error STREAM_CLOSED -> closed (RST_STREAM sent)",
                                      "ignore -> closed (RST_STREAM sent)",
                                      "ignore -> closed (RST_STREAM sent)"}));
}

TEST(StreamStateTest, ClientRequestWithBodyAndTrailersBothWays) {
  StreamStateMachine m;
  EXPECT_EQ(Drive(m, {E::kSendHeaders, E::kSendData, E::kSendHeadersEndStream, E::kRecvHeaders,
                      E::kRecvData, E::kSendWindowUpdate, E::kRecvHeadersEndStream}),
            (std::vector<std::string>{
                "proceed -> open", "proceed -> open", "proceed -> half-closed (local)",
                "proceed -> half-closed (local)", "proceed -> half-closed (local)",
                "proceed -> half-closed (local)", "proceed -> closed (END_STREAM)"}));
  // Now closed: we may send only PRIORITY.
  EXPECT_EQ(Drive(m, {E::kSendData, E::kSendRstStream, E::kSendPriority}),
            (std::vector<std::string>{"forbidden -> closed (END_STREAM)",
                                      "forbidden -> closed (END_STREAM)",
                                      "proceed -> closed (END_STREAM)"}));
}

TEST(StreamStateTest, HalfClosedLocalMaySendOnlyWindowUpdatePriorityRstStream) {
  StreamStateMachine m;
  ASSERT_EQ(m.Apply(E::kSendHeadersEndStream).next, S::kHalfClosedLocal);
  EXPECT_EQ(m.Apply(E::kSendData).action, A::kForbidden);
  EXPECT_EQ(m.Apply(E::kSendHeaders).action, A::kForbidden);
  EXPECT_EQ(m.state(), S::kHalfClosedLocal);
  EXPECT_EQ(m.Apply(E::kSendWindowUpdate).action, A::kProceed);
  EXPECT_EQ(m.Apply(E::kSendRstStream).action, A::kProceed);
  EXPECT_EQ(m.state(), S::kClosed);
  EXPECT_EQ(m.close_cause(), C::kResetSent);
}

TEST(StreamStateTest, ServerPushRfc9113Section8_4) {
  // The server: the promised stream is reserved (local), then the response opens it
  // half-closed (remote).
  StreamStateMachine pushed;
  EXPECT_EQ(Drive(pushed,
                  {E::kSendPromised, E::kRecvWindowUpdate, E::kSendHeaders, E::kSendDataEndStream}),
            (std::vector<std::string>{"proceed -> reserved (local)", "proceed -> reserved (local)",
                                      "proceed -> half-closed (remote)",
                                      "proceed -> closed (END_STREAM)"}));
  // The client: reserved (remote) -> half-closed (local) -> closed.
  StreamStateMachine received;
  EXPECT_EQ(Drive(received,
                  {E::kRecvPromised, E::kSendWindowUpdate, E::kRecvHeaders, E::kRecvDataEndStream}),
            (std::vector<std::string>{
                "proceed -> reserved (remote)", "proceed -> reserved (remote)",
                "proceed -> half-closed (local)", "proceed -> closed (END_STREAM)"}));
  // A client that rejects a push resets the reserved stream.
  StreamStateMachine rejected;
  EXPECT_EQ(Drive(rejected, {E::kRecvPromised, E::kSendRstStream, E::kRecvHeaders}),
            (std::vector<std::string>{"proceed -> reserved (remote)",
                                      "proceed -> closed (RST_STREAM sent)",
                                      "ignore -> closed (RST_STREAM sent)"}));
}

TEST(StreamStateTest, AfterOurResetAnyFrameIsDiscardedRfc9113Section5_1Closed) {
  StreamStateMachine m;
  ASSERT_EQ(m.Apply(E::kRecvHeaders).action, A::kProceed);
  ASSERT_EQ(m.Apply(E::kSendRstStream).action, A::kProceed);
  for (E e : {E::kRecvHeaders, E::kRecvHeadersEndStream, E::kRecvData, E::kRecvDataEndStream,
              E::kRecvRstStream, E::kRecvWindowUpdate, E::kRecvPushPromise}) {
    EXPECT_EQ(m.Apply(e).action, A::kIgnore) << e;
  }
  EXPECT_EQ(m.Apply(E::kRecvPriority).action, A::kProceed);
  // The promised stream itself must still be a new one.
  EXPECT_EQ(m.Apply(E::kRecvPromised).error, ErrorCode::kProtocolError);
  EXPECT_EQ(m.close_cause(), C::kResetSent);
}

TEST(StreamStateTest, AfterThePeersResetOnlyPriorityWindowUpdateAndRstAreTolerated) {
  StreamStateMachine m;
  ASSERT_EQ(m.Apply(E::kSendHeaders).action, A::kProceed);
  ASSERT_EQ(m.Apply(E::kRecvRstStream).next, S::kClosed);
  EXPECT_EQ(m.close_cause(), C::kResetReceived);
  EXPECT_EQ(m.Apply(E::kRecvWindowUpdate).action, A::kIgnore);
  EXPECT_EQ(m.Apply(E::kRecvRstStream).action, A::kIgnore);  // never RST in reply (§5.4.2)
  const StreamTransition t = m.Apply(E::kRecvHeaders);
  EXPECT_EQ(t.action, A::kConnectionError);
  EXPECT_EQ(t.error, ErrorCode::kStreamClosed);
  EXPECT_EQ(m.close_cause(), C::kResetReceived);  // connection errors change nothing
  EXPECT_EQ(m.Apply(E::kRecvData).action, A::kStreamError);
  EXPECT_EQ(m.close_cause(), C::kResetSent);
}

TEST(StreamStateTest, IdleStreamsRfc9113Section5_1Idle) {
  for (E e : {E::kRecvData, E::kRecvDataEndStream, E::kRecvRstStream, E::kRecvWindowUpdate,
              E::kRecvPushPromise}) {
    StreamStateMachine m;
    const StreamTransition t = m.Apply(e);
    EXPECT_EQ(t.action, A::kConnectionError) << e;
    EXPECT_EQ(t.error, ErrorCode::kProtocolError) << e;
    EXPECT_EQ(m.state(), S::kIdle);
  }
  StreamStateMachine m;
  EXPECT_EQ(m.Apply(E::kRecvPriority).next, S::kIdle);  // PRIORITY does not open (§6.3)
  EXPECT_EQ(m.Apply(E::kSendPriority).next, S::kIdle);
  EXPECT_EQ(m.Apply(E::kSendRstStream).action, A::kForbidden);  // §6.4
  EXPECT_EQ(m.Apply(E::kRecvHeadersEndStream).next, S::kHalfClosedRemote);
}

TEST(StreamStateTest, EventsForFrameTypes) {
  EXPECT_EQ(ReceiveEvent(FrameType::kHeaders, false), E::kRecvHeaders);
  EXPECT_EQ(ReceiveEvent(FrameType::kHeaders, true), E::kRecvHeadersEndStream);
  EXPECT_EQ(ReceiveEvent(FrameType::kData, false), E::kRecvData);
  EXPECT_EQ(ReceiveEvent(FrameType::kData, true), E::kRecvDataEndStream);
  EXPECT_EQ(ReceiveEvent(FrameType::kPriority, false), E::kRecvPriority);
  EXPECT_EQ(ReceiveEvent(FrameType::kRstStream, false), E::kRecvRstStream);
  EXPECT_EQ(ReceiveEvent(FrameType::kWindowUpdate, false), E::kRecvWindowUpdate);
  EXPECT_EQ(ReceiveEvent(FrameType::kPushPromise, false), E::kRecvPushPromise);
  EXPECT_EQ(SendEvent(FrameType::kHeaders, false), E::kSendHeaders);
  EXPECT_EQ(SendEvent(FrameType::kHeaders, true), E::kSendHeadersEndStream);
  EXPECT_EQ(SendEvent(FrameType::kData, false), E::kSendData);
  EXPECT_EQ(SendEvent(FrameType::kData, true), E::kSendDataEndStream);
  EXPECT_EQ(SendEvent(FrameType::kPriority, false), E::kSendPriority);
  EXPECT_EQ(SendEvent(FrameType::kRstStream, false), E::kSendRstStream);
  EXPECT_EQ(SendEvent(FrameType::kWindowUpdate, false), E::kSendWindowUpdate);
  EXPECT_EQ(SendEvent(FrameType::kPushPromise, false), E::kSendPushPromise);
  for (FrameType t : {FrameType::kSettings, FrameType::kPing, FrameType::kGoAway,
                      FrameType::kContinuation, FrameType::kAltSvc, FrameType::kOrigin,
                      FrameType::kPriorityUpdate, static_cast<FrameType>(0xee)}) {
    EXPECT_FALSE(ReceiveEvent(t, true).has_value()) << t;
    EXPECT_FALSE(SendEvent(t, false).has_value()) << t;
  }
  for (size_t e = 0; e < kNumStreamEvents; ++e) {
    EXPECT_EQ(IsReceiveEvent(static_cast<E>(e)), e < 9) << e;
  }
}

TEST(StreamStateTest, ConcurrencyCountsOpenAndHalfClosedRfc9113Section5_1_2) {
  EXPECT_FALSE(CountsTowardConcurrency(S::kIdle));
  EXPECT_FALSE(CountsTowardConcurrency(S::kReservedLocal));
  EXPECT_FALSE(CountsTowardConcurrency(S::kReservedRemote));
  EXPECT_TRUE(CountsTowardConcurrency(S::kOpen));
  EXPECT_TRUE(CountsTowardConcurrency(S::kHalfClosedLocal));
  EXPECT_TRUE(CountsTowardConcurrency(S::kHalfClosedRemote));
  EXPECT_FALSE(CountsTowardConcurrency(S::kClosed));
}

TEST(StreamStateTest, Names) {
  std::ostringstream out;
  out << S::kHalfClosedRemote << "|" << C::kResetReceived << "|" << E::kSendPromised << "|"
      << A::kStreamError << "|" << NextStreamState(S::kHalfClosedRemote, C::kNone, E::kRecvData)
      << "|" << NextStreamState(S::kOpen, C::kNone, E::kRecvData);
  EXPECT_EQ(out.str(),
            "half-closed (remote)|RST_STREAM received|kSendPromised|stream error|"
            "{stream error -> closed (RST_STREAM sent), STREAM_CLOSED}|{proceed -> open}");
  for (size_t e = 0; e < kNumStreamEvents; ++e) {
    EXPECT_NE(StreamEventName(static_cast<E>(e)), "unknown");
  }
  for (size_t s = 0; s < kNumStreamStates; ++s) {
    EXPECT_NE(StreamStateName(static_cast<S>(s)), "unknown");
  }
}

}  // namespace
}  // namespace h2engine::h2
