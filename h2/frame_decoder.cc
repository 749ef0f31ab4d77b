#include "h2/frame_decoder.h"

#include <algorithm>
#include <cstring>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

// After a frame assembled more than this in buffer_, the buffer is released rather than kept:
// the common frames need a few dozen bytes, a large GOAWAY or ORIGIN is rare.
constexpr size_t kRetainedBufferCapacity = 4096;

// RFC 8336 §2.1: flags 0x1..0x8 of ORIGIN are reserved for backwards-incompatible changes; a
// frame carrying any of them MUST be ignored.
constexpr uint8_t kOriginReservedFlags = 0x0f;

uint32_t ReadUInt32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint32_t ReadUInt31(const uint8_t* p) { return ReadUInt32(p) & kMaxStreamId; }
uint16_t ReadUInt16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

PriorityFields ReadPriorityFields(const uint8_t* p) {
  PriorityFields fields;
  fields.exclusive = (p[0] & 0x80) != 0;
  fields.dependency = ReadUInt31(p);
  fields.weight = static_cast<uint16_t>(p[4] + 1);
  return fields;
}

std::string_view AsStringView(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

bool IsKnownSetting(SettingsId id) {
  switch (id) {
    case SettingsId::kHeaderTableSize:
    case SettingsId::kEnablePush:
    case SettingsId::kMaxConcurrentStreams:
    case SettingsId::kInitialWindowSize:
    case SettingsId::kMaxFrameSize:
    case SettingsId::kMaxHeaderListSize:
    case SettingsId::kEnableConnectProtocol:
    case SettingsId::kNoRfc7540Priorities:
      return true;
  }
  return false;
}

struct SettingError {
  ErrorCode code;
  std::string_view reason;
};

// CheckSetting applies the value rules of RFC 9113 §6.5.2, RFC 8441 §3 and RFC 9218 §2.1.
// Returns kNoError for a valid (or unknown) setting.
SettingError CheckSetting(const Setting& s) {
  switch (s.id) {
    case SettingsId::kEnablePush:
      if (s.value > 1) return {ErrorCode::kProtocolError, "SETTINGS_ENABLE_PUSH not 0 or 1"};
      break;
    case SettingsId::kInitialWindowSize:
      if (s.value > kMaxWindowSize)
        return {ErrorCode::kFlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1"};
      break;
    case SettingsId::kMaxFrameSize:
      if (s.value < kDefaultMaxFrameSize || s.value > kMaxAllowedMaxFrameSize)
        return {ErrorCode::kProtocolError, "SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1"};
      break;
    case SettingsId::kEnableConnectProtocol:
      if (s.value > 1)
        return {ErrorCode::kProtocolError, "SETTINGS_ENABLE_CONNECT_PROTOCOL not 0 or 1"};
      break;
    case SettingsId::kNoRfc7540Priorities:
      if (s.value > 1)
        return {ErrorCode::kProtocolError, "SETTINGS_NO_RFC7540_PRIORITIES not 0 or 1"};
      break;
    default:
      break;
  }
  return {ErrorCode::kNoError, {}};
}

}  // namespace

class FrameDecoder::Input {
 public:
  explicit Input(std::span<const uint8_t> bytes)
      : begin_(bytes.data()), cursor_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  size_t Remaining() const { return static_cast<size_t>(end_ - cursor_); }
  size_t Offset() const { return static_cast<size_t>(cursor_ - begin_); }
  size_t MinLengthRemaining(size_t length) const { return std::min(length, Remaining()); }
  const uint8_t* cursor() const { return cursor_; }
  void AdvanceCursor(size_t amount) {
    H2_DCHECK_LE(amount, Remaining());
    cursor_ += amount;
  }
  std::span<const uint8_t> Take(size_t amount) {
    H2_DCHECK_LE(amount, Remaining());
    std::span<const uint8_t> out(cursor_, amount);
    cursor_ += amount;
    return out;
  }

 private:
  const uint8_t* begin_;
  const uint8_t* cursor_;
  const uint8_t* end_;
};

FrameDecoder::FrameDecoder(FrameListener* listener) : listener_(listener) {
  H2_CHECK(listener != nullptr);
  buffer_.reserve(64);
}

void FrameDecoder::set_max_frame_size(uint32_t max_frame_size) {
  max_frame_size_ = std::clamp(max_frame_size, kDefaultMaxFrameSize, kMaxAllowedMaxFrameSize);
}

void FrameDecoder::Stop() {
  stopped_ = true;
  if (state_ != State::kError) state_ = State::kStopped;  // An error stays visible.
}

size_t FrameDecoder::Decode(std::span<const uint8_t> input) {
  Input db(input);
  DecodeStatus status = DecodeStatus::kDone;
  // Each step returns kDone when it finished its part of the frame (so the next state can run,
  // even with no input left: zero-length frames end here), kInProgress when it needs more
  // input, kError when decoding is over.
  while (status == DecodeStatus::kDone) {
    switch (state_) {
      case State::kFrameHeader:
        status = DecodeHeader(db);
        break;
      case State::kPrefix:
        status = DecodePrefix(db);
        break;
      case State::kPayload:
        status = DecodePayload(db);
        break;
      case State::kPadding:
        status = DecodePadding(db);
        break;
      case State::kWholePayload:
        status = DecodeWholePayload(db);
        break;
      case State::kSettings:
        status = DecodeSettings(db);
        break;
      case State::kSkipPayload:
        status = SkipPayload(db);
        break;
      case State::kError:
      case State::kStopped:
        status = DecodeStatus::kError;
        break;
    }
    if (H2_PREDICT_FALSE(stopped_)) {
      if (state_ != State::kError) state_ = State::kStopped;
      break;
    }
  }
  return db.Offset();
}

const uint8_t* FrameDecoder::Gather(Input& db, size_t need) {
  static constexpr uint8_t kNothing = 0;
  if (need == 0) return &kNothing;
  if (buffered_ == 0 && db.Remaining() >= need) return db.Take(need).data();
  H2_DCHECK(need <= kFrameHeaderSize || need <= max_frame_size_);
  if (buffer_.size() < need) buffer_.resize(need);
  size_t n = db.MinLengthRemaining(need - buffered_);
  if (n > 0) {
    std::memcpy(buffer_.data() + buffered_, db.cursor(), n);
    db.AdvanceCursor(n);
    buffered_ += n;
  }
  if (buffered_ < need) return nullptr;
  buffered_ = 0;
  return buffer_.data();
}

DecodeStatus FrameDecoder::ConnectionError(ErrorCode code, std::string_view reason) {
  state_ = State::kError;
  error_ = code;
  listener_->OnFrameError(header_, code, ErrorScope::kConnection, reason);
  return DecodeStatus::kError;
}

DecodeStatus FrameDecoder::StreamError(ErrorCode code, std::string_view reason) {
  H2_DCHECK_NE(header_.stream_id, 0u);
  state_ = State::kSkipPayload;  // remaining_ octets of this frame are dropped.
  padding_ = 0;
  listener_->OnFrameError(header_, code, ErrorScope::kStream, reason);
  return DecodeStatus::kDone;
}

DecodeStatus FrameDecoder::DecodeHeader(Input& db) {
  const uint8_t* p = Gather(db, kFrameHeaderSize);
  if (p == nullptr) return DecodeStatus::kInProgress;
  header_ = ParseFrameHeader(p);
  raw_flags_ = header_.flags;
  header_.flags &= DefinedFlags(header_.type);
  return StartFrame();
}

// StartFrame applies the checks that the header alone decides (RFC 9113 §4.2 and the per-type
// rules of §6 on stream 0 and lengths) and picks the state that reads the payload.
DecodeStatus FrameDecoder::StartFrame() {
  remaining_ = header_.length;
  padding_ = 0;
  prefix_length_ = 0;
  listener_->OnFrameHeader(header_);
  if (stopped_) return DecodeStatus::kError;

  // §4.2: every oversized frame is a connection error here (see the class comment).
  if (header_.length > max_frame_size_)
    return ConnectionError(ErrorCode::kFrameSizeError, "frame larger than SETTINGS_MAX_FRAME_SIZE");

  const uint32_t length = header_.length;
  const bool on_stream_0 = header_.stream_id == 0;
  const uint32_t pad_field = header_.IsPadded() ? kPadLengthSize : 0;
  switch (header_.type) {
    case FrameType::kData:  // §6.1
      if (on_stream_0) return ConnectionError(ErrorCode::kProtocolError, "DATA on stream 0");
      prefix_length_ = pad_field;
      break;
    case FrameType::kHeaders:  // §6.2
      if (on_stream_0) return ConnectionError(ErrorCode::kProtocolError, "HEADERS on stream 0");
      prefix_length_ = pad_field + (header_.HasPriority() ? kPriorityFieldsSize : 0);
      break;
    case FrameType::kPushPromise:  // §6.6
      if (on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError, "PUSH_PROMISE on stream 0");
      prefix_length_ = pad_field + kPromisedStreamIdSize;
      break;
    case FrameType::kContinuation:  // §6.10
      if (on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError, "CONTINUATION on stream 0");
      break;
    case FrameType::kPriority:  // §6.3
      if (on_stream_0) return ConnectionError(ErrorCode::kProtocolError, "PRIORITY on stream 0");
      if (length != kPriorityPayloadSize)
        return StreamError(ErrorCode::kFrameSizeError, "PRIORITY length is not 5");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kRstStream:  // §6.4
      if (on_stream_0) return ConnectionError(ErrorCode::kProtocolError, "RST_STREAM on stream 0");
      if (length != kRstStreamPayloadSize)
        return ConnectionError(ErrorCode::kFrameSizeError, "RST_STREAM length is not 4");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kSettings:  // §6.5
      if (!on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError, "SETTINGS on a stream other than 0");
      if (header_.IsAck()) {
        if (length != 0)
          return ConnectionError(ErrorCode::kFrameSizeError, "SETTINGS ACK with a payload");
        state_ = State::kFrameHeader;
        listener_->OnSettingsAck(header_);
        return DecodeStatus::kDone;
      }
      if (length % kSettingSize != 0)
        return ConnectionError(ErrorCode::kFrameSizeError,
                               "SETTINGS length is not a multiple of 6");
      state_ = State::kSettings;
      listener_->OnSettingsStart(header_);
      return DecodeStatus::kDone;
    case FrameType::kPing:  // §6.7
      if (!on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError, "PING on a stream other than 0");
      if (length != kPingPayloadSize)
        return ConnectionError(ErrorCode::kFrameSizeError, "PING length is not 8");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kGoAway:  // §6.8
      if (!on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError, "GOAWAY on a stream other than 0");
      if (length < kGoAwayMinPayloadSize)
        return ConnectionError(ErrorCode::kFrameSizeError, "GOAWAY shorter than 8 octets");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kWindowUpdate:  // §6.9
      if (length != kWindowUpdatePayloadSize)
        return ConnectionError(ErrorCode::kFrameSizeError, "WINDOW_UPDATE length is not 4");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kAltSvc:  // RFC 7838 §4
      if (length < kAltSvcMinPayloadSize) {
        state_ = State::kSkipPayload;
        listener_->OnFrameIgnored(header_, "ALTSVC too short for Origin-Len");
        return DecodeStatus::kDone;
      }
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kOrigin:  // RFC 8336 §2.1
      if (!on_stream_0 || (raw_flags_ & kOriginReservedFlags) != 0) {
        state_ = State::kSkipPayload;
        listener_->OnFrameIgnored(header_, on_stream_0 ? "ORIGIN with a reserved flag set"
                                                       : "ORIGIN on a stream other than 0");
        return DecodeStatus::kDone;
      }
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    case FrameType::kPriorityUpdate:  // RFC 9218 §7.1
      if (!on_stream_0)
        return ConnectionError(ErrorCode::kProtocolError,
                               "PRIORITY_UPDATE on a stream other than 0");
      if (length < kPriorityUpdateMinPayloadSize)
        return ConnectionError(ErrorCode::kFrameSizeError, "PRIORITY_UPDATE shorter than 4 octets");
      state_ = State::kWholePayload;
      return DecodeStatus::kDone;
    default:  // §4.1, §5.5: unknown types are ignored, after the size check above.
      state_ = State::kPayload;
      listener_->OnUnknownStart(header_);
      return DecodeStatus::kDone;
  }

  // DATA, HEADERS, PUSH_PROMISE, CONTINUATION. §4.2: "too small to contain mandatory frame
  // data"; all four can alter connection state (flow control, HPACK), so a connection error.
  if (length < prefix_length_)
    return ConnectionError(ErrorCode::kFrameSizeError,
                           "frame too short for its Pad Length, "
                           "priority or promised stream fields");
  if (prefix_length_ > 0) {
    state_ = State::kPrefix;
    return DecodeStatus::kDone;
  }
  StartBody();
  return DecodeStatus::kDone;
}

DecodeStatus FrameDecoder::DecodePrefix(Input& db) {
  const uint8_t* p = Gather(db, prefix_length_);
  if (p == nullptr) return DecodeStatus::kInProgress;
  remaining_ -= prefix_length_;
  uint8_t pad_length = 0;
  if (header_.IsPadded()) {
    pad_length = *p++;
    // §6.1, §6.2, §6.6: padding as long as the payload or longer is a connection error. The
    // priority fields and promised stream id are mandatory too, so they count as well.
    if (pad_length > remaining_)
      return ConnectionError(ErrorCode::kProtocolError, "Pad Length exceeds the frame payload");
  }
  padding_ = pad_length;
  remaining_ -= pad_length;
  state_ = State::kPayload;
  switch (header_.type) {
    case FrameType::kData:
      listener_->OnDataStart(header_, pad_length);
      break;
    case FrameType::kHeaders: {
      std::optional<PriorityFields> priority;
      if (header_.HasPriority()) priority = ReadPriorityFields(p);
      listener_->OnHeadersStart(header_, pad_length, priority);
      break;
    }
    case FrameType::kPushPromise: {
      StreamId promised = ReadUInt31(p);
      // §6.6: the promised stream must be idle; stream 0 never is. (Whether another id is
      // idle is the connection's question.)
      if (promised == 0)
        return ConnectionError(ErrorCode::kProtocolError, "PUSH_PROMISE promising stream 0");
      listener_->OnPushPromiseStart(header_, pad_length, promised);
      break;
    }
    default:
      H2_DCHECK(false);
      break;
  }
  return DecodeStatus::kDone;
}

// StartBody reports the start of a DATA, HEADERS, PUSH_PROMISE or CONTINUATION frame without
// a prefix, or of an unknown frame.
void FrameDecoder::StartBody() {
  state_ = State::kPayload;
  switch (header_.type) {
    case FrameType::kData:
      listener_->OnDataStart(header_, 0);
      break;
    case FrameType::kHeaders:
      listener_->OnHeadersStart(header_, 0, std::nullopt);
      break;
    case FrameType::kContinuation:
      listener_->OnContinuationStart(header_);
      break;
    default:
      H2_DCHECK(false);
      break;
  }
}

DecodeStatus FrameDecoder::DecodePayload(Input& db) {
  size_t n = db.MinLengthRemaining(remaining_);
  if (n > 0) {
    std::span<const uint8_t> piece = db.Take(n);
    remaining_ -= static_cast<uint32_t>(n);
    switch (header_.type) {
      case FrameType::kData:
        listener_->OnDataPayload(header_, piece);
        break;
      case FrameType::kHeaders:
      case FrameType::kPushPromise:
      case FrameType::kContinuation:
        listener_->OnHeaderBlockFragment(header_, piece);
        break;
      default:
        listener_->OnUnknownPayload(header_, piece);
        break;
    }
    if (stopped_) return DecodeStatus::kError;
  }
  if (remaining_ > 0) return DecodeStatus::kInProgress;
  if (padding_ > 0) {
    state_ = State::kPadding;
    return DecodeStatus::kDone;
  }
  EndFrame();
  return DecodeStatus::kDone;
}

DecodeStatus FrameDecoder::DecodePadding(Input& db) {
  size_t n = db.MinLengthRemaining(padding_);
  if (n > 0) {
    db.AdvanceCursor(n);
    padding_ -= static_cast<uint32_t>(n);
    listener_->OnPadding(header_, n);
    if (stopped_) return DecodeStatus::kError;
  }
  if (padding_ > 0) return DecodeStatus::kInProgress;
  EndFrame();
  return DecodeStatus::kDone;
}

void FrameDecoder::EndFrame() {
  state_ = State::kFrameHeader;
  switch (header_.type) {
    case FrameType::kData:
      listener_->OnDataEnd(header_);
      break;
    case FrameType::kHeaders:
      listener_->OnHeadersEnd(header_);
      break;
    case FrameType::kPushPromise:
      listener_->OnPushPromiseEnd(header_);
      break;
    case FrameType::kContinuation:
      listener_->OnContinuationEnd(header_);
      break;
    default:
      listener_->OnUnknownEnd(header_);
      break;
  }
}

DecodeStatus FrameDecoder::SkipPayload(Input& db) {
  size_t n = db.MinLengthRemaining(remaining_);
  db.AdvanceCursor(n);
  remaining_ -= static_cast<uint32_t>(n);
  if (remaining_ > 0) return DecodeStatus::kInProgress;
  state_ = State::kFrameHeader;
  return DecodeStatus::kDone;
}

DecodeStatus FrameDecoder::DecodeSettings(Input& db) {
  while (remaining_ > 0) {
    const uint8_t* p = Gather(db, kSettingSize);
    if (p == nullptr) return DecodeStatus::kInProgress;
    remaining_ -= kSettingSize;
    Setting setting{static_cast<SettingsId>(ReadUInt16(p)), ReadUInt32(p + 2)};
    if (!IsKnownSetting(setting.id)) {  // §6.5.2: MUST ignore.
      listener_->OnUnknownSetting(header_, setting);
    } else {
      SettingError error = CheckSetting(setting);
      if (error.code != ErrorCode::kNoError) return ConnectionError(error.code, error.reason);
      listener_->OnSetting(header_, setting);
    }
    if (stopped_) return DecodeStatus::kError;
  }
  state_ = State::kFrameHeader;
  listener_->OnSettingsEnd(header_);
  return DecodeStatus::kDone;
}

DecodeStatus FrameDecoder::DecodeWholePayload(Input& db) {
  const uint8_t* p = Gather(db, header_.length);
  if (p == nullptr) return DecodeStatus::kInProgress;
  remaining_ = 0;
  state_ = State::kFrameHeader;
  DecodeStatus status = DecodeStatus::kDone;
  const uint32_t length = header_.length;
  switch (header_.type) {
    case FrameType::kPriority:
      listener_->OnPriority(header_, ReadPriorityFields(p));
      break;
    case FrameType::kRstStream:
      listener_->OnRstStream(header_, static_cast<ErrorCode>(ReadUInt32(p)));
      break;
    case FrameType::kPing: {
      PingData data;
      std::memcpy(data.data(), p, data.size());
      if (header_.IsAck()) {
        listener_->OnPingAck(header_, data);
      } else {
        listener_->OnPing(header_, data);
      }
      break;
    }
    case FrameType::kGoAway:
      listener_->OnGoAway(header_, ReadUInt31(p), static_cast<ErrorCode>(ReadUInt32(p + 4)),
                          {p + kGoAwayMinPayloadSize, length - kGoAwayMinPayloadSize});
      break;
    case FrameType::kWindowUpdate: {
      uint32_t increment = ReadUInt31(p);
      if (increment == 0) {
        // §6.9: a stream error on a stream, a connection error on the connection window.
        status =
            header_.stream_id == 0
                ? ConnectionError(ErrorCode::kProtocolError,
                                  "WINDOW_UPDATE with a zero increment on the connection")
                : StreamError(ErrorCode::kProtocolError, "WINDOW_UPDATE with a zero increment");
        break;
      }
      listener_->OnWindowUpdate(header_, increment);
      break;
    }
    case FrameType::kAltSvc:
      ReportAltSvc(p);
      break;
    case FrameType::kOrigin:
      ReportOrigin(p);
      break;
    case FrameType::kPriorityUpdate: {
      StreamId prioritized = ReadUInt31(p);
      if (prioritized == 0) {
        status = ConnectionError(ErrorCode::kProtocolError, "PRIORITY_UPDATE for stream 0");
        break;
      }
      listener_->OnPriorityUpdate(
          header_, prioritized,
          AsStringView(p + kPriorityUpdateMinPayloadSize, length - kPriorityUpdateMinPayloadSize));
      break;
    }
    default:
      H2_DCHECK(false);
      break;
  }
  if (buffer_.capacity() > kRetainedBufferCapacity) std::vector<uint8_t>().swap(buffer_);
  return status;
}

void FrameDecoder::ReportAltSvc(const uint8_t* p) {
  const uint32_t length = header_.length;
  uint32_t origin_length = ReadUInt16(p);
  if (origin_length > length - kAltSvcMinPayloadSize) {
    listener_->OnFrameIgnored(header_, "ALTSVC Origin-Len exceeds the payload");
    return;
  }
  // RFC 7838 §4: "invalid and MUST be ignored".
  if (header_.stream_id == 0 && origin_length == 0) {
    listener_->OnFrameIgnored(header_, "ALTSVC on stream 0 without an origin");
    return;
  }
  if (header_.stream_id != 0 && origin_length != 0) {
    listener_->OnFrameIgnored(header_, "ALTSVC on a stream with an origin");
    return;
  }
  const uint8_t* origin = p + kAltSvcMinPayloadSize;
  listener_->OnAltSvc(
      header_, AsStringView(origin, origin_length),
      AsStringView(origin + origin_length, length - kAltSvcMinPayloadSize - origin_length));
}

void FrameDecoder::ReportOrigin(const uint8_t* p) {
  origins_.clear();
  const uint32_t length = header_.length;
  uint32_t offset = 0;
  while (offset < length) {
    if (length - offset < 2) {
      listener_->OnFrameIgnored(header_, "ORIGIN with a truncated Origin-Len");
      return;
    }
    uint32_t entry_length = ReadUInt16(p + offset);
    offset += 2;
    if (entry_length > length - offset) {
      listener_->OnFrameIgnored(header_, "ORIGIN Origin-Len exceeds the payload");
      return;
    }
    origins_.push_back(AsStringView(p + offset, entry_length));
    offset += entry_length;
  }
  listener_->OnOrigin(header_, origins_);
}

std::string_view FrameDecoderStateName(FrameDecoder::State state) {
  switch (state) {
    case FrameDecoder::State::kFrameHeader:
      return "kFrameHeader";
    case FrameDecoder::State::kPrefix:
      return "kPrefix";
    case FrameDecoder::State::kPayload:
      return "kPayload";
    case FrameDecoder::State::kPadding:
      return "kPadding";
    case FrameDecoder::State::kWholePayload:
      return "kWholePayload";
    case FrameDecoder::State::kSettings:
      return "kSettings";
    case FrameDecoder::State::kSkipPayload:
      return "kSkipPayload";
    case FrameDecoder::State::kError:
      return "kError";
    case FrameDecoder::State::kStopped:
      return "kStopped";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, FrameDecoder::State state) {
  return out << FrameDecoderStateName(state);
}

}  // namespace h2engine::h2
