// Writes the seed corpus of fuzz/frame_decoder_fuzzer.cc from the frame writers' output.
//
//   bazel run //h2/testing:write_frame_corpus -- /tmp/seeds
//   cd /tmp/seeds && for f in *; do mv "$f" "$(sha1sum "$f" | cut -d' ' -f1)"; done
//   cp /tmp/seeds/* fuzz/corpus/frame_decoder/
//
// Each seed is one config byte (see the fuzzer: max frame size and split pattern) followed by
// frames: every frame type, padded frames, field blocks split into CONTINUATION frames, unknown
// types and flags, and frames breaking each frame-level rule.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "base/byte_sink.h"
#include "h2/frame_writer.h"

namespace h2engine::h2 {
namespace {

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// A frame with a header of our choosing and a given payload (for malformed frames).
void Raw(ByteSink& out, uint32_t length, uint8_t type, uint8_t flags, StreamId stream,
         std::string_view payload) {
  WriteFrameHeader(out, {length, static_cast<FrameType>(type), flags, stream});
  out.Append(payload);
}

}  // namespace

int WriteCorpus(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  std::vector<std::pair<uint8_t, ByteSink>> seeds;
  auto seed = [&](uint8_t config) -> ByteSink& {
    seeds.emplace_back(config, ByteSink());
    return seeds.back().second;
  };
  const std::string block(300, '\x82');

  WriteData(seed(0x04), 1, Bytes("hello"), true);
  WriteData(seed(0x00), 3, Bytes("padded"), false, 7);
  WriteHeaders(seed(0x08), 1, Bytes("\x82\x86\x84"), true, true);
  WriteHeaders(seed(0x0c), 3, Bytes("\x82"), false, true, PriorityFields{true, 1, 200}, 4);
  WritePriority(seed(0x10), 5, {false, 3, 16});
  WriteRstStream(seed(0x14), 1, ErrorCode::kCancel);
  {
    const Setting s[] = {
        {SettingsId::kHeaderTableSize, 4096},     {SettingsId::kEnablePush, 0},
        {SettingsId::kMaxConcurrentStreams, 100}, {SettingsId::kInitialWindowSize, 65535},
        {SettingsId::kMaxFrameSize, 16384},       {SettingsId::kMaxHeaderListSize, 8192},
        {SettingsId::kEnableConnectProtocol, 1},  {SettingsId::kNoRfc7540Priorities, 1},
        {static_cast<SettingsId>(0x4a4a), 7}};
    WriteSettings(seed(0x18), s);
  }
  WriteSettingsAck(seed(0x1c));
  WritePushPromise(seed(0x20), 1, 2, Bytes("\x82\x87"), true, 3);
  WritePing(seed(0x24), {1, 2, 3, 4, 5, 6, 7, 8}, false);
  WritePing(seed(0x28), {1, 2, 3, 4, 5, 6, 7, 8}, true);
  WriteGoAway(seed(0x2c), 7, ErrorCode::kProtocolError, std::string_view("debug data"));
  WriteWindowUpdate(seed(0x30), 0, 65535);
  WriteContinuation(seed(0x34), 1, Bytes("\x84"), true);
  WriteAltSvc(seed(0x38), 0, "https://example.com", "h2=\":443\"; ma=60");
  {
    const std::string_view origins[] = {"https://a.example", "https://b.example"};
    WriteOrigin(seed(0x3c), origins);
  }
  WritePriorityUpdate(seed(0x40), 1, "u=2, i");
  WriteHeaderBlock(seed(0x44), 1, Bytes(block), true, 100);
  WriteHeaderBlock(seed(0x01), 1, Bytes(block), false, 16384, PriorityFields{});
  WritePushPromiseBlock(seed(0x48), 1, 4, Bytes(block), 64);
  Raw(seed(0x4c), 3, 0x0b, 0xff, 9, "ext");  // Unknown type.
  Raw(seed(0x50), 1, 0x00, 0xf7, 1, "x");    // Unused flags.
  {
    // Everything in one connection-like stream.
    ByteSink& all = seed(0x54);
    const Setting s[] = {{SettingsId::kMaxConcurrentStreams, 100}};
    WriteSettings(all, s);
    WriteSettingsAck(all);
    WriteWindowUpdate(all, 0, 1 << 20);
    WriteHeaderBlock(all, 1, Bytes(block), false, 128);
    WriteData(all, 1, Bytes(std::string(1000, 'd')), false, 10);
    WriteData(all, 1, {}, true);
    WritePing(all, {}, false);
    WriteRstStream(all, 3, ErrorCode::kRefusedStream);
    WriteGoAway(all, 1, ErrorCode::kNoError);
  }
  WriteData(seed(0x02), 1, Bytes(std::string(20000, 'z')), true);  // Needs max 65535.
  // Frames breaking the rules, one each.
  Raw(seed(0x58), 0x4001, 0x00, 0, 1, "");    // Oversized.
  Raw(seed(0x5c), 1, 0x00, 0, 0, "x");        // DATA on stream 0.
  Raw(seed(0x60), 7, 0x06, 0, 0, "1234567");  // PING length 7.
  Raw(seed(0x64), 4, 0x02, 0, 1, "1234");     // PRIORITY length 4.
  Raw(seed(0x68), 5, 0x04, 0, 0, "12345");    // SETTINGS length 5.
  Raw(seed(0x6c), 6, 0x04, 0, 0, std::string_view("\x00\x02\x00\x00\x00\x02", 6));
  Raw(seed(0x70), 4, 0x08, 0, 1, std::string_view("\x00\x00\x00\x00", 4));  // Zero increment.
  Raw(seed(0x74), 3, 0x00, 0x08, 1, std::string_view("\x03\x00\x00", 3));   // Pad too long.
  Raw(seed(0x78), 3, 0x0c, 0, 0, std::string_view("\x00\x05\x61", 3));      // Bad ORIGIN.
  Raw(seed(0x7c), 4, 0x10, 0, 0, std::string_view("\x00\x00\x00\x00", 4));  // PU of stream 0.

  for (size_t i = 0; i < seeds.size(); ++i) {
    std::string path = std::string(argv[1]) + "/seed" + std::to_string(i);
    std::ofstream file(path, std::ios::binary);
    file.put(static_cast<char>(seeds[i].first));
    file.write(reinterpret_cast<const char*>(seeds[i].second.data()),
               static_cast<std::streamsize>(seeds[i].second.size()));
    if (!file) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }
  std::printf("wrote %zu seeds to %s\n", seeds.size(), argv[1]);
  return 0;
}

}  // namespace h2engine::h2

int main(int argc, char** argv) { return h2engine::h2::WriteCorpus(argc, argv); }
