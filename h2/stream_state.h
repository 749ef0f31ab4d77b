// The stream state machine of RFC 9113 §5.1, as a table (python-hyper/h2's idea).
//
// NextStreamState(state, cause, event) looks up what one frame sent or received on one stream
// does: the state it moves the stream to, and whether the frame is fine, to be ignored, a
// stream error (§5.4.2) or a connection error (§5.4.1), or (for frames we would send) not
// allowed at all. Every (state, event) pair has an entry; h2/README.md explains each rule and
// where the RFC says so.
//
// What the table does not know, and the caller checks:
//   - Stream identifiers (§5.1.1): parity, monotonic growth, reuse. See h2/stream_ids.h, whose
//     StreamIds::Lookup() gives the (state, cause) of a stream the connection holds no object
//     for, and StreamIds::OnPeerOpened()/OnPeerReserved() which validate new identifiers.
//   - Who may push (§8.4: PUSH_PROMISE from a client, or to a client that disabled push, is a
//     connection PROTOCOL_ERROR), MAX_CONCURRENT_STREAMS (§5.1.2), flow control (§6.9).
//   - HTTP message framing (§8.1): a second HEADERS without END_STREAM, trailers without
//     END_STREAM, 1xx responses. The state machine only sees frames.
//   - CONTINUATION: it is part of the HEADERS or PUSH_PROMISE it follows and causes no
//     transition of its own (§5.1); the connection applies the HEADERS/PUSH_PROMISE event once
//     per field block. Extension frames (PRIORITY_UPDATE, ALTSVC, ORIGIN, unknown types) are
//     outside §5.1 (§5.1: "The rules in this section only apply to frames defined in this
//     document").
//
// The "closed" state is split by CloseCause, because §5.1 treats frames on a closed stream
// differently depending on how and how long ago it closed: after we sent RST_STREAM anything
// may still arrive and is ignored; after END_STREAM or the peer's RST_STREAM only
// WINDOW_UPDATE, RST_STREAM and PRIORITY are expected; once the stream is forgotten (see
// h2/stream_ids.h) anything but those is a connection error.

#ifndef H2ENGINE_H2_STREAM_STATE_H_
#define H2ENGINE_H2_STREAM_STATE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string_view>

#include "h2/protocol.h"

namespace h2engine::h2 {

// RFC 9113 §5.1. "Local" is this endpoint, "remote" its peer.
enum class StreamState : uint8_t {
  kIdle,
  kReservedLocal,
  kReservedRemote,
  kOpen,
  kHalfClosedLocal,
  kHalfClosedRemote,
  kClosed,
};
inline constexpr size_t kNumStreamStates = 7;

// CloseCause: how a closed stream closed, which decides how late frames are treated. kNone for
// every state but kClosed.
enum class CloseCause : uint8_t {
  kNone,
  // Both sides sent END_STREAM (in either order). The peer may still send WINDOW_UPDATE or
  // RST_STREAM that crossed our END_STREAM (§5.1 "closed", §6.9).
  kEndStream,
  // We sent RST_STREAM (our reset, or a stream error we reported). The peer may have sent any
  // frame before it saw the reset; those are processed minimally and discarded (§5.1, §5.4.2).
  kResetSent,
  // The peer sent RST_STREAM. It must send nothing more but PRIORITY (§6.4).
  kResetReceived,
  // Closed and no longer remembered, or skipped (a lower identifier that was never used,
  // §5.1.1). The peer has certainly seen the stream close (h2/stream_ids.h explains why), so
  // frames other than PRIORITY, WINDOW_UPDATE and RST_STREAM are connection errors (§5.1).
  kForgotten,
};
inline constexpr size_t kNumCloseCauses = 5;

// StreamEvent: a frame sent or received on the stream. A HEADERS frame stands for its whole
// field block (HEADERS + CONTINUATION*); END_STREAM is part of the event (§5.1: "a HEADERS
// frame with the END_STREAM flag set can cause two state transitions").
enum class StreamEvent : uint8_t {
  kRecvHeaders,
  kRecvHeadersEndStream,
  kRecvData,
  kRecvDataEndStream,
  kRecvPriority,
  kRecvRstStream,
  kRecvWindowUpdate,
  kRecvPushPromise,  // a PUSH_PROMISE on this stream (it is the associated stream)
  kRecvPromised,     // this stream is the Promised Stream ID of a PUSH_PROMISE received
  kSendHeaders,
  kSendHeadersEndStream,
  kSendData,
  kSendDataEndStream,
  kSendPriority,
  kSendRstStream,
  kSendWindowUpdate,
  kSendPushPromise,  // we send PUSH_PROMISE on this stream
  kSendPromised,     // this stream is the Promised Stream ID of a PUSH_PROMISE we send
};
inline constexpr size_t kNumStreamEvents = 18;

// IsReceiveEvent is true for the kRecv* events.
constexpr bool IsReceiveEvent(StreamEvent e) { return e <= StreamEvent::kRecvPromised; }

// StreamAction: what the connection does with the frame.
enum class StreamAction : uint8_t {
  // The frame is allowed: process it; the stream moves to `next`.
  kProceed,
  // Closed stream: process the frame minimally and discard it (§5.1): decode its field block
  // (the HPACK context is the connection's), count DATA against the connection window (and
  // give that credit back), reserve a promised stream. Nothing reaches the application.
  kIgnore,
  // Send RST_STREAM with `error` (§5.4.2); the stream is closed (kResetSent). DATA still counts
  // against the connection window (§6.9).
  kStreamError,
  // Send GOAWAY with `error` and close the connection (§5.4.1). The stream is unchanged.
  kConnectionError,
  // (Send events only.) This endpoint MUST NOT send the frame in this state; nothing changes.
  // The connection refuses the request that would have sent it.
  kForbidden,
};

struct StreamTransition {
  StreamState next;
  CloseCause cause;  // kNone unless next == kClosed
  StreamAction action;
  ErrorCode error;  // kNoError unless action is kStreamError or kConnectionError

