#include "server/http1.h"

#include <cstring>

#include "base/check.h"

namespace h2engine::server {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A byte allowed in a request-target: visible ASCII except '#' (a fragment is never sent,
// RFC 9112 §3.2). Finer URI syntax is the application's business.
bool IsTargetChar(unsigned char c) { return c > 0x20 && c < 0x7f && c != '#'; }

// IsValidHost: uri-host [ ":" port ] characters (RFC 3986 §3.2.2): unreserved, pct-encoded,
// sub-delims, ':' and the brackets of an IP literal. Empty is allowed (RFC 9112 §3.2).
bool IsValidHost(std::string_view host) {
  for (char ch : host) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool ok = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
              std::strchr("-._~%!$&'()*+,;=:[]", c) != nullptr;
    if (!ok || c == 0) return false;
  }
  return true;
}

bool IsSchemeChar(char c, bool first) {
  bool alpha = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  if (first) return alpha;
  return alpha || IsDigit(c) || c == '+' || c == '-' || c == '.';
}

// ParseDecimal: 1*DIGIT without overflow.
bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

void SplitPathQuery(std::string_view s, RequestHead* head) {
  size_t q = s.find('?');
  head->path = std::string(s.substr(0, q));
  head->query = q == std::string_view::npos ? "" : std::string(s.substr(q + 1));
}

bool IsValidFieldForWire(const HeaderField& f) {
  return IsToken(f.name) && IsValidFieldValue(f.value);
}

void AppendFieldLine(const HeaderField& f, std::string* out) {
  out->append(f.name);
  out->append(": ");
  out->append(f.value);
  out->append("\r\n");
}

}  // namespace

int Http1ErrorStatus(Http1Error error) {
  switch (error) {
    case Http1Error::kRequestLineTooLong:
      return 414;
    case Http1Error::kTooManyHeaders:
    case Http1Error::kHeadersTooLarge:
      return 431;
    case Http1Error::kBodyTooLarge:
      return 413;
    case Http1Error::kUnknownTransferCoding:
      return 501;
    case Http1Error::kBadVersion:
      return 505;
    case Http1Error::kNone:
      return 200;
    default:
      return 400;
  }
}

const char* Http1ErrorName(Http1Error error) {
  switch (error) {
    case Http1Error::kNone:
      return "kNone";
    case Http1Error::kBadRequestLine:
      return "kBadRequestLine";
    case Http1Error::kRequestLineTooLong:
      return "kRequestLineTooLong";
    case Http1Error::kBadVersion:
      return "kBadVersion";
    case Http1Error::kBareCr:
      return "kBareCr";
    case Http1Error::kBareLf:
      return "kBareLf";
    case Http1Error::kObsFold:
      return "kObsFold";
    case Http1Error::kWhitespaceBeforeColon:
      return "kWhitespaceBeforeColon";
    case Http1Error::kBadHeaderName:
      return "kBadHeaderName";
    case Http1Error::kBadHeaderValue:
      return "kBadHeaderValue";
    case Http1Error::kTooManyHeaders:
      return "kTooManyHeaders";
    case Http1Error::kHeadersTooLarge:
      return "kHeadersTooLarge";
    case Http1Error::kBadHost:
      return "kBadHost";
    case Http1Error::kBadContentLength:
      return "kBadContentLength";
    case Http1Error::kConflictingContentLength:
      return "kConflictingContentLength";
    case Http1Error::kContentLengthWithTransferEncoding:
      return "kContentLengthWithTransferEncoding";
    case Http1Error::kBadTransferEncoding:
      return "kBadTransferEncoding";
    case Http1Error::kUnknownTransferCoding:
      return "kUnknownTransferCoding";
    case Http1Error::kBodyTooLarge:
      return "kBodyTooLarge";
    case Http1Error::kBadChunk:
      return "kBadChunk";
    case Http1Error::kTooManyEmptyLines:
      return "kTooManyEmptyLines";
  }
  return "?";
}

void Http1Visitor::OnH2cUpgrade(RequestHead head, std::string /*http2_settings*/) {
  OnRequestHead(std::move(head));
}

// ---- Parser ----

bool Http1Parser::in_body() const {
  return state_ == State::kBodyIdentity || state_ == State::kChunkSize ||
         state_ == State::kChunkData || state_ == State::kChunkDataEnd ||
         state_ == State::kTrailers;
}

