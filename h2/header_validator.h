// HeaderValidator: the HTTP-semantics checks of RFC 9113 §8 on one received header block,
// fed one field at a time as the HPACK decoder produces them. A block that breaks a rule is
// "malformed" (§8.1.1), which the connection turns into a stream error of type PROTOCOL_ERROR
// (kMalformedErrorCode); the validator only says so, with a short reason (HeaderError).
//
// The kinds of block (HeaderBlockKind):
//   - kRequest: the header section of a request (a server's received HEADERS; also a client's
//     received PUSH_PROMISE, whose method the connection must further check is safe, §8.4).
//   - kResponse: an interim (1xx) or final response header section (a client's received HEADERS
//     before the final response).
//   - kRequestTrailers / kResponseTrailers: a trailer section (§8.1).
// InboundHeaderSequence tells which kind the next block on a stream is, for either perspective:
// a server receives request then request trailers; a client receives 1xx* then a final
// response then response trailers.
//
// Rules (each with its RFC section in header_validator.cc and h2/README.md):
//   §8.2.1  field names are non-empty lowercase tokens; values have no NUL, CR or LF and no
//           leading or trailing SP/HTAB (optionally, no other control characters either);
//   §8.2.2  no connection-specific fields; `te` only in requests and only "trailers";
//   §8.3    pseudo-header fields first, defined ones only, in the right kind of message, once,
//           never in trailers;
//   §8.3.1  requests: exactly one valid :method, :scheme and :path (unless CONNECT); :path
//           non-empty, "*" only for OPTIONS, starting with "/" for http and https; :authority
//           well-formed and without userinfo for http(s); Host consistent with :authority;
//   §8.5    CONNECT: :authority (host:port) only, no :scheme or :path;
//   RFC 8441 §4  :protocol only when we sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1, only with
//           CONNECT, and then with :scheme, :path and :authority;
//   §8.3.2  responses: exactly one :status of three digits (100..599), not 101 (§8.6); a 1xx
//           without END_STREAM (§8.1);
//   §8.1    trailers must carry END_STREAM;
//   §8.1.1  content-length: digits only, repeated values equal; exposed for
//           ContentLengthTracker, which checks it against the DATA received.
//
// Usage, per header block:
//   validator.StartBlock(HeaderBlockKind::kRequest, end_stream);
//   for each decoded (name, value): validator.OnField(name, value);   // errors are sticky
//   HeaderError e = validator.EndBlock();
// Once a field fails, the rest of the block is ignored (the connection keeps decoding it, since
// the HPACK context belongs to the connection) and EndBlock() returns the first error.
// After a successful EndBlock() the accessors describe the block. The validator keeps no view
// of its inputs; it copies :authority (to compare it with Host) into a buffer it reuses, so a
// validator reused for every block of a connection stops allocating.
//
// Cookie crumbs (§8.2.3) are left to the application: AppendCookieCrumb joins them with "; ".

#ifndef H2ENGINE_H2_HEADER_VALIDATOR_H_
#define H2ENGINE_H2_HEADER_VALIDATOR_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "h2/protocol.h"

