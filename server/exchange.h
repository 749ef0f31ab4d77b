// Exchange, Responder and the handler signature: how an application answers a request, on
// any protocol, now or later, from any thread.
//
//   using Handler = std::function<void(Request&, Responder)>;
//
// A handler is called on the connection's loop thread. It answers through the Responder,
// either before returning or later from any thread (a thread pool, a database callback): the
// Responder posts the response back to the loop (EventLoop::RunInLoop through a LoopHandle, so
// a Responder outliving the loop or the connection is harmless: Respond() then does nothing).
// The Responder is a cheap copyable handle; the first Respond() wins, later ones return false.
// If every copy of a handler's Responder is destroyed without an answer, the exchange is
// answered with 500 (a handler bug must not leave the client hanging).
//
// Middleware wraps handlers: `void(Request&, Responder, const Next&)`. It may look at or
// change the request, answer by itself, or call next(request, responder), and may register
// OnResponse filters (run on the loop thread just before the response goes to the protocol,
// innermost first, so they can add headers) and OnComplete hooks (run once when the exchange
// ends, completed or not: access logs, metrics).
//
// An Exchange is the state one request/response pair shares between the protocol and the
// application: the Request, the request-body buffer and its pending read, the response claim,
// filters and hooks. The protocol implements ExchangeSink (HTTP/1.1 now, an HTTP/2 stream
// later), delivers request body bytes (DeliverBody*), and calls Finish() exactly once when it
// is done with the exchange (response sent, stream reset or connection lost); after that the
// application's calls are ignored. Everything in Exchange runs on the loop thread except
// TryClaimResponse() and finished().
//
// Reference cycles: hooks and pending reads usually capture the Responder, which owns the
// Exchange; Finish() drops them, so every exchange the protocol finishes is freed.

#ifndef H2ENGINE_SERVER_EXCHANGE_H_
#define H2ENGINE_SERVER_EXCHANGE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/clock.h"
#include "server/event_loop.h"
#include "server/headers.h"
#include "server/request.h"
#include "server/response.h"

namespace h2engine::server {

// ExchangeResult: how an exchange ended, for OnComplete hooks.
struct ExchangeResult {
  int status = 0;           // the final status sent, 0 if none was
  uint64_t body_bytes = 0;  // response body bytes written to the protocol
  bool completed = false;   // the whole response was handed to the transport
  Duration elapsed{};       // from the request head's arrival to the end
};

// ExchangeSink: the protocol side of an exchange. Called on the loop thread; implementations
// must tolerate being called from inside their own calls into the Exchange (they typically
// record what happened and act when control returns to them).
class ExchangeSink {
 public:
  virtual ~ExchangeSink() = default;
  // OnResponse: the application's final response (filters applied).
  virtual void OnResponse(Response response) = 0;
  // OnInformational: a 1xx response (e.g. 103 Early Hints) before the final one.
  virtual void OnInformational(int status, const Headers& headers) = 0;
  // OnRequestBodyWanted: the application asked for the body for the first time (HTTP/1.1
  // sends 100 Continue if the client is waiting for it).
  virtual void OnRequestBodyWanted() = 0;
  // OnRequestBodyConsumed: the application took `bytes` from the body buffer; the protocol
  // may accept that much more (HTTP/1.1 reads again; HTTP/2 sends WINDOW_UPDATE).
  virtual void OnRequestBodyConsumed(size_t bytes) = 0;
  // OnAbort: the application gave up without a (complete) response: reset the stream or
  // close the connection.
  virtual void OnAbort() = 0;
};

class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  struct Options {
    size_t body_window = 64 * 1024;  // unread request-body bytes buffered before back pressure
  };

  static std::shared_ptr<Exchange> Create(LoopHandle loop, const Clock* clock, ExchangeSink* sink,
                                          Request request, const Options& options);
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  ~Exchange();

  Request& request() { return request_; }
  const LoopHandle& loop() const { return loop_; }

