#include "tls/self_signed.h"

#include <openssl/bio.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tls/session.h"
#include "tls/testing/session_pair.h"

namespace h2engine::tls {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

bssl::UniquePtr<X509> ParseCert(const std::string& pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return bssl::UniquePtr<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

bssl::UniquePtr<EVP_PKEY> ParseKey(const std::string& pem) {
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return bssl::UniquePtr<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// SanEntries returns the subjectAltName as "DNS:name" / "IP:<hex bytes>" strings.
std::vector<std::string> SanEntries(X509* cert, int* critical) {
  std::vector<std::string> out;
  bssl::UniquePtr<GENERAL_NAMES> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, critical, nullptr)));
  for (size_t i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(
                                             ASN1_STRING_get0_data(name->d.dNSName)),
                                         ASN1_STRING_length(name->d.dNSName)));
    } else if (name->type == GEN_IPADD) {
      std::string hex = "IP:";
      const uint8_t* p = ASN1_STRING_get0_data(name->d.iPAddress);
      for (int j = 0; j < ASN1_STRING_length(name->d.iPAddress); ++j) {
        char b[3];
        std::snprintf(b, sizeof(b), "%02x", p[j]);
        hex += b;
      }
      out.push_back(hex);
    }
  }
  return out;
}

TEST(SelfSigned, HasTheFieldsAServerCertificateNeeds) {
  SelfSignedCertificate out;
  std::string error;
  const time_t before = std::time(nullptr);
  ASSERT_TRUE(GenerateSelfSignedCertificate({}, &out, &error)) << error;
  EXPECT_THAT(out.certificate_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
  EXPECT_THAT(out.private_key_pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  bssl::UniquePtr<X509> cert = ParseCert(out.certificate_pem);
  bssl::UniquePtr<EVP_PKEY> key = ParseKey(out.private_key_pem);
  ASSERT_NE(cert, nullptr);
  ASSERT_NE(key, nullptr);

  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  // EC P-256, matching the certificate, which it signed itself.
  ASSERT_EQ(EVP_PKEY_id(key.get()), EVP_PKEY_EC);
  EXPECT_EQ(EC_GROUP_get_curve_name(EC_KEY_get0_group(EVP_PKEY_get0_EC_KEY(key.get()))),
            NID_X9_62_prime256v1);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_verify(cert.get(), key.get()), 1);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);

  // Subject = issuer = CN=localhost.
  char cn[64] = {};
  ASSERT_GT(
      X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn)),
      0);
  EXPECT_STREQ(cn, "localhost");
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);

  // subjectAltName: DNS:localhost, IP:127.0.0.1, IP:::1.
  int critical = -1;
  EXPECT_THAT(
      SanEntries(cert.get(), &critical),
      UnorderedElementsAre("DNS:localhost", "IP:7f000001", "IP:00000000000000000000000000000001"));
  EXPECT_EQ(critical, 0);

  // An end-entity certificate for TLS servers.
  bssl::UniquePtr<BASIC_CONSTRAINTS> bc(static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(cert.get(), NID_basic_constraints, &critical, nullptr)));
  ASSERT_NE(bc, nullptr);
  EXPECT_FALSE(bc->ca);
  EXPECT_EQ(critical, 1);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_NE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER, 0u);
  EXPECT_EQ(X509_get_ext_by_NID(cert.get(), NID_key_usage, -1), -1);  // See self_signed.h.
  EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_subject_key_identifier, -1), 0);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 9, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);

  // Positive 128-bit serial.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
  EXPECT_EQ(ASN1_STRING_length(serial), 16);

  // now - 1 h .. now + 30 days.
  const time_t after = std::time(nullptr);
  EXPECT_LE(X509_cmp_time(X509_get0_notBefore(cert.get()), const_cast<time_t*>(&before)), 0);
  time_t lower = before - 3600 - 5;
  EXPECT_GT(X509_cmp_time(X509_get0_notBefore(cert.get()), &lower), 0);
  time_t upper = after + 30 * 86400 + 5;
  time_t just_under = before + 30 * 86400 - 5;
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(cert.get()), &upper), 0);
  EXPECT_GT(X509_cmp_time(X509_get0_notAfter(cert.get()), &just_under), 0);
}

