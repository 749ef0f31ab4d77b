// HPACK encode and decode throughput: h2engine side by side with nghttp2 (Debian's
// libnghttp2) in one binary, on the 32 raw-data stories of testdata/hpack-test-case.
//
// One iteration processes the whole corpus: every story with a fresh encoder/decoder (a story
// is one compression context, RFC 7541 §2.2), every case in order, peer table size 4096,
// Huffman when shorter. Both decoders decode the same bytes (nghttp2's encoding, or ours).
// Reported per benchmark:
//   hdr_bytes   header bytes (sum of name + value lengths) per second: "MB/s" in 1000s
//   time/field  time per header field
//   compression encoded bytes / header bytes of that encoder (encode benchmarks)
//   vs_nghttp2  h2engine's throughput / nghttp2's on the same work (once nghttp2's has run)
// and a summary table at the end (all from CPU time, not wall time).
// Run: bazel run --config=opt //bench:hpack_bench
// Data: found through the runfiles tree, or --hpack_testdata=DIR / $H2ENGINE_HPACK_TESTDATA.
//
// This binary has its own main() (so the summary follows the results); the linker then does not
// take main from the libbenchmark_main.a that h2_benchmarks() adds.

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/byte_sink.h"
#include "benchmark/benchmark.h"
#include "hpack/decoder.h"
#include "hpack/encoder.h"
#include "hpack/error.h"
#include "hpack/header_field.h"
#include "hpack/tools/story.h"
#include "hpack/tools/story_files.h"

namespace h2engine::hpack {
namespace {

using tools::Story;

constexpr uint32_t kTableSize = 4096;

struct CaseData {
  std::vector<HeaderField> fields;  // views into Corpus::stories
  std::vector<nghttp2_nv> nva;
};

struct Corpus {
  std::vector<Story> stories;
  std::vector<std::vector<CaseData>> cases;  // [story][case]
  size_t header_bytes = 0;
  size_t header_count = 0;
  // The corpus encoded by each encoder: [story][case].
  std::vector<std::vector<std::string>> wire_nghttp2;
  std::vector<std::vector<std::string>> wire_h2engine;
  size_t wire_bytes_nghttp2 = 0;
  size_t wire_bytes_h2engine = 0;
  std::string error;  // set if loading failed
};

std::string g_testdata_dir;

// ---- The measured work: one pass over the corpus. noinline so callgrind can count each. ----

// EncodeCorpusNghttp2 returns the number of bytes written.
[[gnu::noinline]] size_t EncodeCorpusNghttp2(const Corpus& corpus, std::vector<uint8_t>& buf,
                                             std::vector<std::vector<std::string>>* out_wire) {
  size_t total = 0;
  for (size_t s = 0; s < corpus.cases.size(); ++s) {
    nghttp2_hd_deflater* deflater = nullptr;
    if (nghttp2_hd_deflate_new2(&deflater, kTableSize, nullptr) != 0) std::abort();
    for (const CaseData& c : corpus.cases[s]) {
      ssize_t n = nghttp2_hd_deflate_hd(deflater, buf.data(), buf.size(), c.nva.data(),
                                        c.nva.size());
      if (n < 0) std::abort();
      total += static_cast<size_t>(n);
      if (out_wire != nullptr) {
        (*out_wire)[s].emplace_back(reinterpret_cast<const char*>(buf.data()),
                                    static_cast<size_t>(n));
      }
    }
    nghttp2_hd_deflate_del(deflater);
  }
  return total;
}

[[gnu::noinline]] size_t EncodeCorpusH2engine(const Corpus& corpus, ByteSink& sink,
                                              std::vector<std::vector<std::string>>* out_wire) {
  size_t total = 0;
  EncoderOptions options;
  options.max_table_size = kTableSize;
  for (size_t s = 0; s < corpus.cases.size(); ++s) {
    Encoder encoder(options);
    for (const CaseData& c : corpus.cases[s]) {
      sink.Clear();
      encoder.Encode(c.fields, sink);
      total += sink.size();
      if (out_wire != nullptr) (*out_wire)[s].emplace_back(sink.view());
    }
  }
  return total;
}

// The decoders return the sum of decoded name and value lengths (0 on error).
[[gnu::noinline]] size_t DecodeCorpusNghttp2(const std::vector<std::vector<std::string>>& wire) {
  size_t total = 0;
  for (const std::vector<std::string>& story : wire) {
    nghttp2_hd_inflater* inflater = nullptr;
    if (nghttp2_hd_inflate_new(&inflater) != 0) std::abort();
    for (const std::string& block : story) {
      const uint8_t* in = reinterpret_cast<const uint8_t*>(block.data());
      size_t left = block.size();
      while (true) {
        nghttp2_nv nv;
        int flags = 0;
        ssize_t rv = nghttp2_hd_inflate_hd2(inflater, &nv, &flags, in, left, 1);
        if (rv < 0) {
          nghttp2_hd_inflate_del(inflater);
          return 0;
        }
        in += rv;
        left -= static_cast<size_t>(rv);
        if (flags & NGHTTP2_HD_INFLATE_EMIT) total += nv.namelen + nv.valuelen;
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
          nghttp2_hd_inflate_end_headers(inflater);
          break;
        }
        if ((flags & NGHTTP2_HD_INFLATE_EMIT) == 0 && left == 0) {
          nghttp2_hd_inflate_del(inflater);
          return 0;
        }
      }
    }
    nghttp2_hd_inflate_del(inflater);
  }
  return total;
}

class CountingListener : public HeaderListener {
 public:
  void OnHeader(std::string_view name, std::string_view value, bool /*never_indexed*/) override {
    bytes_ += name.size() + value.size();
  }
  size_t bytes_ = 0;
};

[[gnu::noinline]] size_t DecodeCorpusH2engine(const std::vector<std::vector<std::string>>& wire) {
  CountingListener listener;
  for (const std::vector<std::string>& story : wire) {
    Decoder decoder;
    for (const std::string& block : story) {
      decoder.StartBlock(&listener);
      std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(block.data()),
                                     block.size());
      if (decoder.DecodeFragment(bytes) != HpackError::kNone) return 0;
      if (decoder.EndBlock() != HpackError::kNone) return 0;
    }
  }
  return listener.bytes_;
}

