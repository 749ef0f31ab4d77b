// Tests for hpack/huffman.h: RFC 7541 Appendix C.4/C.6 vectors, every §5.2 decoding error with
// real bytes, output limits, and a differential test against a bit-at-a-time reference coder
// built straight from the Appendix B data file (hpack/huffman_code.txt), which shares nothing
// with the generated tables.

#include "hpack/huffman.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/byte_sink.h"
#include "gtest/gtest.h"

namespace h2engine::hpack {
namespace {

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  int nibbles = 0;
  uint8_t cur = 0;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else {
      continue;  // spaces
    }
    cur = static_cast<uint8_t>((cur << 4) | v);
    if (++nibbles % 2 == 0) out.push_back(cur);
  }
  return out;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string ToHex(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[3];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    out += buf;
  }
  return out;
}

std::vector<uint8_t> Encode(std::string_view s) {
  ByteSink sink;
  HuffmanEncode(s, HuffmanEncodedLength(s), sink);
  return {sink.data(), sink.data() + sink.size()};
}

// Decode returns the decoded string, or "<error>" (never a valid result in these tests).
std::string Decode(std::span<const uint8_t> in, size_t max_output = SIZE_MAX) {
  std::string out;
  if (!HuffmanDecode(in, max_output, &out)) return "<error>";
  return out;
}

// The reference coder: RFC 7541 Appendix B as read from the data file, one bit at a time.
class Reference {
 public:
  static const Reference& Get() {
    static const Reference* r = new Reference();
    return *r;
  }

  const std::string& bits(int symbol) const { return bits_[symbol]; }

  std::vector<uint8_t> Encode(std::string_view s) const {
    std::string all;
    for (unsigned char c : s) all += bits_[c];
    while (all.size() % 8 != 0) all += '1';
    return PackBits(all);
  }

  // FirstSymbolOfLength returns the smallest symbol whose code has `length` bits, or -1.
  int FirstSymbolOfLength(size_t length) const {
    for (int s = 0; s < 257; ++s) {
      if (bits_[s].size() == length) return s;
    }
    return -1;
  }

  // §5.2 decoding: false on EOS, padding > 7 bits or padding that is not all 1-bits.
  bool Decode(std::span<const uint8_t> in, std::string* out) const {
    uint64_t code = 0;
    int length = 0;
    for (uint8_t byte : in) {
      for (int i = 7; i >= 0; --i) {
        code = (code << 1) | ((byte >> i) & 1);
        ++length;
        auto it = by_code_.find(Key(code, length));
        if (it == by_code_.end()) continue;
        if (it->second == 256) return false;
        out->push_back(static_cast<char>(it->second));
        code = 0;
        length = 0;
      }
    }
    return length <= 7 && code == (uint64_t{1} << length) - 1;
  }

  static std::vector<uint8_t> PackBits(const std::string& bits) {
    std::vector<uint8_t> out((bits.size() + 7) / 8, 0);
    for (size_t i = 0; i < bits.size(); ++i) {
      if (bits[i] == '1') out[i / 8] |= static_cast<uint8_t>(0x80 >> (i % 8));
    }
    return out;
  }

 private:
  Reference() {
    std::ifstream in("hpack/huffman_code.txt");
    EXPECT_TRUE(in.good()) << "hpack/huffman_code.txt not found in the runfiles";
    std::string line;
    int rows = 0;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      // "'a' ( 97)  |00011     3  [ 5]": symbol in parentheses, then the bits from '|' on.
      size_t open = line.find('(', line[0] == '\'' ? 3 : 0);
      int symbol = std::stoi(line.substr(open + 1));
      std::string code;
      for (size_t i = line.find('|', line.find(')', open)); i < line.size() && line[i] != ' ';
           ++i) {
        if (line[i] == '0' || line[i] == '1') code += line[i];
      }
      bits_[symbol] = code;
      by_code_[Key(std::stoull(code, nullptr, 2), static_cast<int>(code.size()))] = symbol;
      ++rows;
    }
    EXPECT_EQ(rows, 257);
  }

  static uint64_t Key(uint64_t code, int length) { return (uint64_t(length) << 32) | code; }

  std::string bits_[257];
  std::unordered_map<uint64_t, int> by_code_;
};

