#include "h2/stream_state.h"

#include <array>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

// The table's rows: the six states a live stream can be in, then "closed" split by cause.
// kSame in a cell means "the row itself".
enum class Row : uint8_t {
  kIdle,
  kReservedLocal,
  kReservedRemote,
  kOpen,
  kHalfClosedLocal,
  kHalfClosedRemote,
  kClosedEndStream,
  kClosedResetSent,
  kClosedResetReceived,
  kClosedForgotten,
  kSame,
};
constexpr size_t kNumRows = 10;

struct Cell {
  Row to;
  StreamAction action;
  ErrorCode error;
};

constexpr Cell Go(Row to) { return {to, StreamAction::kProceed, ErrorCode::kNoError}; }
constexpr Cell StreamErr(ErrorCode code) {
  return {Row::kClosedResetSent, StreamAction::kStreamError, code};
}
constexpr Cell ConnErr(ErrorCode code) {
  return {Row::kSame, StreamAction::kConnectionError, code};
}

// Short names, so that each row of the table fits on a line or two.
constexpr Cell kStay = Go(Row::kSame);                                             // allowed
constexpr Cell kIgn = {Row::kSame, StreamAction::kIgnore, ErrorCode::kNoError};    // discard
constexpr Cell kNo = {Row::kSame, StreamAction::kForbidden, ErrorCode::kNoError};  // never send
constexpr Cell kPE = ConnErr(ErrorCode::kProtocolError);    // connection PROTOCOL_ERROR
constexpr Cell kCSC = ConnErr(ErrorCode::kStreamClosed);    // connection STREAM_CLOSED
constexpr Cell kSSC = StreamErr(ErrorCode::kStreamClosed);  // stream STREAM_CLOSED
constexpr Cell kToOpen = Go(Row::kOpen);
constexpr Cell kToHcl = Go(Row::kHalfClosedLocal);
constexpr Cell kToHcr = Go(Row::kHalfClosedRemote);
constexpr Cell kToEnd = Go(Row::kClosedEndStream);        // closed by END_STREAM
constexpr Cell kToRstIn = Go(Row::kClosedResetReceived);  // closed by the peer's RST_STREAM
constexpr Cell kToRstOut = Go(Row::kClosedResetSent);     // closed by our RST_STREAM

using TableRow = std::array<Cell, kNumStreamEvents>;

