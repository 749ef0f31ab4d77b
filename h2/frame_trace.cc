#include "h2/frame_trace.h"

#include <cstdio>
#include <utility>

#include "h2/frame_decoder.h"

namespace h2engine::h2 {
namespace {

std::string Format(const char* format, auto... args) {
  char buf[160];
  int n = std::snprintf(buf, sizeof(buf), format, args...);
  if (n < 0) return {};
  if (static_cast<size_t>(n) < sizeof(buf)) return std::string(buf, static_cast<size_t>(n));
  std::string out(static_cast<size_t>(n), '\0');
  std::snprintf(out.data(), out.size() + 1, format, args...);
  return out;
}

std::string TypeName(FrameType type) {
  std::string_view name = FrameTypeName(type);
  if (name == "UNKNOWN") return Format("extension(0x%02x)", static_cast<unsigned>(type));
  return std::string(name);
}

// "NO_ERROR(0x00)", as nghttp prints codes.
std::string CodeText(ErrorCode code) {
  return Format("%s(0x%02x)", std::string(ErrorCodeName(code)).c_str(),
                static_cast<uint32_t>(code));
}

// nghttp's util::ascii_dump: printable ASCII as is, anything else as '.'.
std::string AsciiDump(std::string_view bytes) {
  std::string out(bytes);
  for (char& c : out) {
    if (c < 0x20 || c >= 0x7f) c = '.';
  }
  return out;
}

std::string AsciiDump(std::span<const uint8_t> bytes) {
  return AsciiDump(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// The flag names nghttp lists for each type, in its order.
std::string FlagsText(const FrameHeader& h) {
  std::string out;
  auto add = [&](uint8_t flag, std::string_view name) {
    if ((h.flags & flag) == 0) return;
    if (!out.empty()) out += " | ";
    out += name;
  };
  switch (h.type) {
    case FrameType::kData:
      add(flags::kEndStream, "END_STREAM");
      add(flags::kPadded, "PADDED");
      break;
    case FrameType::kHeaders:
      add(flags::kEndStream, "END_STREAM");
      add(flags::kEndHeaders, "END_HEADERS");
      add(flags::kPadded, "PADDED");
      add(flags::kPriority, "PRIORITY");
      break;
    case FrameType::kPushPromise:
      add(flags::kEndHeaders, "END_HEADERS");
      add(flags::kPadded, "PADDED");
      break;
    case FrameType::kContinuation:
      add(flags::kEndHeaders, "END_HEADERS");
      break;
    case FrameType::kSettings:
    case FrameType::kPing:
      add(flags::kAck, "ACK");
      break;
    default:
      break;
  }
  return out;
}

// nghttp's padlen: the padding octets plus the Pad Length octet.
size_t PadLen(const FrameHeader& h, uint8_t pad_length) {
  return h.IsPadded() ? size_t{pad_length} + 1 : 0;
}

}  // namespace

FrameTracer::FrameTracer(Sink sink, FrameListener* next, FrameTraceOptions options)
    : sink_(std::move(sink)), next_(next), options_(std::move(options)) {}

void FrameTracer::Attr(std::string_view line) {
  attrs_ += options_.indent;
  attrs_ += line;
  attrs_ += '\n';
}

void FrameTracer::Emit(const FrameHeader& h, std::string_view tag) {
  std::string text = options_.prefix;
  text += tag;
  text += TypeName(h.type);
  text +=
      Format(" frame <length=%u, flags=0x%02x, stream_id=%u>\n", h.length, h.flags, h.stream_id);
  std::string flags = FlagsText(h);
  if (!flags.empty()) {
    text += options_.indent;
    text += "; ";
    text += flags;
    text += '\n';
  }
  text += attrs_;
  attrs_.clear();
  if (sink_) sink_(text);
}

void FrameTracer::OnFrameHeader(const FrameHeader& h) {
  attrs_.clear();
  if (next_) next_->OnFrameHeader(h);
}

void FrameTracer::OnDataStart(const FrameHeader& h, uint8_t pad_length) {
  if (h.IsPadded()) Attr(Format("(padlen=%zu)", PadLen(h, pad_length)));
  if (next_) next_->OnDataStart(h, pad_length);
}

void FrameTracer::OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) {
  if (next_) next_->OnDataPayload(h, data);
}

void FrameTracer::OnDataEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnDataEnd(h);
}

void FrameTracer::OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                                 const std::optional<PriorityFields>& priority) {
  std::string line = Format("(padlen=%zu", PadLen(h, pad_length));
  if (priority) {
    line += Format(", dep_stream_id=%u, weight=%u, exclusive=%d", priority->dependency,
                   unsigned{priority->weight}, priority->exclusive ? 1 : 0);
  }
  line += ')';
  Attr(line);
  if (next_) next_->OnHeadersStart(h, pad_length, priority);
}

void FrameTracer::OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length,
                                     StreamId promised_stream_id) {
  Attr(Format("(padlen=%zu, promised_stream_id=%u)", PadLen(h, pad_length), promised_stream_id));
  if (next_) next_->OnPushPromiseStart(h, pad_length, promised_stream_id);
}

void FrameTracer::OnContinuationStart(const FrameHeader& h) {
  if (next_) next_->OnContinuationStart(h);
}

void FrameTracer::OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) {
  if (next_) next_->OnHeaderBlockFragment(h, fragment);
}

void FrameTracer::OnHeadersEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnHeadersEnd(h);
}

void FrameTracer::OnPushPromiseEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnPushPromiseEnd(h);
}

void FrameTracer::OnContinuationEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnContinuationEnd(h);
}

