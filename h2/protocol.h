// Protocol constants of HTTP/2 (RFC 9113) and the extensions h2engine speaks: frame types
// (§6, RFC 7838 ALTSVC, RFC 8336 ORIGIN, RFC 9218 PRIORITY_UPDATE), flags, error codes (§7),
// settings (§6.5.2, RFC 8441, RFC 9218), the connection preface (§3.4) and size limits.
//
// Everything here is a fact of the wire format; nothing here has state or policy.

#ifndef H2ENGINE_H2_PROTOCOL_H_
#define H2ENGINE_H2_PROTOCOL_H_

#include <cstdint>
#include <ostream>
#include <string_view>

namespace h2engine::h2 {

using StreamId = uint32_t;

// RFC 9113 §4.1: the 9-byte frame header.
inline constexpr size_t kFrameHeaderSize = 9;
// RFC 9113 §5.1.1: stream identifiers are 31 bits.
inline constexpr StreamId kMaxStreamId = 0x7fffffff;
// RFC 9113 §6.9.1: the largest flow-control window.
inline constexpr int64_t kMaxWindowSize = 0x7fffffff;
// RFC 9113 §6.9.2: every window starts at 65,535 octets.
inline constexpr uint32_t kDefaultInitialWindowSize = 65535;
// RFC 9113 §4.2 / §6.5.2: SETTINGS_MAX_FRAME_SIZE bounds.
inline constexpr uint32_t kDefaultMaxFrameSize = 16384;        // 2^14
inline constexpr uint32_t kMaxAllowedMaxFrameSize = 16777215;  // 2^24 - 1
// RFC 7541 §4.2 / RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE initial value.
inline constexpr uint32_t kDefaultHeaderTableSize = 4096;

// RFC 9113 §3.4: the client connection preface, before the client's first SETTINGS frame.
inline constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// RFC 9113 §6 (and extensions). Values not listed are unknown and MUST be ignored (§4.1, §5.5).
enum class FrameType : uint8_t {
  kData = 0x0,
  kHeaders = 0x1,
  kPriority = 0x2,
  kRstStream = 0x3,
  kSettings = 0x4,
  kPushPromise = 0x5,
  kPing = 0x6,
  kGoAway = 0x7,
  kWindowUpdate = 0x8,
  kContinuation = 0x9,
  kAltSvc = 0xa,           // RFC 7838 §4
  kOrigin = 0xc,           // RFC 8336 §2
  kPriorityUpdate = 0x10,  // RFC 9218 §7.1
};

// Frame flags (RFC 9113 §6). A flag bit means something only for the frame types listed;
// undefined flags MUST be ignored on receipt and left unset when sending (§4.1).
namespace flags {
inline constexpr uint8_t kEndStream = 0x1;   // DATA, HEADERS
inline constexpr uint8_t kAck = 0x1;         // SETTINGS, PING
inline constexpr uint8_t kEndHeaders = 0x4;  // HEADERS, PUSH_PROMISE, CONTINUATION
inline constexpr uint8_t kPadded = 0x8;      // DATA, HEADERS, PUSH_PROMISE
inline constexpr uint8_t kPriority = 0x20;   // HEADERS
}  // namespace flags

// RFC 9113 §7. Unknown codes MUST NOT trigger special behaviour; they may be treated as
// kInternalError. The enum's underlying type is 32 bits so unknown codes can be carried.
enum class ErrorCode : uint32_t {
  kNoError = 0x0,
  kProtocolError = 0x1,
  kInternalError = 0x2,
  kFlowControlError = 0x3,
  kSettingsTimeout = 0x4,
  kStreamClosed = 0x5,
  kFrameSizeError = 0x6,
  kRefusedStream = 0x7,
  kCancel = 0x8,
  kCompressionError = 0x9,
  kConnectError = 0xa,
  kEnhanceYourCalm = 0xb,
  kInadequateSecurity = 0xc,
  kHttp11Required = 0xd,
};

// RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1. Unknown identifiers MUST be ignored.
enum class SettingsId : uint16_t {
  kHeaderTableSize = 0x1,
  kEnablePush = 0x2,
  kMaxConcurrentStreams = 0x3,
  kInitialWindowSize = 0x4,
  kMaxFrameSize = 0x5,
  kMaxHeaderListSize = 0x6,
  kEnableConnectProtocol = 0x8,
  kNoRfc7540Priorities = 0x9,
};

// RFC 9113 §5.4: whether an error ends the connection (§5.4.1: GOAWAY, then close) or only one
// stream (§5.4.2: RST_STREAM).
enum class ErrorScope : uint8_t {
  kConnection,
  kStream,
};

// The names RFC 9113 uses ("DATA", "PROTOCOL_ERROR", "SETTINGS_MAX_FRAME_SIZE"); unknown values
// give "UNKNOWN".
std::string_view FrameTypeName(FrameType type);
std::string_view ErrorCodeName(ErrorCode code);
std::string_view SettingsIdName(SettingsId id);
// "connection" or "stream".
std::string_view ErrorScopeName(ErrorScope scope);

// IsKnownFrameType is true for the types listed in FrameType.
bool IsKnownFrameType(uint8_t type);

std::ostream& operator<<(std::ostream& out, FrameType type);
std::ostream& operator<<(std::ostream& out, ErrorCode code);
std::ostream& operator<<(std::ostream& out, SettingsId id);
std::ostream& operator<<(std::ostream& out, ErrorScope scope);

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_PROTOCOL_H_
