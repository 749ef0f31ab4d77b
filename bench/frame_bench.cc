// Frame codec benchmarks (h2/frame_decoder.h, h2/frame_writer.h).
//
//   bazel run --config=opt //bench:frame_bench
//
// BM_DecodeMix*     frames/s for a mix like a busy connection's: requests as HEADERS (some
//                   with CONTINUATION), small DATA, WINDOW_UPDATE, PING, SETTINGS, RST_STREAM;
//                   whole, and cut into 1460-byte reads (TCP segments) so frames straddle reads.
// BM_DecodeData16K* DATA throughput for 16 KiB frames: the decoder only touches the 9-byte
//                   header and hands the payload out as a view, so this should run at
//                   memory-free speed; "Straddling" cuts reads so every frame spans two.
// BM_Write*         the writers producing the same mix, and 16 KiB DATA frames (a memcpy).
//
// The listener does the least a real one would: counts frames and payload bytes.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/byte_sink.h"
#include "benchmark/benchmark.h"
#include "h2/frame_decoder.h"
#include "h2/frame_listener.h"
#include "h2/frame_writer.h"

namespace h2engine::h2 {
namespace {

class CountingListener : public FrameListener {
 public:
  uint64_t frames = 0;
  uint64_t bytes = 0;

  void OnFrameHeader(const FrameHeader&) override { ++frames; }
  void OnDataStart(const FrameHeader&, uint8_t) override {}
  void OnDataPayload(const FrameHeader&, std::span<const uint8_t> data) override {
    bytes += data.size();
  }
  void OnDataEnd(const FrameHeader&) override {}
  void OnHeadersStart(const FrameHeader&, uint8_t, const std::optional<PriorityFields>&) override {}
  void OnPushPromiseStart(const FrameHeader&, uint8_t, StreamId) override {}
  void OnContinuationStart(const FrameHeader&) override {}
  void OnHeaderBlockFragment(const FrameHeader&, std::span<const uint8_t> fragment) override {
    bytes += fragment.size();
  }
  void OnHeadersEnd(const FrameHeader&) override {}
  void OnPushPromiseEnd(const FrameHeader&) override {}
  void OnContinuationEnd(const FrameHeader&) override {}
  void OnPriority(const FrameHeader&, const PriorityFields&) override {}
  void OnRstStream(const FrameHeader&, ErrorCode) override {}
  void OnSettingsStart(const FrameHeader&) override {}
  void OnSetting(const FrameHeader&, const Setting& s) override { bytes += s.value & 1; }
  void OnSettingsEnd(const FrameHeader&) override {}
  void OnSettingsAck(const FrameHeader&) override {}
  void OnPing(const FrameHeader&, const PingData& d) override { bytes += d[0]; }
  void OnPingAck(const FrameHeader&, const PingData& d) override { bytes += d[0]; }
  void OnGoAway(const FrameHeader&, StreamId, ErrorCode, std::span<const uint8_t>) override {}
  void OnWindowUpdate(const FrameHeader&, uint32_t increment) override { bytes += increment & 1; }
  void OnFrameError(const FrameHeader&, ErrorCode, ErrorScope, std::string_view) override {
    std::abort();
  }
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// WriteMix appends 100 "requests" worth of frames; returns the number of frames.
size_t WriteMix(ByteSink& out) {
  static const std::string small_block(180, '\x82');    // A typical HPACK-ed request.
  static const std::string large_block(20000, '\x83');  // Big cookies: HEADERS + CONTINUATION.
  static const std::string body(200, 'b');
  const Setting settings[] = {{SettingsId::kMaxConcurrentStreams, 100},
                              {SettingsId::kInitialWindowSize, 1 << 20},
                              {SettingsId::kHeaderTableSize, 4096}};
  size_t frames = 0;
  for (StreamId i = 0; i < 100; ++i) {
    StreamId stream = 2 * i + 1;
    if (i % 10 == 0) {
      WriteHeaderBlock(out, stream, Bytes(large_block), false, kDefaultMaxFrameSize);
      frames += 2;
    } else {
      WriteHeaders(out, stream, Bytes(small_block), false, true);
      frames += 1;
    }
    WriteData(out, stream, Bytes(body), true);
    WriteWindowUpdate(out, stream, 65535);
    WriteWindowUpdate(out, 0, 65535);
    frames += 3;
    if (i % 10 == 5) {
      WritePing(out, {1, 2, 3, 4, 5, 6, 7, 8}, false);
      WriteSettings(out, settings);
      WriteRstStream(out, stream, ErrorCode::kCancel);
      frames += 3;
    }
  }
  return frames;
}

void Decode(benchmark::State& state, const ByteSink& wire, size_t frames, size_t read_size) {
  std::span<const uint8_t> input = wire.span();
  CountingListener listener;
  for (auto _ : state) {
    FrameDecoder decoder(&listener);
    for (size_t at = 0; at < input.size(); at += read_size) {
      size_t n = std::min(read_size, input.size() - at);
      if (decoder.Decode(input.subspan(at, n)) != n) std::abort();
    }
    benchmark::DoNotOptimize(listener.bytes);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * frames),
                                                  benchmark::Counter::kIsRate);
}

void BM_DecodeMix(benchmark::State& state) {
  ByteSink wire;
  size_t frames = WriteMix(wire);
  Decode(state, wire, frames, wire.size());
}
BENCHMARK(BM_DecodeMix);

void BM_DecodeMixIn1460ByteReads(benchmark::State& state) {
  ByteSink wire;
  size_t frames = WriteMix(wire);
  Decode(state, wire, frames, 1460);
}
BENCHMARK(BM_DecodeMixIn1460ByteReads);

// 64 DATA frames of 16 KiB: 1 MiB of payload.
ByteSink DataFrames(size_t* frames) {
  static const std::string payload(16384, 'p');
  ByteSink wire;
  for (int i = 0; i < 64; ++i) WriteData(wire, 1, Bytes(payload), false);
  *frames = 64;
  return wire;
}

void BM_DecodeData16K(benchmark::State& state) {
  size_t frames;
  ByteSink wire = DataFrames(&frames);
  Decode(state, wire, frames, wire.size());
}
BENCHMARK(BM_DecodeData16K);

void BM_DecodeData16KStraddling(benchmark::State& state) {
  size_t frames;
  ByteSink wire = DataFrames(&frames);
  Decode(state, wire, frames, 16384);  // 16384 + 9 per frame: every frame spans two reads.
}
BENCHMARK(BM_DecodeData16KStraddling);

void BM_WriteMix(benchmark::State& state) {
  ByteSink out;
  size_t frames = WriteMix(out);
  for (auto _ : state) {
    out.Clear();
    WriteMix(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
  state.counters["frames/s"] = benchmark::Counter(static_cast<double>(state.iterations() * frames),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_WriteMix);

void BM_WriteData16K(benchmark::State& state) {
  size_t frames;
  ByteSink out = DataFrames(&frames);
  static const std::string payload(16384, 'p');
  for (auto _ : state) {
    out.Clear();
    for (size_t i = 0; i < frames; ++i) WriteData(out, 1, Bytes(payload), false);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * frames));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_WriteData16K);

// The small control frames alone, where per-frame overhead is everything.
void BM_WriteControlFrames(benchmark::State& state) {
  ByteSink out;
  for (auto _ : state) {
    out.Clear();
    for (StreamId s = 1; s < 201; s += 2) {
      WriteWindowUpdate(out, s, 65535);
      WriteRstStream(out, s, ErrorCode::kCancel);
      WritePing(out, {}, true);
      WriteSettingsAck(out);
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 400));
}
BENCHMARK(BM_WriteControlFrames);

}  // namespace
}  // namespace h2engine::h2
