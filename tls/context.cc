#include "tls/context.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pool.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/check.h"
#include "tls/pem.h"
#include "tls/ssl_error.h"

namespace h2engine::tls {
namespace {

using internal::ClearSslErrors;
using internal::SetError;

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

// LowerAscii lower-cases a DNS name; SNI host names are ASCII (RFC 6066 §3, A-labels).
std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// ConfigureVersions applies the version range; shared by both contexts.
bool ConfigureVersions(SSL_CTX* ctx, uint16_t min_version, uint16_t max_version,
                       std::string* out_error) {
  if (!SSL_CTX_set_min_proto_version(ctx, min_version) ||
      !SSL_CTX_set_max_proto_version(ctx, max_version)) {
    SetError(out_error, "unsupported TLS version range");
    return false;
  }
  return true;
}

// CheckCipherList verifies that no configured TLS 1.2 suite is on RFC 9113 Appendix A, so a
// future edit of kHttp2Tls12CipherList cannot silently break §9.2.2.
bool CheckCipherList(SSL_CTX* ctx, std::string* out_error) {
  STACK_OF(SSL_CIPHER)* ciphers = SSL_CTX_get_ciphers(ctx);
  for (size_t i = 0; i < sk_SSL_CIPHER_num(ciphers); ++i) {
    const SSL_CIPHER* cipher = sk_SSL_CIPHER_value(ciphers, i);
    if (IsCipherSuiteBlockedForHttp2(SSL_CIPHER_get_protocol_id(cipher))) {
      *out_error = std::string("cipher list includes ") + SSL_CIPHER_standard_name(cipher) +
                   ", which RFC 9113 Appendix A prohibits for HTTP/2";
      return false;
    }
  }
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// ServerContext

ServerContext::ServerContext(const ServerContextOptions& options, bssl::UniquePtr<SSL_CTX> ctx)
    : options_(options), ctx_(std::move(ctx)) {}

ServerContext::~ServerContext() = default;

std::unique_ptr<ServerContext> ServerContext::Create(const ServerContextOptions& options,
                                                     std::string* out_error) {
  ClearSslErrors();
  if (options.min_version < TLS1_2_VERSION) {
    *out_error = "RFC 9113 §9.2 requires TLS 1.2 or later: min_version is too low";
    return nullptr;
  }
  if (!options.alpn_protocols.empty()) {
    std::vector<uint8_t> wire;
    const AlpnStatus status = EncodeAlpnList(options.alpn_protocols, &wire);
    if (status != AlpnStatus::kOk) {
      *out_error = std::string("invalid ALPN protocol list: ") + AlpnStatusName(status);
      return nullptr;
    }
  }
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  if (ctx == nullptr) {
    SetError(out_error, "SSL_CTX_new failed");
    return nullptr;
  }
  if (!ConfigureVersions(ctx.get(), options.min_version, options.max_version, out_error)) {
    return nullptr;
  }
  if (!SSL_CTX_set_strict_cipher_list(ctx.get(), kHttp2Tls12CipherList)) {
    SetError(out_error, "cannot set the TLS 1.2 cipher list");
    return nullptr;
  }
  if (!CheckCipherList(ctx.get(), out_error)) return nullptr;
  SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!options.session_resumption) {
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  }

  std::unique_ptr<ServerContext> context(new ServerContext(options, std::move(ctx)));
  SSL_CTX* raw = context->ctx_.get();
  SSL_CTX_set_cert_cb(raw, &ServerContext::SelectCertificateCallback, context.get());
  if (!options.alpn_protocols.empty()) {
    SSL_CTX_set_alpn_select_cb(raw, &ServerContext::SelectAlpnCallback, context.get());
  }
  return context;
}

bool ServerContext::AddCertificatePem(std::string_view chain_pem, std::string_view key_pem,
                                      std::span<const std::string> server_names,
                                      std::string* out_error) {
  std::vector<bssl::UniquePtr<X509>> chain;
  if (!internal::ParseCertificatesPem(chain_pem, "certificate PEM", &chain, out_error)) {
    return false;
  }
  bssl::UniquePtr<EVP_PKEY> key;
  if (!internal::ParsePrivateKeyPem(key_pem, "private key PEM", &key, out_error)) return false;
  return AddCertifiedKey(std::move(chain), std::move(key), "certificate PEM", "private key PEM",
                         server_names, out_error);
}

bool ServerContext::AddCertificateFiles(const std::string& chain_path, const std::string& key_path,
                                        std::span<const std::string> server_names,
                                        std::string* out_error) {
  const std::string chain_source = "certificate file " + Quoted(chain_path);
  const std::string key_source = "private key file " + Quoted(key_path);
  std::string chain_pem, key_pem;
  if (!internal::ReadPemFile(chain_path, "certificate", &chain_pem, out_error)) return false;
  if (!internal::ReadPemFile(key_path, "private key", &key_pem, out_error)) return false;
  std::vector<bssl::UniquePtr<X509>> chain;
  if (!internal::ParseCertificatesPem(chain_pem, chain_source, &chain, out_error)) return false;
  bssl::UniquePtr<EVP_PKEY> key;
  if (!internal::ParsePrivateKeyPem(key_pem, key_source, &key, out_error)) return false;
  return AddCertifiedKey(std::move(chain), std::move(key), chain_source, key_source, server_names,
                         out_error);
}

bool ServerContext::AddCertifiedKey(std::vector<bssl::UniquePtr<X509>> chain,
                                    bssl::UniquePtr<EVP_PKEY> key, std::string_view chain_source,
                                    std::string_view key_source,
                                    std::span<const std::string> server_names,
                                    std::string* out_error) {
  ClearSslErrors();
  H2_DCHECK(!chain.empty());
  if (!X509_check_private_key(chain.front().get(), key.get())) {
    SetError(out_error, std::string("the private key in ") + std::string(key_source) +
                            " does not match the certificate in " + std::string(chain_source));
    return false;
  }
  std::vector<std::string> names;
  for (const std::string& name : server_names) {
    std::string lower = LowerAscii(name);
    if (!lower.empty() && lower.back() == '.') lower.pop_back();  // "example.com." is absolute.
    if (lower.empty()) {
      *out_error = "empty server name for the certificate in " + std::string(chain_source);
      return false;
    }
    if (by_name_.count(lower) != 0 || std::count(names.begin(), names.end(), lower) != 0) {
      *out_error = "server name '" + name + "' already has a certificate";
      return false;
    }
    names.push_back(std::move(lower));
  }
  if (names.empty() && default_index_.has_value()) {
    *out_error = "a default certificate is already set (give " + std::string(chain_source) +
                 " server names)";
    return false;
  }
  auto entry = std::make_unique<CertifiedKey>();
  for (auto& cert : chain) {
    bssl::UniquePtr<CRYPTO_BUFFER> buffer = internal::ToCryptoBuffer(cert.get());
    if (buffer == nullptr) {
      SetError(out_error, "cannot encode the certificate in " + std::string(chain_source));
      return false;
    }
    entry->chain_view.push_back(buffer.get());
    entry->chain.push_back(std::move(buffer));
  }
  entry->key = std::move(key);
  const size_t index = certs_.size();
  certs_.push_back(std::move(entry));
  for (std::string& name : names) by_name_.emplace(std::move(name), index);
  if (server_names.empty()) default_index_ = index;
  return true;
}

const ServerContext::CertifiedKey* ServerContext::SelectCertificate(
    std::string_view server_name) const {
  if (certs_.empty()) return nullptr;
  if (!server_name.empty()) {
    std::string lower = LowerAscii(server_name);
    if (lower.back() == '.') lower.pop_back();
    const auto it = by_name_.find(lower);
    if (it != by_name_.end()) return certs_[it->second].get();
  }
  return certs_[default_index_.value_or(0)].get();
}

int ServerContext::SelectCertificateCallback(SSL* ssl, void* arg) {
  const auto* self = static_cast<const ServerContext*>(arg);
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  const CertifiedKey* cert = self->SelectCertificate(name == nullptr ? "" : name);
  // With no certificate at all, return success and let BoringSSL fail the handshake with its
  // own "no certificate" error, which the Session reports.
  if (cert == nullptr) return 1;
  return SSL_set_chain_and_key(ssl, cert->chain_view.data(), cert->chain_view.size(),
                               cert->key.get(), nullptr);
}

int ServerContext::SelectAlpnCallback(SSL* /*ssl*/, const uint8_t** out, uint8_t* out_len,
                                      const uint8_t* in, unsigned in_len, void* arg) {
  const auto* self = static_cast<const ServerContext*>(arg);
  std::string_view chosen;
  switch (
      SelectAlpn(std::span<const uint8_t>(in, in_len), self->options_.alpn_protocols, &chosen)) {
    case AlpnSelectStatus::kSelected:
      // `chosen` points into `in`, which BoringSSL keeps alive while it copies the choice.
      *out = reinterpret_cast<const uint8_t*>(chosen.data());
      *out_len = static_cast<uint8_t>(chosen.size());
      return SSL_TLSEXT_ERR_OK;
    case AlpnSelectStatus::kNoOverlap:
      return SSL_TLSEXT_ERR_NOACK;
    case AlpnSelectStatus::kMalformed:
      return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// ---------------------------------------------------------------------------------------------
// ClientContext

ClientContext::ClientContext(const ClientContextOptions& options, bssl::UniquePtr<SSL_CTX> ctx)
    : options_(options), ctx_(std::move(ctx)) {}

ClientContext::~ClientContext() = default;

std::unique_ptr<ClientContext> ClientContext::Create(const ClientContextOptions& options,
                                                     std::string* out_error) {
  ClearSslErrors();
  bssl::UniquePtr<SSL_CTX> ctx(SSL_CTX_new(TLS_method()));
  if (ctx == nullptr) {
    SetError(out_error, "SSL_CTX_new failed");
    return nullptr;
  }
  if (!ConfigureVersions(ctx.get(), options.min_version, options.max_version, out_error)) {
    return nullptr;
  }
  const std::string ciphers =
      options.tls12_cipher_list.empty() ? kHttp2Tls12CipherList : options.tls12_cipher_list;
  if (!SSL_CTX_set_strict_cipher_list(ctx.get(), ciphers.c_str())) {
    SetError(out_error, "invalid TLS 1.2 cipher list '" + ciphers + "'");
    return nullptr;
  }
  if (!options.alpn_protocols.empty()) {
    std::vector<uint8_t> wire;
    const AlpnStatus status = EncodeAlpnList(options.alpn_protocols, &wire);
    if (status != AlpnStatus::kOk) {
      *out_error = std::string("invalid ALPN protocol list: ") + AlpnStatusName(status);
      return nullptr;
    }
    // SSL_CTX_set_alpn_protos returns zero on success, unlike the rest of the API.
    if (SSL_CTX_set_alpn_protos(ctx.get(), wire.data(), wire.size()) != 0) {
      SetError(out_error, "cannot set the ALPN protocol list");
      return nullptr;
    }
  }
  SSL_CTX_set_grease_enabled(ctx.get(), 1);

  std::unique_ptr<ClientContext> context(new ClientContext(options, std::move(ctx)));
  SSL_CTX* raw = context->ctx_.get();
  switch (options.verification) {
    case PeerVerification::kCaCertificates:
      SSL_CTX_set_verify(raw, SSL_VERIFY_PEER, nullptr);
      break;
    case PeerVerification::kPinnedCertificates:
      if (!SSL_CTX_set_app_data(raw, context.get())) {
        SetError(out_error, "SSL_CTX_set_app_data failed");
        return nullptr;
      }
      SSL_CTX_set_custom_verify(raw, SSL_VERIFY_PEER, &ClientContext::VerifyPinnedCallback);
      break;
    case PeerVerification::kNone:
      SSL_CTX_set_verify(raw, SSL_VERIFY_NONE, nullptr);
      break;
  }
  return context;
}

bool ClientContext::AddTrustedCaPem(std::string_view pem, std::string* out_error) {
  if (options_.verification != PeerVerification::kCaCertificates) {
    *out_error = "AddTrustedCa needs PeerVerification::kCaCertificates";
    return false;
  }
  std::vector<bssl::UniquePtr<X509>> certs;
  if (!internal::ParseCertificatesPem(pem, "CA certificate PEM", &certs, out_error)) return false;
  X509_STORE* store = SSL_CTX_get_cert_store(ctx_.get());
  for (auto& cert : certs) {
    if (!X509_STORE_add_cert(store, cert.get())) {
      SetError(out_error, "cannot add a CA certificate to the trust store");
      return false;
    }
  }
  return true;
}

bool ClientContext::AddTrustedCaFile(const std::string& path, std::string* out_error) {
  std::string pem;
  if (!internal::ReadPemFile(path, "CA certificate", &pem, out_error)) return false;
  std::string error;
  if (!AddTrustedCaPem(pem, &error)) {
    *out_error = "CA certificate file " + Quoted(path) + ": " + error;
    return false;
  }
  return true;
}

bool ClientContext::AddPinnedCertificatePem(std::string_view pem, std::string* out_error) {
  if (options_.verification != PeerVerification::kPinnedCertificates) {
    *out_error = "AddPinnedCertificate needs PeerVerification::kPinnedCertificates";
    return false;
  }
  std::vector<bssl::UniquePtr<X509>> certs;
  if (!internal::ParseCertificatesPem(pem, "pinned certificate PEM", &certs, out_error)) {
    return false;
  }
  for (auto& cert : certs) {
    uint8_t* der = nullptr;
    const int len = i2d_X509(cert.get(), &der);
    if (len <= 0) {
      SetError(out_error, "cannot encode a pinned certificate");
      return false;
    }
    bssl::UniquePtr<uint8_t> owned(der);
    pinned_der_.emplace_back(der, der + len);
  }
  return true;
}

bool ClientContext::AddPinnedCertificateFile(const std::string& path, std::string* out_error) {
  std::string pem;
  if (!internal::ReadPemFile(path, "pinned certificate", &pem, out_error)) return false;
  std::string error;
  if (!AddPinnedCertificatePem(pem, &error)) {
    *out_error = "pinned certificate file " + Quoted(path) + ": " + error;
    return false;
  }
  return true;
}

bool ClientContext::IsPinned(std::span<const uint8_t> der) const {
  for (const std::vector<uint8_t>& pinned : pinned_der_) {
    if (pinned.size() == der.size() && std::equal(pinned.begin(), pinned.end(), der.begin())) {
      return true;
    }
  }
  return false;
}

enum ssl_verify_result_t ClientContext::VerifyPinnedCallback(SSL* ssl, uint8_t* out_alert) {
  const auto* self = static_cast<const ClientContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  const STACK_OF(CRYPTO_BUFFER)* chain = SSL_get0_peer_certificates(ssl);
  if (self == nullptr || chain == nullptr || sk_CRYPTO_BUFFER_num(chain) == 0) {
    *out_alert = SSL_AD_INTERNAL_ERROR;
    return ssl_verify_invalid;
  }
  const CRYPTO_BUFFER* leaf = sk_CRYPTO_BUFFER_value(chain, 0);
  if (self->IsPinned({CRYPTO_BUFFER_data(leaf), CRYPTO_BUFFER_len(leaf)})) return ssl_verify_ok;
  *out_alert = SSL_AD_BAD_CERTIFICATE;
  return ssl_verify_invalid;
}

}  // namespace h2engine::tls
