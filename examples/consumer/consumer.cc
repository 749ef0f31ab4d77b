// A tiny program built against h2engine from another workspace: writes an HTTP/2 frame header
// (RFC 9113 §4.1) with ByteSink and reads it back with DecodeBuffer.
#include <cstdio>

#include "base/byte_sink.h"
#include "base/decode_buffer.h"

int main() {
  h2engine::ByteSink sink;
  sink.AppendUInt24(8);     // length
  sink.AppendUInt8(0x6);    // type: PING
  sink.AppendUInt8(0x0);    // flags
  sink.AppendUInt32(0);     // stream 0
  h2engine::DecodeBuffer in(sink.span());
  unsigned length = in.DecodeUInt24();
  unsigned type = in.DecodeUInt8();
  std::printf("frame header: length=%u type=%u (%zu bytes)\n", length, type, sink.size());
  return length == 8 && type == 6 ? 0 : 1;
}
