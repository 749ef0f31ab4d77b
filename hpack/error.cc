#include "hpack/error.h"

namespace h2engine::hpack {

std::string_view HpackErrorName(HpackError e) {
  switch (e) {
    case HpackError::kNone:
      return "kNone";
    case HpackError::kIntegerOverflow:
      return "kIntegerOverflow";
    case HpackError::kIndexOutOfRange:
      return "kIndexOutOfRange";
    case HpackError::kHuffmanError:
      return "kHuffmanError";
    case HpackError::kStringTooLong:
      return "kStringTooLong";
    case HpackError::kTableSizeUpdateTooLarge:
      return "kTableSizeUpdateTooLarge";
    case HpackError::kTableSizeUpdateNotAtStart:
      return "kTableSizeUpdateNotAtStart";
    case HpackError::kTruncatedBlock:
      return "kTruncatedBlock";
    case HpackError::kHeaderListTooLarge:
      return "kHeaderListTooLarge";
    case HpackError::kMissingTableSizeUpdate:
      return "kMissingTableSizeUpdate";
  }
  return "HpackError(?)";
}

std::ostream& operator<<(std::ostream& out, HpackError e) { return out << HpackErrorName(e); }

}  // namespace h2engine::hpack
