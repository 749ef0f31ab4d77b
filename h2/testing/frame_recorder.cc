#include "h2/testing/frame_recorder.h"

#include <cstdio>

namespace h2engine::h2::testing {
namespace {

std::string Hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%02x", v);
  return buf;
}

std::string TypeName(FrameType type) {
  std::string_view name = FrameTypeName(type);
  if (name == "UNKNOWN") return "UNKNOWN(" + Hex(static_cast<uint8_t>(type)) + ")";
  return std::string(name);
}

std::string CodeName(ErrorCode code) {
  std::string_view name = ErrorCodeName(code);
  if (name == "UNKNOWN") return "UNKNOWN(" + Hex(static_cast<uint32_t>(code)) + ")";
  return std::string(name);
}

std::string PriorityText(const PriorityFields& p) {
  return "excl:" + std::to_string(p.exclusive ? 1 : 0) + ",dep:" + std::to_string(p.dependency) +
         ",weight:" + std::to_string(p.weight);
}

std::string SettingText(const Setting& s) {
  return Hex(static_cast<uint16_t>(s.id)) + "=" + std::to_string(s.value);
}

}  // namespace

std::string EscapeBytes(std::span<const uint8_t> bytes) {
  std::string out = "\"";
  for (uint8_t c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  out += '"';
  return out;
}

std::string EscapeBytes(std::string_view bytes) {
  return EscapeBytes(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string FrameRecorder::Joined() const {
  std::string out;
  for (const std::string& e : events_) {
    out += e;
    out += '\n';
  }
  return out;
}

void FrameRecorder::Clear() { *this = FrameRecorder(); }

void FrameRecorder::Add(std::string event) {
  events_.push_back(std::move(event));
  last_was_piece_ = false;
}

void FrameRecorder::AppendBytes(std::string_view kind, std::span<const uint8_t> bytes) {
  std::string escaped = EscapeBytes(bytes);
  if (last_was_piece_ && last_kind_ == kind && !events_.empty()) {
    std::string& last = events_.back();
    last.pop_back();  // The closing quote; the new bytes' opening one goes too.
    last.append(escaped, 1);
    return;
  }
  events_.push_back(std::string(kind) + " " + escaped);
  last_kind_ = std::string(kind);
  last_was_piece_ = true;
}

void FrameRecorder::Violation(std::string_view what) {
  if (violation_.empty()) {
    violation_ = std::string(what) + " (after " + std::to_string(events_.size()) + " events)";
  }
}

bool FrameRecorder::CheckHeader(const FrameHeader& h, std::string_view event) {
  if (!(h == header_)) {
    Violation(std::string(event) + ": header differs from OnFrameHeader's");
    return false;
  }
  return true;
}

bool FrameRecorder::CheckFirstEvent(const FrameHeader& h, FrameType type, std::string_view event) {
  if (phase_ != Phase::kAfterHeader) {
    Violation(std::string(event) + " not right after OnFrameHeader");
    return false;
  }
  if (h.type != type) {
    Violation(std::string(event) + " for a frame of another type");
    return false;
  }
  return CheckHeader(h, event);
}

bool FrameRecorder::CheckBody(const FrameHeader& h, std::string_view event) {
  if (phase_ != Phase::kBody) {
    Violation(std::string(event) + " outside a frame body");
    return false;
  }
  return CheckHeader(h, event);
}

void FrameRecorder::BeginBody(const FrameHeader& h, uint32_t fields, uint8_t pad_length) {
  phase_ = Phase::kBody;
  const bool padded =
      h.IsPadded() && (h.type == FrameType::kData || h.type == FrameType::kHeaders ||
                       h.type == FrameType::kPushPromise);
  uint32_t overhead = fields + (padded ? 1u + pad_length : 0u);
  if (!padded && pad_length != 0) Violation("pad_length without the PADDED flag");
  if (overhead > h.length) {
    Violation("frame fields exceed the frame length");
    overhead = h.length;
  }
  expected_payload_ = h.length - overhead;
  expected_padding_ = pad_length;
  payload_ = 0;
  padding_ = 0;
}

void FrameRecorder::EndBody(const FrameHeader& h, FrameType type, std::string_view event) {
  if (!CheckBody(h, event)) return;
  if (h.type != type) Violation(std::string(event) + " for a frame of another type");
  if (payload_ != expected_payload_)
    Violation(std::string(event) + ": payload pieces don't add up");
  if (padding_ != expected_padding_) Violation(std::string(event) + ": padding doesn't add up");
  Add(std::string(event));
  Finish();
}

void FrameRecorder::OnFrameHeader(const FrameHeader& h) {
  if (phase_ != Phase::kExpectHeader) Violation("OnFrameHeader inside a frame");
  if (IsKnownFrameType(static_cast<uint8_t>(h.type)) && (h.flags & ~DefinedFlags(h.type)) != 0)
    Violation("unused flags not masked");
  if (h.stream_id > kMaxStreamId) Violation("reserved bit in the stream id");
  header_ = h;
  ++frames_;
  phase_ = Phase::kAfterHeader;
  Add("header " + TypeName(h.type) + " len=" + std::to_string(h.length) + " flags=" + Hex(h.flags) +
      " stream=" + std::to_string(h.stream_id));
}

void FrameRecorder::OnDataStart(const FrameHeader& h, uint8_t pad_length) {
  CheckFirstEvent(h, FrameType::kData, "data_start");
  BeginBody(h, 0, pad_length);
  Add("data_start pad=" + std::to_string(pad_length));
}

void FrameRecorder::OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) {
  if (CheckBody(h, "data") && h.type != FrameType::kData) Violation("data in another frame");
  if (data.empty()) Violation("empty data piece");
  if (padding_ != 0) Violation("data after padding");
  payload_ += data.size();
  if (payload_ > expected_payload_) Violation("data beyond the payload");
  AppendBytes("data", data);
}

void FrameRecorder::OnDataEnd(const FrameHeader& h) { EndBody(h, FrameType::kData, "data_end"); }

void FrameRecorder::OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                                   const std::optional<PriorityFields>& priority) {
  CheckFirstEvent(h, FrameType::kHeaders, "headers_start");
  if (priority.has_value() != h.HasPriority()) Violation("priority fields vs PRIORITY flag");
  BeginBody(h, priority ? kPriorityFieldsSize : 0, pad_length);
  Add("headers_start pad=" + std::to_string(pad_length) +
      " priority=" + (priority ? PriorityText(*priority) : "none"));
}

void FrameRecorder::OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length,
                                       StreamId promised_stream_id) {
  CheckFirstEvent(h, FrameType::kPushPromise, "push_promise_start");
  BeginBody(h, kPromisedStreamIdSize, pad_length);
  Add("push_promise_start pad=" + std::to_string(pad_length) +
      " promised=" + std::to_string(promised_stream_id));
}

