#include "tls/session.h"

#include <openssl/pool.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tls/cipher_suites.h"
#include "tls/context.h"
#include "tls/self_signed.h"
#include "tls/testing/session_pair.h"

namespace h2engine::tls {
namespace {

using ::testing::HasSubstr;
using testing::MakeClientContext;
using testing::MakeServerContext;
using testing::Pump;
using testing::RunHandshake;
using testing::SendAll;
using testing::TestCertificate;
using testing::Transfer;

std::unique_ptr<Session> Server(std::shared_ptr<const ServerContext> context,
                                const SessionLimits& limits = {}) {
  std::string error;
  std::unique_ptr<Session> session = Session::CreateServer(std::move(context), limits, &error);
  EXPECT_NE(session, nullptr) << error;
  return session;
}

std::unique_ptr<Session> Client(std::shared_ptr<const ClientContext> context,
                                std::string_view name = "localhost",
                                const SessionLimits& limits = {}) {
  std::string error;
  std::unique_ptr<Session> session =
      Session::CreateClient(std::move(context), name, limits, &error);
  EXPECT_NE(session, nullptr) << error;
  return session;
}

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

std::vector<uint8_t> LeafDer(const Session& session) {
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(session.ssl());
  if (chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) return {};
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  return {CRYPTO_BUFFER_data(leaf), CRYPTO_BUFFER_data(leaf) + CRYPTO_BUFFER_len(leaf)};
}

// A connected pair with default contexts.
struct Pair {
  explicit Pair(ClientContextOptions client_options = {}, ServerContextOptions server_options = {},
                std::string_view name = "localhost")
      : client(Client(MakeClientContext(client_options), name)),
        server(Server(MakeServerContext(server_options))) {}
  std::unique_ptr<Session> client;
  std::unique_ptr<Session> server;
};

// --- Handshake and ALPN (RFC 7301, RFC 9113 §3.2).

TEST(Session, HandshakeNegotiatesH2OverTls13) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok())
      << p.client->error() << " / " << p.server->error();
  for (const Session* s : {p.client.get(), p.server.get()}) {
    EXPECT_TRUE(s->handshake_complete());
    EXPECT_EQ(s->alpn(), "h2");
    EXPECT_EQ(s->protocol_version(), TLS1_3_VERSION);
    EXPECT_EQ(s->protocol_version_name(), "TLSv1.3");
    EXPECT_NE(s->cipher_suite_id(), 0);
    EXPECT_THAT(std::string(s->cipher_suite_name()), HasSubstr("TLS_"));
    EXPECT_FALSE(s->cipher_suite_blocked_for_http2());
    EXPECT_FALSE(s->failed());
  }
  EXPECT_TRUE(p.server->is_server());
  EXPECT_FALSE(p.client->is_server());
  // Rfc9113Section9_2: the server records the SNI the client sent.
  EXPECT_EQ(p.server->server_name(), "localhost");
  EXPECT_EQ(p.client->server_name(), "localhost");
  EXPECT_EQ(p.client->Handshake(), TlsStatus::kOk);  // Idempotent once complete.
}

TEST(Session, StatusAccessorsBeforeHandshake) {
  Pair p;
  EXPECT_FALSE(p.server->handshake_complete());
  EXPECT_EQ(p.server->protocol_version(), 0);
  EXPECT_EQ(p.server->cipher_suite_id(), 0);
  EXPECT_EQ(p.server->alpn(), "");
  EXPECT_EQ(p.server->Handshake(), TlsStatus::kWantRead);
  EXPECT_FALSE(p.server->has_pending_ciphertext());
  EXPECT_EQ(p.client->Handshake(), TlsStatus::kWantRead);
  EXPECT_TRUE(p.client->has_pending_ciphertext());  // The ClientHello.
}

struct AlpnCase {
  std::vector<std::string> client;
  std::vector<std::string> server;
  std::string expected;
};

class SessionAlpn : public ::testing::TestWithParam<AlpnCase> {};

