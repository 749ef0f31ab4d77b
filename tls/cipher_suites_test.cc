#include "tls/cipher_suites.h"

#include <openssl/ssl.h>

#include <cstdint>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace h2engine::tls {
namespace {

TEST(Rfc9113AppendixA, ListsExactly276Suites) {
  EXPECT_EQ(BlockedCipherSuiteCount(), 276u);
  size_t count = 0;
  std::set<std::string> names;
  for (uint32_t id = 0; id <= 0xffff; ++id) {
    if (IsCipherSuiteBlockedForHttp2(static_cast<uint16_t>(id))) {
      ++count;
      const char* name = BlockedCipherSuiteName(static_cast<uint16_t>(id));
      ASSERT_NE(name, nullptr);
      names.insert(name);
    } else {
      EXPECT_EQ(BlockedCipherSuiteName(static_cast<uint16_t>(id)), nullptr);
    }
  }
  EXPECT_EQ(count, 276u);
  EXPECT_EQ(names.size(), 276u);  // No name twice.
}

TEST(Rfc9113AppendixA, ListedSuites) {
  // First and last entries of the appendix, and the usual suspects.
  EXPECT_STREQ(BlockedCipherSuiteName(0x0000), "TLS_NULL_WITH_NULL_NULL");
  EXPECT_STREQ(BlockedCipherSuiteName(0xC0A9), "TLS_PSK_WITH_AES_256_CCM_8");
  EXPECT_STREQ(BlockedCipherSuiteName(0x002F), "TLS_RSA_WITH_AES_128_CBC_SHA");  // AES128-SHA
  EXPECT_STREQ(BlockedCipherSuiteName(0x000A), "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
  EXPECT_STREQ(BlockedCipherSuiteName(0x0005), "TLS_RSA_WITH_RC4_128_SHA");
  EXPECT_STREQ(BlockedCipherSuiteName(0x009C), "TLS_RSA_WITH_AES_128_GCM_SHA256");     // No ECDHE.
  EXPECT_STREQ(BlockedCipherSuiteName(0xC013), "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");  // CBC.
  EXPECT_STREQ(BlockedCipherSuiteName(0xC027), "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
  EXPECT_STREQ(BlockedCipherSuiteName(0x00FF), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
  EXPECT_STREQ(BlockedCipherSuiteName(0xC031), "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256");
}

TEST(Rfc9113AppendixA, UnlistedSuites) {
  // Rfc9113Section9_2_2: the mandatory TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 and the other
  // ephemeral AEAD suites.
  for (const uint16_t id : {0xC02F, 0xC030, 0xC02B, 0xC02C, 0xCCA8, 0xCCA9,  // ECDHE + AEAD
                            0x009E, 0x009F,                                  // DHE-RSA GCM
                            0x00AA, 0x00AB,                                  // DHE-PSK GCM
                            0xC09E, 0xC09F, 0xC0A2, 0xC0A3,                  // DHE-RSA CCM
                            0xC0AC, 0xC0AD,                                  // ECDHE-ECDSA CCM
                            0x1301, 0x1302, 0x1303,                          // TLS 1.3
                            0x001C, 0x001D,  // Gaps in the numbering.
                            0xCCAA, 0xFFFF}) {
    EXPECT_FALSE(IsCipherSuiteBlockedForHttp2(id)) << std::hex << id;
  }
}

TEST(Http2Tls12CipherList, NothingBlockedAndMandatorySuitePresent) {
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  ASSERT_TRUE(SSL_CTX_set_strict_cipher_list(ctx.get(), kHttp2Tls12CipherList));
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx.get());
  ASSERT_GT(sk_SSL_CIPHER_num(ciphers), 0u);
  bool mandatory = false;
  for (size_t i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const uint16_t id = SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(ciphers, i));
    EXPECT_FALSE(IsCipherSuiteBlockedForHttp2(id)) << std::hex << id;
    EXPECT_TRUE(SSL_CIPHER_is_aead(sk_SSL_CIPHER_value(ciphers, i)));
    if (id == 0xC02F) mandatory = true;  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  }
  EXPECT_TRUE(mandatory);
}

}  // namespace
}  // namespace h2engine::tls
