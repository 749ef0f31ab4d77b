// h2d's command line: the flags, their defaults, parsing with one-line errors, and the --help
// text. Pure (no sockets, no files): main.cc turns an H2dFlags into ServerOptions and checks
// what needs the file system (root, certificate, key).
//
//   H2dFlags flags;
//   std::string error;
//   switch (ParseH2dFlags(argc, argv, &flags, &error)) {
//     case FlagsResult::kRun:     break;
//     case FlagsResult::kHelp:    puts(H2dHelpText().c_str()); return 0;
//     case FlagsResult::kVersion: puts(kH2dVersion); return 0;
//     case FlagsResult::kError:   fprintf(stderr, "h2d: %s\n", error.c_str()); return 2;
//   }
//
// Syntax: `--name VALUE` or `--name=VALUE`; switches (`--tls-only`, `--trace`) take no value
// (`--trace=false` is refused: leave the switch out). A repeated flag overrides the earlier
// one, except `--origin`, which accumulates. No positional arguments.
//
// Value formats (checked against each flag's range; every error names the flag):
//   sizes      1024, 64k / 64KiB, 8m / 8MiB, 1g / 1GiB (binary multiples, case-insensitive)
//   durations  500ms, 10s, 2m, 1h; a bare number is seconds
//   counts     decimal integers
//
// The defaults are the library's own (ConnectionOptions, Http1Limits, ...), so --help always
// prints what the server really does.

#ifndef H2ENGINE_SERVER_H2D_FLAGS_H_
#define H2ENGINE_SERVER_H2D_FLAGS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2engine::server {

inline constexpr char kH2dVersion[] = "h2d (h2engine) 0.1.0";
inline constexpr uint16_t kH2dDefaultPort = 8443;

struct H2dFlags {
  // Where to listen.
  std::string host = "127.0.0.1";
  uint16_t port = kH2dDefaultPort;
  size_t threads = 0;  // 0 = DefaultThreadCount()

  // What to serve. Empty root: the built-in demo site.
  std::string root;

  // TLS. Both empty: a self-signed certificate made at start-up, written to cert_out (empty:
  // DefaultCertOutPath(port)) so that clients can trust it.
  std::string cert;
  std::string key;
  std::string cert_out;
  bool tls_only = false;

  // Diagnostics.
  bool trace = false;
  std::string access_log;  // "" = none, "-" = stdout
  std::vector<std::string> origins;

  // Limits (defaults filled from the library's option structs by the constructor).
  uint64_t max_request_line_bytes;
  uint64_t max_header_bytes;
  uint64_t max_header_list_size;
  uint64_t max_header_count;
  uint64_t max_body_bytes;
  uint64_t max_connections_per_thread;
  uint64_t max_concurrent_streams;

  // Timeouts.
  std::chrono::milliseconds handshake_timeout;
  std::chrono::milliseconds first_request_timeout;
  std::chrono::milliseconds header_timeout;
  std::chrono::milliseconds idle_timeout;
  std::chrono::milliseconds drain_timeout;

  H2dFlags();
};

enum class FlagsResult : uint8_t {
  kRun,      // flags parsed: serve
  kHelp,     // --help (or -h) was given: print H2dHelpText(), exit 0
  kVersion,  // --version: print kH2dVersion, exit 0
  kError,    // *out_error holds a one-line message (no trailing newline): exit 2
};

// ParseH2dFlags parses argv[1..argc-1] into *out (which keeps its defaults for flags not
// given). --help and --version win over anything else on the line, even over errors
// elsewhere, so `h2d --bogus --help` still helps.
[[nodiscard]] FlagsResult ParseH2dFlags(int argc, const char* const* argv, H2dFlags* out,
                                        std::string* out_error);

// H2dHelpText: usage, then every flag with its value format and its default.
std::string H2dHelpText();

// DefaultThreadCount: the CPUs this process may run on (sched_getaffinity), at least 1.
size_t DefaultThreadCount();

// DefaultCertOutPath: where the self-signed certificate goes when --cert-out is not given:
// "$TMPDIR/h2d-<port>-cert.pem" (TMPDIR unset or empty: /tmp).
std::string DefaultCertOutPath(uint16_t port);

// Parsers for the value formats above (exposed for tests). nullopt if malformed.
std::optional<uint64_t> ParseByteSize(std::string_view text);
std::optional<std::chrono::milliseconds> ParseDurationFlag(std::string_view text);
// FormatByteSize: "8 MiB", "64 KiB", "1000" (exact multiples only get a unit).
std::string FormatByteSize(uint64_t bytes);
// FormatDurationFlag: "10s", "500ms", "2m", "1h".
std::string FormatDurationFlag(std::chrono::milliseconds d);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_H2D_FLAGS_H_