TEST_P(SessionAlpn, Negotiates) {
  ClientContextOptions client_options;
  client_options.alpn_protocols = GetParam().client;
  ServerContextOptions server_options;
  server_options.alpn_protocols = GetParam().server;
  Pair p(client_options, server_options);
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok())
      << p.client->error() << " / " << p.server->error();
  EXPECT_EQ(p.client->alpn(), GetParam().expected);
  EXPECT_EQ(p.server->alpn(), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Rfc7301, SessionAlpn,
                         ::testing::Values(
                             // Client offers h2 and http/1.1: h2.
                             AlpnCase{{"h2", "http/1.1"}, {"h2", "http/1.1"}, "h2"},
                             // Client prefers http/1.1 but offers h2: the server's order wins.
                             AlpnCase{{"http/1.1", "h2"}, {"h2", "http/1.1"}, "h2"},
                             // Only http/1.1.
                             AlpnCase{{"http/1.1"}, {"h2", "http/1.1"}, "http/1.1"},
                             // Nothing offered: no ALPN.
                             AlpnCase{{}, {"h2", "http/1.1"}, ""},
                             // Only protocols we do not know: the handshake completes without ALPN.
                             AlpnCase{{"spdy/3.1", "h2c"}, {"h2", "http/1.1"}, ""},
                             // A server configured for HTTP/1.1 only.
                             AlpnCase{{"h2", "http/1.1"}, {"http/1.1"}, "http/1.1"},
                             // A server with ALPN disabled.
                             AlpnCase{{"h2", "http/1.1"}, {}, ""}));

// A handshake where every byte travels on its own: the sans-I/O state machine must resume at
// any byte boundary.
TEST(Session, HandshakeAndDataByteByByte) {
  Pair p;
  std::vector<uint8_t> got;
  const std::vector<uint8_t> message = RandomBytes(300, 1);
  ASSERT_EQ(p.client->WritePlaintext({}).status, TlsStatus::kOk);
  int rounds = 0;
  bool written = false;
  while (got.size() < message.size() && ++rounds < 200000) {
    if (!written && p.client->handshake_complete()) {
      const TlsResult w = p.client->WritePlaintext(message);
      ASSERT_EQ(w.status, TlsStatus::kOk);
      ASSERT_EQ(w.bytes, message.size());
      written = true;
    }
    (void)p.client->Handshake();
    for (auto [from, to] :
         {std::pair{p.client.get(), p.server.get()}, std::pair{p.server.get(), p.client.get()}}) {
      std::span<const uint8_t> pending = from->PendingCiphertext();
      if (!pending.empty()) from->ConsumeCiphertext(to->FeedCiphertext(pending.first(1)));
    }
    uint8_t buf[64];
    TlsResult r = p.server->ReadPlaintext(buf);
    ASSERT_NE(r.status, TlsStatus::kError) << p.server->error();
    if (r.status == TlsStatus::kOk) got.insert(got.end(), buf, buf + r.bytes);
    r = p.client->ReadPlaintext(buf);
    ASSERT_NE(r.status, TlsStatus::kError) << p.client->error();
  }
  EXPECT_EQ(got, message);
}

// --- Data.

TEST(Session, OneMebibyteEachWayInPieces) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok());
  const std::vector<uint8_t> up = RandomBytes(1 << 20, 2);
  const std::vector<uint8_t> down = RandomBytes(1 << 20, 3);
  std::vector<uint8_t> got_up, got_down;
  ASSERT_TRUE(SendAll(*p.client, *p.server, up, &got_up)) << p.server->error();
  ASSERT_TRUE(SendAll(*p.server, *p.client, down, &got_down)) << p.client->error();
  EXPECT_EQ(got_up, up);
  EXPECT_EQ(got_down, down);
}

