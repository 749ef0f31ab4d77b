#include "server/http1_session.h"

#include <algorithm>
#include <ctime>
#include <utility>
#include <vector>

#include "base/check.h"
#include "server/http_date.h"

namespace h2engine::server {

const char* SessionPhaseName(SessionPhase phase) {
  switch (phase) {
    case SessionPhase::kHandshake:
      return "kHandshake";
    case SessionPhase::kFirstRequest:
      return "kFirstRequest";
    case SessionPhase::kIdle:
      return "kIdle";
    case SessionPhase::kReadingHead:
      return "kReadingHead";
    case SessionPhase::kReadingBody:
      return "kReadingBody";
    case SessionPhase::kProcessing:
      return "kProcessing";
    case SessionPhase::kClosing:
      return "kClosing";
  }
  return "?";
}

Http1Session::Http1Session(SessionHost* host, const App* app, const Http1SessionOptions& options,
                           ConnectionInfo info, const Clock* clock)
    : host_(host),
      app_(app),
      options_(options),
      info_(std::move(info)),
      clock_(clock != nullptr ? clock : MonotonicClock::Get()),
      parser_(options.limits) {}

Http1Session::~Http1Session() { OnConnectionClosed(); }

// ---- Input ----

size_t Http1Session::ProcessInput(std::span<const uint8_t> input) {
  if (upgraded_ != nullptr) return upgraded_->ProcessInput(input);
  if (done_) return input.size();  // closing: nothing more is read as HTTP
  size_t pos = 0;
  while (pos < input.size() && !done_) {
    // A request whose response is already queued ends here, so that several pipelined
    // requests are served in one call.
    if (parser_.message_done()) Advance();
    if (done_ || parser_.message_done() || parser_.has_error()) break;
    if (OutputFullBetweenRequests()) break;
    size_t allow = input.size() - pos;
    if (parser_.in_body() && exchange_ != nullptr) {
      // Back pressure: never give the exchange more than its window of unread body.
      size_t unread = exchange_->unread_body_bytes();
      size_t window = exchange_->body_window();
      if (unread >= window) break;
      allow = std::min(allow, window - unread);
    }
    size_t n = parser_.Parse(input.subspan(pos, allow), *this);
    pos += n;
    if (parse_error_ != Http1Error::kNone) {
      HandleParseError();
      break;
    }
    if (upgrade_head_ && request_complete_) {
      if (TryUpgrade()) return pos;  // the rest of the input is HTTP/2
      pending_head_ = std::move(upgrade_head_);
      upgrade_head_.reset();
    }
    if (pending_head_) StartExchange();
    if (n == 0) break;
  }
  Advance();
  return pos;
}

void Http1Session::OnRequestHead(RequestHead head) { pending_head_ = std::move(head); }

void Http1Session::OnH2cUpgrade(RequestHead head, std::string http2_settings) {
  bool bodiless = head.framing == BodyFraming::kNone ||
                  (head.framing == BodyFraming::kContentLength && head.content_length == 0);
  if (!options_.h2c_upgrade || !bodiless || shutting_down_) {
    pending_head_ = std::move(head);  // served as HTTP/1.1 (RFC 9110 §7.8)
    return;
  }
  upgrade_head_ = std::move(head);
  upgrade_settings_ = std::move(http2_settings);
}

bool Http1Session::TryUpgrade() {
  std::unique_ptr<Session> h2 = options_.h2c_upgrade(host_, *upgrade_head_, upgrade_settings_);
  if (h2 == nullptr) return false;
  upgrade_head_.reset();
  upgrade_settings_.clear();
  ++requests_started_;
  // RFC 7540 §3.2: the 101, then the server's connection preface (the HTTP/2 session's
  // SETTINGS, already queued) and the response on stream 1.
  Http1ResponseWriter::WriteSwitchingToH2c(output_);
  upgraded_ = std::move(h2);
  if (input_closed_) upgraded_->OnInputClosed();
  if (shutting_down_) upgraded_->StartGracefulShutdown();
  host_->SessionChanged();
  return true;
}

void Http1Session::OnBody(std::string_view data) {
  if (exchange_ != nullptr) exchange_->DeliverBody(data);
  // Otherwise the response is already out and the rest of the body is discarded.
}

void Http1Session::OnMessageComplete(Headers trailers) {
  request_complete_ = true;
  if (exchange_ != nullptr) {
    exchange_->DeliverBodyEnd(std::move(trailers));
  } else if (pending_head_) {
    pending_trailers_ = std::move(trailers);
  }
}

void Http1Session::OnError(Http1Error error) { parse_error_ = error; }

void Http1Session::StartExchange() {
  RequestHead head = std::move(*pending_head_);
  pending_head_.reset();
  request_info_ = Http1ResponseWriter::InfoFor(head);
  expect_continue_ = head.expect_continue;
  ++requests_started_;

  Request request;
  request.method = std::move(head.method);
  request.path = std::move(head.path);
  request.query = std::move(head.query);
  request.authority = std::move(head.authority);
  request.scheme = info_.scheme;
  request.protocol = head.version_minor == 1 ? "http/1.1" : "http/1.0";
  request.peer = info_.peer;
  request.headers = std::move(head.headers);

  Exchange::Options exchange_options;
  exchange_options.body_window = options_.body_window;
  exchange_ =
      Exchange::Create(host_->loop().handle(), clock_, this, std::move(request), exchange_options);
  if (request_complete_) exchange_->DeliverBodyEnd(std::move(pending_trailers_));
  std::shared_ptr<Exchange> exchange = exchange_;  // Dispatch may end the exchange
  app_->Dispatch(exchange);
}

void Http1Session::HandleParseError() {
  int status = Http1ErrorStatus(parse_error_);
  bool can_answer = !response_started_;
  FinishExchange(/*completed=*/false);
  if (can_answer) {
    WriteErrorResponse(status, Http1ErrorName(parse_error_));
  } else {
    done_ = true;  // a response is already (partly) out: just close after it
  }
}

void Http1Session::OnInputClosed() {
  input_closed_ = true;
  if (upgraded_ != nullptr) {
    upgraded_->OnInputClosed();
    return;
  }
  if (done_) return;
  if (exchange_ == nullptr || !request_complete_) {
    // Nothing in progress, a partial head, or a body that will never complete: the client
    // is gone (or broke the framing); close.
    FinishExchange(/*completed=*/false);
    done_ = true;
  }
  // Otherwise the request is complete: answer it, then close (Advance sees input_closed_).
}

bool Http1Session::OutputFullBetweenRequests() const {
  // A pipelining client that does not read its responses must not make them pile up: the
  // next request is not started while the output queue is above its high-water mark.
  return exchange_ == nullptr && !parser_.in_body() && output_.size() >= options_.output_high_water;
}

bool Http1Session::wants_input() const {
  if (upgraded_ != nullptr) return upgraded_->wants_input();
  if (done_ || parser_.has_error() || parser_.message_done()) return false;
  if (OutputFullBetweenRequests()) return false;
  if (exchange_ != nullptr && parser_.in_body()) {
    return exchange_->unread_body_bytes() < exchange_->body_window();
  }
  return true;
}

// ---- State machine ----

void Http1Session::Advance() {
  if (upgraded_ != nullptr) {
    upgraded_->Advance();
    return;
  }
  if (done_) return;
  if (exchange_ != nullptr && response_started_ && !response_done_) PullBody();
  if (done_) return;
  if (exchange_ != nullptr && response_done_) {
    bool keep_alive =
        writer_.keep_alive() && !response_broken_ && !input_closed_ && !shutting_down_;
    // The client may still be waiting to send a body we never asked for.
    if (!request_complete_ && expect_continue_ && !continue_sent_) keep_alive = false;
    FinishExchange(/*completed=*/true);
    if (!keep_alive) {
      done_ = true;
      return;
    }
  }
  if (exchange_ == nullptr && response_done_ && request_complete_) {
    ResetForNextRequest();
    host_->SessionChanged();  // buffered input may hold the next (pipelined) request
  }
}

void Http1Session::ResetForNextRequest() {
  parser_.NextMessage();
  pending_trailers_.clear();
  request_complete_ = false;
  expect_continue_ = false;
  continue_sent_ = false;
  response_started_ = false;
  response_done_ = false;
  response_broken_ = false;
  status_ = 0;
  writer_ = Http1ResponseWriter();
  source_.reset();
  source_waiting_ = false;
  source_resumed_ = false;
  trailers_.clear();
}

void Http1Session::FinishExchange(bool completed) {
  if (source_ != nullptr) {
    source_->Cancel();
    source_.reset();
  }
  if (exchange_ == nullptr) return;
  std::shared_ptr<Exchange> exchange = std::move(exchange_);
  exchange_.reset();
  ExchangeResult result;
  result.status = status_;
  result.body_bytes = writer_.body_bytes();
  result.completed = completed;
  result.elapsed = clock_->Now() - exchange->start_time();
  exchange->Finish(result);
}

void Http1Session::PullBody() {
  while (source_ != nullptr && !source_waiting_ && output_.size() < options_.output_high_water) {
    std::string chunk;
    source_resumed_ = false;
    BodySource::Status status = source_->Read(options_.response_chunk_bytes, &chunk);
    bool got_data = !chunk.empty();
    if (got_data) writer_.Body(std::move(chunk), output_);
    switch (status) {
      case BodySource::Status::kData:
        if (H2_BUG_IF(!got_data)) {  // a source must make progress; treat as failure
          source_.reset();
          FinishExchange(false);
          done_ = true;
          return;
        }
        break;
      case BodySource::Status::kLater:
        source_waiting_ = !source_resumed_;
        if (source_waiting_) return;
        break;
      case BodySource::Status::kEnd: {
        Headers trailers = std::move(trailers_);
        for (const HeaderField& f : source_->Trailers()) trailers.Add(f.name, f.value);
        source_.reset();
        if (!writer_.Finish(trailers, output_)) response_broken_ = true;
        response_done_ = true;
        return;
      }
      case BodySource::Status::kError:
        // The body is cut short: closing the connection is how HTTP/1.1 says so.
        source_.reset();
        FinishExchange(false);
        done_ = true;
        return;
    }
  }
}

void Http1Session::OnSourceResumed() {
  source_resumed_ = true;
  if (source_waiting_) {
    source_waiting_ = false;
    host_->SessionChanged();
  }
}

// ---- ExchangeSink ----

void Http1Session::OnResponse(Response response) {
  if (exchange_ == nullptr || response_started_ || done_) {
    if (response.body_source) response.body_source->Cancel();
    return;
  }
  int status = response.status;
  if (status < 200 || status > 999) status = 500;
  // Fields the application's `connection` field nominates are hop-by-hop (RFC 9110 §7.6.1);
  // the writer replaces `connection` with its own, so they go too (as over HTTP/2).
  std::vector<std::string> nominated;
  for (std::string_view value : response.headers.GetAll("connection")) {
    ForEachListElement(value, [&](std::string_view token) {
      std::string name = AsciiLower(token);
      if (name != "close" && name != "keep-alive" && !IsConnectionSpecificHeader(name)) {
        nominated.push_back(std::move(name));
      }
    });
  }
  for (const std::string& name : nominated) response.headers.Remove(name);
  if (expect_continue_ && !continue_sent_ && !request_complete_) {
    // A final answer without reading the body: the client may or may not send it now, so the
    // connection cannot carry another request (RFC 9110 §10.1.1).
    response.headers.Set("connection", "close");
  }
  if (shutting_down_) response.headers.Set("connection", "close");
  if (!options_.alt_svc.empty() && !response.headers.Has("alt-svc")) {
    response.headers.Add("alt-svc", options_.alt_svc);
  }
  if (options_.add_date_header && !response.headers.Has("date")) AddDateHeader(response.headers);
  writer_.Begin(request_info_, status, response.headers, response.BodyLength(),
                !response.trailers.empty(), output_);
  response_started_ = true;
  status_ = status;
  if (!writer_.body_allowed()) {
    if (response.body_source) response.body_source->Cancel();
    (void)writer_.Finish({}, output_);
    response_done_ = true;
  } else if (response.body_source) {
    source_ = std::move(response.body_source);
    trailers_ = std::move(response.trailers);
    std::weak_ptr<int> alive = alive_;
    LoopHandle loop = host_->loop().handle();
    source_->Start([alive, loop, this] {
      loop.RunInLoop([alive, this] {
        if (alive.lock()) OnSourceResumed();
      });
    });
  } else {
    writer_.Body(std::move(response.body), output_);
    if (!writer_.Finish(response.trailers, output_)) response_broken_ = true;
    response_done_ = true;
  }
  host_->SessionChanged();
}

void Http1Session::OnInformational(int status, const Headers& headers) {
  // No 1xx to HTTP/1.0 clients (RFC 9110 §15.2).
  if (exchange_ == nullptr || response_started_ || request_info_.version_minor == 0) return;
  Http1ResponseWriter::WriteInterim(status, headers, output_);
  host_->SessionChanged();
}

void Http1Session::OnRequestBodyWanted() {
  if (expect_continue_ && !continue_sent_ && !response_started_ && !request_complete_) {
    Http1ResponseWriter::WriteInterim(100, {}, output_);
    continue_sent_ = true;
    host_->SessionChanged();
  }
}

void Http1Session::OnRequestBodyConsumed(size_t /*bytes*/) { host_->SessionChanged(); }

void Http1Session::OnAbort() {
  FinishExchange(false);
  done_ = true;
  host_->SessionChanged();
}

// ---- Output, timeouts, teardown ----

size_t Http1Session::GatherOutput(std::span<std::span<const uint8_t>> out) const {
  size_t count = output_.Gather(out);
  if (upgraded_ != nullptr && count < out.size()) {
    count += upgraded_->GatherOutput(out.subspan(count));
  }
  return count;
}

size_t Http1Session::pending_output() const {
  return output_.size() + (upgraded_ != nullptr ? upgraded_->pending_output() : 0);
}

void Http1Session::ConsumeOutput(size_t n) {
  size_t own = std::min(n, output_.size());
  output_.Consume(own);
  if (upgraded_ != nullptr) {
    upgraded_->ConsumeOutput(n - own);
    return;
  }
  Advance();
}

bool Http1Session::done() const { return upgraded_ != nullptr ? upgraded_->done() : done_; }

uint64_t Http1Session::requests_started() const {
  return requests_started_ + (upgraded_ != nullptr ? upgraded_->requests_started() : 0);
}

std::optional<TimePoint> Http1Session::NextDeadline() const {
  return upgraded_ != nullptr ? upgraded_->NextDeadline() : std::nullopt;
}

void Http1Session::OnDeadline() {
  if (upgraded_ != nullptr) upgraded_->OnDeadline();
}

void Http1Session::StartGracefulShutdown() {
  if (upgraded_ != nullptr) {
    upgraded_->StartGracefulShutdown();
    return;
  }
  if (shutting_down_ || done_) return;
  shutting_down_ = true;
  if (exchange_ == nullptr && !response_started_ && parser_.idle() && !pending_head_ &&
      !upgrade_head_) {
    done_ = true;  // idle: close now
    return;
  }
  // A response in flight: Advance closes after it (OnResponse adds `connection: close` if it
  // has not started yet). A partly received head is answered, then the connection closes.
}

SessionPhase Http1Session::phase() const {
  if (upgraded_ != nullptr) return upgraded_->phase();
  if (done_) return SessionPhase::kClosing;
  if (exchange_ == nullptr && !response_started_) {
    if (parser_.idle())
      return requests_started_ == 0 ? SessionPhase::kFirstRequest : SessionPhase::kIdle;
    return SessionPhase::kReadingHead;
  }
  if (exchange_ == nullptr) {
    // The response is out; either discarding the rest of the body or about to move on.
    return request_complete_ ? SessionPhase::kProcessing : SessionPhase::kReadingBody;
  }
  if (!request_complete_ && !(expect_continue_ && !continue_sent_) &&
      exchange_->unread_body_bytes() < exchange_->body_window()) {
    return SessionPhase::kReadingBody;
  }
  return SessionPhase::kProcessing;
}

void Http1Session::OnTimeout(SessionPhase phase) {
  if (upgraded_ != nullptr) {
    upgraded_->OnTimeout(phase);
    return;
  }
  if (done_) return;
  switch (phase) {
    case SessionPhase::kFirstRequest:
    case SessionPhase::kIdle:
      done_ = true;  // close quietly
      return;
    case SessionPhase::kReadingHead:
    case SessionPhase::kReadingBody:
      if (!response_started_) {
        FinishExchange(false);
        WriteErrorResponse(408, "request timeout");
        return;
      }
      break;
    default:
      break;
  }
  FinishExchange(false);
  done_ = true;
}

void Http1Session::OnConnectionClosed() {
  if (upgraded_ != nullptr) upgraded_->OnConnectionClosed();
  FinishExchange(false);
  done_ = true;
}

void Http1Session::WriteErrorResponse(int status, std::string_view message) {
  Headers headers{{"content-type", "text/plain; charset=utf-8"}};
  if (options_.add_date_header) AddDateHeader(headers);
  std::string body = std::string(message) + "\n";
  Http1ResponseWriter writer;
  Http1ResponseWriter::RequestInfo info;
  info.keep_alive = false;
  writer.Begin(info, status, headers, body.size(), false, output_);
  writer.Body(std::move(body), output_);
  (void)writer.Finish({}, output_);
  response_started_ = true;
  status_ = status;
  done_ = true;
}

void Http1Session::AddDateHeader(Headers& headers) {
  std::time_t now = std::time(nullptr);
  if (now != date_second_ || date_value_.empty()) {
    date_second_ = now;
    date_value_ = FormatHttpDate(now);
  }
  headers.Add("date", date_value_);
}

}  // namespace h2engine::server