void FrameRecorder::OnContinuationStart(const FrameHeader& h) {
  CheckFirstEvent(h, FrameType::kContinuation, "continuation_start");
  BeginBody(h, 0, 0);
  Add("continuation_start");
}

void FrameRecorder::OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) {
  if (CheckBody(h, "fragment") && h.type != FrameType::kHeaders &&
      h.type != FrameType::kPushPromise && h.type != FrameType::kContinuation)
    Violation("fragment in a frame without a field block");
  if (fragment.empty()) Violation("empty fragment piece");
  if (padding_ != 0) Violation("fragment after padding");
  payload_ += fragment.size();
  if (payload_ > expected_payload_) Violation("fragment beyond the payload");
  AppendBytes("fragment", fragment);
}

void FrameRecorder::OnHeadersEnd(const FrameHeader& h) {
  EndBody(h, FrameType::kHeaders, "headers_end");
}

void FrameRecorder::OnPushPromiseEnd(const FrameHeader& h) {
  EndBody(h, FrameType::kPushPromise, "push_promise_end");
}

void FrameRecorder::OnContinuationEnd(const FrameHeader& h) {
  EndBody(h, FrameType::kContinuation, "continuation_end");
}

void FrameRecorder::OnPadding(const FrameHeader& h, size_t length) {
  CheckBody(h, "padding");
  if (length == 0) Violation("empty padding piece");
  if (payload_ != expected_payload_) Violation("padding before the payload ended");
  padding_ += length;
  if (padding_ > expected_padding_) Violation("padding beyond Pad Length");
  if (last_was_piece_ && last_kind_ == "padding" && !events_.empty()) {
    events_.back() = "padding " + std::to_string(padding_);
    return;
  }
  events_.push_back("padding " + std::to_string(length));
  last_kind_ = "padding";
  last_was_piece_ = true;
}

