// Tests for server/http1.h with real bytes: one test per RFC 9112 rule the parser enforces,
// the "whole / byte by byte / random splits give the same events" test, and the serializer's
// exact output.

#include "server/http1.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

std::string Hex(std::string_view s) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

// Records events as strings; adjacent body events are merged so that the log does not depend
// on how the input was split.
class Recorder : public Http1Visitor {
 public:
  void OnRequestHead(RequestHead head) override { Head("head", head); }
  void OnH2cUpgrade(RequestHead head, std::string settings) override {
    Head("h2c(" + Hex(settings) + ")", head);
  }
  void OnBody(std::string_view data) override {
    if (data.empty()) return;
    if (!events.empty() && events.back().rfind("body:", 0) == 0) {
      events.back().append(data);
    } else {
      events.push_back("body:" + std::string(data));
    }
  }
  void OnMessageComplete(Headers trailers) override {
    std::string e = "complete";
    for (const auto& f : trailers) e += " " + f.name + "=" + f.value;
    events.push_back(e);
  }
  void OnError(Http1Error error) override {
    events.push_back(std::string("error:") + Http1ErrorName(error));
  }

  std::vector<std::string> events;
  std::vector<RequestHead> heads;

 private:
  void Head(const std::string& kind, const RequestHead& h) {
    std::string e = kind + " " + h.method + " " + h.target + " 1." +
                    std::to_string(h.version_minor) + " path=" + h.path + " query=" + h.query +
                    " authority=" + h.authority;
    if (!h.scheme.empty()) e += " scheme=" + h.scheme;
    if (h.framing == BodyFraming::kContentLength) e += " cl=" + std::to_string(h.content_length);
    if (h.framing == BodyFraming::kChunked) e += " chunked";
    if (!h.keep_alive) e += " close";
    if (h.expect_continue) e += " expect-100";
    if (h.te_trailers) e += " te-trailers";
    for (const auto& f : h.headers) e += " [" + f.name + "=" + f.value + "]";
    events.push_back(e);
    heads.push_back(h);
  }
};

// Feeds `pieces` in order the way a connection does: unconsumed bytes are kept and offered
// again, and after each message the parser moves on to the next (pipelining).
std::vector<std::string> Feed(const std::vector<std::string>& pieces,
                              const Http1Limits& limits = {}) {
  Http1Parser parser(limits);
  Recorder recorder;
  std::string pending;
  for (const std::string& piece : pieces) {
    pending += piece;
    while (true) {
      size_t n = parser.Parse(pending, recorder);
      pending.erase(0, n);
      if (parser.message_done()) {
        parser.NextMessage();
        continue;
      }
      if (n == 0 || pending.empty()) break;
    }
  }
  return recorder.events;
}

std::vector<std::string> Whole(std::string_view input, const Http1Limits& limits = {}) {
  return Feed({std::string(input)}, limits);
}

std::vector<std::string> ByteByByte(std::string_view input, const Http1Limits& limits = {}) {
  std::vector<std::string> pieces;
  for (char c : input) pieces.emplace_back(1, c);
  return Feed(pieces, limits);
}

std::vector<std::string> RandomSplits(std::string_view input, uint32_t seed,
                                      const Http1Limits& limits = {}) {
  std::mt19937 rng(seed);
  std::vector<std::string> pieces;
  size_t pos = 0;
  while (pos < input.size()) {
    size_t n = std::uniform_int_distribution<size_t>(1, 17)(rng);
    pieces.emplace_back(input.substr(pos, n));
    pos += pieces.back().size();
  }
  return Feed(pieces, limits);
}

// Parses `input` whole, byte by byte and in random pieces, demands identical events, and
// returns them.
std::vector<std::string> Parse(std::string_view input, const Http1Limits& limits = {}) {
  std::vector<std::string> whole = Whole(input, limits);
  EXPECT_EQ(whole, ByteByByte(input, limits)) << input;
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    EXPECT_EQ(whole, RandomSplits(input, seed, limits)) << input << " seed " << seed;
  }
  return whole;
}

// The error a request provokes (its last event), or "" if none.
std::string ErrorOf(std::string_view input, const Http1Limits& limits = {}) {
  std::vector<std::string> events = Parse(input, limits);
  if (events.empty() || events.back().rfind("error:", 0) != 0) return "";
  return events.back().substr(6);
}

