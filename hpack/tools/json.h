// A small, strict JSON (RFC 8259) reader and writer for the HPACK tools.
//
// It exists because the tools read and write hpack-test-case story files and no third-party JSON
// library is available. It is deliberately small: a JsonValue tree, one parser and one
// pretty-printer. It is not meant for the protocol libraries and is not tuned for speed.
//
// The parser is strict: exactly one value surrounded by optional whitespace; no comments,
// trailing commas, single quotes, leading zeros, NaN/Infinity, byte-order mark, unescaped control
// characters, lone surrogates or invalid UTF-8; duplicate keys in one object are rejected. Every
// size the input controls is capped by JsonLimits (nesting depth, input size, string length), so
// a hostile file gives an error, never a crash or unbounded memory.
//
// Strings are UTF-8 byte strings (std::string). \uXXXX escapes (with surrogate pairs) are
// converted to UTF-8. Numbers keep their value as a double; AsUint64() recovers integers exactly
// when they are written without fraction or exponent and fit.

#ifndef H2ENGINE_HPACK_TOOLS_JSON_H_
#define H2ENGINE_HPACK_TOOLS_JSON_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2engine::hpack::tools {

enum class JsonType : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

std::string_view JsonTypeName(JsonType t);

class JsonValue {
 public:
  JsonValue() = default;  // null
  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  // Number: an integer (exact, printed without exponent or fraction).
  static JsonValue Integer(int64_t v);
  static JsonValue String(std::string s);
  static JsonValue Array();
  static JsonValue Object();

  JsonType type() const { return type_; }
  bool is_null() const { return type_ == JsonType::kNull; }
  bool is_bool() const { return type_ == JsonType::kBool; }
  bool is_number() const { return type_ == JsonType::kNumber; }
  bool is_string() const { return type_ == JsonType::kString; }
  bool is_array() const { return type_ == JsonType::kArray; }
  bool is_object() const { return type_ == JsonType::kObject; }

  // Accessors: valid only for the matching type (checked with H2_CHECK).
  bool bool_value() const;
  double number_value() const;
  // AsUint64 stores a number written as a plain non-negative integer (no '-', '.', 'e') that
  // fits in uint64_t into *out and returns true; anything else returns false.
  [[nodiscard]] bool AsUint64(uint64_t* out) const;
  const std::string& string_value() const;

  // Arrays and objects: size() is the number of elements or members.
  size_t size() const;
  // Arrays.
  const JsonValue& at(size_t i) const;
  void Append(JsonValue v);
  // Objects keep their members in insertion (file) order.
  std::string_view key(size_t i) const;
  const JsonValue& value(size_t i) const;
  // Find returns the member named `key`, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  // Set appends a member, or replaces the value of an existing member of that name.
  void Set(std::string_view key, JsonValue v);

 private:
  JsonType type_ = JsonType::kNull;
  bool bool_ = false;
  bool is_plain_integer_ = false;  // number written as [0-9]+ (or made by Integer(v >= 0))
  double number_ = 0;
  uint64_t integer_ = 0;           // exact value when is_plain_integer_
  std::string string_;             // kString
  std::vector<JsonValue> elements_;  // kArray elements, or kObject values
  std::vector<std::string> keys_;    // kObject keys, parallel to elements_

  friend class JsonParser;
};

struct JsonLimits {
  size_t max_input_bytes = 256 * 1024 * 1024;
  size_t max_depth = 64;  // arrays/objects nested deeper than this are rejected
  size_t max_string_bytes = 16 * 1024 * 1024;  // one string or key, after unescaping
};

// ParseJson parses `text` as exactly one JSON value into *out. On failure it returns false,
// leaves *out unspecified and sets *error to "line L, column C: what" (1-based; columns count
// bytes).
[[nodiscard]] bool ParseJson(std::string_view text, JsonValue* out, std::string* error,
                             const JsonLimits& limits = {});

// WriteJson appends `value` to *out, pretty-printed with two-space indentation (compact when
// indent is false), object members in order, strings escaped minimally (", \, control
// characters; non-ASCII UTF-8 is written as is). Returns false (with *error set) if a string is
// not valid UTF-8, which JSON cannot carry; *out is then unspecified.
[[nodiscard]] bool WriteJson(const JsonValue& value, std::string* out, std::string* error,
                             bool indent = true);

// IsValidUtf8 reports whether `s` is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace h2engine::hpack::tools

#endif  // H2ENGINE_HPACK_TOOLS_JSON_H_
