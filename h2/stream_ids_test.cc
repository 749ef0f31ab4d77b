#include "h2/stream_ids.h"

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using A = StreamAction;
using C = CloseCause;
using E = StreamEvent;
using S = StreamState;

TEST(StreamIdsTest, ParityRfc9113Section5_1_1) {
  EXPECT_TRUE(IsClientInitiated(1));
  EXPECT_FALSE(IsClientInitiated(2));
  EXPECT_FALSE(IsClientInitiated(0));
  EXPECT_TRUE(IsServerInitiated(2));
  EXPECT_FALSE(IsServerInitiated(0));
  EXPECT_FALSE(IsServerInitiated(kMaxStreamId));
  StreamIds server(Perspective::kServer);
  EXPECT_TRUE(server.IsLocallyInitiated(2));
  EXPECT_FALSE(server.IsLocallyInitiated(1));
  EXPECT_FALSE(server.IsLocallyInitiated(0));
  StreamIds client(Perspective::kClient);
  EXPECT_TRUE(client.IsLocallyInitiated(1));
  EXPECT_FALSE(client.IsLocallyInitiated(2));
}

TEST(StreamIdsTest, PeerStreamsMustIncreaseRfc9113Section5_1_1) {
  StreamIds ids(Perspective::kServer);
  EXPECT_EQ(ids.OnPeerOpened(1), ErrorCode::kNoError);
  EXPECT_EQ(ids.OnPeerOpened(5), ErrorCode::kNoError);  // 3 is skipped
  EXPECT_EQ(ids.last_peer_stream_id(), 5u);
  EXPECT_EQ(ids.OnPeerOpened(5), ErrorCode::kProtocolError);  // reuse
  EXPECT_EQ(ids.OnPeerOpened(3), ErrorCode::kProtocolError);  // lower
  EXPECT_EQ(ids.OnPeerOpened(8), ErrorCode::kProtocolError);  // a server's parity
  EXPECT_EQ(ids.OnPeerOpened(0), ErrorCode::kProtocolError);
  EXPECT_EQ(ids.OnPeerOpened(0x80000001u), ErrorCode::kProtocolError);
  EXPECT_EQ(ids.last_peer_stream_id(), 5u);  // failures record nothing
  EXPECT_EQ(ids.OnPeerOpened(kMaxStreamId), ErrorCode::kNoError);
  EXPECT_EQ(ids.OnPeerOpened(kMaxStreamId), ErrorCode::kProtocolError);
}

TEST(StreamIdsTest, ClientAcceptsOnlyPromisedStreamsRfc9113Section5_1Idle) {
  StreamIds ids(Perspective::kClient);
  // A server never opens a stream with HEADERS.
  EXPECT_EQ(ids.OnPeerOpened(2), ErrorCode::kProtocolError);
  EXPECT_EQ(ids.OnPeerReserved(2), ErrorCode::kNoError);
  EXPECT_EQ(ids.OnPeerReserved(6), ErrorCode::kNoError);
  EXPECT_EQ(ids.OnPeerReserved(4), ErrorCode::kProtocolError);  // lower
  EXPECT_EQ(ids.OnPeerReserved(6), ErrorCode::kProtocolError);  // reuse
  EXPECT_EQ(ids.OnPeerReserved(7), ErrorCode::kProtocolError);  // a client's parity
  EXPECT_EQ(ids.OnPeerReserved(0), ErrorCode::kProtocolError);
  EXPECT_EQ(ids.last_peer_stream_id(), 6u);
}

TEST(StreamIdsTest, ServersCannotReceivePushRfc9113Section8_4) {
  StreamIds ids(Perspective::kServer);
  EXPECT_EQ(ids.OnPeerReserved(2), ErrorCode::kProtocolError);
  EXPECT_EQ(ids.last_peer_stream_id(), 0u);
}

TEST(StreamIdsTest, AllocateLocalUntilExhausted) {
  StreamIds client(Perspective::kClient);
  EXPECT_EQ(client.AllocateLocal(), 1u);
  EXPECT_EQ(client.AllocateLocal(), 3u);
  EXPECT_EQ(client.last_local_stream_id(), 3u);
  StreamIds server(Perspective::kServer);
  EXPECT_EQ(server.AllocateLocal(), 2u);
  EXPECT_EQ(server.AllocateLocal(), 4u);

  StreamIds near_end_client(Perspective::kClient, {.first_local_stream_id = kMaxStreamId - 2});
  EXPECT_EQ(near_end_client.AllocateLocal(), kMaxStreamId - 2);
  EXPECT_EQ(near_end_client.AllocateLocal(), kMaxStreamId);
  EXPECT_EQ(near_end_client.AllocateLocal(), std::nullopt);
  EXPECT_EQ(near_end_client.AllocateLocal(), std::nullopt);
  EXPECT_EQ(near_end_client.last_local_stream_id(), kMaxStreamId);

  StreamIds near_end_server(Perspective::kServer, {.first_local_stream_id = kMaxStreamId - 1});
  EXPECT_EQ(near_end_server.AllocateLocal(), kMaxStreamId - 1);
  EXPECT_EQ(near_end_server.AllocateLocal(), std::nullopt);
}

