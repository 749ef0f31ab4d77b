// h2d's command line: defaults from the library, every value format, every error message, and
// a --help that lists every flag with its default.

#include "server/h2d_flags.h"

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/connection.h"
#include "server/http1.h"
#include "server/server.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

struct Parsed {
  FlagsResult result;
  H2dFlags flags;
  std::string error;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), "h2d");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  Parsed p;
  p.result = ParseH2dFlags(static_cast<int>(argv.size()), argv.data(), &p.flags, &p.error);
  return p;
}

// ErrorOf parses and returns the error message, failing the test if parsing succeeded.
std::string ErrorOf(std::vector<std::string> args) {
  Parsed p = Parse(std::move(args));
  EXPECT_EQ(p.result, FlagsResult::kError);
  EXPECT_EQ(p.error.find('\n'), std::string::npos) << "one line: " << p.error;
  return p.error;
}

TEST(H2dFlags, DefaultsAreTheLibrarys) {
  Parsed p = Parse({});
  ASSERT_EQ(p.result, FlagsResult::kRun);
  const H2dFlags& f = p.flags;
  EXPECT_EQ(f.host, "127.0.0.1");
  EXPECT_EQ(f.port, 8443);
  EXPECT_EQ(f.threads, 0u);
  EXPECT_TRUE(f.root.empty());
  EXPECT_TRUE(f.cert.empty());
  EXPECT_FALSE(f.tls_only);
  EXPECT_FALSE(f.trace);
  EXPECT_TRUE(f.access_log.empty());
  EXPECT_TRUE(f.origins.empty());
  const Http1Limits http1;
  const ConnectionOptions connection;
  EXPECT_EQ(f.max_request_line_bytes, http1.max_request_line_bytes);
  EXPECT_EQ(f.max_header_bytes, http1.max_header_bytes);
  EXPECT_EQ(f.max_header_count, http1.max_header_count);
  EXPECT_EQ(f.max_body_bytes, http1.max_body_bytes);
  EXPECT_EQ(f.max_connections_per_thread, ServerOptions{}.max_connections_per_thread);
  EXPECT_EQ(f.idle_timeout, connection.idle_timeout);
  EXPECT_EQ(f.header_timeout, connection.header_timeout);
  EXPECT_EQ(f.first_request_timeout, connection.first_request_timeout);
  EXPECT_EQ(f.handshake_timeout, connection.handshake_timeout);
  EXPECT_EQ(f.max_concurrent_streams, ServerOptions{}.http2.max_concurrent_streams);
  EXPECT_GE(f.max_concurrent_streams, 100u);  // h2load -m 100 in the interop tests
  EXPECT_EQ(f.max_header_list_size, ServerOptions{}.http2.max_header_list_size);
  EXPECT_EQ(f.drain_timeout, ServerOptions{}.drain_timeout);
}

TEST(H2dFlags, EveryFlagBothSpellings) {
  // clang-format off
  Parsed p = Parse({"--host", "::1", "--port=9000", "--threads", "3", "--root", "/srv",
                    "--cert=c.pem", "--key", "k.pem", "--tls-only", "--trace",
                    "--access-log", "-", "--origin", "https://a.example",
                    "--origin=https://b.example", "--max-request-line-bytes", "16k",
                    "--max-header-bytes=1MiB", "--max-header-list-size", "128k",
                    "--max-header-count", "50",
                    "--max-body-bytes", "1g", "--max-connections-per-thread", "77",
                    "--max-concurrent-streams=250", "--handshake-timeout", "1500ms",
                    "--first-request-timeout", "3", "--header-timeout=2s",
                    "--idle-timeout", "2m", "--drain-timeout", "1h"});
  // clang-format on
  ASSERT_EQ(p.result, FlagsResult::kRun) << p.error;
  const H2dFlags& f = p.flags;
  EXPECT_EQ(f.host, "::1");
  EXPECT_EQ(f.port, 9000);
  EXPECT_EQ(f.threads, 3u);
  EXPECT_EQ(f.root, "/srv");
  EXPECT_EQ(f.cert, "c.pem");
  EXPECT_EQ(f.key, "k.pem");
  EXPECT_TRUE(f.tls_only);
  EXPECT_TRUE(f.trace);
  EXPECT_EQ(f.access_log, "-");
  EXPECT_EQ(f.origins, (std::vector<std::string>{"https://a.example", "https://b.example"}));
  EXPECT_EQ(f.max_request_line_bytes, 16u * 1024);
  EXPECT_EQ(f.max_header_bytes, 1024u * 1024);
  EXPECT_EQ(f.max_header_list_size, 128u * 1024);
  EXPECT_EQ(f.max_header_count, 50u);
  EXPECT_EQ(f.max_body_bytes, 1024ull * 1024 * 1024);
  EXPECT_EQ(f.max_connections_per_thread, 77u);
  EXPECT_EQ(f.max_concurrent_streams, 250u);
  EXPECT_EQ(f.handshake_timeout, milliseconds(1500));
  EXPECT_EQ(f.first_request_timeout, milliseconds(3000));
  EXPECT_EQ(f.header_timeout, milliseconds(2000));
  EXPECT_EQ(f.idle_timeout, milliseconds(120000));
  EXPECT_EQ(f.drain_timeout, milliseconds(3600000));
}