void FrameRecorder::OnPriority(const FrameHeader& h, const PriorityFields& priority) {
  CheckFirstEvent(h, FrameType::kPriority, "priority");
  Add("priority " + PriorityText(priority));
  Finish();
}

void FrameRecorder::OnRstStream(const FrameHeader& h, ErrorCode error_code) {
  CheckFirstEvent(h, FrameType::kRstStream, "rst_stream");
  Add("rst_stream " + CodeName(error_code));
  Finish();
}

void FrameRecorder::OnSettingsStart(const FrameHeader& h) {
  CheckFirstEvent(h, FrameType::kSettings, "settings_start");
  if (h.IsAck()) Violation("settings_start for an ACK");
  phase_ = Phase::kSettings;
  settings_ = 0;
  Add("settings_start");
}

void FrameRecorder::OnSetting(const FrameHeader& h, const Setting& setting) {
  if (phase_ != Phase::kSettings) Violation("setting outside SETTINGS");
  CheckHeader(h, "setting");
  ++settings_;
  Add("setting " + SettingText(setting));
}

void FrameRecorder::OnUnknownSetting(const FrameHeader& h, const Setting& setting) {
  if (phase_ != Phase::kSettings) Violation("unknown_setting outside SETTINGS");
  CheckHeader(h, "unknown_setting");
  ++settings_;
  Add("unknown_setting " + SettingText(setting));
}

void FrameRecorder::OnSettingsEnd(const FrameHeader& h) {
  if (phase_ != Phase::kSettings) Violation("settings_end outside SETTINGS");
  CheckHeader(h, "settings_end");
  if (settings_ * kSettingSize != h.length) Violation("settings don't add up to the length");
  Add("settings_end");
  Finish();
}

void FrameRecorder::OnSettingsAck(const FrameHeader& h) {
  CheckFirstEvent(h, FrameType::kSettings, "settings_ack");
  if (!h.IsAck() || h.length != 0) Violation("settings_ack for a non-ACK or non-empty frame");
  Add("settings_ack");
  Finish();
}

void FrameRecorder::OnPing(const FrameHeader& h, const PingData& data) {
  CheckFirstEvent(h, FrameType::kPing, "ping");
  if (h.IsAck()) Violation("ping with ACK");
  Add("ping " + EscapeBytes(std::span<const uint8_t>(data)));
  Finish();
}

void FrameRecorder::OnPingAck(const FrameHeader& h, const PingData& data) {
  CheckFirstEvent(h, FrameType::kPing, "ping_ack");
  if (!h.IsAck()) Violation("ping_ack without ACK");
  Add("ping_ack " + EscapeBytes(std::span<const uint8_t>(data)));
  Finish();
}

void FrameRecorder::OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                             std::span<const uint8_t> debug_data) {
  CheckFirstEvent(h, FrameType::kGoAway, "goaway");
  if (debug_data.size() + kGoAwayMinPayloadSize != h.length) Violation("goaway debug length");
  Add("goaway last=" + std::to_string(last_stream_id) + " " + CodeName(error_code) + " " +
      EscapeBytes(debug_data));
  Finish();
}

