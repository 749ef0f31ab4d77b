#include "h2/frame_writer.h"

#include <algorithm>
#include <cstring>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

uint8_t* PutUInt32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
  return p + 4;
}

uint8_t* PutUInt16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
  return p + 2;
}

uint8_t* PutBytes(uint8_t* p, const void* bytes, size_t n) {
  if (n != 0) std::memcpy(p, bytes, n);
  return p + n;
}

uint8_t* PutPriority(uint8_t* p, const PriorityFields& priority) {
  H2_DCHECK_LE(priority.dependency, kMaxStreamId);
  H2_DCHECK(priority.weight >= 1 && priority.weight <= 256);
  p = PutUInt32(p, priority.dependency | (priority.exclusive ? 0x80000000u : 0u));
  *p++ = static_cast<uint8_t>(priority.weight - 1);
  return p;
}

// BeginFrame appends a frame header and room for `length` payload octets; returns where the
// payload goes.
uint8_t* BeginFrame(ByteSink& out, uint32_t length, FrameType type, uint8_t flags,
                    StreamId stream_id) {
  H2_DCHECK_LE(length, kMaxFrameLength);
  uint8_t* p = out.AppendUninitialized(kFrameHeaderSize + length);
  SerializeFrameHeader({length, type, flags, stream_id}, p);
  return p + kFrameHeaderSize;
}

// WritePadded writes a DATA, HEADERS or PUSH_PROMISE frame: [Pad Length], `fixed_size` octets
// of fields written by `put_fixed`, the body, [Padding].
template <typename PutFixed>
void WritePadded(ByteSink& out, FrameType type, uint8_t flags, StreamId stream_id,
                 uint32_t fixed_size, PutFixed put_fixed, std::span<const uint8_t> body,
                 std::optional<uint8_t> pad_length) {
  uint32_t pad_overhead = pad_length ? kPadLengthSize + *pad_length : 0;
  if (pad_length) flags |= flags::kPadded;
  uint32_t length = static_cast<uint32_t>(pad_overhead + fixed_size + body.size());
  uint8_t* p = BeginFrame(out, length, type, flags, stream_id);
  if (pad_length) *p++ = *pad_length;
  p = put_fixed(p);
  p = PutBytes(p, body.data(), body.size());
  if (pad_length && *pad_length != 0) std::memset(p, 0, *pad_length);
}

uint8_t* PutNothing(uint8_t* p) { return p; }

}  // namespace

void WriteFrameHeader(ByteSink& out, const FrameHeader& header) noexcept {
  SerializeFrameHeader(header, out.AppendUninitialized(kFrameHeaderSize));
}

void WriteData(ByteSink& out, StreamId stream_id, std::span<const uint8_t> data, bool end_stream,
               std::optional<uint8_t> pad_length) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  WritePadded(out, FrameType::kData, end_stream ? flags::kEndStream : 0, stream_id, 0, PutNothing,
              data, pad_length);
}

void WriteHeaders(ByteSink& out, StreamId stream_id, std::span<const uint8_t> fragment,
                  bool end_stream, bool end_headers, const std::optional<PriorityFields>& priority,
                  std::optional<uint8_t> pad_length) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  uint8_t f = static_cast<uint8_t>((end_stream ? flags::kEndStream : 0) |
                                   (end_headers ? flags::kEndHeaders : 0) |
                                   (priority ? flags::kPriority : 0));
  WritePadded(
      out, FrameType::kHeaders, f, stream_id, priority ? kPriorityFieldsSize : 0,
      [&](uint8_t* p) { return priority ? PutPriority(p, *priority) : p; }, fragment, pad_length);
}

void WritePriority(ByteSink& out, StreamId stream_id, const PriorityFields& priority) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  PutPriority(BeginFrame(out, kPriorityPayloadSize, FrameType::kPriority, 0, stream_id), priority);
}

void WriteRstStream(ByteSink& out, StreamId stream_id, ErrorCode error_code) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  PutUInt32(BeginFrame(out, kRstStreamPayloadSize, FrameType::kRstStream, 0, stream_id),
            static_cast<uint32_t>(error_code));
}

void WriteSettings(ByteSink& out, std::span<const Setting> settings) noexcept {
  uint8_t* p = BeginFrame(out, static_cast<uint32_t>(settings.size() * kSettingSize),
                          FrameType::kSettings, 0, 0);
  for (const Setting& s : settings) {
    p = PutUInt16(p, static_cast<uint16_t>(s.id));
    p = PutUInt32(p, s.value);
  }
}

void WriteSettingsAck(ByteSink& out) noexcept {
  BeginFrame(out, 0, FrameType::kSettings, flags::kAck, 0);
}

void WritePushPromise(ByteSink& out, StreamId stream_id, StreamId promised_stream_id,
                      std::span<const uint8_t> fragment, bool end_headers,
                      std::optional<uint8_t> pad_length) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  H2_DCHECK(promised_stream_id != 0 && promised_stream_id <= kMaxStreamId);
  WritePadded(
      out, FrameType::kPushPromise, end_headers ? flags::kEndHeaders : 0, stream_id,
      kPromisedStreamIdSize, [&](uint8_t* p) { return PutUInt32(p, promised_stream_id); }, fragment,
      pad_length);
}

void WritePing(ByteSink& out, const PingData& data, bool ack) noexcept {
  PutBytes(BeginFrame(out, kPingPayloadSize, FrameType::kPing, ack ? flags::kAck : 0, 0),
           data.data(), data.size());
}

