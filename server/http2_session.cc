#include "server/http2_session.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

#include "base/byte_sink.h"
#include "base/check.h"
#include "h2/frame_decoder.h"
#include "h2/frame_trace.h"
#include "h2/frame_writer.h"
#include "h2/header_validator.h"
#include "server/http_date.h"

namespace h2engine::server {

namespace {

// ValueForHttp2 trims a field value the way RFC 9113 §8.2.1 wants it (no leading or trailing
// SP/HTAB); false if the value cannot be sent at all (CR, LF, NUL, other controls).
bool ValueForHttp2(std::string_view value, std::string_view* out) {
  if (!IsValidFieldValue(value)) return false;
  *out = TrimOws(value);
  return true;
}

// AppendFields adds the fields of `headers` that may go into an HTTP/2 header section to
// `refs` (views into `headers`, which must outlive them).
void AppendFields(const Headers& headers, bool trailers, std::vector<h2::HeaderRef>* refs) {
  for (const HeaderField& f : headers) {
    if (!IsToken(f.name) || IsConnectionSpecificHeader(f.name)) continue;
    if (trailers && IsForbiddenTrailer(f.name)) continue;
    std::string_view value;
    if (!ValueForHttp2(f.value, &value)) continue;
    refs->push_back(h2::HeaderRef{f.name, value, false});
  }
}

}  // namespace

// ---- Stream: one exchange ----

class Http2Session::Stream final : public ExchangeSink {
 public:
  Stream(Http2Session* session, h2::StreamId stream_id) : session_(session), id(stream_id) {}

  // ExchangeSink.
  void OnResponse(Response response) override {
    session_->SubmitResponseFor(*this, std::move(response));
  }
  void OnInformational(int code, const Headers& headers) override {
    session_->SubmitInformationalFor(*this, code, headers);
  }
  void OnRequestBodyWanted() override { session_->ContinueFor(*this); }
  void OnRequestBodyConsumed(size_t bytes) override { session_->ConsumeFor(*this, bytes); }
  void OnAbort() override { session_->AbortFor(*this); }

  Http2Session* session_;
  const h2::StreamId id;
  std::shared_ptr<Exchange> exchange;
  Headers request_trailers;
  bool request_ended = false;  // the client's END_STREAM
  bool closed = false;         // OnStreamClosed, or the transport is gone
  bool head_request = false;
  bool expect_continue = false;
  bool continue_sent = false;
  bool response_started = false;   // the final HEADERS was submitted
  bool response_complete = false;  // the response's last frame is queued
  int status = 0;
  uint64_t body_bytes = 0;

  // The response body being sent: `body` from `body_offset`, or `source`.
  std::string body;
  size_t body_offset = 0;
  std::shared_ptr<BodySource> source;
  std::optional<uint64_t> expected_length;
  bool source_waiting = false;     // the source said kLater; its resume has not run yet
  bool awaiting_trailers = false;  // the source ended; its trailers are being submitted
  bool source_ended = false;       // trailers submitted: the next Read ends the stream
  Headers trailers;
};

class Http2Session::BodyDataSource final : public h2::DataSource {
 public:
  BodyDataSource(Http2Session* session, Stream* stream) : session_(session), stream_(stream) {}
  h2::DataChunk Read(size_t max, ByteSink& out) override {
    return session_->ReadBody(*stream_, max, out);
  }

 private:
  Http2Session* session_;
  Stream* stream_;  // outlives this: the engine releases sources before OnStreamClosed
};

// ---- FrameScanner: is a header block in progress? (for the slow-header timeout) ----

class Http2Session::FrameScanner {
 public:
  void Feed(std::span<const uint8_t> data) {
    size_t pos = 0;
    while (pos < data.size()) {
      if (remaining_ > 0) {
        size_t n = std::min<size_t>(remaining_, data.size() - pos);
        remaining_ -= static_cast<uint32_t>(n);
        pos += n;
        continue;
      }
      header_[header_len_++] = data[pos++];
      if (header_len_ < 9) continue;
      header_len_ = 0;
      remaining_ = (uint32_t{header_[0]} << 16) | (uint32_t{header_[1]} << 8) | header_[2];
      uint8_t type = header_[3];
      bool end_headers = (header_[4] & 0x4) != 0;
      if (type == 0x1 || type == 0x5 || type == 0x9) {  // HEADERS, PUSH_PROMISE, CONTINUATION
        in_block_ = !end_headers;
        in_headers_frame_ = true;
      } else {
        in_headers_frame_ = false;
      }
    }
  }
  // in_header_block: a header block or a frame header has started and not finished.
  bool in_header_block() const {
    return in_block_ || header_len_ > 0 || (remaining_ > 0 && in_headers_frame_);
  }

