#include "h2/header_validator.h"

#include <array>

#include "base/check.h"

namespace h2engine::h2 {
namespace {

// --- Character classes (RFC 9110 §5.6.2 token, RFC 3986 §2-3 URI parts). ---

enum CharClass : uint8_t {
  kTchar = 1 << 0,           // RFC 9110 tchar.
  kLowerTchar = 1 << 1,      // tchar without uppercase: what a field name may hold (§8.2.1).
  kUnreserved = 1 << 2,      // RFC 3986 unreserved: ALPHA DIGIT - . _ ~
  kSubDelim = 1 << 3,        // RFC 3986 sub-delims: ! $ & ' ( ) * + , ; =
  kSchemeChar = 1 << 4,      // RFC 3986 §3.1: ALPHA DIGIT + - .
  kBadValue = 1 << 5,        // RFC 9113 §8.2.1: NUL, LF, CR.
  kBadValueStrict = 1 << 6,  // RFC 9110 §5.5: every CTL but HTAB, and DEL.
};

constexpr bool IsDigit(int c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(int c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAlpha(int c) { return IsUpper(c) || (c >= 'a' && c <= 'z'); }
constexpr bool IsHex(int c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr std::array<uint8_t, 256> MakeCharClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    uint8_t bits = 0;
    if (IsAlpha(c) || IsDigit(c)) bits |= kTchar | kUnreserved | kSchemeChar;
    if (c == 0 || c == '\n' || c == '\r') bits |= kBadValue;
    if ((c < 0x20 && c != '\t') || c == 0x7f) bits |= kBadValueStrict;
    t[c] = bits;
  }
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<uint8_t>(c)] |= kTchar;
  for (char c : std::string_view("-._~")) t[static_cast<uint8_t>(c)] |= kUnreserved;
  for (char c : std::string_view("!$&'()*+,;=")) t[static_cast<uint8_t>(c)] |= kSubDelim;
  for (char c : std::string_view("+-.")) t[static_cast<uint8_t>(c)] |= kSchemeChar;
  for (int c = 0; c < 256; ++c) {
    if ((t[c] & kTchar) && !IsUpper(c)) t[c] |= kLowerTchar;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kClasses = MakeCharClasses();

inline bool Has(char c, uint8_t cls) { return (kClasses[static_cast<uint8_t>(c)] & cls) != 0; }

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!Has(c, kTchar)) return false;
  }
  return true;
}

char ToLower(char c) { return IsUpper(static_cast<uint8_t>(c)) ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

// CheckName: RFC 9113 §8.2.1: no 0x00-0x20, no uppercase, no 0x7f-0xff, no colon; and, since
// RFC 9110 §5.1 makes a field name a token, nothing outside tchar.
HeaderError CheckName(std::string_view name) {
  for (char c : name) {
    if (H2_PREDICT_FALSE(!Has(c, kLowerTchar))) {
      return IsUpper(static_cast<uint8_t>(c)) ? HeaderError::kUppercaseFieldName
                                              : HeaderError::kInvalidFieldName;
    }
  }
  return HeaderError::kOk;
}

// CheckValue: RFC 9113 §8.2.1 (and RFC 9110 §5.5 when strict).
HeaderError CheckValue(std::string_view value, bool strict) {
  if (value.empty()) return HeaderError::kOk;
  const uint8_t bad = strict ? (kBadValue | kBadValueStrict) : kBadValue;
  for (char c : value) {
    if (H2_PREDICT_FALSE(Has(c, bad))) return HeaderError::kInvalidFieldValue;
  }
  char first = value.front();
  char last = value.back();
  if (first == ' ' || first == '\t' || last == ' ' || last == '\t') {
    return HeaderError::kFieldValueWhitespace;
  }
  return HeaderError::kOk;
}

// RFC 3986 §2.1: pct-encoded = "%" HEXDIG HEXDIG. Checks `s` holds only `allowed` characters
// or percent-encodings (if `pct` allows them).
bool AllCharsIn(std::string_view s, uint8_t allowed, bool pct, std::string_view extra = {}) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (Has(c, allowed) || extra.find(c) != std::string_view::npos) continue;
    if (pct && c == '%' && i + 2 < s.size() && IsHex(static_cast<uint8_t>(s[i + 1])) &&
        IsHex(static_cast<uint8_t>(s[i + 2]))) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// Authority: RFC 3986 §3.2, authority = [ userinfo "@" ] host [ ":" port ].
struct Authority {
  bool has_userinfo = false;
  std::string_view host;  // With the brackets of an IP-literal.
  std::string_view port;  // Digits; empty if absent or empty.
  bool has_port_colon = false;
};

bool ParseAuthority(std::string_view s, Authority* out) {
  size_t at = s.find('@');
  if (at != std::string_view::npos) {
    // userinfo = *( unreserved / pct-encoded / sub-delims / ":" )
    if (!AllCharsIn(s.substr(0, at), kUnreserved | kSubDelim, true, ":")) return false;
    out->has_userinfo = true;
    s.remove_prefix(at + 1);
  }
  std::string_view rest;
  if (!s.empty() && s.front() == '[') {
    // IP-literal = "[" ( IPv6address / IPvFuture ) "]"; checked for its character set only.
    size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    if (!AllCharsIn(s.substr(1, close - 1), kUnreserved | kSubDelim, false, ":")) return false;
    out->host = s.substr(0, close + 1);
    rest = s.substr(close + 1);
  } else {
    size_t colon = s.find(':');
    out->host = s.substr(0, colon);
    // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4address is a reg-name too.
    if (!AllCharsIn(out->host, kUnreserved | kSubDelim, true)) return false;
    rest = colon == std::string_view::npos ? std::string_view() : s.substr(colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return false;
    out->has_port_colon = true;
    out->port = rest.substr(1);
    for (char c : out->port) {
      if (!IsDigit(static_cast<uint8_t>(c))) return false;
    }
  }
  return true;
}

}  // namespace

// --- HeaderValidator ---

void HeaderValidator::StartBlock(HeaderBlockKind kind, bool end_stream) {
  kind_ = kind;
  end_stream_ = end_stream;
  error_ = HeaderError::kOk;
  seen_regular_ = false;
  seen_ = 0;
  method_ = RequestMethod::kOther;
  scheme_ = Scheme::kNone;
  path_ = PathShape::kNone;
  host_count_ = 0;
  te_trailers_ = false;
  status_ = 0;
  content_length_.reset();
  authority_.clear();
}

HeaderError HeaderValidator::OnField(std::string_view name, std::string_view value) {
  if (error_ != HeaderError::kOk) return error_;
  if (name.empty()) return Fail(HeaderError::kEmptyFieldName);
  const bool pseudo = name.front() == ':';
  if (HeaderError e = CheckName(pseudo ? name.substr(1) : name); e != HeaderError::kOk) {
    return Fail(e);
  }
  if (HeaderError e = CheckValue(value, options_.strict_field_values); e != HeaderError::kOk) {
    return Fail(e);
  }
  return pseudo ? OnPseudoHeader(name, value) : OnRegularField(name, value);
}

// RFC 9113 §8.3, §8.3.1, §8.3.2, RFC 8441 §4.
HeaderError HeaderValidator::OnPseudoHeader(std::string_view name, std::string_view value) {
  if (seen_regular_) return Fail(HeaderError::kPseudoHeaderAfterRegularField);
  if (kind_ == HeaderBlockKind::kRequestTrailers || kind_ == HeaderBlockKind::kResponseTrailers) {
    return Fail(HeaderError::kPseudoHeaderInTrailers);
  }
  uint8_t bit = 0;
  if (name == ":method") {
    bit = kMethodBit;
  } else if (name == ":scheme") {
    bit = kSchemeBit;
  } else if (name == ":authority") {
    bit = kAuthorityBit;
  } else if (name == ":path") {
    bit = kPathBit;
  } else if (name == ":protocol") {
    bit = kProtocolBit;
  } else if (name == ":status") {
    bit = kStatusBit;
  } else {
    return Fail(HeaderError::kUnknownPseudoHeader);
  }
  const bool is_request = kind_ == HeaderBlockKind::kRequest;
  if ((bit == kStatusBit) == is_request) return Fail(HeaderError::kPseudoHeaderInWrongMessage);
  // Without the extension, :protocol is not a defined pseudo-header (RFC 8441 §3).
  if (bit == kProtocolBit && !options_.enable_connect_protocol) {
    return Fail(HeaderError::kUnknownPseudoHeader);
  }
  if (seen_ & bit) return Fail(HeaderError::kDuplicatePseudoHeader);
  seen_ |= bit;

  switch (bit) {
    case kMethodBit:
      // RFC 9110 §9.1: method = token; case-sensitive.
      if (!IsToken(value)) return Fail(HeaderError::kInvalidMethod);
      if (value == "GET") {
        method_ = RequestMethod::kGet;
      } else if (value == "HEAD") {
        method_ = RequestMethod::kHead;
      } else if (value == "CONNECT") {
        method_ = RequestMethod::kConnect;
      } else if (value == "OPTIONS") {
        method_ = RequestMethod::kOptions;
      }
      break;
    case kSchemeBit:
      // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), case-insensitive.
      if (value.empty() || !IsAlpha(static_cast<uint8_t>(value.front())) ||
          !AllCharsIn(value, kSchemeChar, false)) {
        return Fail(HeaderError::kInvalidScheme);
      }
      if (EqualsIgnoreCase(value, "http")) {
        scheme_ = Scheme::kHttp;
      } else if (EqualsIgnoreCase(value, "https")) {
        scheme_ = Scheme::kHttps;
      } else {
        scheme_ = Scheme::kOther;
      }
      break;
    case kAuthorityBit: {
      Authority parsed;
      if (!ParseAuthority(value, &parsed)) return Fail(HeaderError::kInvalidAuthority);
      authority_.assign(value);
      break;
    }
    case kPathBit:
      if (value.empty()) {
        path_ = PathShape::kEmpty;
      } else if (value == "*") {
        path_ = PathShape::kAsterisk;
      } else if (value.front() == '/') {
        path_ = PathShape::kAbsolute;
      } else {
        path_ = PathShape::kOther;
      }
      break;
    case kProtocolBit:
      // RFC 8441 §4: a value from the HTTP Upgrade Token Registry, i.e. a token.
      if (!IsToken(value)) return Fail(HeaderError::kInvalidProtocol);
      break;
    case kStatusBit: {
      // RFC 9110 §15: status-code = 3DIGIT, 100..599.
      if (value.size() != 3 || !IsDigit(static_cast<uint8_t>(value[0])) ||
          !IsDigit(static_cast<uint8_t>(value[1])) || !IsDigit(static_cast<uint8_t>(value[2]))) {
        return Fail(HeaderError::kInvalidStatus);
      }
      int status = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
      if (status < 100 || status > 599) return Fail(HeaderError::kInvalidStatus);
      // RFC 9113 §8.6: HTTP/2 has no 101 (Switching Protocols).
      if (status == 101) return Fail(HeaderError::kSwitchingProtocols);
      status_ = status;
      break;
    }
  }
  return HeaderError::kOk;
}

HeaderError HeaderValidator::OnRegularField(std::string_view name, std::string_view value) {
  seen_regular_ = true;
  // Only a few names matter; dispatch on length so most fields cost one switch.
  switch (name.size()) {
    case 2:
      if (name == "te") {
        // RFC 9113 §8.2.2: TE may be in a request, with no value other than "trailers"
        // (a t-codings keyword, case-insensitive: RFC 9110 §10.1.4). Anywhere else it is
        // connection-specific.
        if (kind_ != HeaderBlockKind::kRequest && kind_ != HeaderBlockKind::kRequestTrailers) {
          return Fail(HeaderError::kConnectionSpecificField);
        }
        if (!EqualsIgnoreCase(value, "trailers")) return Fail(HeaderError::kInvalidTe);
        if (kind_ == HeaderBlockKind::kRequest) te_trailers_ = true;
      }
      break;
    case 4:
      if (name == "host" && kind_ == HeaderBlockKind::kRequest) return OnHost(value);
      break;
    case 7:
      if (name == "upgrade") return Fail(HeaderError::kConnectionSpecificField);
      break;
    case 10:
      if (name == "connection" || name == "keep-alive") {
        return Fail(HeaderError::kConnectionSpecificField);
      }
      break;
    case 14:
      if (name == "content-length" &&
          (kind_ == HeaderBlockKind::kRequest || kind_ == HeaderBlockKind::kResponse)) {
        return OnContentLength(value);
      }
      break;
    case 16:
      if (name == "proxy-connection") return Fail(HeaderError::kConnectionSpecificField);
      break;
    case 17:
      if (name == "transfer-encoding") return Fail(HeaderError::kConnectionSpecificField);
      break;
    default:
      break;
  }
  return HeaderError::kOk;
}

// RFC 9113 §8.1.1 with RFC 9110 §8.6: Content-Length = 1*DIGIT. A list ("5, 5") is rejected
// rather than repaired; several field lines must agree.
HeaderError HeaderValidator::OnContentLength(std::string_view value) {
  if (value.empty() || value.size() > 19) return Fail(HeaderError::kInvalidContentLength);
  uint64_t length = 0;
  for (char c : value) {
    if (!IsDigit(static_cast<uint8_t>(c))) return Fail(HeaderError::kInvalidContentLength);
    length = length * 10 + static_cast<uint64_t>(c - '0');  // 19 digits fit in 64 bits.
  }
  if (content_length_ && *content_length_ != length) {
    return Fail(HeaderError::kConflictingContentLength);
  }
  content_length_ = length;
  return HeaderError::kOk;
}

namespace {

// NormalizedPort: the port without leading zeros, and empty if it is the scheme's default
// (RFC 3986 §6.2.3; RFC 9110 §4.2.1-4.2.2: 80 for http, 443 for https).
std::string_view NormalizedPort(std::string_view port, std::string_view default_port) {
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);
  if (port == default_port) return {};
  return port;
}

}  // namespace

// RFC 9113 §8.3.1: a Host that identifies another entity than :authority is malformed (SHOULD),
// after scheme-based normalization (RFC 3986 §6.2.3).
HeaderError HeaderValidator::OnHost(std::string_view value) {
  ++host_count_;
  if (host_count_ > 1 && options_.reject_duplicate_host) {
    return Fail(HeaderError::kDuplicateHost);
  }
  if (!options_.check_host_matches_authority || !has_authority()) return HeaderError::kOk;
  std::string_view default_port;
  if (scheme_ == Scheme::kHttp) default_port = "80";
  if (scheme_ == Scheme::kHttps) default_port = "443";
  Authority a;
  Authority h;
  // :authority was parsed when it arrived. A Host that does not parse (a field-value problem,
  // which alone is not malformed, §8.2.1) can still not name the same entity unless identical.
  bool same;
  if (ParseAuthority(authority_, &a) && ParseAuthority(value, &h) && !h.has_userinfo) {
    same = EqualsIgnoreCase(a.host, h.host) &&
           NormalizedPort(a.port, default_port) == NormalizedPort(h.port, default_port);
  } else {
    same = EqualsIgnoreCase(authority_, value);
  }
  if (!same) return Fail(HeaderError::kHostAuthorityMismatch);
  return HeaderError::kOk;
}

HeaderError HeaderValidator::EndBlock() {
  if (error_ != HeaderError::kOk) return error_;
  switch (kind_) {
    case HeaderBlockKind::kRequest:
      return CheckRequest();
    case HeaderBlockKind::kResponse:
      return CheckResponse();
    case HeaderBlockKind::kRequestTrailers:
    case HeaderBlockKind::kResponseTrailers:
      // RFC 9113 §8.1: trailers are in a HEADERS frame that ends the stream.
      if (!end_stream_) return Fail(HeaderError::kTrailersWithoutEndStream);
      return HeaderError::kOk;
  }
  return HeaderError::kOk;
}

HeaderError HeaderValidator::CheckRequest() {
  if (!(seen_ & kMethodBit)) return Fail(HeaderError::kMissingMethod);
  Authority authority;
  if (has_authority()) {
    bool parsed = ParseAuthority(authority_, &authority);
    H2_DCHECK(parsed);  // Checked when it arrived.
    (void)parsed;
  }
  if (is_extended_connect()) {
    // RFC 8441 §4: :protocol goes with CONNECT, and then :scheme and :path are required; the
    // :authority is the ordinary one of §8.3.1, "required on every HTTP/2 transaction" (§5).
    if (method_ != RequestMethod::kConnect) return Fail(HeaderError::kProtocolWithoutConnect);
    if (!(seen_ & kSchemeBit)) return Fail(HeaderError::kMissingScheme);
    if (!(seen_ & kPathBit)) return Fail(HeaderError::kMissingPath);
    if (!has_authority()) return Fail(HeaderError::kMissingAuthority);
  } else if (method_ == RequestMethod::kConnect) {
    // RFC 9113 §8.5: :scheme and :path MUST be omitted; :authority is host and port (the
    // authority-form of RFC 9112 §3.2.3, uri-host ":" port; RFC 9110 §9.3.6 rejects an empty
    // or invalid port).
    if (seen_ & (kSchemeBit | kPathBit)) return Fail(HeaderError::kConnectWithSchemeOrPath);
    if (!has_authority()) return Fail(HeaderError::kMissingAuthority);
    if (authority.has_userinfo || authority.host.empty() || authority.port.empty()) {
      return Fail(HeaderError::kInvalidAuthority);
    }
    return HeaderError::kOk;
  } else {
    // RFC 9113 §8.3.1: exactly one :method, :scheme and :path.
    if (!(seen_ & kSchemeBit)) return Fail(HeaderError::kMissingScheme);
    if (!(seen_ & kPathBit)) return Fail(HeaderError::kMissingPath);
  }
  // RFC 9113 §8.3.1 :path: never empty ("MUST NOT be empty" for http(s); we hold every scheme
  // to it), "*" only in an OPTIONS request (RFC 9110 §7.1 asterisk-form), and for http(s)
  // either "*" or an absolute path.
  const bool http = scheme_ == Scheme::kHttp || scheme_ == Scheme::kHttps;
  if (path_ == PathShape::kEmpty) return Fail(HeaderError::kInvalidPath);
  if (path_ == PathShape::kAsterisk && method_ != RequestMethod::kOptions) {
    return Fail(HeaderError::kInvalidPath);
  }
  if (http && path_ == PathShape::kOther) return Fail(HeaderError::kInvalidPath);
  if (http) {
    // RFC 9113 §8.3.1: no userinfo in :authority for http(s); RFC 9110 §4.2.1: http(s) URIs
    // have a non-empty host.
    if (has_authority() && (authority.has_userinfo || authority.host.empty())) {
      return Fail(HeaderError::kInvalidAuthority);
    }
    if (options_.require_authority_for_http && !has_authority() && host_count_ == 0) {
      return Fail(HeaderError::kMissingAuthority);
    }
  }
  return HeaderError::kOk;
}

HeaderError HeaderValidator::CheckResponse() {
  // RFC 9113 §8.3.2: :status MUST be in every response, interim ones included.
  if (!(seen_ & kStatusBit)) return Fail(HeaderError::kMissingStatus);
  if (is_informational()) {
    // RFC 9113 §8.1: a HEADERS frame with END_STREAM that carries a 1xx is malformed.
    if (end_stream_) return Fail(HeaderError::kInformationalWithEndStream);
    content_length_.reset();  // A 1xx has no content; its content-length describes nothing.
  }
  return HeaderError::kOk;
}

// --- InboundHeaderSequence ---

void InboundHeaderSequence::OnBlockAccepted(const HeaderValidator& validator) {
  H2_DCHECK(validator.kind() == next_);
  H2_DCHECK(validator.error() == HeaderError::kOk);
  switch (next_) {
    case HeaderBlockKind::kRequest:
      next_ = HeaderBlockKind::kRequestTrailers;
      break;
    case HeaderBlockKind::kResponse:
      if (!validator.is_informational()) next_ = HeaderBlockKind::kResponseTrailers;
      break;
    case HeaderBlockKind::kRequestTrailers:
    case HeaderBlockKind::kResponseTrailers:
      break;
  }
}

// --- ContentLengthTracker ---

ContentLengthTracker ContentLengthTracker::ForRequest(const HeaderValidator& validator) {
  H2_DCHECK(validator.kind() == HeaderBlockKind::kRequest);
  if (validator.is_connect()) return ContentLengthTracker();
  if (auto length = validator.content_length()) return Expecting(*length);
  return ContentLengthTracker();
}

ContentLengthTracker ContentLengthTracker::ForResponse(const HeaderValidator& validator,
                                                       RequestMethod request_method) {
  H2_DCHECK(validator.kind() == HeaderBlockKind::kResponse);
  H2_DCHECK(!validator.is_informational());
  const int status = validator.status_code();
  if (validator.is_informational()) return ContentLengthTracker();
  if (request_method == RequestMethod::kConnect && status >= 200 && status < 300) {
    return ContentLengthTracker();
  }
  if (request_method == RequestMethod::kHead || status == 204 || status == 304) {
    return NoContent();
  }
  if (auto length = validator.content_length()) return Expecting(*length);
  return ContentLengthTracker();
}

HeaderError ContentLengthTracker::OnData(uint64_t length) {
  switch (mode_) {
    case Mode::kUnchecked:
      received_ += length;
      return HeaderError::kOk;
    case Mode::kNone:
      if (length > 0) return HeaderError::kContentNotAllowed;
      return HeaderError::kOk;
    case Mode::kExact:
      if (length > expected_ - received_) {
        received_ = expected_;  // Saturate; the stream is malformed anyway.
        return HeaderError::kContentLengthMismatch;
      }
      received_ += length;
      return HeaderError::kOk;
  }
  return HeaderError::kOk;
}

HeaderError ContentLengthTracker::OnEndStream() const {
  if (mode_ == Mode::kExact && received_ != expected_) return HeaderError::kContentLengthMismatch;
  return HeaderError::kOk;
}

// --- Cookies ---

void AppendCookieCrumb(std::string& joined, std::string_view crumb) {
  if (crumb.empty()) return;
  if (!joined.empty()) joined.append("; ");
  joined.append(crumb);
}

std::string JoinCookieCrumbs(std::span<const std::string_view> crumbs) {
  size_t size = 0;
  for (std::string_view crumb : crumbs) size += crumb.size() + 2;
  std::string joined;
  joined.reserve(size);
  for (std::string_view crumb : crumbs) AppendCookieCrumb(joined, crumb);
  return joined;
}

// --- Names ---

std::string_view HeaderErrorName(HeaderError error) {
  switch (error) {
    case HeaderError::kOk:
      return "ok";
    case HeaderError::kEmptyFieldName:
      return "empty field name";
    case HeaderError::kUppercaseFieldName:
      return "uppercase field name";
    case HeaderError::kInvalidFieldName:
      return "invalid field name";
    case HeaderError::kInvalidFieldValue:
      return "invalid character in field value";
    case HeaderError::kFieldValueWhitespace:
      return "field value with leading or trailing whitespace";
    case HeaderError::kConnectionSpecificField:
      return "connection-specific field";
    case HeaderError::kInvalidTe:
      return "te other than trailers";
    case HeaderError::kPseudoHeaderAfterRegularField:
      return "pseudo-header after regular field";
    case HeaderError::kUnknownPseudoHeader:
      return "unknown pseudo-header";
    case HeaderError::kPseudoHeaderInWrongMessage:
      return "pseudo-header in wrong message";
    case HeaderError::kDuplicatePseudoHeader:
      return "duplicate pseudo-header";
    case HeaderError::kPseudoHeaderInTrailers:
      return "pseudo-header in trailers";
    case HeaderError::kMissingMethod:
      return "missing :method";
    case HeaderError::kMissingScheme:
      return "missing :scheme";
    case HeaderError::kMissingPath:
      return "missing :path";
    case HeaderError::kMissingAuthority:
      return "missing :authority";
    case HeaderError::kInvalidMethod:
      return "invalid :method";
    case HeaderError::kInvalidScheme:
      return "invalid :scheme";
    case HeaderError::kInvalidPath:
      return "invalid :path";
    case HeaderError::kInvalidAuthority:
      return "invalid :authority";
    case HeaderError::kConnectWithSchemeOrPath:
      return "CONNECT with :scheme or :path";
    case HeaderError::kProtocolWithoutConnect:
      return ":protocol without CONNECT";
    case HeaderError::kInvalidProtocol:
      return "invalid :protocol";
    case HeaderError::kHostAuthorityMismatch:
      return "host does not match :authority";
    case HeaderError::kDuplicateHost:
      return "duplicate host";
    case HeaderError::kMissingStatus:
      return "missing :status";
    case HeaderError::kInvalidStatus:
      return "invalid :status";
    case HeaderError::kSwitchingProtocols:
      return ":status 101";
    case HeaderError::kInformationalWithEndStream:
      return "1xx response with END_STREAM";
    case HeaderError::kTrailersWithoutEndStream:
      return "trailers without END_STREAM";
    case HeaderError::kInvalidContentLength:
      return "invalid content-length";
    case HeaderError::kConflictingContentLength:
      return "conflicting content-length";
    case HeaderError::kContentLengthMismatch:
      return "content-length does not match DATA";
    case HeaderError::kContentNotAllowed:
      return "DATA in a message without content";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& out, HeaderError error) {
  return out << HeaderErrorName(error);
}

}  // namespace h2engine::h2
