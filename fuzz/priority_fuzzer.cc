// Fuzzes h2/priority.h: any bytes as a `priority` field value (RFC 9218 §5) or PRIORITY_UPDATE
// Priority Field Value (§7). Checks that:
//   - parsing never crashes and the urgency is always 0..7 (RFC 9218 §4.1);
//   - a malformed Dictionary carries no parameters (defaults, RFC 9218 §4);
//   - SerializePriority(p) parses back to p;
//   - the input split at '\n' into field lines parses, with ParsePriorityFieldLines, exactly as
//     the lines joined by ", " do with ParsePriorityFieldValue (RFC 8941 §4.2, RFC 9110 §5.3).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "h2/priority.h"

namespace {

using h2engine::h2::kLowestUrgency;
using h2engine::h2::ParsePriorityFieldLines;
using h2engine::h2::ParsePriorityFieldValue;
using h2engine::h2::Priority;
using h2engine::h2::PriorityParseResult;
using h2engine::h2::SerializePriority;

void Require(bool ok) {
  if (!ok) std::abort();
}

void CheckResult(const PriorityParseResult& r) {
  if (r.params.urgency) Require(*r.params.urgency <= kLowestUrgency);
  Require(r.priority().urgency <= kLowestUrgency);
  if (!r.ok()) Require(!r.params.urgency && !r.params.incremental);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  PriorityParseResult whole = ParsePriorityFieldValue(input);
  CheckResult(whole);

  Priority p = whole.priority();
  PriorityParseResult again = ParsePriorityFieldValue(SerializePriority(p).view());
  Require(again.ok());
  Require(again.priority() == p);

  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i) {
    if (i == input.size() || input[i] == '\n') {
      lines.push_back(input.substr(start, i - start));
      start = i + 1;
    }
  }
  std::string joined;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) joined += ", ";
    joined += lines[i];
  }
  PriorityParseResult from_lines = ParsePriorityFieldLines(lines);
  PriorityParseResult from_joined = ParsePriorityFieldValue(joined);
  CheckResult(from_lines);
  Require(from_lines.status == from_joined.status);
  Require(from_lines.params == from_joined.params);
  return 0;
}