void Http1Parser::NextMessage() {
  H2_DCHECK(state_ == State::kDone);
  if (state_ != State::kDone) return;
  state_ = State::kRequestLine;
  line_.clear();
  empty_lines_ = 0;
  section_bytes_ = 0;
  head_ = RequestHead{};
  trailers_.clear();
  remaining_ = 0;
  body_total_ = 0;
  crlf_seen_ = 0;
}

void Http1Parser::Fail(Http1Error error, Http1Visitor& visitor) {
  state_ = State::kError;
  error_ = error;
  line_.clear();
  line_.shrink_to_fit();
  visitor.OnError(error);
}

bool Http1Parser::TakeLine(std::span<const uint8_t> input, size_t* pos, size_t limit,
                           Http1Error too_long) {
  const uint8_t* start = input.data() + *pos;
  size_t available = input.size() - *pos;
  const void* lf = std::memchr(start, '\n', available);
  size_t take =
      lf != nullptr ? static_cast<size_t>(static_cast<const uint8_t*>(lf) - start) + 1 : available;
  // A complete line is content + CRLF; anything longer than limit + 2 cannot be valid, so it
  // is rejected before it is buffered.
  if (line_.size() + take > limit + 2) {
    error_ = too_long;
    return false;
  }
  line_.append(reinterpret_cast<const char*>(start), take);
  *pos += take;
  if (lf == nullptr) return false;
  if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
    error_ = Http1Error::kBareLf;  // RFC 9112 §2.2: we require CRLF.
    return false;
  }
  line_.resize(line_.size() - 2);
  if (line_.find('\r') != std::string::npos) {
    error_ = Http1Error::kBareCr;  // RFC 9112 §2.2: a bare CR is invalid.
    return false;
  }
  return true;
}

bool Http1Parser::ParseRequestLine(std::string_view line, Http1Error* error) {
  *error = Http1Error::kBadRequestLine;
  // request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single spaces.
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  std::string_view method = line.substr(0, sp1);
  std::string_view rest = line.substr(sp1 + 1);
  size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos) return false;
  std::string_view target = rest.substr(0, sp2);
  std::string_view version = rest.substr(sp2 + 1);
  if (!IsToken(method) || target.empty()) return false;

  // HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 §2.3).
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !IsDigit(version[5]) ||
      version[6] != '.' || !IsDigit(version[7])) {
    return false;
  }
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    *error = Http1Error::kBadVersion;
    return false;
  }
  head_.version_minor = version[7] - '0';

  for (char c : target) {
    if (!IsTargetChar(static_cast<unsigned char>(c))) return false;
  }
  head_.method = std::string(method);
  head_.target = std::string(target);
  // The four request-target forms (RFC 9112 §3.2).
  if (target.front() == '/') {
    SplitPathQuery(target, &head_);
  } else if (target == "*") {
    if (method != "OPTIONS") return false;
    head_.path = "*";
  } else if (method == "CONNECT") {
    if (!IsValidHost(target) || target.find('@') != std::string_view::npos) return false;
    head_.authority = std::string(target);
  } else {
    size_t colon = target.find("://");
    if (colon == std::string_view::npos || colon == 0) return false;
    for (size_t i = 0; i < colon; ++i) {
      if (!IsSchemeChar(target[i], i == 0)) return false;
    }
    head_.scheme = AsciiLower(target.substr(0, colon));
    std::string_view after = target.substr(colon + 3);
    size_t end = after.find_first_of("/?");
    std::string_view authority = after.substr(0, end);
    if (authority.empty() || !IsValidHost(authority)) return false;
    head_.authority = std::string(authority);
    std::string_view path_query =
        end == std::string_view::npos ? std::string_view() : after.substr(end);
    SplitPathQuery(path_query, &head_);
    if (head_.path.empty()) head_.path = "/";
  }
  *error = Http1Error::kNone;
  return true;
}

Http1Error Http1Parser::ParseFieldLine(std::string_view line, Headers* out) {
  if (line.front() == ' ' || line.front() == '\t') return Http1Error::kObsFold;  // §5.2
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return Http1Error::kBadHeaderName;
  std::string_view name = line.substr(0, colon);
  if (name.back() == ' ' || name.back() == '\t') return Http1Error::kWhitespaceBeforeColon;
  if (!IsToken(name)) return Http1Error::kBadHeaderName;
  std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsValidFieldValue(value)) return Http1Error::kBadHeaderValue;
  if (out->size() >= limits_.max_header_count) return Http1Error::kTooManyHeaders;
  out->Add(name, value);
  return Http1Error::kNone;
}