// Columns, in StreamEvent order:
//   receive: HEADERS, HEADERS+ES, DATA, DATA+ES, PRIORITY, RST_STREAM, WINDOW_UPDATE,
//            PUSH_PROMISE (on this stream), promised (this stream reserved by a PUSH_PROMISE)
//   send:    the same nine.
// The reasons, with RFC 9113 sections, are in h2/README.md ("Stream states").
// clang-format off
constexpr std::array<TableRow, kNumRows> kTable = {{
    // idle (§5.1 "idle", §6.4: RST_STREAM on idle is a connection error)
    {kToOpen, kToHcr, kPE, kPE, kStay, kPE, kPE, kPE, Go(Row::kReservedRemote),
     kToOpen, kToHcl, kNo, kNo, kStay, kNo, kNo, kNo, Go(Row::kReservedLocal)},
    // reserved (local): receive only RST_STREAM, PRIORITY, WINDOW_UPDATE; send only HEADERS,
    // RST_STREAM, PRIORITY.
    {kPE, kPE, kPE, kPE, kStay, kToRstIn, kStay, kPE, kPE,
     kToHcr, kToEnd, kNo, kNo, kStay, kToRstOut, kNo, kNo, kNo},
    // reserved (remote): receive only HEADERS, RST_STREAM, PRIORITY; send only RST_STREAM,
    // WINDOW_UPDATE, PRIORITY.
    {Go(Row::kHalfClosedLocal), kToEnd, kPE, kPE, kStay, kToRstIn, kPE, kPE, kPE,
     kNo, kNo, kNo, kNo, kStay, kToRstOut, kStay, kNo, kNo},
    // open: anything; END_STREAM half-closes.
    {kStay, kToHcr, kStay, kToHcr, kStay, kToRstIn, kStay, kStay, kPE,
     kStay, kToHcl, kStay, kToHcl, kStay, kToRstOut, kStay, kStay, kNo},
    // half-closed (local): receive anything; send only WINDOW_UPDATE, PRIORITY, RST_STREAM.
    {kStay, kToEnd, kStay, kToEnd, kStay, kToRstIn, kStay, kStay, kPE,
     kNo, kNo, kNo, kNo, kStay, kToRstOut, kStay, kNo, kNo},
    // half-closed (remote): receive only WINDOW_UPDATE, PRIORITY, RST_STREAM (else stream
    // STREAM_CLOSED; PUSH_PROMISE: §6.6 connection error); send anything.
    {kSSC, kSSC, kSSC, kSSC, kStay, kToRstIn, kStay, kPE, kPE,
     kStay, kToEnd, kStay, kToEnd, kStay, kToRstOut, kStay, kStay, kNo},
    // closed by END_STREAM both ways.
    {kCSC, kCSC, kSSC, kSSC, kStay, kIgn, kIgn, kPE, kPE,
     kNo, kNo, kNo, kNo, kStay, kNo, kNo, kNo, kNo},
    // closed by our RST_STREAM: whatever the peer sent before it saw the reset is discarded.
    {kIgn, kIgn, kIgn, kIgn, kStay, kIgn, kIgn, kIgn, kPE,
     kNo, kNo, kNo, kNo, kStay, kNo, kNo, kNo, kNo},
    // closed by the peer's RST_STREAM.
    {kCSC, kCSC, kSSC, kSSC, kStay, kIgn, kIgn, kPE, kPE,
     kNo, kNo, kNo, kNo, kStay, kNo, kNo, kNo, kNo},
    // closed and forgotten, or skipped.
    {kPE, kPE, kPE, kPE, kStay, kIgn, kIgn, kPE, kPE,
     kNo, kNo, kNo, kNo, kStay, kNo, kNo, kNo, kNo},
}};
// clang-format on

// Invariants of the table, checked at compile time.
constexpr bool TableIsConsistent() {
  for (size_t r = 0; r < kNumRows; ++r) {
    for (size_t e = 0; e < kNumStreamEvents; ++e) {
      const Cell& c = kTable[r][e];
      const bool receive = IsReceiveEvent(static_cast<StreamEvent>(e));
      // Only frames we receive can be errors or ignored; only frames we send can be refused.
      if (receive && c.action == StreamAction::kForbidden) return false;
      if (!receive && c.action != StreamAction::kProceed && c.action != StreamAction::kForbidden) {
        return false;
      }
      // Errors carry a code; nothing else does.
      const bool error =
          c.action == StreamAction::kStreamError || c.action == StreamAction::kConnectionError;
      if (error != (c.error != ErrorCode::kNoError)) return false;
      // A stream error closes the stream as reset by us; the others leave it alone, except
      // kProceed.
      if (c.action == StreamAction::kStreamError && c.to != Row::kClosedResetSent) return false;
      if ((c.action == StreamAction::kIgnore || c.action == StreamAction::kConnectionError ||
           c.action == StreamAction::kForbidden) &&
          c.to != Row::kSame) {
        return false;
      }
      // Nothing leaves "closed", and nothing returns to "idle".
      if (r >= static_cast<size_t>(Row::kClosedEndStream) && c.to != Row::kSame &&
          c.to != Row::kClosedResetSent) {
        return false;
      }
      if (c.to == Row::kIdle || c.to == Row::kClosedForgotten) return false;
    }
    // PRIORITY is allowed in every state, both ways (§5.1, §6.3).
    if (kTable[r][static_cast<size_t>(StreamEvent::kRecvPriority)].action !=
            StreamAction::kProceed ||
        kTable[r][static_cast<size_t>(StreamEvent::kSendPriority)].action !=
            StreamAction::kProceed) {
      return false;
    }
  }
  return true;
}
static_assert(TableIsConsistent());

