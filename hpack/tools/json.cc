#include "hpack/tools/json.h"

#include <charconv>
#include <cstdio>
#include <unordered_set>
#include <utility>

#include "base/check.h"

namespace h2engine::hpack::tools {

std::string_view JsonTypeName(JsonType t) {
  switch (t) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return "boolean";
    case JsonType::kNumber:
      return "number";
    case JsonType::kString:
      return "string";
    case JsonType::kArray:
      return "array";
    case JsonType::kObject:
      return "object";
  }
  return "?";
}

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = JsonType::kBool;
  v.bool_ = b;
  return v;
}

JsonValue JsonValue::Integer(int64_t i) {
  JsonValue v;
  v.type_ = JsonType::kNumber;
  v.number_ = static_cast<double>(i);
  v.is_plain_integer_ = i >= 0;
  v.integer_ = i >= 0 ? static_cast<uint64_t>(i) : 0;
  return v;
}

JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = JsonType::kString;
  v.string_ = std::move(s);
  return v;
}

JsonValue JsonValue::Array() {
  JsonValue v;
  v.type_ = JsonType::kArray;
  return v;
}

JsonValue JsonValue::Object() {
  JsonValue v;
  v.type_ = JsonType::kObject;
  return v;
}

bool JsonValue::bool_value() const {
  H2_CHECK(is_bool());
  return bool_;
}

double JsonValue::number_value() const {
  H2_CHECK(is_number());
  return number_;
}

bool JsonValue::AsUint64(uint64_t* out) const {
  if (!is_number() || !is_plain_integer_) return false;
  *out = integer_;
  return true;
}

const std::string& JsonValue::string_value() const {
  H2_CHECK(is_string());
  return string_;
}

size_t JsonValue::size() const {
  H2_CHECK(is_array() || is_object());
  return elements_.size();
}

const JsonValue& JsonValue::at(size_t i) const {
  H2_CHECK(is_array());
  H2_CHECK(i < elements_.size());
  return elements_[i];
}

void JsonValue::Append(JsonValue v) {
  H2_CHECK(is_array());
  elements_.push_back(std::move(v));
}

std::string_view JsonValue::key(size_t i) const {
  H2_CHECK(is_object());
  H2_CHECK(i < keys_.size());
  return keys_[i];
}

const JsonValue& JsonValue::value(size_t i) const {
  H2_CHECK(is_object());
  H2_CHECK(i < elements_.size());
  return elements_[i];
}

const JsonValue* JsonValue::Find(std::string_view k) const {
  H2_CHECK(is_object());
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == k) return &elements_[i];
  }
  return nullptr;
}

void JsonValue::Set(std::string_view k, JsonValue v) {
  H2_CHECK(is_object());
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == k) {
      elements_[i] = std::move(v);
      return;
    }
  }
  keys_.emplace_back(k);
  elements_.push_back(std::move(v));
}

namespace {

// Utf8SequenceLength returns the length of the well-formed UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t len;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 §4)
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlongs
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlongs
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// JsonParser: recursive descent over the whole text; depth is bounded by limits.max_depth.
class JsonParser {
 public:
  JsonParser(std::string_view text, const JsonLimits& limits) : text_(text), limits_(limits) {}

  bool Parse(JsonValue* out, std::string* error) {
    if (text_.size() > limits_.max_input_bytes) {
      *error = "input of " + std::to_string(text_.size()) + " bytes exceeds the limit of " +
               std::to_string(limits_.max_input_bytes);
      return false;
    }
    SkipWhitespace();
    bool ok = ParseValue(out, 0);
    if (ok) {
      SkipWhitespace();
      if (pos_ != text_.size()) ok = Fail("unexpected data after the JSON value");
    }
    if (!ok) *error = Where() + ": " + message_;
    return ok;
  }

 private:
  bool Fail(std::string message) {
    message_ = std::move(message);
    return false;
  }

  std::string Where() const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }

  void SkipWhitespace() {
    while (!AtEnd()) {
      char c = Peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      ++pos_;
    }
  }

