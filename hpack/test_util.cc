#include "hpack/test_util.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "base/check.h"

namespace h2engine::hpack::test {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::vector<uint8_t> FromHex(std::string_view hex) {
  std::vector<uint8_t> out;
  int high = -1;
  for (char c : hex) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    const int d = HexDigit(c);
    H2_CHECK(d >= 0);
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | d));
      high = -1;
    }
  }
  H2_CHECK(high < 0);
  return out;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, const Field& f) {
  return out << "{" << f.name << ": " << f.value << (f.never_indexed ? " (never indexed)" : "")
             << "}";
}

std::vector<Field> Fields(std::span<const HeaderField> fields) {
  std::vector<Field> out;
  for (const HeaderField& f : fields) {
    out.push_back({std::string(f.name), std::string(f.value), f.never_index});
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, Split split) {
  switch (split) {
    case Split::kWhole:
      return out << "whole";
    case Split::kByteByByte:
      return out << "byte by byte";
    case Split::kRandom:
      return out << "random splits";
  }
  return out;
}

BlockResult DecodeBlock(Decoder& decoder, std::span<const uint8_t> block, Split split,
                        std::mt19937& rng) {
  std::vector<size_t> pieces;
  switch (split) {
    case Split::kWhole:
      pieces.push_back(block.size());
      break;
    case Split::kByteByByte:
      pieces.assign(block.size(), 1);
      break;
    case Split::kRandom:
      for (size_t left = block.size(); left > 0;) {
        const size_t n = std::min(left, std::uniform_int_distribution<size_t>(0, 12)(rng));
        pieces.push_back(n);
        left -= n;
      }
      break;
  }
  if (pieces.empty()) pieces.push_back(0);

  BlockResult result;
  RecordingListener listener;
  decoder.StartBlock(&listener);
  size_t offset = 0;
  for (size_t n : pieces) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[n + 1]);
    std::copy_n(block.data() + offset, n, copy.get());
    offset += n;
    const HpackError e = decoder.DecodeFragment({copy.get(), n});
    if (e != HpackError::kNone) {
      result.error = e;
      result.fields = std::move(listener.fields);
      return result;
    }
  }
  result.error = decoder.EndBlock();
  result.fields = std::move(listener.fields);
  return result;
}

std::vector<std::string> TableEntries(const Decoder& decoder) {
  std::vector<std::string> out;
  for (size_t i = 0; i < decoder.dynamic_table_entries(); ++i) {
    const DecoderTable::EntryView e = decoder.table().Get(i);
    out.push_back(std::string(e.name) + ": " + std::string(e.value));
  }
  return out;
}

}  // namespace h2engine::hpack::test