TEST(Session, SmallLimitsStillMoveEverything) {
  SessionLimits limits;
  limits.max_input_ciphertext = 1;  // Raised to kMinSessionBufferLimit.
  limits.max_output_ciphertext = 1;
  auto client = Client(MakeClientContext(), "localhost", limits);
  auto server = Server(MakeServerContext(), limits);
  ASSERT_TRUE(RunHandshake(*client, *server).ok());
  EXPECT_EQ(server->CiphertextInputSpace(), kMinSessionBufferLimit);
  const std::vector<uint8_t> data = RandomBytes(300000, 4);
  std::vector<uint8_t> got;
  ASSERT_TRUE(SendAll(*server, *client, data, &got));
  EXPECT_EQ(got, data);
}

TEST(Session, WriteStopsAtOutputLimit) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok());
  ASSERT_TRUE(Pump(*p.client, *p.server, nullptr, nullptr));  // Deliver session tickets.
  const std::vector<uint8_t> data = RandomBytes(1 << 20, 5);
  const TlsResult first = p.server->WritePlaintext(data);
  ASSERT_EQ(first.status, TlsStatus::kOk);
  EXPECT_GT(first.bytes, 0u);
  EXPECT_LT(first.bytes, data.size());
  const size_t limit = SessionLimits().max_output_ciphertext;
  EXPECT_GE(p.server->PendingCiphertext().size(), limit);
  EXPECT_LE(p.server->PendingCiphertext().size(), limit + 16384 + 256);
  // Full: nothing more is taken, and reading is held back too.
  const TlsResult second = p.server->WritePlaintext(std::span(data).subspan(first.bytes));
  EXPECT_EQ(second.status, TlsStatus::kWantWrite);
  EXPECT_EQ(second.bytes, 0u);
  uint8_t buf[100];
  EXPECT_EQ(p.server->ReadPlaintext(buf).status, TlsStatus::kWantWrite);
  // Consuming part of the output makes room again.
  p.server->ConsumeCiphertext(p.server->PendingCiphertext().size());
  const TlsResult third = p.server->WritePlaintext(std::span(data).subspan(first.bytes));
  EXPECT_EQ(third.status, TlsStatus::kOk);
  EXPECT_GT(third.bytes, 0u);
}

TEST(Session, FeedStopsAtInputLimit) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok());
  std::vector<uint8_t> ciphertext;
  const std::vector<uint8_t> data = RandomBytes(40000, 6);
  for (int i = 0; i < 5; ++i) {  // 200 KB of plaintext, drained as it is produced.
    size_t off = 0;
    while (off < data.size()) {
      const TlsResult w = p.client->WritePlaintext(std::span(data).subspan(off));
      ASSERT_EQ(w.status, TlsStatus::kOk);
      off += w.bytes;
      const auto pending = p.client->PendingCiphertext();
      ciphertext.insert(ciphertext.end(), pending.begin(), pending.end());
      p.client->ConsumeCiphertext(pending.size());
    }
  }
  const size_t limit = SessionLimits().max_input_ciphertext;
  ASSERT_GT(ciphertext.size(), limit);
  size_t fed = p.server->FeedCiphertext(ciphertext);
  EXPECT_EQ(fed, limit);
  EXPECT_EQ(p.server->CiphertextInputSpace(), 0u);
  EXPECT_EQ(p.server->FeedCiphertext(std::span(ciphertext).subspan(fed)), 0u);
  // Reading frees space; everything arrives in the end.
  std::vector<uint8_t> got;
  uint8_t buf[16384];
  for (int rounds = 0; rounds < 10000 && got.size() < 5 * data.size(); ++rounds) {
    const TlsResult r = p.server->ReadPlaintext(buf);
    ASSERT_NE(r.status, TlsStatus::kError) << p.server->error();
    if (r.status == TlsStatus::kOk) got.insert(got.end(), buf, buf + r.bytes);
    fed += p.server->FeedCiphertext(std::span(ciphertext).subspan(fed));
  }
  EXPECT_EQ(fed, ciphertext.size());
  ASSERT_EQ(got.size(), 5 * data.size());
  EXPECT_TRUE(std::equal(data.begin(), data.end(), got.begin() + 4 * data.size()));
}

