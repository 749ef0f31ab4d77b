// A self-signed server certificate made in memory at start-up, so the server can speak TLS
// (and therefore HTTP/2 to browsers, which only use h2 over TLS) with zero configuration.
//
// The certificate is an ordinary end-entity TLS server certificate that clients accept once
// told to trust it (curl --cacert cert.pem, Go's x509.CertPool, Chromium's trust store, or
// ClientContext with kCaCertificates or kPinnedCertificates):
//   - key: a fresh ECDSA P-256 key; signature: ecdsa-with-SHA256; version 3;
//   - serial: 128 random bits (positive); issuer = subject = CN=<common_name>;
//   - validity: now - 1 hour (clock skew) .. now + validity (30 days by default);
//   - basicConstraints critical CA:FALSE; extendedKeyUsage serverAuth; subjectKeyIdentifier;
//   - no keyUsage, on purpose: a client that trusts this certificate uses it as its own
//     issuer, and verifiers of the OpenSSL 1.1 lineage (BoringSSL included) only accept a
//     self-signed certificate as its own issuer if keyUsage is absent or has keyCertSign;
//     keyCertSign in turn requires CA:TRUE (RFC 5280 §4.2.1.3), which Firefox rejects in a
//     server certificate. An absent keyUsage allows every use (RFC 5280 §4.2.1.3), which
//     OpenSSL 3, BoringSSL, Go and browsers accept;
//   - subjectAltName: the DNS names and IP addresses of the options (by default DNS:localhost,
//     IP:127.0.0.1, IP:::1); clients match host names against these, not the CN (RFC 6125).
// Nothing is written to disk: the caller decides where the PEM goes.

#ifndef H2ENGINE_TLS_SELF_SIGNED_H_
#define H2ENGINE_TLS_SELF_SIGNED_H_

#include <chrono>
#include <string>
#include <vector>

namespace h2engine::tls {

struct SelfSignedOptions {
  std::string common_name = "localhost";
  std::vector<std::string> dns_names = {"localhost"};
  // Textual IPv4 or IPv6 addresses.
  std::vector<std::string> ip_addresses = {"127.0.0.1", "::1"};
  std::chrono::seconds backdate = std::chrono::hours(1);
  std::chrono::seconds validity = std::chrono::hours(24 * 30);
};

struct SelfSignedCertificate {
  std::string certificate_pem;  // One "CERTIFICATE" block.
  std::string private_key_pem;  // One PKCS #8 "PRIVATE KEY" block, unencrypted.
};

// GenerateSelfSignedCertificate makes a new key and certificate as described above. Returns
// false with *out_error set if an option is invalid (no names at all, an empty or over-long
// name, an unparsable IP address, a non-positive validity) or BoringSSL fails.
[[nodiscard]] bool GenerateSelfSignedCertificate(const SelfSignedOptions& options,
                                                 SelfSignedCertificate* out,
                                                 std::string* out_error);

}  // namespace h2engine::tls

#endif  // H2ENGINE_TLS_SELF_SIGNED_H_
