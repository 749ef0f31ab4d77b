#include "server/router.h"

#include <algorithm>
#include <utility>

#include "base/check.h"

namespace h2engine::server {
namespace {

// SplitPath: "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

int MethodOrder(std::string_view m) {
  static constexpr std::string_view kOrder[] = {"GET",    "HEAD",  "POST",   "PUT",
                                                "DELETE", "PATCH", "OPTIONS"};
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (kOrder[i] == m) return static_cast<int>(i);
  }
  return static_cast<int>(std::size(kOrder));
}

void DefaultNotFound(Request&, Responder responder) { responder.Respond(404, "not found\n"); }

void DefaultMethodNotAllowed(Request& request, Responder responder) {
  Response response = Response::Text(405, "method not allowed\n");
  response.headers.Add("allow", request.Param("allow"));
  responder.Respond(std::move(response));
}

// BodyBufferer reads a whole request body into Request::body, then runs the chain.
class BodyBufferer : public std::enable_shared_from_this<BodyBufferer> {
 public:
  BodyBufferer(uint64_t limit, std::shared_ptr<Exchange> exchange,
               std::function<void(Request&, Responder)> then)
      : limit_(limit), exchange_(std::move(exchange)), then_(std::move(then)) {}

  void ReadMore() {
    exchange_->request().body_reader().Read(
        [self = shared_from_this()](BodyChunk chunk) { self->OnChunk(std::move(chunk)); });
  }

 private:
  void OnChunk(BodyChunk chunk) {
    Request& request = exchange_->request();
    if (chunk.error) {
      // The protocol has already answered a framing error or lost the client; this is for
      // anything else.
      Responder(exchange_).Respond(400, "bad request body\n");
      return;
    }
    if (chunk.data.size() > limit_ - request.body.size()) {
      Responder(exchange_).Respond(413, "request body too large\n");
      return;
    }
    request.body.append(chunk.data);
    if (chunk.end) {
      request.trailers = std::move(chunk.trailers);
      then_(request, Responder(exchange_));
      return;
    }
    ReadMore();
  }

  const uint64_t limit_;
  std::shared_ptr<Exchange> exchange_;
  std::function<void(Request&, Responder)> then_;
};

}  // namespace

App::App(const AppOptions& options) : options_(options) {}

Route& App::Add(std::string_view method, std::string_view pattern, Handler handler) {
  H2_CHECK(!pattern.empty() && pattern.front() == '/');
  auto route = std::make_unique<Route>();
  route->method_ = std::string(method);
  route->pattern_ = std::string(pattern);
  route->handler_ = std::move(handler);
  std::vector<std::string_view> parts = SplitPath(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    if (part == "*") {
      H2_CHECK(i + 1 == parts.size());  // the wildcard must be last
      route->segments_.push_back({Route::SegmentKind::kWildcard, "*"});
    } else if (!part.empty() && part.front() == ':') {
      H2_CHECK(part.size() > 1);
      route->segments_.push_back({Route::SegmentKind::kParam, std::string(part.substr(1))});
    } else {
      H2_CHECK(part.find('*') == std::string_view::npos);
      route->segments_.push_back({Route::SegmentKind::kLiteral, std::string(part)});
    }
  }
  routes_.push_back(std::move(route));
  return *routes_.back();
}

App::Match App::Resolve(std::string_view method, std::string_view path) const {
  Match best;
  std::vector<uint8_t> best_rank;
  std::vector<std::string> allowed;
  std::vector<std::string_view> parts = SplitPath(path);

  for (const auto& route : routes_) {
    // Does the path match, and how specifically?
    std::vector<uint8_t> rank;
    std::vector<std::pair<std::string, std::string>> params;
    bool ok = true;
    bool rest_taken = false;
    for (size_t i = 0; i < route->segments_.size(); ++i) {
      if (i >= parts.size()) {
        ok = false;
        break;
      }
      const Route::Segment& seg = route->segments_[i];
      rank.push_back(static_cast<uint8_t>(seg.kind));
      if (seg.kind == Route::SegmentKind::kWildcard) {
        // The rest of the path, from this segment on.
        size_t offset = static_cast<size_t>(parts[i].data() - path.data());
        params.emplace_back("*", std::string(path.substr(offset)));
        rest_taken = true;
        break;
      }
      if (seg.kind == Route::SegmentKind::kParam) {
        if (parts[i].empty()) {
          ok = false;
          break;
        }
        params.emplace_back(seg.text, PercentDecode(parts[i]));
      } else if (parts[i] != seg.text) {
        ok = false;
        break;
      }
    }
    if (ok && !rest_taken && parts.size() != route->segments_.size()) ok = false;
    if (!ok) continue;

    // The path matches: which methods does this route take?
    bool exact = route->method_.empty() || route->method_ == method;
    bool head_via_get = method == "HEAD" && route->method_ == "GET";
    if (!route->method_.empty()) {
      allowed.push_back(route->method_);
      if (route->method_ == "GET") allowed.push_back("HEAD");
    }
    if (!exact && !head_via_get) continue;
    rank.push_back(exact ? 1 : 0);  // an explicit HEAD route beats GET's at equal specificity
    if (best.route == nullptr || rank > best_rank) {
      best.route = route.get();
      best.params = std::move(params);
      best_rank = std::move(rank);
    }
  }
  if (best.route == nullptr && !allowed.empty()) {
    std::sort(allowed.begin(), allowed.end(), [](const std::string& a, const std::string& b) {
      int oa = MethodOrder(a), ob = MethodOrder(b);
      return oa != ob ? oa < ob : a < b;
    });
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    for (const std::string& m : allowed) {
      if (!best.allow.empty()) best.allow.append(", ");
      best.allow.append(m);
    }
  }
  return best;
}

void App::RunChain(size_t index, Request& request, Responder responder, const Handler& last) const {
  if (index == middleware_.size()) {
    last(request, std::move(responder));
    return;
  }
  Next next = [this, index, last](Request& r, Responder s) {
    RunChain(index + 1, r, std::move(s), last);
  };
  middleware_[index](request, std::move(responder), next);
}

void App::Dispatch(const std::shared_ptr<Exchange>& exchange) const {
  Request& request = exchange->request();
  Match match = Resolve(request.method, request.path);
  Handler handler;
  bool buffer = false;
  if (match.route != nullptr) {
    for (auto& [name, value] : match.params) request.params[name] = std::move(value);
    handler = match.route->handler_;
    buffer = !match.route->stream_body_;
  } else if (!match.allow.empty()) {
    request.params["allow"] = match.allow;
    handler = method_not_allowed_ ? method_not_allowed_ : Handler(DefaultMethodNotAllowed);
  } else {
    handler = not_found_ ? not_found_ : Handler(DefaultNotFound);
  }
  auto run = [this, handler = std::move(handler)](Request& r, Responder s) {
    RunChain(0, r, std::move(s), handler);
  };
  if (!buffer) {
    run(request, Responder(exchange));
    return;
  }
  // The body may already be complete (no body at all, or a small one that came with the
  // head): then run at once instead of a read round trip through the loop.
  if (exchange->TakeCompleteBody(&request.body, &request.trailers)) {
    if (request.body.size() > options_.max_body_bytes) {
      Responder(exchange).Respond(413, "request body too large\n");
      return;
    }
    run(request, Responder(exchange));
    return;
  }
  std::make_shared<BodyBufferer>(options_.max_body_bytes, exchange, std::move(run))->ReadMore();
}

}  // namespace h2engine::server