void FrameTracer::OnPadding(const FrameHeader& h, size_t length) {
  if (next_) next_->OnPadding(h, length);
}

void FrameTracer::OnPriority(const FrameHeader& h, const PriorityFields& priority) {
  Attr(Format("(dep_stream_id=%u, weight=%u, exclusive=%d)", priority.dependency,
              unsigned{priority.weight}, priority.exclusive ? 1 : 0));
  Emit(h);
  if (next_) next_->OnPriority(h, priority);
}

void FrameTracer::OnRstStream(const FrameHeader& h, ErrorCode error_code) {
  Attr("(error_code=" + CodeText(error_code) + ")");
  Emit(h);
  if (next_) next_->OnRstStream(h, error_code);
}

void FrameTracer::OnSettingsStart(const FrameHeader& h) {
  Attr(Format("(niv=%u)", h.length / kSettingSize));
  if (next_) next_->OnSettingsStart(h);
}

void FrameTracer::OnSetting(const FrameHeader& h, const Setting& setting) {
  Attr(Format("[%s(0x%02x):%u]", std::string(SettingsIdName(setting.id)).c_str(),
              unsigned{static_cast<uint16_t>(setting.id)}, setting.value));
  if (next_) next_->OnSetting(h, setting);
}

void FrameTracer::OnUnknownSetting(const FrameHeader& h, const Setting& setting) {
  Attr(Format("[UNKNOWN(0x%02x):%u]", unsigned{static_cast<uint16_t>(setting.id)}, setting.value));
  if (next_) next_->OnUnknownSetting(h, setting);
}

void FrameTracer::OnSettingsEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnSettingsEnd(h);
}

void FrameTracer::OnSettingsAck(const FrameHeader& h) {
  Attr("(niv=0)");
  Emit(h);
  if (next_) next_->OnSettingsAck(h);
}

void FrameTracer::OnPing(const FrameHeader& h, const PingData& data) {
  std::string hex;
  for (uint8_t b : data) hex += Format("%02x", unsigned{b});
  Attr("(opaque_data=" + hex + ")");
  Emit(h);
  if (next_) next_->OnPing(h, data);
}

void FrameTracer::OnPingAck(const FrameHeader& h, const PingData& data) {
  std::string hex;
  for (uint8_t b : data) hex += Format("%02x", unsigned{b});
  Attr("(opaque_data=" + hex + ")");
  Emit(h);
  if (next_) next_->OnPingAck(h, data);
}

void FrameTracer::OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                           std::span<const uint8_t> debug_data) {
  Attr(Format("(last_stream_id=%u, error_code=", last_stream_id) + CodeText(error_code) +
       Format(", opaque_data(%zu)=[", debug_data.size()) + AsciiDump(debug_data) + "])");
  Emit(h);
  if (next_) next_->OnGoAway(h, last_stream_id, error_code, debug_data);
}

void FrameTracer::OnWindowUpdate(const FrameHeader& h, uint32_t increment) {
  Attr(Format("(window_size_increment=%u)", increment));
  Emit(h);
  if (next_) next_->OnWindowUpdate(h, increment);
}

void FrameTracer::OnAltSvc(const FrameHeader& h, std::string_view origin, std::string_view value) {
  Attr("(origin=[" + AsciiDump(origin) + "], altsvc_field_value=[" + AsciiDump(value) + "])");
  Emit(h);
  if (next_) next_->OnAltSvc(h, origin, value);
}

void FrameTracer::OnOrigin(const FrameHeader& h, std::span<const std::string_view> origins) {
  for (std::string_view origin : origins) Attr("[" + AsciiDump(origin) + "]");
  Emit(h);
  if (next_) next_->OnOrigin(h, origins);
}

void FrameTracer::OnPriorityUpdate(const FrameHeader& h, StreamId prioritized_stream_id,
                                   std::string_view field_value) {
  Attr(Format("(prioritized_stream_id=%u, priority_field_value=[", prioritized_stream_id) +
       AsciiDump(field_value) + "])");
  Emit(h);
  if (next_) next_->OnPriorityUpdate(h, prioritized_stream_id, field_value);
}

void FrameTracer::OnFrameIgnored(const FrameHeader& h, std::string_view reason) {
  attrs_.clear();
  Emit(h, "[IGNORED; " + std::string(reason) + "] ");
  if (next_) next_->OnFrameIgnored(h, reason);
}

void FrameTracer::OnUnknownStart(const FrameHeader& h) {
  if (next_) next_->OnUnknownStart(h);
}

void FrameTracer::OnUnknownPayload(const FrameHeader& h, std::span<const uint8_t> payload) {
  if (next_) next_->OnUnknownPayload(h, payload);
}

void FrameTracer::OnUnknownEnd(const FrameHeader& h) {
  Emit(h);
  if (next_) next_->OnUnknownEnd(h);
}

void FrameTracer::OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                               std::string_view reason) {
  Emit(h, "[INVALID; error=" + CodeText(code) + ", " + std::string(ErrorScopeName(scope)) + ": " +
              std::string(reason) + "] ");
  if (next_) next_->OnFrameError(h, code, scope, reason);
}

std::string TraceFrames(std::span<const uint8_t> bytes, uint32_t max_frame_size,
                        FrameTraceOptions options) {
  std::string out;
  FrameTracer tracer([&out](std::string_view text) { out += text; }, nullptr, std::move(options));
  FrameDecoder decoder(&tracer);
  decoder.set_max_frame_size(max_frame_size);
  (void)decoder.Decode(bytes);
  return out;
}

}  // namespace h2engine::h2
