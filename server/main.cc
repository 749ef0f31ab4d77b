// h2d: the h2engine server. See server/README.md, section "h2d", and `h2d --help`.
//
// Start-up, in order: flags; signals blocked in every thread (one thread waits for them with
// sigwait); the document root, the certificate and the access log are opened, so that every
// setup problem is a one-line message and exit status 2 before anything listens; the App (the
// access log middleware outermost, /echo, then the demo site or the static files); the Server;
// the self-signed certificate written where curl can find it; the banner.
//
// Shutdown: the first SIGTERM or SIGINT starts a graceful shutdown (the listeners close, HTTP/2
// connections get GOAWAY, requests in flight finish within --drain-timeout) and h2d exits 0
// once every connection is gone; a second signal exits at once with status 1.

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/access_log.h"
#include "server/demo/demo_site.h"
#include "server/h2d_flags.h"
#include "server/listener.h"
#include "server/router.h"
#include "server/server.h"
#include "server/static_files.h"
#include "tls/context.h"
#include "tls/self_signed.h"

namespace h2engine::server {
namespace {

constexpr int kExitSetupError = 2;
constexpr int kExitForced = 1;

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "h2d: %s\n", message.c_str());
  std::exit(kExitSetupError);
}

// CheckRoot fails unless `root` is a directory we can open and search.
void CheckRoot(const std::string& root) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    Die("--root '" + root + "': " + (e == ENOTDIR ? "not a directory" : strerror(e)));
  }
  const bool searchable = ::faccessat(fd, ".", X_OK, AT_EACCESS) == 0;
  ::close(fd);
  if (!searchable) Die("--root '" + root + "': the directory cannot be searched (no x permission)");
}

// IsWildcard: a host that means "every interface".
bool IsWildcard(const std::string& host) {
  return host.empty() || host == "*" || host == "0.0.0.0" || host == "::" || host == "[::]";
}

// UrlHost: how a browser on this machine reaches `host`.
std::string UrlHost(const std::string& host) {
  if (IsWildcard(host)) return host.find(':') != std::string::npos ? "[::1]" : "127.0.0.1";
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

// ExtraCertificateAddress: the --host address the self-signed certificate must name besides
// localhost, 127.0.0.1 and ::1 ("" if none): a specific numeric address.
std::string ExtraCertificateAddress(const H2dFlags& flags) {
  std::string host = flags.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (IsWildcard(flags.host) || host == "localhost" || host == "127.0.0.1" || host == "::1") {
    return "";
  }
  return host;
}

std::string SelfSignedNames(const H2dFlags& flags) {
  const std::string extra = ExtraCertificateAddress(flags);
  return extra.empty() ? "localhost, 127.0.0.1 and ::1" : "localhost, 127.0.0.1, ::1 and " + extra;
}

// MakeTlsContext: the certificate from --cert/--key, or a self-signed one (its PEM returned in
// *self_signed_pem).
std::shared_ptr<const tls::ServerContext> MakeTlsContext(const H2dFlags& flags,
                                                         std::string* self_signed_pem) {
  std::string error;
  std::shared_ptr<tls::ServerContext> context = tls::ServerContext::Create({}, &error);
  if (context == nullptr) Die("TLS: " + error);
  if (!flags.cert.empty()) {
    if (!context->AddCertificateFiles(flags.cert, flags.key, {}, &error)) Die(error);
    return context;
  }
  tls::SelfSignedOptions options;
  if (std::string extra = ExtraCertificateAddress(flags); !extra.empty()) {
    options.ip_addresses.push_back(extra);  // numeric: the listener takes no names
  }
  tls::SelfSignedCertificate cert;
  if (!tls::GenerateSelfSignedCertificate(options, &cert, &error)) {
    Die("cannot make a self-signed certificate: " + error);
  }
  if (!context->AddCertificatePem(cert.certificate_pem, cert.private_key_pem, {}, &error)) {
    Die("cannot use the self-signed certificate: " + error);
  }
  *self_signed_pem = std::move(cert.certificate_pem);
  return context;
}

// WriteFileAtomically writes `data` to a temporary file beside `path` and renames it over
// `path`, so a reader never sees half a certificate and a symlink at `path` is replaced, not
// followed. False with *error set.
bool WriteFileAtomically(const std::string& path, const std::string& data, std::string* error) {
  std::string tmp = path + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    *error = strerror(errno);
    return false;
  }
  ::fchmod(fd, 0644);
  bool ok = true;
  std::string_view rest = data;
  while (ok && !rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  if (::close(fd) != 0) ok = false;
  if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) ok = false;
  if (!ok) {
    *error = strerror(errno);
    ::unlink(tmp.c_str());
  }
  return ok;
}

// Trace lines from every loop thread, whole, to stderr.
void TraceLine(std::string_view line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
}

