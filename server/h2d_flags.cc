#include "server/h2d_flags.h"

#include <sched.h>

#include <cstdlib>
#include <functional>
#include <limits>

#include "server/connection.h"
#include "server/http1.h"
#include "server/server.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

// Limits for flag values: generous, but they rule out nonsense (a zero limit that refuses
// every request, a timeout of a year) and values that would overflow the option types.
constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;
constexpr milliseconds kMinTimeout{10};
constexpr milliseconds kMaxTimeout = std::chrono::hours(24);

enum class Kind : uint8_t { kSwitch, kString, kRepeatedString, kCount, kSize, kDuration };

struct Flag {
  std::string_view name;     // without the leading "--"
  std::string_view metavar;  // "" for switches
  std::string_view help;
  Kind kind;
  uint64_t min = 0;  // kCount, kSize
  uint64_t max = 0;
  // Set stores a checked value; Show prints the value of a default-constructed H2dFlags.
  std::function<void(H2dFlags&, std::string_view text, uint64_t number, milliseconds duration)> set;
  std::function<std::string(const H2dFlags&)> show;
};

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

const std::vector<Flag>& Flags() {
  static const std::vector<Flag>* flags = new std::vector<Flag>{
      // --- Where to listen ---
      {"host", "ADDR",
       "address to listen on: IPv4 or IPv6 literal, localhost, or 0.0.0.0 / :: for every "
       "interface",
       Kind::kString, 0, 0, [](H2dFlags& f, std::string_view v, auto, auto) { f.host = v; },
       [](const H2dFlags& f) { return f.host; }},
      {"port", "N", "TCP port (0: the kernel picks one, printed at start)", Kind::kCount, 0, 65535,
       [](H2dFlags& f, auto, uint64_t n, auto) { f.port = static_cast<uint16_t>(n); },
       [](const H2dFlags& f) { return std::to_string(f.port); }},
      {"threads", "N", "event-loop threads, each with its own listener on the port", Kind::kCount,
       1, 1024, [](H2dFlags& f, auto, uint64_t n, auto) { f.threads = n; },
       [](const H2dFlags&) {
         return "the number of cores (" + std::to_string(DefaultThreadCount()) + " here)";
       }},
      // --- What to serve ---
      {"root", "DIR",
       "serve the static files under DIR instead of the built-in demo site (/echo stays)",
       Kind::kString, 0, 0, [](H2dFlags& f, std::string_view v, auto, auto) { f.root = v; },
       [](const H2dFlags&) { return std::string("the built-in demo site"); }},
      // --- TLS ---
      {"cert", "FILE", "TLS certificate chain, PEM, leaf first (needs --key)", Kind::kString, 0, 0,
       [](H2dFlags& f, std::string_view v, auto, auto) { f.cert = v; },
       [](const H2dFlags&) {
         return std::string("a self-signed certificate for localhost, made at start-up");
       }},
      {"key", "FILE", "private key of --cert, PEM, unencrypted", Kind::kString, 0, 0,
       [](H2dFlags& f, std::string_view v, auto, auto) { f.key = v; },
       [](const H2dFlags&) { return std::string("none"); }},
      {"cert-out", "FILE",
       "where to write the self-signed certificate (for curl --cacert); the key stays in memory",
       Kind::kString, 0, 0, [](H2dFlags& f, std::string_view v, auto, auto) { f.cert_out = v; },
       [](const H2dFlags&) {
         return std::string("$TMPDIR/h2d-PORT-cert.pem (/tmp without TMPDIR)");
       }},
      {"tls-only", "", "refuse cleartext connections (h2c and HTTP/1.1 without TLS)", Kind::kSwitch,
       0, 0, [](H2dFlags& f, auto, auto, auto) { f.tls_only = true; },
       [](const H2dFlags&) { return std::string("off: TLS and cleartext on the one port"); }},
      // --- Diagnostics ---
      {"trace", "", "print the frames of every HTTP/2 connection to stderr", Kind::kSwitch, 0, 0,
       [](H2dFlags& f, auto, auto, auto) { f.trace = true; },
       [](const H2dFlags&) { return std::string("off"); }},
      {"access-log", "FILE",
       "append one line per request to FILE ('-': stdout): time peer protocol method target "
       "status bytes duration",
       Kind::kString, 0, 0, [](H2dFlags& f, std::string_view v, auto, auto) { f.access_log = v; },
       [](const H2dFlags&) { return std::string("none"); }},
      {"origin", "ORIGIN",
       "announce ORIGIN (e.g. https://example.com) in an HTTP/2 ORIGIN frame (RFC 8336); "
       "repeatable",
       Kind::kRepeatedString, 0, 0,
       [](H2dFlags& f, std::string_view v, auto, auto) { f.origins.emplace_back(v); },
       [](const H2dFlags&) { return std::string("none"); }},
      // --- Limits ---
      {"max-request-line-bytes", "SIZE", "longest HTTP/1.1 request line (414 beyond)", Kind::kSize,
       256, 1 * kMiB, [](H2dFlags& f, auto, uint64_t n, auto) { f.max_request_line_bytes = n; },
       [](const H2dFlags& f) { return FormatByteSize(f.max_request_line_bytes); }},
      {"max-header-bytes", "SIZE",
       "largest HTTP/1.1 header section, and trailer section (431 beyond)", Kind::kSize, 1 * kKiB,
       16 * kMiB, [](H2dFlags& f, auto, uint64_t n, auto) { f.max_header_bytes = n; },
       [](const H2dFlags& f) { return FormatByteSize(f.max_header_bytes); }},
      {"max-header-list-size", "SIZE",
       "HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE: largest decoded request header list (431 beyond)",
       Kind::kSize, 1 * kKiB, 16 * kMiB,
       [](H2dFlags& f, auto, uint64_t n, auto) { f.max_header_list_size = n; },
       [](const H2dFlags& f) { return FormatByteSize(f.max_header_list_size); }},
      {"max-header-count", "N", "most header fields in one request head or trailer section",
       Kind::kCount, 8, 10000, [](H2dFlags& f, auto, uint64_t n, auto) { f.max_header_count = n; },
       [](const H2dFlags& f) { return std::to_string(f.max_header_count); }},
      {"max-body-bytes", "SIZE", "largest request body (413 beyond)", Kind::kSize, 0, 64 * kGiB,
       [](H2dFlags& f, auto, uint64_t n, auto) { f.max_body_bytes = n; },
       [](const H2dFlags& f) { return FormatByteSize(f.max_body_bytes); }},
      {"max-connections-per-thread", "N", "open connections per thread; more are closed at accept",
       Kind::kCount, 1, 1000000,
       [](H2dFlags& f, auto, uint64_t n, auto) { f.max_connections_per_thread = n; },
       [](const H2dFlags& f) { return std::to_string(f.max_connections_per_thread); }},
      {"max-concurrent-streams", "N",
       "HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS: open streams per connection", Kind::kCount, 1,
       100000, [](H2dFlags& f, auto, uint64_t n, auto) { f.max_concurrent_streams = n; },
       [](const H2dFlags& f) { return std::to_string(f.max_concurrent_streams); }},
      // --- Timeouts ---
      {"handshake-timeout", "DURATION", "TLS handshake, from accept", Kind::kDuration, 0, 0,
       [](H2dFlags& f, auto, auto, milliseconds d) { f.handshake_timeout = d; },
       [](const H2dFlags& f) { return FormatDurationFlag(f.handshake_timeout); }},
      {"first-request-timeout", "DURATION", "from accept (or handshake) to the first request",
       Kind::kDuration, 0, 0,
       [](H2dFlags& f, auto, auto, milliseconds d) { f.first_request_timeout = d; },
       [](const H2dFlags& f) { return FormatDurationFlag(f.first_request_timeout); }},
      {"header-timeout", "DURATION",
       "a request head must be complete this long after its first byte (slow headers: 408)",
       Kind::kDuration, 0, 0, [](H2dFlags& f, auto, auto, milliseconds d) { f.header_timeout = d; },
       [](const H2dFlags& f) { return FormatDurationFlag(f.header_timeout); }},
      {"idle-timeout", "DURATION",
       "an idle connection, or a peer that stops sending a body or reading a response",
       Kind::kDuration, 0, 0, [](H2dFlags& f, auto, auto, milliseconds d) { f.idle_timeout = d; },
       [](const H2dFlags& f) { return FormatDurationFlag(f.idle_timeout); }},
      {"drain-timeout", "DURATION",
       "on SIGTERM/SIGINT: how long requests in flight may take to finish", Kind::kDuration, 0, 0,
       [](H2dFlags& f, auto, auto, milliseconds d) { f.drain_timeout = d; },
       [](const H2dFlags& f) { return FormatDurationFlag(f.drain_timeout); }},
  };
  return *flags;
}