// RFC 7541 Appendix C.4 (requests) and C.6 (responses): every Huffman-coded string literal.
struct Vector {
  const char* section;
  std::string_view decoded;
  std::string_view hex;
};
const Vector kAppendixC[] = {
    {"C.4.1", "www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff"},
    {"C.4.2", "no-cache", "a8eb 1064 9cbf"},
    {"C.4.3", "custom-key", "25a8 49e9 5ba9 7d7f"},
    {"C.4.3", "custom-value", "25a8 49e9 5bb8 e8b4 bf"},
    {"C.6.1", "302", "6402"},
    {"C.6.1", "private", "aec3 771a 4b"},
    {"C.6.1", "Mon, 21 Oct 2013 20:13:21 GMT",
     "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff"},
    {"C.6.1", "https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3"},
    {"C.6.2", "307", "640e ff"},
    {"C.6.3", "Mon, 21 Oct 2013 20:13:22 GMT",
     "d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff"},
    {"C.6.3", "gzip", "9bd9 ab"},
    {"C.6.3", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
     "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 "
     "3160 65c0 03ed 4ee5 b106 3d50 07"},
};

TEST(HuffmanTest, Rfc7541AppendixC4AndC6Vectors) {
  for (const Vector& v : kAppendixC) {
    SCOPED_TRACE(std::string(v.section) + " " + std::string(v.decoded));
    std::vector<uint8_t> want = FromHex(v.hex);
    EXPECT_EQ(HuffmanEncodedLength(v.decoded), want.size());
    EXPECT_EQ(ToHex(Encode(v.decoded)), ToHex(want));
    EXPECT_EQ(Decode(want), v.decoded);
    EXPECT_EQ(ToHex(Reference::Get().Encode(v.decoded)), ToHex(want));
  }
}

TEST(HuffmanTest, AppendixBSpotChecks) {
  // '/' is 011000 (the RFC's own example), padded with 11.
  EXPECT_EQ(ToHex(Encode("/")), "63");
  // '0' is 00000: eight of them are exactly 40 bits, no padding.
  EXPECT_EQ(ToHex(Encode("00000000")), "0000000000");
  // Symbol 0 is 1111111111000 (13 bits), padded with 111.
  EXPECT_EQ(ToHex(Encode(std::string_view("\0", 1))), "ffc7");
  // Symbol 10 ('\n') is a 30-bit code: 3ffffffc, padded with 11.
  EXPECT_EQ(ToHex(Encode("\n")), "fffffff3");
  // Symbol 255 is 11111111111111111111101110 (26 bits).
  EXPECT_EQ(ToHex(Encode("\xff")), "fffffbbf");
}

TEST(HuffmanTest, EmptyStringIsEmptyBothWays) {
  EXPECT_EQ(HuffmanEncodedLength(""), 0u);
  EXPECT_TRUE(Encode("").empty());
  std::string out = "keep";
  ASSERT_TRUE(HuffmanDecode({}, 0, &out));
  EXPECT_EQ(out, "keep");
}

TEST(HuffmanTest, DecodeAppendsToExistingContent) {
  std::string out = "prefix:";
  ASSERT_TRUE(HuffmanDecode(FromHex("9bd9ab"), 100, &out));
  EXPECT_EQ(out, "prefix:gzip");
}

TEST(HuffmanTest, EncodeAppendsToExistingContent) {
  ByteSink sink;
  sink.Append(std::string_view("xy"));
  HuffmanEncode("gzip", HuffmanEncodedLength("gzip"), sink);
  EXPECT_EQ(ToHex(sink.span()),
            "7879"
            "9bd9ab");
}

TEST(HuffmanDeathTest, EncodeWithTooSmallALengthAbortsInsteadOfOverflowing) {
  // "hello, world" is 9 bytes of code; claiming 1 must stop the encoder, not let it write on.
  ASSERT_EQ(HuffmanEncodedLength("hello, world"), 9u);
  ByteSink sink;
  EXPECT_DEATH(HuffmanEncode("hello, world", 1, sink), "");
}

TEST(HuffmanTest, EverySingleByteRoundTripsAndMatchesReference) {
  for (int c = 0; c < 256; ++c) {
    SCOPED_TRACE(c);
    std::string s(1, static_cast<char>(c));
    std::vector<uint8_t> encoded = Encode(s);
    EXPECT_EQ(encoded.size(), (Reference::Get().bits(c).size() + 7) / 8);
    EXPECT_EQ(encoded, Reference::Get().Encode(s));
    EXPECT_EQ(Decode(encoded), s);
  }
}