TEST(Http1Parser, SimpleGet) {
  EXPECT_EQ(Parse("GET /a/b?x=1&y HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n"),
            (std::vector<std::string>{
                "head GET /a/b?x=1&y 1.1 path=/a/b query=x=1&y authority=example.com "
                "[host=example.com] [accept=*/*]",
                "complete"}));
}

TEST(Http1Parser, FieldNamesAreLowercasedAndValuesTrimmed) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHOST: h\r\nX-Thing: \t  v a l \t\r\nEmpty:\r\n\r\n"),
            (std::vector<std::string>{
                "head GET / 1.1 path=/ query= authority=h [host=h] [x-thing=v a l] [empty=]",
                "complete"}));
}

TEST(Http1Parser, ObsTextIsAllowedInValues) {
  std::string req = "GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n";
  EXPECT_EQ(ErrorOf(req), "");
}

TEST(Http1Parser, KeepAliveRules_RFC9112_Section9_3) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")[0],
            "head GET / 1.1 path=/ query= authority=h close [host=h] [connection=close]");
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\n\r\n")[0], "head GET / 1.0 path=/ query= authority= close");
  EXPECT_EQ(Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")[0],
            "head GET / 1.0 path=/ query= authority= [connection=Keep-Alive]");
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, CLOSE\r\n\r\n")[0],
            "head GET / 1.1 path=/ query= authority=h close [host=h] [connection=foo, CLOSE]");
}

