// Fuzzes h2/header_validator.h with arbitrary field lists.
//
// Input: one flags byte (bits 0-1 the HeaderBlockKind, bit 2 END_STREAM, bit 3
// enable_connect_protocol, bit 4 strict_field_values, bit 5 check_host_matches_authority off,
// bit 6 require_authority_for_http off, bit 7 reject_duplicate_host off), then fields, each a
// length byte and the name, a length byte and the value; a truncated field ends the list.
//
// Checks: no crash; errors are sticky; the same block gives the same answer from a fresh
// validator and from one that validated another block before; and when the block is accepted,
// an independent re-check of the RFC 9113 §8 invariants holds (names lowercase tokens, values
// free of NUL/CR/LF and edge whitespace, pseudo-headers first, defined, unique, in the right
// kind of block, the required ones present, no connection-specific fields, consistent
// content-length), and ContentLengthTracker accepts exactly content-length bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "h2/header_validator.h"

namespace {

using h2engine::h2::ContentLengthTracker;
using h2engine::h2::HeaderBlockKind;
using h2engine::h2::HeaderError;
using h2engine::h2::HeaderErrorName;
using h2engine::h2::HeaderValidator;

using Fields = std::vector<std::pair<std::string_view, std::string_view>>;

void Require(bool ok) {
  if (!ok) std::abort();
}

HeaderError Run(HeaderValidator& v, HeaderBlockKind kind, bool end_stream, const Fields& fields) {
  v.StartBlock(kind, end_stream);
  HeaderError first = HeaderError::kOk;
  for (const auto& [name, value] : fields) {
    HeaderError e = v.OnField(name, value);
    if (first == HeaderError::kOk) first = e;
    Require(e == first);  // Sticky.
  }
  HeaderError end = v.EndBlock();
  if (first != HeaderError::kOk) Require(end == first);
  Require(v.error() == end);
  return end;
}

bool IsLowerTchar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// CheckAccepted re-derives, independently of the validator's code, what an accepted block
// must satisfy.
void CheckAccepted(const HeaderValidator& v, HeaderBlockKind kind, bool end_stream,
                   const Fields& fields) {
  const bool trailers =
      kind == HeaderBlockKind::kRequestTrailers || kind == HeaderBlockKind::kResponseTrailers;
  const bool request_side =
      kind == HeaderBlockKind::kRequest || kind == HeaderBlockKind::kRequestTrailers;
  bool seen_regular = false;
  int method = 0, scheme = 0, authority = 0, path = 0, protocol = 0, status = 0;
  std::string_view method_value, path_value, status_value;
  std::optional<std::string_view> content_length;
  for (const auto& [name, value] : fields) {
    Require(!name.empty());
    const bool pseudo = name[0] == ':';
    for (size_t i = pseudo ? 1 : 0; i < name.size(); ++i) Require(IsLowerTchar(name[i]));
    for (char c : value) Require(c != '\0' && c != '\r' && c != '\n');
    if (!value.empty()) {
      Require(value.front() != ' ' && value.front() != '\t');
      Require(value.back() != ' ' && value.back() != '\t');
    }
    if (pseudo) {
      Require(!seen_regular && !trailers);
      if (name == ":method") {
        ++method;
        method_value = value;
      } else if (name == ":scheme") {
        ++scheme;
      } else if (name == ":authority") {
        ++authority;
      } else if (name == ":path") {
        ++path;
        path_value = value;
      } else if (name == ":protocol") {
        ++protocol;
        Require(v.options().enable_connect_protocol);
      } else if (name == ":status") {
        ++status;
        status_value = value;
      } else {
        Require(false);  // Undefined pseudo-header accepted.
      }
      continue;
    }
    seen_regular = true;
    Require(name != "connection" && name != "keep-alive" && name != "proxy-connection" &&
            name != "transfer-encoding" && name != "upgrade");
    if (name == "te") Require(request_side && EqualsIgnoreCase(value, "trailers"));
    if (name == "content-length" && !trailers) {
      Require(!value.empty());
      for (char c : value) Require(c >= '0' && c <= '9');
      content_length = value;
    }
  }
  Require(method <= 1 && scheme <= 1 && authority <= 1 && path <= 1 && protocol <= 1 &&
          status <= 1);
  switch (kind) {
    case HeaderBlockKind::kRequest: {
      Require(status == 0 && method == 1);
      const bool connect = method_value == "CONNECT";
      Require(v.is_connect() == connect);
      if (protocol) {
        Require(connect && scheme == 1 && path == 1 && authority == 1);
      } else if (connect) {
        Require(scheme == 0 && path == 0 && authority == 1);
      } else {
        Require(scheme == 1 && path == 1);
      }
      if (path) {
        Require(!path_value.empty());
        if (path_value == "*") Require(method_value == "OPTIONS");
      }
      if (content_length) Require(v.content_length().has_value());
      break;
    }
    case HeaderBlockKind::kResponse: {
      Require(method == 0 && scheme == 0 && authority == 0 && path == 0 && protocol == 0);
      Require(status == 1 && status_value.size() == 3 && status_value != "101");
      Require(status_value[0] >= '1' && status_value[0] <= '5');
      Require(v.status_code() >= 100 && v.status_code() <= 599);
      if (v.is_informational()) Require(!end_stream && !v.content_length().has_value());
      break;
    }
    case HeaderBlockKind::kRequestTrailers:
    case HeaderBlockKind::kResponseTrailers:
      Require(end_stream);
      break;
  }
  // ContentLengthTracker takes exactly content-length bytes, and not one more.
  if (kind == HeaderBlockKind::kRequest && !v.is_connect() && v.content_length()) {
    ContentLengthTracker t = ContentLengthTracker::ForRequest(v);
    uint64_t n = *v.content_length();
    Require(t.OnEndStream() == (n == 0 ? HeaderError::kOk : HeaderError::kContentLengthMismatch));
    Require(t.OnData(n / 2) == HeaderError::kOk);
    Require(t.OnData(n - n / 2) == HeaderError::kOk);
    Require(t.OnEndStream() == HeaderError::kOk);
    Require(t.OnData(1) == HeaderError::kContentLengthMismatch);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  const auto kind = static_cast<HeaderBlockKind>(flags & 3);
  const bool end_stream = (flags & 4) != 0;
  HeaderValidator::Options options;
  options.enable_connect_protocol = (flags & 8) != 0;
  options.strict_field_values = (flags & 16) != 0;
  options.check_host_matches_authority = (flags & 32) == 0;
  options.require_authority_for_http = (flags & 64) == 0;
  options.reject_duplicate_host = (flags & 128) == 0;

  Fields fields;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  for (;;) {
    if (rest.empty()) break;
    size_t name_len = static_cast<uint8_t>(rest[0]);
    if (rest.size() < 1 + name_len + 1) break;
    std::string_view name = rest.substr(1, name_len);
    size_t value_len = static_cast<uint8_t>(rest[1 + name_len]);
    if (rest.size() < 2 + name_len + value_len) break;
    std::string_view value = rest.substr(2 + name_len, value_len);
    fields.emplace_back(name, value);
    rest.remove_prefix(2 + name_len + value_len);
  }

  HeaderValidator fresh(options);
  HeaderError result = Run(fresh, kind, end_stream, fields);
  Require(HeaderErrorName(result) != "unknown");

  // A validator that saw another block first must give the same answer.
  HeaderValidator reused(options);
  Fields other = {{":method", "CONNECT"},
                  {":authority", "a:1"},
                  {"host", "a:1"},
                  {"content-length", "9"},
                  {"te", "trailers"}};
  (void)Run(reused, HeaderBlockKind::kRequest, !end_stream, other);
  (void)Run(reused, static_cast<HeaderBlockKind>((flags + 1) & 3), end_stream, fields);
  Require(Run(reused, kind, end_stream, fields) == result);

  if (result == HeaderError::kOk) CheckAccepted(fresh, kind, end_stream, fields);
  return 0;
}