const Flag* FindFlag(std::string_view name) {
  for (const Flag& flag : Flags()) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Applies one flag with its value (nullopt: no value was given). False with *error set.
bool Apply(const Flag& flag, std::optional<std::string_view> value, H2dFlags* out,
           std::string* error) {
  const std::string dashed = "--" + std::string(flag.name);
  if (flag.kind == Kind::kSwitch) {
    if (value) {
      *error = dashed + " takes no value (got " + Quote(*value) + ")";
      return false;
    }
    flag.set(*out, "", 0, milliseconds(0));
    return true;
  }
  if (!value) {
    *error = dashed + " needs a value: " + dashed + " " + std::string(flag.metavar);
    return false;
  }
  switch (flag.kind) {
    case Kind::kSwitch:
      break;
    case Kind::kString:
    case Kind::kRepeatedString:
      if (value->empty()) {
        *error = dashed + " needs a non-empty " + std::string(flag.metavar);
        return false;
      }
      flag.set(*out, *value, 0, milliseconds(0));
      return true;
    case Kind::kCount:
    case Kind::kSize: {
      std::optional<uint64_t> n =
          flag.kind == Kind::kCount ? ParseDecimal(*value) : ParseByteSize(*value);
      if (!n) {
        *error = dashed + ": " + Quote(*value) +
                 (flag.kind == Kind::kCount ? " is not a whole number"
                                            : " is not a size (e.g. 4096, 64k, 8MiB)");
        return false;
      }
      if (*n < flag.min || *n > flag.max) {
        auto fmt = [&](uint64_t v) {
          return flag.kind == Kind::kSize ? FormatByteSize(v) : std::to_string(v);
        };
        *error = dashed + ": " + Quote(*value) + " is out of range (" + fmt(flag.min) + " to " +
                 fmt(flag.max) + ")";
        return false;
      }
      flag.set(*out, *value, *n, milliseconds(0));
      return true;
    }
    case Kind::kDuration: {
      std::optional<milliseconds> d = ParseDurationFlag(*value);
      if (!d) {
        *error = dashed + ": " + Quote(*value) + " is not a duration (e.g. 500ms, 10s, 2m)";
        return false;
      }
      if (*d < kMinTimeout || *d > kMaxTimeout) {
        *error = dashed + ": " + Quote(*value) + " is out of range (" +
                 FormatDurationFlag(kMinTimeout) + " to " + FormatDurationFlag(kMaxTimeout) + ")";
        return false;
      }
      flag.set(*out, *value, 0, *d);
      return true;
    }
  }
  return false;
}

}  // namespace