constexpr Row RowOf(StreamState state, CloseCause cause) {
  if (state != StreamState::kClosed) return static_cast<Row>(state);
  switch (cause) {
    case CloseCause::kEndStream:
      return Row::kClosedEndStream;
    case CloseCause::kResetSent:
      return Row::kClosedResetSent;
    case CloseCause::kResetReceived:
      return Row::kClosedResetReceived;
    case CloseCause::kNone:
    case CloseCause::kForgotten:
      break;
  }
  return Row::kClosedForgotten;
}

constexpr void StateOf(Row row, StreamState* state, CloseCause* cause) {
  *cause = CloseCause::kNone;
  switch (row) {
    case Row::kClosedEndStream:
      *state = StreamState::kClosed;
      *cause = CloseCause::kEndStream;
      return;
    case Row::kClosedResetSent:
      *state = StreamState::kClosed;
      *cause = CloseCause::kResetSent;
      return;
    case Row::kClosedResetReceived:
      *state = StreamState::kClosed;
      *cause = CloseCause::kResetReceived;
      return;
    case Row::kClosedForgotten:
      *state = StreamState::kClosed;
      *cause = CloseCause::kForgotten;
      return;
    default:
      *state = static_cast<StreamState>(row);
      return;
  }
}

}  // namespace

StreamTransition NextStreamState(StreamState state, CloseCause cause, StreamEvent event) {
  const size_t e = static_cast<size_t>(event);
  if (H2_BUG_IF(e >= kNumStreamEvents || static_cast<size_t>(state) >= kNumStreamStates)) {
    return {state, cause, StreamAction::kConnectionError, ErrorCode::kInternalError};
  }
  const Row row = RowOf(state, cause);
  const Cell& cell = kTable[static_cast<size_t>(row)][e];
  StreamTransition t;
  StateOf(cell.to == Row::kSame ? row : cell.to, &t.next, &t.cause);
  t.action = cell.action;
  t.error = cell.error;
  return t;
}

StreamStateMachine StreamStateMachine::ForClosed(CloseCause cause) {
  StreamStateMachine m;
  m.state_ = StreamState::kClosed;
  m.cause_ = cause == CloseCause::kNone ? CloseCause::kForgotten : cause;
  return m;
}

StreamTransition StreamStateMachine::Apply(StreamEvent event) {
  const StreamTransition t = NextStreamState(state_, cause_, event);
  switch (t.action) {
    case StreamAction::kProceed:
    case StreamAction::kIgnore:
    case StreamAction::kStreamError:
      state_ = t.next;
      cause_ = t.cause;
      break;
    case StreamAction::kConnectionError:
    case StreamAction::kForbidden:
      break;
  }
  return t;
}

std::optional<StreamEvent> ReceiveEvent(FrameType type, bool end_stream) {
  switch (type) {
    case FrameType::kHeaders:
      return end_stream ? StreamEvent::kRecvHeadersEndStream : StreamEvent::kRecvHeaders;
    case FrameType::kData:
      return end_stream ? StreamEvent::kRecvDataEndStream : StreamEvent::kRecvData;
    case FrameType::kPriority:
      return StreamEvent::kRecvPriority;
    case FrameType::kRstStream:
      return StreamEvent::kRecvRstStream;
    case FrameType::kWindowUpdate:
      return StreamEvent::kRecvWindowUpdate;
    case FrameType::kPushPromise:
      return StreamEvent::kRecvPushPromise;
    default:
      return std::nullopt;
  }
}

