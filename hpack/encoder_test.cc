// The Encoder: RFC 7541 Appendix C reproduced byte for byte, §4.2 size updates, the indexing
// policy, and encode -> decode round trips at several table sizes, decoded several ways.

#include "hpack/encoder.h"

#include <deque>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hpack/decoder.h"
#include "hpack/huffman.h"
#include "hpack/varint.h"
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
using test::ToHex;

std::string EncodeHex(Encoder& e, const std::vector<HeaderField>& fields) {
  ByteSink sink;
  e.Encode(fields, sink);
  return ToHex(sink.span());
}

std::string Hex(std::string_view hex) { return ToHex(FromHex(hex)); }

std::vector<std::string> TableEntries(const Encoder& e) {
  std::vector<std::string> out;
  for (size_t i = 0; i < e.table().num_entries(); ++i) {
    out.push_back(std::string(e.table().Get(i).name) + ": " + std::string(e.table().Get(i).value));
  }
  return out;
}

// What the decoder reports for `fields` encoded with `options`: sensitive fields arrive as
// never-indexed literals.
std::vector<Field> Expected(const std::vector<HeaderField>& fields, const EncoderOptions& options) {
  std::vector<Field> out = test::Fields(fields);
  for (Field& f : out) {
    f.never_indexed = f.never_indexed || f.name == "authorization" ||
                      f.name == "proxy-authorization" ||
                      (f.name == "cookie" && f.value.size() < options.min_indexed_cookie_length);
  }
  return out;
}

TEST(EncoderTest, AppendixC2Representations) {
  Encoder e({.use_huffman = false});
  EXPECT_EQ(EncodeHex(e, {{"custom-key", "custom-header"}}),
            Hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));  // C.2.1
  EXPECT_EQ(e.dynamic_table_size(), 55u);
  Encoder e2({.use_huffman = false});
  EXPECT_EQ(EncodeHex(e2, {{":path", "/sample/path"}}),
            Hex("040c 2f73 616d 706c 652f 7061 7468"));  // C.2.2: :path is not indexed
  EXPECT_EQ(e2.dynamic_table_size(), 0u);
  EXPECT_EQ(EncodeHex(e2, {{"password", "secret", true}}),
            Hex("1008 7061 7373 776f 7264 0673 6563 7265 74"));  // C.2.3
  EXPECT_EQ(EncodeHex(e2, {{":method", "GET"}}), Hex("82"));     // C.2.4
  EXPECT_EQ(e2.dynamic_table_size(), 0u);
}

// C.3-C.6 with the default policy, which makes the RFC's choices, with two differences:
//  - C.5 and C.6 run with SETTINGS_HEADER_TABLE_SIZE 256, but their first block has no size
//    update: the RFC's decoder starts at 256. Ours starts at the protocol's 4096 (RFC 9113
//    §6.5.2), so our first block begins with the update to 256 (3fe101), then the RFC's bytes.
//  - C.6.2 Huffman-codes "307" into 3 bytes, as long as the raw string; we send the raw string
//    on a tie (same size, cheaper to decode, and zero-copy in our decoder).
TEST(EncoderTest, AppendixC3ToC6ByteForByte) {
  for (test::RfcSequence seq : {test::RfcC3(), test::RfcC4(), test::RfcC5(), test::RfcC6()}) {
    SCOPED_TRACE(seq.name);
    std::string first_update;
    if (seq.table_capacity != 4096) {
      ASSERT_EQ(seq.table_capacity, 256u);
      first_update = Hex("3fe101");
    }
    if (std::string_view(seq.name) == "C.6") {
      ASSERT_EQ(Hex(seq.blocks[1].hex), Hex("4883 640e ffc1 c0bf"));
      seq.blocks[1].hex = "4803 3330 37c1 c0bf";
    }
    // The peer's setting and our own cap give the same bytes.
    Encoder e({.use_huffman = seq.huffman});
    e.SetPeerMaxTableSize(seq.table_capacity);
    Encoder capped({.use_huffman = seq.huffman, .max_table_size = seq.table_capacity});
    for (size_t i = 0; i < seq.blocks.size(); ++i) {
      const test::RfcBlock& block = seq.blocks[i];
      const std::string expected = (i == 0 ? first_update : "") + Hex(block.hex);
      EXPECT_EQ(EncodeHex(e, block.headers), expected) << "block " << i;
      EXPECT_EQ(EncodeHex(capped, block.headers), expected) << "block " << i;
      EXPECT_EQ(TableEntries(capped), block.table) << "block " << i;
      EXPECT_EQ(TableEntries(e), block.table) << "block " << i;
      EXPECT_EQ(e.dynamic_table_size(), block.table_size) << "block " << i;
    }
  }
}