H2dFlags::H2dFlags() {
  const Http1Limits http1;
  const ConnectionOptions connection;
  const ServerOptions server;
  max_request_line_bytes = http1.max_request_line_bytes;
  max_header_bytes = http1.max_header_bytes;
  max_header_count = http1.max_header_count;
  max_body_bytes = http1.max_body_bytes;
  max_connections_per_thread = server.max_connections_per_thread;
  max_header_list_size = server.http2.max_header_list_size;
  max_concurrent_streams = server.http2.max_concurrent_streams;
  auto ms = [](auto d) { return std::chrono::duration_cast<milliseconds>(d); };
  handshake_timeout = ms(connection.handshake_timeout);
  first_request_timeout = ms(connection.first_request_timeout);
  header_timeout = ms(connection.header_timeout);
  idle_timeout = ms(connection.idle_timeout);
  drain_timeout = server.drain_timeout;
}

FlagsResult ParseH2dFlags(int argc, const char* const* argv, H2dFlags* out,
                          std::string* out_error) {
  // --help and --version first: they answer whatever else the line holds.
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return FlagsResult::kHelp;
    if (arg == "--version") return FlagsResult::kVersion;
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.size() < 3 || arg.substr(0, 2) != "--") {
      *out_error = arg.size() > 1 && arg[0] == '-'
                       ? "unknown flag " + Quote(arg) + " (flags are spelled --name; see --help)"
                       : "unexpected argument " + Quote(arg) + " (see --help)";
      return FlagsResult::kError;
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (size_t eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const Flag* flag = FindFlag(name);
    if (flag == nullptr) {
      *out_error = "unknown flag --" + std::string(name) + " (see --help)";
      return FlagsResult::kError;
    }
    if (!value && flag->kind != Kind::kSwitch && i + 1 < argc) {
      value = argv[++i];
    }
    if (!Apply(*flag, value, out, out_error)) return FlagsResult::kError;
  }
  if (out->cert.empty() != out->key.empty()) {
    *out_error = out->cert.empty() ? "--key needs --cert (the certificate it belongs to)"
                                   : "--cert needs --key (its private key)";
    return FlagsResult::kError;
  }
  if (!out->cert.empty() && !out->cert_out.empty()) {
    *out_error = "--cert-out is for the self-signed certificate; it makes no sense with --cert";
    return FlagsResult::kError;
  }
  return FlagsResult::kRun;
}