TEST(HuffmanTest, AllBytesInOneStringRoundTrip) {
  std::string s;
  for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
  for (int c = 255; c >= 0; --c) s.push_back(static_cast<char>(c));
  std::vector<uint8_t> encoded = Encode(s);
  EXPECT_EQ(encoded, Reference::Get().Encode(s));
  EXPECT_EQ(Decode(encoded), s);
}

TEST(HuffmanTest, RandomStringsRoundTripAndMatchReference) {
  std::mt19937 rng(7541);
  const std::string printable =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~:/?#[]@!$&'()*+,;= %";
  for (int i = 0; i < 3000; ++i) {
    size_t len = rng() % (i < 2900 ? 80 : 5000);
    std::string s(len, '\0');
    int kind = i % 3;
    for (char& c : s) {
      if (kind == 0) {
        c = printable[rng() % printable.size()];
      } else if (kind == 1) {
        c = static_cast<char>(rng());
      } else {
        // Mostly long codes: bytes >= 128 and control characters.
        c = static_cast<char>(rng() % 2 ? 128 + rng() % 128 : rng() % 32);
      }
    }
    SCOPED_TRACE(i);
    std::vector<uint8_t> encoded = Encode(s);
    ASSERT_EQ(encoded.size(), HuffmanEncodedLength(s));
    ASSERT_EQ(encoded, Reference::Get().Encode(s));
    ASSERT_EQ(Decode(encoded), s);
    // The exact bound on output is enough, one byte less is not.
    std::string out;
    ASSERT_TRUE(HuffmanDecode(encoded, s.size(), &out));
    if (!s.empty()) {
      out.clear();
      ASSERT_FALSE(HuffmanDecode(encoded, s.size() - 1, &out));
    }
  }
}

// The encoder joins up to four codes before writing them; every total length, after every
// number of pending bits, must give the reference's bytes.
TEST(HuffmanTest, EncoderJoinsCodesOfEveryLength) {
  const Reference& ref = Reference::Get();
  std::vector<char> symbols;
  for (size_t length : {5, 8, 13, 14, 19, 23, 26, 30}) {
    int s = ref.FirstSymbolOfLength(length);
    ASSERT_GE(s, 0) << length;
    symbols.push_back(static_cast<char>(s));
  }
  // Four-symbol prefixes (the encoder's first step) leaving 0..7 bits pending: '0' is 5 bits,
  // ' ' 6, ':' 7, '&' 8.
  const char* const kPrefixes[] = {"00 &", "00:&", "00&&", "0 &&", "0000", "000 ", "000:", "000&"};
  int cases = 0;
  for (const char* prefix : kPrefixes) {
    for (char a : symbols) {
      for (char b : symbols) {
        for (char c : symbols) {
          for (char d : symbols) {
            std::string s = std::string(prefix) + a + b + c + d + "a";
            ASSERT_EQ(Encode(s), ref.Encode(s)) << ToHex(Bytes(s));
            ++cases;
          }
        }
      }
    }
  }
  EXPECT_EQ(cases, 8 * 8 * 8 * 8 * 8);
}

// Builds Huffman-coded bytes from bit strings, to write the error cases as the RFC states them.
std::vector<uint8_t> BitsOf(std::initializer_list<std::string_view> parts) {
  std::string all;
  for (std::string_view p : parts) all += p;
  EXPECT_EQ(all.size() % 8, 0u) << "test input must be whole bytes";
  return Reference::PackBits(all);
}
const std::string_view kEosBits = "111111111111111111111111111111";  // 30 ones
const std::string_view kA = "00011";                                 // 'a', 5 bits

TEST(HuffmanTest, Rfc7541Section5_2_EosInTheStringIsAnError) {
  // EOS alone, padded with 11: ff ff ff ff.
  EXPECT_EQ(ToHex(BitsOf({kEosBits, "11"})), "ffffffff");
  EXPECT_EQ(Decode(BitsOf({kEosBits, "11"})), "<error>");
  // 'a' EOS 'a', then one bit of padding: 5 + 30 + 5 + 0 = 40 bits.
  EXPECT_EQ(Decode(BitsOf({kA, kEosBits, kA})), "<error>");
  // EOS as the very last symbol, with no padding at all.
  EXPECT_EQ(Decode(BitsOf({kA, kA, kEosBits})), "<error>");
  // EOS first, then 'a' and 5 bits of padding.
  EXPECT_EQ(Decode(BitsOf({kEosBits, kA, "11111"})), "<error>");
  // EOS after a long prefix, so that the fast path meets it.
  std::string prefix;
  for (int i = 0; i < 40; ++i) prefix += kA;
  EXPECT_EQ(Decode(BitsOf({prefix, kEosBits, "11"})), "<error>");
  // The same strings without the EOS are fine.
  EXPECT_EQ(Decode(BitsOf({kA, kA, "111111"})), "aa");
  EXPECT_EQ(Decode(BitsOf({prefix})), std::string(40, 'a'));
}

