// Steady state allocates nothing: once the tables, buffers and output sink have grown, encoding
// and decoding more header blocks of the same shapes makes no heap allocation. Global operator
// new is replaced in this test binary to count allocations.

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/decoder.h"
#include "hpack/encoder.h"

namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  ++g_allocations;
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  std::abort();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace h2engine::hpack {
namespace {

class NullListener : public HeaderListener {
 public:
  void OnHeader(std::string_view name, std::string_view value, bool) override {
    bytes += name.size() + value.size();
  }
  size_t bytes = 0;
};

TEST(AllocationTest, SteadyStateEncodeAndDecodeDoNotAllocate) {
  // Lists that keep changing the dynamic table (new values evict old ones), with Huffman and raw
  // strings, sensitive fields and a literal split across fragments.
  std::vector<std::vector<std::string>> values;
  std::mt19937 rng(1);
  for (int i = 0; i < 64; ++i) {
    values.push_back({std::to_string(rng()), "value-" + std::to_string(i % 7),
                      std::string(50 + i % 13, static_cast<char>('a' + i % 26)),
                      std::string(3, static_cast<char>(1 + i % 20))});
  }
  Encoder encoder;
  Decoder decoder;
  ByteSink sink(1 << 16);
  NullListener listener;
  auto round = [&](int i) {
    const std::vector<std::string>& v = values[i % values.size()];
    const HeaderField fields[] = {{":method", "GET"},      {":path", v[0]},  {"x-id", v[0]},
                                  {"x-kind", v[1]},        {"x-long", v[2]}, {"x-binary", v[3]},
                                  {"authorization", v[1]}, {"cookie", v[2]}, {"cookie", "a=b"},
                                  {"x-secret", v[1], true}};
    sink.Clear();
    encoder.Encode(fields, sink);
    decoder.StartBlock(&listener);
    const size_t half = sink.size() / 2;
    if (decoder.DecodeFragment({sink.data(), half}) != HpackError::kNone ||
        decoder.DecodeFragment({sink.data() + half, sink.size() - half}) != HpackError::kNone ||
        decoder.EndBlock() != HpackError::kNone) {
      std::abort();
    }
  };
  for (int i = 0; i < 1000; ++i) round(i);  // warm up
  const size_t before = g_allocations.load();
  ASSERT_GT(before, 0u);  // the counter works: warming up allocated
  for (int i = 1000; i < 3000; ++i) round(i);
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_GT(listener.bytes, 0u);
}

}  // namespace
}  // namespace h2engine::hpack
