#include "h2/testing/frame_sequence.h"

#include <algorithm>

#include "base/byte_sink.h"
#include "h2/frame_writer.h"
#include "hpack/header_field.h"

namespace h2engine::h2::testing {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

uint64_t Append(std::string& out, const ByteSink& sink) {
  out.append(sink.view());
  return sink.size();
}

}  // namespace

HeaderFields RequestHeaders(std::string_view method, std::string_view path, HeaderFields extra) {
  HeaderFields fields = {{":method", std::string(method)},
                         {":scheme", "https"},
                         {":authority", "example.test"},
                         {":path", std::string(path)}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  return fields;
}

HeaderFields ResponseHeaders(std::string_view status, HeaderFields extra) {
  HeaderFields fields = {{":status", std::string(status)}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  return fields;
}

FrameSequence::FrameSequence() : encoder_(std::make_unique<hpack::Encoder>()) {}

FrameSequence& FrameSequence::ClientPreface(const std::vector<Setting>& settings) {
  bytes_.append(kClientPreface);
  return Settings(settings);
}

FrameSequence& FrameSequence::ServerPreface(const std::vector<Setting>& settings) {
  return Settings(settings);
}

FrameSequence& FrameSequence::Settings(const std::vector<Setting>& settings) {
  ByteSink sink;
  WriteSettings(sink, settings);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::SettingsAck() {
  ByteSink sink;
  WriteSettingsAck(sink);
  Append(bytes_, sink);
  return *this;
}

std::string FrameSequence::EncodeBlock(const HeaderFields& fields) {
  std::vector<hpack::HeaderField> hf;
  for (const auto& [name, value] : fields) hf.push_back({name, value, false});
  ByteSink sink;
  encoder_->Encode(hf, sink);
  return std::string(sink.view());
}

FrameSequence& FrameSequence::Headers(StreamId id, const HeaderFields& fields, bool end_stream,
                                      const HeadersOptions& options) {
  return HeadersFragment(id, EncodeBlock(fields), end_stream, options.end_headers, options);
}

FrameSequence& FrameSequence::HeadersInPieces(StreamId id, const HeaderFields& fields,
                                              bool end_stream, size_t piece) {
  const std::string block = EncodeBlock(fields);
  piece = std::max<size_t>(piece, 1);
  const size_t first = std::min(piece, block.size());
  HeadersFragment(id, std::string_view(block).substr(0, first), end_stream,
                  first == block.size(), {});
  for (size_t pos = first; pos < block.size(); pos += piece) {
    const size_t n = std::min(piece, block.size() - pos);
    Continuation(id, std::string_view(block).substr(pos, n), pos + n == block.size());
  }
  return *this;
}

FrameSequence& FrameSequence::HeadersFragment(StreamId id, std::string_view fragment,
                                              bool end_stream, bool end_headers,
                                              const HeadersOptions& options) {
  ByteSink sink;
  WriteHeaders(sink, id, Bytes(fragment), end_stream, end_headers, options.priority,
               options.pad_length);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::Continuation(StreamId id, std::string_view fragment,
                                           bool end_headers) {
  ByteSink sink;
  WriteContinuation(sink, id, Bytes(fragment), end_headers);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::Data(StreamId id, std::string_view payload, bool end_stream,
                                   std::optional<uint8_t> pad_length) {
  ByteSink sink;
  WriteData(sink, id, Bytes(payload), end_stream, pad_length);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::RstStream(StreamId id, ErrorCode code) {
  ByteSink sink;
  WriteRstStream(sink, id, code);
  Append(bytes_, sink);
  return *this;
}

static PingData ToPing(uint64_t v) {
  PingData d;
  for (int i = 7; i >= 0; --i) {
    d[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
    v >>= 8;
  }
  return d;
}

FrameSequence& FrameSequence::Ping(uint64_t opaque) {
  ByteSink sink;
  WritePing(sink, ToPing(opaque), false);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::PingAck(uint64_t opaque) {
  ByteSink sink;
  WritePing(sink, ToPing(opaque), true);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::GoAway(StreamId last_stream_id, ErrorCode code,
                                     std::string_view debug) {
  ByteSink sink;
  WriteGoAway(sink, last_stream_id, code, debug);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::WindowUpdate(StreamId id, uint32_t increment) {
  // Written by hand: the writer DCHECKs 1..2^31-1 and tests need 0 too.
  std::string payload(4, '\0');
  for (int i = 0; i < 4; ++i) payload[static_cast<size_t>(i)] = static_cast<char>(increment >> (24 - 8 * i));
  return RawFrame(static_cast<uint8_t>(FrameType::kWindowUpdate), 0, id, payload);
}

FrameSequence& FrameSequence::Priority(StreamId id, const PriorityFields& priority) {
  ByteSink sink;
  WritePriority(sink, id, priority);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::PriorityUpdate(StreamId prioritized, std::string_view value) {
  ByteSink sink;
  WritePriorityUpdate(sink, prioritized, value);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::PushPromise(StreamId id, StreamId promised,
                                          const HeaderFields& fields) {
  const std::string block = EncodeBlock(fields);
  ByteSink sink;
  WritePushPromise(sink, id, promised, Bytes(block), true);
  Append(bytes_, sink);
  return *this;
}

FrameSequence& FrameSequence::RawFrame(uint8_t type, uint8_t flags, StreamId id,
                                       std::string_view payload, std::optional<uint32_t> length) {
  const uint32_t len = length.value_or(static_cast<uint32_t>(payload.size()));
  bytes_.push_back(static_cast<char>(len >> 16));
  bytes_.push_back(static_cast<char>(len >> 8));
  bytes_.push_back(static_cast<char>(len));
  bytes_.push_back(static_cast<char>(type));
  bytes_.push_back(static_cast<char>(flags));
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<char>(id >> (24 - 8 * i)));
  bytes_.append(payload);
  return *this;
}

FrameSequence& FrameSequence::Raw(std::string_view bytes) {
  bytes_.append(bytes);
  return *this;
}

std::string FrameSequence::Take() {
  std::string out;
  out.swap(bytes_);
  return out;
}

}  // namespace h2engine::h2::testing
