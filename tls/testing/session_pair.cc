#include "tls/testing/session_pair.h"

#include <algorithm>
#include <cstdio>

#include "base/check.h"

namespace h2engine::tls::testing {
namespace {

// kMaxRounds bounds every pumping loop, so a bug makes a test fail instead of hanging.
constexpr int kMaxRounds = 100000;

// Drain reads all available plaintext from `s` into *out (if not null). Returns false if `s`
// failed.
bool Drain(Session& s, std::vector<uint8_t>* out, bool* progress) {
  uint8_t buf[16384];
  for (;;) {
    const TlsResult r = s.ReadPlaintext(buf);
    if (r.status == TlsStatus::kOk) {
      if (out != nullptr) out->insert(out->end(), buf, buf + r.bytes);
      *progress = true;
      continue;
    }
    return r.status != TlsStatus::kError;
  }
}

}  // namespace

size_t Transfer(Session& from, Session& to) {
  const std::span<const uint8_t> pending = from.PendingCiphertext();
  const size_t n = to.FeedCiphertext(pending);
  from.ConsumeCiphertext(n);
  return n;
}

HandshakeOutcome RunHandshake(Session& client, Session& server) {
  HandshakeOutcome outcome;
  for (int round = 0; round < kMaxRounds; ++round) {
    outcome.client = client.Handshake();
    size_t moved = Transfer(client, server);
    outcome.server = server.Handshake();
    moved += Transfer(server, client);
    if (outcome.ok() && !client.has_pending_ciphertext() && !server.has_pending_ciphertext()) {
      break;
    }
    if (moved == 0) {
      // One last look: the peer's alert may have just arrived.
      outcome.client = client.Handshake();
      outcome.server = server.Handshake();
      break;
    }
  }
  return outcome;
}

bool Pump(Session& a, Session& b, std::vector<uint8_t>* out_a, std::vector<uint8_t>* out_b) {
  for (int round = 0; round < kMaxRounds; ++round) {
    bool progress = Transfer(a, b) > 0;
    progress |= Transfer(b, a) > 0;
    if (!Drain(a, out_a, &progress) || !Drain(b, out_b, &progress)) return false;
    if (!progress && !a.has_pending_ciphertext() && !b.has_pending_ciphertext()) return true;
  }
  return false;
}

bool SendAll(Session& from, Session& to, std::span<const uint8_t> data,
             std::vector<uint8_t>* received) {
  size_t sent = 0;
  for (int round = 0; round < kMaxRounds && sent < data.size(); ++round) {
    const TlsResult r = from.WritePlaintext(data.subspan(sent));
    if (r.status == TlsStatus::kOk) {
      sent += r.bytes;
    } else if (r.status != TlsStatus::kWantWrite) {
      return false;
    }
    if (!Pump(from, to, nullptr, received)) return false;
  }
  return sent == data.size() && Pump(from, to, nullptr, received);
}

const SelfSignedCertificate& TestCertificate() {
  static const SelfSignedCertificate* cert = [] {
    auto* c = new SelfSignedCertificate;
    std::string error;
    if (!GenerateSelfSignedCertificate(SelfSignedOptions(), c, &error)) {
      std::fprintf(stderr, "TestCertificate: %s\n", error.c_str());
      H2_CHECK(false);
    }
    return c;
  }();
  return *cert;
}

std::shared_ptr<ServerContext> MakeServerContext(const ServerContextOptions& options) {
  std::string error;
  std::shared_ptr<ServerContext> context = ServerContext::Create(options, &error);
  if (context == nullptr ||
      !context->AddCertificatePem(TestCertificate().certificate_pem,
                                  TestCertificate().private_key_pem, {}, &error)) {
    std::fprintf(stderr, "MakeServerContext: %s\n", error.c_str());
    H2_CHECK(false);
  }
  return context;
}

std::shared_ptr<ClientContext> MakeClientContext(const ClientContextOptions& options) {
  std::string error;
  std::shared_ptr<ClientContext> context = ClientContext::Create(options, &error);
  bool ok = context != nullptr;
  if (ok && options.verification == PeerVerification::kCaCertificates) {
    ok = context->AddTrustedCaPem(TestCertificate().certificate_pem, &error);
  } else if (ok && options.verification == PeerVerification::kPinnedCertificates) {
    ok = context->AddPinnedCertificatePem(TestCertificate().certificate_pem, &error);
  }
  if (!ok) {
    std::fprintf(stderr, "MakeClientContext: %s\n", error.c_str());
    H2_CHECK(false);
  }
  return context;
}

}  // namespace h2engine::tls::testing
