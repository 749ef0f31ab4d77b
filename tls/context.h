// TLS contexts: the configuration shared by every connection of a server (ServerContext) or of
// a client (ClientContext), each owning one BoringSSL SSL_CTX.
//
// ServerContext applies HTTP/2's TLS rules (RFC 9113 §9.2) by construction:
//   - TLS 1.2 or later (§9.2); Create() refuses a lower minimum.
//   - TLS 1.2 cipher suites: only kHttp2Tls12CipherList (ECDHE + AEAD), none of which is on the
//     Appendix A block list (§9.2.2); TLS 1.3 suites are all AEAD and not configurable.
//   - No renegotiation (§9.2.1): BoringSSL servers reject every client-initiated renegotiation
//     with a fatal no_renegotiation alert, and cannot initiate one.
//   - No TLS compression (§9.2.1): BoringSSL has none.
//   - No post-handshake CertificateRequest (§9.2.3): BoringSSL servers never send one.
//   - SNI (§9.2): the client's server name selects the certificate (exact names, else the
//     default) and is available from Session::server_name().
// ALPN (RFC 7301) picks the first of the configured protocols ({"h2", "http/1.1"} by default)
// that the client offers; if the client offers none of them, the handshake completes without
// ALPN (the server then treats the connection as HTTP/1.1 or closes it, its choice).
//
// ClientContext verifies the server against CA certificates (with host name or IP checks),
// against pinned certificates, or not at all when explicitly asked; it offers an ALPN list and
// sends SNI (Session::CreateClient).
//
// Lifetime: configure a context completely, then share it as
// std::shared_ptr<const ...Context> with the Sessions made from it; each Session keeps its
// context alive. A context is immutable once shared, and safe to use from several threads.
// Nothing here knows about sockets.

#ifndef H2ENGINE_TLS_CONTEXT_H_
#define H2ENGINE_TLS_CONTEXT_H_

#include <openssl/base.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tls/alpn.h"
#include "tls/cipher_suites.h"

namespace h2engine::tls {

struct ServerContextOptions {
  // ALPN protocols in the server's order of preference. Empty disables ALPN.
  std::vector<std::string> alpn_protocols = {std::string(kAlpnHttp2), std::string(kAlpnHttp11)};
  // Protocol versions (TLS1_2_VERSION, TLS1_3_VERSION). min_version below TLS 1.2 is refused
  // (RFC 9113 §9.2).
  uint16_t min_version = TLS1_2_VERSION;
  uint16_t max_version = TLS1_3_VERSION;
  // Session resumption (tickets, and the session-ID cache for TLS 1.2). On by default; the
  // ticket keys are random per context and rotated by BoringSSL.
  bool session_resumption = true;
};

class ServerContext {
 public:
  // Create returns a context with no certificate yet, or nullptr with *out_error set if the
  // options are invalid (TLS below 1.2, a bad ALPN name) or BoringSSL fails.
  static std::unique_ptr<ServerContext> Create(const ServerContextOptions& options,
                                               std::string* out_error);

  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;
  ~ServerContext();

  // AddCertificatePem adds a certificate chain (leaf first, then intermediates) and its
  // private key, both PEM. `server_names` are the SNI host names it serves, matched exactly
  // and case-insensitively (no wildcards); an empty list makes it the default certificate,
  // used when the client sends no SNI or a name no certificate claims. If no default is
  // added, the first certificate added is the default. Returns false with *out_error set if
  // the PEM does not parse, the key does not match the leaf certificate, a name is empty or
  // already taken, or a default already exists.
  [[nodiscard]] bool AddCertificatePem(std::string_view chain_pem, std::string_view key_pem,
                                       std::span<const std::string> server_names,
                                       std::string* out_error);

  // AddCertificateFiles is AddCertificatePem with the PEM read from files; messages name the
  // file and what is wrong (missing, unreadable, not PEM, no certificate, key mismatch).
  [[nodiscard]] bool AddCertificateFiles(const std::string& chain_path, const std::string& key_path,
                                         std::span<const std::string> server_names,
                                         std::string* out_error);

  size_t certificate_count() const { return certs_.size(); }
  const ServerContextOptions& options() const { return options_; }

  // ssl_ctx returns the underlying SSL_CTX, for Session. It stays owned by this context.
  SSL_CTX* ssl_ctx() const { return ctx_.get(); }