  friend bool operator==(const StreamTransition&, const StreamTransition&) = default;
};

// NextStreamState: the entry of the §5.1 table for `event` on a stream in `state` (`cause`
// says how a kClosed stream closed; it is ignored otherwise; kClosed with kNone is treated as
// kForgotten). Never fails: every pair has an entry.
[[nodiscard]] StreamTransition NextStreamState(StreamState state, CloseCause cause,
                                               StreamEvent event);

// StreamStateMachine: one stream's state and close cause (two bytes), updated by Apply().
class StreamStateMachine {
 public:
  // A new stream is idle.
  StreamStateMachine() = default;
  // ForClosed makes the machine of a closed stream the connection remembers (or not).
  static StreamStateMachine ForClosed(CloseCause cause);

  StreamState state() const { return state_; }
  CloseCause close_cause() const { return cause_; }
  bool closed() const { return state_ == StreamState::kClosed; }

  // Apply looks `event` up and moves to the entry's state when the action is kProceed,
  // kIgnore or kStreamError; for kConnectionError and kForbidden nothing changes. Returns the
  // entry.
  [[nodiscard]] StreamTransition Apply(StreamEvent event);

 private:
  StreamState state_ = StreamState::kIdle;
  CloseCause cause_ = CloseCause::kNone;
};

// CountsTowardConcurrency is true for "open" and both "half-closed" states (§5.1.2).
constexpr bool CountsTowardConcurrency(StreamState s) {
  return s == StreamState::kOpen || s == StreamState::kHalfClosedLocal ||
         s == StreamState::kHalfClosedRemote;
}

// ReceiveEvent / SendEvent map a frame type (and its END_STREAM flag) to the event of the
// stream named in its header; nullopt for frames that are not about a stream's state
// (SETTINGS, PING, GOAWAY, CONTINUATION, extension frames). For PUSH_PROMISE this is the event
// of the associated stream; the promised stream gets kRecvPromised / kSendPromised.
std::optional<StreamEvent> ReceiveEvent(FrameType type, bool end_stream);
std::optional<StreamEvent> SendEvent(FrameType type, bool end_stream);

// Names: "idle", "half-closed (local)", ... as in §5.1; "kRecvHeaders", ... for events.
std::string_view StreamStateName(StreamState s);
std::string_view CloseCauseName(CloseCause c);
std::string_view StreamEventName(StreamEvent e);
std::string_view StreamActionName(StreamAction a);

std::ostream& operator<<(std::ostream& out, StreamState s);
std::ostream& operator<<(std::ostream& out, CloseCause c);
std::ostream& operator<<(std::ostream& out, StreamEvent e);
std::ostream& operator<<(std::ostream& out, StreamAction a);
std::ostream& operator<<(std::ostream& out, const StreamTransition& t);

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_STREAM_STATE_H_