namespace h2engine::h2 {

// RFC 9113 §8.1.1: a malformed request or response is a stream error of this type.
inline constexpr ErrorCode kMalformedErrorCode = ErrorCode::kProtocolError;

enum class HeaderBlockKind : uint8_t {
  kRequest,
  kResponse,  // Interim (1xx) or final.
  kRequestTrailers,
  kResponseTrailers,
};

// HeaderError: why a message is malformed. kOk means it is not (so far).
enum class HeaderError : uint8_t {
  kOk = 0,
  // §8.2.1 field syntax.
  kEmptyFieldName,
  kUppercaseFieldName,
  kInvalidFieldName,
  kInvalidFieldValue,     // NUL, CR or LF (or, when strict, another control character).
  kFieldValueWhitespace,  // Leading or trailing SP/HTAB.
  // §8.2.2.
  kConnectionSpecificField,
  kInvalidTe,
  // §8.3 pseudo-header fields.
  kPseudoHeaderAfterRegularField,
  kUnknownPseudoHeader,
  kPseudoHeaderInWrongMessage,  // A request pseudo-header in a response or vice versa.
  kDuplicatePseudoHeader,
  kPseudoHeaderInTrailers,
  // §8.3.1 / §8.5 / RFC 8441 requests.
  kMissingMethod,
  kMissingScheme,
  kMissingPath,
  kMissingAuthority,
  kInvalidMethod,
  kInvalidScheme,
  kInvalidPath,
  kInvalidAuthority,
  kConnectWithSchemeOrPath,
  kProtocolWithoutConnect,
  kInvalidProtocol,
  kHostAuthorityMismatch,
  kDuplicateHost,
  // §8.3.2 / §8.6 / §8.1 responses.
  kMissingStatus,
  kInvalidStatus,
  kSwitchingProtocols,
  kInformationalWithEndStream,
  // §8.1 trailers.
  kTrailersWithoutEndStream,
  // §8.1.1 content-length.
  kInvalidContentLength,
  kConflictingContentLength,
  kContentLengthMismatch,  // From ContentLengthTracker.
  kContentNotAllowed,      // From ContentLengthTracker: DATA where no content may be.
};

// HeaderErrorName returns a short, stable reason ("uppercase field name"); "ok" for kOk.
std::string_view HeaderErrorName(HeaderError error);
std::ostream& operator<<(std::ostream& out, HeaderError error);

// RequestMethod: the methods whose rules differ. RFC 9110 §9.1: methods are case-sensitive.
enum class RequestMethod : uint8_t { kOther, kGet, kHead, kConnect, kOptions };

class HeaderValidator {
 public:
  struct Options {
    // RFC 8441 §3: we sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, so requests may carry
    // :protocol. Without it :protocol is an unknown pseudo-header (malformed).
    bool enable_connect_protocol = false;
    // RFC 9110 §5.5: reject every control character in values (but HTAB), and DEL, not only
    // the NUL, CR and LF that RFC 9113 §8.2.1 makes a MUST.
    bool strict_field_values = false;
    // RFC 9113 §8.3.1 (SHOULD): a Host that names another entity than :authority is malformed.
    // Compared after scheme-based normalization (RFC 3986 §6.2.3): host case-insensitively, and
    // an empty or default port (80 for http, 443 for https) dropped.
    bool check_host_matches_authority = true;
    // RFC 9110 §4.2.1 / §7.2: an http or https request names a host, in :authority or Host;
    // one with neither is malformed.
    bool require_authority_for_http = true;
    // h2engine policy, not an RFC MUST: several Host fields are malformed (Host is a singleton,
    // RFC 9110 §7.2, and two of them are a request-smuggling vector).
    bool reject_duplicate_host = true;
  };

  HeaderValidator() : HeaderValidator(Options{}) {}
  explicit HeaderValidator(const Options& options) : options_(options) {}

  const Options& options() const { return options_; }
  // set_enable_connect_protocol follows our SETTINGS (RFC 8441 §3: once 1, never back to 0).
  void set_enable_connect_protocol(bool enabled) { options_.enable_connect_protocol = enabled; }

  // StartBlock begins a header block of `kind`; `end_stream` is the HEADERS frame's END_STREAM
  // flag (false for PUSH_PROMISE). Forgets everything about the previous block.
  void StartBlock(HeaderBlockKind kind, bool end_stream);

  // OnField checks one decoded field. Returns the block's first error so far (kOk if none).
  // Nothing is kept of `name` or `value` after the call.
  [[nodiscard]] HeaderError OnField(std::string_view name, std::string_view value);

  // EndBlock applies the whole-block rules (required pseudo-headers and their combinations) and
  // returns the block's first error, kOk if the block is valid.
  [[nodiscard]] HeaderError EndBlock();

  // --- Facts about the block (meaningful after EndBlock() returned kOk). ---
  HeaderBlockKind kind() const { return kind_; }
  bool end_stream() const { return end_stream_; }
  HeaderError error() const { return error_; }

  // Requests.
  RequestMethod method() const { return method_; }
  // is_connect: a CONNECT request, plain (§8.5) or extended (RFC 8441).
  bool is_connect() const { return method_ == RequestMethod::kConnect; }
  bool is_extended_connect() const { return (seen_ & kProtocolBit) != 0; }
  bool has_authority() const { return (seen_ & kAuthorityBit) != 0; }
  bool has_host() const { return host_count_ > 0; }
  // te_trailers: the request carried `te: trailers` (the client accepts trailers).
  bool te_trailers() const { return te_trailers_; }

  // Responses.
  // status_code is the :status value (100..599), 0 before one was seen.
  int status_code() const { return status_; }
  bool is_informational() const { return status_ >= 100 && status_ < 200; }

  // content_length is the content-length value, if the block had one (requests and final
  // responses; not interpreted in trailers).
  std::optional<uint64_t> content_length() const { return content_length_; }

 private:
  static constexpr uint8_t kMethodBit = 1 << 0;
  static constexpr uint8_t kSchemeBit = 1 << 1;
  static constexpr uint8_t kAuthorityBit = 1 << 2;
  static constexpr uint8_t kPathBit = 1 << 3;
  static constexpr uint8_t kProtocolBit = 1 << 4;
  static constexpr uint8_t kStatusBit = 1 << 5;

  enum class Scheme : uint8_t { kNone, kHttp, kHttps, kOther };
  enum class PathShape : uint8_t { kNone, kEmpty, kAsterisk, kAbsolute, kOther };

