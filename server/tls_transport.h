// TlsTransport: TLS under a protocol session. A Session whose bytes are TLS records: ciphertext
// from the socket goes into a tls::Session (sans-I/O BoringSSL), the plaintext to an inner
// Session made once the handshake is complete and ALPN is known (Http2Session for "h2",
// Http1Session otherwise), and the inner session's output is encrypted on its way out.
//
//   socket ─ciphertext─▶ tls::Session ─plaintext─▶ inner Session (HTTP/1.1 or HTTP/2)
//   socket ◀─ciphertext─ tls::Session ◀─plaintext─ inner Session
//
// Back pressure, both ways, with bounded buffers:
//   - input: ciphertext is accepted only while the tls::Session has room
//     (CiphertextInputSpace); plaintext is decrypted only while the inner session wants input
//     and less than max_plaintext_buffer waits for it. A slow inner session therefore stops
//     the TLS layer, which stops the connection reading the socket;
//   - output: the inner session's output is encrypted only while the TLS output buffer is below
//     its limit (WritePlaintext takes part of it); the rest waits in the inner session and is
//     pulled again after the connection wrote some ciphertext.
//
// Phases: kHandshake until the handshake completes (the connection applies handshake_timeout
// from accept), then the inner session's. A failed handshake queues the alert and is done.
// When the inner session is done and its output encrypted, close_notify is queued
// (tls::Session::Shutdown) and the transport is done: the connection flushes it and closes
// with a lingering close. A close_notify from the peer is end of input for the inner session;
// so is a socket EOF without one (truncation is then the inner protocol's to detect: HTTP/1.1
// framing, HTTP/2 END_STREAM).

#ifndef H2ENGINE_SERVER_TLS_TRANSPORT_H_
#define H2ENGINE_SERVER_TLS_TRANSPORT_H_

#include <functional>
#include <memory>
#include <span>
#include <string>

#include "server/session.h"
#include "tls/context.h"
#include "tls/session.h"

namespace h2engine::server {

struct TlsTransportOptions {
  tls::SessionLimits limits{};
  // Decrypted bytes waiting for the inner session.
  size_t max_plaintext_buffer = 64 * 1024;
};

class TlsTransport : public Session {
 public:
  // InnerFactory makes the protocol session once the handshake is complete, from the
  // negotiated ALPN protocol (Session::alpn(), "" if none) and the other handshake results;
  // nullptr closes the connection (after close_notify).
  using InnerFactory = std::function<std::unique_ptr<Session>(const tls::Session& tls)>;

  // Create returns a transport, or nullptr with *error set if BoringSSL cannot make a session.
  static std::unique_ptr<TlsTransport> Create(SessionHost* host,
                                              std::shared_ptr<const tls::ServerContext> context,
                                              const TlsTransportOptions& options,
                                              InnerFactory factory, std::string* error);
  ~TlsTransport() override;

  // Session.
  void Advance() override;
  size_t ProcessInput(std::span<const uint8_t> input) override;
  void OnInputClosed() override;
  bool wants_input() const override;
  size_t GatherOutput(std::span<std::span<const uint8_t>> out) const override;
  size_t pending_output() const override;
  void ConsumeOutput(size_t n) override;
  bool done() const override;
  SessionPhase phase() const override;
  uint64_t requests_started() const override;
  void OnTimeout(SessionPhase phase) override;
  void OnConnectionClosed() override;
  std::optional<TimePoint> NextDeadline() const override;
  void OnDeadline() override;
  void StartGracefulShutdown() override;

  const tls::Session& tls() const { return *tls_; }
  Session* inner() const { return inner_.get(); }
  // error: why the TLS layer failed ("" if it did not).
  const std::string& error() const { return tls_->error(); }

 private:
  TlsTransport(SessionHost* host, std::unique_ptr<tls::Session> tls,
               const TlsTransportOptions& options, InnerFactory factory);
  // Pump moves bytes through the TLS layer until nothing changes.
  void Pump();
  // Close ends the transport: close_notify when the handshake completed and nothing failed.
  void Close();

  SessionHost* host_;
  std::unique_ptr<tls::Session> tls_;
  TlsTransportOptions options_;
  InnerFactory factory_;
  std::unique_ptr<Session> inner_;
  std::string plaintext_;    // decrypted, not yet taken by the inner session
  bool socket_eof_ = false;  // the peer closed its side of the socket
  bool tls_closed_ = false;  // close_notify received
  bool drained_ = false;     // ReadPlaintext found nothing more to decrypt (kWantRead)
  bool inner_told_closed_ = false;
  bool closing_ = false;  // close_notify queued (or the TLS layer failed): done once flushed
  bool connection_closed_ = false;
  bool pumping_ = false;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_TLS_TRANSPORT_H_