 private:
  uint8_t header_[9] = {};
  size_t header_len_ = 0;
  uint32_t remaining_ = 0;
  bool in_block_ = false;
  bool in_headers_frame_ = false;
};

// ---- Tracer: nghttp -v style frame trace ----

class Http2Session::Tracer {
 public:
  Tracer(std::function<void(std::string_view)> sink, uint64_t id, TimePoint start)
      : sink_(std::move(sink)),
        id_(id),
        start_(start),
        recv_tracer_([this](std::string_view text) { Emit("recv", text); }, nullptr, Options()),
        send_tracer_([this](std::string_view text) { Emit("send", text); }, nullptr, Options()),
        recv_decoder_(&recv_tracer_),
        send_decoder_(&send_tracer_) {
    send_decoder_.set_max_frame_size(h2::kMaxAllowedMaxFrameSize);
  }

  void set_recv_max_frame_size(uint32_t size) { recv_decoder_.set_max_frame_size(size); }
  void Recv(std::span<const uint8_t> bytes, TimePoint now) {
    now_ = now;
    (void)recv_decoder_.Decode(bytes);
  }
  void Send(std::span<const uint8_t> bytes, TimePoint now) {
    now_ = now;
    (void)send_decoder_.Decode(bytes);
  }
  // Line emits one line of our own (header fields, events).
  void Line(std::string_view direction, std::string_view text, TimePoint now) {
    now_ = now;
    std::string line = Prefix();
    line.append(direction);
    line.push_back(' ');
    line.append(text);
    sink_(line);
  }

 private:
  static h2::FrameTraceOptions Options() {
    h2::FrameTraceOptions options;
    options.prefix = "";
    options.indent = "";
    return options;
  }
  std::string Prefix() const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now_ - start_).count();
    char buf[64];
    std::snprintf(buf, sizeof(buf), "[id=%llu] [%3lld.%03lld] ",
                  static_cast<unsigned long long>(id_), static_cast<long long>(ms / 1000),
                  static_cast<long long>(ms % 1000));
    return buf;
  }
  void Emit(std::string_view direction, std::string_view text) {
    std::string prefix = Prefix();
    std::string indent(prefix.size() + direction.size() + 1, ' ');
    bool first = true;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      std::string out;
      if (first) {
        out = prefix;
        out.append(direction);
        out.push_back(' ');
      } else {
        out = indent;
      }
      out.append(line);
      sink_(out);
      first = false;
    }
  }

  std::function<void(std::string_view)> sink_;
  uint64_t id_;
  TimePoint start_;
  TimePoint now_;
  h2::FrameTracer recv_tracer_;
  h2::FrameTracer send_tracer_;
  h2::FrameDecoder recv_decoder_;
  h2::FrameDecoder send_decoder_;
};

// ---- Construction ----