Http1Error Http1Parser::FinishHead() {
  Headers& h = head_.headers;
  bool http11 = head_.version_minor == 1;

  // Host (RFC 9112 §3.2): exactly one in HTTP/1.1, at most one in HTTP/1.0.
  std::vector<std::string_view> hosts = h.GetAll("host");
  if ((http11 && hosts.size() != 1) || hosts.size() > 1) return Http1Error::kBadHost;
  if (!hosts.empty()) {
    if (!IsValidHost(hosts[0])) return Http1Error::kBadHost;
    // An absolute-form target's authority replaces Host (RFC 9112 §3.2.2).
    if (head_.authority.empty()) head_.authority = std::string(hosts[0]);
  }

  // Message body length (RFC 9112 §6.1, §6.3).
  bool has_te = h.Has("transfer-encoding");
  bool has_cl = h.Has("content-length");
  if (has_te) {
    if (has_cl) return Http1Error::kContentLengthWithTransferEncoding;
    if (!http11) return Http1Error::kBadTransferEncoding;
    bool unknown = false;
    size_t chunked_count = 0;
    bool chunked_last = false;
    size_t codings = 0;
    for (std::string_view value : h.GetAll("transfer-encoding")) {
      ForEachListElement(value, [&](std::string_view coding) {
        ++codings;
        // A coding may carry parameters (";q=..."); only its name matters here.
        std::string_view name = TrimOws(coding.substr(0, coding.find(';')));
        if (EqualsIgnoreCase(name, "chunked")) {
          ++chunked_count;
          chunked_last = true;
        } else {
          unknown = true;
          chunked_last = false;
        }
      });
    }
    if (unknown) return Http1Error::kUnknownTransferCoding;
    if (codings == 0 || chunked_count != 1 || !chunked_last) {
      return Http1Error::kBadTransferEncoding;
    }
    head_.framing = BodyFraming::kChunked;
  } else if (has_cl) {
    std::optional<uint64_t> length;
    bool bad = false;
    bool conflict = false;
    size_t elements = 0;
    for (std::string_view value : h.GetAll("content-length")) {
      if (value.empty()) bad = true;
      ForEachListElement(value, [&](std::string_view element) {
        ++elements;
        uint64_t v = 0;
        if (!ParseDecimal(element, &v)) {
          bad = true;
        } else if (length.has_value() && *length != v) {
          conflict = true;
        } else {
          length = v;
        }
      });
    }
    if (bad || elements == 0) return Http1Error::kBadContentLength;
    if (conflict) return Http1Error::kConflictingContentLength;
    if (*length > limits_.max_body_bytes) return Http1Error::kBodyTooLarge;
    head_.content_length = *length;
    head_.framing = *length > 0 ? BodyFraming::kContentLength : BodyFraming::kNone;
  }

  // Persistence (RFC 9112 §9.3).
  if (h.HasToken("connection", "close")) {
    head_.keep_alive = false;
  } else {
    head_.keep_alive = http11 || h.HasToken("connection", "keep-alive");
  }
  // 100-continue is an HTTP/1.1 feature (RFC 9110 §10.1.1).
  if (http11) {
    std::optional<std::string_view> expect = h.Get("expect");
    head_.expect_continue = expect && EqualsIgnoreCase(*expect, "100-continue");
  }
  head_.te_trailers = h.HasToken("te", "trailers");
  return Http1Error::kNone;
}

Http1Error Http1Parser::ParseChunkSize(std::string_view line) {
  // chunk = chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1); extensions are skipped.
  size_t i = 0;
  uint64_t size = 0;
  while (i < line.size() && HexValue(line[i]) >= 0) {
    if (size > (UINT64_MAX >> 4)) return Http1Error::kBadChunk;
    size = (size << 4) | static_cast<uint64_t>(HexValue(line[i]));
    ++i;
  }
  if (i == 0) return Http1Error::kBadChunk;
  std::string_view ext = TrimOws(line.substr(i));
  if (!ext.empty() && (ext.front() != ';' || !IsValidFieldValue(ext))) {
    return Http1Error::kBadChunk;
  }
  if (size == 0) {
    state_ = State::kTrailers;
    section_bytes_ = 0;
    return Http1Error::kNone;
  }
  if (size > limits_.max_body_bytes - body_total_) return Http1Error::kBodyTooLarge;
  remaining_ = size;
  state_ = State::kChunkData;
  return Http1Error::kNone;
}