  // ---- Protocol side (loop thread) ----
  void DeliverBody(std::string_view data);
  void DeliverBodyEnd(Headers trailers);
  void DeliverBodyError();
  // unread_body_bytes: delivered but not yet taken by a Read; the protocol stops accepting
  // body bytes while this is >= body_window().
  size_t unread_body_bytes() const { return body_buffer_.size(); }
  size_t body_window() const { return options_.body_window; }
  bool body_ended() const { return body_end_ || body_error_; }
  bool body_wanted() const { return body_wanted_; }
  bool response_submitted() const { return response_submitted_; }
  // Finish ends the exchange (see the header comment). Idempotent.
  void Finish(const ExchangeResult& result);
  bool finished() const { return finished_.load(std::memory_order_acquire); }

  // ---- Application side (through Responder and RequestBody) ----
  // TryClaimResponse: true for the first caller only (any thread).
  bool TryClaimResponse() { return !claimed_.exchange(true, std::memory_order_acq_rel); }
  bool claimed() const { return claimed_.load(std::memory_order_acquire); }
  void SubmitResponse(Response response);
  void SubmitInformational(int status, const Headers& headers);
  void Abort();
  void ReadBody(RequestBody::ReadCallback callback);
  void AddFilter(std::function<void(Response&)> filter) { filters_.push_back(std::move(filter)); }
  void AddCompletionHook(std::function<void(const ExchangeResult&)> hook) {
    hooks_.push_back(std::move(hook));
  }
  TimePoint start_time() const { return start_; }
  // TakeCompleteBody moves the body and trailers out if the body has fully arrived and
  // nothing was read yet; false otherwise (loop thread).
  bool TakeCompleteBody(std::string* body, Headers* trailers);

 private:
  friend class Responder;
  class ResponderGuard;

  Exchange(LoopHandle loop, const Clock* clock, ExchangeSink* sink, Request request,
           const Options& options);
  void MaybeCompleteRead();

  LoopHandle loop_;
  const Clock* clock_;
  ExchangeSink* sink_;
  Request request_;
  Options options_;
  TimePoint start_;

  std::string body_buffer_;
  Headers body_trailers_;
  bool body_end_ = false;
  bool body_error_ = false;
  bool body_wanted_ = false;
  RequestBody::ReadCallback pending_read_;

  std::atomic<bool> claimed_{false};
  std::atomic<bool> finished_{false};
  bool response_submitted_ = false;
  std::vector<std::function<void(Response&)>> filters_;
  std::vector<std::function<void(const ExchangeResult&)>> hooks_;
  std::weak_ptr<ResponderGuard> guard_;  // shared by the Responders made from this exchange
};

// Responder: the application's handle on one exchange. Copyable; thread-safe except where
// noted.
class Responder {
 public:
  Responder() = default;
  // Responder: a handle on `exchange` (loop thread). Every Responder made from the same
  // exchange shares one guard (see the header comment).
  explicit Responder(std::shared_ptr<Exchange> exchange);

  // Respond sends the final response. Returns false if a response was already given or
  // aborted (or the Responder is empty); true means it was handed to the loop, which drops it
  // if the connection has gone meanwhile.
  bool Respond(Response response) const;
  bool Respond(int status, std::string body,
               std::string_view content_type = "text/plain; charset=utf-8") const;
  // SendInformational sends a 1xx response (103 Early Hints, ...) before the final one.
  bool SendInformational(int status, Headers headers = {}) const;
  // Abort ends the exchange without a response (HTTP/1.1: the connection is closed; HTTP/2:
  // the stream is reset). False if a response was already given.
  bool Abort() const;

  // Loop thread only (middleware): see the header comment.
  void OnResponse(std::function<void(Response&)> filter) const;
  void OnComplete(std::function<void(const ExchangeResult&)> hook) const;

  // request: valid as long as this Responder (or a copy) exists.
  Request& request() const { return exchange_->request(); }
  LoopHandle loop() const { return exchange_ ? exchange_->loop() : LoopHandle(); }
  // responded: a response (or abort) was claimed.
  bool responded() const { return exchange_ && exchange_->claimed(); }
  // alive: the protocol still wants an answer (the client has not gone away).
  bool alive() const { return exchange_ && !exchange_->finished(); }
  bool valid() const { return exchange_ != nullptr; }

 private:
  std::shared_ptr<Exchange> exchange_;
  std::shared_ptr<Exchange::ResponderGuard> guard_;
};

using Handler = std::function<void(Request& request, Responder responder)>;
using Next = std::function<void(Request& request, Responder responder)>;
using Middleware = std::function<void(Request& request, Responder responder, const Next& next)>;

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_EXCHANGE_H_
