// Connection timeouts and back pressure, deterministically: the loop runs on a ManualClock, so
// "10 seconds later" is a clock step, not a sleep. The peer is the other end of a socketpair.

#include "server/connection.h"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "h2/frame_trace.h"
#include "server/http1_session.h"
#include "server/http2_session.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ConnectionTest : public ::testing::Test {
 protected:
  ConnectionTest() {
    std::string error;
    loop_ = EventLoop::Create(&error, &clock_);
    app_.Get("/hello", [](Request&, Responder res) { res.Respond(200, "hello"); });
    app_.Get("/held", [this](Request&, Responder res) { held_ = res; });
    app_.Get("/big", [](Request&, Responder res) { res.Respond(200, std::string(8 << 20, 'b')); });
    app_.Post("/echo", [](Request& req, Responder res) { res.Respond(200, req.body); });
  }
  ~ConnectionTest() override {
    connection_.reset();
    if (peer_ >= 0) ::close(peer_);
  }

  void Open(ConnectionOptions options = {}) {
    options_ = options;
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds), 0);
    peer_ = fds[1];
    connection_ = std::make_unique<Connection>(
        loop_.get(), fds[0], SocketAddress{}, options,
        [this](SniffResult protocol, SessionHost* host,
               const SocketAddress&) -> std::unique_ptr<Session> {
          if (protocol == SniffResult::kH2PriorKnowledge && serve_h2c_) {
            return std::make_unique<Http2Session>(host, &app_, Http2SessionOptions{},
                                                  ConnectionInfo{"peer", "http"}, &clock_);
          }
          if (protocol != SniffResult::kHttp1) return nullptr;
          Http1SessionOptions http1;
          http1.add_date_header = false;
          return std::make_unique<Http1Session>(host, &app_, http1, ConnectionInfo{"peer", "http"},
                                                &clock_);
        },
        [this](Connection*) { closed_ = true; });
    ASSERT_TRUE(connection_->Start());
    Turn();
  }

  // Turn lets the loop handle whatever is ready (no waiting).
  void Turn() {
    for (int i = 0; i < 5; ++i) loop_->RunOnce(milliseconds(0));
  }
  void Advance(Duration d) {
    clock_.Advance(d);
    Turn();
  }
  void Send(std::string_view s) {
    ASSERT_EQ(::send(peer_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
    Turn();
  }
  // Received returns what the server has sent so far; sets peer_closed_ on EOF.
  std::string Received() {
    std::string out;
    char buf[65536];
    while (true) {
      ssize_t n = ::recv(peer_, buf, sizeof(buf), 0);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) peer_closed_ = true;
      break;
    }
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<EventLoop> loop_;
  App app_;
  Responder held_;
  ConnectionOptions options_;
  std::unique_ptr<Connection> connection_;
  int peer_ = -1;
  bool closed_ = false;
  bool peer_closed_ = false;
  bool serve_h2c_ = false;
};

std::string Trace(const std::string& bytes) {
  return h2::TraceFrames({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

TEST_F(ConnectionTest, FirstRequestTimeout) {
  Open();
  Advance(seconds(9));
  EXPECT_FALSE(closed_);
  Advance(seconds(1));
  EXPECT_TRUE(closed_);
  EXPECT_EQ(Received(), "");
  EXPECT_TRUE(peer_closed_);
}

TEST_F(ConnectionTest, HeaderTimeoutIsNotExtendedByDripFeeding) {
  ConnectionOptions options;
  options.first_request_timeout = seconds(100);
  options.header_timeout = seconds(10);
  Open(options);
  Send("GET /hello HTTP/1.1\r\n");
  for (int i = 0; i < 9; ++i) {
    Advance(seconds(1));
    Send("X");  // progress, but never a complete head
  }
  EXPECT_EQ(Received(), "");
  Advance(seconds(1));
  EXPECT_EQ(Received().rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u);
}

TEST_F(ConnectionTest, FirstRequestTimeoutAlsoBoundsTheFirstHead) {
  ConnectionOptions options;
  options.first_request_timeout = seconds(5);
  options.header_timeout = seconds(10);
  Open(options);
  Advance(seconds(4));
  Send("GET / HTTP/1.1\r\n");
  Advance(seconds(1));  // 5 s after accept, 1 s into the head
  EXPECT_EQ(Received().rfind("HTTP/1.1 408", 0), 0u);
}

TEST_F(ConnectionTest, IdleTimeoutBetweenRequests) {
  Open();
  Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Received().find("hello"), std::string::npos);
  Advance(seconds(59));
  Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");  // resets the idle clock
  EXPECT_NE(Received().find("hello"), std::string::npos);
  Advance(seconds(59));
  EXPECT_FALSE(closed_);
  Advance(seconds(1));
  EXPECT_EQ(Received(), "");
  EXPECT_TRUE(peer_closed_);
}

TEST_F(ConnectionTest, StalledBodyGets408) {
  Open();
  Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  Advance(seconds(30));
  Send("de");  // progress resets the body timer
  Advance(seconds(59));
  EXPECT_EQ(Received(), "");
  Advance(seconds(1));
  EXPECT_EQ(Received().rfind("HTTP/1.1 408", 0), 0u);
}

TEST_F(ConnectionTest, NoTimeoutWhileTheApplicationWorks) {
  Open();
  Send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
  Advance(seconds(3600));
  EXPECT_FALSE(closed_);
  held_.Respond(200, "finally");
  Turn();
  EXPECT_NE(Received().find("finally"), std::string::npos);
}

TEST_F(ConnectionTest, PeerThatStopsReadingIsClosed) {
  Open();
  Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = Received();  // some of it; the socket buffers fill up after that
  EXPECT_EQ(first.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  Turn();
  Advance(seconds(59));
  EXPECT_FALSE(closed_);
  Advance(seconds(1));
  EXPECT_TRUE(closed_);
}

TEST_F(ConnectionTest, LingeringCloseWaitsForThePeerThenGivesUp) {
  Open();
  Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(Received().find("hello"), std::string::npos);
  EXPECT_TRUE(peer_closed_);  // our write side is shut down
  EXPECT_FALSE(closed_);      // but we still drain what the peer sends
  Send("ignored trailing bytes");
  EXPECT_FALSE(closed_);
  Advance(seconds(2));
  EXPECT_TRUE(closed_);
}

TEST_F(ConnectionTest, LingeringEndsWhenThePeerCloses) {
  Open();
  Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  (void)Received();
  ::shutdown(peer_, SHUT_WR);
  Turn();
  EXPECT_TRUE(closed_);
}

TEST_F(ConnectionTest, BackPressureStopsReadingWhileTheApplicationWorks) {
  Open();  // the input buffer (64 KiB) could take everything: only back pressure stops it
  // A request the application holds, then more pipelined bytes than the input buffer takes.
  Send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string more;
  for (int i = 0; i < 200; ++i) more += "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
  ssize_t sent = ::send(peer_, more.data(), more.size(), MSG_NOSIGNAL);
  ASSERT_EQ(sent, static_cast<ssize_t>(more.size()));
  Turn();
  EXPECT_EQ(Received(), "");  // nothing answered while the first request is pending
  int unread = 0;             // bytes still queued towards the server: it stopped reading
  ASSERT_EQ(::ioctl(peer_, SIOCOUTQ, &unread), 0);
  EXPECT_GT(unread, 0);
  held_.Respond(200, "first");
  for (int i = 0; i < 20; ++i) Turn();
  std::string out = Received();
  EXPECT_NE(out.find("first"), std::string::npos);
  size_t hellos = 0;
  for (size_t at = out.find("hello"); at != std::string::npos; at = out.find("hello", at + 1)) {
    ++hellos;
  }
  EXPECT_EQ(hellos, 200u);
  ASSERT_EQ(::ioctl(peer_, SIOCOUTQ, &unread), 0);
  EXPECT_EQ(unread, 0);
}

TEST_F(ConnectionTest, UnservedProtocolsAreClosedAtSniffing) {
  Open();
  Send(std::string(kH2ClientPreface));
  EXPECT_TRUE(closed_);
}

// The session's own timer (Session::NextDeadline): HTTP/2's SETTINGS ACK deadline (RFC 9113
// §6.5.3), armed next to the phase timeouts.
TEST_F(ConnectionTest, Http2SettingsAckDeadlineIsASessionTimer) {
  serve_h2c_ = true;
  ConnectionOptions options;
  options.first_request_timeout = seconds(100);
  options.idle_timeout = seconds(100);
  Open(options);
  Send(std::string(kH2ClientPreface) + std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9));
  std::string start = Trace(Received());
  EXPECT_EQ(start.rfind("SETTINGS frame", 0), 0u) << start;
  Advance(seconds(9));
  EXPECT_EQ(Trace(Received()).find("GOAWAY"), std::string::npos);
  Advance(seconds(1));  // h2::ConnectionOptions::settings_timeout, never acknowledged
  std::string end = Trace(Received());
  EXPECT_NE(end.find("GOAWAY frame"), std::string::npos) << end;
  EXPECT_NE(end.find("SETTINGS_TIMEOUT"), std::string::npos) << end;
  EXPECT_TRUE(peer_closed_);  // write side shut down: lingering
}

TEST_F(ConnectionTest, Http2IdleTimeoutSendsGoAway) {
  serve_h2c_ = true;
  ConnectionOptions options;
  options.first_request_timeout = seconds(5);
  Open(options);
  // Preface, SETTINGS and an ACK of the server's SETTINGS: no protocol timer is left.
  Send(std::string(kH2ClientPreface) + std::string("\x00\x00\x00\x04\x00\x00\x00\x00\x00", 9) +
       std::string("\x00\x00\x00\x04\x01\x00\x00\x00\x00", 9));
  (void)Received();
  Advance(seconds(4));
  EXPECT_FALSE(peer_closed_);
  EXPECT_EQ(Trace(Received()).find("GOAWAY"), std::string::npos);
  Advance(seconds(1));  // no stream was ever opened: first_request_timeout
  std::string end = Trace(Received());
  EXPECT_NE(end.find("GOAWAY frame"), std::string::npos) << end;
  EXPECT_NE(end.find("NO_ERROR"), std::string::npos) << end;
  EXPECT_TRUE(peer_closed_);
}

TEST_F(ConnectionTest, GracefulShutdownClosesAnIdleKeepAliveConnection) {
  Open();
  Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(Received().find("hello"), std::string::npos);
  connection_->StartGracefulShutdown();
  Turn();
  EXPECT_EQ(Received(), "");
  EXPECT_TRUE(peer_closed_);
}

TEST_F(ConnectionTest, GracefulShutdownFinishesTheResponseInFlight) {
  Open();
  Send("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(held_.valid());
  connection_->StartGracefulShutdown();
  Turn();
  EXPECT_EQ(Received(), "");
  EXPECT_FALSE(peer_closed_);
  held_.Respond(200, "late");
  Turn();
  std::string out = Received();
  EXPECT_NE(out.find("connection: close\r\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\r\n\r\nlate"), std::string::npos) << out;
  EXPECT_TRUE(peer_closed_);
}

TEST_F(ConnectionTest, GracefulShutdownClosesAConnectionStillSniffing) {
  Open();
  Send("PRI * HTTP");  // could still be the HTTP/2 preface
  EXPECT_FALSE(closed_);
  connection_->StartGracefulShutdown();
  EXPECT_TRUE(closed_);
}

}  // namespace
}  // namespace h2engine::server
