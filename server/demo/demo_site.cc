#include "server/demo/demo_site.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "server/access_log.h"
#include "server/demo/site_files.h"
#include "server/h2d_flags.h"
#include "server/headers.h"
#include "server/response.h"
#include "server/static_files.h"

namespace h2engine::server::demo {

// Ticker: one thread running callbacks at (or just after) their deadlines, in deadline order.
class Ticker {
 public:
  using Clock = std::chrono::steady_clock;

  Ticker() : thread_([this] { Run(); }) {}
  ~Ticker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  // At runs `callback` on the ticker thread at `deadline` (any thread).
  void At(Clock::time_point deadline, std::function<void()> callback) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      heap_.push_back(Entry{deadline, next_seq_++, std::move(callback)});
      std::push_heap(heap_.begin(), heap_.end(), std::greater<>());
    }
    cv_.notify_one();
  }

 private:
  struct Entry {
    Clock::time_point deadline;
    uint64_t seq;  // FIFO among equal deadlines
    std::function<void()> callback;
    bool operator>(const Entry& o) const {
      return deadline != o.deadline ? deadline > o.deadline : seq > o.seq;
    }
  };

  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      if (heap_.empty()) {
        cv_.wait(lock);
        continue;
      }
      const Clock::time_point due = heap_.front().deadline;
      if (Clock::now() < due) {
        cv_.wait_until(lock, due);
        continue;
      }
      std::pop_heap(heap_.begin(), heap_.end(), std::greater<>());
      std::function<void()> callback = std::move(heap_.back().callback);
      heap_.pop_back();
      lock.unlock();
      callback();
      callback = nullptr;  // whatever it owns goes outside the lock too
      lock.lock();
    }
    // Dropped callbacks are destroyed outside the lock (they may own Responders).
    std::vector<Entry> dropped;
    dropped.swap(heap_);
    lock.unlock();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry> heap_;  // a min-heap on (deadline, seq)
  uint64_t next_seq_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members above exist
};

