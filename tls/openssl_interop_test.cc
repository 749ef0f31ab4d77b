// Interop with a real peer: OpenSSL's `openssl s_client` (Debian's openssl package, OpenSSL 3)
// against our server Session over a TCP socket on 127.0.0.1.
//
// The test starts and stops the process itself, binds to 127.0.0.1 on an ephemeral port, and
// gives every wait a deadline, so it cannot hang. If `openssl` is not installed, it is skipped.
// (Sockets appear only here, in a test: the //tls library knows nothing of them.)

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tls/context.h"
#include "tls/session.h"
#include "tls/testing/session_pair.h"

extern char** environ;

namespace h2engine::tls {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::seconds(10);

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string OpensslPath() {
  for (const char* path : {"/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Child is a process started with stdin from a file and stdout+stderr to a file.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& stdin_path,
        const std::string& output_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, stdin_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, output_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() { Wait(); }

  bool started() const { return pid_ > 0; }

  // Wait reaps the child, killing it if it outlives the deadline. Returns its exit status.
  int Wait() {
    if (pid_ <= 0) return status_;
    const auto end = Clock::now() + kDeadline;
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (Clock::now() > end) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      usleep(10000);
    }
    pid_ = -1;
    status_ = status;
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Listener is a TCP socket on 127.0.0.1 with an ephemeral port.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(fd_, 1) != 0 || getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

  // Accept waits (with the deadline) for one connection and returns it non-blocking, or -1.
  int Accept() {
    pollfd p = {fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kDeadline).count())) != 1) {
      return -1;
    }
    const int conn = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    return conn;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// ServeOne runs `session` over the socket `fd` until the peer closes, the session fails or
// the deadline passes. `on_plaintext` sees every plaintext byte the peer sent and may write a
// reply. Returns what it read.
std::string ServeOne(int fd, Session& session,
                     const std::function<void(Session&, const std::string&)>& on_plaintext) {
  std::string received;
  const auto end = Clock::now() + kDeadline;
  bool eof = false;
  while (Clock::now() < end) {
    // Flush.
    while (session.has_pending_ciphertext()) {
      const auto pending = session.PendingCiphertext();
      const ssize_t n = send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
      session.ConsumeCiphertext(static_cast<size_t>(n));
    }
    if (eof || session.failed() || session.peer_closed()) break;
    pollfd p = {fd, static_cast<short>(POLLIN | (session.has_pending_ciphertext() ? POLLOUT : 0)),
                0};
    if (poll(&p, 1, 100) < 0) break;
    uint8_t buf[16384];
    const size_t space = std::min(sizeof(buf), session.CiphertextInputSpace());
    const ssize_t n = recv(fd, buf, space, 0);
    if (n == 0) eof = true;
    if (n > 0) {
      EXPECT_EQ(session.FeedCiphertext({buf, static_cast<size_t>(n)}), static_cast<size_t>(n));
    }
    for (;;) {
      uint8_t plain[4096];
      const TlsResult r = session.ReadPlaintext(plain);
      if (r.status != TlsStatus::kOk) break;
      received.append(reinterpret_cast<const char*>(plain), r.bytes);
      on_plaintext(session, received);
    }
  }
  return received;
}

class OpensslInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    openssl_ = OpensslPath();
    if (openssl_.empty()) GTEST_SKIP() << "openssl is not installed";
    cert_path_ = TempPath("interop_cert.pem");
    WriteFile(cert_path_, testing::TestCertificate().certificate_pem);
  }

  // RunClient starts `openssl s_client` against a server Session with `args`, feeding it
  // `input` on stdin, serves the connection and returns s_client's output.
  std::string RunClient(const std::vector<std::string>& args, const std::string& input,
                        Session& server,
                        const std::function<void(Session&, const std::string&)>& on_plaintext,
                        std::string* received) {
    Listener listener;
    EXPECT_NE(listener.port(), 0);
    const std::string stdin_path = TempPath("interop_stdin");
    const std::string output_path = TempPath("interop_output");
    WriteFile(stdin_path, input);
    std::vector<std::string> argv = {openssl_, "s_client", "-connect",
                                     "127.0.0.1:" + std::to_string(listener.port())};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child(argv, stdin_path, output_path);
    EXPECT_TRUE(child.started());
    const int fd = listener.Accept();
    EXPECT_GE(fd, 0) << "s_client did not connect";
    if (fd >= 0) {
      *received = ServeOne(fd, server, on_plaintext);
      close(fd);
    }
    child.Wait();
    return ReadFile(output_path);
  }

