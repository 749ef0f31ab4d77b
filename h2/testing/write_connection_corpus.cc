// write_connection_corpus: writes seed inputs for the connection fuzzers, built with
// FrameSequence so that header blocks are valid HPACK (random bytes almost never are).
//
//   bazel run //h2/testing:write_connection_corpus -- /tmp/seeds
//   cd /tmp/seeds && for f in server/* client/*; do
//     mv "$f" "$(dirname "$f")/$(sha1sum "$f" | cut -c1-40)"; done
//
// then copy server/* to fuzz/corpus/connection_server/ and client/* to
// fuzz/corpus/connection_client/. Byte 0 of each seed is the set-up byte of
// h2/testing/connection_fuzz.h.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "h2/protocol.h"
#include "h2/testing/frame_sequence.h"

namespace h2engine::h2::testing {
namespace {

// Set-up byte bits (see connection_fuzz.h).
constexpr uint8_t kPreface = 0x01;
constexpr uint8_t kByteByByte = 1 << 1;
constexpr uint8_t kPrimes = 2 << 1;
constexpr uint8_t kRtt = 0x10;
constexpr uint8_t kTight = 0x20;

std::string Seed(uint8_t mode, const std::string& bytes) {
  return std::string(1, static_cast<char>(mode)) + bytes;
}

std::vector<std::string> ServerSeeds() {
  std::vector<std::string> seeds;
  {  // A full conversation, explicit preface.
    FrameSequence c;
    c.ClientPreface({{SettingsId::kInitialWindowSize, 100000},
                     {SettingsId::kMaxFrameSize, 20000},
                     {SettingsId::kHeaderTableSize, 1024}})
        .SettingsAck()
        .Headers(1, RequestHeaders("GET", "/", {{"priority", "u=1, i"}}), true)
        .HeadersInPieces(3, RequestHeaders("POST", "/upload", {{"content-length", "10"}}), false,
                         5)
        .Data(3, "hello", false, 3)
        .Data(3, "world", true)
        .Ping(0x0102030405060708)
        .Headers(5, RequestHeaders("POST", "/t", {{"te", "trailers"}}), false)
        .Data(5, "abc")
        .Headers(5, {{"x-checksum", "1"}}, true)
        .Priority(7, {false, 0, 16})
        .PriorityUpdate(7, "u=0")
        .Headers(7, RequestHeaders("HEAD", "/h"), true)
        .WindowUpdate(0, 100000)
        .WindowUpdate(1, 1000)
        .Headers(9, RequestHeaders("GET", "/x", {{"cookie", "a=1"}, {"cookie", "b=2"}}), false)
        .RstStream(9, ErrorCode::kCancel)
        .Settings({{SettingsId::kInitialWindowSize, 10}})
        .Headers(11, {{":method", "CONNECT"}, {":authority", "db.test:5432"}}, false)
        .Data(11, "tunnel")
        .GoAway(0, ErrorCode::kNoError);
    seeds.push_back(Seed(0, c.Take()));
  }
  {  // The same, built-in preface, in small pieces, with RTT ping and slow application.
    FrameSequence c;
    c.Headers(1, RequestHeaders("GET", "/a"), true)
        .Headers(3, RequestHeaders("POST", "/b"), false)
        .Data(3, std::string(16384, 'x'))
        .Data(3, std::string(16384, 'y'))
        .Data(3, std::string(16384, 'z'))
        .Data(3, "", true)
        .PingAck(0x6832727474000001ull);
    seeds.push_back(Seed(kPreface | kPrimes | kRtt | 0xc0, c.Take()));
  }
  {  // Tight limits: more streams than allowed, big headers, floods.
    FrameSequence c;
    for (StreamId id = 1; id <= 11; id += 2) c.Headers(id, RequestHeaders("GET", "/"), false);
    c.Headers(13, RequestHeaders("GET", "/", {{"x-big", std::string(3000, 'b')}}), true);
    for (int i = 0; i < 8; ++i) c.Ping(i);
    for (StreamId id = 1; id <= 11; id += 2) c.RstStream(id, ErrorCode::kCancel);
    c.Data(15, "");
    seeds.push_back(Seed(kPreface | kTight | 0x40, c.Take()));
  }
  {  // Byte by byte with CONTINUATION and padding.
    FrameSequence c;
    HeadersOptions padded;
    padded.pad_length = 7;
    c.Headers(1, RequestHeaders("GET", "/p"), false, padded)
        .Data(1, "q", true, 4)
        .HeadersInPieces(3, RequestHeaders("GET", "/c"), true, 2);
    seeds.push_back(Seed(kPreface | kByteByByte, c.Take()));
  }
  // Protocol errors, one per seed.
  auto error_seed = [&](FrameSequence& c) { seeds.push_back(Seed(kPreface, c.Take())); };
  {
    FrameSequence c;
    c.Headers(5, RequestHeaders(), false).Headers(3, RequestHeaders(), true);
    error_seed(c);
  }
  {
    FrameSequence c;
    const std::string block = c.EncodeBlock(RequestHeaders());
    c.HeadersFragment(1, block.substr(0, 3), true, false).Ping(1);
    error_seed(c);
  }
  {
    FrameSequence c;
    c.Headers(1, RequestHeaders(), true).Data(1, "x").WindowUpdate(1, 0x7fffffff);
    error_seed(c);
  }
  {
    FrameSequence c;
    c.HeadersFragment(1, "\x82\x86\xbf", true, true);  // index 63: out of range
    error_seed(c);
  }
  {
    FrameSequence c;
    c.Headers(1, RequestHeaders("GET", "/", {{"Upper", "1"}}), true)
        .Headers(3, RequestHeaders("GET", "", {}), true)
        .Headers(5, {{":method", "GET"}}, true);
    error_seed(c);
  }
  {
    FrameSequence c;
    c.Raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    seeds.push_back(Seed(0, c.Take()));
  }
  return seeds;
}

std::vector<std::string> ClientSeeds() {
  // The client fuzzer has submitted GET (1), POST with body and trailers (3), HEAD (5).
  std::vector<std::string> seeds;
  {
    FrameSequence s;
    s.ServerPreface({{SettingsId::kMaxConcurrentStreams, 2},
                     {SettingsId::kInitialWindowSize, 1000},
                     {SettingsId::kEnableConnectProtocol, 1}})
        .SettingsAck()
        .Headers(1, ResponseHeaders("103", {{"link", "</s>; rel=preload"}}), false)
        .Headers(1, ResponseHeaders("200", {{"content-length", "5"}}), false)
        .Data(1, "hello", true)
        .WindowUpdate(3, 5000)
        .WindowUpdate(0, 5000)
        .Headers(3, ResponseHeaders("200"), false)
        .Data(3, "ok", false, 10)
        .Headers(3, {{"grpc-status", "0"}}, true)
        .Headers(5, ResponseHeaders("200", {{"content-length", "100"}}), true)
        .Ping(9)
        .GoAway(5, ErrorCode::kNoError, "bye");
    seeds.push_back(Seed(0, s.Take()));
  }
  {
    FrameSequence s;
    s.Headers(1, ResponseHeaders("200"), false)
        .Data(1, std::string(16384, 'd'))
        .Data(1, std::string(16384, 'd'))
        .Data(1, "", true)
        .RstStream(3, ErrorCode::kRefusedStream)
        .Headers(5, ResponseHeaders("404"), true);
    seeds.push_back(Seed(kPreface | kPrimes | kRtt | 0x40, s.Take()));
  }
  {
    FrameSequence s;
    s.Headers(1, ResponseHeaders("200"), false)
        .PushPromise(1, 2, RequestHeaders());
    seeds.push_back(Seed(kPreface | kByteByByte, s.Take()));
  }
  {
    FrameSequence s;
    s.Headers(1, ResponseHeaders("200", {{"x-big", std::string(3000, 'b')}}), true)
        .Headers(3, ResponseHeaders("101"), true)
        .Data(5, "x")
        .GoAway(1, ErrorCode::kEnhanceYourCalm);
    seeds.push_back(Seed(kPreface | kTight, s.Take()));
  }
  {
    FrameSequence s;
    s.Settings({{SettingsId::kEnablePush, 1}});
    seeds.push_back(Seed(kPreface, s.Take()));
  }
  {
    FrameSequence s;
    s.Headers(2, ResponseHeaders("200"), true).PriorityUpdate(1, "u=2");
    seeds.push_back(Seed(kPreface, s.Take()));
  }
  return seeds;
}

bool Write(const std::filesystem::path& dir, const std::vector<std::string>& seeds) {
  std::filesystem::create_directories(dir);
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ofstream out(dir / ("seed" + std::to_string(i)), std::ios::binary);
    out << seeds[i];
    if (!out) return false;
  }
  return true;
}

}  // namespace
}  // namespace h2engine::h2::testing

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_connection_corpus DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  using namespace h2engine::h2::testing;
  return Write(dir / "server", ServerSeeds()) && Write(dir / "client", ClientSeeds()) ? 0 : 1;
}