namespace {

constexpr int kTileCount = 50;
constexpr int kMaxTile = 999;
constexpr std::chrono::milliseconds kMaxTileDelay{2000};
constexpr int kMaxStreamLines = 100;
constexpr std::chrono::milliseconds kMaxStreamInterval{1000};

const EmbeddedFile* FindFile(std::string_view path) {
  for (const EmbeddedFile& f : DemoSiteFiles()) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

// Serves an embedded file with its ETag; 304 when If-None-Match names it.
void ServeFile(const EmbeddedFile& file, Request& request, Responder responder) {
  Response response;
  response.headers.Set("etag", file.etag);
  response.headers.Set("cache-control", "no-cache");
  if (std::optional<std::string_view> inm = request.Header("if-none-match")) {
    bool match = false;
    ForEachListElement(*inm, [&](std::string_view item) {
      if (item == "*" || item == file.etag || item == "W/" + std::string(file.etag)) match = true;
    });
    if (match) {
      response.status = 304;
      responder.Respond(std::move(response));
      return;
    }
  }
  response.status = 200;
  response.headers.Set("content-type", ContentTypeFor(file.path));
  response.body = std::string(file.data);
  responder.Respond(std::move(response));
}

Handler FileHandler(std::string_view path) {
  const EmbeddedFile* file = FindFile(path);
  return [file, path = std::string(path)](Request& request, Responder responder) {
    if (file == nullptr) {
      responder.Respond(500, "demo file " + path + " is not embedded\n");
      return;
    }
    ServeFile(*file, request, responder);
  };
}

// Parses ?delay=MS (a bare number of milliseconds, or a duration such as "1s") capped to
// kMaxTileDelay; absent or malformed: 0.
std::chrono::milliseconds TileDelay(const Request& request) {
  std::optional<std::string> text = request.QueryParam("delay");
  if (!text || text->empty()) return std::chrono::milliseconds(0);
  std::optional<std::chrono::milliseconds> d;
  if (text->find_first_not_of("0123456789") == std::string::npos) {
    d = ParseDurationFlag(*text + "ms");
  } else {
    d = ParseDurationFlag(*text);
  }
  if (!d) return std::chrono::milliseconds(0);
  return std::min(*d, kMaxTileDelay);
}

std::string TileSvg(int n) {
  const int hue = (n * 137) % 360;  // the golden angle spreads neighbouring hues apart
  char svg[512];
  snprintf(
      svg, sizeof(svg),
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\" "
      "viewBox=\"0 0 64 64\"><rect width=\"64\" height=\"64\" rx=\"10\" "
      "fill=\"hsl(%d,70%%,52%%)\"/><text x=\"32\" y=\"41\" font-family=\"system-ui,sans-serif\" "
      "font-size=\"22\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#fff\">%d</text>"
      "</svg>\n",
      hue, n);
  return svg;
}

// Replaces the first "{{NAME}}" in *text.
void Fill(std::string* text, std::string_view name, std::string_view value) {
  const std::string marker = "{{" + std::string(name) + "}}";
  if (size_t at = text->find(marker); at != std::string::npos) {
    text->replace(at, marker.size(), value);
  }
}

std::string HttpVersion(std::string_view protocol_label) {
  if (protocol_label == "h2") return "HTTP/2";
  if (protocol_label == "http/1.0") return "HTTP/1.0";
  if (protocol_label == "http/1.1") return "HTTP/1.1";
  return std::string(protocol_label);
}

// TrailersSource: a fixed text body of unknown length to the protocol (so HTTP/1.1 uses
// chunked encoding and can carry trailers), then trailers describing it.
class TrailersSource : public BodySource {
 public:
  explicit TrailersSource(std::string body)
      : body_(std::move(body)), start_(std::chrono::steady_clock::now()) {}

  Status Read(size_t max_bytes, std::string* out) override {
    const size_t n = std::min(max_bytes, body_.size() - offset_);
    out->append(body_, offset_, n);
    offset_ += n;
    return offset_ == body_.size() ? Status::kEnd : Status::kData;
  }

  Headers Trailers() override {
    char crc[16];
    snprintf(crc, sizeof(crc), "%08x", Crc32(body_));
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start_)
                        .count();
    char timing[64];
    snprintf(timing, sizeof(timing), "total;dur=%lld.%03lld", static_cast<long long>(us / 1000),
             static_cast<long long>(us % 1000));
    Headers trailers;
    trailers.Add("x-body-bytes", std::to_string(body_.size()));
    trailers.Add("x-crc32", crc);
    trailers.Add("server-timing", timing);
    return trailers;
  }

 private:
  std::string body_;
  size_t offset_ = 0;
  std::chrono::steady_clock::time_point start_;
};

// StreamTick writes line `i` of `n` to the pipe and schedules the next one.
void StreamTick(Ticker* ticker, std::shared_ptr<BodyPipe> pipe, int i, int n,
                std::chrono::milliseconds interval, std::chrono::steady_clock::time_point start) {
  if (pipe->cancelled()) return;  // the client went away: stop ticking
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  char line[96];
  snprintf(line, sizeof(line), "chunk %d of %d, sent %lld ms after the request\n", i, n,
           static_cast<long long>(elapsed.count()));
  pipe->Write(line);
  if (i == n) {
    pipe->Finish();
    return;
  }
  ticker->At(start + interval * i, [ticker, pipe = std::move(pipe), i, n, interval, start] {
    StreamTick(ticker, pipe, i + 1, n, interval, start);
  });
}

}  // namespace

