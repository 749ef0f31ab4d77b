// FrameRecorder: a FrameListener for tests and fuzzers. It logs every callback as one line of
// text, merging consecutive payload pieces of a frame (so the log does not depend on how the
// input was split), and checks the callback contract of h2/frame_listener.h as it goes: the
// order of callbacks, no empty pieces, payload pieces and padding adding up to what the frame
// header and its fields declare, masked flags, nothing after a connection error.
//
// Log lines look like
//   header HEADERS len=13 flags=0x25 stream=1
//   headers_start pad=0 priority=excl:0,dep:3,weight:16
//   fragment "\x82\x86"
//   headers_end
//   error FRAME_SIZE_ERROR connection "PING length is not 8"
// Bytes are shown as C-like escaped strings.

#ifndef H2ENGINE_H2_TESTING_FRAME_RECORDER_H_
#define H2ENGINE_H2_TESTING_FRAME_RECORDER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h2/frame_header.h"
#include "h2/frame_listener.h"
#include "h2/protocol.h"

namespace h2engine::h2::testing {

class FrameRecorder : public FrameListener {
 public:
  // The log so far, one event per entry.
  const std::vector<std::string>& events() const { return events_; }
  // The first contract violation seen, or empty.
  const std::string& violation() const { return violation_; }
  // True when the last frame was completed (or there was none) and no connection error was
  // reported: what a clean end of input looks like.
  bool AtFrameBoundary() const { return phase_ == Phase::kExpectHeader; }
  bool saw_connection_error() const { return connection_error_; }
  // Number of frames whose header was reported.
  size_t frames() const { return frames_; }
  // The log joined with '\n'.
  std::string Joined() const;
  void Clear();

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
  enum class Phase : uint8_t {
    kExpectHeader,  // Between frames.
    kAfterHeader,   // OnFrameHeader seen; the frame's first event is next.
    kBody,          // Inside a Start ... End frame.
    kSettings,      // Inside OnSettingsStart ... OnSettingsEnd.
    kDead,          // After a connection error.
  };

  void Add(std::string event);
  // AppendBytes logs a payload piece of `kind`, merged with the previous event if that was a
  // piece of the same kind.
  void AppendBytes(std::string_view kind, std::span<const uint8_t> bytes);
  void Violation(std::string_view what);
  // Check* record a violation and return false if the event is out of order.
  bool CheckHeader(const FrameHeader& h, std::string_view event);
  bool CheckFirstEvent(const FrameHeader& h, FrameType type, std::string_view event);
  bool CheckBody(const FrameHeader& h, std::string_view event);
  void BeginBody(const FrameHeader& h, uint32_t fields, uint8_t pad_length);
  void EndBody(const FrameHeader& h, FrameType type, std::string_view event);
  void Finish() { phase_ = Phase::kExpectHeader; }

  std::vector<std::string> events_;
  std::string violation_;
  Phase phase_ = Phase::kExpectHeader;
  FrameHeader header_;
  size_t frames_ = 0;
  bool connection_error_ = false;
  // kBody accounting.
  uint64_t expected_payload_ = 0;
  uint64_t payload_ = 0;
  uint32_t expected_padding_ = 0;
  uint64_t padding_ = 0;
  // kSettings accounting.
  uint32_t settings_ = 0;
  // Merging of consecutive pieces.
  std::string last_kind_;
  bool last_was_piece_ = false;
};

// EscapeBytes renders bytes as a double-quoted C-like string ("\x00ab\n" style).
std::string EscapeBytes(std::span<const uint8_t> bytes);
std::string EscapeBytes(std::string_view bytes);

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_FRAME_RECORDER_H_
