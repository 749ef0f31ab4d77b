#include "h2/header_validator.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::h2 {
namespace {

using Field = std::pair<std::string, std::string>;
using Fields = std::vector<Field>;

constexpr HeaderBlockKind kRequest = HeaderBlockKind::kRequest;
constexpr HeaderBlockKind kResponse = HeaderBlockKind::kResponse;
constexpr HeaderBlockKind kRequestTrailers = HeaderBlockKind::kRequestTrailers;
constexpr HeaderBlockKind kResponseTrailers = HeaderBlockKind::kResponseTrailers;
constexpr HeaderBlockKind kAllKinds[] = {kRequest, kResponse, kRequestTrailers, kResponseTrailers};
constexpr HeaderError kOk = HeaderError::kOk;

// Validate runs one block through `v`. It also checks that the error OnField reports is sticky
// and the one EndBlock() returns.
HeaderError Validate(HeaderValidator& v, HeaderBlockKind kind, const Fields& fields,
                     bool end_stream) {
  v.StartBlock(kind, end_stream);
  HeaderError first = kOk;
  for (const auto& [name, value] : fields) {
    HeaderError e = v.OnField(name, value);
    if (first == kOk) first = e;
    EXPECT_EQ(e, first) << "errors are sticky";
  }
  HeaderError end = v.EndBlock();
  if (first != kOk) {
    EXPECT_EQ(end, first);
  }
  EXPECT_EQ(v.error(), end);
  return end;
}

// Default END_STREAM per kind: trailers must end the stream; a request or response may.
bool DefaultEndStream(HeaderBlockKind kind) {
  return kind == kRequestTrailers || kind == kResponseTrailers;
}

HeaderError Validate(HeaderBlockKind kind, const Fields& fields,
                     HeaderValidator::Options options = {}) {
  HeaderValidator v(options);
  return Validate(v, kind, fields, DefaultEndStream(kind));
}

Fields Request(Fields extra = {}) {
  Fields f = {{":method", "GET"},
              {":scheme", "https"},
              {":authority", "example.com"},
              {":path", "/index.html"}};
  f.insert(f.end(), extra.begin(), extra.end());
  return f;
}
Fields Response(std::string status = "200", Fields extra = {}) {
  Fields f = {{":status", std::move(status)}};
  f.insert(f.end(), extra.begin(), extra.end());
  return f;
}
// A block of `kind` that is valid as it is, with `extra` regular fields appended.
Fields ValidBlock(HeaderBlockKind kind, Fields extra = {}) {
  switch (kind) {
    case HeaderBlockKind::kRequest:
      return Request(std::move(extra));
    case HeaderBlockKind::kResponse:
      return Response("200", std::move(extra));
    default:
      return extra;
  }
}

HeaderValidator::Options ExtendedConnect() {
  HeaderValidator::Options o;
  o.enable_connect_protocol = true;
  return o;
}

TEST(HeaderValidatorTest, ValidBlocksOfEveryKind) {
  for (HeaderBlockKind kind : kAllKinds) {
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x-a", "1"}, {"accept", "*/*"}})), kOk);
    EXPECT_EQ(Validate(kind, ValidBlock(kind)), kOk);
  }
}

TEST(HeaderValidatorTest, RequestFacts) {
  HeaderValidator v;
  ASSERT_EQ(Validate(v, kRequest, Request({{"te", "trailers"}, {"content-length", "12"}}), false),
            kOk);
  EXPECT_EQ(v.kind(), kRequest);
  EXPECT_FALSE(v.end_stream());
  EXPECT_EQ(v.method(), RequestMethod::kGet);
  EXPECT_FALSE(v.is_connect());
  EXPECT_FALSE(v.is_extended_connect());
  EXPECT_TRUE(v.has_authority());
  EXPECT_FALSE(v.has_host());
  EXPECT_TRUE(v.te_trailers());
  EXPECT_EQ(v.content_length(), 12u);
  EXPECT_EQ(v.status_code(), 0);

  ASSERT_EQ(
      Validate(v, kRequest,
               {{":method", "HEAD"}, {":scheme", "http"}, {":path", "/"}, {"host", "a"}}, true),
      kOk);
  EXPECT_EQ(v.method(), RequestMethod::kHead);
  EXPECT_TRUE(v.end_stream());
  EXPECT_FALSE(v.has_authority());
  EXPECT_TRUE(v.has_host());
  EXPECT_FALSE(v.te_trailers());
  EXPECT_FALSE(v.content_length().has_value());

  for (auto [method, kind] : {std::pair{"OPTIONS", RequestMethod::kOptions},
                              {"POST", RequestMethod::kOther},
                              {"get", RequestMethod::kOther},  // Methods are case-sensitive.
                              {"GET", RequestMethod::kGet}}) {
    ASSERT_EQ(
        Validate(v, kRequest,
                 {{":method", method}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"}},
                 false),
        kOk);
    EXPECT_EQ(v.method(), kind) << method;
  }
}

// --- RFC 9113 §8.2.1 field validity ---

TEST(HeaderValidatorTest, FieldNameCharacters_Rfc9113Section8_2_1) {
  // A name may hold exactly RFC 9110's tchar, lowercase only.
  const std::string lower_tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
  for (int c = 0; c < 256; ++c) {
    std::string name = std::string("x") + static_cast<char>(c) + "y";
    HeaderError want = kOk;
    if (c >= 'A' && c <= 'Z') {
      want = HeaderError::kUppercaseFieldName;
    } else if (lower_tchar.find(static_cast<char>(c)) == std::string::npos) {
      want = HeaderError::kInvalidFieldName;
    }
    for (HeaderBlockKind kind : kAllKinds) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{name, "v"}})), want) << "byte " << c;
    }
  }
}

TEST(HeaderValidatorTest, FieldNameEdgeCases_Rfc9113Section8_2_1) {
  for (HeaderBlockKind kind : kAllKinds) {
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"", "v"}})), HeaderError::kEmptyFieldName);
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"Content-Type", "a"}})),
              HeaderError::kUppercaseFieldName);
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"a:b", "v"}})), HeaderError::kInvalidFieldName);
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"a b", "v"}})), HeaderError::kInvalidFieldName);
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"caf\xc3\xa9", "v"}})),
              HeaderError::kInvalidFieldName);
    EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x-", ""}})), kOk);
  }
  // Pseudo-header names are held to the same rules after the colon.
  EXPECT_EQ(Validate(kRequest, {{":Method", "GET"}}), HeaderError::kUppercaseFieldName);
  EXPECT_EQ(Validate(kRequest, {{":me thod", "GET"}}), HeaderError::kInvalidFieldName);
  EXPECT_EQ(Validate(kRequest, {{"::path", "/"}}), HeaderError::kInvalidFieldName);
}

TEST(HeaderValidatorTest, FieldValueCharacters_Rfc9113Section8_2_1) {
  HeaderValidator::Options strict;
  strict.strict_field_values = true;
  for (int c = 0; c < 256; ++c) {
    std::string value = std::string("a") + static_cast<char>(c) + "b";
    HeaderError want = (c == 0 || c == '\r' || c == '\n') ? HeaderError::kInvalidFieldValue : kOk;
    HeaderError want_strict =
        ((c < 0x20 && c != '\t') || c == 0x7f) ? HeaderError::kInvalidFieldValue : kOk;
    for (HeaderBlockKind kind : kAllKinds) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x", value}})), want) << "byte " << c;
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x", value}}), strict), want_strict)
          << "byte " << c;
    }
  }
  // NUL, CR and LF at the edges too, and in pseudo-header values.
  EXPECT_EQ(Validate(kRequest, Request({{"x", std::string(1, '\0')}})),
            HeaderError::kInvalidFieldValue);
  EXPECT_EQ(Validate(kRequest, Request({{"x", "a\r"}})), HeaderError::kInvalidFieldValue);
  EXPECT_EQ(Validate(kRequest, Request({{"x", "\na"}})), HeaderError::kInvalidFieldValue);
  EXPECT_EQ(Validate(kRequest, {{":method", "GET"}, {":path", "/a\r\nx: y"}}),
            HeaderError::kInvalidFieldValue);
  EXPECT_EQ(Validate(kResponse, {{":status", "200\n"}}), HeaderError::kInvalidFieldValue);
}

TEST(HeaderValidatorTest, FieldValueWhitespace_Rfc9113Section8_2_1) {
  for (HeaderBlockKind kind : kAllKinds) {
    for (const char* bad : {" a", "a ", "\ta", "a\t", " ", "\t", "  a  "}) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x", bad}})), HeaderError::kFieldValueWhitespace)
          << "'" << bad << "'";
    }
    for (const char* good : {"a b", "a\tb", "", "a  \t b"}) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"x", good}})), kOk) << "'" << good << "'";
    }
  }
  EXPECT_EQ(Validate(kRequest, {{":method", "GET "}}), HeaderError::kFieldValueWhitespace);
  EXPECT_EQ(Validate(kResponse, {{":status", " 200"}}), HeaderError::kFieldValueWhitespace);
}

// --- RFC 9113 §8.2.2 connection-specific fields ---

TEST(HeaderValidatorTest, ConnectionSpecificFields_Rfc9113Section8_2_2) {
  for (const char* name :
       {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"}) {
    for (HeaderBlockKind kind : kAllKinds) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{name, "close"}})),
                HeaderError::kConnectionSpecificField)
          << name;
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{name, ""}})),
                HeaderError::kConnectionSpecificField)
          << name;
    }
  }
  // Look-alikes are ordinary fields.
  for (const char* name : {"connections", "keep-alive2", "x-upgrade", "transfer-encodings",
                           "upgrade-insecure-requests", "proxy-connectio"}) {
    EXPECT_EQ(Validate(kRequest, Request({{name, "1"}})), kOk) << name;
  }
}

TEST(HeaderValidatorTest, TeOnlyTrailersOnlyInRequests_Rfc9113Section8_2_2) {
  for (const char* good : {"trailers", "Trailers", "TRAILERS"}) {
    EXPECT_EQ(Validate(kRequest, Request({{"te", good}})), kOk) << good;
    EXPECT_EQ(Validate(kRequestTrailers, {{"te", good}}), kOk) << good;
  }
  for (const char* bad :
       {"gzip", "trailers, gzip", "gzip, trailers", "trailers;q=1", "", "trailer", "trailersx"}) {
    EXPECT_EQ(Validate(kRequest, Request({{"te", bad}})), HeaderError::kInvalidTe) << bad;
    EXPECT_EQ(Validate(kRequestTrailers, {{"te", bad}}), HeaderError::kInvalidTe) << bad;
  }
  EXPECT_EQ(Validate(kResponse, Response("200", {{"te", "trailers"}})),
            HeaderError::kConnectionSpecificField);
  EXPECT_EQ(Validate(kResponseTrailers, {{"te", "trailers"}}),
            HeaderError::kConnectionSpecificField);
}

// --- RFC 9113 §8.3 pseudo-header fields ---

TEST(HeaderValidatorTest, PseudoHeadersComeFirst_Rfc9113Section8_3) {
  EXPECT_EQ(Validate(kRequest, {{":method", "GET"},
                                {":scheme", "https"},
                                {"a", "b"},
                                {":authority", "x"},
                                {":path", "/"}}),
            HeaderError::kPseudoHeaderAfterRegularField);
  EXPECT_EQ(Validate(kRequest, {{"a", "b"}, {":method", "GET"}}),
            HeaderError::kPseudoHeaderAfterRegularField);
  EXPECT_EQ(Validate(kResponse, {{"a", "b"}, {":status", "200"}}),
            HeaderError::kPseudoHeaderAfterRegularField);
  // Even an unknown pseudo-header after a regular field is reported as out of place.
  EXPECT_EQ(Validate(kResponse, {{":status", "200"}, {"a", "b"}, {":x", "y"}}),
            HeaderError::kPseudoHeaderAfterRegularField);
  // Any order among pseudo-headers is fine.
  EXPECT_EQ(
      Validate(kRequest,
               {{":path", "/"}, {":authority", "x"}, {":scheme", "http"}, {":method", "GET"}}),
      kOk);
}

TEST(HeaderValidatorTest, OnlyDefinedPseudoHeaders_Rfc9113Section8_3) {
  for (const char* name : {":foo", ":", ":methods", ":statuses", ":host", ":protocolx"}) {
    EXPECT_EQ(Validate(kRequest, {{":method", "GET"}, {name, "x"}}),
              HeaderError::kUnknownPseudoHeader)
        << name;
    EXPECT_EQ(Validate(kResponse, {{":status", "200"}, {name, "x"}}),
              HeaderError::kUnknownPseudoHeader)
        << name;
  }
}

TEST(HeaderValidatorTest, PseudoHeadersOnlyInTheirMessage_Rfc9113Section8_3) {
  for (const char* name : {":method", ":scheme", ":authority", ":path", ":protocol"}) {
    EXPECT_EQ(Validate(kResponse, {{":status", "200"}, {name, "x"}}),
              HeaderError::kPseudoHeaderInWrongMessage)
        << name;
    EXPECT_EQ(Validate(kResponse, {{":status", "200"}, {name, "x"}}, ExtendedConnect()),
              HeaderError::kPseudoHeaderInWrongMessage)
        << name;
  }
  Fields with_status = {{":status", "200"}, {":method", "GET"}};
  EXPECT_EQ(Validate(kRequest, with_status), HeaderError::kPseudoHeaderInWrongMessage);
}

TEST(HeaderValidatorTest, NoPseudoHeadersInTrailers_Rfc9113Section8_1) {
  for (HeaderBlockKind kind : {kRequestTrailers, kResponseTrailers}) {
    for (const char* name :
         {":method", ":scheme", ":authority", ":path", ":status", ":protocol", ":foo"}) {
      EXPECT_EQ(Validate(kind, {{name, "x"}}), HeaderError::kPseudoHeaderInTrailers) << name;
    }
  }
}

TEST(HeaderValidatorTest, NoDuplicatePseudoHeaders_Rfc9113Section8_3) {
  for (const char* name : {":method", ":scheme", ":authority", ":path"}) {
    Fields f = Request();
    for (const Field& field : Request()) {
      if (field.first == name) f.insert(f.begin(), field);
    }
    EXPECT_EQ(Validate(kRequest, f), HeaderError::kDuplicatePseudoHeader) << name;
  }
  EXPECT_EQ(
      Validate(kRequest,
               {{":method", "CONNECT"}, {":protocol", "websocket"}, {":protocol", "websocket"}},
               ExtendedConnect()),
      HeaderError::kDuplicatePseudoHeader);
  EXPECT_EQ(Validate(kResponse, {{":status", "200"}, {":status", "200"}}),
            HeaderError::kDuplicatePseudoHeader);
}

// --- RFC 9113 §8.3.1 requests ---

TEST(HeaderValidatorTest, RequestsNeedMethodSchemePath_Rfc9113Section8_3_1) {
  EXPECT_EQ(Validate(kRequest, {{":scheme", "https"}, {":authority", "a"}, {":path", "/"}}),
            HeaderError::kMissingMethod);
  EXPECT_EQ(Validate(kRequest, {{":method", "GET"}, {":authority", "a"}, {":path", "/"}}),
            HeaderError::kMissingScheme);
  EXPECT_EQ(Validate(kRequest, {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}}),
            HeaderError::kMissingPath);
  EXPECT_EQ(Validate(kRequest, {}), HeaderError::kMissingMethod);
  EXPECT_EQ(Validate(kRequest, {{"host", "a"}}), HeaderError::kMissingMethod);
}

TEST(HeaderValidatorTest, MethodIsAToken) {
  for (const char* bad : {"", "GE T", "GET/", "G\"ET", "(GET)", "G\xc3\xa9T"}) {
    EXPECT_EQ(Validate(kRequest, {{":method", bad}}), HeaderError::kInvalidMethod) << bad;
  }
  for (const char* good : {"PATCH", "M-SEARCH", "x!#$%&'*+-.^_`|~9"}) {
    EXPECT_EQ(
        Validate(kRequest,
                 {{":method", good}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"}}),
        kOk)
        << good;
  }
}

TEST(HeaderValidatorTest, SchemeSyntax_Rfc3986Section3_1) {
  for (const char* bad : {"", "1http", "ht tp", "http:", "-x", "h_t"}) {
    EXPECT_EQ(Validate(kRequest, {{":scheme", bad}}), HeaderError::kInvalidScheme) << bad;
  }
  for (const char* good : {"http", "HTTPS", "coap+tcp", "a.b-c", "x1"}) {
    EXPECT_EQ(
        Validate(kRequest,
                 {{":method", "GET"}, {":scheme", good}, {":authority", "a"}, {":path", "/"}}),
        kOk)
        << good;
  }
}

TEST(HeaderValidatorTest, PathRules_Rfc9113Section8_3_1) {
  auto with = [](const char* method, const char* scheme, const char* path) {
    return Validate(
        kRequest, {{":method", method}, {":scheme", scheme}, {":authority", "a"}, {":path", path}});
  };
  EXPECT_EQ(with("GET", "https", "/"), kOk);
  EXPECT_EQ(with("GET", "http", "/a?b=c"), kOk);
  EXPECT_EQ(with("GET", "https", "//x"), kOk);
  EXPECT_EQ(with("GET", "https", ""), HeaderError::kInvalidPath);
  EXPECT_EQ(with("GET", "https", "a/b"), HeaderError::kInvalidPath);
  EXPECT_EQ(with("GET", "http", "?q"), HeaderError::kInvalidPath);
  EXPECT_EQ(with("GET", "https", "http://a/b"), HeaderError::kInvalidPath);
  // "*" only for OPTIONS (RFC 9110 §7.1 asterisk-form).
  EXPECT_EQ(with("OPTIONS", "https", "*"), kOk);
  EXPECT_EQ(with("OPTIONS", "https", "/"), kOk);
  EXPECT_EQ(with("GET", "https", "*"), HeaderError::kInvalidPath);
  EXPECT_EQ(with("options", "https", "*"), HeaderError::kInvalidPath);
  EXPECT_EQ(with("OPTIONS", "https", "*x"), HeaderError::kInvalidPath);
  EXPECT_EQ(with("OPTIONS", "foo", "*"), kOk);
  EXPECT_EQ(with("GET", "foo", "*"), HeaderError::kInvalidPath);
  // Other schemes: any non-empty path.
  EXPECT_EQ(with("GET", "foo", "a/b"), kOk);
  EXPECT_EQ(with("GET", "foo", ""), HeaderError::kInvalidPath);
}

TEST(HeaderValidatorTest, AuthoritySyntax_Rfc9113Section8_3_1) {
  auto with = [](const char* scheme, const char* authority) {
    return Validate(
        kRequest,
        {{":method", "GET"}, {":scheme", scheme}, {":authority", authority}, {":path", "/"}});
  };
  for (const char* good :
       {"example.com", "example.com:8443", "EXAMPLE.com:", "127.0.0.1:80", "[::1]", "[::1]:443",
        "[v1.x]", "a%20b", "x-y_z~!$&'()*+,;=", "example.com:0"}) {
    EXPECT_EQ(with("https", good), kOk) << good;
  }
  for (const char* bad :
       {"exa mple.com", "example.com/", "a/b", "example.com:80a", "a:1:2", "[::1", "[]", "[::1]x",
        "[::1]:x", "a%2", "a%zz", "a#b", "a?b", "a\"b", "[a]b]", "a]"}) {
    EXPECT_EQ(with("https", bad), HeaderError::kInvalidAuthority) << bad;
    EXPECT_EQ(with("foo", bad), HeaderError::kInvalidAuthority) << bad;
  }
  // Userinfo: never for http or https; allowed by the syntax for other schemes.
  EXPECT_EQ(with("https", "user@example.com"), HeaderError::kInvalidAuthority);
  EXPECT_EQ(with("http", "user:pw@example.com"), HeaderError::kInvalidAuthority);
  EXPECT_EQ(with("http", "@example.com"), HeaderError::kInvalidAuthority);
  EXPECT_EQ(with("foo", "user:pw@example.com"), kOk);
  EXPECT_EQ(with("foo", "a@b@c"), HeaderError::kInvalidAuthority);
  // http(s) URIs have a host (RFC 9110 §4.2.1).
  EXPECT_EQ(with("https", ""), HeaderError::kInvalidAuthority);
  EXPECT_EQ(with("https", ":443"), HeaderError::kInvalidAuthority);
  EXPECT_EQ(with("foo", ""), kOk);
}

TEST(HeaderValidatorTest, HttpRequestsNameAHost_Rfc9110Section7_2) {
  Fields no_authority = {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}};
  EXPECT_EQ(Validate(kRequest, no_authority), HeaderError::kMissingAuthority);
  Fields with_host = no_authority;
  with_host.push_back({"host", "example.com"});
  EXPECT_EQ(Validate(kRequest, with_host), kOk);
  HeaderValidator::Options lenient;
  lenient.require_authority_for_http = false;
  EXPECT_EQ(Validate(kRequest, no_authority, lenient), kOk);
  // Other schemes need no authority.
  EXPECT_EQ(Validate(kRequest, {{":method", "GET"}, {":scheme", "foo"}, {":path", "/"}}), kOk);
}

TEST(HeaderValidatorTest, HostMustMatchAuthority_Rfc9113Section8_3_1) {
  auto with = [](const char* scheme, const char* authority, const char* host,
                 HeaderValidator::Options options = {}) {
    return Validate(kRequest,
                    {{":method", "GET"},
                     {":scheme", scheme},
                     {":authority", authority},
                     {":path", "/"},
                     {"host", host}},
                    options);
  };
  EXPECT_EQ(with("https", "example.com", "example.com"), kOk);
  // Scheme-based normalization (RFC 3986 §6.2.3): case, empty and default ports.
  EXPECT_EQ(with("https", "example.com", "EXAMPLE.Com"), kOk);
  EXPECT_EQ(with("https", "example.com", "example.com:443"), kOk);
  EXPECT_EQ(with("https", "example.com:443", "example.com"), kOk);
  EXPECT_EQ(with("https", "example.com:", "example.com"), kOk);
  EXPECT_EQ(with("http", "example.com", "example.com:80"), kOk);
  EXPECT_EQ(with("https", "example.com:8443", "example.com:08443"), kOk);
  EXPECT_EQ(with("https", "[::1]", "[::1]:443"), kOk);
  EXPECT_EQ(with("foo", "example.com:", "example.com"), kOk);
  // Different entities.
  EXPECT_EQ(with("https", "example.com", "example.org"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com", "example.com:80"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("http", "example.com", "example.com:443"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com:8443", "example.com"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("foo", "example.com:443", "example.com"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com", "example.com.evil"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com", ""), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com", "u@example.com"), HeaderError::kHostAuthorityMismatch);
  EXPECT_EQ(with("https", "example.com", "example.com/x"), HeaderError::kHostAuthorityMismatch);
  // The check can be turned off.
  HeaderValidator::Options off;
  off.check_host_matches_authority = false;
  EXPECT_EQ(with("https", "example.com", "example.org", off), kOk);
  // Host in other kinds of block means nothing special.
  EXPECT_EQ(Validate(kResponse, Response("200", {{"host", "x"}, {"host", "y"}})), kOk);
}

TEST(HeaderValidatorTest, DuplicateHostIsMalformedByPolicy) {
  Fields two_hosts = {{":method", "GET"},
                      {":scheme", "https"},
                      {":path", "/"},
                      {"host", "a.example"},
                      {"host", "b.example"}};
  EXPECT_EQ(Validate(kRequest, two_hosts), HeaderError::kDuplicateHost);
  Fields same_twice = Request({{"host", "example.com"}, {"host", "example.com"}});
  EXPECT_EQ(Validate(kRequest, same_twice), HeaderError::kDuplicateHost);
  HeaderValidator::Options allow;
  allow.reject_duplicate_host = false;
  EXPECT_EQ(Validate(kRequest, same_twice, allow), kOk);
  // Each Host is still compared with :authority.
  EXPECT_EQ(Validate(kRequest, Request({{"host", "example.com"}, {"host", "evil"}}), allow),
            HeaderError::kHostAuthorityMismatch);
}

// --- RFC 9113 §8.5 CONNECT and RFC 8441 §4 extended CONNECT ---

TEST(HeaderValidatorTest, Connect_Rfc9113Section8_5) {
  HeaderValidator v;
  ASSERT_EQ(
      Validate(v, kRequest, {{":method", "CONNECT"}, {":authority", "example.com:443"}}, false),
      kOk);
  EXPECT_TRUE(v.is_connect());
  EXPECT_FALSE(v.is_extended_connect());
  EXPECT_EQ(v.method(), RequestMethod::kConnect);
  EXPECT_EQ(Validate(kRequest, {{":method", "CONNECT"}, {":authority", "[::1]:22"}}), kOk);

  EXPECT_EQ(Validate(kRequest, {{":method", "CONNECT"}}), HeaderError::kMissingAuthority);
  EXPECT_EQ(
      Validate(kRequest,
               {{":method", "CONNECT"}, {":scheme", "https"}, {":authority", "example.com:443"}}),
      HeaderError::kConnectWithSchemeOrPath);
  EXPECT_EQ(Validate(kRequest,
                     {{":method", "CONNECT"}, {":path", "/"}, {":authority", "example.com:443"}}),
            HeaderError::kConnectWithSchemeOrPath);
  // authority-form: host ":" port, both non-empty, no userinfo.
  for (const char* bad : {"example.com", "example.com:", ":443", "u@example.com:443", ""}) {
    EXPECT_EQ(Validate(kRequest, {{":method", "CONNECT"}, {":authority", bad}}),
              HeaderError::kInvalidAuthority)
        << bad;
  }
  // Host must still agree with :authority (no scheme: no default port).
  EXPECT_EQ(Validate(kRequest, {{":method", "CONNECT"},
                                {":authority", "example.com:443"},
                                {"host", "example.com:443"}}),
            kOk);
  EXPECT_EQ(Validate(kRequest, {{":method", "CONNECT"},
                                {":authority", "example.com:443"},
                                {"host", "example.com"}}),
            HeaderError::kHostAuthorityMismatch);
}

TEST(HeaderValidatorTest, ExtendedConnect_Rfc8441Section4) {
  Fields websocket = {{":method", "CONNECT"},
                      {":protocol", "websocket"},
                      {":scheme", "https"},
                      {":path", "/chat"},
                      {":authority", "server.example.com"},
                      {"sec-websocket-protocol", "chat, superchat"},
                      {"sec-websocket-version", "13"},
                      {"origin", "http://www.example.com"}};
  HeaderValidator v(ExtendedConnect());
  ASSERT_EQ(Validate(v, kRequest, websocket, false), kOk);
  EXPECT_TRUE(v.is_connect());
  EXPECT_TRUE(v.is_extended_connect());

  // Without SETTINGS_ENABLE_CONNECT_PROTOCOL, :protocol is not a pseudo-header we know.
  EXPECT_EQ(Validate(kRequest, websocket), HeaderError::kUnknownPseudoHeader);
  HeaderValidator later;
  EXPECT_EQ(Validate(later, kRequest, websocket, false), HeaderError::kUnknownPseudoHeader);
  later.set_enable_connect_protocol(true);
  EXPECT_EQ(Validate(later, kRequest, websocket, false), kOk);

  auto without = [&](const char* name) {
    Fields f;
    for (const Field& field : websocket) {
      if (field.first != name) f.push_back(field);
    }
    return Validate(kRequest, f, ExtendedConnect());
  };
  EXPECT_EQ(without(":scheme"), HeaderError::kMissingScheme);
  EXPECT_EQ(without(":path"), HeaderError::kMissingPath);
  EXPECT_EQ(without(":authority"), HeaderError::kMissingAuthority);
  EXPECT_EQ(without(":method"), HeaderError::kMissingMethod);

  // :protocol only with CONNECT.
  EXPECT_EQ(Validate(kRequest, Request({})), kOk);
  Fields get_with_protocol = {{":method", "GET"},
                              {":protocol", "websocket"},
                              {":scheme", "https"},
                              {":path", "/"},
                              {":authority", "a"}};
  EXPECT_EQ(Validate(kRequest, get_with_protocol, ExtendedConnect()),
            HeaderError::kProtocolWithoutConnect);
  // The :protocol value is a token; :path and :authority rules still apply.
  Fields bad_protocol = websocket;
  bad_protocol[1].second = "web socket";
  EXPECT_EQ(Validate(kRequest, bad_protocol, ExtendedConnect()), HeaderError::kInvalidProtocol);
  bad_protocol[1].second = "";
  EXPECT_EQ(Validate(kRequest, bad_protocol, ExtendedConnect()), HeaderError::kInvalidProtocol);
  Fields bad_path = websocket;
  bad_path[3].second = "chat";
  EXPECT_EQ(Validate(kRequest, bad_path, ExtendedConnect()), HeaderError::kInvalidPath);
  bad_path[3].second = "*";
  EXPECT_EQ(Validate(kRequest, bad_path, ExtendedConnect()), HeaderError::kInvalidPath);
  // An extended CONNECT's :authority is an ordinary one: no port needed.
  Fields with_host = websocket;
  with_host.push_back({"host", "server.example.com:443"});
  EXPECT_EQ(Validate(kRequest, with_host, ExtendedConnect()), kOk);
}

// --- RFC 9113 §8.3.2, §8.6, §8.1 responses ---

TEST(HeaderValidatorTest, StatusIsThreeDigits_Rfc9113Section8_3_2) {
  for (const char* good : {"100", "103", "199", "200", "204", "304", "404", "599"}) {
    HeaderValidator v;
    EXPECT_EQ(Validate(v, kResponse, {{":status", good}}, false), kOk) << good;
    EXPECT_EQ(v.status_code(), std::stoi(good));
  }
  for (const char* bad :
       {"", "20", "2000", "099", "000", "600", "999", "2x0", "+20", "-20", "20 ", "OK"}) {
    HeaderError e = Validate(kResponse, {{":status", bad}});
    EXPECT_TRUE(e == HeaderError::kInvalidStatus || e == HeaderError::kFieldValueWhitespace)
        << bad << ": " << e;
  }
  EXPECT_EQ(Validate(kResponse, {{"content-type", "text/html"}}), HeaderError::kMissingStatus);
  EXPECT_EQ(Validate(kResponse, {}), HeaderError::kMissingStatus);
}

TEST(HeaderValidatorTest, NoSwitchingProtocols_Rfc9113Section8_6) {
  HeaderValidator v;
  EXPECT_EQ(Validate(v, kResponse, {{":status", "101"}, {"upgrade", "h2c"}}, false),
            HeaderError::kSwitchingProtocols);
  EXPECT_EQ(Validate(v, kResponse, {{":status", "101"}}, false), HeaderError::kSwitchingProtocols);
}

TEST(HeaderValidatorTest, InformationalResponses_Rfc9113Section8_1) {
  HeaderValidator v;
  // 103 Early Hints (RFC 8297 §2) before the final response.
  ASSERT_EQ(
      Validate(v, kResponse, {{":status", "103"}, {"link", "</style.css>; rel=preload"}}, false),
      kOk);
  EXPECT_TRUE(v.is_informational());
  ASSERT_EQ(Validate(v, kResponse, {{":status", "100"}}, false), kOk);
  EXPECT_TRUE(v.is_informational());
  // A 1xx that ends the stream is malformed.
  EXPECT_EQ(Validate(v, kResponse, {{":status", "103"}}, true),
            HeaderError::kInformationalWithEndStream);
  // A final response may end the stream.
  ASSERT_EQ(Validate(v, kResponse, {{":status", "200"}}, true), kOk);
  EXPECT_FALSE(v.is_informational());
  // A 1xx's content-length is not the message's.
  ASSERT_EQ(Validate(v, kResponse, {{":status", "103"}, {"content-length", "5"}}, false), kOk);
  EXPECT_FALSE(v.content_length().has_value());
}

TEST(HeaderValidatorTest, TrailersEndTheStream_Rfc9113Section8_1) {
  HeaderValidator v;
  for (HeaderBlockKind kind : {kRequestTrailers, kResponseTrailers}) {
    EXPECT_EQ(Validate(v, kind, {{"grpc-status", "0"}}, false),
              HeaderError::kTrailersWithoutEndStream);
    EXPECT_EQ(Validate(v, kind, {{"grpc-status", "0"}}, true), kOk);
    EXPECT_EQ(Validate(v, kind, {}, true), kOk);
    // A field error comes first.
    EXPECT_EQ(Validate(v, kind, {{"X", "0"}}, false), HeaderError::kUppercaseFieldName);
  }
}

TEST(HeaderValidatorTest, InboundSequenceServer) {
  HeaderValidator v;
  InboundHeaderSequence seq = InboundHeaderSequence::ForServer();
  ASSERT_EQ(seq.next_kind(), kRequest);
  ASSERT_EQ(Validate(v, seq.next_kind(), Request(), false), kOk);
  seq.OnBlockAccepted(v);
  ASSERT_EQ(seq.next_kind(), kRequestTrailers);
  // The second HEADERS of a request is a trailer section: pseudo-headers there are malformed,
  // and so is a missing END_STREAM.
  EXPECT_EQ(Validate(v, seq.next_kind(), Request(), true), HeaderError::kPseudoHeaderInTrailers);
  EXPECT_EQ(Validate(v, seq.next_kind(), {{"x", "y"}}, false),
            HeaderError::kTrailersWithoutEndStream);
  ASSERT_EQ(Validate(v, seq.next_kind(), {{"x", "y"}}, true), kOk);
  seq.OnBlockAccepted(v);
  EXPECT_EQ(seq.next_kind(), kRequestTrailers);
}

TEST(HeaderValidatorTest, InboundSequenceClient) {
  HeaderValidator v;
  InboundHeaderSequence seq = InboundHeaderSequence::ForClient();
  ASSERT_EQ(seq.next_kind(), kResponse);
  for (const char* interim : {"100", "103", "103"}) {
    ASSERT_EQ(Validate(v, seq.next_kind(), Response(interim), false), kOk);
    seq.OnBlockAccepted(v);
    ASSERT_EQ(seq.next_kind(), kResponse) << interim;
  }
  ASSERT_EQ(Validate(v, seq.next_kind(), Response("200"), false), kOk);
  seq.OnBlockAccepted(v);
  ASSERT_EQ(seq.next_kind(), kResponseTrailers);
  EXPECT_EQ(Validate(v, seq.next_kind(), Response("200"), true),
            HeaderError::kPseudoHeaderInTrailers);
  ASSERT_EQ(Validate(v, seq.next_kind(), {{"grpc-status", "0"}}, true), kOk);
}

// --- RFC 9113 §8.1.1 content-length ---

TEST(HeaderValidatorTest, ContentLengthSyntax_Rfc9113Section8_1_1) {
  for (HeaderBlockKind kind : {kRequest, kResponse}) {
    for (auto [value, want] : std::vector<std::pair<const char*, uint64_t>>{
             {"0", 0}, {"5", 5}, {"007", 7}, {"9999999999999999999", 9999999999999999999u}}) {
      HeaderValidator v;
      ASSERT_EQ(Validate(v, kind, ValidBlock(kind, {{"content-length", value}}), false), kOk)
          << value;
      EXPECT_EQ(v.content_length(), want);
    }
    for (const char* bad : {"", "-1", "+1", "1.0", "1,1", "1, 1", "0x10", "1 1", "a",
                            "10000000000000000000", "18446744073709551616"}) {
      EXPECT_EQ(Validate(kind, ValidBlock(kind, {{"content-length", bad}})),
                HeaderError::kInvalidContentLength)
          << bad;
    }
    // Repeated: equal values are one value; different ones conflict.
    HeaderValidator v;
    ASSERT_EQ(
        Validate(v, kind, ValidBlock(kind, {{"content-length", "10"}, {"content-length", "010"}}),
                 false),
        kOk);
    EXPECT_EQ(v.content_length(), 10u);
    EXPECT_EQ(
        Validate(kind, ValidBlock(kind, {{"content-length", "10"}, {"content-length", "11"}})),
        HeaderError::kConflictingContentLength);
  }
  // In trailers, content-length is not interpreted.
  EXPECT_EQ(Validate(kRequestTrailers, {{"content-length", "abc"}}), kOk);
}

HeaderValidator AcceptedResponse(const char* status, Fields extra = {}) {
  HeaderValidator v;
  EXPECT_EQ(Validate(v, kResponse, Response(status, std::move(extra)), false), kOk);
  return v;
}

TEST(ContentLengthTrackerTest, ExactLength_Rfc9113Section8_1_1) {
  ContentLengthTracker t = ContentLengthTracker::Expecting(10);
  EXPECT_EQ(t.expected(), 10u);
  EXPECT_EQ(t.OnData(4), kOk);
  EXPECT_EQ(t.OnEndStream(), HeaderError::kContentLengthMismatch);  // 4 of 10.
  EXPECT_EQ(t.OnData(0), kOk);
  EXPECT_EQ(t.OnData(6), kOk);
  EXPECT_EQ(t.received(), 10u);
  EXPECT_EQ(t.OnEndStream(), kOk);
  EXPECT_EQ(t.OnData(1), HeaderError::kContentLengthMismatch);  // One too many, at once.

  ContentLengthTracker huge = ContentLengthTracker::Expecting(5);
  EXPECT_EQ(huge.OnData(UINT64_MAX), HeaderError::kContentLengthMismatch);
  ContentLengthTracker zero = ContentLengthTracker::Expecting(0);
  EXPECT_EQ(zero.OnEndStream(), kOk);
  EXPECT_EQ(zero.OnData(1), HeaderError::kContentLengthMismatch);
}

TEST(ContentLengthTrackerTest, UncheckedAndNoContent) {
  ContentLengthTracker none;
  EXPECT_FALSE(none.expected().has_value());
  EXPECT_EQ(none.OnData(1000), kOk);
  EXPECT_EQ(none.received(), 1000u);
  EXPECT_EQ(none.OnEndStream(), kOk);
  ContentLengthTracker no_content = ContentLengthTracker::NoContent();
  EXPECT_EQ(no_content.OnData(0), kOk);
  EXPECT_EQ(no_content.OnEndStream(), kOk);
  EXPECT_EQ(no_content.OnData(1), HeaderError::kContentNotAllowed);
}

TEST(ContentLengthTrackerTest, ForRequest) {
  HeaderValidator v(ExtendedConnect());
  ASSERT_EQ(Validate(v, kRequest, Request({{"content-length", "3"}}), false), kOk);
  ContentLengthTracker t = ContentLengthTracker::ForRequest(v);
  EXPECT_EQ(t.expected(), 3u);
  EXPECT_EQ(t.OnData(3), kOk);
  EXPECT_EQ(t.OnEndStream(), kOk);

  // A request that ends with its HEADERS but promised content is malformed at END_STREAM.
  ASSERT_EQ(Validate(v, kRequest, Request({{"content-length", "3"}}), true), kOk);
  EXPECT_EQ(ContentLengthTracker::ForRequest(v).OnEndStream(), HeaderError::kContentLengthMismatch);

  ASSERT_EQ(Validate(v, kRequest, Request(), false), kOk);
  EXPECT_FALSE(ContentLengthTracker::ForRequest(v).expected().has_value());

  // CONNECT carries tunnel data; a content-length there describes nothing.
  ASSERT_EQ(
      Validate(v, kRequest,
               {{":method", "CONNECT"}, {":authority", "a:1"}, {"content-length", "0"}}, false),
      kOk);
  ContentLengthTracker tunnel = ContentLengthTracker::ForRequest(v);
  EXPECT_EQ(tunnel.OnData(100), kOk);
  ASSERT_EQ(Validate(v, kRequest,
                     {{":method", "CONNECT"},
                      {":protocol", "websocket"},
                      {":scheme", "https"},
                      {":path", "/"},
                      {":authority", "a"},
                      {"content-length", "0"}},
                     false),
            kOk);
  EXPECT_EQ(ContentLengthTracker::ForRequest(v).OnData(100), kOk);
}

TEST(ContentLengthTrackerTest, ForResponse_Rfc9113Section8_1_1) {
  // Ordinary response with a length.
  {
    ContentLengthTracker t = ContentLengthTracker::ForResponse(
        AcceptedResponse("200", {{"content-length", "2"}}), RequestMethod::kGet);
    EXPECT_EQ(t.OnData(3), HeaderError::kContentLengthMismatch);
  }
  // 204 and 304 have no content, even with a non-zero content-length (allowed by §8.1.1).
  for (const char* status : {"204", "304"}) {
    for (Fields extra : {Fields{}, Fields{{"content-length", "42"}}}) {
      ContentLengthTracker t =
          ContentLengthTracker::ForResponse(AcceptedResponse(status, extra), RequestMethod::kGet);
      EXPECT_EQ(t.OnEndStream(), kOk) << status;
      EXPECT_EQ(t.OnData(1), HeaderError::kContentNotAllowed) << status;
    }
  }
  // A response to HEAD: content-length describes the GET response; no content is sent.
  {
    ContentLengthTracker t = ContentLengthTracker::ForResponse(
        AcceptedResponse("200", {{"content-length", "1000"}}), RequestMethod::kHead);
    EXPECT_EQ(t.OnEndStream(), kOk);
    EXPECT_EQ(t.OnData(1), HeaderError::kContentNotAllowed);
  }
  // A 2xx to CONNECT is a tunnel: content-length ignored (RFC 9110 §6.4.1 / §8.6).
  {
    ContentLengthTracker t = ContentLengthTracker::ForResponse(
        AcceptedResponse("200", {{"content-length", "0"}}), RequestMethod::kConnect);
    EXPECT_EQ(t.OnData(500), kOk);
    EXPECT_EQ(t.OnEndStream(), kOk);
  }
  // A failed CONNECT is an ordinary response.
  {
    ContentLengthTracker t = ContentLengthTracker::ForResponse(
        AcceptedResponse("403", {{"content-length", "4"}}), RequestMethod::kConnect);
    EXPECT_EQ(t.OnData(5), HeaderError::kContentLengthMismatch);
  }
  // No content-length: anything goes.
  EXPECT_EQ(ContentLengthTracker::ForResponse(AcceptedResponse("200"), RequestMethod::kGet)
                .OnData(1 << 20),
            kOk);
}

// --- Behaviour of the validator object ---

TEST(HeaderValidatorTest, FirstErrorIsStickyAndLaterFieldsAreIgnored) {
  HeaderValidator v;
  v.StartBlock(kRequest, false);
  EXPECT_EQ(v.OnField(":method", "GET"), kOk);
  EXPECT_EQ(v.OnField("Bad", "x"), HeaderError::kUppercaseFieldName);
  EXPECT_EQ(v.OnField("connection", "close"), HeaderError::kUppercaseFieldName);
  EXPECT_EQ(v.OnField(":path", "/"), HeaderError::kUppercaseFieldName);
  EXPECT_EQ(v.EndBlock(), HeaderError::kUppercaseFieldName);
  EXPECT_EQ(v.error(), HeaderError::kUppercaseFieldName);
}

TEST(HeaderValidatorTest, StartBlockForgetsThePreviousBlock) {
  HeaderValidator v(ExtendedConnect());
  ASSERT_EQ(Validate(v, kRequest,
                     {{":method", "CONNECT"},
                      {":protocol", "websocket"},
                      {":scheme", "https"},
                      {":path", "/"},
                      {":authority", "a"},
                      {"te", "trailers"},
                      {"content-length", "1"},
                      {"host", "a"}},
                     false),
            kOk);
  EXPECT_EQ(Validate(v, kRequest, {{"x", "\r"}}, false), HeaderError::kInvalidFieldValue);
  // Nothing of the earlier blocks leaks into this one: no duplicate, no stale facts.
  ASSERT_EQ(Validate(v, kRequest,
                     {{":method", "POST"},
                      {":scheme", "https"},
                      {":authority", "b"},
                      {":path", "/"},
                      {"host", "b"}},
                     true),
            kOk);
  EXPECT_EQ(v.method(), RequestMethod::kOther);
  EXPECT_FALSE(v.is_extended_connect());
  EXPECT_FALSE(v.te_trailers());
  EXPECT_FALSE(v.content_length().has_value());
  ASSERT_EQ(Validate(v, kResponse, Response("200"), true), kOk);
  EXPECT_EQ(v.status_code(), 200);
  ASSERT_EQ(Validate(v, kResponseTrailers, {}, true), kOk);
  EXPECT_EQ(v.status_code(), 0);
}

TEST(HeaderValidatorTest, KeepsNoViewOfItsInputs) {
  HeaderValidator v;
  v.StartBlock(kRequest, false);
  {
    std::string authority = "example.com";
    std::string scheme = "https";
    ASSERT_EQ(v.OnField(":method", "GET"), kOk);
    ASSERT_EQ(v.OnField(":scheme", scheme), kOk);
    ASSERT_EQ(v.OnField(":authority", authority), kOk);
    authority.assign(authority.size(), 'X');  // The decoder reuses its buffers.
    scheme.assign("zzzzz");
  }
  ASSERT_EQ(v.OnField(":path", "/"), kOk);
  EXPECT_EQ(v.OnField("host", "example.com:443"), kOk);
  EXPECT_EQ(v.EndBlock(), kOk);
}

TEST(HeaderValidatorTest, ErrorNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int e = 0; e <= static_cast<int>(HeaderError::kContentNotAllowed); ++e) {
    std::string_view name = HeaderErrorName(static_cast<HeaderError>(e));
    EXPECT_NE(name, "unknown") << e;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(HeaderErrorName(kOk), "ok");
  EXPECT_EQ(kMalformedErrorCode, ErrorCode::kProtocolError);
}

// --- RFC 9113 §8.2.3 cookies ---

TEST(CookieTest, CrumbsJoinWithSemicolonSpace_Rfc9113Section8_2_3) {
  std::vector<std::string_view> crumbs = {"a=b", "c=d", "e=f"};
  EXPECT_EQ(JoinCookieCrumbs(crumbs), "a=b; c=d; e=f");
  std::vector<std::string_view> one = {"a=b; c=d"};
  EXPECT_EQ(JoinCookieCrumbs(one), "a=b; c=d");
  EXPECT_EQ(JoinCookieCrumbs({}), "");
  std::vector<std::string_view> with_empty = {"", "a=b", "", "c=d"};
  EXPECT_EQ(JoinCookieCrumbs(with_empty), "a=b; c=d");
  std::string joined;
  AppendCookieCrumb(joined, "x=1");
  AppendCookieCrumb(joined, "");
  AppendCookieCrumb(joined, "y=2");
  EXPECT_EQ(joined, "x=1; y=2");
  // Crumbs pass the validator as ordinary repeated fields.
  EXPECT_EQ(Validate(kRequest, Request({{"cookie", "a=b"}, {"cookie", "c=d"}})), kOk);
}

}  // namespace
}  // namespace h2engine::h2