TEST(Http1Parser, RequestTargetForms_RFC9112_Section3_2) {
  // absolute-form: its authority wins over Host.
  EXPECT_EQ(Parse("GET HTTP://Other:8080/p?q HTTP/1.1\r\nHost: h\r\n\r\n")[0],
            "head GET HTTP://Other:8080/p?q 1.1 path=/p query=q authority=Other:8080 "
            "scheme=http [host=h]");
  EXPECT_EQ(Parse("GET http://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n")[0],
            "head GET http://a.example 1.1 path=/ query= authority=a.example scheme=http "
            "[host=a.example]");
  EXPECT_EQ(Parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n")[0],
            "head OPTIONS * 1.1 path=* query= authority=h [host=h]");
  EXPECT_EQ(Parse("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n")[0],
            "head CONNECT h:443 1.1 path= query= authority=h:443 [host=h:443]");
  EXPECT_EQ(ErrorOf("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
  EXPECT_EQ(ErrorOf("GET relative HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
  EXPECT_EQ(ErrorOf("GET /a#frag HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
  EXPECT_EQ(ErrorOf("GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
  EXPECT_EQ(ErrorOf("GET /a\x7f HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
  EXPECT_EQ(ErrorOf("GET /\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n"), "kBadRequestLine");
}

TEST(Http1Parser, MalformedRequestLinesAre400) {
  for (const char* line :
       {"GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET / HTTP/1.1 ", "GET /", "GET", "GET\t/\tHTTP/1.1",
        "G@T / HTTP/1.1", " GET / HTTP/1.1", "GET / http/1.1", "GET / HTTP/1.1x", "GET / HTTP/11",
        "GET / HTTP/1", "GET / HTTP/1.a", "/ HTTP/1.1"}) {
    std::string req = std::string(line) + "\r\nHost: h\r\n\r\n";
    EXPECT_EQ(ErrorOf(req), "kBadRequestLine") << line;
  }
}

TEST(Http1Parser, UnsupportedVersionsAre505) {
  for (const char* v : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"}) {
    std::string req = std::string("GET / ") + v + "\r\nHost: h\r\n\r\n";
    EXPECT_EQ(ErrorOf(req), "kBadVersion") << v;
    EXPECT_EQ(Http1ErrorStatus(Http1Error::kBadVersion), 505);
  }
  EXPECT_EQ(ErrorOf("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), "kBadVersion");
}

TEST(Http1Parser, LeadingEmptyLinesAreSkipped_RFC9112_Section2_2) {
  EXPECT_EQ(Parse("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n").size(), 2u);
  Http1Limits limits;
  limits.max_leading_empty_lines = 2;
  EXPECT_EQ(ErrorOf("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", limits), "kTooManyEmptyLines");
}

TEST(Http1Parser, RequestLineTooLongIs414) {
  Http1Limits limits;
  limits.max_request_line_bytes = 32;
  std::string ok = "GET /" + std::string(18, 'a') + " HTTP/1.1";  // exactly 32
  ASSERT_EQ(ok.size(), 32u);
  EXPECT_EQ(ErrorOf(ok + "\r\nHost: h\r\n\r\n", limits), "");
  std::string too_long = "GET /" + std::string(19, 'a') + " HTTP/1.1";
  EXPECT_EQ(ErrorOf(too_long + "\r\nHost: h\r\n\r\n", limits), "kRequestLineTooLong");
  EXPECT_EQ(Http1ErrorStatus(Http1Error::kRequestLineTooLong), 414);
  // Detected before the line ends: an endless line is not buffered.
  Http1Parser parser(limits);
  Recorder r;
  std::string endless(1000, 'a');
  (void)parser.Parse(endless, r);
  EXPECT_TRUE(parser.has_error());
}

TEST(Http1Parser, TooManyHeadersIs431) {
  Http1Limits limits;
  limits.max_header_count = 3;
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n", limits), "");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits),
            "kTooManyHeaders");
  EXPECT_EQ(Http1ErrorStatus(Http1Error::kTooManyHeaders), 431);
}

TEST(Http1Parser, HeaderBytesLimitIs431) {
  Http1Limits limits;
  limits.max_header_bytes = 30;
  // "Host: h\r\n" (9) + "X: 0123456789012345\r\n" (21) = 30.
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: 0123456789012345\r\n\r\n", limits), "");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: 01234567890123456\r\n\r\n", limits),
            "kHeadersTooLarge");
  EXPECT_EQ(Http1ErrorStatus(Http1Error::kHeadersTooLarge), 431);
}

TEST(Http1Parser, ObsFoldIsRejected_RFC9112_Section5_2) {
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n  b\r\n\r\n"), "kObsFold");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n"), "kObsFold");
  // Whitespace before the first field line (RFC 9112 §2.2) is rejected the same way.
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), "kObsFold");
}

TEST(Http1Parser, WhitespaceBeforeColonIsRejected_RFC9112_Section5_1) {
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), "kWhitespaceBeforeColon");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nContent-Length\t: 0\r\n\r\n"),
            "kWhitespaceBeforeColon");
}

TEST(Http1Parser, InvalidFieldNamesAre400) {
  for (const char* line :
       {"X Y: 1", "X(: 1", ": v", "X@: 1", "NoColon", "X\x01: 1", "\xc3: 1", "X\"Y: 1"}) {
    std::string req = std::string("GET / HTTP/1.1\r\nHost: h\r\n") + line + "\r\n\r\n";
    EXPECT_EQ(ErrorOf(req), "kBadHeaderName") << line;
  }
}

TEST(Http1Parser, ControlCharactersInValuesAre400) {
  EXPECT_EQ(ErrorOf(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 35)),
            "kBadHeaderValue");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\x7f\r\n\r\n"), "kBadHeaderValue");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\x0b\r\n\r\n"), "kBadHeaderValue");
}

TEST(Http1Parser, BareCrAndBareLfAreRejected_RFC9112_Section2_2) {
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"), "kBareCr");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\r\nHost: h\r\n\r\n"), "kBareCr");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\nHost: h\r\n\r\n"), "kBareLf");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\n\r\n"), "kBareLf");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: h\r\n\n"), "kBareLf");
}

TEST(Http1Parser, HostRules_RFC9112_Section3_2) {
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\n\r\n"), "kBadHost");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), "kBadHost");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), "kBadHost");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), "kBadHost");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"), "kBadHost");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), "");
  EXPECT_EQ(ErrorOf("GET / HTTP/1.1\r\nHost:\r\n\r\n"), "");  // empty Host is allowed
  EXPECT_EQ(ErrorOf("GET / HTTP/1.0\r\n\r\n"), "");           // HTTP/1.0 needs none
}

