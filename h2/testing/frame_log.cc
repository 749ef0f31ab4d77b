#include "h2/testing/frame_log.h"

#include <cstdio>
#include <cstring>

namespace h2engine::h2::testing {
namespace {

std::string SettingName(SettingsId id) {
  std::string name(SettingsIdName(id));
  if (name.rfind("SETTINGS_", 0) == 0) name = name.substr(9);
  if (name == "UNKNOWN") name = "0x" + std::to_string(static_cast<unsigned>(id));
  return name;
}

uint64_t Opaque(const PingData& d) {
  uint64_t v = 0;
  for (uint8_t b : d) v = (v << 8) | b;
  return v;
}

std::string CodeName(ErrorCode code) {
  std::string_view name = ErrorCodeName(code);
  if (name == "UNKNOWN") return "0x" + std::to_string(static_cast<uint32_t>(code));
  return std::string(name);
}

}  // namespace

std::string Hex64(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "0x%016llx", static_cast<unsigned long long>(v));
  return buf;
}

FrameLog::FrameLog(bool client_preface, uint32_t header_table_size)
    : decoder_(this),
      hpack_(hpack::DecoderOptions{.max_table_size = header_table_size,
                                   .max_header_list_size = 1 << 24,
                                   .max_string_length = 1 << 24}),
      expect_preface_(client_preface) {
  decoder_.set_max_frame_size(kMaxAllowedMaxFrameSize);
}

std::vector<std::string> FrameLog::Feed(std::span<const uint8_t> bytes) {
  fresh_.clear();
  if (expect_preface_ && preface_matched_ < kClientPreface.size()) {
    const size_t n = std::min(bytes.size(), kClientPreface.size() - preface_matched_);
    if (std::memcmp(bytes.data(), kClientPreface.data() + preface_matched_, n) != 0) {
      Fail("bad client preface");
      return {};
    }
    preface_matched_ += n;
    bytes = bytes.subspan(n);
  }
  (void)decoder_.Decode(bytes);
  return fresh_;
}

std::vector<std::string> FrameLog::Summaries() const {
  std::vector<std::string> out;
  for (const ParsedFrame& f : frames_) out.push_back(f.summary);
  return out;
}

std::string FrameLog::Body(StreamId id) const {
  auto it = bodies_.find(id);
  return it == bodies_.end() ? std::string() : it->second;
}

void FrameLog::Fail(std::string what) {
  if (error_.empty()) error_ = std::move(what);
}

void FrameLog::Push(ParsedFrame frame) {
  fresh_.push_back(frame.summary);
  frames_.push_back(std::move(frame));
}

void FrameLog::OnFrameHeader(const FrameHeader& h) {
  if (in_block_ && (h.type != FrameType::kContinuation || h.stream_id != block_stream_)) {
    Fail("frame interleaved in a header block: " + ToString(h));
  }
  current_ = ParsedFrame{};
  current_.header = h;
}

void FrameLog::OnDataStart(const FrameHeader&, uint8_t) {}
void FrameLog::OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) {
  current_.payload.append(reinterpret_cast<const char*>(data.data()), data.size());
  bodies_[h.stream_id].append(reinterpret_cast<const char*>(data.data()), data.size());
}
void FrameLog::OnDataEnd(const FrameHeader& h) {
  current_.summary = "DATA " + std::to_string(h.stream_id) + (h.IsEndStream() ? " ES" : "") +
                     " len=" + std::to_string(current_.payload.size());
  Push(std::move(current_));
}

void FrameLog::OnHeadersStart(const FrameHeader& h, uint8_t, const std::optional<PriorityFields>&) {
  in_block_ = true;
  block_stream_ = h.stream_id;
  block_header_ = h;
  continuations_ = 0;
  block_fields_.clear();
  hpack_.StartBlock(this);
}
void FrameLog::OnPushPromiseStart(const FrameHeader& h, uint8_t, StreamId) {
  Fail("PUSH_PROMISE sent");
  OnHeadersStart(h, 0, std::nullopt);
}
void FrameLog::OnContinuationStart(const FrameHeader& h) {
  if (!in_block_) Fail("CONTINUATION without a header block: " + ToString(h));
  ++continuations_;
}
void FrameLog::OnHeaderBlockFragment(const FrameHeader&, std::span<const uint8_t> fragment) {
  const hpack::HpackError e = hpack_.DecodeFragment(fragment);
  if (e != hpack::HpackError::kNone) Fail("HPACK: " + std::string(hpack::HpackErrorName(e)));
}
void FrameLog::OnHeadersEnd(const FrameHeader& h) {
  if (h.IsEndHeaders()) {
    EndBlock(h);
  } else {
    current_.summary = "(HEADERS " + std::to_string(h.stream_id) + " without END_HEADERS)";
    frames_.push_back(std::move(current_));
  }
}
void FrameLog::OnPushPromiseEnd(const FrameHeader& h) { OnHeadersEnd(h); }
void FrameLog::OnContinuationEnd(const FrameHeader& h) {
  if (h.IsEndHeaders()) {
    EndBlock(h);
  } else {
    current_.summary = "(CONTINUATION " + std::to_string(h.stream_id) + ")";
    frames_.push_back(std::move(current_));
  }
}