std::optional<StreamEvent> SendEvent(FrameType type, bool end_stream) {
  const std::optional<StreamEvent> recv = ReceiveEvent(type, end_stream);
  if (!recv) return std::nullopt;
  // The send events are the receive events shifted by one block of nine.
  return static_cast<StreamEvent>(static_cast<size_t>(*recv) +
                                  static_cast<size_t>(StreamEvent::kSendHeaders));
}

std::string_view StreamStateName(StreamState s) {
  switch (s) {
    case StreamState::kIdle:
      return "idle";
    case StreamState::kReservedLocal:
      return "reserved (local)";
    case StreamState::kReservedRemote:
      return "reserved (remote)";
    case StreamState::kOpen:
      return "open";
    case StreamState::kHalfClosedLocal:
      return "half-closed (local)";
    case StreamState::kHalfClosedRemote:
      return "half-closed (remote)";
    case StreamState::kClosed:
      return "closed";
  }
  return "unknown";
}

std::string_view CloseCauseName(CloseCause c) {
  switch (c) {
    case CloseCause::kNone:
      return "none";
    case CloseCause::kEndStream:
      return "END_STREAM";
    case CloseCause::kResetSent:
      return "RST_STREAM sent";
    case CloseCause::kResetReceived:
      return "RST_STREAM received";
    case CloseCause::kForgotten:
      return "forgotten";
  }
  return "unknown";
}

std::string_view StreamEventName(StreamEvent e) {
  switch (e) {
    case StreamEvent::kRecvHeaders:
      return "kRecvHeaders";
    case StreamEvent::kRecvHeadersEndStream:
      return "kRecvHeadersEndStream";
    case StreamEvent::kRecvData:
      return "kRecvData";
    case StreamEvent::kRecvDataEndStream:
      return "kRecvDataEndStream";
    case StreamEvent::kRecvPriority:
      return "kRecvPriority";
    case StreamEvent::kRecvRstStream:
      return "kRecvRstStream";
    case StreamEvent::kRecvWindowUpdate:
      return "kRecvWindowUpdate";
    case StreamEvent::kRecvPushPromise:
      return "kRecvPushPromise";
    case StreamEvent::kRecvPromised:
      return "kRecvPromised";
    case StreamEvent::kSendHeaders:
      return "kSendHeaders";
    case StreamEvent::kSendHeadersEndStream:
      return "kSendHeadersEndStream";
    case StreamEvent::kSendData:
      return "kSendData";
    case StreamEvent::kSendDataEndStream:
      return "kSendDataEndStream";
    case StreamEvent::kSendPriority:
      return "kSendPriority";
    case StreamEvent::kSendRstStream:
      return "kSendRstStream";
    case StreamEvent::kSendWindowUpdate:
      return "kSendWindowUpdate";
    case StreamEvent::kSendPushPromise:
      return "kSendPushPromise";
    case StreamEvent::kSendPromised:
      return "kSendPromised";
  }
  return "unknown";
}

std::string_view StreamActionName(StreamAction a) {
  switch (a) {
    case StreamAction::kProceed:
      return "proceed";
    case StreamAction::kIgnore:
      return "ignore";
    case StreamAction::kStreamError:
      return "stream error";
    case StreamAction::kConnectionError:
      return "connection error";
    case StreamAction::kForbidden:
      return "forbidden";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, StreamState s) { return out << StreamStateName(s); }
std::ostream& operator<<(std::ostream& out, CloseCause c) { return out << CloseCauseName(c); }
std::ostream& operator<<(std::ostream& out, StreamEvent e) { return out << StreamEventName(e); }
std::ostream& operator<<(std::ostream& out, StreamAction a) { return out << StreamActionName(a); }
std::ostream& operator<<(std::ostream& out, const StreamTransition& t) {
  out << "{" << t.action << " -> " << t.next;
  if (t.next == StreamState::kClosed) out << " (" << t.cause << ")";
  if (t.error != ErrorCode::kNoError) out << ", " << t.error;
  return out << "}";
}

}  // namespace h2engine::h2
