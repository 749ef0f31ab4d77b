// ALPN (RFC 7301): the wire list of protocol names, and the server's choice from it.
//
// The wire list is the body of the ProtocolNameList of RFC 7301 §3.1: a sequence of
// ProtocolName entries, each one length byte (1..255) followed by that many bytes. It is what a
// client puts in its ClientHello, what BoringSSL hands to the server's ALPN select callback and
// what SSL_CTX_set_alpn_protos takes. The list itself must not be empty and is at most 65535
// bytes (its length travels in a 16-bit field).
//
// This file is pure: no BoringSSL, no allocation except in EncodeAlpnList and
// ParseAlpnList's output vector. SelectAlpn does not allocate and is what the server's ALPN
// callback runs on every handshake; //fuzz:alpn_fuzzer drives all of it with arbitrary bytes.

#ifndef H2ENGINE_TLS_ALPN_H_
#define H2ENGINE_TLS_ALPN_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h2engine::tls {

// RFC 9113 §3.2 and the IANA ALPN registry.
inline constexpr std::string_view kAlpnHttp2 = "h2";
inline constexpr std::string_view kAlpnHttp11 = "http/1.1";

// kMaxAlpnListSize is the largest wire list: its length is a 16-bit field (RFC 7301 §3.1).
inline constexpr size_t kMaxAlpnListSize = 0xffff;
// kMaxAlpnNameSize is the longest protocol name: its length is one byte.
inline constexpr size_t kMaxAlpnNameSize = 0xff;

enum class [[nodiscard]] AlpnStatus{
    kOk,
    kEmptyList,  // No protocol at all: the list must hold at least one name.
    kEmptyName,  // A length byte of zero: names are 1..255 bytes.
    kTruncated,  // A length byte promises more bytes than the list has left.
    kTooLong,    // The list (or, when encoding, a name) exceeds its length field.
};

// AlpnStatusName returns a short description of `status` for error messages ("ok",
// "empty protocol name", ...). The string is static.
const char* AlpnStatusName(AlpnStatus status);

// ValidateAlpnList checks that `wire` is a well-formed, non-empty ProtocolNameList body.
AlpnStatus ValidateAlpnList(std::span<const uint8_t> wire);

// ParseAlpnList validates `wire` and, on kOk, appends each protocol name to `out` in wire
// order. The views point into `wire` and are valid as long as it is. On any other status
// `out` is left unchanged.
AlpnStatus ParseAlpnList(std::span<const uint8_t> wire, std::vector<std::string_view>* out);

enum class [[nodiscard]] AlpnSelectStatus{
    kSelected,   // *out is the chosen protocol.
    kNoOverlap,  // The client's list is valid but offers none of ours: negotiate no ALPN.
    kMalformed,  // The client's list is not a valid ProtocolNameList body.
};

// SelectAlpn picks the server's protocol (RFC 7301 §3.2): the first entry of `preferences`
// (ours, most preferred first, e.g. {"h2", "http/1.1"}) that the client's wire list offers,
// so our order decides, not the client's. On kSelected, *out views the matching name inside
// `client_wire` (valid as long as `client_wire` is); otherwise *out is left unchanged.
// Comparison is exact and byte-wise (RFC 7301 §3.1: names are opaque octet strings). A
// malformed client list is kMalformed even if a valid prefix would have matched.
AlpnSelectStatus SelectAlpn(std::span<const uint8_t> client_wire,
                            std::span<const std::string> preferences, std::string_view* out);

// EncodeAlpnList writes `protocols` as a ProtocolNameList body into *out (replacing its
// contents). Returns kOk, or kEmptyList if `protocols` is empty, kEmptyName for an empty name,
// kTooLong for a name over 255 bytes or a list over 65535 bytes; *out is unspecified on error.
AlpnStatus EncodeAlpnList(std::span<const std::string> protocols, std::vector<uint8_t>* out);

}  // namespace h2engine::tls

#endif  // H2ENGINE_TLS_ALPN_H_