TEST(EncoderTest, Section42SizeUpdates) {
  {
    Encoder e;
    e.SetPeerMaxTableSize(4096);  // unchanged: nothing to signal
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("82"));
    e.SetPeerMaxTableSize(100);
    e.SetPeerMaxTableSize(4096);  // down then up: the minimum, then the final size
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("3f45 3fe1 1f 82"));
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("82"));  // only once
    e.SetPeerMaxTableSize(0);
    EXPECT_EQ(EncodeHex(e, {}), Hex("20"));
    EXPECT_EQ(e.dynamic_table_capacity(), 0u);
    e.SetPeerMaxTableSize(2048);
    e.SetPeerMaxTableSize(1024);  // down twice: the final one is the minimum
    EXPECT_EQ(EncodeHex(e, {}), Hex("3fe1 07"));
    e.SetPeerMaxTableSize(1024);
    e.SetPeerMaxTableSize(2048);  // up only
    EXPECT_EQ(EncodeHex(e, {}), Hex("3fe1 0f"));
  }
  {
    // Our own cap below the initial 4096 is announced in the first block, then kept.
    Encoder e({.max_table_size = 1024});
    e.SetPeerMaxTableSize(4096);
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("3fe1 07 82"));
    EXPECT_EQ(e.dynamic_table_capacity(), 1024u);
    e.SetPeerMaxTableSize(4096);
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("82"));
    e.SetPeerMaxTableSize(65536);
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("82"));
    e.SetPeerMaxTableSize(512);
    EXPECT_EQ(EncodeHex(e, {{":method", "GET"}}), Hex("3fe1 03 82"));
  }
  {
    // A peer allowing more than 4096, and our cap above it.
    Encoder e({.max_table_size = 65536});
    e.SetPeerMaxTableSize(8192);
    EXPECT_EQ(EncodeHex(e, {}), Hex("3fe1 3f"));
    EXPECT_EQ(e.dynamic_table_capacity(), 8192u);
  }
  {
    // Shrinking evicts on our side exactly as on the decoder's.
    Encoder e;
    ByteSink sink;
    e.Encode(std::vector<HeaderField>{{"a", "1"}, {"b", "2"}, {"c", "3"}}, sink);
    ASSERT_EQ(e.dynamic_table_entries(), 3u);
    e.SetPeerMaxTableSize(67);
    e.SetPeerMaxTableSize(4096);
    sink.Clear();
    e.Encode(std::vector<HeaderField>{{"c", "3"}, {"b", "2"}}, sink);
    // 67 (room for one entry), 4096, then "c: 3" is index 62 and "b: 2" a literal again.
    EXPECT_EQ(ToHex(sink.span()), Hex("3f24 3fe1 1f be 4001 6201 32"));
  }
}

TEST(EncoderTest, PolicyNeverIndexesCredentials) {
  Encoder e;
  for (int i = 0; i < 2; ++i) {
    // §6.2.3 with the static name 23 (15 + 8) and 49 (15 + 34), and nothing in the table.
    EXPECT_EQ(EncodeHex(e, {{"authorization", "Basic QWxhZGRpbjpvcGVu"}}).substr(0, 4), "1f08");
    EXPECT_EQ(EncodeHex(e, {{"proxy-authorization", "Basic QWxhZGRpbjpvcGVu"}}).substr(0, 4),
              "1f22");
    EXPECT_EQ(e.dynamic_table_entries(), 0u);
  }
  // Even an empty authorization, which equals static entry 23, is a never-indexed literal.
  EXPECT_EQ(EncodeHex(e, {{"authorization", ""}}), "1f0800");
}

