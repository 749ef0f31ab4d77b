// Frame writers: one stateless, noexcept function per HTTP/2 frame type (RFC 9113 §6; ALTSVC,
// RFC 7838 §4; ORIGIN, RFC 8336 §2; PRIORITY_UPDATE, RFC 9218 §7.1), in the style of proxygen's
// HTTP2Framer. Each appends one complete frame (9-octet header, §4.1, and payload) to a
// ByteSink, reserving the exact size once.
//
// The writers trust their arguments: stream ids, lengths within 2^24-1, increments within
// 1..2^31-1 and the like are H2_DCHECKed, not checked. Respecting the peer's
// SETTINGS_MAX_FRAME_SIZE, flow control and frame sequencing is the caller's job, except for
// WriteHeaderBlock()/WritePushPromiseBlock(), which split a field block at a given frame size
// into HEADERS/PUSH_PROMISE + CONTINUATION frames (§4.3, §6.10).
//
// Unused flags and reserved bits are written as zero (§4.1), and so is padding (§6.1).

#ifndef H2ENGINE_H2_FRAME_WRITER_H_
#define H2ENGINE_H2_FRAME_WRITER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "base/byte_sink.h"
#include "h2/frame_header.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

// WriteFrameHeader appends the 9 octets of `header` (flags as given). For writing a payload
// yourself, e.g. a DATA frame whose payload comes from elsewhere.
void WriteFrameHeader(ByteSink& out, const FrameHeader& header) noexcept;

// DATA (§6.1). With `pad_length`, the PADDED flag is set, a Pad Length octet and pad_length
// zero octets are added: the frame's length is data.size() + 1 + *pad_length.
void WriteData(ByteSink& out, StreamId stream_id, std::span<const uint8_t> data, bool end_stream,
               std::optional<uint8_t> pad_length = std::nullopt) noexcept;

// HEADERS (§6.2) carrying one field block fragment. With `priority` the PRIORITY flag and the
// 5 priority octets are added (weight 1..256); with `pad_length`, padding as for DATA.
void WriteHeaders(ByteSink& out, StreamId stream_id, std::span<const uint8_t> fragment,
                  bool end_stream, bool end_headers,
                  const std::optional<PriorityFields>& priority = std::nullopt,
                  std::optional<uint8_t> pad_length = std::nullopt) noexcept;

// PRIORITY (§6.3).
void WritePriority(ByteSink& out, StreamId stream_id, const PriorityFields& priority) noexcept;

// RST_STREAM (§6.4).
void WriteRstStream(ByteSink& out, StreamId stream_id, ErrorCode error_code) noexcept;

// SETTINGS (§6.5), the entries in the order given; and its ACK (empty payload).
void WriteSettings(ByteSink& out, std::span<const Setting> settings) noexcept;
void WriteSettingsAck(ByteSink& out) noexcept;

// PUSH_PROMISE (§6.6) carrying one field block fragment.
void WritePushPromise(ByteSink& out, StreamId stream_id, StreamId promised_stream_id,
                      std::span<const uint8_t> fragment, bool end_headers,
                      std::optional<uint8_t> pad_length = std::nullopt) noexcept;

// PING (§6.7); a response has `ack` set and echoes the data.
void WritePing(ByteSink& out, const PingData& data, bool ack) noexcept;

// GOAWAY (§6.8).
void WriteGoAway(ByteSink& out, StreamId last_stream_id, ErrorCode error_code,
                 std::span<const uint8_t> debug_data = {}) noexcept;
void WriteGoAway(ByteSink& out, StreamId last_stream_id, ErrorCode error_code,
                 std::string_view debug_data) noexcept;

// WINDOW_UPDATE (§6.9); stream 0 for the connection window; increment 1..2^31-1.
void WriteWindowUpdate(ByteSink& out, StreamId stream_id, uint32_t increment) noexcept;

// CONTINUATION (§6.10).
void WriteContinuation(ByteSink& out, StreamId stream_id, std::span<const uint8_t> fragment,
                       bool end_headers) noexcept;

// ALTSVC (RFC 7838 §4): on stream 0 with an origin, or on a stream with an empty origin.
void WriteAltSvc(ByteSink& out, StreamId stream_id, std::string_view origin,
                 std::string_view field_value) noexcept;

// ORIGIN (RFC 8336 §2), on stream 0; each origin at most 65,535 octets.
void WriteOrigin(ByteSink& out, std::span<const std::string_view> origins) noexcept;

// PRIORITY_UPDATE (RFC 9218 §7.1), on stream 0; prioritized_stream_id != 0.
void WritePriorityUpdate(ByteSink& out, StreamId prioritized_stream_id,
                         std::string_view field_value) noexcept;

// WriteHeaderBlock writes a whole field block as a HEADERS frame followed by as many
// CONTINUATION frames as needed, none with a payload above `max_frame_size` (the peer's
// SETTINGS_MAX_FRAME_SIZE; any value above the priority fields' 5 octets works, which tests
// use). END_STREAM goes on the HEADERS frame (§6.2), END_HEADERS on the last frame only. An
// empty block gives one empty HEADERS frame.
void WriteHeaderBlock(ByteSink& out, StreamId stream_id, std::span<const uint8_t> block,
                      bool end_stream, uint32_t max_frame_size,
                      const std::optional<PriorityFields>& priority = std::nullopt) noexcept;

// WritePushPromiseBlock: the same for PUSH_PROMISE + CONTINUATION (max_frame_size > 4).
void WritePushPromiseBlock(ByteSink& out, StreamId stream_id, StreamId promised_stream_id,
                           std::span<const uint8_t> block, uint32_t max_frame_size) noexcept;

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FRAME_WRITER_H_
