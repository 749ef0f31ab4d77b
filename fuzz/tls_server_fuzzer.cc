// Fuzzes tls/session.h in the server role: arbitrary bytes arrive as the client's ciphertext.
//
// Input layout: byte 0 = chunk size (0 = everything at once), the rest = ciphertext, fed in
// chunks of that size; after each chunk the server reads until it stops making progress and
// its output is drained as a socket would. Checks: no crash or sanitizer report, the error
// state is sticky and explained, input is never accepted beyond the limit, and pending output
// stays bounded. BoringSSL itself is the Debian shared library (not instrumented), so this
// exercises our wrapper and its handling of every BoringSSL outcome, not BoringSSL's parser.
//
// Seeds: ClientHellos of real clients (TLS 1.3 with ALPN h2, TLS 1.2 only), plain HTTP.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>

#include "tls/context.h"
#include "tls/self_signed.h"
#include "tls/session.h"

namespace {

using h2engine::tls::Session;
using h2engine::tls::TlsResult;
using h2engine::tls::TlsStatus;

void Require(bool ok) {
  if (!ok) std::abort();
}

std::shared_ptr<const h2engine::tls::ServerContext> Context() {
  static std::shared_ptr<const h2engine::tls::ServerContext>* context = [] {
    std::string error;
    h2engine::tls::SelfSignedCertificate cert;
    Require(h2engine::tls::GenerateSelfSignedCertificate({}, &cert, &error));
    std::shared_ptr<h2engine::tls::ServerContext> c =
        h2engine::tls::ServerContext::Create({}, &error);
    Require(c != nullptr);
    Require(c->AddCertificatePem(cert.certificate_pem, cert.private_key_pem, {}, &error));
    return new std::shared_ptr<const h2engine::tls::ServerContext>(std::move(c));
  }();
  return *context;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = data[0] == 0 ? size : data[0];
  std::span<const uint8_t> input(data + 1, size - 1);

  h2engine::tls::SessionLimits limits;
  limits.max_input_ciphertext = h2engine::tls::kMinSessionBufferLimit;
  limits.max_output_ciphertext = h2engine::tls::kMinSessionBufferLimit;
  std::string error;
  std::unique_ptr<Session> session = Session::CreateServer(Context(), limits, &error);
  Require(session != nullptr);

  uint8_t plaintext[4096];
  int stalls = 0;
  while (!input.empty() && stalls < 2) {
    const size_t space = session->CiphertextInputSpace();
    const size_t fed = session->FeedCiphertext(input.first(std::min(chunk, input.size())));
    Require(fed <= space);
    input = input.subspan(fed);
    stalls = fed == 0 ? stalls + 1 : 0;
    for (int i = 0; i < 64; ++i) {
      const TlsResult r = session->ReadPlaintext(plaintext);
      Require(r.bytes <= sizeof(plaintext));
      Require((r.bytes > 0) == (r.status == TlsStatus::kOk));
      if (r.status != TlsStatus::kOk) break;
    }
    Require(session->PendingCiphertext().size() <= 4 * h2engine::tls::kMinSessionBufferLimit);
    session->ConsumeCiphertext(session->PendingCiphertext().size());
    if (session->failed()) {
      Require(!session->error().empty());
      Require(session->CiphertextInputSpace() == 0);
      Require(session->Handshake() == TlsStatus::kError);
      break;
    }
  }
  if (session->handshake_complete()) {
    (void)session->alpn();
    (void)session->cipher_suite_name();
  }
  (void)session->Shutdown();
  return 0;
}
