#include "server/static_files.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "server/http_date.h"

namespace h2engine::server {
namespace {

struct TypeEntry {
  std::string_view extension;
  std::string_view type;
};

constexpr TypeEntry kTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"map", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"mp4", "video/mp4"},
    {"webm", "video/webm"},
    {"mp3", "audio/mpeg"},
    {"ogg", "audio/ogg"},
    {"wav", "audio/wav"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
};

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// FileSource: pread()s [offset, offset + length) of an owned descriptor.
class FileSource : public BodySource {
 public:
  FileSource(int fd, uint64_t offset, uint64_t length, size_t chunk)
      : fd_(fd), offset_(offset), remaining_(length), length_(length), chunk_(chunk) {}
  ~FileSource() override { Close(); }

  std::optional<uint64_t> Length() const override { return length_; }
  Status Read(size_t max_bytes, std::string* out) override {
    if (remaining_ == 0) return Status::kEnd;
    if (fd_ < 0) return Status::kError;
    size_t want = static_cast<size_t>(std::min<uint64_t>({remaining_, max_bytes, chunk_}));
    size_t old = out->size();
    out->resize(old + want);
    ssize_t n;
    do {
      n = ::pread(fd_, out->data() + old, want, static_cast<off_t>(offset_));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {  // an error, or the file shrank under us
      out->resize(old);
      return Status::kError;
    }
    out->resize(old + static_cast<size_t>(n));
    offset_ += static_cast<uint64_t>(n);
    remaining_ -= static_cast<uint64_t>(n);
    if (remaining_ == 0) {
      Close();
      return Status::kEnd;
    }
    return Status::kData;
  }
  void Cancel() override { Close(); }

 private:
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_;
  uint64_t offset_;
  uint64_t remaining_;
  const uint64_t length_;
  const size_t chunk_;
};

// ForEachEntityTag calls fn(tag, weak) for each entity-tag of an If-Match / If-None-Match list
// (RFC 9110 §8.8.3); returns false on malformed input. "*" is reported as tag "*".
template <typename Fn>
bool ForEachEntityTag(std::string_view list, Fn fn) {
  size_t i = 0;
  auto skip = [&] {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) ++i;
  };
  skip();
  if (list.substr(i) == "*") {
    fn(std::string_view("*"), false);
    return true;
  }
  while (i < list.size()) {
    bool weak = false;
    if (list.substr(i, 2) == "W/") {
      weak = true;
      i += 2;
    }
    if (i >= list.size() || list[i] != '"') return false;
    size_t close = list.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    fn(list.substr(i, close - i + 1), weak);
    i = close + 1;
    skip();
  }
  return true;
}

bool AnyTagMatches(std::string_view list, std::string_view etag, bool strong) {
  bool match = false;
  bool ok = ForEachEntityTag(list, [&](std::string_view tag, bool weak) {
    if (tag == "*")
      match = true;
    else if (tag == etag && !(strong && weak))
      match = true;
  });
  return ok && match;
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
};

enum class RangeResult { kIgnore, kSingle, kUnsatisfiable };

bool ParseUint(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// ParseRange reads a Range field (RFC 9110 §14.1.2) for a representation of `size` bytes.
RangeResult ParseRange(std::string_view value, uint64_t size, ByteRange* out) {
  value = TrimOws(value);
  if (value.size() < 6 || !EqualsIgnoreCase(value.substr(0, 6), "bytes=")) {
    return RangeResult::kIgnore;
  }
  std::vector<std::string_view> specs;
  ForEachListElement(value.substr(6), [&](std::string_view spec) { specs.push_back(spec); });
  if (specs.empty()) return RangeResult::kIgnore;
  // Validate every spec; several ranges are answered with the whole representation.
  bool any_satisfiable = false;
  ByteRange first_range;
  for (std::string_view spec : specs) {
    size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return RangeResult::kIgnore;
    std::string_view a = spec.substr(0, dash);
    std::string_view b = spec.substr(dash + 1);
    ByteRange r;
    if (a.empty()) {  // suffix: the last b bytes
      uint64_t n;
      if (!ParseUint(b, &n)) return RangeResult::kIgnore;
      if (n == 0 || size == 0) continue;  // unsatisfiable
      r.first = size > n ? size - n : 0;
      r.last = size - 1;
    } else {
      uint64_t first;
      if (!ParseUint(a, &first)) return RangeResult::kIgnore;
      uint64_t last = UINT64_MAX;
      if (!b.empty()) {
        if (!ParseUint(b, &last)) return RangeResult::kIgnore;
        if (last < first) return RangeResult::kIgnore;  // invalid: ignore the field
      }
      if (first >= size) continue;  // unsatisfiable
      r.first = first;
      r.last = std::min(last, size - 1);
    }
    if (!any_satisfiable) first_range = r;
    any_satisfiable = true;
  }
  if (!any_satisfiable) return RangeResult::kUnsatisfiable;
  if (specs.size() > 1) return RangeResult::kIgnore;
  *out = first_range;
  return RangeResult::kSingle;
}

std::atomic<bool> g_openat2_missing{false};

}  // namespace

std::string_view ContentTypeFor(std::string_view name) {
  size_t slash = name.rfind('/');
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
  std::string_view ext = name.substr(dot + 1);
  for (const TypeEntry& e : kTypes) {
    if (EqualsIgnoreCase(e.extension, ext)) return e.type;
  }
  return "application/octet-stream";
}

std::optional<std::string> SafeRelativePath(std::string_view raw) {
  std::string decoded;
  decoded.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\') return std::nullopt;
    if (c == '%') {
      if (i + 2 >= raw.size() || HexDigit(raw[i + 1]) < 0 || HexDigit(raw[i + 2]) < 0) {
        return std::nullopt;  // malformed escape
      }
      c = static_cast<char>(HexDigit(raw[i + 1]) * 16 + HexDigit(raw[i + 2]));
      if (c == '/' || c == '\\') return std::nullopt;  // %2f, %5c
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;  // NUL, CTLs
    decoded.push_back(c);
  }
  std::string out;
  std::string_view rest = decoded;
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    if (segment == "." || segment == "..") return std::nullopt;
    if (!segment.empty()) {
      if (!out.empty()) out.push_back('/');
      out.append(segment);
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::shared_ptr<StaticFileHandler> StaticFileHandler::Create(const StaticFilesOptions& options,
                                                             std::string* error) {
  char real[PATH_MAX];
  if (options.root.empty() || ::realpath(options.root.c_str(), real) == nullptr) {
    *error = "static files: cannot resolve root '" + options.root + "': " + std::strerror(errno);
    return nullptr;
  }
  int fd = ::open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    *error = "static files: cannot open root '" + options.root + "': " + std::strerror(errno);
    return nullptr;
  }
  return std::shared_ptr<StaticFileHandler>(new StaticFileHandler(options, fd, real));
}

StaticFileHandler::~StaticFileHandler() { ::close(root_fd_); }

int StaticFileHandler::Open(const std::string& relative, int* status) const {
  constexpr int kFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  auto status_for = [](int err) {
    switch (err) {
      case ENOENT:
      case ENOTDIR:
      case ENAMETOOLONG:
        return 404;
      case EXDEV:  // RESOLVE_BENEATH: the path leads outside the root
      case ELOOP:  // O_NOFOLLOW on a symlink, or a loop
      case EACCES:
      case EPERM:
        return 403;
      default:
        return 500;
    }
  };
  const char* path = relative.empty() ? "." : relative.c_str();
  if (options_.use_openat2 && !g_openat2_missing.load(std::memory_order_relaxed)) {
    open_how how{};
    how.flags = kFlags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = ::syscall(SYS_openat2, root_fd_, path, &how, sizeof(how));
    if (fd >= 0) return static_cast<int>(fd);
    if (errno != ENOSYS) {
      *status = status_for(errno);
      return -1;
    }
    g_openat2_missing.store(true, std::memory_order_relaxed);
  }
  // Fallback: resolve every symlink, check that the result is still under the root, and open
  // that path without following a final symlink.
  std::string full = root_real_ + "/" + relative;
  char real[PATH_MAX];
  if (::realpath(full.c_str(), real) == nullptr) {
    *status = status_for(errno);
    return -1;
  }
  std::string_view resolved(real);
  std::string prefix = root_real_ == "/" ? root_real_ : root_real_ + "/";
  if (resolved != root_real_ && resolved.substr(0, prefix.size()) != prefix) {
    *status = 403;
    return -1;
  }
  int fd = ::open(real, kFlags | O_NOFOLLOW);
  if (fd < 0) *status = status_for(errno);
  return fd;
}

void StaticFileHandler::Serve(Request& request, Responder responder) const {
  if (request.method != "GET" && request.method != "HEAD") {
    Response r = Response::Text(405, "method not allowed\n");
    r.headers.Add("allow", "GET, HEAD");
    responder.Respond(std::move(r));
    return;
  }
  auto it = request.params.find("*");
  std::string_view raw =
      it != request.params.end() ? std::string_view(it->second) : std::string_view(request.path);
  std::optional<std::string> relative = SafeRelativePath(raw);
  if (!relative) {
    responder.Respond(400, "bad path\n");
    return;
  }
  int status = 0;
  int fd = Open(*relative, &status);
  if (fd < 0) {
    responder.Respond(status, status == 404   ? "not found\n"
                              : status == 403 ? "forbidden\n"
                                              : "error\n");
    return;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    responder.Respond(500, "error\n");
    return;
  }
  std::string name = *relative;
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    if (!request.path.empty() && request.path.back() != '/' && options_.redirect_directories) {
      Response r = Response::Text(301, "moved\n");
      std::string location = request.path + "/";
      if (!request.query.empty()) location += "?" + request.query;
      r.headers.Add("location", location);
      responder.Respond(std::move(r));
      return;
    }
    if (options_.index_file.empty()) {
      responder.Respond(404, "not found\n");
      return;
    }
    name = relative->empty() ? options_.index_file : *relative + "/" + options_.index_file;
    fd = Open(name, &status);
    if (fd < 0) {
      responder.Respond(status == 403 ? 403 : 404, status == 403 ? "forbidden\n" : "not found\n");
      return;
    }
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      responder.Respond(500, "error\n");
      return;
    }
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    responder.Respond(403, "forbidden\n");
    return;
  }

  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const int64_t mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  char etag_buf[64];
  std::snprintf(etag_buf, sizeof(etag_buf), "\"%llx-%llx\"", static_cast<unsigned long long>(size),
                static_cast<unsigned long long>(mtime_ns));
  const std::string etag = etag_buf;
  const std::string last_modified = FormatHttpDate(st.st_mtim.tv_sec);
  auto validators = [&](Response& r) {
    r.headers.Add("etag", etag);
    r.headers.Add("last-modified", last_modified);
    if (!options_.cache_control.empty()) r.headers.Add("cache-control", options_.cache_control);
  };
  auto fail = [&](int code) {
    ::close(fd);
    Response r;
    r.status = code;
    validators(r);
    responder.Respond(std::move(r));
  };

