// Priority: the RFC 9218 priority parameters (urgency and incremental), parsed from the value of
// a `priority` header field or of a PRIORITY_UPDATE frame's Priority Field Value, and serialized
// back to such a value.
//
// Both carry a Structured Fields Dictionary (RFC 8941 §3.2), parsed here by a small, strict parser
// that follows the algorithm of RFC 8941 §4.2 exactly: it accepts every Dictionary RFC 8941
// accepts (tokens, integers, decimals, strings, byte sequences, booleans, inner lists and
// parameters) and keeps only what RFC 9218 needs. On top of the Dictionary, RFC 9218 §4 says:
//   - `u` (urgency) is an Integer in 0..7, default 3 (§4.1);
//   - `i` (incremental) is a Boolean, default false; a bare `i` is true (§4.2, RFC 8941 §3.2);
//   - unknown keys, out-of-range values and values of unexpected types MUST be ignored, i.e. the
//     parameter keeps its default; parameters attached to members are ignored;
//   - a key given twice keeps its last value (RFC 8941 §4.2.2), valid or not.
// A Dictionary that fails to parse yields kMalformed and the defaults; RFC 9218 §7 lets a receiver
// of a malformed PRIORITY_UPDATE treat it as a connection error, which is the caller's choice.
//
// What this does not do: RFC 9651's Date and Display String items (RFC 8941 has neither, so a
// value using them is malformed here), and merging of client and server signals beyond
// PriorityParams::ApplyTo (RFC 9218 §8 leaves merging to the implementation).
//
// Nothing here allocates.

#ifndef H2ENGINE_H2_PRIORITY_H_
#define H2ENGINE_H2_PRIORITY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string_view>

namespace h2engine::h2 {

// RFC 9218 §4.1: urgencies run from 0 (most urgent) to 7 (background); the default is 3.
inline constexpr uint8_t kHighestUrgency = 0;
inline constexpr uint8_t kLowestUrgency = 7;
inline constexpr uint8_t kDefaultUrgency = 3;
inline constexpr int kNumUrgencies = 8;

// Priority: a complete set of priority parameters, defaults filled in.
struct Priority {
  uint8_t urgency = kDefaultUrgency;  // 0..7
  bool incremental = false;

  friend bool operator==(const Priority&, const Priority&) = default;
};

std::ostream& operator<<(std::ostream& out, const Priority& priority);

// PriorityParams: the parameters a field value actually carried (valid ones only). RFC 9218 §8:
// in a response, an absent parameter means "no change" rather than "default".
struct PriorityParams {
  std::optional<uint8_t> urgency;
  std::optional<bool> incremental;

  // ApplyTo returns `base` with the parameters present here replacing its own.
  Priority ApplyTo(Priority base) const {
    if (urgency) base.urgency = *urgency;
    if (incremental) base.incremental = *incremental;
    return base;
  }
  // ToPriority fills absent parameters with their defaults (RFC 9218 §4: requests, and
  // PRIORITY_UPDATE, where "omitting a priority parameter is a signal to use its default").
  Priority ToPriority() const { return ApplyTo(Priority{}); }

  friend bool operator==(const PriorityParams&, const PriorityParams&) = default;
};

enum class PriorityParseStatus : uint8_t {
  kOk,         // A valid Dictionary (possibly empty, possibly without u or i).
  kMalformed,  // Not a Dictionary per RFC 8941 §4.2; `params` is empty.
};

struct PriorityParseResult {
  PriorityParseStatus status = PriorityParseStatus::kOk;
  PriorityParams params;

  bool ok() const { return status == PriorityParseStatus::kOk; }
  // priority() is the priority to use: the carried parameters over the defaults (all defaults
  // when malformed).
  Priority priority() const { return params.ToPriority(); }
};

// ParsePriorityFieldValue parses one field value (the `priority` field, or a PRIORITY_UPDATE's
// Priority Field Value). Never fails harder than kMalformed; reads only `value`.
[[nodiscard]] PriorityParseResult ParsePriorityFieldValue(std::string_view value);

// ParsePriorityFieldLines parses a field sent as several field lines, with exactly the result of
// parsing the lines joined by ", " (RFC 8941 §4.2 step 1, RFC 9110 §5.3), without building the
// joined string. An empty span is an absent field: kOk with no parameters.
[[nodiscard]] PriorityParseResult ParsePriorityFieldLines(std::span<const std::string_view> lines);

// ParsePriority is the common case: the priority to use for a request's `priority` field value.
inline Priority ParsePriority(std::string_view value) {
  return ParsePriorityFieldValue(value).priority();
}

// SerializedPriority holds a serialized field value ("u=3", "u=5, i"); at most 6 characters.
class SerializedPriority {
 public:
  static constexpr size_t kMaxSize = 6;

  std::string_view view() const { return {buffer_, size_}; }

 private:
  friend SerializedPriority SerializePriority(Priority priority);
  char buffer_[kMaxSize] = {};
  uint8_t size_ = 0;
};

// SerializePriority writes `priority` as a Dictionary (RFC 8941 §4.1.2): always `u=N`, then `, i`
// when incremental. Parsing the result gives `priority` back. `urgency` must be 0..7 (larger
// values are clamped to 7).
SerializedPriority SerializePriority(Priority priority);

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_PRIORITY_H_
