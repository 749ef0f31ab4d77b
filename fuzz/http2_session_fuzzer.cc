// Fuzzes server/http2_session.h: arbitrary client bytes into an Http2Session serving a small
// App (a buffered echo, a streamed-body reader, a BodyPipe response with trailers, an abort, a
// handler that never answers, 103 + HEAD/204 paths), the way a connection drives it.
//
// Input: byte 0 picks the options (bit 0: prepend a valid client preface and empty SETTINGS,
// so the corpus can hold frames only; bit 1: tight engine limits; bit 2: ORIGIN frame and
// trace on; bits 3-7: the split pattern's seed); the rest is the client's bytes, offered in
// pieces with the server's output drained in between, then end of input, then the transport
// closes.
//
// Invariants checked (abort on violation):
//   - ProcessInput never claims more bytes than it was given;
//   - every byte the session writes decodes as HTTP/2 frames with no connection error (the
//     frame layer's rules: sizes, stream-0 rules, lengths), frame after frame;
//   - every request the App saw is finished exactly once (OnComplete) by the time the session
//     is gone: no exchange is leaked or finished twice (ASan catches the leaks).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "h2/frame_decoder.h"
#include "h2/frame_trace.h"
#include "server/http2_session.h"
#include "server/router.h"

namespace {

using namespace h2engine;
using namespace h2engine::server;

void Require(bool ok) {
  if (!ok) std::abort();
}

struct Counters {
  size_t dispatched = 0;
  size_t completed = 0;
  std::vector<Responder> parked;
};

App* MakeApp(Counters* counters) {
  auto* app = new App(AppOptions{.max_body_bytes = 4096});
  app->Wrap([counters](Request& req, Responder res, const Next& next) {
    if (!res.alive()) {  // finished while its body was being buffered: no hook will run
      next(req, res);
      return;
    }
    ++counters->dispatched;
    res.OnComplete([counters](const ExchangeResult&) { ++counters->completed; });
    next(req, res);
  });
  app->Any("/echo", [](Request& req, Responder res) {
    Response r = Response::Text(200, req.body);
    for (const HeaderField& f : req.trailers) r.trailers.Add("x-" + f.name, f.value);
    res.Respond(std::move(r));
  });
  app->Post("/upload",
            [](Request& req, Responder res) {
              auto total = std::make_shared<size_t>(0);
              auto step = std::make_shared<std::function<void(BodyChunk)>>();
              *step = [res, total, step](BodyChunk chunk) {
                *total += chunk.data.size();
                if (chunk.end || chunk.error) {
                  res.Respond(200, std::to_string(*total));
                  *step = nullptr;
                  return;
                }
                res.request().body_reader().Read(*step);
              };
              req.body_reader().Read(*step);
            })
      .StreamBody();
  app->Get("/stream", [](Request&, Responder res) {
    auto pipe = BodyPipe::Create(1024);
    pipe->Write(std::string(3000, 's'));
    pipe->Finish(Headers{{"x-done", "1"}});
    res.Respond(Response::Stream(200, pipe));
  });
  app->Get("/early", [](Request&, Responder res) {
    res.SendInformational(103, Headers{{"link", "</a>; rel=preload"}});
    res.Respond(204, "");
  });
  app->Get("/abort", [](Request&, Responder res) { res.Abort(); });
  app->Get("/park", [counters](Request&, Responder res) { counters->parked.push_back(res); });
  app->Get("/", [](Request&, Responder res) { res.Respond(200, std::string(20000, 'x')); });
  return app;
}

class Host : public SessionHost {
 public:
  Host() {
    std::string error;
    loop_ = EventLoop::Create(&error);
    Require(loop_ != nullptr);
  }
  void SessionChanged() override {}
  EventLoop& loop() override { return *loop_; }
  void RunPosted() {
    for (int i = 0; i < 4; ++i) loop_->RunOnce(std::chrono::milliseconds(0));
  }

 private:
  std::unique_ptr<EventLoop> loop_;
};

// OutputChecker decodes the server's bytes as frames and fails on a connection error.
class OutputChecker {
 public:
  OutputChecker() : tracer_([](std::string_view) {}), decoder_(&tracer_) {
    decoder_.set_max_frame_size(h2::kMaxAllowedMaxFrameSize);
  }
  void Feed(std::span<const uint8_t> bytes) {
    Require(decoder_.Decode(bytes) == bytes.size());
    Require(!decoder_.HasError());
  }

 private:
  h2::FrameTracer tracer_;
  h2::FrameDecoder decoder_;
};

size_t Drain(Http2Session& session, OutputChecker& checker) {
  size_t total = 0;
  for (int i = 0; i < 1000 && session.pending_output() > 0; ++i) {
    std::span<const uint8_t> views[8];
    size_t n = session.GatherOutput(views);
    size_t bytes = 0;
    for (size_t v = 0; v < n; ++v) {
      checker.Feed(views[v]);
      bytes += views[v].size();
    }
    if (bytes == 0) break;
    session.ConsumeOutput(bytes);
    total += bytes;
  }
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Counters* counters = new Counters;
  static App* app = MakeApp(counters);
  static Host* host = new Host;
  if (size == 0) return 0;
  const uint8_t options_byte = data[0];
  std::string input;
  if (options_byte & 1) {
    input.append(h2::kClientPreface);
    input.append(std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9));
  }
  input.append(reinterpret_cast<const char*>(data + 1), size - 1);

  Http2SessionOptions options;
  options.add_date_header = false;
  if (options_byte & 2) {
    options.connection.max_concurrent_streams = 4;
    options.connection.max_header_list_size = 1024;
    options.connection.max_output_buffer = 16 * 1024;
    options.connection.initial_window_size = 1024;
  }
  if (options_byte & 4) {
    options.origins = {"https://example.com"};
    options.trace = [](std::string_view) {};
  }
  counters->dispatched = 0;
  counters->completed = 0;
  {
    OutputChecker checker;
    auto session =
        std::make_unique<Http2Session>(host, app, options, ConnectionInfo{"127.0.0.1:1", "https"});
    uint32_t seed = options_byte >> 3;
    size_t pos = 0;
    std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    for (int round = 0; round < 10000 && pos < bytes.size(); ++round) {
      seed = seed * 1103515245u + 12345u;
      size_t piece = 1 + (seed >> 16) % 4096;
      piece = std::min(piece, bytes.size() - pos);
      session->Advance();
      bool wanted = session->wants_input();
      if (wanted) {
        size_t n = session->ProcessInput(bytes.subspan(pos, piece));
        Require(n <= piece);
        pos += n;
      }
      host->RunPosted();
      size_t drained = Drain(*session, checker);
      // Done, or not reading (a failed connection) with nothing left to write: stop.
      if (session->done() || (!wanted && drained == 0)) break;
    }
    session->OnInputClosed();
    host->RunPosted();
    session->Advance();
    Drain(*session, checker);
    session->OnConnectionClosed();
    session.reset();
    host->RunPosted();
  }
  Require(counters->completed == counters->dispatched);
  for (Responder& r : counters->parked) (void)r.Respond(200, "late");
  counters->parked.clear();
  host->RunPosted();
  return 0;
}