// ---- Set-up ----

std::unique_ptr<Corpus> LoadCorpus() {
  auto corpus = std::make_unique<Corpus>();
  std::string dir = g_testdata_dir;
  if (dir.empty()) dir = tools::FindHpackTestCaseDir();
  if (dir.empty()) {
    corpus->error =
        "testdata/hpack-test-case not found: run with bazel run, or pass --hpack_testdata=DIR";
    return corpus;
  }
  std::vector<std::string> files;
  if (!tools::ListStoryFiles(dir + "/raw-data", &files, &corpus->error)) return corpus;
  if (files.empty()) {
    corpus->error = "no stories in " + dir + "/raw-data";
    return corpus;
  }
  corpus->stories.resize(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (!tools::LoadStory(files[i], &corpus->stories[i], &corpus->error)) {
      corpus->error = files[i] + ": " + corpus->error;
      return corpus;
    }
  }
  size_t max_block = 0;
  for (Story& story : corpus->stories) {
    std::vector<CaseData>& cases = corpus->cases.emplace_back();
    for (tools::StoryCase& c : story.cases) {
      CaseData& data = cases.emplace_back();
      size_t block = 0;
      for (tools::StoryHeader& h : c.headers) {
        data.fields.push_back({h.name, h.value, false});
        data.nva.push_back({reinterpret_cast<uint8_t*>(h.name.data()),
                            reinterpret_cast<uint8_t*>(h.value.data()), h.name.size(),
                            h.value.size(), NGHTTP2_NV_FLAG_NONE});
        corpus->header_bytes += h.name.size() + h.value.size();
        block += h.name.size() + h.value.size();
      }
      corpus->header_count += c.headers.size();
      max_block = std::max(max_block, block + 32 * c.headers.size());
    }
  }
  std::vector<uint8_t> buf(2 * max_block + 1024);
  corpus->wire_nghttp2.resize(corpus->cases.size());
  corpus->wire_h2engine.resize(corpus->cases.size());
  corpus->wire_bytes_nghttp2 = EncodeCorpusNghttp2(*corpus, buf, &corpus->wire_nghttp2);
  ByteSink sink;
  corpus->wire_bytes_h2engine = EncodeCorpusH2engine(*corpus, sink, &corpus->wire_h2engine);
  // Both decoders must decode both encodings to the same header bytes, or the figures are
  // meaningless.
  for (const auto* wire : {&corpus->wire_nghttp2, &corpus->wire_h2engine}) {
    if (DecodeCorpusNghttp2(*wire) != corpus->header_bytes ||
        DecodeCorpusH2engine(*wire) != corpus->header_bytes) {
      corpus->error = "decoding the encoded corpus does not give the header bytes back";
    }
  }
  return corpus;
}