uint32_t Crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xffffffffu;
  for (char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

std::string JsonString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c < 0x20 || c == 0x7f) {
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      } else {
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    // A UTF-8 sequence: copy it if well-formed (RFC 3629: no overlongs, no surrogates, at most
    // U+10FFFF), else one U+FFFD for the first byte.
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if ((c & 0xe0) == 0xc0) {
      len = 2, min = 0x80, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, min = 0x800, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<uint8_t>(s[i + k]);
      ok = (cc & 0xc0) == 0x80;
      cp = (cp << 6) | (cc & 0x3f);
    }
    ok = ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out.append("\\ufffd");
      ++i;
    }
  }
  out.push_back('"');
  return out;
}

void AddEchoRoute(App& app) {
  app.Any("/echo", [](Request& request, Responder responder) {
    Response response;
    response.status = 200;
    response.headers.Set("content-type",
                         request.Header("content-type").value_or("application/octet-stream"));
    std::string target = request.path;
    if (!request.query.empty()) target += "?" + request.query;
    response.headers.Set("x-method", request.method);
    response.headers.Set("x-path", target);
    response.headers.Set("x-protocol", ProtocolLabel(request.protocol));
    response.headers.Set("cache-control", "no-store");
    response.body = std::move(request.body);
    responder.Respond(std::move(response));
  });
}

DemoSite::DemoSite(const DemoOptions& options)
    : options_(options), ticker_(std::make_unique<Ticker>()) {}

DemoSite::~DemoSite() = default;

std::shared_ptr<DemoSite> DemoSite::Create(const DemoOptions& options) {
  std::shared_ptr<DemoSite> site(new DemoSite(options));
  site->self_ = site;
  return site;
}