TEST(HuffmanTest, Rfc7541Section5_2_PaddingLongerThan7BitsIsAnError) {
  // A whole byte of padding after a complete string.
  std::vector<uint8_t> www = FromHex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");
  www.push_back(0xff);
  EXPECT_EQ(Decode(www), "<error>");
  // Only padding: one byte of 1-bits, and two bytes of them.
  EXPECT_EQ(Decode(FromHex("ff")), "<error>");
  EXPECT_EQ(Decode(FromHex("ffff")), "<error>");
  // 'a' then 11 bits of 1s: 5 + 11 = 16.
  EXPECT_EQ(Decode(BitsOf({kA, "11111111111"})), "<error>");
  // 'aa' + 6 ones is fine; 'a' + 'a' + 8 + 6 = 24 bits is not.
  EXPECT_EQ(Decode(BitsOf({kA, kA, "11111111111111"})), "<error>");
  // Exactly 7 bits of padding is the most allowed: five '0' (25 bits) + 7 ones = 32 bits.
  EXPECT_EQ(Decode(BitsOf({"00000", "00000", "00000", "00000", "00000", "1111111"})), "00000");
}

TEST(HuffmanTest, Rfc7541Section5_2_PaddingWithAZeroBitIsAnError) {
  EXPECT_EQ(Decode(BitsOf({kA, "111"})), "a");
  EXPECT_EQ(Decode(BitsOf({kA, "110"})), "<error>");
  EXPECT_EQ(Decode(BitsOf({kA, "011"})), "<error>");
  EXPECT_EQ(Decode(BitsOf({kA, "000"})), "<error>");
  // 'aaaa' + 4 bits (too short to be a code): one zero anywhere is an error.
  for (int zero = 0; zero < 4; ++zero) {
    std::string pad = "1111";
    pad[zero] = '0';
    EXPECT_EQ(Decode(BitsOf({kA, kA, kA, kA, pad})), "<error>") << pad;
  }
  EXPECT_EQ(Decode(BitsOf({kA, kA, kA, kA, "1111"})), "aaaa");
  // 'aaa' + one bit of padding: 0 is an error, 1 is not.
  EXPECT_EQ(Decode(BitsOf({kA, kA, kA, "0"})), "<error>");
  EXPECT_EQ(Decode(BitsOf({kA, kA, kA, "1"})), "aaa");
  // A single 0x00 byte: '0' is 00000, then 000 padding.
  EXPECT_EQ(Decode(FromHex("00")), "<error>");
  // www.example.com with its last padding bit cleared (f4ff -> f4fe).
  EXPECT_EQ(Decode(FromHex("f1e3 c2e5 f23a 6ba0 ab90 f4fe")), "<error>");
}

TEST(HuffmanTest, Rfc7541Section5_2_TruncatedLongCodeIsAnError) {
  // Symbol 0: 13 bits, ff c7 when complete; its first byte alone is 8 bits of 1s.
  EXPECT_EQ(Decode(FromHex("ffc7")), std::string(1, '\0'));
  EXPECT_EQ(Decode(FromHex("ff")), "<error>");
  // Symbol 2: 28 bits (fffffe2) + 1111: ff ff fe 2f; three bytes of it are an error.
  EXPECT_EQ(ToHex(Encode(std::string_view("\x02", 1))), "fffffe2f");
  EXPECT_EQ(Decode(FromHex("fffffe2f")), std::string(1, '\x02'));
  EXPECT_EQ(Decode(FromHex("fffffe")), "<error>");
  // Symbol 10: 30 bits; dropping the last byte leaves 24 1-bits.
  EXPECT_EQ(Decode(FromHex("fffffff3")), "\n");
  EXPECT_EQ(Decode(FromHex("ffffff")), "<error>");
  // The long set-cookie value of C.6.3 cut one byte short leaves bad padding.
  std::vector<uint8_t> cookie = FromHex(kAppendixC[11].hex);
  cookie.pop_back();
  EXPECT_EQ(Decode(cookie), "<error>");
}