TEST(SelfSigned, EachCallMakesANewKeyAndSerial) {
  SelfSignedCertificate a, b;
  std::string error;
  ASSERT_TRUE(GenerateSelfSignedCertificate({}, &a, &error));
  ASSERT_TRUE(GenerateSelfSignedCertificate({}, &b, &error));
  EXPECT_NE(a.private_key_pem, b.private_key_pem);
  bssl::UniquePtr<X509> ca = ParseCert(a.certificate_pem), cb = ParseCert(b.certificate_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca.get()), X509_get0_serialNumber(cb.get())),
            0);
}

TEST(SelfSigned, CustomNames) {
  SelfSignedOptions options;
  options.common_name = "test.example";
  options.dns_names = {"test.example", "*.test.example"};
  options.ip_addresses = {"10.1.2.3"};
  SelfSignedCertificate out;
  std::string error;
  ASSERT_TRUE(GenerateSelfSignedCertificate(options, &out, &error)) << error;
  bssl::UniquePtr<X509> cert = ParseCert(out.certificate_pem);
  int critical;
  EXPECT_THAT(SanEntries(cert.get(), &critical),
              UnorderedElementsAre("DNS:test.example", "DNS:*.test.example", "IP:0a010203"));
}

TEST(SelfSigned, InvalidOptions) {
  SelfSignedCertificate out;
  std::string error;
  SelfSignedOptions options;
  options.ip_addresses = {"999.1.1.1"};
  EXPECT_FALSE(GenerateSelfSignedCertificate(options, &out, &error));
  EXPECT_THAT(error, HasSubstr("invalid IP address '999.1.1.1'"));
  options = {};
  options.dns_names = {};
  options.ip_addresses = {};
  EXPECT_FALSE(GenerateSelfSignedCertificate(options, &out, &error));
  EXPECT_THAT(error, HasSubstr("at least one"));
  options = {};
  options.dns_names = {""};
  EXPECT_FALSE(GenerateSelfSignedCertificate(options, &out, &error));
  options = {};
  options.validity = std::chrono::seconds(0);
  EXPECT_FALSE(GenerateSelfSignedCertificate(options, &out, &error));
  options = {};
  options.common_name = std::string(65, 'x');
  EXPECT_FALSE(GenerateSelfSignedCertificate(options, &out, &error));
}

// The certificate serves a real handshake and is accepted by a client that pins it, and by one
// that trusts it as a CA (what `curl --cacert` does) for each SAN entry.
TEST(SelfSigned, VerifiesWithPinnedAndCaClients) {
  SelfSignedCertificate out;
  std::string error;
  ASSERT_TRUE(GenerateSelfSignedCertificate({}, &out, &error)) << error;
  std::shared_ptr<ServerContext> server_context = ServerContext::Create({}, &error);
  ASSERT_TRUE(
      server_context->AddCertificatePem(out.certificate_pem, out.private_key_pem, {}, &error));

  ClientContextOptions pinned_options;
  pinned_options.verification = PeerVerification::kPinnedCertificates;
  std::shared_ptr<ClientContext> pinned = ClientContext::Create(pinned_options, &error);
  ASSERT_TRUE(pinned->AddPinnedCertificatePem(out.certificate_pem, &error)) << error;
  std::shared_ptr<ClientContext> ca = ClientContext::Create({}, &error);
  ASSERT_TRUE(ca->AddTrustedCaPem(out.certificate_pem, &error)) << error;

  struct Case {
    std::shared_ptr<ClientContext> context;
    const char* name;
  };
  for (const Case& c : {Case{pinned, "anything.example"}, Case{ca, "localhost"},
                        Case{ca, "127.0.0.1"}, Case{ca, "::1"}}) {
    auto client = Session::CreateClient(c.context, c.name, {}, &error);
    auto server = Session::CreateServer(server_context, {}, &error);
    ASSERT_NE(client, nullptr);
    ASSERT_NE(server, nullptr);
    EXPECT_TRUE(testing::RunHandshake(*client, *server).ok()) << c.name << ": " << client->error();
  }
}

}  // namespace
}  // namespace h2engine::tls