TEST(Http1Parser, ContentLengthBody) {
  EXPECT_EQ(Parse("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"),
            (std::vector<std::string>{
                "head POST /u 1.1 path=/u query= authority=h cl=5 [host=h] [content-length=5]",
                "body:hello", "complete"}));
  // Zero is no body.
  EXPECT_EQ(Parse("POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").size(), 2u);
  // Identical repeated values are one length (RFC 9110 §8.6).
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n"
                  "Content-Length: 2\r\n\r\nok")[1],
            "body:ok");
}

TEST(Http1Parser, BadContentLengthIs400_RFC9112_Section6_3) {
  for (const char* cl : {"+5", "-1", "5 5", "0x10", "", "1.0", ",", "99999999999999999999999"}) {
    std::string req =
        std::string("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ") + cl + "\r\n\r\n";
    EXPECT_EQ(ErrorOf(req), "kBadContentLength") << cl;
  }
}

TEST(Http1Parser, ConflictingContentLengthIs400_RFC9112_Section6_3) {
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\n"),
            "kConflictingContentLength");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                    "Content-Length: 6\r\n\r\nhello!"),
            "kConflictingContentLength");
}

TEST(Http1Parser, ContentLengthWithTransferEncodingIs400_Smuggling) {
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            "kContentLengthWithTransferEncoding");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    "Content-Length: 5\r\n\r\n0\r\n\r\n"),
            "kContentLengthWithTransferEncoding");
}

TEST(Http1Parser, TransferEncodingRules_RFC9112_Section6_1) {
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"),
            "kUnknownTransferCoding");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            "kUnknownTransferCoding");
  EXPECT_EQ(Http1ErrorStatus(Http1Error::kUnknownTransferCoding), 501);
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
            "kBadTransferEncoding");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n"),
            "kBadTransferEncoding");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n"),
            "kBadTransferEncoding");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            "kBadTransferEncoding");
  // Case-insensitive coding name, split over two lines is still one list.
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n"
                    "0\r\n\r\n"),
            "");
}

TEST(Http1Parser, BodyTooLargeIs413) {
  Http1Limits limits;
  limits.max_body_bytes = 10;
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789", limits),
            "");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n", limits),
            "kBodyTooLarge");
  EXPECT_EQ(ErrorOf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "6\r\n012345\r\n5\r\n01234\r\n0\r\n\r\n",
                    limits),
            "kBodyTooLarge");
  EXPECT_EQ(Http1ErrorStatus(Http1Error::kBodyTooLarge), 413);
}

TEST(Http1Parser, ChunkedBodyWithExtensionsAndTrailers_RFC9112_Section7_1) {
  EXPECT_EQ(
      Parse("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "5;name=value\r\nhello\r\n"
            "00006 ; a ; b=\"q\"\r\n world\r\n"
            "0\r\nX-Checksum: abc\r\nX-Other: d\r\n\r\n"),
      (std::vector<std::string>{"head POST /c 1.1 path=/c query= authority=h chunked [host=h] "
                                "[transfer-encoding=chunked]",
                                "body:hello world", "complete x-checksum=abc x-other=d"}));
  EXPECT_EQ(Parse("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "A\r\n0123456789\r\n0\r\n\r\n")[1],
            "body:0123456789");
}

TEST(Http1Parser, MalformedChunksAre400) {
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const char* body : {"zz\r\n", "\r\n", "5\r\nhelloXX", "5\r\nhello\n", "5 x\r\nhello\r\n",
                           "-5\r\n", "11111111111111111\r\n", "5;\x01\r\nhello\r\n"}) {
    EXPECT_EQ(ErrorOf(head + body), "kBadChunk") << body;
  }
  EXPECT_EQ(ErrorOf(head + "0\r\nBad Name: x\r\n\r\n"), "kBadHeaderName");
  EXPECT_EQ(ErrorOf(head + "0\r\nX: a\r\n b\r\n\r\n"), "kObsFold");
  Http1Limits limits;
  limits.max_chunk_line_bytes = 8;
  EXPECT_EQ(ErrorOf(head + "5;abcdef\r\nhello\r\n0\r\n\r\n", limits), "");
  EXPECT_EQ(ErrorOf(head + "5;abcdefg\r\nhello\r\n0\r\n\r\n", limits), "kBadChunk");
}

