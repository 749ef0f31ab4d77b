// Internal to //tls: reading certificates and private keys from PEM text and files, with
// error messages that say which file and what is wrong ("cannot read certificate file
// 'x.pem': No such file or directory", "... is not PEM", "... holds no CERTIFICATE block").
//
// `source` in every function names the input in messages: a quoted path for files, or a
// description such as "certificate PEM" for strings in memory.

#ifndef H2ENGINE_TLS_PEM_H_
#define H2ENGINE_TLS_PEM_H_

#include <openssl/base.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace h2engine::tls::internal {

// kMaxPemFileSize caps what ReadPemFile reads: certificate chains and keys are a few KiB, so a
// larger file is a mistake (a wrong path, a log file), not something to load into memory.
inline constexpr size_t kMaxPemFileSize = 1 << 20;

// ReadPemFile reads all of `path` into *out. `what` ("certificate", "private key", "CA
// certificate") goes into the error message. Returns false (with *out_error set) if the file
// cannot be opened or read or is larger than kMaxPemFileSize.
bool ReadPemFile(const std::string& path, std::string_view what, std::string* out,
                 std::string* out_error);

// ParseCertificatesPem appends every CERTIFICATE block of `pem`, in order, to *out as
// X509 objects. Other PEM blocks (a private key in the same file) are skipped. Returns false if
// `pem` has no PEM block at all ("not PEM"), no CERTIFICATE block, or a block that does not
// decode to a certificate; *out is unchanged on failure.
bool ParseCertificatesPem(std::string_view pem, std::string_view source,
                          std::vector<bssl::UniquePtr<X509>>* out, std::string* out_error);

// ParsePrivateKeyPem reads the first private key of `pem` ("PRIVATE KEY" (PKCS #8),
// "EC PRIVATE KEY" or "RSA PRIVATE KEY"; other blocks are skipped). Encrypted keys are not
// supported. Returns false with a message if there is none or it does not decode.
bool ParsePrivateKeyPem(std::string_view pem, std::string_view source,
                        bssl::UniquePtr<EVP_PKEY>* out, std::string* out_error);

// ToCryptoBuffer returns the DER encoding of `cert` as a CRYPTO_BUFFER (nullptr on allocation
// failure).
bssl::UniquePtr<CRYPTO_BUFFER> ToCryptoBuffer(X509* cert);

}  // namespace h2engine::tls::internal

#endif  // H2ENGINE_TLS_PEM_H_
