// StreamIds: the stream identifier rules of RFC 9113 §5.1.1 for one connection, and the state
// of streams the connection no longer (or not yet) holds an object for.
//
// Identifiers: clients open odd streams, servers even ones (server push reserves them); zero
// is the connection. A new identifier MUST be greater than every identifier its initiator
// has opened or reserved; an identifier that is lower, reused, or of the wrong parity is a
// connection error PROTOCOL_ERROR (§5.1.1, §5.1 "idle"). Identifiers cannot be reused, so a
// side that runs out (2^31-1) needs a new connection.
//
// The state of a stream without a live object (Lookup):
//   - above the highest identifier its initiator has used: "idle";
//   - remembered by ClosedStreams (the last `closed_streams_remembered` closed streams):
//     "closed" with how it closed (END_STREAM, our RST_STREAM, the peer's RST_STREAM);
//   - otherwise (closed and forgotten, or skipped, §5.1.1: "the skipped stream is immediately
//     closed"): "closed", kForgotten.
// The §5.1 table then treats a late frame by that cause. The forgotten case is where §5.1
// lets an endpoint that knows the peer has seen the closing frames treat any frame but
// PRIORITY as a connection error PROTOCOL_ERROR. We use "`capacity` streams have closed since"
// as that signal (§5.1 names "receiving data on streams that were created after closing the
// stream" as one): with the default 1024 remembered and 100 concurrent streams, a frame for
// a forgotten stream would have had to stay in flight while some 900 later streams
// completed. WINDOW_UPDATE and RST_STREAM stay harmless there (ignored), as §6.9 asks.
// Unlike nghttp2, a HEADERS frame on an identifier lower than the peer's highest is always
// an error (PROTOCOL_ERROR, or STREAM_CLOSED while remembered), never silently ignored,
// except after we reset that stream (it may carry trailers sent before our RST_STREAM).
//
// How the connection uses it, for a frame on stream `id` with no live stream object:
//   StreamStateMachine m = ids.Lookup(id);
//   StreamTransition t = m.Apply(event);                    // the §5.1 table
//   if (t.action == kProceed && event is kRecvHeaders*)      // idle -> open: a new stream
//     code = ids.OnPeerOpened(id);                          // parity and order (§5.1.1)
// and for a PUSH_PROMISE received (client): ids.OnPeerReserved(promised_id), then the
// promised stream's kRecvPromised. Streams we open or reserve take AllocateLocal(); every
// stream that closes goes to OnClosed(id, cause). Not thread-safe; no allocation after
// construction.

#ifndef H2ENGINE_H2_STREAM_IDS_H_
#define H2ENGINE_H2_STREAM_IDS_H_

#include <cstddef>
#include <optional>

#include "h2/closed_streams.h"
#include "h2/perspective.h"
#include "h2/protocol.h"
#include "h2/stream_state.h"

namespace h2engine::h2 {

struct StreamIdsOptions {
  // How many closed streams to remember (ClosedStreams capacity, at most 32767).
  size_t closed_streams_remembered = ClosedStreams::kDefaultCapacity;
  // The first identifier AllocateLocal() returns; 0 means 1 for a client, 2 for a server.
  // Other values (of the right parity) let tests reach the end of the identifier space.
  StreamId first_local_stream_id = 0;
};

// IsClientInitiated: odd identifiers are the client's (§5.1.1). Zero is neither.
constexpr bool IsClientInitiated(StreamId id) { return (id & 1) == 1; }
constexpr bool IsServerInitiated(StreamId id) { return id != 0 && (id & 1) == 0; }

class StreamIds {
 public:
  explicit StreamIds(Perspective local, const StreamIdsOptions& options = {});

  Perspective perspective() const { return local_; }

  // IsLocallyInitiated is true for identifiers this endpoint opens or reserves.
  bool IsLocallyInitiated(StreamId id) const {
    return id != 0 && IsClientInitiated(id) == (local_ == Perspective::kClient);
  }

  // Lookup returns the state machine of stream `id` (non-zero), for a stream the connection
  // holds no live object for: idle, or closed with the remembered cause, or closed and
  // forgotten (see the header comment).
  StreamStateMachine Lookup(StreamId id) const;

  // OnPeerOpened validates and records a stream the peer opens with HEADERS (§5.1.1): kNoError,
  // or kProtocolError (recording nothing) if this endpoint is a client (a server never opens
  // a stream with HEADERS, §5.1 "idle"), or `id` is 0, above 2^31-1, of this
  // endpoint's parity, or not greater than every stream the peer has opened.
  [[nodiscard]] ErrorCode OnPeerOpened(StreamId id);

  // OnPeerReserved validates and records the Promised Stream ID of a PUSH_PROMISE received
  // (§6.6, §8.4): kProtocolError (recording nothing) if this endpoint is a server (clients
  // cannot push), or `id` is not a new even identifier above every one the server has used.
  // Whether push is enabled is the connection's check (SETTINGS_ENABLE_PUSH).
  [[nodiscard]] ErrorCode OnPeerReserved(StreamId promised_id);

  // AllocateLocal returns the next identifier for a stream this endpoint opens (client) or
  // reserves with PUSH_PROMISE (server), or nullopt once identifiers are exhausted (§5.1.1:
  // open a new connection, or send GOAWAY). The connection must send the opening frames in
  // the order identifiers were allocated.
  std::optional<StreamId> AllocateLocal();

  // OnClosed records that stream `id` closed with `cause` (see ClosedStreams::Add). Also use
  // it to update a remembered stream, e.g. to kResetSent after a stream error on it.
  void OnClosed(StreamId id, CloseCause cause) { closed_.Add(id, cause); }

  // The highest identifier the peer has opened or reserved (0 if none): the Last-Stream-ID
  // of a GOAWAY we send, if every such stream was processed (§6.8).
  StreamId last_peer_stream_id() const { return last_peer_; }
  // The highest identifier this endpoint has allocated (0 if none).
  StreamId last_local_stream_id() const { return last_local_; }

  const ClosedStreams& closed_streams() const { return closed_; }

 private:
  ErrorCode RecordPeerId(StreamId id);

  Perspective local_;
  StreamId first_local_;
  StreamId last_peer_ = 0;
  StreamId last_local_ = 0;
  ClosedStreams closed_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_STREAM_IDS_H_