TEST(Http1Parser, TrailersShareTheHeaderLimits) {
  Http1Limits limits;
  limits.max_header_count = 2;
  const std::string head = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(ErrorOf(head + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits), "kTooManyHeaders");
}

TEST(Http1Parser, ExpectContinueAndTeTrailers) {
  EXPECT_EQ(Parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nTE: trailers\r\n"
                  "Content-Length: 1\r\n\r\nx")[0],
            "head PUT / 1.1 path=/ query= authority=h cl=1 expect-100 te-trailers [host=h] "
            "[expect=100-Continue] [te=trailers] [content-length=1]");
  // 100-continue means nothing in HTTP/1.0.
  EXPECT_EQ(Parse("PUT / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")[0],
            "head PUT / 1.0 path=/ query= authority= close [expect=100-continue]");
}

TEST(Http1Parser, H2cUpgradeIsReported_RFC7540_Section3_2) {
  // SETTINGS_MAX_CONCURRENT_STREAMS=100, SETTINGS_INITIAL_WINDOW_SIZE=65535 (12 bytes).
  const std::string settings = "AAMAAABkAAQAAP__";
  auto events = Parse(
      "GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: " +
      settings + "\r\n\r\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].substr(0, 33),
            "h2c(000300000064000400"
            "00ffff) GET");
  EXPECT_EQ(events[1], "complete");
  // With a body: the body follows the upgrade event, then the message ends.
  events = Parse(
      "POST / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\n"
      "Upgrade: h2c\r\nHTTP2-Settings: \r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_EQ(events[0].substr(0, 9), "h2c() POS");
  EXPECT_EQ(events[1], "body:hi");
}

TEST(Http1Parser, H2cUpgradeNeedsEveryPiece) {
  const std::string base = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (const std::string& fields : std::vector<std::string>{
           "Connection: Upgrade\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n",
           "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: websocket\r\n"
           "HTTP2-Settings: AAMAAABk\r\n",
           "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n",
           "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMA+ABk\r\n",
           "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAA\r\n",
           "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n"
           "HTTP2-Settings: AAMAAABk\r\n"}) {
    auto events = Parse(base + fields + "\r\n");
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].substr(0, 5), "head ") << fields;
  }
}

TEST(Http1Parser, PipelinedRequestsAreReportedInOrder) {
  EXPECT_EQ(Parse("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                  "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                  "POST /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "1\r\nx\r\n0\r\n\r\n"
                  "GET /4 HTTP/1.1\r\nHost: h\r\n\r\n"),
            (std::vector<std::string>{
                "head GET /1 1.1 path=/1 query= authority=h [host=h]",
                "complete",
                "head POST /2 1.1 path=/2 query= authority=h cl=3 [host=h] [content-length=3]",
                "body:abc",
                "complete",
                "head POST /3 1.1 path=/3 query= authority=h chunked [host=h] "
                "[transfer-encoding=chunked]",
                "body:x",
                "complete",
                "head GET /4 1.1 path=/4 query= authority=h [host=h]",
                "complete",
            }));
}

TEST(Http1Parser, ParseStopsAfterTheHeadAndAtTheMessageEnd) {
  const std::string req1 = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n";
  const std::string input = req1 + "abcGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  Http1Parser parser;
  Recorder r;
  EXPECT_EQ(parser.Parse(input, r), req1.size());
  EXPECT_TRUE(parser.in_body());
  EXPECT_EQ(parser.body_remaining(), 3u);
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(req1.size(), 2), r), 2u);
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(req1.size() + 2), r), 1u);
  EXPECT_TRUE(parser.message_done());
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(req1.size() + 3), r), 0u);
  parser.NextMessage();
  EXPECT_TRUE(parser.idle());
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(req1.size() + 3), r),
            input.size() - req1.size() - 3);
  EXPECT_EQ(r.events.size(), 5u);
}