TEST(EncoderTest, PolicyCookiesByLength) {
  Encoder e;
  // Shorter than min_indexed_cookie_length (20): never indexed, name 32 = 15 + 17.
  EXPECT_EQ(EncodeHex(e, {{"cookie", "a=b"}}), Hex("1f11 03 613d62"));
  EXPECT_EQ(EncodeHex(e, {{"cookie", "a=b"}}), Hex("1f11 03 613d62"));
  EXPECT_EQ(e.dynamic_table_entries(), 0u);
  // Long enough: indexed with name 32 (0x40 | 32), then referenced.
  const std::string crumb = "session=0123456789abcdef";
  EXPECT_EQ(EncodeHex(e, {{"cookie", crumb}}).substr(0, 2), "60");
  EXPECT_EQ(e.dynamic_table_entries(), 1u);
  EXPECT_EQ(EncodeHex(e, {{"cookie", crumb}}), Hex("be"));
  Encoder strict({.min_indexed_cookie_length = 1000});
  EXPECT_EQ(EncodeHex(strict, {{"cookie", crumb}}).substr(0, 4), "1f11");
}

TEST(EncoderTest, PolicyHonoursNeverIndex) {
  Encoder e({.use_huffman = false});
  EXPECT_EQ(EncodeHex(e, {{"x-secret", "v", true}}), Hex("1008 782d 7365 6372 6574 0176"));
  EXPECT_EQ(e.dynamic_table_entries(), 0u);
  // Never indexed even when the exact field is in a table: static :method GET...
  EXPECT_EQ(EncodeHex(e, {{":method", "GET", true}}), Hex("12 03 474554"));
  // ...or dynamic; the name may still be a dynamic reference (62 = 15 + 47).
  EXPECT_EQ(EncodeHex(e, {{"x-custom", "1"}}), Hex("4008 782d 6375 7374 6f6d 0131"));
  EXPECT_EQ(EncodeHex(e, {{"x-custom", "1", true}}), Hex("1f2f 0131"));
  EXPECT_EQ(e.dynamic_table_entries(), 1u);
}

TEST(EncoderTest, HuffmanOnlyWhenShorter) {
  Encoder e;
  // 15 octets of common characters: 12 bytes of Huffman code (C.4.1).
  EXPECT_EQ(EncodeHex(e, {{":authority", "www.example.com"}}),
            Hex("418c f1e3 c2e5 f23a 6ba0 ab90 f4ff"));
  // Rare octets have codes of 20+ bits: raw is shorter.
  EXPECT_EQ(EncodeHex(e, {{"x", std::string("\x01\x02\x7f", 3)}}), Hex("4001 7803 0102 7f"));
  // A tie stays raw (cheaper to decode): "0" is 5 bits, so one byte either way.
  EXPECT_EQ(EncodeHex(e, {{":status", "0"}}), Hex("4801 30"));
  Encoder raw({.use_huffman = false});
  EXPECT_EQ(EncodeHex(raw, {{":authority", "www.example.com"}}),
            Hex("410f 7777 772e 6578 616d 706c 652e 636f 6d"));
}

TEST(EncoderTest, LongHuffmanStringsGetAMultiByteLengthPrefix) {
  // The Huffman code is written behind a one-byte length prefix; at 127 bytes and more the
  // prefix takes more bytes (§5.1) and the code moves up behind it. "0" has a 5-bit code, so
  // c zeros take ceil(5c / 8) bytes: 201 -> 126, 202 -> 127, 204 -> 128.
  for (size_t chars : {size_t{160}, size_t{201}, size_t{202}, size_t{204}, size_t{1600}}) {
    SCOPED_TRACE(chars);
    const std::string value(chars, '0');
    const size_t code_length = (5 * chars + 7) / 8;
    ASSERT_EQ(HuffmanEncodedLength(value), code_length);
    ByteSink expected;
    expected.Append(std::string_view("\x40\x01x", 3));  // incremental indexing, name "x"
    AppendVarint(0x80, 7, static_cast<uint32_t>(code_length), expected);
    HuffmanEncode(value, code_length, expected);
    ASSERT_EQ(expected.size(), 3 + VarintLength(7, static_cast<uint32_t>(code_length)) + code_length);

    Encoder e;
    EXPECT_EQ(EncodeHex(e, {{"x", value}}), ToHex(expected.span()));
    ByteSink sink;
    Encoder e2;
    e2.Encode(std::vector<HeaderField>{{"x", value}}, sink);
    Decoder d;
    std::mt19937 rng(1);
    const BlockResult r = DecodeBlock(d, sink.span(), Split::kWhole, rng);
    ASSERT_EQ(r.error, HpackError::kNone);
    ASSERT_EQ(r.fields.size(), 1u);
    EXPECT_EQ(r.fields[0].value, value);
  }
}

