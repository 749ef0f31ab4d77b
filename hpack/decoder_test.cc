// The Decoder: RFC 7541 Appendix C, every error with real bytes, limits, and the "decode whole,
// byte by byte, in random pieces" equivalence.

#include "hpack/decoder.h"

#include <chrono>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/rfc7541_examples.h"
#include "hpack/test_util.h"

namespace h2engine::hpack {
namespace {

using test::BlockResult;
using test::DecodeBlock;
using test::Field;
using test::FromHex;
using test::kAllSplits;
using test::Split;
using test::TableEntries;

class DecoderTest : public ::testing::Test {
 protected:
  BlockResult Decode(Decoder& d, std::string_view hex, Split split = Split::kWhole) {
    const std::vector<uint8_t> bytes = FromHex(hex);
    return DecodeBlock(d, bytes, split, rng_);
  }
  HpackError DecodeError(std::string_view hex, const DecoderOptions& options = {}) {
    HpackError first = HpackError::kNone;
    for (Split split : kAllSplits) {
      Decoder d(options);
      const HpackError e = Decode(d, hex, split).error;
      if (split == Split::kWhole) first = e;
      EXPECT_EQ(e, first) << split;
    }
    return first;
  }

  std::mt19937 rng_{7541};
};

// Appendix C.2-C.6, decoded whole, byte by byte and in random pieces: the RFC's header lists
// and the RFC's dynamic table (entries and §4.1 size) after each block.
TEST_F(DecoderTest, AppendixCExamplesEveryWay) {
  for (const test::RfcSequence& seq : test::AllRfcSequences()) {
    for (Split split : kAllSplits) {
      for (int repeat = 0; repeat < (split == Split::kRandom ? 10 : 1); ++repeat) {
        SCOPED_TRACE(::testing::Message() << seq.name << " " << split);
        Decoder d({.max_table_size = seq.table_capacity});
        for (size_t i = 0; i < seq.blocks.size(); ++i) {
          const test::RfcBlock& block = seq.blocks[i];
          const BlockResult r = Decode(d, block.hex, split);
          ASSERT_EQ(r.error, HpackError::kNone) << "block " << i;
          EXPECT_EQ(r.fields, test::Fields(block.headers)) << "block " << i;
          EXPECT_EQ(TableEntries(d), block.table) << "block " << i;
          EXPECT_EQ(d.dynamic_table_size(), block.table_size) << "block " << i;
          EXPECT_EQ(d.dynamic_table_capacity(), seq.table_capacity);
        }
      }
    }
  }
}

TEST_F(DecoderTest, Section62RepresentationsAndTheirTableEffects) {
  Decoder d;
  // §6.2.1 with a literal name, §6.2.2 and §6.2.3 with indexed names (static 4 = :path,
  // dynamic 62 = the entry just added), §6.1 indexed from the dynamic table.
  BlockResult r = Decode(d,
                         "4003 6162 6303 7879 7a"  // abc: xyz, incremental indexing
                         "0401 61"                 // :path: a, without indexing
                         "1f2f 0162"               // name 62 (abc): b, never indexed
                         "be");                    // 62: abc: xyz
  ASSERT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(r.fields, (std::vector<Field>{{"abc", "xyz", false},
                                          {":path", "a", false},
                                          {"abc", "b", true},
                                          {"abc", "xyz", false}}));
  EXPECT_EQ(TableEntries(d), std::vector<std::string>{"abc: xyz"});
  // §6.2.1 with a dynamic indexed name (62) and an empty value; a literal name in §6.2.2.
  r = Decode(d, "7e00 0001 7801 79");
  ASSERT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(r.fields, (std::vector<Field>{{"abc", "", false}, {"x", "y", false}}));
  EXPECT_EQ(TableEntries(d), (std::vector<std::string>{"abc: ", "abc: xyz"}));
}

TEST_F(DecoderTest, Section44LiteralNamedAfterTheEntryItEvicts) {
  // Capacity 40 holds one "abc: x" (36). A literal with incremental indexing whose name is
  // index 62 evicts that very entry when added (§4.4's caution).
  Decoder d({.max_table_size = 40});
  ASSERT_EQ(Decode(d, "4003 6162 6301 78").error, HpackError::kNone);
  for (Split split : kAllSplits) {
    const BlockResult r = Decode(d, "7e01 79", split);
    ASSERT_EQ(r.error, HpackError::kNone);
    EXPECT_EQ(r.fields, (std::vector<Field>{{"abc", "y", false}}));
    EXPECT_EQ(TableEntries(d), std::vector<std::string>{"abc: y"});
  }
}

TEST_F(DecoderTest, Section63SizeUpdates) {
  Decoder d;
  ASSERT_EQ(Decode(d, "4003 6162 6301 78").error, HpackError::kNone);
  // Two updates in a row at the start (§4.2): 0 empties the table, then back to 4096.
  BlockResult r = Decode(d, "20 3fe1 1f 82");
  ASSERT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(r.fields, (std::vector<Field>{{":method", "GET", false}}));
  EXPECT_EQ(d.dynamic_table_entries(), 0u);
  EXPECT_EQ(d.dynamic_table_capacity(), 4096u);
  // A block of size updates only.
  r = Decode(d, "3f45");  // 100
  ASSERT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(d.dynamic_table_capacity(), 100u);
  // Reducing evicts (§4.3): 100 holds two 36-byte entries; 40 holds one.
  ASSERT_EQ(Decode(d, "4003 6162 6301 78 4003 6465 6601 79").error, HpackError::kNone);
  EXPECT_EQ(d.dynamic_table_entries(), 2u);
  ASSERT_EQ(Decode(d, "3f09 82").error, HpackError::kNone);
  EXPECT_EQ(TableEntries(d), std::vector<std::string>{"def: y"});
}

TEST_F(DecoderTest, ZeroCopyForRawLiteralsInsideTheFragment) {
  struct PointerListener : HeaderListener {
    void OnHeader(std::string_view name, std::string_view value, bool) override {
      names.push_back(name.data());
      values.push_back(value.data());
    }
    std::vector<const char*> names, values;
  };
  const std::vector<uint8_t> block = FromHex("0003 6162 6303 7879 7a");
  const char* begin = reinterpret_cast<const char*>(block.data());
  Decoder d;
  PointerListener listener;
  d.StartBlock(&listener);
  ASSERT_EQ(d.DecodeFragment(block), HpackError::kNone);
  ASSERT_EQ(d.EndBlock(), HpackError::kNone);
  ASSERT_EQ(listener.values.size(), 1u);
  EXPECT_EQ(listener.names[0], begin + 2);
  EXPECT_EQ(listener.values[0], begin + 6);
}

// Errors, each with real bytes, each the same whole, byte by byte and in random pieces.

TEST_F(DecoderTest, Section51IntegerOverflowIsFatal) {
  EXPECT_EQ(DecodeError("ff ffff ffff 7f"), HpackError::kIntegerOverflow);     // > 2^32
  EXPECT_EQ(DecodeError("ff 8080 8080 8001"), HpackError::kIntegerOverflow);   // 6 continuations
  EXPECT_EQ(DecodeError("00 7f ffff ffff 7f"), HpackError::kIntegerOverflow);  // string length
  EXPECT_EQ(DecodeError("3f ffff ffff 7f"), HpackError::kIntegerOverflow);     // size update
}

TEST_F(DecoderTest, Section61IndexZeroIsAnError) {
  EXPECT_EQ(DecodeError("80"), HpackError::kIndexOutOfRange);
  EXPECT_EQ(DecodeError("82 80"), HpackError::kIndexOutOfRange);
}

TEST_F(DecoderTest, Section233IndexBeyondTheTablesIsAnError) {
  EXPECT_EQ(DecodeError("be"), HpackError::kIndexOutOfRange);       // 62, empty table
  EXPECT_EQ(DecodeError("7e 0178"), HpackError::kIndexOutOfRange);  // name index 62
  EXPECT_EQ(DecodeError("0f2f 0178"), HpackError::kIndexOutOfRange);
  EXPECT_EQ(DecodeError("1f2f 0178"), HpackError::kIndexOutOfRange);
  EXPECT_EQ(DecodeError("4003 6162 6301 78 bf"), HpackError::kIndexOutOfRange);  // 63 of 1
  EXPECT_EQ(DecodeError("4003 6162 6301 78 be"), HpackError::kNone);
  EXPECT_EQ(DecodeError("ff 80ff ffff 0f"), HpackError::kIndexOutOfRange);  // 2^32 - 1
}

TEST_F(DecoderTest, Section63SizeUpdateAboveTheLimitIsAnError) {
  EXPECT_EQ(DecodeError("3fe1 1f"), HpackError::kNone);                     // 4096
  EXPECT_EQ(DecodeError("3fe2 1f"), HpackError::kTableSizeUpdateTooLarge);  // 4097
  EXPECT_EQ(DecodeError("3f45", {.max_table_size = 100}), HpackError::kNone);
  EXPECT_EQ(DecodeError("3f46", {.max_table_size = 100}), HpackError::kTableSizeUpdateTooLarge);
  EXPECT_EQ(DecodeError("21", {.max_table_size = 0}), HpackError::kTableSizeUpdateTooLarge);
}

TEST_F(DecoderTest, Section42SizeUpdateAfterAFieldIsAnError) {
  EXPECT_EQ(DecodeError("82 20"), HpackError::kTableSizeUpdateNotAtStart);
  EXPECT_EQ(DecodeError("20 82 20"), HpackError::kTableSizeUpdateNotAtStart);
  EXPECT_EQ(DecodeError("0001 6101 62 3f45"), HpackError::kTableSizeUpdateNotAtStart);
  // Allowed again at the start of the next block.
  Decoder d;
  ASSERT_EQ(Decode(d, "82").error, HpackError::kNone);
  EXPECT_EQ(Decode(d, "20 82").error, HpackError::kNone);
}

TEST_F(DecoderTest, Section42LoweredLimitRequiresAnUpdate) {
  {
    Decoder d;
    d.SetMaxTableSize(100);
    EXPECT_EQ(Decode(d, "82").error, HpackError::kMissingTableSizeUpdate);
  }
  {
    Decoder d;
    d.SetMaxTableSize(100);
    EXPECT_EQ(Decode(d, "3f46 82").error, HpackError::kTableSizeUpdateTooLarge);  // 101
  }
  {
    Decoder d;
    ASSERT_EQ(Decode(d, "4003 6162 6301 78").error, HpackError::kNone);
    d.SetMaxTableSize(100);
    // An empty block does not use the table: let through, the requirement stays.
    EXPECT_EQ(Decode(d, "").error, HpackError::kNone);
    const BlockResult r = Decode(d, "3f45 be");
    EXPECT_EQ(r.error, HpackError::kNone);
    EXPECT_EQ(r.fields, (std::vector<Field>{{"abc", "x", false}}));
    EXPECT_EQ(d.dynamic_table_capacity(), 100u);
    // Satisfied: later blocks need no update.
    EXPECT_EQ(Decode(d, "82").error, HpackError::kNone);
  }
  {
    // Lowered to 100 then raised to 4096: the peer must signal <= 100 first, then may go up.
    Decoder d;
    d.SetMaxTableSize(100);
    d.SetMaxTableSize(4096);
    EXPECT_EQ(Decode(d, "3fe1 1f 82").error, HpackError::kMissingTableSizeUpdate);
  }
  {
    Decoder d;
    d.SetMaxTableSize(100);
    d.SetMaxTableSize(4096);
    EXPECT_EQ(Decode(d, "3f45 3fe1 1f 82").error, HpackError::kNone);
    EXPECT_EQ(d.dynamic_table_capacity(), 4096u);
  }
  {
    // Raising the limit needs no update.
    Decoder d;
    d.SetMaxTableSize(8192);
    EXPECT_EQ(Decode(d, "82").error, HpackError::kNone);
    EXPECT_EQ(Decode(d, "3fe1 3f 82").error, HpackError::kNone);  // 8192
    EXPECT_EQ(d.dynamic_table_capacity(), 8192u);
  }
}

TEST_F(DecoderTest, StringLongerThanTheLimitIsRejectedFromItsLength) {
  const DecoderOptions options{.max_string_length = 10};
  EXPECT_EQ(DecodeError("000a 6161 6161 6161 6161 6161 0162", options), HpackError::kNone);
  EXPECT_EQ(DecodeError("000b", options), HpackError::kStringTooLong);        // name, no bytes yet
  EXPECT_EQ(DecodeError("0001 61 0b", options), HpackError::kStringTooLong);  // value
  EXPECT_EQ(DecodeError("04 0b", options), HpackError::kStringTooLong);
  // A Huffman string of n octets takes at most ceil(30n / 8) bytes: 38 for 10.
  EXPECT_EQ(DecodeError("0001 61 a7", options), HpackError::kStringTooLong);
  // The default limit is 64 KiB; a length prefix of 2^32 - 1 is rejected without allocating.
  EXPECT_EQ(DecodeError("00 7f 80ff ffff 0f"), HpackError::kStringTooLong);
}

TEST_F(DecoderTest, Section52HuffmanErrorsInsideABlock) {
  EXPECT_EQ(DecodeError("0001 61 81 1f 82"), HpackError::kNone);              // "a", 3 bits of EOS
  EXPECT_EQ(DecodeError("0001 61 84 ffff ffff"), HpackError::kHuffmanError);  // EOS
  EXPECT_EQ(DecodeError("0001 61 82 1fff"), HpackError::kHuffmanError);       // 11 bits of padding
  EXPECT_EQ(DecodeError("0001 61 81 18"), HpackError::kHuffmanError);         // padding not EOS
  EXPECT_EQ(DecodeError("0081 18 0161"), HpackError::kHuffmanError);          // in a name
  EXPECT_EQ(DecodeError("4081 18 0161"), HpackError::kHuffmanError);          // indexed literal
  // "aaaa" is 3 bytes of Huffman code: within the encoded bound for 3 octets, but it decodes
  // to 4 > 3: too long, not invalid.
  EXPECT_EQ(DecodeError("0001 61 83 18c6 3f", {.max_string_length = 4}), HpackError::kNone);
  EXPECT_EQ(DecodeError("0001 61 83 18c6 3f", {.max_string_length = 3}),
            HpackError::kStringTooLong);
}

TEST_F(DecoderTest, TruncatedBlockIsFatal) {
  for (const char* hex : {"ff", "40", "4003 6162", "4003 6162 63", "4003 6162 6301", "0f", "0f 80",
                          "04 8c f1e3", "3f", "3f e1", "82 40 7f"}) {
    Decoder d;
    EXPECT_EQ(Decode(d, hex).error, HpackError::kTruncatedBlock) << hex;
    // The decoder is unusable afterwards.
    EXPECT_EQ(Decode(d, "82").error, HpackError::kTruncatedBlock) << hex;
  }
}

TEST_F(DecoderTest, StartingABlockInsideARepresentationIsTruncation) {
  Decoder d;
  const std::vector<uint8_t> partial = FromHex("4003 6162");
  d.StartBlock(nullptr);
  ASSERT_EQ(d.DecodeFragment(partial), HpackError::kNone);
  d.StartBlock(nullptr);  // EndBlock was never called
  EXPECT_EQ(d.DecodeFragment(FromHex("82")), HpackError::kTruncatedBlock);
}

// Garbage and corrupted blocks: only clean errors (ASan/UBSan builds check the rest), and the
// same outcome however the input is split.
TEST_F(DecoderTest, GarbageGivesCleanErrors) {
  std::mt19937 gen(3);
  auto byte = [&] { return static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(gen)); };
  std::vector<std::vector<uint8_t>> inputs;
  for (int i = 0; i < 300; ++i) {
    std::vector<uint8_t> block(std::uniform_int_distribution<size_t>(0, 64)(gen));
    for (uint8_t& b : block) b = byte();
    inputs.push_back(std::move(block));
  }
  // Corrupted copies of valid blocks.
  for (const test::RfcSequence& seq : test::AllRfcSequences()) {
    for (const test::RfcBlock& block : seq.blocks) {
      for (int i = 0; i < 20; ++i) {
        std::vector<uint8_t> bytes = FromHex(block.hex);
        bytes[std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(gen)] = byte();
        inputs.push_back(std::move(bytes));
      }
    }
  }
  for (const auto& input : inputs) {
    HpackError first = HpackError::kNone;
    std::vector<Field> first_fields;
    for (Split split : kAllSplits) {
      Decoder d({.max_header_list_size = 1000, .max_string_length = 100});
      const BlockResult r = DecodeBlock(d, input, split, rng_);
      if (split == Split::kWhole) {
        first = r.error;
        first_fields = r.fields;
      }
      ASSERT_EQ(r.error, first) << test::ToHex(input) << " " << split;
      ASSERT_EQ(r.fields, first_fields) << test::ToHex(input) << " " << split;
    }
  }
}

TEST_F(DecoderTest, FatalErrorsStick) {
  Decoder d;
  ASSERT_EQ(Decode(d, "80").error, HpackError::kIndexOutOfRange);
  const std::vector<uint8_t> ok = FromHex("82");
  d.StartBlock(nullptr);
  EXPECT_EQ(d.DecodeFragment(ok), HpackError::kIndexOutOfRange);
  EXPECT_EQ(d.EndBlock(), HpackError::kIndexOutOfRange);
}

// Header list size (RFC 9113 §6.5.2 counting).

TEST_F(DecoderTest, HeaderListLimitIsExactAndNotFatal) {
  // ":method: GET" counts 7 + 3 + 32 = 42.
  Decoder d({.max_header_list_size = 84});
  BlockResult r = Decode(d, "82 82");
  EXPECT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(r.fields.size(), 2u);
  // One more byte than allowed: the third field is not delivered, nor anything after it, but
  // the literal with incremental indexing after it still enters the table.
  r = Decode(d, "82 82 82 4003 6162 6301 78 82");
  EXPECT_EQ(r.error, HpackError::kHeaderListTooLarge);
  EXPECT_EQ(r.fields.size(), 2u);
  EXPECT_EQ(TableEntries(d), std::vector<std::string>{"abc: x"});
  // The decoder goes on: the next block can use the entry.
  r = Decode(d, "be");
  EXPECT_EQ(r.error, HpackError::kNone);
  EXPECT_EQ(r.fields, (std::vector<Field>{{"abc", "x", false}}));
  d.set_max_header_list_size(10);
  EXPECT_EQ(Decode(d, "be").error, HpackError::kHeaderListTooLarge);
}

// An "HPACK bomb": one entry of ~4000 bytes referenced 10,000 times (40 MB of headers from
// 10 KB of input). The listener sees only what fits in 64 KiB, EndBlock reports the excess, the
// table is intact for the next block, and the work is linear (no copy per reference).
TEST_F(DecoderTest, HpackBombIsCheap) {
  // "x: " and 3885 bytes of 'v' (127 + 46 + 29 * 128): 3885 + 1 + 32 = 3918 bytes of table.
  std::vector<uint8_t> block = FromHex("4001 78 7f ae1d");
  block.insert(block.end(), 3885, 'v');
  block.insert(block.end(), 10000, 0xbe);  // index 62, ten thousand times
  for (Split split : {Split::kWhole, Split::kRandom}) {
    Decoder d;
    struct CountingListener : HeaderListener {
      void OnHeader(std::string_view name, std::string_view value, bool) override {
        ++count;
        bytes += name.size() + value.size();
      }
      size_t count = 0, bytes = 0;
    } listener;
    d.StartBlock(&listener);
    if (split == Split::kWhole) {
      ASSERT_EQ(d.DecodeFragment(block), HpackError::kNone);
    } else {
      for (size_t i = 0; i < block.size(); i += 1000) {
        const size_t n = std::min<size_t>(1000, block.size() - i);
        ASSERT_EQ(d.DecodeFragment({block.data() + i, n}), HpackError::kNone);
      }
    }
    EXPECT_EQ(d.EndBlock(), HpackError::kHeaderListTooLarge);
    EXPECT_EQ(listener.count, 64 * 1024 / 3918);  // the fields that fit
    EXPECT_EQ(d.dynamic_table_entries(), 1u);
    const BlockResult r = Decode(d, "be 82");
    ASSERT_EQ(r.error, HpackError::kNone);
    ASSERT_EQ(r.fields.size(), 2u);
    EXPECT_TRUE(r.fields[0].value == std::string(3885, 'v'));
  }
}

TEST_F(DecoderTest, NullListenerDecodesAndKeepsTheTable) {
  Decoder d;
  d.StartBlock(nullptr);
  const std::vector<uint8_t> block = FromHex("4003 6162 6301 78 be");
  ASSERT_EQ(d.DecodeFragment(block), HpackError::kNone);
  ASSERT_EQ(d.EndBlock(), HpackError::kNone);
  EXPECT_EQ(TableEntries(d), std::vector<std::string>{"abc: x"});
}

void AppendLength(std::vector<uint8_t>& block, int length) {
  uint8_t buf[kMaxVarintLength];
  block.insert(block.end(), buf, buf + EncodeVarint(0, 7, static_cast<uint32_t>(length), buf));
}

// Random fragmentation of long sequences of blocks built from every representation, checked
// against the whole-buffer decode (the decoder must not depend on where fragments end).
TEST_F(DecoderTest, SplitsNeverChangeTheResult) {
  std::mt19937 gen(1);
  auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(gen); };
  std::vector<std::vector<uint8_t>> blocks;
  int entries = 0;  // an upper bound is enough: we only reference entries we know exist
  for (int b = 0; b < 60; ++b) {
    std::vector<uint8_t> block;
    if (pick(6) == 0) block.push_back(0x3f), block.push_back(0xe1), block.push_back(0x1f);
    const int fields = pick(12);
    int added = 0;
    for (int f = 0; f < fields; ++f) {
      const int kind = pick(5);
      if (kind == 0) {
        block.push_back(static_cast<uint8_t>(0x80 | (1 + pick(61))));
        continue;
      }
      if (kind == 1 && entries > 0) {
        block.push_back(static_cast<uint8_t>(0x80 | 62));
        continue;
      }
      static const uint8_t kPatterns[] = {0x40, 0x00, 0x10};
      const uint8_t pattern = kPatterns[pick(3)];
      if (pick(2) == 0) {
        block.push_back(static_cast<uint8_t>(pattern | 4));  // :path
      } else {
        block.push_back(pattern);
        const int len = 1 + pick(200);
        AppendLength(block, len);
        for (int i = 0; i < len; ++i) block.push_back(static_cast<uint8_t>('a' + pick(26)));
      }
      const int len = pick(300);
      AppendLength(block, len);
      for (int i = 0; i < len; ++i) block.push_back(static_cast<uint8_t>(' ' + pick(90)));
      if (pattern == 0x40) ++added;
    }
    entries += added;
    blocks.push_back(std::move(block));
  }
  Decoder reference;
  std::vector<BlockResult> expected;
  for (const auto& block : blocks) {
    expected.push_back(DecodeBlock(reference, block, Split::kWhole, rng_));
    ASSERT_EQ(expected.back().error, HpackError::kNone);
  }
  for (Split split : {Split::kByteByByte, Split::kRandom, Split::kRandom, Split::kRandom}) {
    Decoder d;
    for (size_t i = 0; i < blocks.size(); ++i) {
      const BlockResult r = DecodeBlock(d, blocks[i], split, rng_);
      ASSERT_EQ(r.error, HpackError::kNone) << split << " block " << i;
      ASSERT_EQ(r.fields, expected[i].fields) << split << " block " << i;
    }
    EXPECT_EQ(TableEntries(d), TableEntries(reference));
  }
}