void FrameLog::EndBlock(const FrameHeader& h) {
  in_block_ = false;
  const hpack::HpackError e = hpack_.EndBlock();
  if (e != hpack::HpackError::kNone) Fail("HPACK: " + std::string(hpack::HpackErrorName(e)));
  std::string s = "HEADERS " + std::to_string(h.stream_id);
  if (block_header_.IsEndStream()) s += " ES";
  if (continuations_ > 0) s += " +" + std::to_string(continuations_) + "CONT";
  s += " [";
  for (size_t i = 0; i < block_fields_.size(); ++i) {
    if (i > 0) s += " ";
    s += block_fields_[i].name + "=" + block_fields_[i].value;
  }
  s += "]";
  current_.summary = std::move(s);
  current_.headers = std::move(block_fields_);
  block_fields_.clear();
  Push(std::move(current_));
}

void FrameLog::OnHeader(std::string_view name, std::string_view value, bool never_indexed) {
  block_fields_.push_back(HeaderEntry{std::string(name), std::string(value), never_indexed});
}

void FrameLog::OnPriority(const FrameHeader& h, const PriorityFields&) {
  current_.summary = "PRIORITY " + std::to_string(h.stream_id);
  Push(std::move(current_));
}
void FrameLog::OnRstStream(const FrameHeader& h, ErrorCode code) {
  current_.error_code = code;
  current_.summary = "RST_STREAM " + std::to_string(h.stream_id) + " " + CodeName(code);
  Push(std::move(current_));
}
void FrameLog::OnSettingsStart(const FrameHeader&) {}
void FrameLog::OnSetting(const FrameHeader&, const Setting& s) { current_.settings.push_back(s); }
void FrameLog::OnUnknownSetting(const FrameHeader&, const Setting& s) {
  current_.settings.push_back(s);
}
void FrameLog::OnSettingsEnd(const FrameHeader&) {
  std::string s = "SETTINGS";
  for (const Setting& setting : current_.settings) {
    s += " " + SettingName(setting.id) + "=" + std::to_string(setting.value);
  }
  current_.summary = std::move(s);
  Push(std::move(current_));
}
void FrameLog::OnSettingsAck(const FrameHeader&) {
  current_.summary = "SETTINGS ACK";
  Push(std::move(current_));
}
void FrameLog::OnPing(const FrameHeader&, const PingData& data) {
  current_.opaque = Opaque(data);
  current_.summary = "PING " + Hex64(current_.opaque);
  Push(std::move(current_));
}
void FrameLog::OnPingAck(const FrameHeader&, const PingData& data) {
  current_.opaque = Opaque(data);
  current_.summary = "PING ACK " + Hex64(current_.opaque);
  Push(std::move(current_));
}
void FrameLog::OnGoAway(const FrameHeader&, StreamId last, ErrorCode code,
                        std::span<const uint8_t> debug) {
  current_.last_stream_id = last;
  current_.error_code = code;
  current_.payload.assign(reinterpret_cast<const char*>(debug.data()), debug.size());
  current_.summary = "GOAWAY last=" + std::to_string(last) + " " + CodeName(code);
  Push(std::move(current_));
}
void FrameLog::OnWindowUpdate(const FrameHeader& h, uint32_t increment) {
  current_.increment = increment;
  current_.summary =
      "WINDOW_UPDATE " + std::to_string(h.stream_id) + " +" + std::to_string(increment);
  Push(std::move(current_));
}
void FrameLog::OnPriorityUpdate(const FrameHeader&, StreamId prioritized, std::string_view value) {
  current_.summary = "PRIORITY_UPDATE " + std::to_string(prioritized) + " " + std::string(value);
  Push(std::move(current_));
}
void FrameLog::OnUnknownEnd(const FrameHeader& h) {
  current_.summary = "UNKNOWN type=" + std::to_string(static_cast<int>(h.type));
  Push(std::move(current_));
}
void FrameLog::OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                            std::string_view reason) {
  Fail("invalid frame " + ToString(h) + ": " + std::string(ErrorCodeName(code)) + " " +
       std::string(ErrorScopeName(scope)) + " " + std::string(reason));
}

}  // namespace h2engine::h2::testing