TEST(EncoderTest, PolicySkipsValuesThatRarelyRepeat) {
  Encoder e({.use_huffman = false});
  // :path (4), age (21) and content-length (28): literals without indexing, indexed names.
  EXPECT_EQ(EncodeHex(e, {{":path", "/a"}, {"age", "1"}, {"content-length", "12"}}),
            Hex("0402 2f61 0f06 0131 0f0d 0231 32"));
  EXPECT_EQ(e.dynamic_table_entries(), 0u);
  // Everything else that fits is indexed.
  EXPECT_EQ(EncodeHex(e, {{"date", "x"}, {"etag", "y"}}), Hex("6101 78 6201 79"));
  EXPECT_EQ(e.dynamic_table_entries(), 2u);
}

TEST(EncoderTest, EntriesTooLargeForTheTableAreNotIndexed) {
  Encoder e({.use_huffman = false, .max_table_size = 256});
  ASSERT_EQ(EncodeHex(e, {{"a", "1"}}), Hex("3fe101 4001 6101 31"));
  // 32 + 1 + 200 > 3/4 of 256: a literal without indexing; the table keeps "a: 1".
  EXPECT_EQ(EncodeHex(e, {{"b", std::string(200, 'x')}}).substr(0, 10), "0001627f49");
  EXPECT_EQ(e.dynamic_table_entries(), 1u);
  EXPECT_EQ(EncodeHex(e, {{"a", "1"}}), Hex("be"));
}

// A generator of header lists with realistic repetition: a few hosts, paths, user agents and
// cookies reused across lists, plus sensitive fields, empty and binary values, and values
// larger than small tables.
class HeaderGenerator {
 public:
  explicit HeaderGenerator(uint32_t seed) : rng_(seed) {}

  std::vector<HeaderField> Next() {
    storage_.clear();
    std::vector<HeaderField> fields;
    const bool request = Pick(2) == 0;
    if (request) {
      Add(fields, ":method", Pick(4) == 0 ? "POST" : "GET");
      Add(fields, ":scheme", "https");
      Add(fields, ":authority", "host" + std::to_string(Pick(3)) + ".example.com");
      Add(fields, ":path", "/p/" + std::to_string(Pick(50)) + (Pick(3) == 0 ? "?q=1" : ""));
      Add(fields, "user-agent", "agent/" + std::to_string(Pick(2)));
    } else {
      Add(fields, ":status", Pick(3) == 0 ? "404" : "200");
      Add(fields, "date", "Mon, 21 Oct 2013 20:13:" + std::to_string(10 + Pick(50)) + " GMT");
      Add(fields, "content-length", std::to_string(Pick(100000)));
    }
    for (int i = Pick(8); i > 0; --i) {
      switch (Pick(9)) {
        case 0:
          Add(fields, "cookie", "c" + std::to_string(Pick(4)) + "=" + std::string(Pick(40), 'k'));
          break;
        case 1:
          Add(fields, "authorization", "Bearer " + std::to_string(Pick(1000)));
          break;
        case 2:
          Add(fields, "x-secret", std::to_string(Pick(5)), true);
          break;
        case 3:
          Add(fields, "x-empty", "");
          break;
        case 4: {
          std::string binary(Pick(10), '\0');
          for (char& c : binary) c = static_cast<char>(Pick(256));
          Add(fields, "x-binary", binary);
          break;
        }
        case 5:
          Add(fields, "x-large", std::string(100 + Pick(3000), static_cast<char>('a' + Pick(26))));
          break;
        case 6:
          Add(fields, "cache-control", Pick(2) ? "no-cache" : "max-age=" + std::to_string(Pick(9)));
          break;
        default:
          Add(fields, "x-custom-" + std::to_string(Pick(20)), "value-" + std::to_string(Pick(6)));
          break;
      }
    }
    return fields;
  }

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  void Add(std::vector<HeaderField>& fields, std::string name, std::string value,
           bool never_index = false) {
    storage_.push_back(std::move(name));
    const std::string& n = storage_.back();
    storage_.push_back(std::move(value));
    fields.push_back({n, storage_.back(), never_index});
  }

