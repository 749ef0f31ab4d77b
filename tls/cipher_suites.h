// HTTP/2's TLS 1.2 cipher-suite rules (RFC 9113 §9.2.2 and Appendix A).
//
// IsCipherSuiteBlockedForHttp2 answers, for a negotiated TLS 1.2 cipher suite, whether RFC 9113
// Appendix A lists it, in which case the connection layer MAY end the connection with
// INADEQUATE_SECURITY (§9.2.2) and MUST NOT do so for any suite not listed. The list is exactly
// Appendix A (276 code points), not a rule of thumb: suites added to the registry later are not
// on it even when they share the listed suites' weaknesses.
//
// TLS 1.3 suites (0x1301...) are never on the list: §9.2.2 applies to TLS 1.2 only.
//
// kHttp2Tls12CipherList is what ServerContext configures for TLS 1.2: ECDHE key exchange with
// an AEAD (AES-GCM, ChaCha20-Poly1305), none of which is on the list, and which includes the
// suite §9.2.2 makes mandatory (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, with P-256).

#ifndef H2ENGINE_TLS_CIPHER_SUITES_H_
#define H2ENGINE_TLS_CIPHER_SUITES_H_

#include <cstddef>
#include <cstdint>

namespace h2engine::tls {

// IsCipherSuiteBlockedForHttp2 returns true iff `cipher_suite_id` (the 16-bit IANA code
// point, e.g. 0x002F for TLS_RSA_WITH_AES_128_CBC_SHA) is listed in RFC 9113 Appendix A.
bool IsCipherSuiteBlockedForHttp2(uint16_t cipher_suite_id);

// BlockedCipherSuiteName returns the IANA name of a suite listed in RFC 9113 Appendix A, or
// nullptr if `cipher_suite_id` is not listed. The string is static.
const char* BlockedCipherSuiteName(uint16_t cipher_suite_id);

// BlockedCipherSuiteCount returns the number of suites in RFC 9113 Appendix A (276).
size_t BlockedCipherSuiteCount();

// kHttp2Tls12CipherList is a BoringSSL cipher string naming only TLS 1.2 suites that are not
// on the Appendix A list, in preference order (the server's order wins: ServerContext sets
// SSL_OP_CIPHER_SERVER_PREFERENCE). BoringSSL's equal-preference groups ([a|b]) let a client
// without AES hardware pick ChaCha20 over AES-GCM.
inline constexpr const char kHttp2Tls12CipherList[] =
    "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]:"
    "[ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305]:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384";

}  // namespace h2engine::tls

#endif  // H2ENGINE_TLS_CIPHER_SUITES_H_