 private:
  struct CertifiedKey {
    std::vector<bssl::UniquePtr<CRYPTO_BUFFER>> chain;
    std::vector<CRYPTO_BUFFER*> chain_view;  // chain's pointers, as SSL_set_chain_and_key wants.
    bssl::UniquePtr<EVP_PKEY> key;
  };

  ServerContext(const ServerContextOptions& options, bssl::UniquePtr<SSL_CTX> ctx);
  bool AddCertifiedKey(std::vector<bssl::UniquePtr<X509>> chain, bssl::UniquePtr<EVP_PKEY> key,
                       std::string_view chain_source, std::string_view key_source,
                       std::span<const std::string> server_names, std::string* out_error);
  const CertifiedKey* SelectCertificate(std::string_view server_name) const;

  static int SelectCertificateCallback(SSL* ssl, void* arg);
  static int SelectAlpnCallback(SSL* ssl, const uint8_t** out, uint8_t* out_len, const uint8_t* in,
                                unsigned in_len, void* arg);

  const ServerContextOptions options_;
  bssl::UniquePtr<SSL_CTX> ctx_;
  std::vector<std::unique_ptr<CertifiedKey>> certs_;
  std::map<std::string, size_t, std::less<>> by_name_;  // lower-case name -> index in certs_
  std::optional<size_t> default_index_;
};

enum class PeerVerification {
  // The server's chain must lead to one of the trusted CA certificates (AddTrustedCa*), be
  // valid now, and name the host given to Session::CreateClient (DNS name or IP address).
  kCaCertificates,
  // The server's leaf certificate must be byte-for-byte one of the pinned certificates
  // (AddPinnedCertificate*); chain, dates and names are not checked. Meant for a self-signed
  // server certificate distributed out of band.
  kPinnedCertificates,
  // No verification at all: anyone can impersonate the server. For tests only.
  kNone,
};

struct ClientContextOptions {
  PeerVerification verification = PeerVerification::kCaCertificates;
  // ALPN protocols offered, in the client's order of preference. Empty sends no ALPN.
  std::vector<std::string> alpn_protocols = {std::string(kAlpnHttp2), std::string(kAlpnHttp11)};
  // Versions. Defaults follow RFC 9113 §9.2; a client may go lower only to talk to something
  // that is not HTTP/2 (and tests use that to check that our server refuses).
  uint16_t min_version = TLS1_2_VERSION;
  uint16_t max_version = TLS1_3_VERSION;
  // TLS 1.2 cipher suites, as a BoringSSL cipher string; empty means kHttp2Tls12CipherList.
  std::string tls12_cipher_list;
};

class ClientContext {
 public:
  static std::unique_ptr<ClientContext> Create(const ClientContextOptions& options,
                                               std::string* out_error);

  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;
  ~ClientContext();

  // AddTrustedCaPem / AddTrustedCaFile trust every certificate in the PEM as a root (a
  // self-signed server certificate can be its own root). Only with kCaCertificates.
  [[nodiscard]] bool AddTrustedCaPem(std::string_view pem, std::string* out_error);
  [[nodiscard]] bool AddTrustedCaFile(const std::string& path, std::string* out_error);

  // AddPinnedCertificatePem / AddPinnedCertificateFile accept a server whose leaf certificate
  // equals one in the PEM. Only with kPinnedCertificates.
  [[nodiscard]] bool AddPinnedCertificatePem(std::string_view pem, std::string* out_error);
  [[nodiscard]] bool AddPinnedCertificateFile(const std::string& path, std::string* out_error);

  const ClientContextOptions& options() const { return options_; }
  SSL_CTX* ssl_ctx() const { return ctx_.get(); }

  // IsPinned says whether `der` equals a pinned certificate (for the verify callback).
  bool IsPinned(std::span<const uint8_t> der) const;

 private:
  ClientContext(const ClientContextOptions& options, bssl::UniquePtr<SSL_CTX> ctx);
  static enum ssl_verify_result_t VerifyPinnedCallback(SSL* ssl, uint8_t* out_alert);

  const ClientContextOptions options_;
  bssl::UniquePtr<SSL_CTX> ctx_;
  std::vector<std::vector<uint8_t>> pinned_der_;
};

}  // namespace h2engine::tls

#endif  // H2ENGINE_TLS_CONTEXT_H_
