// Session: one TLS connection, sans-I/O. BoringSSL's SSL object runs over two memory BIOs, so
// the Session never touches a socket: the caller moves ciphertext between the socket and the
// Session, and plaintext between the Session and the protocol (HTTP/2 or HTTP/1.1).
//
//   socket --read--> FeedCiphertext()                         ReadPlaintext()  --> protocol
//   socket <--write-- PendingCiphertext()/ConsumeCiphertext()  WritePlaintext() <-- protocol
//
// Output is pulled, as in nghttp2's mem_send: PendingCiphertext() views bytes ready for the
// socket; the caller writes what it can and calls ConsumeCiphertext(n) with what was written.
// Every call may produce output (handshake flights, alerts, session tickets, KeyUpdate
// replies), so the caller flushes after each round of calls.
//
// The handshake runs implicitly in ReadPlaintext/WritePlaintext, or explicitly with
// Handshake(). A typical loop after the socket became readable:
//
//   n = read(fd, buf, min(sizeof buf, session.CiphertextInputSpace()));
//   session.FeedCiphertext({buf, n});            // accepts all of it: we asked for no more
//   for (;;) {
//     TlsResult r = session.ReadPlaintext(plain);
//     if (r.status == TlsStatus::kOk) { protocol.Process(plain.first(r.bytes)); continue; }
//     break;  // kWantRead: need more ciphertext; kWantWrite: flush first; kClosed; kError
//   }
//   flush PendingCiphertext() to the socket (also after kError: it may hold a fatal alert).
//
// Bounds (SessionLimits). A peer cannot make a Session buffer without limit:
//   - Input: FeedCiphertext accepts at most CiphertextInputSpace() bytes, i.e. until
//     max_input_ciphertext bytes wait to be processed; the caller keeps the rest (better: reads
//     no more than that from the socket). Processing (ReadPlaintext/Handshake) frees space.
//     BoringSSL itself holds at most one record (16 KiB + overhead) beyond that.
//   - Output: WritePlaintext stops encrypting once max_output_ciphertext bytes are pending and
//     reports how much it took (possibly 0 with kWantWrite); ReadPlaintext returns kWantWrite
//     without reading while that much output is pending, so a peer that never reads cannot make
//     us queue replies (KeyUpdate, alerts) without bound. The limit is soft: one call can
//     exceed it by at most one record (16 KiB + 256 bytes) plus post-handshake messages.
//     Handshake flights are not limited but are bounded by our own configuration (certificate
//     chain size).
//   - Plaintext is never buffered by the Session: ReadPlaintext decrypts into the caller's
//     buffer, and BoringSSL keeps at most the rest of one record.
//
// HTTP/2 over TLS (RFC 9113 §9.2): the context enforces versions and cipher suites;
// cipher_suite_blocked_for_http2() tells the connection layer whether to answer
// INADEQUATE_SECURITY (§9.2.2), which can only happen with a client or a peer configured
// outside our defaults. Renegotiation is refused in both roles (§9.2.1): a server rejects it
// with a fatal alert (ReadPlaintext returns kError), a client never accepts a HelloRequest.
//
// A Session is not thread-safe; use it from one thread at a time.

#ifndef H2ENGINE_TLS_SESSION_H_
#define H2ENGINE_TLS_SESSION_H_

#include <openssl/base.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tls/context.h"

namespace h2engine::tls {

enum class [[nodiscard]] TlsStatus{
    kOk,         // Progress: bytes were read or written, or the handshake is complete.
    kWantRead,   // Nothing to do until more ciphertext is fed.
    kWantWrite,  // Pending output reached max_output_ciphertext: flush and consume it, retry.
    kClosed,     // Read: the peer sent close_notify. Write: we called Shutdown().
    kError,      // Fatal; error() says why. Flush PendingCiphertext() (an alert), then close.
};

const char* TlsStatusName(TlsStatus status);
std::ostream& operator<<(std::ostream& out, TlsStatus status);

// TlsResult is the outcome of ReadPlaintext/WritePlaintext: `bytes` is > 0 only with kOk.
struct [[nodiscard]] TlsResult {
  TlsStatus status;
  size_t bytes = 0;
};

// kMinSessionBufferLimit is the smallest accepted limit: one full TLS record must fit
// (2^14 plaintext + 2048 bytes of TLS 1.2 expansion + 5 bytes of header, rounded up).
inline constexpr size_t kMinSessionBufferLimit = 20 * 1024;

struct SessionLimits {
  // Ciphertext fed but not yet processed. Values below kMinSessionBufferLimit are raised to it.
  size_t max_input_ciphertext = 64 * 1024;
  // Ciphertext produced but not yet consumed (soft; see the header comment). Values below
  // kMinSessionBufferLimit are raised to it.
  size_t max_output_ciphertext = 64 * 1024;
};

class Session {
 public:
  // CreateServer returns a server Session using `context` (which it keeps alive), or nullptr
  // with *out_error set if BoringSSL cannot allocate one.
  static std::unique_ptr<Session> CreateServer(std::shared_ptr<const ServerContext> context,
                                               const SessionLimits& limits, std::string* out_error);