void DemoSite::AddRoutes(App& app) {
  std::shared_ptr<DemoSite> self = self_.lock();
  app.Get("/", FileHandler("/index.html"));
  app.Get("/index.html", FileHandler("/index.html"));
  app.Get("/favicon.ico", FileHandler("/assets/icon.svg"));
  app.Get("/assets/*", [](Request& request, Responder responder) {
    const EmbeddedFile* file = FindFile("/assets/" + std::string(request.Param("*")));
    if (file == nullptr) {
      responder.Respond(404, "not found\n");
      return;
    }
    ServeFile(*file, request, responder);
  });

  app.Get("/multiplex", [](Request& request, Responder responder) {
    const EmbeddedFile* file = FindFile("/multiplex.html");
    if (file == nullptr) {
      responder.Respond(500, "multiplex.html is not embedded\n");
      return;
    }
    const std::chrono::milliseconds delay = TileDelay(request);
    // A per-page token keeps the browser from answering tiles from its cache on a reload.
    static std::atomic<uint64_t> page_counter{0};
    const uint64_t page = ++page_counter;
    std::string tiles;
    for (int i = 0; i < kTileCount; ++i) {
      tiles += "    <img src=\"/tiles/" + std::to_string(i) +
               ".svg?delay=" + std::to_string(delay.count()) + "&amp;p=" + std::to_string(page) +
               "\" alt=\"tile " + std::to_string(i) + "\" width=\"64\" height=\"64\">\n";
    }
    std::string html(file->data);
    Fill(&html, "DELAY", std::to_string(delay.count()));
    Fill(&html, "TILES", tiles);
    Response response = Response::Text(200, std::move(html), "text/html; charset=utf-8");
    response.headers.Set("cache-control", "no-store");
    responder.Respond(std::move(response));
  });

  app.Get("/tiles/:name", [self](Request& request, Responder responder) {
    std::string_view name = request.Param("name");
    int n = -1;
    if (name.size() > 4 && name.size() <= 7 && name.substr(name.size() - 4) == ".svg") {
      std::string_view digits = name.substr(0, name.size() - 4);
      int value = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc() && end == digits.data() + digits.size()) n = value;
    }
    if (n < 0 || n > kMaxTile) {
      responder.Respond(404, "no such tile\n");
      return;
    }
    Response response = Response::Text(200, TileSvg(n), "image/svg+xml");
    response.headers.Set("cache-control", "no-store");
    const std::chrono::milliseconds delay = TileDelay(request);
    if (delay.count() == 0) {
      responder.Respond(std::move(response));
      return;
    }
    self->ticker_->At(std::chrono::steady_clock::now() + delay,
                      [responder, response = std::move(response)]() mutable {
                        responder.Respond(std::move(response));
                      });
  });

  app.Get("/api/info", [self](Request& request, Responder responder) {
    const std::string protocol = ProtocolLabel(request.protocol);
    std::string json = "{";
    json += "\"protocol\":" + JsonString(protocol);
    json += ",\"http_version\":" + JsonString(HttpVersion(protocol));
    json += ",\"scheme\":" + JsonString(request.scheme);
    // Over TLS: what the Request tells. It carries the protocol, not the handshake's details
    // (version, cipher): those are null until it does. ALPN is "h2" whenever HTTP/2 runs over
    // TLS; HTTP/1.1 over TLS may have negotiated "http/1.1" or nothing, so it stays null.
    if (request.scheme == "https") {
      json += ",\"tls\":{\"version\":null,\"cipher\":null,\"alpn\":";
      json += protocol == "h2" ? "\"h2\"}" : "null}";
    } else {
      json += ",\"tls\":null";
    }
    json += ",\"peer\":" + JsonString(request.peer);
    json += ",\"authority\":" + JsonString(request.authority);
    json += ",\"method\":" + JsonString(request.method);
    json += ",\"user_agent\":" + JsonString(request.Header("user-agent").value_or(""));
    json += ",\"server\":" + JsonString(self->options_.server_name);
    json += "}\n";
    Response response = Response::Text(200, std::move(json), "application/json");
    response.headers.Set("cache-control", "no-store");
    responder.Respond(std::move(response));
  });

  app.Get("/stream", [self](Request& request, Responder responder) {
    int n = 10;
    if (std::optional<std::string> text = request.QueryParam("n")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
      if (ec != std::errc() || end != text->data() + text->size() || n < 1 || n > kMaxStreamLines) {
        responder.Respond(400, "n must be a number from 1 to 100\n");
        return;
      }
    }
    std::chrono::milliseconds interval{250};
    if (std::optional<std::string> text = request.QueryParam("interval")) {
      std::optional<std::chrono::milliseconds> d = ParseDurationFlag(*text);
      if (!d || *d > kMaxStreamInterval) {
        responder.Respond(400, "interval must be a duration from 0ms to 1s\n");
        return;
      }
      interval = *d;
    }
    std::shared_ptr<BodyPipe> pipe = BodyPipe::Create(64 * 1024);
    Response response = Response::Stream(200, pipe);
    response.headers.Set("content-type", "text/plain; charset=utf-8");
    response.headers.Set("x-content-type-options", "nosniff");  // render as it arrives
    response.headers.Set("cache-control", "no-store");
    responder.Respond(std::move(response));
    if (request.method == "HEAD") return;  // the protocol cancels the body
    Ticker* ticker = self->ticker_.get();
    const auto start = std::chrono::steady_clock::now();
    ticker->At(start, [ticker, pipe = std::move(pipe), n, interval, start] {
      StreamTick(ticker, pipe, 1, n, interval, start);
    });
  });

  app.Get("/trailers", [](Request&, Responder responder) {
    std::string body;
    for (int i = 1; i <= 20; ++i) {
      body += "line " + std::to_string(i) +
              ": the trailers after this body carry its length and CRC-32\n";
    }
    Response response = Response::Stream(200, std::make_shared<TrailersSource>(std::move(body)));
    response.headers.Set("content-type", "text/plain; charset=utf-8");
    response.headers.Set("trailer", "x-body-bytes, x-crc32, server-timing");
    response.headers.Set("cache-control", "no-store");
    responder.Respond(std::move(response));
  });
}

}  // namespace h2engine::server::demo
