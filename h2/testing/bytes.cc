#include "h2/testing/bytes.h"

#include <cstdio>
#include <cstdlib>

namespace h2engine::h2::testing {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HexBytes(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '|') continue;
    int digit = HexDigit(c);
    if (digit < 0) {
      std::fprintf(stderr, "HexBytes: bad character '%c' in \"%.*s\"\n", c,
                   static_cast<int>(hex.size()), hex.data());
      std::abort();
    }
    if (high < 0) {
      high = digit;
    } else {
      out += static_cast<char>((high << 4) | digit);
      high = -1;
    }
  }
  if (high >= 0) {
    std::fprintf(stderr, "HexBytes: odd number of digits in \"%.*s\"\n",
                 static_cast<int>(hex.size()), hex.data());
    std::abort();
  }
  return out;
}

}  // namespace h2engine::h2::testing
