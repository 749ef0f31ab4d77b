#include "server/exchange.h"

#include <utility>

#include "base/check.h"

namespace h2engine::server {

// ---- Request, RequestBody ----

std::string_view Request::Param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    size_t eq = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, eq), true);
    if (key == name) {
      return eq == std::string_view::npos ? std::string()
                                          : PercentDecode(pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string PercentDecode(std::string_view in, bool plus_is_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void RequestBody::Read(ReadCallback callback) const {
  if (exchange_ == nullptr) {
    BodyChunk chunk;
    chunk.error = true;
    callback(std::move(chunk));
    return;
  }
  std::shared_ptr<Exchange> exchange = exchange_->shared_from_this();
  LoopHandle loop = exchange->loop();
  loop.RunInLoop([exchange = std::move(exchange), callback = std::move(callback)]() mutable {
    exchange->ReadBody(std::move(callback));
  });
}

// ---- Exchange ----

std::shared_ptr<Exchange> Exchange::Create(LoopHandle loop, const Clock* clock, ExchangeSink* sink,
                                           Request request, const Options& options) {
  std::shared_ptr<Exchange> exchange(
      new Exchange(std::move(loop), clock, sink, std::move(request), options));
  exchange->request_.body_reader_.exchange_ = exchange.get();
  return exchange;
}

Exchange::Exchange(LoopHandle loop, const Clock* clock, ExchangeSink* sink, Request request,
                   const Options& options)
    : loop_(std::move(loop)),
      clock_(clock != nullptr ? clock : MonotonicClock::Get()),
      sink_(sink),
      request_(std::move(request)),
      options_(options),
      start_(clock_->Now()) {}

Exchange::~Exchange() {
  // The protocol must Finish() every exchange it created; one that was never given to a
  // protocol (tests) has no sink.
  H2_BUG_IF(!finished() && sink_ != nullptr);
}

void Exchange::DeliverBody(std::string_view data) {
  if (finished() || body_ended()) return;
  body_buffer_.append(data);
  MaybeCompleteRead();
}

void Exchange::DeliverBodyEnd(Headers trailers) {
  if (finished() || body_ended()) return;
  body_end_ = true;
  body_trailers_ = std::move(trailers);
  MaybeCompleteRead();
}

void Exchange::DeliverBodyError() {
  if (finished() || body_ended()) return;
  body_error_ = true;
  MaybeCompleteRead();
}

void Exchange::ReadBody(RequestBody::ReadCallback callback) {
  if (pending_read_) {
    BodyChunk chunk;
    chunk.error = true;  // one read at a time
    loop_.Post([callback = std::move(callback), chunk = std::move(chunk)]() mutable {
      callback(std::move(chunk));
    });
    return;
  }
  pending_read_ = std::move(callback);
  if (!body_wanted_) {
    body_wanted_ = true;
    if (sink_ != nullptr) sink_->OnRequestBodyWanted();
  }
  MaybeCompleteRead();
}

void Exchange::MaybeCompleteRead() {
  if (!pending_read_) return;
  if (body_buffer_.empty() && !body_ended() && !finished()) return;
  BodyChunk chunk;
  chunk.data = std::move(body_buffer_);
  body_buffer_.clear();
  chunk.end = body_end_;
  chunk.error = body_error_ || (finished() && !body_end_);
  if (chunk.end) chunk.trailers = body_trailers_;
  size_t consumed = chunk.data.size();
  RequestBody::ReadCallback callback = std::move(pending_read_);
  pending_read_ = nullptr;
  // Never inside Read: a reader that reads again from its callback must not recurse.
  loop_.Post([callback = std::move(callback), chunk = std::move(chunk)]() mutable {
    callback(std::move(chunk));
  });
  if (consumed > 0 && sink_ != nullptr) sink_->OnRequestBodyConsumed(consumed);
}

void Exchange::SubmitResponse(Response response) {
  if (finished() || sink_ == nullptr || response_submitted_) {
    if (response.body_source) response.body_source->Cancel();
    return;
  }
  response_submitted_ = true;
  for (auto it = filters_.rbegin(); it != filters_.rend(); ++it) (*it)(response);
  sink_->OnResponse(std::move(response));
}

void Exchange::SubmitInformational(int status, const Headers& headers) {
  if (finished() || sink_ == nullptr || response_submitted_) return;
  if (status < 100 || status > 199 || status == 101) return;
  sink_->OnInformational(status, headers);
}

void Exchange::Abort() {
  if (finished() || sink_ == nullptr) return;
  sink_->OnAbort();
}

void Exchange::Finish(const ExchangeResult& result) {
  if (finished()) return;
  finished_.store(true, std::memory_order_release);
  claimed_.store(true, std::memory_order_release);
  sink_ = nullptr;
  if (!body_end_) body_error_ = true;
  MaybeCompleteRead();  // a pending read learns the body will not complete
  pending_read_ = nullptr;
  // Move out first: a hook may drop the last reference to this exchange.
  std::vector<std::function<void(const ExchangeResult&)>> hooks = std::move(hooks_);
  hooks_.clear();
  filters_.clear();
  std::shared_ptr<Exchange> keep_alive = shared_from_this();
  for (auto& hook : hooks) hook(result);
}

bool Exchange::TakeCompleteBody(std::string* body, Headers* trailers) {
  if (!body_end_ || body_wanted_ || finished()) return false;
  *body = std::move(body_buffer_);
  body_buffer_.clear();
  *trailers = std::move(body_trailers_);
  body_wanted_ = true;
  if (!body->empty() && sink_ != nullptr) sink_->OnRequestBodyConsumed(body->size());
  return true;
}

// ---- Responder ----

// ResponderGuard answers 500 when the last Responder of an unanswered exchange goes away.
class Exchange::ResponderGuard {
 public:
  explicit ResponderGuard(std::weak_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {}
  ~ResponderGuard() {
    std::shared_ptr<Exchange> exchange = exchange_.lock();
    if (!exchange || !exchange->TryClaimResponse()) return;
    exchange->loop().RunInLoop([exchange] {
      exchange->SubmitResponse(Response::Text(500, "the handler did not respond\n"));
    });
  }

 private:
  std::weak_ptr<Exchange> exchange_;
};

Responder::Responder(std::shared_ptr<Exchange> exchange) : exchange_(std::move(exchange)) {
  if (!exchange_) return;
  guard_ = exchange_->guard_.lock();
  if (!guard_) {
    guard_ = std::make_shared<Exchange::ResponderGuard>(exchange_);
    exchange_->guard_ = guard_;
  }
}

bool Responder::Respond(Response response) const {
  if (!exchange_ || !exchange_->TryClaimResponse()) {
    if (response.body_source) response.body_source->Cancel();
    return false;
  }
  auto shared = std::make_shared<Response>(std::move(response));
  return exchange_->loop().RunInLoop(
      [exchange = exchange_, shared] { exchange->SubmitResponse(std::move(*shared)); });
}

bool Responder::Respond(int status, std::string body, std::string_view content_type) const {
  return Respond(Response::Text(status, std::move(body), content_type));
}

bool Responder::SendInformational(int status, Headers headers) const {
  if (!exchange_ || exchange_->finished()) return false;
  return exchange_->loop().RunInLoop([exchange = exchange_, status, headers = std::move(headers)] {
    exchange->SubmitInformational(status, headers);
  });
}

bool Responder::Abort() const {
  if (!exchange_ || !exchange_->TryClaimResponse()) return false;
  return exchange_->loop().RunInLoop([exchange = exchange_] { exchange->Abort(); });
}

void Responder::OnResponse(std::function<void(Response&)> filter) const {
  if (!exchange_) return;
  H2_DCHECK(exchange_->loop().IsInLoopThread());
  exchange_->AddFilter(std::move(filter));
}

void Responder::OnComplete(std::function<void(const ExchangeResult&)> hook) const {
  if (!exchange_) return;
  H2_DCHECK(exchange_->loop().IsInLoopThread());
  if (exchange_->finished()) return;
  exchange_->AddCompletionHook(std::move(hook));
}

}  // namespace h2engine::server
