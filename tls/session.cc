#include "tls/session.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "base/check.h"
#include "tls/cipher_suites.h"
#include "tls/ssl_error.h"

namespace h2engine::tls {
namespace {

using internal::ClearSslErrors;
using internal::SetError;

// kMaxWriteChunk is the plaintext handed to one SSL_write: one full record, so that the output
// limit is checked between records.
constexpr size_t kMaxWriteChunk = 16384;

// kShrinkCapacity: an emptied output buffer larger than this is released, so that an idle
// connection does not keep the memory of its largest burst.
constexpr size_t kShrinkCapacity = 128 * 1024;

bool IsIpLiteral(const std::string& name) {
  bssl::UniquePtr<ASN1_OCTET_STRING> ip(a2i_IPADDRESS(name.c_str()));
  ClearSslErrors();
  return ip != nullptr;
}

}  // namespace

const char* TlsStatusName(TlsStatus status) {
  switch (status) {
    case TlsStatus::kOk:
      return "kOk";
    case TlsStatus::kWantRead:
      return "kWantRead";
    case TlsStatus::kWantWrite:
      return "kWantWrite";
    case TlsStatus::kClosed:
      return "kClosed";
    case TlsStatus::kError:
      return "kError";
  }
  return "TlsStatus(?)";
}

std::ostream& operator<<(std::ostream& out, TlsStatus status) {
  return out << TlsStatusName(status);
}

Session::Session(bssl::UniquePtr<SSL> ssl, const SessionLimits& limits)
    : ssl_(std::move(ssl)), limits_(limits) {
  limits_.max_input_ciphertext = std::max(limits_.max_input_ciphertext, kMinSessionBufferLimit);
  limits_.max_output_ciphertext = std::max(limits_.max_output_ciphertext, kMinSessionBufferLimit);
}

Session::~Session() = default;

std::unique_ptr<Session> Session::Create(SSL_CTX* ctx, bool server, const SessionLimits& limits,
                                         std::string* out_error) {
  ClearSslErrors();
  bssl::UniquePtr<SSL> ssl(SSL_new(ctx));
  bssl::UniquePtr<BIO> rbio(BIO_new(BIO_s_mem()));
  bssl::UniquePtr<BIO> wbio(BIO_new(BIO_s_mem()));
  if (ssl == nullptr || rbio == nullptr || wbio == nullptr) {
    SetError(out_error, "cannot create a TLS session");
    return nullptr;
  }
  // An empty memory BIO must read as "retry later", not as end of stream.
  BIO_set_mem_eof_return(rbio.get(), -1);
  BIO_set_mem_eof_return(wbio.get(), -1);
  std::unique_ptr<Session> session(new Session(std::move(ssl), limits));
  session->rbio_ = rbio.get();
  session->wbio_ = wbio.get();
  SSL_set_bio(session->ssl_.get(), rbio.release(), wbio.release());
  if (server) {
    SSL_set_accept_state(session->ssl_.get());
  } else {
    SSL_set_connect_state(session->ssl_.get());
    // The default, made explicit: RFC 9113 §9.2.1 forbids renegotiation.
    SSL_set_renegotiate_mode(session->ssl_.get(), ssl_renegotiate_never);
  }
  return session;
}

std::unique_ptr<Session> Session::CreateServer(std::shared_ptr<const ServerContext> context,
                                               const SessionLimits& limits,
                                               std::string* out_error) {
  if (context == nullptr) {
    *out_error = "no server context";
    return nullptr;
  }
  std::unique_ptr<Session> session = Create(context->ssl_ctx(), /*server=*/true, limits, out_error);
  if (session != nullptr) session->server_context_ = std::move(context);
  return session;
}

std::unique_ptr<Session> Session::CreateClient(std::shared_ptr<const ClientContext> context,
                                               std::string_view server_name,
                                               const SessionLimits& limits,
                                               std::string* out_error) {
  if (context == nullptr) {
    *out_error = "no client context";
    return nullptr;
  }
  const std::string name(server_name);
  if (name.find('\0') != std::string::npos) {
    *out_error = "server name contains a NUL byte";
    return nullptr;
  }
  const bool verify_name = context->options().verification == PeerVerification::kCaCertificates;
  if (verify_name && name.empty()) {
    *out_error = "certificate verification against CAs needs the server's name";
    return nullptr;
  }
  std::unique_ptr<Session> session =
      Create(context->ssl_ctx(), /*server=*/false, limits, out_error);
  if (session == nullptr) return nullptr;
  SSL* ssl = session->ssl_.get();
  if (!name.empty()) {
    const bool ip = IsIpLiteral(name);
    if (!ip && !SSL_set_tlsext_host_name(ssl, name.c_str())) {
      SetError(out_error, "invalid server name '" + name + "'");
      return nullptr;
    }
    if (verify_name) {
      const bool ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str())
                         : SSL_set1_host(ssl, name.c_str());
      if (!ok) {
        SetError(out_error, "cannot check the certificate against '" + name + "'");
        return nullptr;
      }
    }
  }
  session->client_context_ = std::move(context);
  return session;
}

