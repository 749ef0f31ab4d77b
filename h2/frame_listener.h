// FrameListener: what FrameDecoder reports, frame by frame (RFC 9113 §4, §6; RFC 7838 §4;
// RFC 8336 §2; RFC 9218 §7.1).
//
// The decoder checks each frame on its own (lengths, stream 0 or not, flag-dependent fields,
// setting values) and reports it here; it does NOT apply stream rules: stream states (§5.1),
// CONTINUATION sequencing (§6.10), flow-control windows (§6.9), whether PUSH_PROMISE or
// PRIORITY_UPDATE is acceptable from this peer, SETTINGS_ENABLE_PUSH=1 from a server. The
// connection does that, on top of these callbacks.
//
// Callback order. For every frame, once its 9 header octets have arrived:
//
//   OnFrameHeader(h)                      always first; h.flags has the unused flags of known
//                                         types masked out (see below).
//   then exactly one of the following sequences:
//
//   OnFrameError(h, code, scope, reason)  the frame is invalid (the table in h2/README.md).
//                                         kConnection: nothing more is reported, ever.
//                                         kStream: the rest of the frame is skipped silently
//                                         and decoding goes on with the next frame.
//   DATA          OnDataStart(h, pad_length) OnDataPayload(h, bytes)* OnPadding(h, n)*
//                 OnDataEnd(h)
//   HEADERS       OnHeadersStart(h, pad_length, priority) OnHeaderBlockFragment(h, bytes)*
//                 OnPadding(h, n)* OnHeadersEnd(h)
//   PUSH_PROMISE  OnPushPromiseStart(h, pad_length, promised_stream_id)
//                 OnHeaderBlockFragment(h, bytes)* OnPadding(h, n)* OnPushPromiseEnd(h)
//   CONTINUATION  OnContinuationStart(h) OnHeaderBlockFragment(h, bytes)* OnContinuationEnd(h)
//   PRIORITY      OnPriority(h, fields)
//   RST_STREAM    OnRstStream(h, error_code)
//   SETTINGS      OnSettingsStart(h) (OnSetting(h, setting) | OnUnknownSetting(h, s))*
//                 then OnSettingsEnd(h), or OnFrameError(h, ...) if a value is invalid:
//                 SETTINGS is the one frame whose error can follow some of its own events.
//   SETTINGS+ACK  OnSettingsAck(h)
//   PING          OnPing(h, data), or OnPingAck(h, data) when the ACK flag is set
//   GOAWAY        OnGoAway(h, last_stream_id, error_code, debug_data)
//   WINDOW_UPDATE OnWindowUpdate(h, increment)
//   ALTSVC        OnAltSvc(h, origin, value), or OnFrameIgnored(h, reason)
//   ORIGIN        OnOrigin(h, origins), or OnFrameIgnored(h, reason)
//   PRIORITY_UPDATE OnPriorityUpdate(h, prioritized_stream_id, field_value)
//   other types   OnUnknownStart(h) OnUnknownPayload(h, bytes)* OnUnknownEnd(h)
//
// `*` means zero or more calls; no call ever carries an empty span. Payload pieces arrive as
// the input does: the pieces of one frame add up to h.length minus the Pad Length octet, the
// priority fields, the promised stream id and the padding. A frame's last callback (its End or
// its single callback) comes as soon as its last byte has been decoded, so zero-length frames
// are complete within the Decode() call that delivered their header. OnFrameError and
// OnFrameIgnored come as soon as the decoder knows (often right after OnFrameHeader); the rest
// of such a frame is then skipped without further callbacks. FrameDecoder::Stop() from inside
// any callback ends the sequence early.
//
// Flags. For the types above, h.flags holds only the flags the type defines (DefinedFlags()):
// unused flags MUST be ignored (§4.1), so they are masked out. Unknown types get their flags
// unmasked. (An ORIGIN frame with any of the flags 0x1..0x8 set is ignored, RFC 8336 §2.1,
// before masking.)
//
// Padding (§6.1, §6.2, §6.6). pad_length is the Pad Length field (0 when the PADDED flag is
// clear); OnPadding(h, n) reports trailing padding octets as they are consumed, adding up to
// pad_length. For flow control, DATA counts h.length in full (§6.1, §6.9.1): the header gives
// it before any payload, and OnDataPayload pieces + OnPadding + the Pad Length octet add up to
// it by the End.
//
// Lifetimes. Spans and string_views are valid only during the callback: they point into the
// caller's input or into the decoder's small assembly buffer. `h` is valid during the callback.
// Callbacks must not call FrameDecoder::Decode() re-entrantly.

#ifndef H2ENGINE_H2_FRAME_LISTENER_H_
#define H2ENGINE_H2_FRAME_LISTENER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "h2/frame_header.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

class FrameListener {
 public:
  virtual ~FrameListener() = default;

  // Every frame, before anything else about it (the connection checks CONTINUATION sequencing
  // and frame-rate limits here).
  virtual void OnFrameHeader(const FrameHeader& h) = 0;