TEST(Session, EmptyBuffersDoNothing) {
  Pair p;
  uint8_t* none = nullptr;
  const TlsResult r = p.server->ReadPlaintext(std::span<uint8_t>(none, 0));
  EXPECT_EQ(r.status, TlsStatus::kOk);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_EQ(p.client->WritePlaintext({}).status, TlsStatus::kOk);
  EXPECT_FALSE(p.client->has_pending_ciphertext());
}

// --- Closing.

TEST(Session, CloseNotifyIsSeenAsClosed) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok());
  const std::vector<uint8_t> last = RandomBytes(1000, 7);
  ASSERT_EQ(p.client->WritePlaintext(last).status, TlsStatus::kOk);
  ASSERT_EQ(p.client->Shutdown(), TlsStatus::kOk);
  ASSERT_EQ(p.client->Shutdown(), TlsStatus::kOk);  // Idempotent.
  EXPECT_EQ(p.client->WritePlaintext(last).status, TlsStatus::kClosed);
  Transfer(*p.client, *p.server);
  // Data before close_notify is delivered first.
  std::vector<uint8_t> got;
  uint8_t buf[4096];
  TlsResult r;
  while ((r = p.server->ReadPlaintext(buf)).status == TlsStatus::kOk) {
    got.insert(got.end(), buf, buf + r.bytes);
  }
  EXPECT_EQ(got, last);
  EXPECT_EQ(r.status, TlsStatus::kClosed);
  EXPECT_TRUE(p.server->peer_closed());
  EXPECT_EQ(p.server->ReadPlaintext(buf).status, TlsStatus::kClosed);
  EXPECT_FALSE(p.server->failed());
  // The server answers with its own close_notify.
  ASSERT_EQ(p.server->Shutdown(), TlsStatus::kOk);
  Transfer(*p.server, *p.client);
  TlsResult c;
  while ((c = p.client->ReadPlaintext(buf)).status == TlsStatus::kOk) {
  }
  EXPECT_EQ(c.status, TlsStatus::kClosed);
}

TEST(Session, ShutdownBeforeHandshakeSendsNothing) {
  Pair p;
  EXPECT_EQ(p.server->Shutdown(), TlsStatus::kOk);
  EXPECT_FALSE(p.server->has_pending_ciphertext());
  EXPECT_EQ(p.server->WritePlaintext(RandomBytes(10, 8)).status, TlsStatus::kClosed);
}

// --- Bad input.

TEST(Session, CorruptedRecordIsAnErrorNotACrash) {
  Pair p;
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok());
  ASSERT_TRUE(Pump(*p.client, *p.server, nullptr, nullptr));
  const std::vector<uint8_t> data = RandomBytes(1000, 9);
  ASSERT_EQ(p.client->WritePlaintext(data).status, TlsStatus::kOk);
  std::vector<uint8_t> record(p.client->PendingCiphertext().begin(),
                              p.client->PendingCiphertext().end());
  p.client->ConsumeCiphertext(record.size());
  record[record.size() / 2] ^= 0x01;  // Inside the encrypted payload.
  ASSERT_EQ(p.server->FeedCiphertext(record), record.size());
  uint8_t buf[4096];
  const TlsResult r = p.server->ReadPlaintext(buf);
  EXPECT_EQ(r.status, TlsStatus::kError);
  EXPECT_EQ(r.bytes, 0u);
  EXPECT_TRUE(p.server->failed());
  EXPECT_THAT(p.server->error(), HasSubstr("DECRYPTION_FAILED_OR_BAD_RECORD_MAC"));
  // The error is sticky, input is refused, and the fatal alert is ready to send.
  EXPECT_EQ(p.server->ReadPlaintext(buf).status, TlsStatus::kError);
  EXPECT_EQ(p.server->WritePlaintext(data).status, TlsStatus::kError);
  EXPECT_EQ(p.server->CiphertextInputSpace(), 0u);
  EXPECT_TRUE(p.server->has_pending_ciphertext());
  Transfer(*p.server, *p.client);
  EXPECT_EQ(p.client->ReadPlaintext(buf).status, TlsStatus::kError);
  EXPECT_THAT(p.client->error(), HasSubstr("ALERT"));
}