// ---------------------------------------------------------------------------------------------
// Ciphertext in and out.

size_t Session::CiphertextInputSpace() const {
  if (failed_) return 0;
  const size_t queued = BIO_pending(rbio_);
  return queued >= limits_.max_input_ciphertext ? 0 : limits_.max_input_ciphertext - queued;
}

size_t Session::FeedCiphertext(std::span<const uint8_t> data) {
  const size_t n = std::min(data.size(), CiphertextInputSpace());
  if (n == 0) return 0;
  ClearSslErrors();
  // n <= max_input_ciphertext, which a caller could set above INT_MAX; write in int-sized
  // pieces to stay correct.
  size_t done = 0;
  while (done < n) {
    const int piece = static_cast<int>(std::min<size_t>(n - done, INT_MAX));
    if (BIO_write(rbio_, data.data() + done, piece) != piece) {
      failed_ = true;
      SetError(&error_, "out of memory buffering ciphertext");
      return done;
    }
    done += static_cast<size_t>(piece);
  }
  return n;
}

std::span<const uint8_t> Session::PendingCiphertext() const {
  return std::span<const uint8_t>(out_).subspan(out_start_);
}

void Session::ConsumeCiphertext(size_t n) {
  H2_DCHECK_LE(n, pending_output());
  out_start_ += std::min(n, pending_output());
  if (out_start_ == out_.size()) {
    out_start_ = 0;
    if (out_.capacity() > kShrinkCapacity) {
      std::vector<uint8_t>().swap(out_);
    } else {
      out_.clear();
    }
  }
}

void Session::DrainOutput() {
  const size_t n = BIO_pending(wbio_);
  if (n == 0) return;
  // Compact when the consumed prefix is at least as large as what is left, so each byte is
  // moved O(1) times on average.
  if (out_start_ > 0 && out_start_ >= pending_output()) {
    out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_start_));
    out_start_ = 0;
  }
  const size_t old_size = out_.size();
  out_.resize(old_size + n);
  // A memory BIO holds at most what was written into it by one SSL call (bounded by the
  // limits above), far below INT_MAX.
  const int read = BIO_read(wbio_, out_.data() + old_size, static_cast<int>(n));
  H2_CHECK(read == static_cast<int>(n));
}

// ---------------------------------------------------------------------------------------------
// Handshake and plaintext.

TlsStatus Session::Fail(int ret, std::string_view what) {
  const int ssl_error = SSL_get_error(ssl_.get(), ret);
  std::string message(what);
  message += ": ";
  std::string queue = internal::TakeSslErrors();
  if (!queue.empty()) {
    message += queue;
  } else {
    message += SSL_error_description(ssl_error) != nullptr ? SSL_error_description(ssl_error)
                                                           : "unknown error";
  }
  if (!is_server()) {
    const long verify = SSL_get_verify_result(ssl_.get());
    if (verify != X509_V_OK) {
      message += "; certificate verification failed: ";
      message += X509_verify_cert_error_string(verify);
      if (client_context_ != nullptr &&
          client_context_->options().verification == PeerVerification::kPinnedCertificates) {
        message += " (the server's certificate is not one of the pinned certificates)";
      }
    }
  }
  failed_ = true;
  error_ = std::move(message);
  DrainOutput();  // The fatal alert, if BoringSSL wrote one.
  return TlsStatus::kError;
}

TlsStatus Session::Handshake() {
  if (failed_) return TlsStatus::kError;
  if (SSL_is_init_finished(ssl_.get())) return TlsStatus::kOk;
  ClearSslErrors();
  const int ret = SSL_do_handshake(ssl_.get());
  DrainOutput();
  if (ret == 1) return TlsStatus::kOk;
  if (SSL_get_error(ssl_.get(), ret) == SSL_ERROR_WANT_READ) return TlsStatus::kWantRead;
  return Fail(ret, "TLS handshake failed");
}