ServerOptions MakeServerOptions(const H2dFlags& flags,
                                std::shared_ptr<const tls::ServerContext> tls_context) {
  ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.threads = flags.threads != 0 ? flags.threads : DefaultThreadCount();
  options.max_connections_per_thread = flags.max_connections_per_thread;
  options.connection.handshake_timeout = flags.handshake_timeout;
  options.connection.first_request_timeout = flags.first_request_timeout;
  options.connection.header_timeout = flags.header_timeout;
  options.connection.idle_timeout = flags.idle_timeout;
  options.http1.limits.max_request_line_bytes = flags.max_request_line_bytes;
  options.http1.limits.max_header_bytes = flags.max_header_bytes;
  options.http1.limits.max_header_count = flags.max_header_count;
  options.http1.limits.max_body_bytes = flags.max_body_bytes;
  options.tls = std::move(tls_context);
  options.tls_only = flags.tls_only;
  options.enable_h2 = true;
  options.enable_h2c = !flags.tls_only;
  options.http2.max_concurrent_streams = static_cast<uint32_t>(flags.max_concurrent_streams);
  options.http2.max_header_list_size = static_cast<uint32_t>(flags.max_header_list_size);
  options.origins = flags.origins;
  if (flags.trace) options.trace = TraceLine;
  options.drain_timeout = flags.drain_timeout;
  return options;
}

int Main(int argc, char** argv) {
  H2dFlags flags;
  std::string error;
  switch (ParseH2dFlags(argc, argv, &flags, &error)) {
    case FlagsResult::kRun:
      break;
    case FlagsResult::kHelp:
      std::fputs(H2dHelpText().c_str(), stdout);
      return 0;
    case FlagsResult::kVersion:
      std::printf("%s\n", kH2dVersion);
      return 0;
    case FlagsResult::kError:
      Die(error);
  }

  // Every thread created from here on inherits the blocked set; only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // the access log on a closed stdout; sockets use MSG_NOSIGNAL

  if (SocketAddress address; !ResolveListenAddress(flags.host, flags.port, &address, &error)) {
    Die("--host: " + error);
  }
  if (!flags.root.empty()) CheckRoot(flags.root);
  std::string self_signed_pem;
  std::shared_ptr<const tls::ServerContext> tls_context = MakeTlsContext(flags, &self_signed_pem);
  std::shared_ptr<AccessLog> access_log;
  if (!flags.access_log.empty()) {
    access_log = AccessLog::Open(flags.access_log, &error);
    if (access_log == nullptr) Die(error);
  }

  AppOptions app_options;
  app_options.max_body_bytes = flags.max_body_bytes;
  App app(app_options);
  if (access_log) app.Wrap(AccessLogMiddleware(access_log));
  app.Wrap([](Request& request, Responder responder, const Next& next) {
    responder.OnResponse([](Response& response) {
      if (!response.headers.Has("server")) response.headers.Set("server", "h2d");
    });
    next(request, responder);
  });
  demo::AddEchoRoute(app);
  std::shared_ptr<demo::DemoSite> demo_site;
  if (flags.root.empty()) {
    demo_site = demo::DemoSite::Create({.server_name = kH2dVersion});
    demo_site->AddRoutes(app);
  } else {
    StaticFilesOptions static_options;
    static_options.root = flags.root;
    std::shared_ptr<StaticFileHandler> files = StaticFileHandler::Create(static_options, &error);
    if (files == nullptr) Die("--root '" + flags.root + "': " + error);
    app.Get("/*", StaticFileHandler::AsHandler(files));
  }

  const ServerOptions options = MakeServerOptions(flags, tls_context);
  Server server(app, options);
  if (ListenStatus status = server.Start(); !status.ok()) Die(status.message);

  const std::string base = "https://" + UrlHost(flags.host) + ":" + std::to_string(server.port());
  std::printf("h2d: serving %s on %s/ (TLS: h2, http/1.1%s; %zu threads)\n",
              flags.root.empty() ? "the demo site" : ("'" + flags.root + "'").c_str(), base.c_str(),
              flags.tls_only ? "; no cleartext" : "; cleartext: h2c, http/1.1", options.threads);
  std::string curl_trust;  // a certificate from --cert: the user knows how clients trust it
  if (!self_signed_pem.empty()) {
    const std::string cert_path =
        flags.cert_out.empty() ? DefaultCertOutPath(server.port()) : flags.cert_out;
    if (WriteFileAtomically(cert_path, self_signed_pem, &error)) {
      std::printf("h2d: self-signed certificate for %s written to %s\n",
                  SelfSignedNames(flags).c_str(), cert_path.c_str());
      curl_trust = "--cacert " + cert_path + " ";
    } else {
      std::printf("h2d: could not write the certificate to %s: %s\n", cert_path.c_str(),
                  error.c_str());
      curl_trust = "--insecure ";
    }
  }
  std::printf("h2d: try: curl %s%s/api/info\n", curl_trust.c_str(), base.c_str());
  std::printf("h2d: SIGTERM or Ctrl-C stops gracefully (twice: at once)\n");
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "h2d: %s: finishing requests in flight (signal again to exit at once)\n",
               sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::thread([signals] {
    int again = 0;
    sigwait(&signals, &again);
    std::fprintf(stderr, "h2d: second signal: exiting now\n");
    std::_Exit(kExitForced);
  }).detach();
  server.StartGracefulShutdown();
  server.Wait();
  return 0;
}

}  // namespace
}  // namespace h2engine::server

int main(int argc, char** argv) { return h2engine::server::Main(argc, argv); }