const Corpus& GetCorpus() {
  static const Corpus* corpus = LoadCorpus().release();
  return *corpus;
}

// ---- Benchmarks ----

enum class Impl { kNghttp2, kH2engine };
enum class Op { kEncode, kDecode };

// ThreadCpuNanos: this thread's CPU time, the clock Google Benchmark's "CPU" column and rate
// counters use; on a shared machine it is steadier than wall time.
double ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Result: the runs of one benchmark. Google Benchmark calls a benchmark several times (to
// find the iteration count, then once per repetition); the summary uses the median of the runs
// with the largest iteration count.
struct Result {
  std::vector<std::pair<int64_t, double>> runs;  // (iterations, CPU ns per iteration)

  void Add(int64_t iterations, double ns) { runs.emplace_back(iterations, ns); }
  double ns_per_iteration() const {
    int64_t most = 0;
    for (const auto& r : runs) most = std::max(most, r.first);
    std::vector<double> ns;
    for (const auto& r : runs) {
      if (r.first == most) ns.push_back(r.second);
    }
    std::sort(ns.begin(), ns.end());
    return ns.empty() ? 0 : ns[ns.size() / 2];
  }
};
std::map<std::string, Result> g_results;  // by benchmark name

std::string Key(Op op, Impl impl, Impl wire) {
  std::string key = op == Op::kEncode ? "encode/" : "decode/";
  key += impl == Impl::kNghttp2 ? "nghttp2" : "h2engine";
  if (op == Op::kDecode) key += wire == Impl::kNghttp2 ? "/wire:nghttp2" : "/wire:h2engine";
  return key;
}

void RunBenchmark(benchmark::State& state, Op op, Impl impl, Impl wire) {
  const Corpus& corpus = GetCorpus();
  if (!corpus.error.empty()) {
    state.SkipWithError(corpus.error.c_str());
    for (auto _ : state) {
    }
    return;
  }
  const auto& input = wire == Impl::kNghttp2 ? corpus.wire_nghttp2 : corpus.wire_h2engine;
  std::vector<uint8_t> buf(1 << 20);
  ByteSink sink(1 << 16);
  size_t expected = 0;
  if (op == Op::kEncode) {
    expected = impl == Impl::kNghttp2 ? corpus.wire_bytes_nghttp2 : corpus.wire_bytes_h2engine;
  } else {
    expected = corpus.header_bytes;
  }
  bool wrong = false;
  double start = ThreadCpuNanos();
  for (auto _ : state) {
    size_t n;
    if (op == Op::kEncode) {
      n = impl == Impl::kNghttp2 ? EncodeCorpusNghttp2(corpus, buf, nullptr)
                                 : EncodeCorpusH2engine(corpus, sink, nullptr);
    } else {
      n = impl == Impl::kNghttp2 ? DecodeCorpusNghttp2(input) : DecodeCorpusH2engine(input);
    }
    benchmark::DoNotOptimize(n);
    wrong |= n != expected;
  }
  double elapsed = ThreadCpuNanos() - start;
  if (wrong) {
    state.SkipWithError("the output changed between iterations");
    return;
  }
  double ns = elapsed / static_cast<double>(state.iterations());
  std::string key = Key(op, impl, wire);
  g_results[key].Add(static_cast<int64_t>(state.iterations()), ns);

  using benchmark::Counter;
  state.counters["hdr_bytes"] =
      Counter(static_cast<double>(corpus.header_bytes), Counter::kIsIterationInvariantRate);
  state.counters["time/field"] = Counter(static_cast<double>(corpus.header_count),
                                         Counter::kIsIterationInvariantRate | Counter::kInvert);
  if (op == Op::kEncode) {
    state.counters["compression"] =
        static_cast<double>(expected) / static_cast<double>(corpus.header_bytes);
  }
  if (impl == Impl::kH2engine) {
    auto other = g_results.find(Key(op, Impl::kNghttp2, wire));
    if (other != g_results.end()) {
      state.counters["vs_nghttp2"] = other->second.ns_per_iteration() / ns;
    }
  }
}

void PrintSummary() {
  const Corpus& corpus = GetCorpus();
  if (!corpus.error.empty()) {
    std::fprintf(stderr, "hpack_bench: %s\n", corpus.error.c_str());
    return;
  }
  const auto row = [&](const std::string& key, const char* label) {
    auto it = g_results.find(key);
    if (it == g_results.end()) return;
    double ns = it->second.ns_per_iteration();
    std::printf("  %-34s %9.1f MB/s %8.1f ns/field\n", label,
                static_cast<double>(corpus.header_bytes) / ns * 1e3,
                ns / static_cast<double>(corpus.header_count));
  };
  const auto ratio = [&](const std::string& ours, const std::string& theirs, const char* label) {
    auto a = g_results.find(ours), b = g_results.find(theirs);
    if (a == g_results.end() || b == g_results.end()) return;
    std::printf("  %-34s %9.2fx\n", label,
                b->second.ns_per_iteration() / a->second.ns_per_iteration());
  };
  std::printf(
      "\nHPACK summary: %zu raw-data stories, %zu header fields, %zu header bytes; nghttp2 %s\n",
      corpus.stories.size(), corpus.header_count, corpus.header_bytes,
      nghttp2_version(0)->version_str);
  row("encode/nghttp2", "encode nghttp2");
  row("encode/h2engine", "encode h2engine");
  ratio("encode/h2engine", "encode/nghttp2", "encode speed h2engine/nghttp2");
  row("decode/nghttp2/wire:nghttp2", "decode nghttp2 (nghttp2's wire)");
  row("decode/h2engine/wire:nghttp2", "decode h2engine (nghttp2's wire)");
  ratio("decode/h2engine/wire:nghttp2", "decode/nghttp2/wire:nghttp2",
        "decode speed h2engine/nghttp2");
  row("decode/nghttp2/wire:h2engine", "decode nghttp2 (h2engine's wire)");
  row("decode/h2engine/wire:h2engine", "decode h2engine (h2engine's wire)");
  ratio("decode/h2engine/wire:h2engine", "decode/nghttp2/wire:h2engine",
        "decode speed h2engine/nghttp2 (ours)");
  double hb = static_cast<double>(corpus.header_bytes);
  std::printf("  %-34s %9.4f (nghttp2 %.4f, h2engine %.4f; h2engine/nghttp2 %.4f)\n",
              "encoded size / header bytes", static_cast<double>(corpus.wire_bytes_nghttp2) / hb,
              static_cast<double>(corpus.wire_bytes_nghttp2) / hb,
              static_cast<double>(corpus.wire_bytes_h2engine) / hb,
              static_cast<double>(corpus.wire_bytes_h2engine) /
                  static_cast<double>(corpus.wire_bytes_nghttp2));
}

void RegisterAll() {
  // nghttp2 first in each pair, so the h2engine benchmark can report vs_nghttp2.
  for (auto [op, impl, wire] : {
           std::tuple{Op::kEncode, Impl::kNghttp2, Impl::kNghttp2},
           std::tuple{Op::kEncode, Impl::kH2engine, Impl::kH2engine},
           std::tuple{Op::kDecode, Impl::kNghttp2, Impl::kNghttp2},
           std::tuple{Op::kDecode, Impl::kH2engine, Impl::kNghttp2},
           std::tuple{Op::kDecode, Impl::kNghttp2, Impl::kH2engine},
           std::tuple{Op::kDecode, Impl::kH2engine, Impl::kH2engine},
       }) {
    std::string name = "hpack/" + Key(op, impl, wire);
    benchmark::RegisterBenchmark(name.c_str(), [op = op, impl = impl, wire = wire](
                                                   benchmark::State& state) {
      RunBenchmark(state, op, impl, wire);
    })->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace
}  // namespace h2engine::hpack

int main(int argc, char** argv) {
  // Our own flag, removed before Google Benchmark sees the arguments.
  int kept = 1;
  constexpr std::string_view kFlag = "--hpack_testdata=";
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with(kFlag)) {
      h2engine::hpack::g_testdata_dir = std::string(arg.substr(kFlag.size()));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (h2engine::hpack::g_testdata_dir.empty()) {
    h2engine::hpack::g_testdata_dir = h2engine::hpack::tools::FindHpackTestCaseDir(argv[0]);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  h2engine::hpack::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  h2engine::hpack::PrintSummary();
  return h2engine::hpack::GetCorpus().error.empty() ? 0 : 1;
}
