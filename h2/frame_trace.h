// Frame tracing: renders decoded frames the way `nghttp -v` (nghttp2's app_helper) prints them,
// for logs and tests:
//
//   HEADERS frame <length=32, flags=0x25, stream_id=1>
//             ; END_STREAM | END_HEADERS | PRIORITY
//             (padlen=0, dep_stream_id=0, weight=16, exclusive=0)
//   SETTINGS frame <length=12, flags=0x00, stream_id=0>
//             (niv=2)
//             [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]
//             [SETTINGS_INITIAL_WINDOW_SIZE(0x04):65535]
//   GOAWAY frame <length=8, flags=0x00, stream_id=0>
//             (last_stream_id=0, error_code=NO_ERROR(0x00), opaque_data(0)=[])
//
// As in nghttp: flags are listed when non-zero, `padlen` counts the Pad Length octet too (Pad
// Length + 1, 0 when not padded), weights are 1..256, unknown types print as
// "extension(0x0b)". Differences: header fields are not shown (this layer does not decode
// HPACK), CONTINUATION frames are printed on their own (nghttp folds them into HEADERS), every
// byte string is printed with non-printable octets as '.' (nghttp does that for GOAWAY only),
// and frames the decoder rejected or ignored start with "[INVALID; error=CODE(0x..), scope:
// reason] " or "[IGNORED; reason] ".
//
// A frame is rendered when its last callback arrives, so each frame's text is complete.

#ifndef H2ENGINE_H2_FRAME_TRACE_H_
#define H2ENGINE_H2_FRAME_TRACE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "h2/frame_header.h"
#include "h2/frame_listener.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

struct FrameTraceOptions {
  // Put before each frame's first line, e.g. "recv " or "[  0.003] recv ".
  std::string prefix;
  // Put before each attribute line; nghttp uses 10 spaces (the width of "[  0.003] ").
  std::string indent = std::string(10, ' ');
};

// FrameTracer: a FrameListener that renders every frame into text for `sink` and then passes
// each callback on to `next` (when not null), so it can sit between a FrameDecoder and the
// connection. `sink` receives one frame at a time: its lines, each ending in '\n'.
class FrameTracer : public FrameListener {
 public:
  using Sink = std::function<void(std::string_view frame_text)>;

  explicit FrameTracer(Sink sink, FrameListener* next = nullptr, FrameTraceOptions options = {});

  void OnFrameHeader(const FrameHeader& h) override;
  void OnDataStart(const FrameHeader& h, uint8_t pad_length) override;
  void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) override;
  void OnDataEnd(const FrameHeader& h) override;
  void OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                      const std::optional<PriorityFields>& priority) override;
  void OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length,
                          StreamId promised_stream_id) override;
  void OnContinuationStart(const FrameHeader& h) override;
  void OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) override;
  void OnHeadersEnd(const FrameHeader& h) override;
  void OnPushPromiseEnd(const FrameHeader& h) override;
  void OnContinuationEnd(const FrameHeader& h) override;
  void OnPadding(const FrameHeader& h, size_t length) override;
  void OnPriority(const FrameHeader& h, const PriorityFields& priority) override;
  void OnRstStream(const FrameHeader& h, ErrorCode error_code) override;
  void OnSettingsStart(const FrameHeader& h) override;
  void OnSetting(const FrameHeader& h, const Setting& setting) override;
  void OnUnknownSetting(const FrameHeader& h, const Setting& setting) override;
  void OnSettingsEnd(const FrameHeader& h) override;
  void OnSettingsAck(const FrameHeader& h) override;
  void OnPing(const FrameHeader& h, const PingData& data) override;
  void OnPingAck(const FrameHeader& h, const PingData& data) override;
  void OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                std::span<const uint8_t> debug_data) override;
  void OnWindowUpdate(const FrameHeader& h, uint32_t increment) override;
  void OnAltSvc(const FrameHeader& h, std::string_view origin, std::string_view value) override;
  void OnOrigin(const FrameHeader& h, std::span<const std::string_view> origins) override;
  void OnPriorityUpdate(const FrameHeader& h, StreamId prioritized_stream_id,
                        std::string_view field_value) override;
  void OnFrameIgnored(const FrameHeader& h, std::string_view reason) override;
  void OnUnknownStart(const FrameHeader& h) override;
  void OnUnknownPayload(const FrameHeader& h, std::span<const uint8_t> payload) override;
  void OnUnknownEnd(const FrameHeader& h) override;
  void OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                    std::string_view reason) override;

 private:
  void Attr(std::string_view line);
  // Emit sends the frame's text (with `tag` before its name, if any) to the sink.
  void Emit(const FrameHeader& h, std::string_view tag = {});

  Sink sink_;
  FrameListener* next_;
  FrameTraceOptions options_;
  std::string attrs_;  // The current frame's attribute lines.
};

// TraceFrames decodes `bytes` (a whole number of frames, typically a writer's output) and
// returns the text of every frame in it; a trailing partial frame is not shown.
std::string TraceFrames(std::span<const uint8_t> bytes,
                        uint32_t max_frame_size = kDefaultMaxFrameSize,
                        FrameTraceOptions options = {});

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FRAME_TRACE_H_
