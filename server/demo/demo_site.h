// The routes of h2d: the interop contract's /echo (every mode) and the built-in demo site
// (when no --root is given).
//
//   App app;
//   AddEchoRoute(app);
//   std::shared_ptr<DemoSite> demo = DemoSite::Create({.server_name = "h2d 0.1"});
//   demo->AddRoutes(app);    // the handlers keep `demo` alive
//
// Demo routes (GET and HEAD):
//   /, /index.html      the index page (site/index.html): what h2engine is, the protocol this
//                       page came over, and the demos below
//   /assets/*           embedded CSS, JavaScript, icon (ETag + If-None-Match -> 304)
//   /favicon.ico        the icon (SVG)
//   /multiplex          a page with 50 images (/tiles/N.svg), generated from
//                       site/multiplex.html; ?delay=MS (0..2000) delays each tile on the server,
//                       which makes HTTP/1.1's head-of-line queueing visible next to h2
//   /tiles/N.svg        one coloured tile (N = 0..999); ?delay=MS as above
//   /api/info           JSON: protocol ("h2", "http/1.1"), http_version, scheme, tls (version,
//                       cipher, alpn, sni; null over cleartext), peer, authority, method,
//                       user_agent, server
//   /stream             ?n=COUNT (1..100, default 10) lines, one every ?interval=DURATION
//                       (0..1s, default 250ms), as a streamed body (DATA frames / chunks)
//   /trailers           a text body followed by trailer fields: x-body-bytes, x-crc32 (of the
//                       body), server-timing
// Contract route (README "The server contract"):
//   /echo               any method: 200 with the request body, content-type copied from the
//                       request (else application/octet-stream), and x-method, x-path (path and
//                       query as received) and x-protocol ("h2" or "http/1.1")
//
// Timed responses (/stream, delayed tiles) are driven by one "ticker" thread per DemoSite that
// runs callbacks at deadlines; responses are handed to the connection's loop through the
// thread-safe Responder and BodyPipe, so the loops never sleep. A client that goes away
// cancels its stream (the pipe is cancelled and the next tick stops).

#ifndef H2ENGINE_SERVER_DEMO_DEMO_SITE_H_
#define H2ENGINE_SERVER_DEMO_DEMO_SITE_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "server/router.h"

namespace h2engine::server::demo {

// AddEchoRoute registers /echo for any method (see the header comment).
void AddEchoRoute(App& app);

struct DemoOptions {
  std::string server_name = "h2d";  // reported by /api/info
};

class Ticker;

class DemoSite {
 public:
  // Create starts the ticker thread.
  static std::shared_ptr<DemoSite> Create(const DemoOptions& options);
  // ~DemoSite stops the ticker; callbacks not yet due are dropped (their responses end
  // with the loop's teardown).
  ~DemoSite();
  DemoSite(const DemoSite&) = delete;
  DemoSite& operator=(const DemoSite&) = delete;

  // AddRoutes registers the demo routes; the handlers share ownership of this DemoSite.
  void AddRoutes(App& app);

 private:
  explicit DemoSite(const DemoOptions& options);

  const DemoOptions options_;
  std::unique_ptr<Ticker> ticker_;
  std::weak_ptr<DemoSite> self_;
};

// Crc32 (IEEE 802.3, as zlib) of `data`, for the /trailers demo.
uint32_t Crc32(std::string_view data);

// JsonEscape returns `s` as a JSON string literal, quotes included. Bytes that are not valid
// UTF-8 are replaced by U+FFFD, so the output is always valid JSON.
std::string JsonString(std::string_view s);

}  // namespace h2engine::server::demo

#endif  // H2ENGINE_SERVER_DEMO_DEMO_SITE_H_
