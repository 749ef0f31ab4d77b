// Fuzzes server/http1.h. The first input byte picks the limits (default or tiny) and the seed of
// the split pattern; the rest is fed to Http1Parser the way a connection does (pipelining:
// NextMessage after each message), once whole and once in pseudo-random pieces.
//
// Invariants checked (abort on violation):
//   - both feeds produce the same events (body bytes merged), so splitting never matters;
//   - Parse never claims more bytes than it was given, and consumes nothing after an error;
//   - no event follows OnError; events come in order head, body*, complete;
//   - heads carry lowercase token names, valid values, at most max_header_count fields;
//     Content-Length bodies deliver exactly content_length bytes; no body exceeds
//     max_body_bytes;
//   - every parsed head can be answered: Http1ResponseWriter output starts with a status line
//     and Finish() succeeds when the announced length was written.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "server/http1.h"

namespace {

using h2engine::server::BodyFraming;
using h2engine::server::Headers;
using h2engine::server::Http1Error;
using h2engine::server::Http1Limits;
using h2engine::server::Http1Parser;
using h2engine::server::Http1ResponseWriter;
using h2engine::server::Http1Visitor;
using h2engine::server::OutputQueue;
using h2engine::server::RequestHead;

void Require(bool ok) {
  if (!ok) std::abort();
}

class Checker : public Http1Visitor {
 public:
  explicit Checker(const Http1Limits& limits) : limits_(limits) {}

  void OnRequestHead(RequestHead head) override {
    Require(!errored_ && !in_message_);
    in_message_ = true;
    body_bytes_ = 0;
    framing_ = head.framing;
    content_length_ = head.content_length;
    Require(head.headers.size() <= limits_.max_header_count);
    Require(head.version_minor == 0 || head.version_minor == 1);
    Require(h2engine::server::IsToken(head.method));
    for (const auto& f : head.headers) {
      Require(h2engine::server::IsToken(f.name));
      Require(h2engine::server::AsciiLower(f.name) == f.name);
      Require(h2engine::server::IsValidFieldValue(f.value));
    }
    if (head.framing == BodyFraming::kContentLength) {
      Require(head.content_length > 0 && head.content_length <= limits_.max_body_bytes);
    }
    events_.push_back("H" + head.method + " " + head.target + " " +
                      std::to_string(head.headers.size()));
    Answer(head);
  }
  void OnH2cUpgrade(RequestHead head, std::string settings) override {
    Require(settings.size() % 6 == 0);
    events_.push_back("U" + std::to_string(settings.size()));
    OnRequestHead(std::move(head));
  }
  void OnBody(std::string_view data) override {
    Require(!errored_ && in_message_);
    body_bytes_ += data.size();
    Require(body_bytes_ <= limits_.max_body_bytes);
    if (framing_ == BodyFraming::kContentLength) Require(body_bytes_ <= content_length_);
    if (data.empty()) return;
    if (!events_.empty() && events_.back()[0] == 'B') {
      events_.back().append(data);
    } else {
      events_.push_back("B" + std::string(data));
    }
  }
  void OnMessageComplete(Headers trailers) override {
    Require(!errored_ && in_message_);
    in_message_ = false;
    if (framing_ == BodyFraming::kContentLength) Require(body_bytes_ == content_length_);
    if (framing_ == BodyFraming::kNone) Require(body_bytes_ == 0);
    Require(trailers.size() <= limits_.max_header_count);
    events_.push_back("C" + std::to_string(trailers.size()));
  }
  void OnError(Http1Error error) override {
    Require(!errored_);
    Require(error != Http1Error::kNone);
    int status = h2engine::server::Http1ErrorStatus(error);
    Require(status >= 400 && status < 600);
    errored_ = true;
    events_.push_back(std::string("E") + h2engine::server::Http1ErrorName(error));
  }

  const std::vector<std::string>& events() const { return events_; }

 private:
  void Answer(const RequestHead& head) {
    OutputQueue out;
    Http1ResponseWriter w;
    uint64_t length = head.content_length % 64;
    bool known = (head.target.size() % 2) == 0;
    w.Begin(Http1ResponseWriter::InfoFor(head), 200 + static_cast<int>(head.path.size() % 300),
            head.headers, known ? std::optional<uint64_t>(length) : std::nullopt, head.te_trailers,
            out);
    w.Body(std::string(static_cast<size_t>(length), 'x'), out);
    Require(w.Finish(head.headers, out));
    std::string bytes = out.TakeAll();
    Require(bytes.rfind("HTTP/1.1 ", 0) == 0);
  }

  Http1Limits limits_;
  bool errored_ = false;
  bool in_message_ = false;
  BodyFraming framing_ = BodyFraming::kNone;
  uint64_t content_length_ = 0;
  uint64_t body_bytes_ = 0;
  std::vector<std::string> events_;
};

std::vector<std::string> Run(const uint8_t* data, size_t size, const Http1Limits& limits,
                             uint32_t split_seed) {
  Http1Parser parser(limits);
  Checker checker(limits);
  std::string pending;
  size_t pos = 0;
  uint32_t state = split_seed;
  while (pos < size) {
    size_t piece = size - pos;
    if (split_seed != 0) {
      state = state * 1103515245u + 12345u;
      piece = std::min<size_t>(piece, 1 + (state >> 16) % 13);
    }
    pending.append(reinterpret_cast<const char*>(data) + pos, piece);
    pos += piece;
    while (true) {
      bool had_error = parser.has_error();
      size_t n = parser.Parse(pending, checker);
      Require(n <= pending.size());
      if (had_error) Require(n == 0);
      pending.erase(0, n);
      if (parser.message_done()) {
        parser.NextMessage();
        continue;
      }
      if (n == 0 || pending.empty()) break;
    }
  }
  return checker.events();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t control = data[0];
  Http1Limits limits;
  if (control & 1) {
    limits.max_request_line_bytes = 40;
    limits.max_header_count = 4;
    limits.max_header_bytes = 96;
    limits.max_body_bytes = 64;
    limits.max_chunk_line_bytes = 12;
    limits.max_leading_empty_lines = 1;
  }
  uint32_t seed = (control >> 1) | 1u;
  std::vector<std::string> whole = Run(data + 1, size - 1, limits, 0);
  std::vector<std::string> split = Run(data + 1, size - 1, limits, seed);
  Require(whole == split);
  return 0;
}