TEST(Session, PlainHttpInsteadOfClientHello) {
  auto server = Server(MakeServerContext());
  const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
  ASSERT_EQ(server->FeedCiphertext(
                std::span(reinterpret_cast<const uint8_t*>(request.data()), request.size())),
            request.size());
  EXPECT_EQ(server->Handshake(), TlsStatus::kError);
  EXPECT_THAT(server->error(), HasSubstr("TLS handshake failed"));
  // BoringSSL recognises plain HTTP on a TLS port.
  EXPECT_THAT(server->error(), HasSubstr("HTTP_REQUEST"));
}

TEST(Session, RandomBytesInsteadOfClientHello) {
  for (uint32_t seed = 0; seed < 50; ++seed) {
    auto server = Server(MakeServerContext());
    std::vector<uint8_t> garbage = RandomBytes(1 + seed * 37, seed);
    if (seed % 2 == 0) {
      // A plausible record header (handshake, TLS 1.0) over random contents.
      garbage.insert(garbage.begin(), {0x16, 0x03, 0x01, 0x00, static_cast<uint8_t>(seed)});
    }
    ASSERT_EQ(server->FeedCiphertext(garbage), garbage.size());
    const TlsStatus status = server->Handshake();
    EXPECT_TRUE(status == TlsStatus::kError || status == TlsStatus::kWantRead) << status;
    if (status == TlsStatus::kError) {
      EXPECT_FALSE(server->error().empty());
    }
  }
}

// --- RFC 9113 §9.2: versions and cipher suites.

TEST(Session, Rfc9113Section9_2_ClientLimitedToTls11IsRefused) {
  ClientContextOptions options;
  options.min_version = TLS1_VERSION;
  options.max_version = TLS1_1_VERSION;
  options.tls12_cipher_list = "ALL";
  Pair p(options);
  const testing::HandshakeOutcome outcome = RunHandshake(*p.client, *p.server);
  EXPECT_EQ(outcome.server, TlsStatus::kError);
  EXPECT_EQ(outcome.client, TlsStatus::kError);
  EXPECT_THAT(p.server->error(), HasSubstr("UNSUPPORTED_PROTOCOL"));
  EXPECT_THAT(p.client->error(), HasSubstr("PROTOCOL_VERSION"));
}

TEST(Session, Rfc9113Section9_2_2_ClientOfferingOnlyABlockedSuiteIsRefused) {
  ClientContextOptions options;
  options.max_version = TLS1_2_VERSION;
  options.tls12_cipher_list = "AES128-SHA";  // TLS_RSA_WITH_AES_128_CBC_SHA, Appendix A.
  Pair p(options);
  const testing::HandshakeOutcome outcome = RunHandshake(*p.client, *p.server);
  EXPECT_EQ(outcome.server, TlsStatus::kError);
  EXPECT_EQ(outcome.client, TlsStatus::kError);
  EXPECT_THAT(p.server->error(), HasSubstr("NO_SHARED_CIPHER"));
}

TEST(Session, Rfc9113Section9_2_2_Tls12PicksAnAllowedSuite) {
  ClientContextOptions options;
  options.max_version = TLS1_2_VERSION;
  // Blocked suites first in the client's order; the server's preference must win.
  options.tls12_cipher_list =
      "AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256:"
      "ECDHE-ECDSA-CHACHA20-POLY1305";
  Pair p(options);
  ASSERT_TRUE(RunHandshake(*p.client, *p.server).ok()) << p.server->error();
  EXPECT_EQ(p.server->protocol_version(), TLS1_2_VERSION);
  EXPECT_FALSE(IsCipherSuiteBlockedForHttp2(p.server->cipher_suite_id()));
  EXPECT_FALSE(p.server->cipher_suite_blocked_for_http2());
  EXPECT_FALSE(p.client->cipher_suite_blocked_for_http2());
  EXPECT_THAT(std::string(p.server->cipher_suite_name()), HasSubstr("TLS_ECDHE_ECDSA_WITH_"));
  EXPECT_EQ(p.server->alpn(), "h2");
  // TLS 1.2 data still flows.
  const std::vector<uint8_t> data = RandomBytes(50000, 10);
  std::vector<uint8_t> got;
  ASSERT_TRUE(SendAll(*p.client, *p.server, data, &got));
  EXPECT_EQ(got, data);
}