  // CreateClient returns a client Session for the server `server_name`: a DNS name is sent as
  // SNI (RFC 6066 §3; IP literals are not sent) and, with kCaCertificates, checked against the
  // server's certificate (DNS name or IP address). With kCaCertificates `server_name` must
  // not be empty. Returns nullptr with *out_error set on failure.
  static std::unique_ptr<Session> CreateClient(std::shared_ptr<const ClientContext> context,
                                               std::string_view server_name,
                                               const SessionLimits& limits, std::string* out_error);

  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // --- Ciphertext from the peer.

  // CiphertextInputSpace returns how many bytes FeedCiphertext would accept now (0 after an
  // error).
  size_t CiphertextInputSpace() const;
  // FeedCiphertext queues up to CiphertextInputSpace() bytes of `data` for processing and
  // returns how many it took; the caller keeps the rest for later.
  [[nodiscard]] size_t FeedCiphertext(std::span<const uint8_t> data);

  // --- Ciphertext for the peer.

  // PendingCiphertext views the bytes waiting to be sent. The view is valid until the next
  // non-const call.
  std::span<const uint8_t> PendingCiphertext() const;
  // ConsumeCiphertext drops the first `n` (<= PendingCiphertext().size()) pending bytes.
  void ConsumeCiphertext(size_t n);
  bool has_pending_ciphertext() const { return out_start_ < out_.size(); }

  // --- Handshake and plaintext.

  // Handshake advances the handshake: kOk once it is complete (then immediately on every
  // call), kWantRead while it needs peer bytes, kError on failure.
  TlsStatus Handshake();

  // ReadPlaintext decrypts into `out`: {kOk, n > 0}, or kWantRead (need ciphertext), kWantWrite
  // (too much output pending), kClosed (close_notify received), kError. Runs the handshake
  // first if needed. Call it until it stops returning kOk: several records may be buffered.
  // An empty `out` returns {kOk, 0} and does nothing.
  TlsResult ReadPlaintext(std::span<uint8_t> out);

  // WritePlaintext encrypts a prefix of `data`: {kOk, n} with 0 < n <= data.size() (less than
  // all when the output limit is reached), or {kWantWrite, 0} when the limit was reached
  // before anything was taken, kWantRead while the handshake needs peer bytes, kClosed after
  // Shutdown(), kError. An empty `data` returns {kOk, 0}.
  TlsResult WritePlaintext(std::span<const uint8_t> data);

  // Shutdown queues a close_notify alert (if the handshake completed) and refuses further
  // writes. Returns kOk, or kError if the session had failed. Idempotent.
  TlsStatus Shutdown();

  // --- State.

  bool is_server() const;
  bool handshake_complete() const;
  bool peer_closed() const { return peer_closed_; }  // close_notify received
  bool failed() const { return failed_; }
  // error describes the failure (BoringSSL's error queue, verification result); "" if none.
  const std::string& error() const { return error_; }

  // --- After the handshake. Views are valid for the Session's lifetime.

  // alpn returns the negotiated protocol ("h2", "http/1.1"), or "" if none was negotiated.
  std::string_view alpn() const;
  // server_name returns the SNI host name: on a server, what the client sent; on a client,
  // what it sent. "" if none.
  std::string_view server_name() const;
  // protocol_version returns TLS1_2_VERSION (0x0303) or TLS1_3_VERSION (0x0304); 0 before
  // the handshake completes. protocol_version_name returns "TLSv1.2", "TLSv1.3", ...
  uint16_t protocol_version() const;
  std::string_view protocol_version_name() const;
  // cipher_suite_id returns the IANA code point of the negotiated suite (0 before the
  // handshake); cipher_suite_name its IANA name ("TLS_AES_128_GCM_SHA256").
  uint16_t cipher_suite_id() const;
  std::string_view cipher_suite_name() const;
  // cipher_suite_blocked_for_http2: TLS 1.2 with a suite from RFC 9113 Appendix A. If the
  // connection speaks HTTP/2, the connection layer MAY treat this as a connection error of type
  // INADEQUATE_SECURITY (§9.2.2).
  bool cipher_suite_blocked_for_http2() const;
  bool session_resumed() const;

  // ssl returns the underlying SSL object, for tests and diagnostics. Do not drive I/O on it.
  SSL* ssl() const { return ssl_.get(); }

 private:
  Session(bssl::UniquePtr<SSL> ssl, const SessionLimits& limits);
  static std::unique_ptr<Session> Create(SSL_CTX* ctx, bool server, const SessionLimits& limits,
                                         std::string* out_error);

  // DrainOutput moves what BoringSSL wrote into out_.
  void DrainOutput();
  size_t pending_output() const { return out_.size() - out_start_; }
  // Fail records the failure of an SSL call that returned `ret` (<= 0).
  TlsStatus Fail(int ret, std::string_view what);

  std::shared_ptr<const ServerContext> server_context_;
  std::shared_ptr<const ClientContext> client_context_;
  bssl::UniquePtr<SSL> ssl_;
  BIO* rbio_ = nullptr;  // Owned by ssl_.
  BIO* wbio_ = nullptr;  // Owned by ssl_.
  SessionLimits limits_;
  std::vector<uint8_t> out_;
  size_t out_start_ = 0;
  bool failed_ = false;
  bool peer_closed_ = false;
  bool shutdown_sent_ = false;
  std::string error_;
};

}  // namespace h2engine::tls

#endif  // H2ENGINE_TLS_SESSION_H_
