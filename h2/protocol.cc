#include "h2/protocol.h"

namespace h2engine::h2 {

std::string_view FrameTypeName(FrameType type) {
  switch (type) {
    case FrameType::kData:
      return "DATA";
    case FrameType::kHeaders:
      return "HEADERS";
    case FrameType::kPriority:
      return "PRIORITY";
    case FrameType::kRstStream:
      return "RST_STREAM";
    case FrameType::kSettings:
      return "SETTINGS";
    case FrameType::kPushPromise:
      return "PUSH_PROMISE";
    case FrameType::kPing:
      return "PING";
    case FrameType::kGoAway:
      return "GOAWAY";
    case FrameType::kWindowUpdate:
      return "WINDOW_UPDATE";
    case FrameType::kContinuation:
      return "CONTINUATION";
    case FrameType::kAltSvc:
      return "ALTSVC";
    case FrameType::kOrigin:
      return "ORIGIN";
    case FrameType::kPriorityUpdate:
      return "PRIORITY_UPDATE";
  }
  return "UNKNOWN";
}

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNoError:
      return "NO_ERROR";
    case ErrorCode::kProtocolError:
      return "PROTOCOL_ERROR";
    case ErrorCode::kInternalError:
      return "INTERNAL_ERROR";
    case ErrorCode::kFlowControlError:
      return "FLOW_CONTROL_ERROR";
    case ErrorCode::kSettingsTimeout:
      return "SETTINGS_TIMEOUT";
    case ErrorCode::kStreamClosed:
      return "STREAM_CLOSED";
    case ErrorCode::kFrameSizeError:
      return "FRAME_SIZE_ERROR";
    case ErrorCode::kRefusedStream:
      return "REFUSED_STREAM";
    case ErrorCode::kCancel:
      return "CANCEL";
    case ErrorCode::kCompressionError:
      return "COMPRESSION_ERROR";
    case ErrorCode::kConnectError:
      return "CONNECT_ERROR";
    case ErrorCode::kEnhanceYourCalm:
      return "ENHANCE_YOUR_CALM";
    case ErrorCode::kInadequateSecurity:
      return "INADEQUATE_SECURITY";
    case ErrorCode::kHttp11Required:
      return "HTTP_1_1_REQUIRED";
  }
  return "UNKNOWN";
}

std::string_view SettingsIdName(SettingsId id) {
  switch (id) {
    case SettingsId::kHeaderTableSize:
      return "SETTINGS_HEADER_TABLE_SIZE";
    case SettingsId::kEnablePush:
      return "SETTINGS_ENABLE_PUSH";
    case SettingsId::kMaxConcurrentStreams:
      return "SETTINGS_MAX_CONCURRENT_STREAMS";
    case SettingsId::kInitialWindowSize:
      return "SETTINGS_INITIAL_WINDOW_SIZE";
    case SettingsId::kMaxFrameSize:
      return "SETTINGS_MAX_FRAME_SIZE";
    case SettingsId::kMaxHeaderListSize:
      return "SETTINGS_MAX_HEADER_LIST_SIZE";
    case SettingsId::kEnableConnectProtocol:
      return "SETTINGS_ENABLE_CONNECT_PROTOCOL";
    case SettingsId::kNoRfc7540Priorities:
      return "SETTINGS_NO_RFC7540_PRIORITIES";
  }
  return "UNKNOWN";
}

std::string_view ErrorScopeName(ErrorScope scope) {
  return scope == ErrorScope::kConnection ? "connection" : "stream";
}

bool IsKnownFrameType(uint8_t type) { return type <= 0xa || type == 0xc || type == 0x10; }

std::ostream& operator<<(std::ostream& out, FrameType type) {
  std::string_view name = FrameTypeName(type);
  if (name == "UNKNOWN")
    return out << "UNKNOWN(0x" << std::hex << int{static_cast<uint8_t>(type)} << std::dec << ")";
  return out << name;
}

std::ostream& operator<<(std::ostream& out, ErrorCode code) {
  std::string_view name = ErrorCodeName(code);
  if (name == "UNKNOWN")
    return out << "UNKNOWN(0x" << std::hex << static_cast<uint32_t>(code) << std::dec << ")";
  return out << name;
}

std::ostream& operator<<(std::ostream& out, SettingsId id) {
  std::string_view name = SettingsIdName(id);
  if (name == "UNKNOWN")
    return out << "UNKNOWN(0x" << std::hex << static_cast<uint16_t>(id) << std::dec << ")";
  return out << name;
}

std::ostream& operator<<(std::ostream& out, ErrorScope scope) {
  return out << ErrorScopeName(scope);
}

}  // namespace h2engine::h2