Http2Session::Http2Session(SessionHost* host, const App* app, const Http2SessionOptions& options,
                           ConnectionInfo info, const Clock* clock)
    : host_(host),
      app_(app),
      options_(options),
      info_(std::move(info)),
      clock_(clock != nullptr ? clock : MonotonicClock::Get()),
      scanner_(std::make_unique<FrameScanner>()) {
  h2::ConnectionOptions engine = options_.connection;
  engine.perspective = h2::Perspective::kServer;
  if (options_.trace) {
    tracer_ = std::make_unique<Tracer>(options_.trace, options_.trace_id, Now());
    tracer_->set_recv_max_frame_size(engine.max_frame_size);
  }
  conn_ = std::make_unique<h2::Connection>(engine, static_cast<h2::ConnectionVisitor*>(this));
  out_ = conn_->PendingOutput();  // the server preface: SETTINGS (and what follows at once)
  out_valid_ = true;
  if (!options_.origins.empty()) {
    std::vector<std::string_view> origins;
    for (const std::string& o : options_.origins) {
      if (!o.empty() && o.size() <= 65535) origins.push_back(o);
    }
    if (!origins.empty()) {
      ByteSink sink;
      h2::WriteOrigin(sink, origins);
      extra_.assign(reinterpret_cast<const char*>(sink.data()), sink.size());
      extra_at_ = out_.size();  // right after the preface's frames
    }
  }
}

Http2Session::~Http2Session() {
  OnConnectionClosed();
  conn_.reset();  // releases the DataSources before the streams they point at
  streams_.clear();
}

TimePoint Http2Session::Now() const { return host_->loop().Now(); }

bool Http2Session::StartFromUpgrade(const RequestHead& head, std::string_view http2_settings) {
  if (done_) return false;
  std::string path = head.path;
  if (!head.query.empty()) path += "?" + head.query;
  Headers fields = head.headers;
  StripConnectionSpecificHeaders(fields, /*keep_te_trailers=*/true);
  fields.Remove("host");
  fields.Remove("http2-settings");
  std::vector<h2::HeaderRef> refs;
  refs.push_back({":method", head.method});
  refs.push_back({":scheme", "http"});
  if (!head.authority.empty()) refs.push_back({":authority", head.authority});
  refs.push_back({":path", path});
  AppendFields(fields, /*trailers=*/false, &refs);
  Invalidate();
  bool ok = conn_->StartFromUpgrade(
      {reinterpret_cast<const uint8_t*>(http2_settings.data()), http2_settings.size()}, refs,
      Now());
  Pump();
  return ok;
}

void Http2Session::FailInadequateSecurity() {
  if (done_) return;
  Invalidate();
  conn_->SubmitGoAway(h2::ErrorCode::kInadequateSecurity,
                      "TLS 1.2 cipher suite on the RFC 9113 block list (9.2.2)");
  Pump();
}

// ---- Input ----

size_t Http2Session::ProcessInput(std::span<const uint8_t> input) {
  if (done_ || closing_) return input.size();
  Invalidate();
  size_t n = conn_->ProcessInput(input, Now());
  NoteInput(input.first(n));
  Pump();
  return n;
}

void Http2Session::NoteInput(std::span<const uint8_t> consumed) {
  if (preface_left_ > 0) {
    size_t skip = std::min(preface_left_, consumed.size());
    preface_left_ -= skip;
    consumed = consumed.subspan(skip);
  }
  if (consumed.empty()) return;
  scanner_->Feed(consumed);
  if (tracer_) tracer_->Recv(consumed, Now());
}

void Http2Session::OnInputClosed() {
  input_closed_ = true;
  if (done_) return;
  // Nothing more can arrive: requests still being received cannot complete.
  Invalidate();
  bool any_open = false;
  for (auto& [id, s] : streams_) {
    if (s->closed) continue;
    if (!s->request_ended) {
      (void)conn_->SubmitRstStream(id, h2::ErrorCode::kCancel);
    } else {
      any_open = true;
    }
  }
  if (!any_open) conn_->SubmitGoAway(h2::ErrorCode::kNoError, "client closed its side");
  Pump();
}

bool Http2Session::wants_input() const {
  return !done_ && !closing_ && !input_closed_ && conn_->want_read();
}

// ---- Visitor callbacks (inside the engine: record, do not re-enter) ----