size_t Http1Parser::Parse(std::span<const uint8_t> input, Http1Visitor& visitor) {
  size_t pos = 0;
  while (pos < input.size() || state_ == State::kDone) {
    switch (state_) {
      case State::kDone:
      case State::kError:
        return pos;

      case State::kRequestLine: {
        if (!TakeLine(input, &pos, limits_.max_request_line_bytes,
                      Http1Error::kRequestLineTooLong)) {
          if (error_ != Http1Error::kNone) Fail(error_, visitor);
          break;
        }
        if (line_.empty()) {
          if (++empty_lines_ > limits_.max_leading_empty_lines) {
            Fail(Http1Error::kTooManyEmptyLines, visitor);
          }
          break;
        }
        Http1Error error;
        if (!ParseRequestLine(line_, &error)) {
          Fail(error, visitor);
          break;
        }
        line_.clear();
        section_bytes_ = 0;
        state_ = State::kHeaders;
        break;
      }

      case State::kHeaders:
      case State::kTrailers: {
        size_t budget = limits_.max_header_bytes - section_bytes_;
        if (!TakeLine(input, &pos, budget > 2 ? budget - 2 : 0, Http1Error::kHeadersTooLarge)) {
          if (error_ != Http1Error::kNone) Fail(error_, visitor);
          break;
        }
        bool trailers = state_ == State::kTrailers;
        if (!line_.empty()) {
          section_bytes_ += line_.size() + 2;
          Http1Error error = ParseFieldLine(line_, trailers ? &trailers_ : &head_.headers);
          line_.clear();
          if (error != Http1Error::kNone) Fail(error, visitor);
          break;
        }
        line_.clear();
        if (trailers) {
          state_ = State::kDone;
          visitor.OnMessageComplete(std::move(trailers_));
          trailers_.clear();
          return pos;
        }
        Http1Error error = FinishHead();
        if (error != Http1Error::kNone) {
          Fail(error, visitor);
          break;
        }
        // RFC 7540 §3.2: Upgrade: h2c with Connection: Upgrade, HTTP2-Settings and exactly
        // one HTTP2-Settings field holding a SETTINGS payload.
        std::optional<std::string> settings;
        const Headers& h = head_.headers;
        if (head_.version_minor == 1 && h.HasToken("upgrade", "h2c") &&
            h.HasToken("connection", "upgrade") && h.HasToken("connection", "http2-settings") &&
            h.Count("http2-settings") == 1) {
          settings = DecodeBase64Url(*h.Get("http2-settings"));
          if (settings && settings->size() % 6 != 0) settings.reset();
        }
        switch (head_.framing) {
          case BodyFraming::kNone:
            state_ = State::kDone;
            break;
          case BodyFraming::kContentLength:
            state_ = State::kBodyIdentity;
            remaining_ = head_.content_length;
            break;
          case BodyFraming::kChunked:
            state_ = State::kChunkSize;
            break;
        }
        RequestHead head = std::move(head_);
        head_ = RequestHead{};
        if (settings) {
          visitor.OnH2cUpgrade(std::move(head), std::move(*settings));
        } else {
          visitor.OnRequestHead(std::move(head));
        }
        if (state_ == State::kDone) visitor.OnMessageComplete(Headers{});
        return pos;
      }

      case State::kBodyIdentity:
      case State::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, input.size() - pos));
        std::string_view data(reinterpret_cast<const char*>(input.data()) + pos, n);
        pos += n;
        remaining_ -= n;
        body_total_ += n;
        visitor.OnBody(data);
        if (remaining_ == 0) {
          if (state_ == State::kChunkData) {
            state_ = State::kChunkDataEnd;
            crlf_seen_ = 0;
          } else {
            state_ = State::kDone;
            visitor.OnMessageComplete(Headers{});
            return pos;
          }
        }
        break;
      }

      case State::kChunkDataEnd: {
        char c = static_cast<char>(input[pos++]);
        if (c != "\r\n"[crlf_seen_]) {
          Fail(Http1Error::kBadChunk, visitor);
          break;
        }
        if (++crlf_seen_ == 2) state_ = State::kChunkSize;
        break;
      }

      case State::kChunkSize: {
        if (!TakeLine(input, &pos, limits_.max_chunk_line_bytes, Http1Error::kBadChunk)) {
          if (error_ != Http1Error::kNone) Fail(error_, visitor);
          break;
        }
        Http1Error error = ParseChunkSize(line_);
        line_.clear();
        if (error != Http1Error::kNone) Fail(error, visitor);
        break;
      }
    }
  }
  return pos;
}

std::optional<std::string> DecodeBase64Url(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-') {
      v = 62;
    } else if (c == '_') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// ---- Serializer ----

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 103:
      return "Early Hints";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 421:
      return "Misdirected Request";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