std::string H2dHelpText() {
  std::string text =
      "Usage: h2d [flags]\n"
      "\n"
      "h2d serves HTTP/2 over TLS (ALPN h2), HTTP/1.1 over TLS, h2c (prior knowledge and\n"
      "Upgrade) and cleartext HTTP/1.1, all on one port. With no flags it serves a built-in\n"
      "demo site at https://127.0.0.1:8443/ with a self-signed certificate made at start-up,\n"
      "and prints the curl command that trusts it. SIGTERM or SIGINT: graceful shutdown (a\n"
      "second signal exits at once).\n"
      "\n"
      "Flags (--name VALUE or --name=VALUE):\n";
  const H2dFlags defaults;
  for (const Flag& flag : Flags()) {
    std::string head = "  --" + std::string(flag.name);
    if (!flag.metavar.empty()) head += " " + std::string(flag.metavar);
    text += head + "\n      " + std::string(flag.help) + "\n      default: " + flag.show(defaults) +
            "\n";
  }
  text +=
      "  --help\n      print this text and exit\n"
      "  --version\n      print the version and exit\n"
      "\n"
      "SIZE: 4096, 64k or 64KiB, 8m or 8MiB, 1g or 1GiB. DURATION: 500ms, 10s, 2m, 1h (a bare\n"
      "number is seconds).\n"
      "Routes: the demo site (or --root's files) for GET and HEAD; /echo for any method\n"
      "(answers the request body with x-method, x-path and x-protocol headers).\n"
      "Exit status: 0 after a clean shutdown or --help; 2 for a bad command line or a setup\n"
      "error (port in use, unreadable certificate, key or root); 1 for a forced exit.\n";
  return text;
}

size_t DefaultThreadCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 1;
}

std::string DefaultCertOutPath(uint16_t port) {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = (tmp != nullptr && tmp[0] != '\0') ? tmp : "/tmp";
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir + "/h2d-" + std::to_string(port) + "-cert.pem";
}

std::optional<uint64_t> ParseByteSize(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::optional<uint64_t> n = ParseDecimal(text.substr(0, digits));
  if (!n) return std::nullopt;
  const std::string unit = Lower(text.substr(digits));
  uint64_t scale;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "k" || unit == "kib") {
    scale = kKiB;
  } else if (unit == "m" || unit == "mib") {
    scale = kMiB;
  } else if (unit == "g" || unit == "gib") {
    scale = kGiB;
  } else {
    return std::nullopt;
  }
  if (*n > std::numeric_limits<uint64_t>::max() / scale) return std::nullopt;
  return *n * scale;
}

std::optional<milliseconds> ParseDurationFlag(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::optional<uint64_t> n = ParseDecimal(text.substr(0, digits));
  // 10^12 of anything is beyond every range we accept; the bound keeps the product exact.
  if (!n || *n > 1'000'000'000'000ULL) return std::nullopt;
  const std::string unit = Lower(text.substr(digits));
  uint64_t scale;
  if (unit == "ms") {
    scale = 1;
  } else if (unit.empty() || unit == "s") {
    scale = 1000;
  } else if (unit == "m" || unit == "min") {
    scale = 60 * 1000;
  } else if (unit == "h") {
    scale = 3600 * 1000;
  } else {
    return std::nullopt;
  }
  return milliseconds(static_cast<int64_t>(*n * scale));
}

std::string FormatByteSize(uint64_t bytes) {
  if (bytes != 0 && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + " GiB";
  if (bytes != 0 && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes != 0 && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes);
}

std::string FormatDurationFlag(milliseconds d) {
  const int64_t ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace h2engine::server
