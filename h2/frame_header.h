// FrameHeader: the 9-byte header every HTTP/2 frame begins with (RFC 9113 §4.1), and the small
// fixed-size fields that frames carry (priority fields of §6.2/§6.3, a setting of §6.5.1, PING's
// opaque data of §6.7).
//
// These are plain values: parsing and serialising the 9 header bytes, the flags each frame type
// defines, and printing. Nothing here validates a frame against the rules of §6 (that is
// FrameDecoder's job) or knows about streams (the connection's).

#ifndef H2ENGINE_H2_FRAME_HEADER_H_
#define H2ENGINE_H2_FRAME_HEADER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "h2/protocol.h"

namespace h2engine::h2 {

// RFC 9113 §4.1: the largest payload length the 24-bit Length field can express.
inline constexpr uint32_t kMaxFrameLength = (1u << 24) - 1;

struct FrameHeader {
  // Length of the payload in octets (24 bits); the 9 header octets are not included. This is
  // the figure flow control counts for DATA (§6.9.1), padding and Pad Length included.
  uint32_t length = 0;
  // May hold a value that FrameType does not list (an unknown or extension type).
  FrameType type = FrameType::kData;
  uint8_t flags = 0;
  // 31 bits: the reserved bit is cleared on parsing (§4.1 "MUST be ignored when receiving").
  StreamId stream_id = 0;

  bool HasFlags(uint8_t mask) const { return (flags & mask) == mask; }
  bool IsEndStream() const { return HasFlags(flags::kEndStream); }
  bool IsAck() const { return HasFlags(flags::kAck); }
  bool IsEndHeaders() const { return HasFlags(flags::kEndHeaders); }
  bool IsPadded() const { return HasFlags(flags::kPadded); }
  bool HasPriority() const { return HasFlags(flags::kPriority); }

  friend bool operator==(const FrameHeader&, const FrameHeader&) = default;
};

// ParseFrameHeader reads a frame header from exactly kFrameHeaderSize bytes at `in`. The
// reserved bit of the stream identifier is dropped; flags are returned as received.
FrameHeader ParseFrameHeader(const uint8_t* in);

// SerializeFrameHeader writes the 9 header bytes to `out` (kFrameHeaderSize bytes must be
// writable). Requires length <= kMaxFrameLength and stream_id <= kMaxStreamId (DCHECKed); the
// reserved bit is written as 0.
void SerializeFrameHeader(const FrameHeader& header, uint8_t* out);

// DefinedFlags returns the flag bits RFC 9113 §6 (and the extension RFCs) define for `type`;
// other bits are "unused flags" that MUST be ignored on receipt (§4.1). For a type this library
// does not know it returns 0xff: an extension's flags are its own business.
uint8_t DefinedFlags(FrameType type);

// FrameHeader printed as "DATA(length=5, flags=0x01, stream_id=1)".
std::string ToString(const FrameHeader& header);
std::ostream& operator<<(std::ostream& out, const FrameHeader& header);

// The priority fields of HEADERS (with the PRIORITY flag) and PRIORITY frames, RFC 9113 §6.2,
// §6.3 (deprecated signalling of RFC 7540 §5.3, still carried on the wire).
struct PriorityFields {
  bool exclusive = false;
  StreamId dependency = 0;  // 31 bits.
  // The weight as RFC 7540 §5.3.2 means it: 1..256, i.e. the wire octet plus one. 16 is the
  // default weight.
  uint16_t weight = 16;

  friend bool operator==(const PriorityFields&, const PriorityFields&) = default;
};

// A SETTINGS parameter (RFC 9113 §6.5.1). `id` may be a value SettingsId does not list.
struct Setting {
  SettingsId id = SettingsId::kHeaderTableSize;
  uint32_t value = 0;

  friend bool operator==(const Setting&, const Setting&) = default;
};

// PING's 8 octets of opaque data (RFC 9113 §6.7).
using PingData = std::array<uint8_t, 8>;

// The size of the fixed payloads (RFC 9113 §6.3, §6.4, §6.5.1, §6.7, §6.8, §6.9) and of the
// extension frames' fixed prefixes (RFC 7838 §4, RFC 9218 §7.1).
inline constexpr uint32_t kPriorityFieldsSize = 5;
inline constexpr uint32_t kPriorityPayloadSize = 5;
inline constexpr uint32_t kRstStreamPayloadSize = 4;
inline constexpr uint32_t kSettingSize = 6;
inline constexpr uint32_t kPingPayloadSize = 8;
inline constexpr uint32_t kGoAwayMinPayloadSize = 8;
inline constexpr uint32_t kWindowUpdatePayloadSize = 4;
inline constexpr uint32_t kAltSvcMinPayloadSize = 2;
inline constexpr uint32_t kPriorityUpdateMinPayloadSize = 4;
inline constexpr uint32_t kPadLengthSize = 1;
inline constexpr uint32_t kPromisedStreamIdSize = 4;
// RFC 9113 §6.9: the largest window increment.
inline constexpr uint32_t kMaxWindowIncrement = 0x7fffffff;

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FRAME_HEADER_H_