namespace {

void AppendStatusLine(int status, std::string* out) {
  out->append("HTTP/1.1 ");
  out->append(std::to_string(status));
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\n");
}

}  // namespace

Http1ResponseWriter::RequestInfo Http1ResponseWriter::InfoFor(const RequestHead& head) {
  return RequestInfo{head.method == "HEAD", head.version_minor, head.keep_alive, head.te_trailers};
}

void Http1ResponseWriter::WriteInterim(int status, const Headers& headers, OutputQueue& out) {
  H2_DCHECK(status >= 100 && status < 200);
  std::string s;
  AppendStatusLine(status, &s);
  for (const HeaderField& f : headers) {
    if (IsValidFieldForWire(f) && !IsConnectionSpecificHeader(f.name)) AppendFieldLine(f, &s);
  }
  s.append("\r\n");
  out.Append(std::move(s));
}

void Http1ResponseWriter::WriteSwitchingToH2c(OutputQueue& out) {
  out.Append(std::string_view(
      "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n"));
}

void Http1ResponseWriter::Begin(const RequestInfo& request, int status, const Headers& headers,
                                std::optional<uint64_t> body_length, bool has_trailers,
                                OutputQueue& out) {
  if (status < 200 || status > 999) {
    H2_BUG_IF(status < 200);  // interim responses go through WriteInterim
    status = 500;
  }
  bool http11 = request.version_minor >= 1;
  body_allowed_ = !request.head && status != 204 && status != 304;
  keep_alive_ = request.keep_alive && !headers.HasToken("connection", "close");
  length_ = body_length;
  chunked_ = false;
  if (body_allowed_) {
    if (!body_length.has_value()) {
      if (http11) {
        chunked_ = true;
      } else {
        keep_alive_ = false;  // HTTP/1.0: the body ends when the connection does.
      }
    } else if (has_trailers && request.te_trailers && http11) {
      chunked_ = true;  // Trailers need chunked framing (RFC 9112 §7.1.2).
    }
  }
  send_trailers_ = chunked_ && request.te_trailers;

  std::string s;
  AppendStatusLine(status, &s);
  for (const HeaderField& f : headers) {
    if (IsConnectionSpecificHeader(f.name) || f.name == "content-length") continue;
    if (!IsValidFieldForWire(f)) continue;
    AppendFieldLine(f, &s);
  }
  if (chunked_) {
    s.append("transfer-encoding: chunked\r\n");
  } else if (body_length.has_value() && status != 204 && status != 304 &&
             (body_allowed_ || request.head)) {
    // For HEAD, the length a GET would have had (RFC 9110 §8.6).
    s.append("content-length: ");
    s.append(std::to_string(*body_length));
    s.append("\r\n");
  }
  if (!keep_alive_) {
    s.append("connection: close\r\n");
  } else if (!http11) {
    s.append("connection: keep-alive\r\n");
  }
  s.append("\r\n");
  out.Append(std::move(s));
}

void Http1ResponseWriter::Body(std::string_view data, OutputQueue& out) {
  Body(std::string(data), out);
}

void Http1ResponseWriter::Body(std::string&& data, OutputQueue& out) {
  if (!body_allowed_ || data.empty()) return;
  if (chunked_) {
    char size_line[24];
    int n = std::snprintf(size_line, sizeof(size_line), "%zx\r\n", data.size());
    out.Append(std::string_view(size_line, static_cast<size_t>(n)));
    body_sent_ += data.size();
    out.Append(std::move(data));
    out.Append(std::string_view("\r\n"));
    return;
  }
  if (length_.has_value() && data.size() > *length_ - body_sent_) {
    broken_ = true;
    data.resize(static_cast<size_t>(*length_ - body_sent_));
  }
  body_sent_ += data.size();
  out.Append(std::move(data));
}

bool Http1ResponseWriter::Finish(const Headers& trailers, OutputQueue& out) {
  if (!body_allowed_) return !broken_;
  if (chunked_) {
    std::string s = "0\r\n";
    if (send_trailers_) {
      for (const HeaderField& f : trailers) {
        if (IsForbiddenTrailer(f.name) || !IsValidFieldForWire(f)) continue;
        AppendFieldLine(f, &s);
      }
    }
    s.append("\r\n");
    out.Append(std::move(s));
    return !broken_;
  }
  if (length_.has_value() && body_sent_ != *length_) broken_ = true;
  return !broken_;
}

}  // namespace h2engine::server