void WriteGoAway(ByteSink& out, StreamId last_stream_id, ErrorCode error_code,
                 std::span<const uint8_t> debug_data) noexcept {
  H2_DCHECK_LE(last_stream_id, kMaxStreamId);
  uint8_t* p = BeginFrame(out, static_cast<uint32_t>(kGoAwayMinPayloadSize + debug_data.size()),
                          FrameType::kGoAway, 0, 0);
  p = PutUInt32(p, last_stream_id);
  p = PutUInt32(p, static_cast<uint32_t>(error_code));
  PutBytes(p, debug_data.data(), debug_data.size());
}

void WriteGoAway(ByteSink& out, StreamId last_stream_id, ErrorCode error_code,
                 std::string_view debug_data) noexcept {
  WriteGoAway(out, last_stream_id, error_code,
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(debug_data.data()),
                                       debug_data.size()));
}

void WriteWindowUpdate(ByteSink& out, StreamId stream_id, uint32_t increment) noexcept {
  H2_DCHECK(increment >= 1 && increment <= kMaxWindowIncrement);
  PutUInt32(BeginFrame(out, kWindowUpdatePayloadSize, FrameType::kWindowUpdate, 0, stream_id),
            increment);
}

void WriteContinuation(ByteSink& out, StreamId stream_id, std::span<const uint8_t> fragment,
                       bool end_headers) noexcept {
  H2_DCHECK_NE(stream_id, 0u);
  PutBytes(BeginFrame(out, static_cast<uint32_t>(fragment.size()), FrameType::kContinuation,
                      end_headers ? flags::kEndHeaders : 0, stream_id),
           fragment.data(), fragment.size());
}

void WriteAltSvc(ByteSink& out, StreamId stream_id, std::string_view origin,
                 std::string_view field_value) noexcept {
  H2_DCHECK_LE(origin.size(), 0xffffu);
  uint8_t* p = BeginFrame(
      out, static_cast<uint32_t>(kAltSvcMinPayloadSize + origin.size() + field_value.size()),
      FrameType::kAltSvc, 0, stream_id);
  p = PutUInt16(p, static_cast<uint16_t>(origin.size()));
  p = PutBytes(p, origin.data(), origin.size());
  PutBytes(p, field_value.data(), field_value.size());
}

void WriteOrigin(ByteSink& out, std::span<const std::string_view> origins) noexcept {
  size_t length = 0;
  for (std::string_view origin : origins) {
    H2_DCHECK_LE(origin.size(), 0xffffu);
    length += 2 + origin.size();
  }
  uint8_t* p = BeginFrame(out, static_cast<uint32_t>(length), FrameType::kOrigin, 0, 0);
  for (std::string_view origin : origins) {
    p = PutUInt16(p, static_cast<uint16_t>(origin.size()));
    p = PutBytes(p, origin.data(), origin.size());
  }
}

void WritePriorityUpdate(ByteSink& out, StreamId prioritized_stream_id,
                         std::string_view field_value) noexcept {
  H2_DCHECK(prioritized_stream_id != 0 && prioritized_stream_id <= kMaxStreamId);
  uint8_t* p =
      BeginFrame(out, static_cast<uint32_t>(kPriorityUpdateMinPayloadSize + field_value.size()),
                 FrameType::kPriorityUpdate, 0, 0);
  p = PutUInt32(p, prioritized_stream_id);
  PutBytes(p, field_value.data(), field_value.size());
}

namespace {

// WriteContinuations writes `rest` as CONTINUATION frames of at most max_frame_size octets,
// END_HEADERS on the last; nothing if `rest` is empty.
void WriteContinuations(ByteSink& out, StreamId stream_id, std::span<const uint8_t> rest,
                        uint32_t max_frame_size) {
  while (!rest.empty()) {
    size_t n = std::min<size_t>(rest.size(), max_frame_size);
    WriteContinuation(out, stream_id, rest.first(n), n == rest.size());
    rest = rest.subspan(n);
  }
}

// ReserveForBlock reserves the whole output of a split field block at once.
void ReserveForBlock(ByteSink& out, size_t block_size, uint32_t first_overhead,
                     uint32_t max_frame_size) {
  size_t first = std::min<size_t>(block_size, max_frame_size - first_overhead);
  size_t rest = block_size - first;
  size_t frames = 1 + (rest + max_frame_size - 1) / max_frame_size;
  out.Reserve(frames * kFrameHeaderSize + first_overhead + block_size);
}

}  // namespace

void WriteHeaderBlock(ByteSink& out, StreamId stream_id, std::span<const uint8_t> block,
                      bool end_stream, uint32_t max_frame_size,
                      const std::optional<PriorityFields>& priority) noexcept {
  const uint32_t overhead = priority ? kPriorityFieldsSize : 0;
  H2_DCHECK_GT(max_frame_size, overhead);
  H2_DCHECK_LE(max_frame_size, kMaxFrameLength);
  ReserveForBlock(out, block.size(), overhead, max_frame_size);
  size_t first = std::min<size_t>(block.size(), max_frame_size - overhead);
  WriteHeaders(out, stream_id, block.first(first), end_stream, first == block.size(), priority);
  WriteContinuations(out, stream_id, block.subspan(first), max_frame_size);
}

void WritePushPromiseBlock(ByteSink& out, StreamId stream_id, StreamId promised_stream_id,
                           std::span<const uint8_t> block, uint32_t max_frame_size) noexcept {
  H2_DCHECK_GT(max_frame_size, kPromisedStreamIdSize);
  H2_DCHECK_LE(max_frame_size, kMaxFrameLength);
  ReserveForBlock(out, block.size(), kPromisedStreamIdSize, max_frame_size);
  size_t first = std::min<size_t>(block.size(), max_frame_size - kPromisedStreamIdSize);
  WritePushPromise(out, stream_id, promised_stream_id, block.first(first), first == block.size());
  WriteContinuations(out, stream_id, block.subspan(first), max_frame_size);
}

}  // namespace h2engine::h2