TEST(HuffmanTest, TruncationAtAByteBoundaryCanBeValid) {
  // 'a' (00011) '!' (1111111000) + 1 pad: 00011111 11110001. The first byte alone is 'a' with
  // 3 bits of 1-padding: valid (it is the sender's business which string it meant).
  EXPECT_EQ(ToHex(Encode("a!")), "1ff1");
  EXPECT_EQ(Decode(FromHex("1ff1")), "a!");
  EXPECT_EQ(Decode(FromHex("1f")), "a");
}

TEST(HuffmanTest, MaxOutputIsEnforced) {
  std::vector<uint8_t> www = FromHex("f1e3 c2e5 f23a 6ba0 ab90 f4ff");
  EXPECT_EQ(Decode(www, 15), "www.example.com");
  EXPECT_EQ(Decode(www, 14), "<error>");
  EXPECT_EQ(Decode(www, 0), "<error>");
  EXPECT_EQ(Decode({}, 0), "");
  // A long input with a tiny limit fails without growing the string beyond the limit.
  std::string long_value(20000, 'e');
  std::vector<uint8_t> encoded = Encode(long_value);
  std::string out;
  EXPECT_FALSE(HuffmanDecode(encoded, 10, &out));
  EXPECT_LT(out.capacity(), 64u);
  // The limit is exact for long inputs too (fast path near the limit).
  out.clear();
  EXPECT_FALSE(HuffmanDecode(encoded, long_value.size() - 1, &out));
  out.clear();
  EXPECT_TRUE(HuffmanDecode(encoded, long_value.size(), &out));
  EXPECT_EQ(out, long_value);
}

TEST(HuffmanTest, DecodeToWritesOnlyInsideItsBuffer) {
  std::mt19937 rng(5);
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 100, '\0');
    for (char& c : s) c = static_cast<char>(i % 2 ? rng() : 'a' + rng() % 26);
    std::vector<uint8_t> encoded = Encode(s);
    for (size_t room :
         {s.size(), s.size() + 1, s.size() / 2, HuffmanMaxDecodedLength(encoded.size())}) {
      std::vector<uint8_t> buf(room + 32, 0xa5);
      size_t n = 12345;
      bool ok = HuffmanDecodeTo(encoded, std::span<uint8_t>(buf.data(), room), &n);
      ASSERT_EQ(ok, room >= s.size()) << i << " room " << room;
      if (ok) {
        ASSERT_EQ(n, s.size());
        ASSERT_EQ(std::string(buf.begin(), buf.begin() + n), s);
      }
      for (size_t j = room; j < buf.size(); ++j) ASSERT_EQ(buf[j], 0xa5) << "wrote past the end";
    }
  }
}

TEST(HuffmanTest, EncodeToStopsAtMaxLengthAndWritesOnlyWithinTheSlack) {
  // Text (short codes), binary (codes up to 30 bits, the one-by-one path) and lengths around
  // every group boundary; max_length from well below the code's length to above it.
  std::mt19937 rng(9);
  for (int i = 0; i < 400; ++i) {
    std::string s(rng() % 70, '\0');
    for (char& c : s) c = static_cast<char>(i % 3 == 0 ? rng() : 'a' + rng() % 26);
    const std::vector<uint8_t> expected = Reference::Get().Encode(s);
    for (size_t max_length : {size_t{0}, expected.size() / 2, expected.size() - (s.empty() ? 0 : 1),
                              expected.size(), expected.size() + 1, s.size() * 4 + 1}) {
      std::vector<uint8_t> buf(max_length + kHuffmanEncodeSlack + 16, 0xa5);
      size_t n = 12345;
      const bool ok = HuffmanEncodeTo(s, max_length, buf.data(), &n);
      ASSERT_EQ(ok, expected.size() <= max_length) << i << " max " << max_length;
      if (ok) {
        ASSERT_EQ(n, expected.size());
        ASSERT_EQ(std::vector<uint8_t>(buf.begin(), buf.begin() + n), expected) << i;
      }
      for (size_t j = max_length + kHuffmanEncodeSlack; j < buf.size(); ++j) {
        ASSERT_EQ(buf[j], 0xa5) << "wrote past the slack, " << i << " max " << max_length;
      }
    }
  }
}

