// App: the router and middleware stack every protocol dispatches requests into.
//
//   App app;
//   app.Wrap(AccessLog(...));                               // middleware, outermost first
//   app.Get("/users/:id", [](Request& req, Responder res) {
//     res.Respond(200, "user " + std::string(req.Param("id")));
//   });
//   app.Post("/upload", handler).StreamBody();              // the handler pulls the body
//   app.Get("/static/*", StaticFiles({.root = "/srv/www"}));
//
// Patterns are '/'-separated segments: literal text, ":name" (one non-empty segment, captured
// percent-decoded as Param("name")), or a final "*" (the rest of the path, possibly empty or
// containing '/', captured as Param("*") still percent-encoded: decoding "%2F" there would
// make it ambiguous). Matching is on the path as received (literals are
// compared with the raw segment). When several routes match, the most specific wins, segment
// by segment: literal over parameter over wildcard; then the first registered.
//
// Methods: routes are registered per method (Get, Post, Put, Delete, Patch, Options, Head) or
// for any method (Any). HEAD requests use a GET route when there is no HEAD route (the
// protocol drops the body). No route for the path: 404. Routes for the path but not for the
// method: 405 with an `Allow` listing them. Both go through the middleware (so they are
// logged) and can be replaced (SetNotFound, SetMethodNotAllowed).
//
// Bodies: by default a route's handler runs once the whole request body is in Request::body
// (up to AppOptions::max_body_bytes: beyond it 413). A StreamBody() route's handler runs when
// the head arrives and reads the body itself (Request::body_reader()).
//
// Middleware run in the order they were added (the first added is the outermost), after
// routing and body buffering, on the loop thread; the chain's `next` must be called on the
// loop thread (hop back with responder.loop().RunInLoop if needed).
//
// Threads: configure the App before serving; after that it is read-only and may be shared by
// all loop threads. Handlers run on the loop thread of their connection.

#ifndef H2ENGINE_SERVER_ROUTER_H_
#define H2ENGINE_SERVER_ROUTER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/exchange.h"

namespace h2engine::server {

struct AppOptions {
  // Largest request body a buffered route accepts (413 beyond). The protocol's own limit
  // (Http1Limits::max_body_bytes) applies first.
  uint64_t max_body_bytes = 8 * 1024 * 1024;
};

class Route {
 public:
  // StreamBody makes the handler run at the head and read the body itself.
  Route& StreamBody(bool on = true) {
    stream_body_ = on;
    return *this;
  }
  const std::string& method() const { return method_; }
  const std::string& pattern() const { return pattern_; }
  bool stream_body() const { return stream_body_; }

 private:
  friend class App;
  enum class SegmentKind : uint8_t { kWildcard = 1, kParam = 2, kLiteral = 3 };
  struct Segment {
    SegmentKind kind;
    std::string text;  // literal text or parameter name
  };
  std::string method_;  // "" for any method
  std::string pattern_;
  std::vector<Segment> segments_;
  Handler handler_;
  bool stream_body_ = false;
};

class App {
 public:
  explicit App(const AppOptions& options = {});

  Route& Get(std::string_view pattern, Handler handler) {
    return Add("GET", pattern, std::move(handler));
  }
  Route& Post(std::string_view pattern, Handler handler) {
    return Add("POST", pattern, std::move(handler));
  }
  Route& Put(std::string_view pattern, Handler handler) {
    return Add("PUT", pattern, std::move(handler));
  }
  Route& Delete(std::string_view pattern, Handler handler) {
    return Add("DELETE", pattern, std::move(handler));
  }
  Route& Patch(std::string_view pattern, Handler handler) {
    return Add("PATCH", pattern, std::move(handler));
  }
  Route& Options(std::string_view pattern, Handler handler) {
    return Add("OPTIONS", pattern, std::move(handler));
  }
  Route& Head(std::string_view pattern, Handler handler) {
    return Add("HEAD", pattern, std::move(handler));
  }
  Route& Any(std::string_view pattern, Handler handler) {
    return Add("", pattern, std::move(handler));
  }
  // Add registers a route for `method` ("" = any). A pattern that does not start with '/' or
  // has '*' other than as its last segment is a programming error (H2_CHECK).
  Route& Add(std::string_view method, std::string_view pattern, Handler handler);

  // Wrap adds a middleware; the first added runs first (outermost).
  void Wrap(Middleware middleware) { middleware_.push_back(std::move(middleware)); }
  void SetNotFound(Handler handler) { not_found_ = std::move(handler); }
  // SetMethodNotAllowed: the handler finds the allowed methods in the `allow` response
  // header it should send; App passes them as Param("allow").
  void SetMethodNotAllowed(Handler handler) { method_not_allowed_ = std::move(handler); }

  // Match: what routing decided for a method and path.
  struct Match {
    const Route* route = nullptr;  // null: not found or method not allowed
    std::string allow;             // for 405: "GET, HEAD, POST"
    std::vector<std::pair<std::string, std::string>> params;
  };
  Match Resolve(std::string_view method, std::string_view path) const;

  // Dispatch runs the application for an exchange the protocol created (loop thread):
  // routing, body buffering, middleware, handler.
  void Dispatch(const std::shared_ptr<Exchange>& exchange) const;

  const AppOptions& options() const { return options_; }

 private:
  void RunChain(size_t index, Request& request, Responder responder, const Handler& last) const;
  void Buffer(std::shared_ptr<Exchange> exchange, Handler handler) const;

  AppOptions options_;
  std::vector<std::unique_ptr<Route>> routes_;
  std::vector<Middleware> middleware_;
  Handler not_found_;
  Handler method_not_allowed_;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_ROUTER_H_