  std::string openssl_;
  std::string cert_path_;
};

TEST_F(OpensslInterop, Tls13WithAlpnH2SniAndVerifiedCertificate) {
  std::string error;
  auto server = Session::CreateServer(testing::MakeServerContext(), {}, &error);
  ASSERT_NE(server, nullptr) << error;
  bool replied = false;
  std::string received;
  const std::string output = RunClient(
      {"-alpn", "h2,http/1.1", "-servername", "localhost", "-CAfile", cert_path_,
       "-verify_return_error", "-verify_hostname", "localhost", "-ign_eof"},
      "ping\n", *server,
      [&](Session& s, const std::string& got) {
        if (!replied && got == "ping\n") {
          replied = true;
          const std::string pong = "pong\n";
          EXPECT_EQ(s.WritePlaintext({reinterpret_cast<const uint8_t*>(pong.data()), 5}).status,
                    TlsStatus::kOk);
          EXPECT_EQ(s.Shutdown(), TlsStatus::kOk);
        }
      },
      &received);
  EXPECT_EQ(received, "ping\n");
  EXPECT_TRUE(replied);
  EXPECT_FALSE(server->failed()) << server->error();
  EXPECT_EQ(server->alpn(), "h2");
  EXPECT_EQ(server->server_name(), "localhost");
  EXPECT_EQ(server->protocol_version(), TLS1_3_VERSION);
  // OpenSSL's view: it verified our self-signed certificate (as curl --cacert would) and
  // negotiated h2.
  EXPECT_THAT(output, HasSubstr("ALPN protocol: h2"));
  EXPECT_THAT(output, HasSubstr("Verify return code: 0 (ok)"));
  EXPECT_THAT(output, HasSubstr("TLSv1.3"));
  EXPECT_THAT(output, HasSubstr("pong"));
}

TEST_F(OpensslInterop, Rfc9113Section9_2_1_ClientRenegotiationIsRefused) {
  std::string error;
  auto server = Session::CreateServer(testing::MakeServerContext(), {}, &error);
  ASSERT_NE(server, nullptr) << error;
  std::string received;
  // "R" on a line of its own makes s_client renegotiate (TLS 1.2 only).
  const std::string output =
      RunClient({"-tls1_2", "-alpn", "h2", "-servername", "localhost"}, "R\n", *server,
                [](Session&, const std::string&) {}, &received);
  EXPECT_THAT(output, HasSubstr("RENEGOTIATING"));
  EXPECT_EQ(server->alpn(), "h2");
  EXPECT_TRUE(server->failed());
  EXPECT_THAT(server->error(), HasSubstr("NO_RENEGOTIATION"));
  EXPECT_EQ(received, "");
}

TEST_F(OpensslInterop, OpensslVerifiesTheSelfSignedCertificate) {
  // `openssl verify` with the certificate as its own CA, as a TLS server certificate for
  // each of its names.
  const std::string output_path = TempPath("verify_output");
  const std::string empty_path = TempPath("verify_stdin");
  WriteFile(empty_path, "");
  for (const std::vector<std::string>& check :
       {std::vector<std::string>{"-verify_hostname", "localhost"},
        std::vector<std::string>{"-verify_ip", "127.0.0.1"},
        std::vector<std::string>{"-verify_ip", "::1"}}) {
    std::vector<std::string> argv = {openssl_, "verify", "-CAfile", cert_path_,
                                     "-purpose", "sslserver", "-x509_strict"};
    argv.insert(argv.end(), check.begin(), check.end());
    argv.push_back(cert_path_);
    Child child(argv, empty_path, output_path);
    ASSERT_TRUE(child.started());
    const int status = child.Wait();
    const std::string output = ReadFile(output_path);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << check[1] << ": " << output;
    EXPECT_THAT(output, HasSubstr(": OK")) << check[1];
  }
}

}  // namespace
}  // namespace h2engine::tls