// --- Certificates: SNI, verification.

struct NamedCert {
  SelfSignedCertificate cert;
  std::vector<uint8_t> der;
};

NamedCert MakeCert(const std::string& name) {
  SelfSignedOptions options;
  options.common_name = name;
  options.dns_names = {name};
  options.ip_addresses = {};
  NamedCert out;
  std::string error;
  EXPECT_TRUE(GenerateSelfSignedCertificate(options, &out.cert, &error)) << error;
  // The DER, for comparing with what the client received.
  auto client = ClientContext::Create({}, &error);
  bssl::UniquePtr<BIO> bio(BIO_new_mem_buf(out.cert.certificate_pem.data(),
                                           static_cast<int>(out.cert.certificate_pem.size())));
  bssl::UniquePtr<X509> x509(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  uint8_t* der = nullptr;
  const int len = i2d_X509(x509.get(), &der);
  out.der.assign(der, der + len);
  OPENSSL_free(der);
  return out;
}

class SniTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    std::shared_ptr<ServerContext> context = ServerContext::Create({}, &error);
    ASSERT_NE(context, nullptr) << error;
    const std::vector<std::string> a_names = {"a.example"};
    const std::vector<std::string> b_names = {"B.example", "www.b.example."};
    ASSERT_TRUE(context->AddCertificatePem(a_.cert.certificate_pem, a_.cert.private_key_pem,
                                           a_names, &error))
        << error;
    ASSERT_TRUE(context->AddCertificatePem(default_.cert.certificate_pem,
                                           default_.cert.private_key_pem, {}, &error))
        << error;
    ASSERT_TRUE(context->AddCertificatePem(b_.cert.certificate_pem, b_.cert.private_key_pem,
                                           b_names, &error))
        << error;
    EXPECT_EQ(context->certificate_count(), 3u);
    server_context_ = context;
  }

  // Connects with verification against all three certificates as CAs, so the host name check
  // of ClientContext also confirms the choice.
  std::vector<uint8_t> Connect(std::string_view name, std::string* server_name) {
    ClientContextOptions options;
    options.verification = PeerVerification::kNone;
    auto client = Client(MakeClientContext(options), name);
    auto server = Server(server_context_);
    EXPECT_TRUE(RunHandshake(*client, *server).ok()) << client->error() << server->error();
    *server_name = std::string(server->server_name());
    return LeafDer(*client);
  }

  NamedCert a_ = MakeCert("a.example");
  NamedCert b_ = MakeCert("b.example");
  NamedCert default_ = MakeCert("default.example");
  std::shared_ptr<const ServerContext> server_context_;
};

TEST_F(SniTest, ExactNameSelectsItsCertificate) {
  std::string sni;
  EXPECT_EQ(Connect("a.example", &sni), a_.der);
  EXPECT_EQ(sni, "a.example");
  EXPECT_EQ(Connect("b.example", &sni), b_.der);
  EXPECT_EQ(Connect("www.b.example", &sni), b_.der);
}

TEST_F(SniTest, NamesMatchCaseInsensitively) {
  std::string sni;
  EXPECT_EQ(Connect("A.EXAMPLE", &sni), a_.der);
}

TEST_F(SniTest, UnknownOrMissingNameGetsTheDefault) {
  std::string sni;
  EXPECT_EQ(Connect("c.example", &sni), default_.der);
  EXPECT_EQ(sni, "c.example");
  EXPECT_EQ(Connect("", &sni), default_.der);  // No SNI at all.
  EXPECT_EQ(sni, "");
  EXPECT_EQ(Connect("127.0.0.1", &sni), default_.der);  // IP literals are not sent as SNI.
  EXPECT_EQ(sni, "");
  // A wildcard is not a name we match.
  EXPECT_EQ(Connect("x.a.example", &sni), default_.der);
}