TEST(HuffmanTest, MaxDecodedLengthIsTheFiveBitBound) {
  EXPECT_EQ(HuffmanMaxDecodedLength(0), 0u);
  EXPECT_EQ(HuffmanMaxDecodedLength(1), 1u);
  EXPECT_EQ(HuffmanMaxDecodedLength(2), 3u);
  EXPECT_EQ(HuffmanMaxDecodedLength(5), 8u);
  EXPECT_EQ(HuffmanMaxDecodedLength(13), 20u);
  EXPECT_EQ(HuffmanMaxDecodedLength(SIZE_MAX / 4),
            SIZE_MAX / 4 / 5 * 8 + (SIZE_MAX / 4) % 5 * 8 / 5);
  // The bound is reached: 5-bit symbols only. 13 bytes = 104 bits = 20 symbols + 4 bits pad.
  for (size_t n = 0; n < 40; ++n) {
    std::string zeros(HuffmanMaxDecodedLength(n), '0');
    std::vector<uint8_t> encoded = Encode(zeros);
    if (encoded.size() == n) {
      std::string out;
      EXPECT_TRUE(HuffmanDecode(encoded, SIZE_MAX, &out));
      EXPECT_EQ(out, zeros);
    }
  }
}

// Differential test of the decoder: random and mutated inputs must be accepted or rejected
// exactly as the bit-at-a-time reference does, with the same output.
TEST(HuffmanTest, DecoderAgreesWithReferenceOnArbitraryInput) {
  std::mt19937 rng(9113);
  const Reference& ref = Reference::Get();
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 12000; ++i) {
    std::vector<uint8_t> in;
    switch (i % 4) {
      case 0: {  // uniform bytes
        in.resize(rng() % 24);
        for (uint8_t& b : in) b = static_cast<uint8_t>(rng());
        break;
      }
      case 1: {  // mostly 1-bits: long codes, EOS, padding
        in.resize(rng() % 24);
        for (uint8_t& b : in) b = rng() % 4 ? 0xff : static_cast<uint8_t>(rng());
        break;
      }
      default: {  // a valid encoding, mutated
        std::string s(rng() % 40, '\0');
        for (char& c : s) c = static_cast<char>(rng() % 3 ? 'a' + rng() % 26 : rng());
        in = ref.Encode(s);
        switch (rng() % 5) {
          case 0:
            if (!in.empty()) in[rng() % in.size()] ^= static_cast<uint8_t>(1 << rng() % 8);
            break;
          case 1:
            if (!in.empty()) in.pop_back();
            break;
          case 2:
            in.push_back(static_cast<uint8_t>(rng()));
            break;
          case 3:
            in.push_back(0xff);
            break;
          default:
            break;
        }
      }
    }
    std::string want;
    bool want_ok = ref.Decode(in, &want);
    std::string got;
    bool got_ok = HuffmanDecode(in, SIZE_MAX, &got);
    ASSERT_EQ(got_ok, want_ok) << ToHex(in);
    // The padded decoder, with room for everything and with a limit just too small for the
    // result (its stores may go into the slack, never past it).
    for (const size_t limit : {HuffmanMaxDecodedLength(in.size()), want.size() - 1}) {
      if (limit == SIZE_MAX) continue;  // want is empty
      std::vector<uint8_t> buf(limit + kHuffmanDecodeSlack + 8, 0xa5);
      size_t n = 0;
      const bool ok = HuffmanDecodeToPadded(in, buf.data(), limit, &n);
      ASSERT_EQ(ok, want_ok && want.size() <= limit) << ToHex(in) << " limit " << limit;
      if (ok) {
        ASSERT_EQ(std::string(buf.begin(), buf.begin() + n), want) << ToHex(in);
      }
      for (size_t j = limit + kHuffmanDecodeSlack; j < buf.size(); ++j) {
        ASSERT_EQ(buf[j], 0xa5) << "wrote past the slack: " << ToHex(in);
      }
    }
    if (want_ok) {
      ASSERT_EQ(got, want) << ToHex(in);
      ++accepted;
    } else {
      ++rejected;
    }
  }
  // Both outcomes must be well represented, or the test proves little.
  EXPECT_GT(accepted, 2000) << rejected;
  EXPECT_GT(rejected, 2000) << accepted;
}

}  // namespace
}  // namespace h2engine::hpack