// Integers of every encoded length reach the listener the same way whether the representation
// is decoded whole (the fast path takes up to 3 continuation bytes) or resumably.
TEST_F(DecoderTest, LongIntegersDecodeTheSameWholeOrSplit) {
  std::vector<uint8_t> block;
  // 70 entries "x: <i>", so that indices up to 131 exist; then index 127 (two-byte index,
  // 7-bit prefix) and 131; then raw strings whose lengths take 1 to 4 continuation bytes.
  for (int i = 0; i < 70; ++i) {
    const std::string v = std::to_string(i);
    block.insert(block.end(), {0x40, 0x01, 'x', static_cast<uint8_t>(v.size())});
    block.insert(block.end(), v.begin(), v.end());
  }
  block.insert(block.end(), {0xff, 0x00, 0xff, 0x04});
  std::vector<Field> expected;
  for (int i = 0; i < 70; ++i) expected.push_back({"x", std::to_string(i), false});
  expected.push_back({"x", std::to_string(69 - (127 - 62)), false});
  expected.push_back({"x", std::to_string(69 - (131 - 62)), false});
  // (length, its prefix integer): minimal ones and padded ones (continuation bytes carrying
  // zeros are valid), with 0 to 4 continuation bytes; the fast path takes up to 3.
  const std::pair<size_t, std::vector<uint8_t>> kLengths[] = {
      {126, {0x7e}},
      {127, {0x7f, 0x00}},
      {254, {0x7f, 0x7f}},
      {16510, {0x7f, 0xff, 0x7f}},
      {16511, {0x7f, 0x80, 0x80, 0x01}},
      {130, {0x7f, 0x83, 0x80, 0x00}},
      {130, {0x7f, 0x83, 0x80, 0x80, 0x00}},
  };
  for (const auto& [length, prefix] : kLengths) {
    block.insert(block.end(), {0x00, 0x01, 'y'});  // without indexing, literal name "y"
    block.insert(block.end(), prefix.begin(), prefix.end());
    block.insert(block.end(), length, 'z');
    expected.push_back({"y", std::string(length, 'z'), false});
  }
  for (Split split : kAllSplits) {
    Decoder d({.max_header_list_size = 1 << 20});
    const BlockResult r = DecodeBlock(d, block, split, rng_);
    ASSERT_EQ(r.error, HpackError::kNone) << split;
    ASSERT_EQ(r.fields.size(), expected.size()) << split;
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(r.fields[i], expected[i]) << split << " field " << i;
    }
  }
}

}  // namespace
}  // namespace h2engine::hpack