TEST(H2dFlags, LaterFlagOverridesEarlier) {
  Parsed p = Parse({"--port", "1", "--port", "2"});
  ASSERT_EQ(p.result, FlagsResult::kRun);
  EXPECT_EQ(p.flags.port, 2);
}

TEST(H2dFlags, PortZeroAndBounds) {
  EXPECT_EQ(Parse({"--port", "0"}).flags.port, 0);
  EXPECT_EQ(Parse({"--port", "65535"}).flags.port, 65535);
  EXPECT_EQ(ErrorOf({"--port", "65536"}), "--port: '65536' is out of range (0 to 65535)");
  EXPECT_EQ(ErrorOf({"--port", "-1"}), "--port: '-1' is not a whole number");
  EXPECT_EQ(ErrorOf({"--port", "abc"}), "--port: 'abc' is not a whole number");
  EXPECT_EQ(ErrorOf({"--port", "99999999999999999999999"}),
            "--port: '99999999999999999999999' is not a whole number");
  EXPECT_EQ(ErrorOf({"--port="}), "--port: '' is not a whole number");
}

TEST(H2dFlags, Errors) {
  EXPECT_EQ(ErrorOf({"--bogus"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(ErrorOf({"--bogus=1"}), "unknown flag --bogus (see --help)");
  EXPECT_EQ(ErrorOf({"-p", "1"}), "unknown flag '-p' (flags are spelled --name; see --help)");
  EXPECT_EQ(ErrorOf({"serve"}), "unexpected argument 'serve' (see --help)");
  EXPECT_EQ(ErrorOf({"--port"}), "--port needs a value: --port N");
  EXPECT_EQ(ErrorOf({"--root"}), "--root needs a value: --root DIR");
  EXPECT_EQ(ErrorOf({"--root="}), "--root needs a non-empty DIR");
  EXPECT_EQ(ErrorOf({"--trace=yes"}), "--trace takes no value (got 'yes')");
  EXPECT_EQ(ErrorOf({"--threads", "0"}), "--threads: '0' is out of range (1 to 1024)");
  EXPECT_EQ(ErrorOf({"--max-body-bytes", "8x"}),
            "--max-body-bytes: '8x' is not a size (e.g. 4096, 64k, 8MiB)");
  EXPECT_EQ(ErrorOf({"--max-header-bytes", "100"}),
            "--max-header-bytes: '100' is out of range (1 KiB to 16 MiB)");
  EXPECT_EQ(ErrorOf({"--idle-timeout", "soon"}),
            "--idle-timeout: 'soon' is not a duration (e.g. 500ms, 10s, 2m)");
  EXPECT_EQ(ErrorOf({"--idle-timeout", "0"}), "--idle-timeout: '0' is out of range (10ms to 24h)");
  EXPECT_EQ(ErrorOf({"--idle-timeout", "2d"}),
            "--idle-timeout: '2d' is not a duration (e.g. 500ms, 10s, 2m)");
  EXPECT_EQ(ErrorOf({"--cert", "c.pem"}), "--cert needs --key (its private key)");
  EXPECT_EQ(ErrorOf({"--key", "k.pem"}), "--key needs --cert (the certificate it belongs to)");
  EXPECT_EQ(ErrorOf({"--cert", "c", "--key", "k", "--cert-out", "o"}),
            "--cert-out is for the self-signed certificate; it makes no sense with --cert");
}

TEST(H2dFlags, HelpAndVersionWinOverEverything) {
  EXPECT_EQ(Parse({"--help"}).result, FlagsResult::kHelp);
  EXPECT_EQ(Parse({"-h"}).result, FlagsResult::kHelp);
  EXPECT_EQ(Parse({"--bogus", "--help"}).result, FlagsResult::kHelp);
  EXPECT_EQ(Parse({"--port", "x", "--version"}).result, FlagsResult::kVersion);
}

TEST(H2dFlags, HelpListsEveryFlagWithItsDefault) {
  const std::string help = H2dHelpText();
  // clang-format off
  const std::vector<std::string> expected = {
      "host", "port", "threads", "root", "cert", "key", "cert-out", "tls-only", "trace",
      "access-log", "origin", "max-request-line-bytes", "max-header-bytes", "max-header-list-size",
      "max-header-count", "max-body-bytes", "max-connections-per-thread", "max-concurrent-streams",
      "handshake-timeout", "first-request-timeout", "header-timeout", "idle-timeout",
      "drain-timeout"};
  // clang-format on
  // Each flag: "  --name [METAVAR]", a help line, "      default: ...".
  std::istringstream in(help);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::set<std::string> listed;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind("  --", 0) != 0) continue;
    std::string name = lines[i].substr(4, lines[i].find(' ', 4) - 4);
    listed.insert(name);
    if (name == "help" || name == "version") continue;
    ASSERT_LT(i + 2, lines.size());
    EXPECT_EQ(lines[i + 2].rfind("      default: ", 0), 0u) << name << ": " << lines[i + 2];
  }
  for (const std::string& name : expected) EXPECT_TRUE(listed.count(name)) << name;
  EXPECT_EQ(listed.size(), expected.size() + 2);  // + help, version
  // Every flag the help lists is accepted by the parser (switches alone, others with a value).
  for (const std::string& name : listed) {
    if (name == "help" || name == "version") continue;
    Parsed p = Parse({"--" + name});
    EXPECT_TRUE(p.result == FlagsResult::kRun ||
                p.error.find("needs a value") != std::string::npos ||
                p.error.find("needs --") != std::string::npos)
        << name << ": " << p.error;
  }
  EXPECT_NE(help.find("default: 8443"), std::string::npos);
  EXPECT_NE(help.find("default: 127.0.0.1"), std::string::npos);
  EXPECT_NE(help.find("default: 32 KiB"), std::string::npos);
  EXPECT_NE(help.find("default: 1m"), std::string::npos);  // idle timeout
}

TEST(H2dFlags, ByteSizes) {
  EXPECT_EQ(ParseByteSize("0"), 0u);
  EXPECT_EQ(ParseByteSize("4096"), 4096u);
  EXPECT_EQ(ParseByteSize("10b"), 10u);
  EXPECT_EQ(ParseByteSize("64k"), 65536u);
  EXPECT_EQ(ParseByteSize("64KiB"), 65536u);
  EXPECT_EQ(ParseByteSize("8M"), 8u << 20);
  EXPECT_EQ(ParseByteSize("8mib"), 8u << 20);
  EXPECT_EQ(ParseByteSize("2G"), 2ull << 30);
  EXPECT_EQ(ParseByteSize(""), std::nullopt);
  EXPECT_EQ(ParseByteSize("k"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1.5M"), std::nullopt);
  EXPECT_EQ(ParseByteSize("-1"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1 M"), std::nullopt);
  EXPECT_EQ(ParseByteSize("1T"), std::nullopt);
  EXPECT_EQ(ParseByteSize("99999999999g"), std::nullopt);  // would overflow
  EXPECT_EQ(FormatByteSize(0), "0");
  EXPECT_EQ(FormatByteSize(1000), "1000");
  EXPECT_EQ(FormatByteSize(65536), "64 KiB");
  EXPECT_EQ(FormatByteSize(8u << 20), "8 MiB");
  EXPECT_EQ(FormatByteSize(3ull << 30), "3 GiB");
}

TEST(H2dFlags, Durations) {
  EXPECT_EQ(ParseDurationFlag("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDurationFlag("10"), milliseconds(10000));
  EXPECT_EQ(ParseDurationFlag("10s"), milliseconds(10000));
  EXPECT_EQ(ParseDurationFlag("2m"), milliseconds(120000));
  EXPECT_EQ(ParseDurationFlag("2min"), milliseconds(120000));
  EXPECT_EQ(ParseDurationFlag("1H"), milliseconds(3600000));
  EXPECT_EQ(ParseDurationFlag(""), std::nullopt);
  EXPECT_EQ(ParseDurationFlag("s"), std::nullopt);
  EXPECT_EQ(ParseDurationFlag("1.5s"), std::nullopt);
  EXPECT_EQ(ParseDurationFlag("5us"), std::nullopt);
  EXPECT_EQ(ParseDurationFlag("99999999999999h"), std::nullopt);
  EXPECT_EQ(FormatDurationFlag(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDurationFlag(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDurationFlag(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDurationFlag(milliseconds(10000)), "10s");
  EXPECT_EQ(FormatDurationFlag(milliseconds(60000)), "1m");
  EXPECT_EQ(FormatDurationFlag(milliseconds(7200000)), "2h");
}

TEST(H2dFlags, DefaultThreadsAndCertPath) {
  EXPECT_GE(DefaultThreadCount(), 1u);
  ASSERT_EQ(setenv("TMPDIR", "/some/dir/", 1), 0);
  EXPECT_EQ(DefaultCertOutPath(8443), "/some/dir/h2d-8443-cert.pem");
  ASSERT_EQ(setenv("TMPDIR", "", 1), 0);
  EXPECT_EQ(DefaultCertOutPath(1), "/tmp/h2d-1-cert.pem");
  ASSERT_EQ(unsetenv("TMPDIR"), 0);
  EXPECT_EQ(DefaultCertOutPath(1), "/tmp/h2d-1-cert.pem");
}

}  // namespace
}  // namespace h2engine::server