  bool Expect(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool ParseValue(JsonValue* out, size_t depth) {
    if (AtEnd()) return Fail("unexpected end of input, expected a value");
    switch (Peek()) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"':
        out->type_ = JsonType::kString;
        return ParseString(&out->string_);
      case 't':
        *out = JsonValue::Bool(true);
        return Expect("true");
      case 'f':
        *out = JsonValue::Bool(false);
        return Expect("false");
      case 'n':
        *out = JsonValue::Null();
        return Expect("null");
      default:
        return ParseNumber(out);
    }
  }

  bool ParseObject(JsonValue* out, size_t depth) {
    if (depth > limits_.max_depth) return Fail("nesting deeper than the limit");
    *out = JsonValue::Object();
    ++pos_;  // '{'
    std::unordered_set<std::string> seen;  // duplicate check in O(1), even for huge objects
    SkipWhitespace();
    if (!AtEnd() && Peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      if (AtEnd() || Peek() != '"') return Fail("expected a string key");
      size_t key_start = pos_;
      std::string key;
      if (!ParseString(&key)) return false;
      if (!seen.insert(key).second) {
        pos_ = key_start;
        return Fail("duplicate key \"" + key + "\"");
      }
      SkipWhitespace();
      if (AtEnd() || Peek() != ':') return Fail("expected ':'");
      ++pos_;
      SkipWhitespace();
      JsonValue v;
      if (!ParseValue(&v, depth)) return false;
      out->keys_.push_back(std::move(key));
      out->elements_.push_back(std::move(v));
      SkipWhitespace();
      if (AtEnd()) return Fail("unexpected end of input in an object");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == '}') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or '}'");
    }
  }

  bool ParseArray(JsonValue* out, size_t depth) {
    if (depth > limits_.max_depth) return Fail("nesting deeper than the limit");
    *out = JsonValue::Array();
    ++pos_;  // '['
    SkipWhitespace();
    if (!AtEnd() && Peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      SkipWhitespace();
      JsonValue v;
      if (!ParseValue(&v, depth)) return false;
      out->elements_.push_back(std::move(v));
      SkipWhitespace();
      if (AtEnd()) return Fail("unexpected end of input in an array");
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ']') {
        ++pos_;
        return true;
      }
      return Fail("expected ',' or ']'");
    }
  }

  bool ParseHex4(uint32_t* out) {
    if (text_.size() - pos_ < 4) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int d = HexDigit(text_[pos_ + i]);
      if (d < 0) return Fail("bad hex digit in \\u escape");
      v = (v << 4) | static_cast<uint32_t>(d);
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  bool ParseString(std::string* out) {
    ++pos_;  // '"'
    out->clear();
    while (true) {
      if (out->size() > limits_.max_string_bytes) return Fail("string longer than the limit");
      if (AtEnd()) return Fail("unterminated string");
      char c = Peek();
      if (c == '"') {
        ++pos_;
        if (out->size() > limits_.max_string_bytes) return Fail("string longer than the limit");
        return true;
      }
      if (static_cast<uint8_t>(c) < 0x20) return Fail("unescaped control character in a string");
      if (c != '\\') {
        // Copy a run of plain printable ASCII at once (the common case), else one validated
        // UTF-8 sequence.
        size_t end = pos_;
        const char* p = text_.data();
        while (end < text_.size() && p[end] != '"' && p[end] != '\\' &&
               static_cast<uint8_t>(p[end]) >= 0x20 && static_cast<uint8_t>(p[end]) < 0x80) {
          ++end;
        }
        size_t n = end > pos_ ? end - pos_ : Utf8SequenceLength(text_, pos_);
        if (n == 0) return Fail("invalid UTF-8 in a string");
        out->append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      ++pos_;  // '\\'
      if (AtEnd()) return Fail("unterminated escape");
      char e = Peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!ParseHex4(&cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Fail("lone low surrogate in \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (text_.substr(pos_, 2) != "\\u") return Fail("lone high surrogate in \\u escape");
            pos_ += 2;
            if (!ParseHex4(&low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return Fail("bad low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          return Fail("invalid escape");
      }
    }
  }

  // RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool ParseNumber(JsonValue* out) {
    size_t start = pos_;
    const auto digits = [&] {
      size_t n = 0;
      while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
        ++pos_;
        ++n;
      }
      return n;
    };
    bool negative = false;
    if (!AtEnd() && Peek() == '-') {
      negative = true;
      ++pos_;
    }
    if (AtEnd() || Peek() < '0' || Peek() > '9') return Fail("expected a value");
    size_t int_start = pos_;
    size_t int_digits = digits();
    if (int_digits > 1 && text_[int_start] == '0') {
      pos_ = int_start;
      return Fail("leading zero in a number");
    }
    bool plain = !negative;
    if (!AtEnd() && Peek() == '.') {
      ++pos_;
      plain = false;
      if (digits() == 0) return Fail("expected digits after '.'");
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      ++pos_;
      plain = false;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (digits() == 0) return Fail("expected digits in the exponent");
    }
    std::string_view token = text_.substr(start, pos_ - start);
    double d = 0;
    auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), d);
    if (ec == std::errc::result_out_of_range) return Fail("number out of range");
    if (ec != std::errc() || ptr != token.data() + token.size()) return Fail("bad number");
    out->type_ = JsonType::kNumber;
    out->number_ = d;
    out->is_plain_integer_ = false;
    if (plain) {
      uint64_t u = 0;
      auto r = std::from_chars(token.data(), token.data() + token.size(), u);
      if (r.ec == std::errc() && r.ptr == token.data() + token.size()) {
        out->is_plain_integer_ = true;
        out->integer_ = u;
      }
    }
    return true;
  }

  std::string_view text_;
  const JsonLimits& limits_;
  size_t pos_ = 0;
  std::string message_;
};

bool ParseJson(std::string_view text, JsonValue* out, std::string* error,
               const JsonLimits& limits) {
  JsonParser parser(text, limits);
  *out = JsonValue();
  return parser.Parse(out, error);
}

namespace {

bool WriteString(std::string_view s, std::string* out, std::string* error) {
  if (!IsValidUtf8(s)) {
    *error = "string is not valid UTF-8 and cannot be written as JSON";
    return false;
  }
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<uint8_t>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(c));
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
  return true;
}

void Newline(bool indent, size_t depth, std::string* out) {
  if (!indent) return;
  out->push_back('\n');
  out->append(2 * depth, ' ');
}

bool WriteValue(const JsonValue& v, bool indent, size_t depth, std::string* out,
                std::string* error) {
  switch (v.type()) {
    case JsonType::kNull:
      out->append("null");
      return true;
    case JsonType::kBool:
      out->append(v.bool_value() ? "true" : "false");
      return true;
    case JsonType::kNumber: {
      uint64_t u;
      if (v.AsUint64(&u)) {
        out->append(std::to_string(u));
      } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof(buf), v.number_value());
        if (r.ec != std::errc()) {
          *error = "number cannot be written";
          return false;
        }
        out->append(buf, r.ptr);
      }
      return true;
    }
    case JsonType::kString:
      return WriteString(v.string_value(), out, error);
    case JsonType::kArray:
      out->push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        Newline(indent, depth + 1, out);
        if (!WriteValue(v.at(i), indent, depth + 1, out, error)) return false;
      }
      if (v.size() > 0) Newline(indent, depth, out);
      out->push_back(']');
      return true;
    case JsonType::kObject:
      out->push_back('{');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i > 0) out->push_back(',');
        Newline(indent, depth + 1, out);
        if (!WriteString(v.key(i), out, error)) return false;
        out->append(indent ? ": " : ":");
        if (!WriteValue(v.value(i), indent, depth + 1, out, error)) return false;
      }
      if (v.size() > 0) Newline(indent, depth, out);
      out->push_back('}');
      return true;
  }
  return false;
}

}  // namespace

bool WriteJson(const JsonValue& value, std::string* out, std::string* error, bool indent) {
  return WriteValue(value, indent, 0, out, error);
}

}  // namespace h2engine::hpack::tools