void FrameRecorder::OnWindowUpdate(const FrameHeader& h, uint32_t increment) {
  CheckFirstEvent(h, FrameType::kWindowUpdate, "window_update");
  if (increment == 0 || increment > kMaxWindowIncrement) Violation("window increment range");
  Add("window_update " + std::to_string(increment));
  Finish();
}

void FrameRecorder::OnAltSvc(const FrameHeader& h, std::string_view origin,
                             std::string_view value) {
  CheckFirstEvent(h, FrameType::kAltSvc, "altsvc");
  if (2 + origin.size() + value.size() != h.length) Violation("altsvc sizes");
  Add("altsvc origin=" + EscapeBytes(origin) + " value=" + EscapeBytes(value));
  Finish();
}

void FrameRecorder::OnOrigin(const FrameHeader& h, std::span<const std::string_view> origins) {
  CheckFirstEvent(h, FrameType::kOrigin, "origin");
  std::string event = "origin";
  size_t total = 0;
  for (std::string_view o : origins) {
    event += " " + EscapeBytes(o);
    total += 2 + o.size();
  }
  if (total != h.length) Violation("origin sizes");
  Add(std::move(event));
  Finish();
}

void FrameRecorder::OnPriorityUpdate(const FrameHeader& h, StreamId prioritized_stream_id,
                                     std::string_view field_value) {
  CheckFirstEvent(h, FrameType::kPriorityUpdate, "priority_update");
  if (prioritized_stream_id == 0) Violation("priority_update for stream 0");
  if (4 + field_value.size() != h.length) Violation("priority_update sizes");
  Add("priority_update stream=" + std::to_string(prioritized_stream_id) + " " +
      EscapeBytes(field_value));
  Finish();
}

void FrameRecorder::OnFrameIgnored(const FrameHeader& h, std::string_view reason) {
  if (phase_ != Phase::kAfterHeader) Violation("ignored not right after OnFrameHeader");
  CheckHeader(h, "ignored");
  if (h.type != FrameType::kAltSvc && h.type != FrameType::kOrigin)
    Violation("ignored for a frame that is not ALTSVC or ORIGIN");
  Add("ignored " + TypeName(h.type) + " \"" + std::string(reason) + "\"");
  Finish();
}

void FrameRecorder::OnUnknownStart(const FrameHeader& h) {
  if (phase_ != Phase::kAfterHeader) Violation("unknown_start not right after OnFrameHeader");
  CheckHeader(h, "unknown_start");
  if (IsKnownFrameType(static_cast<uint8_t>(h.type))) Violation("unknown_start for a known type");
  BeginBody(h, 0, 0);
  Add("unknown_start");
}

void FrameRecorder::OnUnknownPayload(const FrameHeader& h, std::span<const uint8_t> payload) {
  CheckBody(h, "unknown_payload");
  if (payload.empty()) Violation("empty unknown piece");
  payload_ += payload.size();
  if (payload_ > expected_payload_) Violation("unknown payload beyond the length");
  AppendBytes("unknown_payload", payload);
}

void FrameRecorder::OnUnknownEnd(const FrameHeader& h) { EndBody(h, h.type, "unknown_end"); }

void FrameRecorder::OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                                 std::string_view reason) {
  bool settings_error = phase_ == Phase::kSettings;
  if (phase_ != Phase::kAfterHeader && !settings_error)
    Violation("error neither right after OnFrameHeader nor inside SETTINGS");
  CheckHeader(h, "error");
  if (scope == ErrorScope::kStream && h.stream_id == 0) Violation("stream error on stream 0");
  if (code == ErrorCode::kNoError) Violation("error with NO_ERROR");
  Add("error " + CodeName(code) + " " + std::string(ErrorScopeName(scope)) + " \"" +
      std::string(reason) + "\"");
  if (scope == ErrorScope::kConnection) connection_error_ = true;
  phase_ = scope == ErrorScope::kConnection ? Phase::kDead : Phase::kExpectHeader;
}

}  // namespace h2engine::h2::testing