void Http2Session::OnHeaders(h2::StreamId id, h2::HeadersKind kind, const h2::HeaderList& headers,
                             bool end_stream) {
  if (tracer_) {
    std::vector<h2::HeaderRef> refs;
    for (const h2::HeaderEntry& f : headers) refs.push_back({f.name, f.value, false});
    TraceFields("recv", id, refs);
  }
  if (kind == h2::HeadersKind::kTrailers) {
    Stream* s = Find(id);
    if (s == nullptr) return;
    for (const h2::HeaderEntry& f : headers) s->request_trailers.Add(f.name, f.value);
    return;
  }
  if (kind != h2::HeadersKind::kRequest) return;

  Request request;
  std::string cookies;
  for (const h2::HeaderEntry& f : headers) {
    if (!f.name.empty() && f.name[0] == ':') {
      if (f.name == ":method") {
        request.method = f.value;
      } else if (f.name == ":path") {
        size_t q = f.value.find('?');
        request.path = f.value.substr(0, q);
        if (q != std::string::npos) request.query = f.value.substr(q + 1);
      } else if (f.name == ":authority") {
        request.authority = f.value;
      }
      continue;  // :scheme is the transport's; :protocol is not used here
    }
    if (f.name == "cookie") {
      h2::AppendCookieCrumb(cookies, f.value);
      continue;
    }
    request.headers.Add(f.name, f.value);
  }
  if (!cookies.empty()) request.headers.Add("cookie", cookies);
  if (request.authority.empty()) {
    if (auto h = request.headers.Get("host")) request.authority = std::string(*h);
  }
  request.scheme = info_.scheme;
  request.protocol = "h2";
  request.peer = info_.peer;

  auto stream = std::make_unique<Stream>(this, id);
  Stream& s = *stream;
  s.head_request = request.method == "HEAD";
  if (auto expect = request.headers.Get("expect")) {
    s.expect_continue = !end_stream && EqualsIgnoreCase(*expect, "100-continue");
  }
  Exchange::Options exchange_options;
  exchange_options.body_window = options_.body_window;
  s.exchange =
      Exchange::Create(host_->loop().handle(), clock_, &s, std::move(request), exchange_options);
  streams_[id] = std::move(stream);
  ++requests_started_;
  to_dispatch_.push_back(id);
}

void Http2Session::OnData(h2::StreamId id, std::span<const uint8_t> data) {
  Stream* s = Find(id);
  if (s == nullptr || s->exchange == nullptr || s->exchange->finished()) {
    conn_->ConsumeData(id, data.size());  // nobody will read it: discard, keep the window open
    return;
  }
  s->exchange->DeliverBody({reinterpret_cast<const char*>(data.data()), data.size()});
}

void Http2Session::OnEndStream(h2::StreamId id) {
  Stream* s = Find(id);
  if (s == nullptr) return;
  s->request_ended = true;
  if (s->exchange != nullptr) s->exchange->DeliverBodyEnd(std::move(s->request_trailers));
}

void Http2Session::OnStreamClosed(h2::StreamId id, h2::ErrorCode code) {
  Stream* s = Find(id);
  if (s == nullptr) return;
  if (tracer_ && code != h2::ErrorCode::kNoError) {
    tracer_->Line(
        "info",
        "stream " + std::to_string(id) + " closed with " + std::string(h2::ErrorCodeName(code)),
        Now());
  }
  s->closed = true;
  FinishExchange(*s, s->response_complete);
  streams_.erase(id);
}

void Http2Session::OnConnectionError(h2::ErrorCode code, std::string_view reason) {
  if (tracer_) {
    tracer_->Line("info",
                  "connection finished: " + std::string(h2::ErrorCodeName(code)) + " (" +
                      std::string(reason) + ")",
                  Now());
  }
}

// ---- Responses ----

