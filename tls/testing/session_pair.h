// Test helpers: drive two Sessions against each other in memory, with no sockets.
//
// Transfer moves ciphertext from one Session to the other, as a network would; RunHandshake
// and Exchange pump until nothing moves. TestCertificate is a self-signed localhost
// certificate made once per process (key generation is the slow part of a test).

#ifndef H2ENGINE_TLS_TESTING_SESSION_PAIR_H_
#define H2ENGINE_TLS_TESTING_SESSION_PAIR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tls/context.h"
#include "tls/self_signed.h"
#include "tls/session.h"

namespace h2engine::tls::testing {

// Transfer moves as much of from's pending ciphertext into `to` as `to` accepts and returns
// the number of bytes moved.
size_t Transfer(Session& from, Session& to);

// HandshakeOutcome is what RunHandshake saw at the end.
struct HandshakeOutcome {
  TlsStatus client = TlsStatus::kWantRead;
  TlsStatus server = TlsStatus::kWantRead;
  bool ok() const { return client == TlsStatus::kOk && server == TlsStatus::kOk; }
};

// RunHandshake alternates client.Handshake() and server.Handshake(), moving bytes both ways,
// until both are complete, one has failed (its alert is still delivered to the other, which
// then usually fails too), or nothing moves any more.
HandshakeOutcome RunHandshake(Session& client, Session& server);

// Pump moves bytes both ways and lets each side process them (reading into `out_a` / `out_b`
// whatever plaintext arrives) until nothing moves. Returns false if a side failed.
bool Pump(Session& a, Session& b, std::vector<uint8_t>* out_a, std::vector<uint8_t>* out_b);

// SendAll writes all of `data` from `from` to `to`, pumping as the output limit requires,
// and returns what `to` read (also pumping the other direction for protocol messages).
// Returns false if either side fails or the transfer stalls.
bool SendAll(Session& from, Session& to, std::span<const uint8_t> data,
             std::vector<uint8_t>* received);

// TestCertificate returns a self-signed certificate for localhost, 127.0.0.1 and ::1, made
// once per process.
const SelfSignedCertificate& TestCertificate();

// MakeServerContext returns a server context with TestCertificate() as the default
// certificate; CHECK-fails on error (tests only).
std::shared_ptr<ServerContext> MakeServerContext(const ServerContextOptions& options = {});

// MakeClientContext returns a client context that trusts TestCertificate() the way
// options.verification says (as a CA, as a pinned certificate, or not at all for kNone);
// CHECK-fails on error (tests only).
std::shared_ptr<ClientContext> MakeClientContext(const ClientContextOptions& options = {});

}  // namespace h2engine::tls::testing

#endif  // H2ENGINE_TLS_TESTING_SESSION_PAIR_H_