  HeaderError Fail(HeaderError error) {
    if (error_ == HeaderError::kOk) error_ = error;
    return error_;
  }
  HeaderError OnPseudoHeader(std::string_view name, std::string_view value);
  HeaderError OnRegularField(std::string_view name, std::string_view value);
  HeaderError OnContentLength(std::string_view value);
  HeaderError OnHost(std::string_view value);
  HeaderError CheckRequest();
  HeaderError CheckResponse();

  Options options_;
  HeaderBlockKind kind_ = HeaderBlockKind::kRequest;
  bool end_stream_ = false;
  HeaderError error_ = HeaderError::kOk;
  bool seen_regular_ = false;
  uint8_t seen_ = 0;  // k*Bit of the pseudo-headers seen.
  RequestMethod method_ = RequestMethod::kOther;
  Scheme scheme_ = Scheme::kNone;
  PathShape path_ = PathShape::kNone;
  uint8_t host_count_ = 0;
  bool te_trailers_ = false;
  int status_ = 0;
  std::optional<uint64_t> content_length_;
  std::string authority_;  // Reused across blocks.
};

// InboundHeaderSequence: which kind of header block a stream receives next (RFC 9113 §8.1), one
// per stream. A server expects a request, then trailers; a client expects responses until a
// final (non-1xx) one, then trailers. After trailers nothing more may come (the stream has
// ended; the stream state machine rejects further HEADERS).
class InboundHeaderSequence {
 public:
  static InboundHeaderSequence ForServer() {
    return InboundHeaderSequence(HeaderBlockKind::kRequest);
  }
  static InboundHeaderSequence ForClient() {
    return InboundHeaderSequence(HeaderBlockKind::kResponse);
  }

  HeaderBlockKind next_kind() const { return next_; }
  // OnBlockAccepted moves on after `validator` accepted a block of next_kind().
  void OnBlockAccepted(const HeaderValidator& validator);

 private:
  explicit InboundHeaderSequence(HeaderBlockKind first) : next_(first) {}
  HeaderBlockKind next_;
};

// ContentLengthTracker: RFC 9113 §8.1.1's check that a message's content (the DATA payloads,
// padding excluded) matches its content-length, and that messages defined to have no content
// have none. One per stream and direction; trivially copyable.
class ContentLengthTracker {
 public:
  // A default tracker checks nothing (no content-length, or a tunnel).
  ContentLengthTracker() = default;
  static ContentLengthTracker Expecting(uint64_t length) {
    return ContentLengthTracker(Mode::kExact, length);
  }
  static ContentLengthTracker NoContent() { return ContentLengthTracker(Mode::kNone, 0); }

  // ForRequest: for a request `validator` accepted. CONNECT requests (plain or extended) carry
  // tunnel data, which no content-length describes.
  static ContentLengthTracker ForRequest(const HeaderValidator& validator);
  // ForResponse: for a final response `validator` accepted, to a request with
  // `request_method`. RFC 9113 §8.1.1 / RFC 9110 §6.4.1: responses to HEAD, and 204 and 304
  // responses, have no content (a content-length, even non-zero, is allowed on them); 2xx
  // responses to CONNECT are tunnels (their content-length MUST be ignored, RFC 9110 §8.6).
  static ContentLengthTracker ForResponse(const HeaderValidator& validator,
                                          RequestMethod request_method);

  // OnData counts `length` bytes of content. Returns kContentLengthMismatch as soon as more
  // than content-length arrive, kContentNotAllowed for any byte of a no-content message.
  [[nodiscard]] HeaderError OnData(uint64_t length);
  // OnEndStream returns kContentLengthMismatch if fewer than content-length bytes arrived.
  [[nodiscard]] HeaderError OnEndStream() const;

  uint64_t received() const { return received_; }
  std::optional<uint64_t> expected() const {
    return mode_ == Mode::kExact ? std::optional<uint64_t>(expected_) : std::nullopt;
  }

 private:
  enum class Mode : uint8_t { kUnchecked, kExact, kNone };
  ContentLengthTracker(Mode mode, uint64_t expected) : mode_(mode), expected_(expected) {}

  Mode mode_ = Mode::kUnchecked;
  uint64_t expected_ = 0;
  uint64_t received_ = 0;
};

// AppendCookieCrumb appends one `cookie` field value to `joined`, with "; " between crumbs
// (RFC 9113 §8.2.3), for handing the cookies to an application as one field. Empty crumbs are
// skipped.
void AppendCookieCrumb(std::string& joined, std::string_view crumb);
// JoinCookieCrumbs joins all `crumbs` with "; ".
std::string JoinCookieCrumbs(std::span<const std::string_view> crumbs);

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_HEADER_VALIDATOR_H_