TEST(Http1Parser, NothingIsConsumedAfterAnError) {
  Http1Parser parser;
  Recorder r;
  (void)parser.Parse(std::string_view("GET / HTTP/1.1\r\nBad Header: x\r\n"), r);
  ASSERT_TRUE(parser.has_error());
  EXPECT_EQ(parser.error(), Http1Error::kBadHeaderName);
  EXPECT_EQ(parser.Parse(std::string_view("GET / HTTP/1.1\r\n\r\n"), r), 0u);
  EXPECT_EQ(r.events, std::vector<std::string>{"error:kBadHeaderName"});
}

TEST(Http1Parser, SeveralWaysGiveTheSameEventsOnAMix) {
  std::string input =
      "\r\nGET /x?y HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n"
      "PUT /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
      "3\r\nabc\r\n10;x=y\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n"
      "POST /q HTTP/1.0\r\nContent-Length: 4\r\n\r\nwxyz"
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n";
  std::vector<std::string> events = Parse(input);
  ASSERT_EQ(events.size(), 9u);
  EXPECT_EQ(events.back(), "error:kObsFold");
}

TEST(Base64Url, Decodes) {
  EXPECT_EQ(DecodeBase64Url(""), "");
  EXPECT_EQ(DecodeBase64Url("Zg"), "f");
  EXPECT_EQ(DecodeBase64Url("Zg=="), "f");
  EXPECT_EQ(DecodeBase64Url("Zm9v"), "foo");
  EXPECT_EQ(DecodeBase64Url("Zm9vYg"), "foob");
  EXPECT_EQ(DecodeBase64Url("-_8"), std::string("\xfb\xff", 2));
  EXPECT_EQ(DecodeBase64Url("Z"), std::nullopt);
  EXPECT_EQ(DecodeBase64Url("Zm9v+/"), std::nullopt);
  EXPECT_EQ(DecodeBase64Url("Zm 9v"), std::nullopt);
}

// ---- Serializer ----

Http1ResponseWriter::RequestInfo Info(bool head = false, int minor = 1, bool keep_alive = true,
                                      bool te_trailers = false) {
  return {head, minor, keep_alive, te_trailers};
}

TEST(Http1ResponseWriter, KnownLength) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(), 200, Headers{{"Content-Type", "text/plain"}}, 5, false, out);
  w.Body(std::string_view("hello"), out);
  EXPECT_TRUE(w.Finish({}, out));
  EXPECT_TRUE(w.keep_alive());
  EXPECT_EQ(out.TakeAll(),
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello");
}

TEST(Http1ResponseWriter, UnknownLengthIsChunked) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(), 200, {}, std::nullopt, false, out);
  EXPECT_TRUE(w.chunked());
  w.Body(std::string_view("hello"), out);
  w.Body(std::string(20, 'x'), out);
  w.Body(std::string_view(""), out);  // an empty write must not end the body
  EXPECT_TRUE(w.Finish(Headers{{"x-t", "v"}}, out));
  EXPECT_EQ(out.TakeAll(),
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            "5\r\nhello\r\n14\r\nxxxxxxxxxxxxxxxxxxxx\r\n0\r\n\r\n");
}

TEST(Http1ResponseWriter, TrailersOnlyWhenTheClientSaidTeTrailers) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(false, 1, true, true), 200, {}, std::nullopt, true, out);
  w.Body(std::string_view("ab"), out);
  EXPECT_TRUE(w.Finish(Headers{{"grpc-status", "0"}, {"content-length", "9"}}, out));
  EXPECT_EQ(out.TakeAll(),
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            "2\r\nab\r\n0\r\ngrpc-status: 0\r\n\r\n");
  // Known length with trailers: chunked only if the client takes trailers.
  Http1ResponseWriter w2;
  w2.Begin(Info(false, 1, true, true), 200, {}, 2, true, out);
  EXPECT_TRUE(w2.chunked());
  Http1ResponseWriter w3;
  w3.Begin(Info(false, 1, true, false), 200, {}, 2, true, out);
  EXPECT_FALSE(w3.chunked());
  w3.Body(std::string_view("ab"), out);
  out.Clear();
  EXPECT_TRUE(w3.Finish(Headers{{"grpc-status", "0"}}, out));
  EXPECT_EQ(out.TakeAll(), "");
}

