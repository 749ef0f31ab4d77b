// Listener over real sockets on 127.0.0.1, port 0.

#include "server/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

using std::chrono::milliseconds;

int ConnectTo(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

TEST(Listener, PortZeroReportsTheChosenPortAndAccepts) {
  ListenStatus status;
  auto listener = Listener::Create({}, &status);
  ASSERT_NE(listener, nullptr) << status.message;
  ASSERT_TRUE(status.ok());
  EXPECT_NE(listener->port(), 0);
  EXPECT_EQ(listener->address().ToString(), "127.0.0.1:" + std::to_string(listener->port()));

  std::string error;
  auto loop = EventLoop::Create(&error);
  std::vector<int> accepted;
  std::string peer_text;
  ASSERT_TRUE(listener->Start(loop.get(), [&](int fd, const SocketAddress& peer) {
    accepted.push_back(fd);
    peer_text = peer.ToString();
  }));
  int c1 = ConnectTo(listener->port());
  int c2 = ConnectTo(listener->port());
  for (int i = 0; i < 20 && accepted.size() < 2; ++i) loop->RunOnce(milliseconds(50));
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(peer_text.rfind("127.0.0.1:", 0), 0u);
  for (int fd : accepted) {
    EXPECT_TRUE(::fcntl(fd, F_GETFL) & O_NONBLOCK);
    EXPECT_TRUE(::fcntl(fd, F_GETFD) & FD_CLOEXEC);
    ::close(fd);
  }
  listener->Stop();
  ::close(c1);
  ::close(c2);
}

TEST(Listener, BusyPortIsAClearError) {
  // A plain socket (no SO_REUSEPORT) holds the port.
  int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  uint16_t port = ntohs(addr.sin_port);

  ListenOptions options;
  options.port = port;
  ListenStatus status;
  EXPECT_EQ(Listener::Create(options, &status), nullptr);
  EXPECT_EQ(status.code, ListenError::kAddressInUse);
  EXPECT_EQ(status.message, "127.0.0.1:" + std::to_string(port) + " is already in use");
  ::close(holder);
}

TEST(Listener, SecondServerGroupOnABusyPortIsAClearError) {
  // Both groups set SO_REUSEPORT; without CreateListeners' probe the second would silently
  // share the port with the first (a second h2d started by mistake).
  ListenStatus status;
  auto first = CreateListeners({}, 2, &status);
  ASSERT_EQ(first.size(), 2u) << status.message;
  ListenOptions options;
  options.port = first[0]->port();
  auto second = CreateListeners(options, 2, &status);
  EXPECT_TRUE(second.empty());
  EXPECT_EQ(status.code, ListenError::kAddressInUse);
  EXPECT_EQ(status.message,
            "127.0.0.1:" + std::to_string(first[0]->port()) + " is already in use");
  // Once the first group is gone, the port is free for a new group.
  first.clear();
  auto third = CreateListeners(options, 2, &status);
  EXPECT_EQ(third.size(), 2u) << status.message;
}

TEST(Listener, BadAddressesAreClearErrors) {
  for (const char* host : {"999.1.1.1", "not a host", "example.com", "1.2.3", "[::1"}) {
    ListenOptions options;
    options.host = host;
    ListenStatus status;
    EXPECT_EQ(Listener::Create(options, &status), nullptr) << host;
    EXPECT_EQ(status.code, ListenError::kBadAddress) << host;
    EXPECT_NE(status.message.find(host), std::string::npos) << status.message;
  }
  // A well-formed address this machine does not have.
  ListenOptions options;
  options.host = "192.0.2.1";  // TEST-NET-1
  ListenStatus status;
  EXPECT_EQ(Listener::Create(options, &status), nullptr);
  EXPECT_EQ(status.code, ListenError::kBadAddress);
  EXPECT_NE(status.message.find("not available"), std::string::npos) << status.message;
}

TEST(Listener, ListenersShareAPortWithReusePort) {
  ListenStatus status;
  auto group = CreateListeners({}, 3, &status);
  ASSERT_EQ(group.size(), 3u) << status.message;
  EXPECT_NE(group[0]->port(), 0);
  EXPECT_EQ(group[1]->port(), group[0]->port());
  EXPECT_EQ(group[2]->port(), group[0]->port());
  // Connections are spread by the kernel; each one is accepted by exactly one listener.
  std::vector<int> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(ConnectTo(group[0]->port()));
  size_t total = 0;
  for (auto& l : group) {
    std::string error;
    auto loop = EventLoop::Create(&error);
    ASSERT_TRUE(l->Start(loop.get(), [&](int fd, const SocketAddress&) {
      ++total;
      ::close(fd);
    }));
    (void)l->AcceptPending();
    l->Stop();
  }
  EXPECT_EQ(total, 6u);
  for (int fd : clients) ::close(fd);
}

TEST(Listener, Ipv6LoopbackWhenAvailable) {
  ListenOptions options;
  options.host = "::1";
  ListenStatus status;
  auto listener = Listener::Create(options, &status);
  if (listener == nullptr) GTEST_SKIP() << "no IPv6 here: " << status.message;
  EXPECT_EQ(listener->address().ToString(), "[::1]:" + std::to_string(listener->port()));
}

TEST(ParseHostPort, Forms) {
  std::string host, error;
  uint16_t port = 0;
  EXPECT_TRUE(ParseHostPort("127.0.0.1:8443", &host, &port, &error));
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8443);
  EXPECT_TRUE(ParseHostPort("[::1]:80", &host, &port, &error));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 80);
  EXPECT_TRUE(ParseHostPort(":0", &host, &port, &error));
  EXPECT_EQ(host, "");
  EXPECT_EQ(port, 0);
  for (const char* bad :
       {"127.0.0.1", "host:", "host:65536", "host:-1", "host:8x", "::1:80", "[::1]80", "[::1]"}) {
    EXPECT_FALSE(ParseHostPort(bad, &host, &port, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace h2engine::server