TEST_F(SniTest, VerifiedClientAcceptsTheSelectedCertificate) {
  ClientContextOptions options;  // kCaCertificates.
  std::string error;
  std::shared_ptr<ClientContext> client_context = ClientContext::Create(options, &error);
  ASSERT_TRUE(client_context->AddTrustedCaPem(b_.cert.certificate_pem, &error)) << error;
  auto client = Client(client_context, "b.example");
  auto server = Server(server_context_);
  EXPECT_TRUE(RunHandshake(*client, *server).ok()) << client->error();
  // The same trust, another name: the server presents a's certificate, which fails.
  auto client2 = Client(client_context, "a.example");
  auto server2 = Server(server_context_);
  EXPECT_FALSE(RunHandshake(*client2, *server2).ok());
  EXPECT_THAT(client2->error(), HasSubstr("certificate verification failed"));
}

TEST(Session, CaVerificationChecksTheHostName) {
  ClientContextOptions options;  // kCaCertificates, trusting TestCertificate().
  for (const char* name : {"localhost", "LOCALHOST", "127.0.0.1", "::1"}) {
    auto client = Client(MakeClientContext(options), name);
    auto server = Server(MakeServerContext());
    EXPECT_TRUE(RunHandshake(*client, *server).ok()) << name << ": " << client->error();
  }
  for (const char* name : {"example.com", "127.0.0.2", "::2"}) {
    auto client = Client(MakeClientContext(options), name);
    auto server = Server(MakeServerContext());
    EXPECT_FALSE(RunHandshake(*client, *server).ok()) << name;
    EXPECT_THAT(client->error(), HasSubstr("certificate verification failed")) << name;
    EXPECT_THAT(client->error(),
                ::testing::AnyOf(HasSubstr("Hostname mismatch"), HasSubstr("IP address mismatch")))
        << name;
    // The server learns of it through the client's alert.
    EXPECT_TRUE(server->failed()) << name;
  }
}

TEST(Session, CaVerificationWithoutTrustFails) {
  std::string error;
  std::shared_ptr<ClientContext> context = ClientContext::Create({}, &error);
  auto client = Client(context, "localhost");
  auto server = Server(MakeServerContext());
  EXPECT_FALSE(RunHandshake(*client, *server).ok());
  EXPECT_THAT(client->error(), HasSubstr("certificate verification failed"));
}

TEST(Session, CaVerificationNeedsAServerName) {
  std::string error;
  EXPECT_EQ(Session::CreateClient(MakeClientContext(), "", {}, &error), nullptr);
  EXPECT_THAT(error, HasSubstr("needs the server's name"));
  EXPECT_EQ(Session::CreateClient(nullptr, "localhost", {}, &error), nullptr);
  EXPECT_EQ(Session::CreateServer(nullptr, {}, &error), nullptr);
}

TEST(Session, PinnedVerificationRejectsAnotherCertificate) {
  ClientContextOptions options;
  options.verification = PeerVerification::kPinnedCertificates;
  std::string error;
  std::shared_ptr<ClientContext> context = ClientContext::Create(options, &error);
  ASSERT_TRUE(context->AddPinnedCertificatePem(MakeCert("other").cert.certificate_pem, &error));
  auto client = Client(context, "localhost");
  auto server = Server(MakeServerContext());
  const testing::HandshakeOutcome outcome = RunHandshake(*client, *server);
  EXPECT_EQ(outcome.client, TlsStatus::kError);
  EXPECT_EQ(outcome.server, TlsStatus::kError);
  EXPECT_THAT(client->error(), HasSubstr("not one of the pinned certificates"));
  EXPECT_THAT(server->error(), HasSubstr("BAD_CERTIFICATE"));
}