  // DATA (§6.1).
  virtual void OnDataStart(const FrameHeader& h, uint8_t pad_length) = 0;
  virtual void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) = 0;
  virtual void OnDataEnd(const FrameHeader& h) = 0;

  // HEADERS (§6.2). `priority` is set iff the PRIORITY flag is.
  virtual void OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                              const std::optional<PriorityFields>& priority) = 0;
  // PUSH_PROMISE (§6.6).
  virtual void OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length,
                                  StreamId promised_stream_id) = 0;
  // CONTINUATION (§6.10).
  virtual void OnContinuationStart(const FrameHeader& h) = 0;
  // A piece of a field block fragment of the HEADERS, PUSH_PROMISE or CONTINUATION frame `h`
  // (h.type tells which), for the HPACK decoder.
  virtual void OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) = 0;
  virtual void OnHeadersEnd(const FrameHeader& h) = 0;
  virtual void OnPushPromiseEnd(const FrameHeader& h) = 0;
  virtual void OnContinuationEnd(const FrameHeader& h) = 0;

  // Trailing padding octets of a DATA, HEADERS or PUSH_PROMISE frame (their content is not
  // checked: §6.1 makes checking optional).
  virtual void OnPadding(const FrameHeader& h, size_t length) {
    (void)h;
    (void)length;
  }

  // PRIORITY (§6.3). RFC 9113 dropped RFC 7540's self-dependency rule; the fields are reported
  // as received.
  virtual void OnPriority(const FrameHeader& h, const PriorityFields& priority) = 0;
  // RST_STREAM (§6.4). The code may be one ErrorCode does not list (§7: not special).
  virtual void OnRstStream(const FrameHeader& h, ErrorCode error_code) = 0;

  // SETTINGS (§6.5). OnSetting reports the identifiers SettingsId lists, with values already
  // checked against §6.5.2, RFC 8441 §3 and RFC 9218 §2.1; the connection applies them in order
  // (§6.5.3) and sends the ACK after OnSettingsEnd. OnUnknownSetting reports the others, which
  // MUST be ignored (§6.5.2); it exists for tracing.
  virtual void OnSettingsStart(const FrameHeader& h) = 0;
  virtual void OnSetting(const FrameHeader& h, const Setting& setting) = 0;
  virtual void OnUnknownSetting(const FrameHeader& h, const Setting& setting) {
    (void)h;
    (void)setting;
  }
  virtual void OnSettingsEnd(const FrameHeader& h) = 0;
  virtual void OnSettingsAck(const FrameHeader& h) = 0;

  // PING (§6.7).
  virtual void OnPing(const FrameHeader& h, const PingData& data) = 0;
  virtual void OnPingAck(const FrameHeader& h, const PingData& data) = 0;

  // GOAWAY (§6.8). The code may be one ErrorCode does not list.
  virtual void OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                        std::span<const uint8_t> debug_data) = 0;

  // WINDOW_UPDATE (§6.9); increment is 1..2^31-1 (0 is reported as an error instead).
  virtual void OnWindowUpdate(const FrameHeader& h, uint32_t increment) = 0;

  // ALTSVC (RFC 7838 §4), valid by the frame-level rules: on stream 0 with a non-empty origin,
  // or on another stream with an empty one. A server MUST ignore it (the connection's call).
  virtual void OnAltSvc(const FrameHeader& h, std::string_view origin, std::string_view value) {
    (void)h;
    (void)origin;
    (void)value;
  }
  // ORIGIN (RFC 8336 §2), on stream 0 without reserved flags. Entries are not parsed as origins
  // (§2.2: a client ignores one that does not parse). A client ignores ORIGIN on "h2c" and
  // from proxies (the connection's call).
  virtual void OnOrigin(const FrameHeader& h, std::span<const std::string_view> origins) {
    (void)h;
    (void)origins;
  }
  // PRIORITY_UPDATE (RFC 9218 §7.1) on stream 0, prioritized_stream_id != 0. The field value is
  // not parsed (§7: a parse failure MAY be a connection error; the connection decides). A
  // client receiving it MUST treat it as a connection error (the connection's call).
  virtual void OnPriorityUpdate(const FrameHeader& h, StreamId prioritized_stream_id,
                                std::string_view field_value) {
    (void)h;
    (void)prioritized_stream_id;
    (void)field_value;
  }
  // An extension frame that its RFC says MUST be ignored (malformed or invalid ALTSVC or
  // ORIGIN). Nothing else is reported about it; `reason` is for logs.
  virtual void OnFrameIgnored(const FrameHeader& h, std::string_view reason) {
    (void)h;
    (void)reason;
  }

  // Frames of unknown types, which MUST be ignored and discarded (§4.1, §5.5). The connection
  // still has to check that one does not sit inside a field block (§5.5: PROTOCOL_ERROR).
  virtual void OnUnknownStart(const FrameHeader& h) { (void)h; }
  virtual void OnUnknownPayload(const FrameHeader& h, std::span<const uint8_t> payload) {
    (void)h;
    (void)payload;
  }
  virtual void OnUnknownEnd(const FrameHeader& h) { (void)h; }

  // A frame broke a rule of the frame layer. `code` is the error code RFC 9113 demands (for
  // GOAWAY or RST_STREAM), `scope` which of the two to send (a stream error concerns
  // h.stream_id), `reason` a static, human-readable explanation for logs and debug data.
  virtual void OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                            std::string_view reason) = 0;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FRAME_LISTENER_H_
