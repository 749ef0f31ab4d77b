#include "tls/self_signed.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/digest.h>
#include <openssl/ec.h>
#include <openssl/ec_key.h>
#include <openssl/evp.h>
#include <openssl/nid.h>
#include <openssl/obj.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdint>

#include "tls/ssl_error.h"

namespace h2engine::tls {
namespace {

using internal::ClearSslErrors;
using internal::SetError;

// kMaxNameSize bounds SAN entries: a DNS name is at most 253 characters.
constexpr size_t kMaxNameSize = 253;

bool AddConfExtension(X509* cert, int nid, const char* value, std::string* out_error) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  bssl::UniquePtr<X509_EXTENSION> ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (ext == nullptr || !X509_add_ext(cert, ext.get(), -1)) {
    SetError(out_error, std::string("cannot add certificate extension ") + OBJ_nid2sn(nid));
    return false;
  }
  return true;
}

bool AddSubjectAltNames(X509* cert, const SelfSignedOptions& options, std::string* out_error) {
  bssl::UniquePtr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
  if (names == nullptr) {
    SetError(out_error, "out of memory");
    return false;
  }
  for (const std::string& dns : options.dns_names) {
    if (dns.empty() || dns.size() > kMaxNameSize) {
      *out_error = "invalid DNS name '" + dns + "' for the self-signed certificate";
      return false;
    }
    bssl::UniquePtr<ASN1_IA5STRING> value(ASN1_IA5STRING_new());
    bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
    if (value == nullptr || name == nullptr ||
        !ASN1_STRING_set(value.get(), dns.data(), static_cast<int>(dns.size()))) {
      SetError(out_error, "out of memory");
      return false;
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, value.release());
    if (!bssl::PushToStack(names.get(), std::move(name))) {
      SetError(out_error, "out of memory");
      return false;
    }
  }
  for (const std::string& ip : options.ip_addresses) {
    bssl::UniquePtr<ASN1_OCTET_STRING> value(a2i_IPADDRESS(ip.c_str()));
    if (value == nullptr) {
      ClearSslErrors();
      *out_error = "invalid IP address '" + ip + "' for the self-signed certificate";
      return false;
    }
    bssl::UniquePtr<GENERAL_NAME> name(GENERAL_NAME_new());
    if (name == nullptr) {
      SetError(out_error, "out of memory");
      return false;
    }
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, value.release());
    if (!bssl::PushToStack(names.get(), std::move(name))) {
      SetError(out_error, "out of memory");
      return false;
    }
  }
  // Non-critical: the subject is not empty (RFC 5280 §4.2.1.6).
  if (!X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), /*crit=*/0, X509V3_ADD_DEFAULT)) {
    SetError(out_error, "cannot add subjectAltName");
    return false;
  }
  return true;
}

bool SetRandomSerial(X509* cert, std::string* out_error) {
  uint8_t bytes[16];
  RAND_bytes(bytes, sizeof(bytes));
  // RFC 5280 §4.1.2.2: positive, at most 20 octets. Clearing the top bit keeps the DER INTEGER
  // positive; setting the next one keeps it at full length and non-zero.
  bytes[0] = static_cast<uint8_t>((bytes[0] & 0x7f) | 0x40);
  bssl::UniquePtr<BIGNUM> bn(BN_bin2bn(bytes, sizeof(bytes), nullptr));
  bssl::UniquePtr<ASN1_INTEGER> serial(bn ? BN_to_ASN1_INTEGER(bn.get(), nullptr) : nullptr);
  if (serial == nullptr || !X509_set_serialNumber(cert, serial.get())) {
    SetError(out_error, "cannot set the serial number");
    return false;
  }
  return true;
}

bool ToPem(BIO* bio, std::string* out) {
  const uint8_t* data = nullptr;
  size_t len = 0;
  if (!BIO_mem_contents(bio, &data, &len)) return false;
  out->assign(reinterpret_cast<const char*>(data), len);
  return true;
}

}  // namespace

bool GenerateSelfSignedCertificate(const SelfSignedOptions& options, SelfSignedCertificate* out,
                                   std::string* out_error) {
  ClearSslErrors();
  if (options.dns_names.empty() && options.ip_addresses.empty()) {
    *out_error = "a self-signed certificate needs at least one DNS name or IP address";
    return false;
  }
  if (options.common_name.empty() || options.common_name.size() > 64) {
    // 64 is the upper bound of ub-common-name (RFC 5280 Appendix A).
    *out_error = "the common name must be 1..64 characters";
    return false;
  }
  if (options.validity.count() <= 0 || options.backdate.count() < 0) {
    *out_error = "the validity must be positive and the backdate not negative";
    return false;
  }

  bssl::UniquePtr<EC_KEY> ec_key(EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
  bssl::UniquePtr<EVP_PKEY> key(EVP_PKEY_new());
  if (ec_key == nullptr || key == nullptr || !EC_KEY_generate_key(ec_key.get()) ||
      !EVP_PKEY_set1_EC_KEY(key.get(), ec_key.get())) {
    SetError(out_error, "cannot generate an EC P-256 key");
    return false;
  }

  bssl::UniquePtr<X509> cert(X509_new());
  if (cert == nullptr || !X509_set_version(cert.get(), X509_VERSION_3)) {
    SetError(out_error, "cannot create a certificate");
    return false;
  }
  if (!SetRandomSerial(cert.get(), out_error)) return false;
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()),
                       -static_cast<long>(options.backdate.count())) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert.get()),
                       static_cast<long>(options.validity.count()))) {
    SetError(out_error, "cannot set the validity period");
    return false;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                  reinterpret_cast<const uint8_t*>(options.common_name.data()),
                                  static_cast<int>(options.common_name.size()), -1, 0) ||
      !X509_set_issuer_name(cert.get(), name) || !X509_set_pubkey(cert.get(), key.get())) {
    SetError(out_error, "cannot set the subject, issuer or public key");
    return false;
  }
  if (!AddConfExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE", out_error) ||
      !AddConfExtension(cert.get(), NID_ext_key_usage, "serverAuth", out_error) ||
      !AddConfExtension(cert.get(), NID_subject_key_identifier, "hash", out_error) ||
      !AddSubjectAltNames(cert.get(), options, out_error)) {
    return false;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    SetError(out_error, "cannot sign the certificate");
    return false;
  }

  bssl::UniquePtr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  bssl::UniquePtr<BIO> key_bio(BIO_new(BIO_s_mem()));
  if (cert_bio == nullptr || key_bio == nullptr ||
      !PEM_write_bio_X509(cert_bio.get(), cert.get()) ||
      !PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
      !ToPem(cert_bio.get(), &out->certificate_pem) ||
      !ToPem(key_bio.get(), &out->private_key_pem)) {
    SetError(out_error, "cannot write the certificate or key as PEM");
    return false;
  }
  return true;
}

}  // namespace h2engine::tls
