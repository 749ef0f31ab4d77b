#include "tls/pem.h"

#include <openssl/bio.h>
#include <openssl/bytestring.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pool.h>
#include <openssl/x509.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>

#include "tls/ssl_error.h"

namespace h2engine::tls::internal {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

// NoPassword is the PEM password callback: we never prompt and never decrypt keys.
int NoPassword(char*, int, int, void*) { return 0; }

bool LooksLikePem(std::string_view pem) {
  return pem.find("-----BEGIN ") != std::string_view::npos;
}

// IsEndOfPem says whether the last queued error is "no (more) PEM block of that type", the
// way PEM_read_bio_* reports the end of its input.
bool IsEndOfPem() {
  const uint32_t err = ERR_peek_last_error();
  return ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
}

// MemBio returns a read-only BIO over `data`, or nullptr if it is too large for BoringSSL's
// int lengths or allocation fails.
bssl::UniquePtr<BIO> MemBio(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) return nullptr;
  return bssl::UniquePtr<BIO>(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

bool ReadPemFile(const std::string& path, std::string_view what, std::string* out,
                 std::string* out_error) {
  std::unique_ptr<FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    const int err = errno;
    *out_error = "cannot read " + std::string(what) + " file '" + path + "': " + std::strerror(err);
    return false;
  }
  out->clear();
  char buf[16384];
  for (;;) {
    const size_t n = std::fread(buf, 1, sizeof(buf), file.get());
    if (n > 0) {
      if (out->size() + n > kMaxPemFileSize) {
        *out_error = std::string(what) + " file '" + path + "' is larger than " +
                     std::to_string(kMaxPemFileSize) + " bytes: not a PEM file";
        return false;
      }
      out->append(buf, n);
    }
    if (n < sizeof(buf)) break;
  }
  if (std::ferror(file.get())) {
    const int err = errno;
    *out_error = "cannot read " + std::string(what) + " file '" + path + "': " + std::strerror(err);
    return false;
  }
  return true;
}

bool ParseCertificatesPem(std::string_view pem, std::string_view source,
                          std::vector<bssl::UniquePtr<X509>>* out, std::string* out_error) {
  ClearSslErrors();
  if (!LooksLikePem(pem)) {
    SetError(out_error, std::string(source) + " is not PEM (no '-----BEGIN' line)");
    return false;
  }
  bssl::UniquePtr<BIO> bio = MemBio(pem);
  if (bio == nullptr) {
    SetError(out_error, "cannot buffer " + std::string(source));
    return false;
  }
  std::vector<bssl::UniquePtr<X509>> certs;
  for (;;) {
    bssl::UniquePtr<X509> cert(PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr));
    if (cert == nullptr) {
      if (IsEndOfPem()) {
        ClearSslErrors();
        break;
      }
      SetError(out_error, std::string(source) + " has a CERTIFICATE block that does not decode");
      return false;
    }
    certs.push_back(std::move(cert));
  }
  if (certs.empty()) {
    *out_error = std::string(source) + " holds no CERTIFICATE block";
    return false;
  }
  for (auto& cert : certs) out->push_back(std::move(cert));
  return true;
}

bool ParsePrivateKeyPem(std::string_view pem, std::string_view source,
                        bssl::UniquePtr<EVP_PKEY>* out, std::string* out_error) {
  ClearSslErrors();
  if (!LooksLikePem(pem)) {
    SetError(out_error, std::string(source) + " is not PEM (no '-----BEGIN' line)");
    return false;
  }
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    *out_error = std::string(source) + " holds an encrypted private key (not supported)";
    return false;
  }
  bssl::UniquePtr<BIO> bio = MemBio(pem);
  if (bio == nullptr) {
    SetError(out_error, "cannot buffer " + std::string(source));
    return false;
  }
  bssl::UniquePtr<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (key == nullptr) {
    if (IsEndOfPem()) {
      ClearSslErrors();
      *out_error = std::string(source) + " holds no PRIVATE KEY block";
    } else {
      SetError(out_error, std::string(source) + " has a private key block that does not decode");
    }
    return false;
  }
  *out = std::move(key);
  return true;
}

bssl::UniquePtr<CRYPTO_BUFFER> ToCryptoBuffer(X509* cert) {
  uint8_t* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) return nullptr;
  bssl::UniquePtr<uint8_t> owned(der);
  return bssl::UniquePtr<CRYPTO_BUFFER>(
      CRYPTO_BUFFER_new(der, static_cast<size_t>(len), /*pool=*/nullptr));
}

}  // namespace h2engine::tls::internal