void Http2Session::SubmitResponseFor(Stream& s, Response response) {
  if (s.closed || s.response_started || done_) {
    if (response.body_source) response.body_source->Cancel();
    return;
  }
  int status = response.status;
  if (status < 200 || status > 599) status = 500;  // §8.3.2: three digits; 1xx are interim
  Headers headers = std::move(response.headers);
  StripConnectionSpecificHeaders(headers);
  headers.Remove("content-length");
  if (options_.add_date_header && !headers.Has("date")) AddDateHeader(headers);
  std::optional<uint64_t> length = response.BodyLength();
  bool no_body = s.head_request || status == 204 || status == 304;
  std::string status_text = std::to_string(status);
  std::string length_text;
  std::vector<h2::HeaderRef> refs;
  refs.push_back({":status", status_text});
  AppendFields(headers, /*trailers=*/false, &refs);
  if (length && status != 204 && status != 304) {
    length_text = std::to_string(*length);  // for HEAD: what GET would send (RFC 9110 §8.6)
    refs.push_back({"content-length", length_text});
  }

  std::unique_ptr<h2::DataSource> body;
  if (no_body) {
    if (response.body_source) response.body_source->Cancel();
  } else {
    s.trailers = std::move(response.trailers);
    if (response.body_source) {
      s.source = std::move(response.body_source);
      s.expected_length = length;
      body = std::make_unique<BodyDataSource>(this, &s);
    } else if (!response.body.empty() || !s.trailers.empty()) {
      s.body = std::move(response.body);
      body = std::make_unique<BodyDataSource>(this, &s);
    }
  }
  bool has_body = body != nullptr;
  if (tracer_) TraceFields("send", s.id, refs);
  Invalidate();
  if (!conn_->SubmitResponse(s.id, refs, std::move(body))) {
    // Fields the engine refuses (or the stream state changed): answer a bare 500 instead.
    if (s.source) s.source->Cancel();
    s.source.reset();
    s.body.clear();
    s.trailers.clear();
    has_body = false;
    status = 500;
    std::vector<h2::HeaderRef> fallback = {{":status", "500"}, {"content-length", "0"}};
    if (!conn_->SubmitResponse(s.id, fallback, nullptr)) {
      (void)conn_->SubmitRstStream(s.id, h2::ErrorCode::kInternalError);
      s.response_started = true;
      host_->SessionChanged();
      return;
    }
  }
  s.response_started = true;
  s.status = status;
  if (has_body && s.source != nullptr) {
    std::weak_ptr<int> alive = alive_;
    LoopHandle loop = host_->loop().handle();
    h2::StreamId id = s.id;
    // Always posted: a resume must never run inside the engine (e.g. inside Read).
    s.source->Start([alive, loop, this, id] {
      loop.Post([alive, this, id] {
        if (alive.lock()) OnSourceResumed(id);
      });
    });
  } else if (has_body && !s.trailers.empty()) {
    std::vector<h2::HeaderRef> trailer_refs;
    AppendFields(s.trailers, /*trailers=*/true, &trailer_refs);
    if (!trailer_refs.empty()) {
      if (tracer_) TraceFields("send", s.id, trailer_refs);
      (void)conn_->SubmitTrailers(s.id, trailer_refs);
    }
  }
  if (!has_body) {
    s.response_complete = true;
    Defer({Deferred::Kind::kComplete, s.id});
  }
  host_->SessionChanged();
}

