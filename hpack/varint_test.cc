// Prefix integers, RFC 7541 §5.1 and Appendix C.1.

#include "hpack/varint.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/test_util.h"

namespace h2engine::hpack {
namespace {

using test::FromHex;

std::vector<uint8_t> Encode(uint8_t high_bits, int prefix_bits, uint32_t value) {
  uint8_t buf[kMaxVarintLength];
  const size_t n = EncodeVarint(high_bits, prefix_bits, value, buf);
  EXPECT_EQ(n, VarintLength(prefix_bits, value));
  ByteSink sink;
  AppendVarint(high_bits, prefix_bits, value, sink);
  EXPECT_EQ(sink.size(), n);
  return {buf, buf + n};
}

struct Decoded {
  DecodeStatus status;
  uint32_t value;
  size_t consumed;
};

// DecodeWhole decodes `bytes` in one buffer.
Decoded DecodeWhole(const std::vector<uint8_t>& bytes, int prefix_bits) {
  VarintDecoder d;
  const uint8_t* cursor = bytes.data();
  const DecodeStatus s = d.Start(prefix_bits, cursor, bytes.data() + bytes.size());
  return {s, d.value(), static_cast<size_t>(cursor - bytes.data())};
}

// DecodeBytewise feeds `bytes` one at a time.
Decoded DecodeBytewise(const std::vector<uint8_t>& bytes, int prefix_bits) {
  VarintDecoder d;
  DecodeStatus s = DecodeStatus::kInProgress;
  size_t i = 0;
  for (; i < bytes.size(); ++i) {
    const uint8_t* cursor = &bytes[i];
    s = i == 0 ? d.Start(prefix_bits, cursor, cursor + 1) : d.Resume(cursor, cursor + 1);
    EXPECT_EQ(cursor, &bytes[i] + 1);
    if (s != DecodeStatus::kInProgress) break;
  }
  return {s, d.value(), i + 1};
}

TEST(VarintTest, RfcC11Encodes10WithFiveBitPrefix) {
  EXPECT_EQ(Encode(0, 5, 10), FromHex("0a"));
  EXPECT_EQ(Encode(0xe0, 5, 10), FromHex("ea"));  // high bits belong to the representation
  const Decoded d = DecodeWhole(FromHex("ea"), 5);
  EXPECT_EQ(d.status, DecodeStatus::kDone);
  EXPECT_EQ(d.value, 10u);
  EXPECT_EQ(d.consumed, 1u);
}

TEST(VarintTest, RfcC12Encodes1337WithFiveBitPrefix) {
  EXPECT_EQ(Encode(0, 5, 1337), FromHex("1f9a0a"));
  for (const Decoded& d :
       {DecodeWhole(FromHex("1f9a0a"), 5), DecodeBytewise(FromHex("1f9a0a"), 5)}) {
    EXPECT_EQ(d.status, DecodeStatus::kDone);
    EXPECT_EQ(d.value, 1337u);
    EXPECT_EQ(d.consumed, 3u);
  }
}

TEST(VarintTest, RfcC13Encodes42AtOctetBoundary) {
  EXPECT_EQ(Encode(0, 8, 42), FromHex("2a"));
  const Decoded d = DecodeWhole(FromHex("2a"), 8);
  EXPECT_EQ(d.status, DecodeStatus::kDone);
  EXPECT_EQ(d.value, 42u);
}

TEST(VarintTest, PrefixBoundaries) {
  // 2^N - 2 fits in the prefix; 2^N - 1 needs one continuation byte of 0.
  EXPECT_EQ(Encode(0, 5, 30), FromHex("1e"));
  EXPECT_EQ(Encode(0, 5, 31), FromHex("1f00"));
  EXPECT_EQ(Encode(0, 5, 31 + 127), FromHex("1f7f"));
  EXPECT_EQ(Encode(0, 5, 31 + 128), FromHex("1f8001"));
  EXPECT_EQ(Encode(0x80, 7, 126), FromHex("fe"));
  EXPECT_EQ(Encode(0x80, 7, 127), FromHex("ff00"));
  EXPECT_EQ(Encode(0, 8, 255), FromHex("ff00"));
  EXPECT_EQ(Encode(0, 1, 0), FromHex("00"));
  EXPECT_EQ(Encode(0, 1, 1), FromHex("0100"));
  // The largest value we accept: 2^32 - 1 after a 4-bit prefix (0xffffffff - 15 = 0xfffffff0).
  EXPECT_EQ(Encode(0, 4, UINT32_MAX), FromHex("0f f0 ff ff ff 0f"));
  EXPECT_EQ(Encode(0, 8, UINT32_MAX), FromHex("ff 80 fe ff ff 0f"));
}

TEST(VarintTest, RoundTripsEveryPrefixWholeAndBytewise) {
  const uint32_t values[] = {0,
                             1,
                             2,
                             6,
                             7,
                             14,
                             15,
                             30,
                             31,
                             62,
                             63,
                             126,
                             127,
                             128,
                             254,
                             255,
                             256,
                             1337,
                             16383,
                             16384,
                             65535,
                             1u << 20,
                             (1u << 28) - 1,
                             1u << 28,
                             0x7fffffff,
                             0x80000000,
                             UINT32_MAX - 1,
                             UINT32_MAX};
  for (int prefix = 1; prefix <= 8; ++prefix) {
    const uint8_t high = static_cast<uint8_t>(0xff << prefix);
    for (uint32_t v : values) {
      const std::vector<uint8_t> bytes = Encode(high, prefix, v);
      ASSERT_LE(bytes.size(), kMaxVarintLength);
      for (const Decoded& d : {DecodeWhole(bytes, prefix), DecodeBytewise(bytes, prefix)}) {
        EXPECT_EQ(d.status, DecodeStatus::kDone) << "prefix " << prefix << " value " << v;
        EXPECT_EQ(d.value, v) << "prefix " << prefix;
        EXPECT_EQ(d.consumed, bytes.size()) << "prefix " << prefix << " value " << v;
      }
    }
  }
}

TEST(VarintTest, StopsAtTheEndOfTheInteger) {
  const std::vector<uint8_t> bytes = FromHex("1f9a0a ff");
  const Decoded d = DecodeWhole(bytes, 5);
  EXPECT_EQ(d.status, DecodeStatus::kDone);
  EXPECT_EQ(d.consumed, 3u);
}

TEST(VarintTest, InProgressUntilTheLastByte) {
  VarintDecoder d;
  const std::vector<uint8_t> bytes = FromHex("1f9a");
  const uint8_t* cursor = bytes.data();
  EXPECT_EQ(d.Start(5, cursor, bytes.data() + bytes.size()), DecodeStatus::kInProgress);
  EXPECT_EQ(cursor, bytes.data() + bytes.size());
  const uint8_t last = 0x0a;
  const uint8_t* cursor2 = &last;
  EXPECT_EQ(d.Resume(cursor2, &last + 1), DecodeStatus::kDone);
  EXPECT_EQ(cursor2, &last + 1);
  EXPECT_EQ(d.value(), 1337u);
}

TEST(VarintTest, Section51RejectsValuesAbove32Bits) {
  // 2^32 with a 4-bit prefix: 0x100000000 - 15 = 0xfffffff1.
  for (const auto& hex : {"0f f1 ff ff ff 0f", "ff 81 fe ff ff 0f", "0f ff ff ff ff 7f"}) {
    const int prefix = hex[0] == 'f' ? 8 : 4;
    EXPECT_EQ(DecodeWhole(FromHex(hex), prefix).status, DecodeStatus::kError) << hex;
    EXPECT_EQ(DecodeBytewise(FromHex(hex), prefix).status, DecodeStatus::kError) << hex;
  }
}

TEST(VarintTest, Section51BoundsTheNumberOfContinuationBytes) {
  // Five continuation bytes are accepted even when they pad a small value with zeros...
  Decoded d = DecodeWhole(FromHex("1f 80 80 80 80 00"), 5);
  EXPECT_EQ(d.status, DecodeStatus::kDone);
  EXPECT_EQ(d.value, 31u);
  // ...a sixth is rejected, and a run of 0x80 is rejected after six bytes, not at its end.
  std::vector<uint8_t> bytes = FromHex("1f 80 80 80 80 80 00");
  EXPECT_EQ(DecodeWhole(bytes, 5).status, DecodeStatus::kError);
  bytes.assign(1000, 0x80);
  bytes[0] = 0xff;
  d = DecodeWhole(bytes, 7);
  EXPECT_EQ(d.status, DecodeStatus::kError);
  EXPECT_EQ(d.consumed, kMaxVarintLength);
  d = DecodeBytewise(bytes, 7);
  EXPECT_EQ(d.status, DecodeStatus::kError);
  EXPECT_EQ(d.consumed, kMaxVarintLength);
}

}  // namespace
}  // namespace h2engine::hpack
