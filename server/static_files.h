// Static files: a handler that serves a directory tree, and nothing outside it.
//
//   app.Get("/static/*", StaticFiles({.root = "/srv/www"}));   // "/static/a.css" -> a.css
//   app.Get("/*", StaticFiles({.root = "/srv/www"}));          // the whole site
//
// The file is named by the route's "*" parameter (the raw rest of the path), or by the whole
// request path when the route has none.
//
// Confinement (no way out of the root):
//   - the raw path is rejected (400) if it has a backslash, or a percent escape that is
//     malformed or decodes to '/', '\' or a control character (NUL included): %2f, %5c, %00;
//   - after decoding, any "." or ".." segment is rejected (400): "..", "%2e%2e", "./a";
//   - the file is opened relative to the root's descriptor with openat2(RESOLVE_BENEATH |
//     RESOLVE_NO_MAGICLINKS) where the kernel has it: symlinks inside the tree work, symlinks
//     (or ".." in their targets) that lead outside are refused (403). Without openat2 (or
//     with use_openat2 = false) the path is resolved with realpath() and must stay under the
//     root's real path; the final open uses O_NOFOLLOW. (That fallback has the usual window
//     between resolving and opening if someone can rename directories inside the root.)
//   - only regular files are served (403 for devices, FIFOs, sockets; the open is
//     non-blocking so a FIFO cannot stall the loop).
//
// HTTP semantics (RFC 9110):
//   - GET and HEAD only (405 with `Allow: GET, HEAD` otherwise);
//   - a directory requested without a trailing slash is redirected (301) to the slash form;
//     with one, its index file (index.html) is served; there are no directory listings (404);
//   - Content-Type from the extension (a table, ContentTypeFor), Last-Modified, and a strong
//     ETag built from size and modification time ("<size hex>-<mtime ns hex>");
//   - preconditions in the order of §13.2.2: If-Match (412), else If-Unmodified-Since (412);
//     If-None-Match (304 for GET/HEAD, 412 otherwise), else If-Modified-Since (304);
//   - Range (§14.2, GET only, `bytes` unit): one range gives 206 with Content-Range; a range
//     that cannot be satisfied gives 416 with `Content-Range: bytes */size`; a syntactically
//     invalid Range is ignored; several ranges are answered with the whole file (200), which
//     §14.2 allows, instead of multipart/byteranges; If-Range (strong ETag or exact date) that
//     does not match means the whole file.
//
// Files are read with pread() on the loop thread in read_chunk_bytes pieces, as the
// connection drains (a BodySource), so a large file never sits in memory; the descriptor is
// held open for the duration of the response.

#ifndef H2ENGINE_SERVER_STATIC_FILES_H_
#define H2ENGINE_SERVER_STATIC_FILES_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "server/exchange.h"

namespace h2engine::server {

struct StaticFilesOptions {
  std::string root{};                     // the directory to serve
  std::string index_file = "index.html";  // served for directory requests ("" = none)
  bool redirect_directories = true;       // "/dir" -> 301 "/dir/"
  size_t read_chunk_bytes = 64 * 1024;
  std::string cache_control{};  // added as Cache-Control if not empty
  bool use_openat2 = true;      // false forces the realpath() check
};

// ContentTypeFor returns the media type for a file name by its extension (case-insensitive),
// "application/octet-stream" if unknown. Text types carry "; charset=utf-8".
std::string_view ContentTypeFor(std::string_view name);

// SafeRelativePath checks a raw (percent-encoded) request path under the root and returns it
// decoded, without leading or repeated slashes ("" for the root itself); nullopt if it must be
// rejected (see the header comment).
std::optional<std::string> SafeRelativePath(std::string_view raw);

class StaticFileHandler {
 public:
  // Create opens the root directory; nullptr with *error set if it cannot.
  static std::shared_ptr<StaticFileHandler> Create(const StaticFilesOptions& options,
                                                   std::string* error);
  ~StaticFileHandler();
  StaticFileHandler(const StaticFileHandler&) = delete;
  StaticFileHandler& operator=(const StaticFileHandler&) = delete;

  void Serve(Request& request, Responder responder) const;
  // AsHandler returns a Handler that shares this object.
  static Handler AsHandler(std::shared_ptr<StaticFileHandler> handler);

 private:
  StaticFileHandler(const StaticFilesOptions& options, int root_fd, std::string root_real)
      : options_(options), root_fd_(root_fd), root_real_(std::move(root_real)) {}
  // Open opens `relative` (decoded, "" = root) beneath the root. Returns the fd, or -1 with
  // *status set to the HTTP status to answer (403, 404, 500).
  int Open(const std::string& relative, int* status) const;

  StaticFilesOptions options_;
  int root_fd_;
  std::string root_real_;
};

// StaticFiles: StaticFileHandler::Create wrapped as a Handler. If the root cannot be opened,
// the error is printed to stderr and every request gets 500.
Handler StaticFiles(const StaticFilesOptions& options);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_STATIC_FILES_H_