h2::DataChunk Http2Session::ReadBody(Stream& s, size_t max, ByteSink& out) {
  if (s.source == nullptr) {  // Response::body
    size_t n = std::min(max, s.body.size() - s.body_offset);
    out.Append(std::string_view(s.body).substr(s.body_offset, n));
    s.body_offset += n;
    s.body_bytes += n;
    bool end = s.body_offset == s.body.size();
    if (end) {
      std::string().swap(s.body);
      s.body_offset = 0;
      s.response_complete = true;
      Defer({Deferred::Kind::kComplete, s.id});
    }
    return {n, end, false};
  }
  if (s.source_ended) {
    s.response_complete = true;
    Defer({Deferred::Kind::kComplete, s.id});
    return {0, true, false};
  }
  if (s.source_waiting || s.awaiting_trailers) return {0, false, true};
  std::string chunk;
  BodySource::Status status = s.source->Read(max, &chunk);
  bool too_long =
      chunk.size() > max || (s.expected_length && s.body_bytes + chunk.size() > *s.expected_length);
  if (status == BodySource::Status::kError || too_long ||
      (status == BodySource::Status::kData && chunk.empty())) {
    // The body cannot be completed: reset the stream (after the engine returns).
    if (status != BodySource::Status::kError) s.source->Cancel();
    s.source_waiting = true;  // never read again
    Defer({Deferred::Kind::kReset, s.id, h2::ErrorCode::kInternalError});
    return {0, false, true};
  }
  out.Append(chunk);
  s.body_bytes += chunk.size();
  size_t n = chunk.size();
  switch (status) {
    case BodySource::Status::kData:
      return {n, false, false};
    case BodySource::Status::kLater:
      s.source_waiting = true;
      return {n, false, n == 0};
    case BodySource::Status::kEnd: {
      if (s.expected_length && s.body_bytes != *s.expected_length) {
        s.source_waiting = true;
        Defer({Deferred::Kind::kReset, s.id, h2::ErrorCode::kInternalError});
        return {n, false, n == 0};
      }
      for (const HeaderField& f : s.source->Trailers()) s.trailers.Add(f.name, f.value);
      std::vector<h2::HeaderRef> check;
      AppendFields(s.trailers, /*trailers=*/true, &check);
      if (check.empty()) {
        s.trailers.clear();
        s.response_complete = true;
        Defer({Deferred::Kind::kComplete, s.id});
        return {n, true, false};
      }
      // Trailers are submitted after the engine returns; until then the stream waits.
      s.awaiting_trailers = true;
      Defer({Deferred::Kind::kTrailers, s.id});
      return {n, false, n == 0};
    }
    case BodySource::Status::kError:
      break;
  }
  return {n, false, n == 0};
}

void Http2Session::OnSourceResumed(h2::StreamId id) {
  Stream* s = Find(id);
  if (s == nullptr || s->closed || done_ || !s->source_waiting || s->source == nullptr) return;
  if (s->response_complete) return;
  s->source_waiting = false;
  Invalidate();
  (void)conn_->ResumeData(id);
  host_->SessionChanged();
}

void Http2Session::SubmitInformationalFor(Stream& s, int status, const Headers& headers) {
  if (s.closed || s.response_started || done_) return;
  if (status < 100 || status > 199 || status == 101) return;
  std::string status_text = std::to_string(status);
  Headers fields = headers;
  StripConnectionSpecificHeaders(fields);
  std::vector<h2::HeaderRef> refs;
  refs.push_back({":status", status_text});
  AppendFields(fields, /*trailers=*/false, &refs);
  if (tracer_) TraceFields("send", s.id, refs);
  Invalidate();
  (void)conn_->SubmitInformational(s.id, refs);
  host_->SessionChanged();
}

void Http2Session::ContinueFor(Stream& s) {
  if (!s.expect_continue || s.continue_sent || s.request_ended || s.response_started) return;
  s.continue_sent = true;
  SubmitInformationalFor(s, 100, {});
}

void Http2Session::ConsumeFor(Stream& s, size_t bytes) {
  if (s.closed || done_) return;
  Invalidate();
  conn_->ConsumeData(s.id, bytes);
  host_->SessionChanged();
}

void Http2Session::AbortFor(Stream& s) {
  if (s.closed || done_) return;
  if (s.source != nullptr && !s.source_ended) s.source->Cancel();
  s.source.reset();
  Invalidate();
  (void)conn_->SubmitRstStream(s.id, h2::ErrorCode::kInternalError);
  host_->SessionChanged();
}

// ---- Bookkeeping ----