  // Preconditions, RFC 9110 §13.2.2.
  const Headers& h = request.headers;
  if (auto if_match = h.Get("if-match")) {
    if (!AnyTagMatches(*if_match, etag, /*strong=*/true)) return fail(412);
  } else if (auto since = h.Get("if-unmodified-since")) {
    std::optional<std::time_t> t = ParseHttpDate(*since);
    if (t && st.st_mtim.tv_sec > *t) return fail(412);
  }
  if (auto if_none = h.Get("if-none-match")) {
    if (AnyTagMatches(*if_none, etag, /*strong=*/false)) return fail(304);
  } else if (auto since = h.Get("if-modified-since")) {
    std::optional<std::time_t> t = ParseHttpDate(*since);
    if (t && st.st_mtim.tv_sec <= *t) return fail(304);
  }

  uint64_t offset = 0;
  uint64_t length = size;
  Response response;
  response.status = 200;
  if (auto range = h.Get("range"); range && request.method == "GET") {
    bool use_range = true;
    if (auto if_range = h.Get("if-range")) {
      std::string_view v = TrimOws(*if_range);
      if (!v.empty() && (v.front() == '"' || v.substr(0, 2) == "W/")) {
        use_range = v == etag;  // strong comparison: a weak tag never matches
      } else {
        use_range = v == last_modified;
      }
    }
    ByteRange r;
    RangeResult result = use_range ? ParseRange(*range, size, &r) : RangeResult::kIgnore;
    if (result == RangeResult::kUnsatisfiable) {
      ::close(fd);
      Response unsatisfiable = Response::Text(416, "range not satisfiable\n");
      unsatisfiable.headers.Add("content-range", "bytes */" + std::to_string(size));
      validators(unsatisfiable);
      responder.Respond(std::move(unsatisfiable));
      return;
    }
    if (result == RangeResult::kSingle) {
      response.status = 206;
      offset = r.first;
      length = r.last - r.first + 1;
      response.headers.Add("content-range", "bytes " + std::to_string(r.first) + "-" +
                                                std::to_string(r.last) + "/" +
                                                std::to_string(size));
    }
  }
  response.headers.Add("content-type", ContentTypeFor(name));
  response.headers.Add("accept-ranges", "bytes");
  validators(response);
  response.body_source =
      std::make_shared<FileSource>(fd, offset, length, options_.read_chunk_bytes);
  responder.Respond(std::move(response));
}

Handler StaticFileHandler::AsHandler(std::shared_ptr<StaticFileHandler> handler) {
  return [handler = std::move(handler)](Request& request, Responder responder) {
    handler->Serve(request, std::move(responder));
  };
}

Handler StaticFiles(const StaticFilesOptions& options) {
  std::string error;
  std::shared_ptr<StaticFileHandler> handler = StaticFileHandler::Create(options, &error);
  if (handler == nullptr) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return
        [](Request&, Responder responder) { responder.Respond(500, "static root unavailable\n"); };
  }
  return StaticFileHandler::AsHandler(std::move(handler));
}

}  // namespace h2engine::server