TEST(StreamIdsTest, LookupIdleClosedForgotten) {
  StreamIds ids(Perspective::kServer, {.closed_streams_remembered = 2});
  // Nothing used yet: everything is idle.
  EXPECT_EQ(ids.Lookup(1).state(), S::kIdle);
  EXPECT_EQ(ids.Lookup(2).state(), S::kIdle);

  ASSERT_EQ(ids.OnPeerOpened(1), ErrorCode::kNoError);
  ASSERT_EQ(ids.OnPeerOpened(7), ErrorCode::kNoError);
  ASSERT_EQ(ids.AllocateLocal(), 2u);
  // 3 and 5 were skipped: closed (§5.1.1), with nothing remembered about them.
  for (StreamId skipped : {3u, 5u}) {
    EXPECT_EQ(ids.Lookup(skipped).state(), S::kClosed);
    EXPECT_EQ(ids.Lookup(skipped).close_cause(), C::kForgotten);
  }
  EXPECT_EQ(ids.Lookup(9).state(), S::kIdle);
  EXPECT_EQ(ids.Lookup(4).state(), S::kIdle);  // our side: above our highest (2)

  ids.OnClosed(1, C::kEndStream);
  ids.OnClosed(2, C::kResetSent);
  EXPECT_EQ(ids.Lookup(1).close_cause(), C::kEndStream);
  EXPECT_EQ(ids.Lookup(2).close_cause(), C::kResetSent);
  ids.OnClosed(7, C::kResetReceived);  // evicts 1
  EXPECT_EQ(ids.Lookup(1).close_cause(), C::kForgotten);
  EXPECT_EQ(ids.Lookup(7).close_cause(), C::kResetReceived);
  EXPECT_EQ(ids.closed_streams().size(), 2u);
}

// The policy end to end: a server's view of one client stream, from idle to forgotten.
TEST(StreamIdsTest, LateFramesOnAClosedStreamByAge) {
  StreamIds ids(Perspective::kServer, {.closed_streams_remembered = 4});
  StreamStateMachine s1 = ids.Lookup(1);
  ASSERT_EQ(s1.Apply(E::kRecvHeadersEndStream).action, A::kProceed);
  ASSERT_EQ(ids.OnPeerOpened(1), ErrorCode::kNoError);
  ASSERT_EQ(s1.Apply(E::kSendHeadersEndStream).next, S::kClosed);
  ids.OnClosed(1, s1.close_cause());

  // Shortly after: a crossing WINDOW_UPDATE is ignored; DATA is a stream error; a HEADERS
  // frame reusing the id is a connection error STREAM_CLOSED.
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvWindowUpdate).action, A::kIgnore);
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvHeaders).error, ErrorCode::kStreamClosed);
  StreamStateMachine late = ids.Lookup(1);
  const StreamTransition data = late.Apply(E::kRecvData);
  EXPECT_EQ(data.action, A::kStreamError);
  EXPECT_EQ(data.error, ErrorCode::kStreamClosed);
  ids.OnClosed(1, late.close_cause());  // now reset by us: further frames are discarded
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvData).action, A::kIgnore);

  // Four more streams close: stream 1 is forgotten, and only PRIORITY, WINDOW_UPDATE and
  // RST_STREAM are still tolerated.
  for (StreamId id : {3u, 5u, 7u, 9u}) {
    ASSERT_EQ(ids.OnPeerOpened(id), ErrorCode::kNoError);
    ids.OnClosed(id, C::kEndStream);
  }
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvPriority).action, A::kProceed);
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvWindowUpdate).action, A::kIgnore);
  EXPECT_EQ(ids.Lookup(1).Apply(E::kRecvRstStream).action, A::kIgnore);
  for (E e : {E::kRecvData, E::kRecvHeaders, E::kRecvHeadersEndStream}) {
    const StreamTransition t = ids.Lookup(1).Apply(e);
    EXPECT_EQ(t.action, A::kConnectionError) << e;
    EXPECT_EQ(t.error, ErrorCode::kProtocolError) << e;
  }
}

// §5.1 idle: HEADERS on an idle stream of the server's parity, as a client or a server.
TEST(StreamIdsTest, HeadersOnIdleStreamOfTheWrongParity) {
  StreamIds server(Perspective::kServer);
  StreamStateMachine m = server.Lookup(2);
  ASSERT_EQ(m.Apply(E::kRecvHeaders).action, A::kProceed);       // the table cannot tell...
  EXPECT_EQ(server.OnPeerOpened(2), ErrorCode::kProtocolError);  // ...the id check does
  StreamIds client(Perspective::kClient);
  EXPECT_EQ(client.OnPeerOpened(4), ErrorCode::kProtocolError);
}

}  // namespace
}  // namespace h2engine::h2