Http2Session::Stream* Http2Session::Find(h2::StreamId id) {
  auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

size_t Http2Session::open_streams() const {
  size_t n = 0;
  for (const auto& [id, s] : streams_) n += s->closed ? 0 : 1;
  return n;
}

void Http2Session::FinishExchange(Stream& s, bool completed) {
  if (s.source != nullptr) {
    if (!s.source_ended && !s.response_complete) s.source->Cancel();
    s.source.reset();
  }
  if (s.exchange == nullptr) return;
  std::shared_ptr<Exchange> exchange = std::move(s.exchange);
  s.exchange.reset();
  ExchangeResult result;
  result.status = s.status;
  result.body_bytes = s.body_bytes;
  result.completed = completed;
  result.elapsed = clock_->Now() - exchange->start_time();
  exchange->Finish(result);
}

void Http2Session::Defer(Deferred d) { deferred_.push_back(d); }

void Http2Session::RunDeferred() {
  std::vector<Deferred> work = std::move(deferred_);
  deferred_.clear();
  for (const Deferred& d : work) {
    Stream* s = Find(d.id);
    if (s == nullptr || s->closed) continue;
    Invalidate();
    switch (d.kind) {
      case Deferred::Kind::kComplete:
        FinishExchange(*s, /*completed=*/true);
        // §8.1: the response is complete before the request; ask the client to stop sending.
        if (!s->request_ended) (void)conn_->SubmitRstStream(d.id, h2::ErrorCode::kNoError);
        break;
      case Deferred::Kind::kTrailers: {
        std::vector<h2::HeaderRef> refs;
        AppendFields(s->trailers, /*trailers=*/true, &refs);
        if (tracer_) TraceFields("send", d.id, refs);
        (void)conn_->SubmitTrailers(d.id, refs);
        s->awaiting_trailers = false;
        s->source_ended = true;
        (void)conn_->ResumeData(d.id);
        break;
      }
      case Deferred::Kind::kReset:
        (void)conn_->SubmitRstStream(d.id, d.code);
        break;
    }
  }
}

void Http2Session::DispatchNew() {
  std::vector<h2::StreamId> ids = std::move(to_dispatch_);
  to_dispatch_.clear();
  for (h2::StreamId id : ids) {
    Stream* s = Find(id);
    if (s == nullptr || s->exchange == nullptr || s->exchange->finished()) continue;
    std::shared_ptr<Exchange> exchange = s->exchange;  // Dispatch may end the exchange
    app_->Dispatch(exchange);
  }
}

void Http2Session::Pump() {
  if (pumping_ || done_) return;
  pumping_ = true;
  for (int round = 0; round < 16; ++round) {
    if (!deferred_.empty()) RunDeferred();
    if (!to_dispatch_.empty()) DispatchNew();
    out_ = conn_->PendingOutput();  // may run data sources and deliver closes
    out_valid_ = true;
    if (deferred_.empty() && to_dispatch_.empty()) break;
  }
  pumping_ = false;
  // Out of rounds (a very busy turn): continue on the next one.
  if (!deferred_.empty() || !to_dispatch_.empty()) host_->SessionChanged();
}

void Http2Session::Advance() { Pump(); }

// ---- Output ----

size_t Http2Session::GatherOutput(std::span<std::span<const uint8_t>> out) const {
  if (!out_valid_ || done_ || out.empty()) return 0;
  size_t count = 0;
  if (extra_.empty()) {
    if (!out_.empty()) out[count++] = out_;
    return count;
  }
  size_t before = std::min(extra_at_, out_.size());
  if (before > 0) out[count++] = out_.first(before);
  if (before == extra_at_ && count < out.size()) {
    out[count++] = {reinterpret_cast<const uint8_t*>(extra_.data()), extra_.size()};
    if (out_.size() > before && count < out.size()) out[count++] = out_.subspan(before);
  }
  return count;
}

size_t Http2Session::pending_output() const {
  if (!out_valid_ || done_) return 0;
  return out_.size() + extra_.size();
}

void Http2Session::ConsumeOutput(size_t n) {
  if (done_ || !out_valid_) return;
  size_t engine = 0;
  size_t a = std::min({n, extra_at_, out_.size()});
  if (tracer_ && a > 0) tracer_->Send(out_.first(a), Now());
  engine += a;
  n -= a;
  if (!extra_.empty()) extra_at_ -= a;
  if (n > 0 && !extra_.empty() && extra_at_ == 0) {
    size_t b = std::min(n, extra_.size());
    if (tracer_) {
      tracer_->Send({reinterpret_cast<const uint8_t*>(extra_.data()), b}, Now());
    }
    extra_.erase(0, b);
    n -= b;
  }
  if (n > 0) {
    size_t c = std::min(n, out_.size() - engine);
    if (tracer_) tracer_->Send(out_.subspan(engine, c), Now());
    engine += c;
  }
  Invalidate();
  if (engine > 0) conn_->ConsumeOutput(engine);
  Pump();
}

bool Http2Session::done() const {
  if (done_) return true;
  if (!extra_.empty()) return false;
  return closing_ ? (out_valid_ && out_.empty()) || conn_->is_closed() : conn_->is_closed();
}

// ---- Timeouts, shutdown ----

SessionPhase Http2Session::phase() const {
  if (done() || closing_) return SessionPhase::kClosing;
  if (scanner_->in_header_block()) return SessionPhase::kReadingHead;
  bool any_open = false;
  bool waiting_on_peer = false;
  bool engine_idle = !conn_->want_write();
  for (const auto& [id, s] : streams_) {
    if (s->closed) continue;
    any_open = true;
    if (s->exchange != nullptr && !s->request_ended && s->exchange->body_wanted() &&
        s->exchange->unread_body_bytes() == 0) {
      waiting_on_peer = true;  // the application wants body bytes the client does not send
    }
    if (s->response_started && !s->response_complete && !s->source_waiting &&
        !s->awaiting_trailers && engine_idle) {
      waiting_on_peer = true;  // body ready, but the client's window is closed
    }
  }
  if (!any_open) {
    return requests_started_ == 0 ? SessionPhase::kFirstRequest : SessionPhase::kIdle;
  }
  return waiting_on_peer ? SessionPhase::kReadingBody : SessionPhase::kProcessing;
}

void Http2Session::OnTimeout(SessionPhase phase) {
  if (done_ || closing_) return;
  switch (phase) {
    case SessionPhase::kFirstRequest:
    case SessionPhase::kIdle:
      CloseAfterTimeout("idle timeout");
      return;
    case SessionPhase::kReadingHead:
      CloseAfterTimeout("header timeout");
      return;
    default:
      CloseAfterTimeout("timeout waiting for the client");
      return;
  }
}

void Http2Session::CloseAfterTimeout(std::string_view reason) {
  Invalidate();
  conn_->SubmitGoAway(h2::ErrorCode::kNoError, reason);
  for (auto& [id, s] : streams_) {
    if (!s->closed) (void)conn_->SubmitRstStream(id, h2::ErrorCode::kCancel);
  }
  closing_ = true;
  Pump();
}

void Http2Session::OnConnectionClosed() {
  if (done_) return;
  done_ = true;
  deferred_.clear();
  to_dispatch_.clear();
  // Every open stream gets OnStreamClosed(kCancel), which finishes its exchange as usual.
  conn_->OnTransportClosed();
  for (auto& [id, s] : streams_) {  // anything the engine no longer knew about
    if (s->closed) continue;
    s->closed = true;
    FinishExchange(*s, s->response_complete);
  }
}

std::optional<TimePoint> Http2Session::NextDeadline() const {
  if (done_) return std::nullopt;
  return conn_->NextDeadline();
}

void Http2Session::OnDeadline() {
  if (done_) return;
  Invalidate();
  conn_->OnTimer(Now());
  Pump();
}

void Http2Session::StartGracefulShutdown() {
  if (done_ || closing_) return;
  Invalidate();
  conn_->StartGracefulShutdown(Now());
  Pump();
}

// ---- Helpers ----

void Http2Session::AddDateHeader(Headers& headers) {
  std::time_t now = std::time(nullptr);
  if (now != date_second_ || date_value_.empty()) {
    date_second_ = now;
    date_value_ = FormatHttpDate(now);
  }
  headers.Add("date", date_value_);
}

void Http2Session::TraceFields(std::string_view direction, h2::StreamId id,
                               std::span<const h2::HeaderRef> fields) {
  if (!tracer_) return;
  TimePoint now = Now();
  for (const h2::HeaderRef& f : fields) {
    std::string text = "(stream_id=" + std::to_string(id) + ") ";
    text.append(f.name);
    text.append(": ");
    text.append(f.value);
    tracer_->Line(direction, text, now);
  }
}

}  // namespace h2engine::server
