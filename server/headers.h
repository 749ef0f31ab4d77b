// Headers: an ordered multimap of HTTP fields with lowercase names, shared by requests,
// responses and trailers over HTTP/1.1 and HTTP/2 alike.
//
// Names are stored lowercased (RFC 9110 §5.1: field names are case-insensitive; RFC 9113 §8.2.1
// requires lowercase on the wire), values as given. Order is kept, and repeated fields stay
// separate entries: a list-valued field may be split over several lines (RFC 9110 §5.3), and
// `set-cookie` must never be combined.
//
// Headers does not validate what it stores; the HTTP/1.1 parser validates what it receives,
// and the serializers drop fields that would corrupt the framing (CR, LF or NUL in a value, a
// name that is not a token).
//
// Also here: the small string helpers every HTTP component needs (ASCII case folding, token
// checks, comma-separated list iteration) and StripConnectionSpecificHeaders() for the HTTP/2
// path (RFC 9113 §8.2.2).

#ifndef H2ENGINE_SERVER_HEADERS_H_
#define H2ENGINE_SERVER_HEADERS_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2engine::server {

struct HeaderField {
  std::string name;  // lowercase
  std::string value;

  bool operator==(const HeaderField&) const = default;
};

class Headers {
 public:
  using const_iterator = std::vector<HeaderField>::const_iterator;

  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

  // Add appends a field; `name` is lowercased.
  void Add(std::string_view name, std::string_view value);
  // Set removes every field named `name`, then appends one.
  void Set(std::string_view name, std::string_view value);
  // Remove deletes every field named `name` and returns how many there were.
  size_t Remove(std::string_view name);

  // Get returns the first value of `name` (case-insensitive), or nullopt. The view is valid
  // until the Headers is next modified.
  std::optional<std::string_view> Get(std::string_view name) const;
  // GetAll returns every value of `name`, in order.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  size_t Count(std::string_view name) const;
  // HasToken reports whether any `name` field, read as a comma-separated list, holds `token`
  // (compared case-insensitively), e.g. HasToken("connection", "close").
  bool HasToken(std::string_view name, std::string_view token) const;

  size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }
  const_iterator begin() const { return fields_.begin(); }
  const_iterator end() const { return fields_.end(); }
  const std::vector<HeaderField>& fields() const { return fields_; }
  const HeaderField& operator[](size_t i) const { return fields_[i]; }

  // RemoveIf deletes every field for which `pred` is true and returns how many it deleted.
  size_t RemoveIf(const std::function<bool(const HeaderField&)>& pred);

  bool operator==(const Headers&) const = default;

 private:
  std::vector<HeaderField> fields_;
};

// ---- String helpers (ASCII only; HTTP's case-insensitivity is ASCII case-insensitivity) ----

char AsciiToLower(char c);
std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// TrimOws strips optional whitespace (SP, HTAB) from both ends (RFC 9110 §5.6.3).
std::string_view TrimOws(std::string_view s);
// IsTokenChar: tchar of RFC 9110 §5.6.2.
bool IsTokenChar(unsigned char c);
bool IsToken(std::string_view s);
// IsFieldValueChar: a byte allowed inside a field value (RFC 9110 §5.5): VCHAR, SP, HTAB,
// obs-text. Excludes CR, LF, NUL and other controls.
bool IsFieldValueChar(unsigned char c);
bool IsValidFieldValue(std::string_view s);

// ForEachListElement calls `fn` for each non-empty element of a comma-separated field value
// (RFC 9110 §5.6.1), with surrounding whitespace trimmed. Quoted strings are not special-cased:
// none of the list-valued fields the server interprets carries them.
void ForEachListElement(std::string_view value, const std::function<void(std::string_view)>& fn);

// IsConnectionSpecificHeader: `name` (lowercase) is one of connection, keep-alive,
// proxy-connection, transfer-encoding, upgrade, te (RFC 9113 §8.2.2, RFC 9110 §7.6.1).
bool IsConnectionSpecificHeader(std::string_view name);

// IsForbiddenTrailer: `name` (lowercase) must not be sent in a trailer section (RFC 9110
// §6.5.1: framing, routing, request modifiers, authentication, response control). Both
// protocols drop such fields from response trailers.
bool IsForbiddenTrailer(std::string_view name);

// StripConnectionSpecificHeaders removes the connection-specific fields an HTTP/2 message must
// not carry (RFC 9113 §8.2.2): those IsConnectionSpecificHeader() names, every field the
// Connection field nominates, and `te` unless `keep_te_trailers` is set and its value is
// exactly "trailers" (the one form HTTP/2 allows, in requests). Returns how many were removed.
size_t StripConnectionSpecificHeaders(Headers& headers, bool keep_te_trailers = false);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_HEADERS_H_
