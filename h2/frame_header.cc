#include "h2/frame_header.h"

#include <cstdio>

#include "base/check.h"

namespace h2engine::h2 {

FrameHeader ParseFrameHeader(const uint8_t* in) {
  FrameHeader header;
  header.length = (uint32_t{in[0]} << 16) | (uint32_t{in[1]} << 8) | in[2];
  header.type = static_cast<FrameType>(in[3]);
  header.flags = in[4];
  header.stream_id =
      ((uint32_t{in[5]} << 24) | (uint32_t{in[6]} << 16) | (uint32_t{in[7]} << 8) | in[8]) &
      kMaxStreamId;
  return header;
}

void SerializeFrameHeader(const FrameHeader& header, uint8_t* out) {
  H2_DCHECK_LE(header.length, kMaxFrameLength);
  H2_DCHECK_LE(header.stream_id, kMaxStreamId);
  out[0] = static_cast<uint8_t>(header.length >> 16);
  out[1] = static_cast<uint8_t>(header.length >> 8);
  out[2] = static_cast<uint8_t>(header.length);
  out[3] = static_cast<uint8_t>(header.type);
  out[4] = header.flags;
  out[5] = static_cast<uint8_t>((header.stream_id >> 24) & 0x7f);
  out[6] = static_cast<uint8_t>(header.stream_id >> 16);
  out[7] = static_cast<uint8_t>(header.stream_id >> 8);
  out[8] = static_cast<uint8_t>(header.stream_id);
}

uint8_t DefinedFlags(FrameType type) {
  switch (type) {
    case FrameType::kData:
      return flags::kEndStream | flags::kPadded;
    case FrameType::kHeaders:
      return flags::kEndStream | flags::kEndHeaders | flags::kPadded | flags::kPriority;
    case FrameType::kSettings:
    case FrameType::kPing:
      return flags::kAck;
    case FrameType::kPushPromise:
      return flags::kEndHeaders | flags::kPadded;
    case FrameType::kContinuation:
      return flags::kEndHeaders;
    case FrameType::kPriority:
    case FrameType::kRstStream:
    case FrameType::kGoAway:
    case FrameType::kWindowUpdate:
    case FrameType::kAltSvc:
    case FrameType::kOrigin:
    case FrameType::kPriorityUpdate:
      return 0;
  }
  return 0xff;
}

std::string ToString(const FrameHeader& header) {
  std::string out;
  std::string_view name = FrameTypeName(header.type);
  char buf[96];
  if (name == "UNKNOWN") {
    std::snprintf(buf, sizeof(buf), "UNKNOWN(0x%02x)", static_cast<unsigned>(header.type));
    out += buf;
  } else {
    out += name;
  }
  std::snprintf(buf, sizeof(buf), "(length=%u, flags=0x%02x, stream_id=%u)", header.length,
                header.flags, header.stream_id);
  out += buf;
  return out;
}

std::ostream& operator<<(std::ostream& out, const FrameHeader& header) {
  return out << ToString(header);
}

}  // namespace h2engine::h2
