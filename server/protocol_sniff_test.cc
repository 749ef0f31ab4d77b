#include "server/protocol_sniff.h"

#include <string>

#include "gtest/gtest.h"

namespace h2engine::server {
namespace {

SniffResult Sniff(std::string_view s) {
  return SniffProtocol({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

TEST(SniffProtocol, Tls) {
  // A ClientHello record header: handshake(22), TLS 1.0 record version, length.
  EXPECT_EQ(Sniff(std::string("\x16\x03\x01\x02\x00\x01", 6)), SniffResult::kTls);
  EXPECT_EQ(Sniff(std::string("\x16\x03", 2)), SniffResult::kTls);
  EXPECT_EQ(Sniff(std::string("\x16", 1)), SniffResult::kNeedMoreData);
  EXPECT_EQ(Sniff(std::string("\x16\x00", 2)), SniffResult::kHttp1);
}

TEST(SniffProtocol, H2PriorKnowledge_RFC9113_Section3_4) {
  std::string preface(kH2ClientPreface);
  EXPECT_EQ(Sniff(preface), SniffResult::kH2PriorKnowledge);
  EXPECT_EQ(Sniff(preface + std::string("\x00\x00\x00\x04\x00", 5)),
            SniffResult::kH2PriorKnowledge);
  // Every proper prefix waits for more.
  for (size_t n = 1; n < preface.size(); ++n) {
    EXPECT_EQ(Sniff(preface.substr(0, n)), SniffResult::kNeedMoreData) << n;
  }
  // Diverging from the preface at any point is HTTP/1.1.
  EXPECT_EQ(Sniff("PRI * HTTP/2.0\r\n\r\nXX"), SniffResult::kHttp1);
  EXPECT_EQ(Sniff("PRIX"), SniffResult::kHttp1);
}

TEST(SniffProtocol, Http1) {
  EXPECT_EQ(Sniff("GET / HTTP/1.1\r\n"), SniffResult::kHttp1);
  EXPECT_EQ(Sniff("G"), SniffResult::kHttp1);
  EXPECT_EQ(Sniff("POST"), SniffResult::kHttp1);
  EXPECT_EQ(Sniff("\r\n"), SniffResult::kHttp1);
  EXPECT_EQ(Sniff(""), SniffResult::kNeedMoreData);
}

}  // namespace
}  // namespace h2engine::server