  std::mt19937 rng_;
  std::deque<std::string> storage_;  // stable addresses for the views
};

// Encodes many lists and decodes them whole, byte by byte and in random pieces: the decoded
// lists equal the input, and the two tables stay identical.
void RoundTrip(uint32_t table_size, bool huffman, bool resize) {
  SCOPED_TRACE(::testing::Message()
               << "table " << table_size << " huffman " << huffman << " resize " << resize);
  const EncoderOptions options{.use_huffman = huffman, .max_table_size = 65536};
  Encoder encoder(options);
  encoder.SetPeerMaxTableSize(table_size);
  std::deque<Decoder> decoders;
  for (int i = 0; i < 3; ++i) decoders.emplace_back(DecoderOptions{.max_table_size = table_size});
  HeaderGenerator gen(table_size + huffman);
  std::mt19937 rng(table_size);
  std::mt19937 sizes(99);
  for (int block = 0; block < 150; ++block) {
    if (resize && block % 10 == 9) {
      // Change the advertised size, sometimes twice between blocks (§4.2).
      for (int n = std::uniform_int_distribution<int>(1, 2)(sizes); n > 0; --n) {
        const uint32_t s = std::uniform_int_distribution<uint32_t>(0, 2 * table_size)(sizes);
        encoder.SetPeerMaxTableSize(s);
        for (Decoder& d : decoders) d.SetMaxTableSize(s);
      }
    }
    const std::vector<HeaderField> fields = gen.Next();
    ByteSink sink;
    encoder.Encode(fields, sink);
    for (size_t i = 0; i < decoders.size(); ++i) {
      const BlockResult r = DecodeBlock(decoders[i], sink.span(), kAllSplits[i], rng);
      ASSERT_EQ(r.error, HpackError::kNone) << "block " << block << " " << kAllSplits[i];
      ASSERT_EQ(r.fields, Expected(fields, options)) << "block " << block << " " << kAllSplits[i];
      ASSERT_EQ(decoders[i].dynamic_table_size(), encoder.dynamic_table_size());
      ASSERT_EQ(decoders[i].dynamic_table_capacity(), encoder.dynamic_table_capacity());
      ASSERT_EQ(test::TableEntries(decoders[i]), TableEntries(encoder));
    }
  }
}

TEST(EncoderTest, RoundTripsAtEveryTableSize) {
  for (uint32_t size : {0u, 256u, 4096u, 65536u}) {
    for (bool huffman : {false, true}) RoundTrip(size, huffman, false);
  }
}

TEST(EncoderTest, RoundTripsWithSizeChangesBetweenBlocks) {
  for (uint32_t size : {256u, 4096u}) RoundTrip(size, true, true);
}

// Our cap below the protocol's initial 4096: announced, so the peer's table follows ours.
TEST(EncoderTest, OwnCapBelowTheInitialSizeIsAnnounced) {
  Encoder encoder({.max_table_size = 300});
  Decoder decoder;  // 4096
  HeaderGenerator gen(5);
  std::mt19937 rng(5);
  {
    ByteSink sink;
    encoder.Encode({}, sink);
    EXPECT_EQ(ToHex(sink.span()), Hex("3f8d 02"));  // 300
    ASSERT_EQ(DecodeBlock(decoder, sink.span(), Split::kWhole, rng).error, HpackError::kNone);
    EXPECT_EQ(decoder.dynamic_table_capacity(), 300u);
  }
  for (int block = 0; block < 100; ++block) {
    const std::vector<HeaderField> fields = gen.Next();
    ByteSink sink;
    encoder.Encode(fields, sink);
    const BlockResult r = DecodeBlock(decoder, sink.span(), Split::kWhole, rng);
    ASSERT_EQ(r.error, HpackError::kNone);
    ASSERT_EQ(r.fields, Expected(fields, {}));
    ASSERT_LE(encoder.dynamic_table_size(), 300u);
    ASSERT_EQ(decoder.dynamic_table_capacity(), 300u);
    ASSERT_EQ(test::TableEntries(decoder), TableEntries(encoder));
  }
}

}  // namespace
}  // namespace h2engine::hpack
