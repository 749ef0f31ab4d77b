// h2::Connection benchmarks, in memory, one core.
//
//   bazel run --config=opt //bench:connection_bench
//
// BM_Requests/100    a client and a server connection back to back; each iteration the client
//                    submits 100 GET requests at once (100 concurrent streams), the server
//                    answers each with a 13-byte body, and bytes are moved until all 100
//                    responses are complete. items_per_second = requests per second for
//                    both ends of the connection together on one core.
// BM_Requests/1      the same, one request at a time (latency-bound path).
// BM_MemoryIdleConnection  bytes of heap held by a server connection: after the handshake
//                    ("fresh") and after it has served requests and gone idle ("used").
// BM_MemoryPerStream bytes of heap per open stream: a server with N requests open (headers
//                    received, response not yet sent), divided by N.
//
// Memory is measured by counting live heap bytes (malloc_usable_size) in this binary's
// operator new/delete; the time columns of the memory benchmarks mean nothing.

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <span>
#include <string_view>
#include <vector>

#include "benchmark/benchmark.h"
#include "h2/connection.h"

namespace {

std::atomic<int64_t> g_live_bytes{0};

void* Allocate(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) std::abort();
  g_live_bytes.fetch_add(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}

void Release(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }

namespace h2engine::h2 {
namespace {

constexpr std::string_view kBody = "hello, world!";

// A body in static memory: no allocation per response beyond the source object.
class StaticSource final : public DataSource {
 public:
  explicit StaticSource(std::string_view body) : body_(body) {}
  DataChunk Read(size_t max, ByteSink& out) override {
    const size_t n = std::min(max, body_.size());
    out.Append(body_.substr(0, n));
    body_.remove_prefix(n);
    return {n, body_.empty(), false};
  }

 private:
  std::string_view body_;
};

class Server final : public ConnectionVisitor {
 public:
  Connection* conn = nullptr;
  bool respond = true;
  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList&, bool) override {
    if (kind != HeadersKind::kRequest || !respond) return;
    static constexpr HeaderRef kResponse[] = {
        {":status", "200"}, {"content-type", "text/plain"}, {"content-length", "13"}};
    (void)conn->SubmitResponse(id, kResponse, std::make_unique<StaticSource>(kBody));
  }
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    conn->ConsumeData(id, data.size());
  }
};

class Client final : public ConnectionVisitor {
 public:
  Connection* conn = nullptr;
  int64_t completed = 0;
  int64_t bytes = 0;
  void OnHeaders(StreamId, HeadersKind, const HeaderList&, bool) override {}
  void OnData(StreamId id, std::span<const uint8_t> data) override {
    bytes += static_cast<int64_t>(data.size());
    conn->ConsumeData(id, data.size());
  }
  void OnStreamClosed(StreamId, ErrorCode code) override {
    if (code == ErrorCode::kNoError) ++completed;
  }
};

struct Pair {
  Pair() {
    ConnectionOptions c;
    c.perspective = Perspective::kClient;
    c.max_concurrent_streams = 1000;
    ConnectionOptions s;
    s.perspective = Perspective::kServer;
    s.max_concurrent_streams = 1000;
    client = std::make_unique<Connection>(c, &client_app);
    server = std::make_unique<Connection>(s, &server_app);
    client_app.conn = client.get();
    server_app.conn = server.get();
    Pump();
  }
  // Move moves everything `from` has to say into `to`; returns bytes moved.
  size_t Move(Connection& from, Connection& to) {
    size_t moved = 0;
    while (true) {
      const std::span<const uint8_t> out = from.PendingOutput();
      if (out.empty()) return moved;
      buffer.assign(out.begin(), out.end());
      from.ConsumeOutput(out.size());
      (void)to.ProcessInput(buffer, now);
      moved += buffer.size();
    }
  }
  void Pump() {
    while (Move(*client, *server) + Move(*server, *client) > 0) {
    }
  }

  Client client_app;
  Server server_app;
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  std::vector<uint8_t> buffer;
  Clock::time_point now = Clock::time_point() + std::chrono::seconds(1);
};

constexpr HeaderRef kGet[] = {{":method", "GET"},
                              {":scheme", "https"},
                              {":authority", "bench.example"},
                              {":path", "/index.html"},
                              {"user-agent", "h2engine-bench/1.0"},
                              {"accept", "*/*"},
                              {"accept-encoding", "gzip, deflate, br"}};

void BM_Requests(benchmark::State& state) {
  const int concurrent = static_cast<int>(state.range(0));
  Pair pair;
  for (auto _ : state) {
    const int64_t before = pair.client_app.completed;
    for (int i = 0; i < concurrent; ++i) (void)pair.client->SubmitRequest(kGet, nullptr);
    pair.Pump();
    if (pair.client_app.completed - before != concurrent) {
      state.SkipWithError("requests did not complete");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * concurrent);
}
BENCHMARK(BM_Requests)->Arg(1)->Arg(100);

// ServerBytes: the heap a pair's server connection holds, measured by destroying it.
int64_t ServerBytes(Pair& pair) {
  const int64_t before = g_live_bytes.load();
  pair.server.reset();
  return before - g_live_bytes.load();
}

void BM_MemoryIdleConnection(benchmark::State& state) {
  int64_t fresh = 0;
  int64_t used = 0;
  for (auto _ : state) {
    {
      Pair pair;  // handshake done
      fresh = ServerBytes(pair);
    }
    {
      Pair pair;
      for (int round = 0; round < 10; ++round) {
        for (int i = 0; i < 100; ++i) (void)pair.client->SubmitRequest(kGet, nullptr);
        pair.Pump();
      }
      used = ServerBytes(pair);
    }
  }
  state.counters["bytes_fresh"] = static_cast<double>(fresh);
  state.counters["bytes_used_idle"] = static_cast<double>(used);
}
BENCHMARK(BM_MemoryIdleConnection)->Iterations(3);

void BM_MemoryPerStream(benchmark::State& state) {
  const int streams = static_cast<int>(state.range(0));
  int64_t per_stream = 0;
  for (auto _ : state) {
    int64_t idle = 0;
    {
      Pair pair;
      pair.server_app.respond = false;
      (void)pair.client->SubmitRequest(kGet, nullptr);  // same HPACK state as below
      pair.Pump();
      idle = ServerBytes(pair);
    }
    Pair pair;
    pair.server_app.respond = false;  // keep every stream open
    for (int i = 0; i < streams + 1; ++i) (void)pair.client->SubmitRequest(kGet, nullptr);
    pair.Pump();
    if (pair.server->num_active_streams() != static_cast<size_t>(streams + 1)) {
      state.SkipWithError("streams did not open");
      break;
    }
    per_stream = (ServerBytes(pair) - idle) / streams;
  }
  state.counters["bytes_per_stream"] = static_cast<double>(per_stream);
}
BENCHMARK(BM_MemoryPerStream)->Arg(100)->Iterations(3);

}  // namespace
}  // namespace h2engine::h2
