#include "h2/priority.h"

#include <array>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

// Character classes of RFC 8941 §3 and RFC 9110 §5.6.2.
constexpr bool IsDigit(int c) { return c >= '0' && c <= '9'; }
constexpr bool IsLcAlpha(int c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAlpha(int c) { return IsLcAlpha(c) || (c >= 'A' && c <= 'Z'); }

constexpr std::array<bool, 256> MakeTcharTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = IsAlpha(c) || IsDigit(c);
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<uint8_t>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kTchar = MakeTcharTable();

constexpr bool IsTchar(int c) { return c >= 0 && kTchar[c]; }
// RFC 8941 §3.1.2: key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ).
constexpr bool IsKeyStart(int c) { return IsLcAlpha(c) || c == '*'; }
constexpr bool IsKeyChar(int c) {
  return IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}
constexpr bool IsBase64Char(int c) {
  return IsAlpha(c) || IsDigit(c) || c == '+' || c == '/' || c == '=';
}

constexpr int kEnd = -1;

// StringCursor reads one string_view, character by character.
class StringCursor {
 public:
  explicit StringCursor(std::string_view s) : s_(s) {}
  int Peek() const { return pos_ < s_.size() ? static_cast<uint8_t>(s_[pos_]) : kEnd; }
  void Advance() { ++pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// JoinedCursor reads several field lines as if they had been joined by ", " (RFC 9110 §5.3),
// without joining them. A string item may span lines this way, exactly as in the joined value.
class JoinedCursor {
 public:
  explicit JoinedCursor(std::span<const std::string_view> lines) : lines_(lines) { Settle(); }
  int Peek() const {
    if (line_ >= lines_.size()) return kEnd;
    if (joint_ > 0) return kJoint[2 - joint_];
    return static_cast<uint8_t>(lines_[line_][pos_]);
  }
  void Advance() {
    if (joint_ > 0) {
      --joint_;
    } else {
      ++pos_;
    }
    Settle();
  }

 private:
  static constexpr char kJoint[2] = {',', ' '};

  // Settle moves past the end of a line into the joint before the next line (or the end).
  void Settle() {
    while (joint_ == 0 && line_ < lines_.size() && pos_ >= lines_[line_].size()) {
      ++line_;
      pos_ = 0;
      if (line_ < lines_.size()) joint_ = 2;
    }
  }

  std::span<const std::string_view> lines_;
  size_t line_ = 0;
  size_t pos_ = 0;
  int joint_ = 0;  // Characters of ", " still to read before lines_[line_].
};

// Item: the type of a member's value and, for the types RFC 9218 uses, the value.
enum class ItemType : uint8_t {
  kInteger,
  kDecimal,
  kString,
  kToken,
  kByteSequence,
  kBoolean,
  kInnerList
};
struct Item {
  ItemType type = ItemType::kBoolean;
  int64_t integer = 0;
  bool boolean = true;
};

// DictionaryParser follows RFC 8941 §4.2 step by step; each Parse* returns false on failure.
// It keeps only the last value of the keys `u` and `i` (RFC 8941 §4.2.2 step 1.4: a repeated key
// overwrites the earlier value).
template <typename Cursor>
class DictionaryParser {
 public:
  explicit DictionaryParser(Cursor cursor) : in_(cursor) {}

  // §4.2: the top level, for a Dictionary.
  bool ParseField() {
    SkipSp();
    if (!ParseDictionary()) return false;
    SkipSp();
    return in_.Peek() == kEnd;
  }

  const std::optional<Item>& u() const { return u_; }
  const std::optional<Item>& i() const { return i_; }

 private:
  void SkipSp() {
    while (in_.Peek() == ' ') in_.Advance();
  }
  void SkipOws() {
    while (in_.Peek() == ' ' || in_.Peek() == '\t') in_.Advance();
  }

  // §4.2.2: Parsing a Dictionary.
  bool ParseDictionary() {
    while (in_.Peek() != kEnd) {
      int key_first = 0;
      size_t key_size = 0;
      if (!ParseKey(&key_first, &key_size)) return false;
      Item member;
      if (in_.Peek() == '=') {
        in_.Advance();
        if (!ParseItemOrInnerList(&member)) return false;
      } else {
        member.type = ItemType::kBoolean;
        member.boolean = true;
        if (!ParseParameters()) return false;
      }
      if (key_size == 1 && key_first == 'u') u_ = member;
      if (key_size == 1 && key_first == 'i') i_ = member;
      SkipOws();
      if (in_.Peek() == kEnd) return true;
      if (in_.Peek() != ',') return false;
      in_.Advance();
      SkipOws();
      if (in_.Peek() == kEnd) return false;  // Trailing comma.
    }
    return true;
  }

  // §4.2.1.1: Parsing an Item or Inner List.
  bool ParseItemOrInnerList(Item* out) {
    if (in_.Peek() == '(') {
      out->type = ItemType::kInnerList;
      return ParseInnerList();
    }
    return ParseItem(out);
  }

  // §4.2.1.2: Parsing an Inner List.
  bool ParseInnerList() {
    H2_DCHECK_EQ(in_.Peek(), '(');
    in_.Advance();
    while (in_.Peek() != kEnd) {
      SkipSp();
      if (in_.Peek() == ')') {
        in_.Advance();
        return ParseParameters();
      }
      Item ignored;
      if (!ParseItem(&ignored)) return false;
      if (in_.Peek() != ' ' && in_.Peek() != ')') return false;
    }
    return false;  // No closing parenthesis.
  }

  // §4.2.3: Parsing an Item.
  bool ParseItem(Item* out) { return ParseBareItem(out) && ParseParameters(); }

  // §4.2.3.1: Parsing a Bare Item.
  bool ParseBareItem(Item* out) {
    int c = in_.Peek();
    if (c == '-' || IsDigit(c)) return ParseNumber(out);
    if (c == '"') {
      out->type = ItemType::kString;
      return ParseString();
    }
    if (c == '*' || IsAlpha(c)) {
      out->type = ItemType::kToken;
      ParseToken();
      return true;
    }
    if (c == ':') {
      out->type = ItemType::kByteSequence;
      return ParseByteSequence();
    }
    if (c == '?') {
      out->type = ItemType::kBoolean;
      return ParseBoolean(&out->boolean);
    }
    return false;
  }

  // §4.2.3.2: Parsing Parameters. Parameter values are parsed and dropped.
  bool ParseParameters() {
    while (in_.Peek() == ';') {
      in_.Advance();
      SkipSp();
      int key_first = 0;
      size_t key_size = 0;
      if (!ParseKey(&key_first, &key_size)) return false;
      if (in_.Peek() == '=') {
        in_.Advance();
        Item ignored;
        if (!ParseBareItem(&ignored)) return false;
      }
    }
    return true;
  }

  // §4.2.3.3: Parsing a Key. Reports the first character and the length, all we compare.
  bool ParseKey(int* first, size_t* size) {
    if (!IsKeyStart(in_.Peek())) return false;
    *first = in_.Peek();
    *size = 0;
    while (IsKeyChar(in_.Peek())) {
      in_.Advance();
      ++*size;
    }
    return true;
  }

  // §4.2.4: Parsing an Integer or Decimal.
  bool ParseNumber(Item* out) {
    bool negative = false;
    if (in_.Peek() == '-') {
      negative = true;
      in_.Advance();
    }
    if (!IsDigit(in_.Peek())) return false;
    bool decimal = false;
    size_t length = 0;           // input_number's length, the '.' included.
    size_t fraction_digits = 0;  // Digits after the '.'.
    int64_t value = 0;
    for (;;) {
      int c = in_.Peek();
      if (IsDigit(c)) {
        if (!decimal) value = value * 10 + (c - '0');  // At most 15 digits: no overflow.
        if (decimal) ++fraction_digits;
      } else if (!decimal && c == '.') {
        if (length > 12) return false;
        decimal = true;
      } else {
        break;
      }
      in_.Advance();
      ++length;
      if (!decimal && length > 15) return false;
      if (decimal && length > 16) return false;
    }
    if (decimal) {
      if (fraction_digits == 0) return false;  // Ends with '.'.
      if (fraction_digits > 3) return false;
      out->type = ItemType::kDecimal;
      return true;
    }
    out->type = ItemType::kInteger;
    out->integer = negative ? -value : value;
    return true;
  }

  // §4.2.5: Parsing a String.
  bool ParseString() {
    H2_DCHECK_EQ(in_.Peek(), '"');
    in_.Advance();
    for (;;) {
      int c = in_.Peek();
      if (c == kEnd) return false;
      in_.Advance();
      if (c == '\\') {
        int next = in_.Peek();
        if (next != '"' && next != '\\') return false;  // Also at the end.
        in_.Advance();
      } else if (c == '"') {
        return true;
      } else if (c <= 0x1f || c >= 0x7f) {
        return false;
      }
    }
  }

  // §4.2.6: Parsing a Token (the first character was checked by the caller).
  void ParseToken() {
    in_.Advance();
    for (int c = in_.Peek(); IsTchar(c) || c == ':' || c == '/'; c = in_.Peek()) in_.Advance();
  }

  // §4.2.7: Parsing a Byte Sequence. Base64 is checked, not decoded; missing '=' padding and
  // non-zero pad bits are accepted, as §4.2.7 says parsers SHOULD.
  bool ParseByteSequence() {
    H2_DCHECK_EQ(in_.Peek(), ':');
    in_.Advance();
    size_t length = 0;
    size_t padding = 0;
    for (;;) {
      int c = in_.Peek();
      if (c == kEnd) return false;
      in_.Advance();
      if (c == ':') break;
      if (!IsBase64Char(c)) return false;
      if (c == '=') {
        ++padding;
      } else if (padding > 0) {
        return false;  // Data after padding.
      }
      ++length;
    }
    if (padding > 2) return false;
    if (padding > 0 && length % 4 != 0) return false;
    if ((length - padding) % 4 == 1) return false;  // No base64 text has this length.
    return true;
  }

  // §4.2.8: Parsing a Boolean.
  bool ParseBoolean(bool* out) {
    H2_DCHECK_EQ(in_.Peek(), '?');
    in_.Advance();
    int c = in_.Peek();
    if (c != '0' && c != '1') return false;
    in_.Advance();
    *out = c == '1';
    return true;
  }

  Cursor in_;
  std::optional<Item> u_;
  std::optional<Item> i_;
};

template <typename Cursor>
PriorityParseResult Parse(Cursor cursor) {
  DictionaryParser<Cursor> parser(cursor);
  PriorityParseResult result;
  if (!parser.ParseField()) {
    result.status = PriorityParseStatus::kMalformed;
    return result;
  }
  // RFC 9218 §4: wrong types and out-of-range values are ignored.
  if (const auto& u = parser.u(); u && u->type == ItemType::kInteger &&
                                  u->integer >= kHighestUrgency && u->integer <= kLowestUrgency) {
    result.params.urgency = static_cast<uint8_t>(u->integer);
  }
  if (const auto& i = parser.i(); i && i->type == ItemType::kBoolean) {
    result.params.incremental = i->boolean;
  }
  return result;
}

}  // namespace

PriorityParseResult ParsePriorityFieldValue(std::string_view value) {
  return Parse(StringCursor(value));
}

PriorityParseResult ParsePriorityFieldLines(std::span<const std::string_view> lines) {
  return Parse(JoinedCursor(lines));
}

SerializedPriority SerializePriority(Priority priority) {
  SerializedPriority out;
  uint8_t urgency = priority.urgency <= kLowestUrgency ? priority.urgency : kLowestUrgency;
  out.buffer_[0] = 'u';
  out.buffer_[1] = '=';
  out.buffer_[2] = static_cast<char>('0' + urgency);
  out.size_ = 3;
  if (priority.incremental) {
    out.buffer_[3] = ',';
    out.buffer_[4] = ' ';
    out.buffer_[5] = 'i';
    out.size_ = 6;
  }
  return out;
}

std::ostream& operator<<(std::ostream& out, const Priority& priority) {
  return out << "{u=" << int{priority.urgency} << (priority.incremental ? ", i}" : "}");
}

}  // namespace h2engine::h2