TEST(Http1ResponseWriter, Http10UnknownLengthClosesTheConnection) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(false, 0, true), 200, {}, std::nullopt, false, out);
  EXPECT_FALSE(w.chunked());
  EXPECT_FALSE(w.keep_alive());
  w.Body(std::string_view("data"), out);
  EXPECT_TRUE(w.Finish({}, out));
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 200 OK\r\nconnection: close\r\n\r\ndata");
}

TEST(Http1ResponseWriter, Http10KeepAlive) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(false, 0, true), 204, {}, 0, false, out);
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n");
}

TEST(Http1ResponseWriter, HeadHasLengthButNoBody) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(true), 200, {}, 5, false, out);
  w.Body(std::string_view("hello"), out);
  EXPECT_TRUE(w.Finish({}, out));
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n");
  // Unknown length on HEAD: neither chunked nor a length.
  Http1ResponseWriter w2;
  w2.Begin(Info(true), 200, {}, std::nullopt, false, out);
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_TRUE(w2.keep_alive());
}

TEST(Http1ResponseWriter, NoBodyFor204And304) {
  for (int status : {204, 304}) {
    OutputQueue out;
    Http1ResponseWriter w;
    w.Begin(Info(), status, Headers{{"etag", "\"x\""}}, 10, false, out);
    w.Body(std::string_view("0123456789"), out);
    EXPECT_TRUE(w.Finish({}, out));
    EXPECT_EQ(out.TakeAll(), "HTTP/1.1 " + std::to_string(status) + " " +
                                 std::string(ReasonPhrase(status)) + "\r\netag: \"x\"\r\n\r\n");
  }
}

TEST(Http1ResponseWriter, ConnectionSpecificAndInvalidFieldsAreDropped) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(), 200,
          Headers{{"Transfer-Encoding", "gzip"},
                  {"Content-Length", "99"},
                  {"Keep-Alive", "timeout=5"},
                  {"Upgrade", "h2c"},
                  {"X-Injected", "a\r\nSet-Cookie: evil"},
                  {"Bad Name", "v"},
                  {"X-Ok", "fine"}},
          0, false, out);
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 200 OK\r\nx-ok: fine\r\ncontent-length: 0\r\n\r\n");
}

TEST(Http1ResponseWriter, ApplicationConnectionCloseIsHonoured) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(), 200, Headers{{"Connection", "close"}}, 0, false, out);
  EXPECT_FALSE(w.keep_alive());
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
}

TEST(Http1ResponseWriter, WrongBodyLengthIsReported) {
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(), 200, {}, 5, false, out);
  w.Body(std::string_view("abc"), out);
  EXPECT_FALSE(w.Finish({}, out));
  Http1ResponseWriter w2;
  w2.Begin(Info(), 200, {}, 2, false, out);
  out.Clear();
  w2.Body(std::string_view("abc"), out);
  EXPECT_EQ(out.TakeAll(), "ab");
  EXPECT_FALSE(w2.Finish({}, out));
}

TEST(Http1ResponseWriter, InterimResponses) {
  OutputQueue out;
  Http1ResponseWriter::WriteInterim(100, {}, out);
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 100 Continue\r\n\r\n");
  Http1ResponseWriter::WriteInterim(103, Headers{{"Link", "</a.css>; rel=preload"}}, out);
  EXPECT_EQ(out.TakeAll(), "HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n");
  Http1ResponseWriter::WriteSwitchingToH2c(out);
  EXPECT_EQ(out.TakeAll(),
            "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n");
}

TEST(Http1ResponseWriter, ResponseParsesBackAsWhatWasSent) {
  // A chunked response read with the request parser's chunk decoder (same framing rules):
  // wrap it in a request line so the parser accepts it.
  OutputQueue out;
  Http1ResponseWriter w;
  w.Begin(Info(false, 1, true, true), 200, {}, std::nullopt, true, out);
  std::string head = out.TakeAll();
  w.Body(std::string(300, 'z'), out);
  w.Body(std::string_view("tail"), out);
  ASSERT_TRUE(w.Finish(Headers{{"x-sum", "1"}}, out));
  std::string body = out.TakeAll();
  std::vector<std::string> events =
      Parse("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + body);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1], "body:" + std::string(300, 'z') + "tail");
  EXPECT_EQ(events[2], "complete x-sum=1");
}

}  // namespace
}  // namespace h2engine::server