TlsResult Session::ReadPlaintext(std::span<uint8_t> out) {
  if (failed_) return {TlsStatus::kError};
  if (peer_closed_) return {TlsStatus::kClosed};
  if (out.empty()) return {TlsStatus::kOk};
  if (pending_output() >= limits_.max_output_ciphertext) return {TlsStatus::kWantWrite};
  ClearSslErrors();
  const bool was_complete = SSL_is_init_finished(ssl_.get());
  const int ret =
      SSL_read(ssl_.get(), out.data(), static_cast<int>(std::min<size_t>(out.size(), INT_MAX)));
  DrainOutput();
  if (ret > 0) return {TlsStatus::kOk, static_cast<size_t>(ret)};
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ:
      return {TlsStatus::kWantRead};
    case SSL_ERROR_ZERO_RETURN:
      peer_closed_ = true;
      return {TlsStatus::kClosed};
    default:
      return {Fail(ret, was_complete ? "TLS read failed" : "TLS handshake failed")};
  }
}

TlsResult Session::WritePlaintext(std::span<const uint8_t> data) {
  if (failed_) return {TlsStatus::kError};
  if (shutdown_sent_) return {TlsStatus::kClosed};
  if (data.empty()) return {TlsStatus::kOk};
  if (!SSL_is_init_finished(ssl_.get())) {
    const TlsStatus status = Handshake();
    if (status != TlsStatus::kOk) return {status};
  }
  size_t written = 0;
  while (written < data.size() && pending_output() < limits_.max_output_ciphertext) {
    ClearSslErrors();
    const size_t chunk = std::min(data.size() - written, kMaxWriteChunk);
    const int ret = SSL_write(ssl_.get(), data.data() + written, static_cast<int>(chunk));
    DrainOutput();
    if (ret <= 0) {
      // Memory BIOs never block, so any failure here is fatal. Bytes already taken were
      // encrypted and are in the output; the session is dead all the same.
      return {Fail(ret, "TLS write failed")};
    }
    // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write takes all of a chunk or fails.
    H2_DCHECK_EQ(static_cast<size_t>(ret), chunk);
    written += static_cast<size_t>(ret);
  }
  if (written == 0) return {TlsStatus::kWantWrite};
  return {TlsStatus::kOk, written};
}

TlsStatus Session::Shutdown() {
  if (failed_) return TlsStatus::kError;
  if (shutdown_sent_) return TlsStatus::kOk;
  shutdown_sent_ = true;
  // BoringSSL refuses SSL_shutdown mid-handshake; there is nothing to close cleanly then.
  if (!SSL_is_init_finished(ssl_.get())) return TlsStatus::kOk;
  ClearSslErrors();
  const int ret = SSL_shutdown(ssl_.get());
  DrainOutput();
  // 0: our close_notify is queued, the peer's not yet seen; 1: both done.
  if (ret >= 0) return TlsStatus::kOk;
  return Fail(ret, "TLS shutdown failed");
}

// ---------------------------------------------------------------------------------------------
// State.

bool Session::is_server() const { return SSL_is_server(ssl_.get()); }

bool Session::handshake_complete() const { return !failed_ && SSL_is_init_finished(ssl_.get()); }

std::string_view Session::alpn() const {
  const uint8_t* data = nullptr;
  unsigned len = 0;
  SSL_get0_alpn_selected(ssl_.get(), &data, &len);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), len};
}

std::string_view Session::server_name() const {
  const char* name = SSL_get_servername(ssl_.get(), TLSEXT_NAMETYPE_host_name);
  return name == nullptr ? std::string_view() : std::string_view(name);
}

uint16_t Session::protocol_version() const {
  if (!SSL_is_init_finished(ssl_.get())) return 0;
  return SSL_version(ssl_.get());
}

std::string_view Session::protocol_version_name() const {
  if (!SSL_is_init_finished(ssl_.get())) return {};
  return SSL_get_version(ssl_.get());
}

uint16_t Session::cipher_suite_id() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_.get());
  return cipher == nullptr ? 0 : SSL_CIPHER_get_protocol_id(cipher);
}

std::string_view Session::cipher_suite_name() const {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_.get());
  return cipher == nullptr ? std::string_view() : SSL_CIPHER_standard_name(cipher);
}

bool Session::cipher_suite_blocked_for_http2() const {
  return protocol_version() == TLS1_2_VERSION && IsCipherSuiteBlockedForHttp2(cipher_suite_id());
}

bool Session::session_resumed() const { return SSL_session_reused(ssl_.get()); }

}  // namespace h2engine::tls
