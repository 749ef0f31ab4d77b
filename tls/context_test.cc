#include "tls/context.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tls/self_signed.h"
#include "tls/testing/session_pair.h"

namespace h2engine::tls {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::TestCertificate;

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

std::unique_ptr<ServerContext> NewServerContext() {
  std::string error;
  std::unique_ptr<ServerContext> context = ServerContext::Create({}, &error);
  EXPECT_NE(context, nullptr) << error;
  return context;
}

const std::vector<std::string> kNoNames;

TEST(ServerContext, Rfc9113Section9_2_RefusesVersionsBelowTls12) {
  ServerContextOptions options;
  options.min_version = TLS1_1_VERSION;
  std::string error;
  EXPECT_EQ(ServerContext::Create(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("TLS 1.2"));
}

TEST(ServerContext, RefusesBadAlpnNames) {
  ServerContextOptions options;
  options.alpn_protocols = {"h2", ""};
  std::string error;
  EXPECT_EQ(ServerContext::Create(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("empty protocol name"));
}

TEST(ServerContext, LoadsPemFromFiles) {
  const std::string cert = WriteFile("good_cert.pem", TestCertificate().certificate_pem);
  const std::string key = WriteFile("good_key.pem", TestCertificate().private_key_pem);
  auto context = NewServerContext();
  std::string error;
  EXPECT_TRUE(context->AddCertificateFiles(cert, key, kNoNames, &error)) << error;
  EXPECT_EQ(context->certificate_count(), 1u);
}

TEST(ServerContext, LoadsCertificateAndKeyFromOneFile) {
  const std::string both =
      WriteFile("both.pem", TestCertificate().private_key_pem + TestCertificate().certificate_pem);
  auto context = NewServerContext();
  std::string error;
  EXPECT_TRUE(context->AddCertificateFiles(both, both, kNoNames, &error)) << error;
}

TEST(ServerContext, MissingFileNamesTheFile) {
  const std::string key = WriteFile("key_for_missing.pem", TestCertificate().private_key_pem);
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(context->AddCertificateFiles("/nonexistent/cert.pem", key, kNoNames, &error));
  EXPECT_THAT(error, AllOf(HasSubstr("cannot read certificate file '/nonexistent/cert.pem'"),
                           HasSubstr("No such file or directory")));
  const std::string cert = WriteFile("cert_for_missing.pem", TestCertificate().certificate_pem);
  EXPECT_FALSE(context->AddCertificateFiles(cert, "/nonexistent/key.pem", kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("cannot read private key file '/nonexistent/key.pem'"));
  EXPECT_EQ(context->certificate_count(), 0u);
}

TEST(ServerContext, GarbageIsNotPem) {
  const std::string garbage = WriteFile("garbage.pem", "this is not a certificate\n\x01\x02");
  const std::string key = WriteFile("key_for_garbage.pem", TestCertificate().private_key_pem);
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(context->AddCertificateFiles(garbage, key, kNoNames, &error));
  EXPECT_THAT(error,
              AllOf(HasSubstr("certificate file '" + garbage + "'"), HasSubstr("is not PEM")));
  const std::string cert = WriteFile("cert_for_garbage.pem", TestCertificate().certificate_pem);
  EXPECT_FALSE(context->AddCertificateFiles(cert, garbage, kNoNames, &error));
  EXPECT_THAT(error,
              AllOf(HasSubstr("private key file '" + garbage + "'"), HasSubstr("is not PEM")));
}

TEST(ServerContext, EmptyFileIsNotPem) {
  const std::string empty = WriteFile("empty.pem", "");
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(context->AddCertificateFiles(empty, empty, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("is not PEM"));
}

TEST(ServerContext, KeyWhereTheCertificateShouldBe) {
  const std::string key = WriteFile("swapped_key.pem", TestCertificate().private_key_pem);
  const std::string cert = WriteFile("swapped_cert.pem", TestCertificate().certificate_pem);
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(context->AddCertificateFiles(key, cert, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("holds no CERTIFICATE block"));
  EXPECT_FALSE(context->AddCertificateFiles(cert, cert, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("holds no PRIVATE KEY block"));
}

TEST(ServerContext, CorruptBase64DoesNotDecode) {
  std::string pem = TestCertificate().certificate_pem;
  pem[40] = '!';  // Inside the base64 body.
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(
      context->AddCertificatePem(pem, TestCertificate().private_key_pem, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("does not decode"));
  // The BoringSSL reason travels with the message.
  EXPECT_THAT(error, HasSubstr("error:"));
}

TEST(ServerContext, MismatchedKey) {
  SelfSignedCertificate other;
  std::string error;
  ASSERT_TRUE(GenerateSelfSignedCertificate({}, &other, &error)) << error;
  const std::string cert = WriteFile("mismatch_cert.pem", TestCertificate().certificate_pem);
  const std::string key = WriteFile("mismatch_key.pem", other.private_key_pem);
  auto context = NewServerContext();
  EXPECT_FALSE(context->AddCertificateFiles(cert, key, kNoNames, &error));
  EXPECT_THAT(
      error, AllOf(HasSubstr("the private key in private key file '" + key + "'"),
                   HasSubstr("does not match the certificate in certificate file '" + cert + "'")));
  EXPECT_EQ(context->certificate_count(), 0u);
}

TEST(ServerContext, EncryptedKeysAreRefusedWithAReason) {
  const std::string encrypted =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n";
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(
      context->AddCertificatePem(TestCertificate().certificate_pem, encrypted, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("encrypted private key"));
}

TEST(ServerContext, OversizedFileIsRefused) {
  const std::string big = WriteFile("big.pem", std::string((1 << 20) + 1, 'A'));
  auto context = NewServerContext();
  std::string error;
  EXPECT_FALSE(context->AddCertificateFiles(big, big, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("larger than"));
}

TEST(ServerContext, ServerNameRules) {
  auto context = NewServerContext();
  const auto& c = TestCertificate();
  std::string error;
  const std::vector<std::string> names = {"a.example"};
  ASSERT_TRUE(context->AddCertificatePem(c.certificate_pem, c.private_key_pem, names, &error));
  const std::vector<std::string> same_again = {"A.EXAMPLE."};
  EXPECT_FALSE(
      context->AddCertificatePem(c.certificate_pem, c.private_key_pem, same_again, &error));
  EXPECT_THAT(error, HasSubstr("already has a certificate"));
  const std::vector<std::string> empty = {""};
  EXPECT_FALSE(context->AddCertificatePem(c.certificate_pem, c.private_key_pem, empty, &error));
  EXPECT_THAT(error, HasSubstr("empty server name"));
  ASSERT_TRUE(context->AddCertificatePem(c.certificate_pem, c.private_key_pem, kNoNames, &error));
  EXPECT_FALSE(context->AddCertificatePem(c.certificate_pem, c.private_key_pem, kNoNames, &error));
  EXPECT_THAT(error, HasSubstr("default certificate is already set"));
  EXPECT_EQ(context->certificate_count(), 2u);
}

TEST(ClientContext, VerificationModeGuardsTheTrustCalls) {
  std::string error;
  auto ca = ClientContext::Create({}, &error);
  EXPECT_FALSE(ca->AddPinnedCertificatePem(TestCertificate().certificate_pem, &error));
  EXPECT_THAT(error, HasSubstr("kPinnedCertificates"));
  ClientContextOptions pinned_options;
  pinned_options.verification = PeerVerification::kPinnedCertificates;
  auto pinned = ClientContext::Create(pinned_options, &error);
  EXPECT_FALSE(pinned->AddTrustedCaPem(TestCertificate().certificate_pem, &error));
  EXPECT_THAT(error, HasSubstr("kCaCertificates"));
}

TEST(ClientContext, TrustFromFiles) {
  std::string error;
  const std::string cert = WriteFile("trust.pem", TestCertificate().certificate_pem);
  auto ca = ClientContext::Create({}, &error);
  EXPECT_TRUE(ca->AddTrustedCaFile(cert, &error)) << error;
  EXPECT_FALSE(ca->AddTrustedCaFile("/nonexistent/ca.pem", &error));
  EXPECT_THAT(error, HasSubstr("cannot read CA certificate file '/nonexistent/ca.pem'"));
  const std::string garbage = WriteFile("trust_garbage.pem", "nope");
  EXPECT_FALSE(ca->AddTrustedCaFile(garbage, &error));
  EXPECT_THAT(error, AllOf(HasSubstr(garbage), HasSubstr("is not PEM")));

  ClientContextOptions pinned_options;
  pinned_options.verification = PeerVerification::kPinnedCertificates;
  auto pinned = ClientContext::Create(pinned_options, &error);
  EXPECT_TRUE(pinned->AddPinnedCertificateFile(cert, &error)) << error;
  EXPECT_FALSE(pinned->AddPinnedCertificateFile(garbage, &error));
}

TEST(ClientContext, RefusesBadOptions) {
  std::string error;
  ClientContextOptions options;
  options.tls12_cipher_list = "NOT-A-CIPHER";
  EXPECT_EQ(ClientContext::Create(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("invalid TLS 1.2 cipher list"));
  options = {};
  options.alpn_protocols = {std::string(300, 'x')};
  EXPECT_EQ(ClientContext::Create(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("invalid ALPN protocol list"));
  options = {};
  options.max_version = 0x0399;
  EXPECT_EQ(ClientContext::Create(options, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("unsupported TLS version"));
}

}  // namespace
}  // namespace h2engine::tls