TEST(Session, ServerWithoutCertificateFailsCleanly) {
  std::string error;
  std::shared_ptr<ServerContext> context = ServerContext::Create({}, &error);
  ClientContextOptions options;
  options.verification = PeerVerification::kNone;
  auto client = Client(MakeClientContext(options));
  auto server = Server(context);
  EXPECT_FALSE(RunHandshake(*client, *server).ok());
  EXPECT_TRUE(server->failed());
  EXPECT_THAT(server->error(), HasSubstr("TLS handshake failed"));
}

// --- Resumption.

// The last session a client received (TLS 1.3 tickets arrive after the handshake, through
// the new-session callback).
bssl::UniquePtr<SSL_SESSION>* g_ticket = nullptr;

int SaveTicket(SSL*, SSL_SESSION* session) {
  g_ticket->reset(session);
  return 1;  // We took ownership.
}

TEST(Session, Tls13ResumptionWithATicket) {
  // The client keeps the ticket it received and offers it on the next connection.
  bssl::UniquePtr<SSL_SESSION> ticket;
  g_ticket = &ticket;
  auto client_context = MakeClientContext();
  auto server_context = MakeServerContext();
  SSL_CTX_set_session_cache_mode(client_context->ssl_ctx(), SSL_SESS_CACHE_CLIENT);
  SSL_CTX_sess_set_new_cb(client_context->ssl_ctx(), SaveTicket);
  auto client = Client(client_context);
  auto server = Server(server_context);
  ASSERT_TRUE(RunHandshake(*client, *server).ok());
  // A BoringSSL server sends its TLS 1.3 tickets with its first write (an HTTP/2 server
  // always writes first: its SETTINGS frame).
  ASSERT_EQ(server->WritePlaintext(RandomBytes(9, 11)).status, TlsStatus::kOk);
  std::vector<uint8_t> got;
  ASSERT_TRUE(Pump(*client, *server, &got, nullptr));
  EXPECT_EQ(got.size(), 9u);
  ASSERT_NE(ticket, nullptr);
  EXPECT_FALSE(server->session_resumed());

  auto client2 = Client(client_context);
  ASSERT_TRUE(SSL_set_session(client2->ssl(), ticket.get()));
  auto server2 = Server(server_context);
  ASSERT_TRUE(RunHandshake(*client2, *server2).ok());
  EXPECT_TRUE(server2->session_resumed());
  EXPECT_TRUE(client2->session_resumed());
  EXPECT_EQ(server2->alpn(), "h2");
  g_ticket = nullptr;
}

TEST(Session, NoResumptionWhenDisabled) {
  bssl::UniquePtr<SSL_SESSION> ticket;
  g_ticket = &ticket;
  auto client_context = MakeClientContext();
  ServerContextOptions options;
  options.session_resumption = false;
  auto server_context = MakeServerContext(options);
  SSL_CTX_set_session_cache_mode(client_context->ssl_ctx(), SSL_SESS_CACHE_CLIENT);
  SSL_CTX_sess_set_new_cb(client_context->ssl_ctx(), SaveTicket);
  auto client = Client(client_context);
  auto server = Server(server_context);
  ASSERT_TRUE(RunHandshake(*client, *server).ok());
  ASSERT_EQ(server->WritePlaintext(RandomBytes(9, 11)).status, TlsStatus::kOk);
  std::vector<uint8_t> got;
  ASSERT_TRUE(Pump(*client, *server, &got, nullptr));
  EXPECT_EQ(got.size(), 9u);
  EXPECT_EQ(ticket, nullptr);  // The server sent no ticket.
  g_ticket = nullptr;
}

TEST(TlsStatus, Names) {
  std::ostringstream out;
  out << TlsStatus::kWantWrite << " " << TlsStatus::kClosed;
  EXPECT_EQ(out.str(), "kWantWrite kClosed");
  EXPECT_STREQ(TlsStatusName(TlsStatus::kError), "kError");
}

}  // namespace
}  // namespace h2engine::tls
