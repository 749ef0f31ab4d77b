// SniffProtocol: which protocol a client speaks, from its first bytes, so one port can serve
// TLS, HTTP/2 with prior knowledge and HTTP/1.1.
//
//   - 0x16 (a TLS handshake record, RFC 8446 §5.1) followed by major version 3: TLS. What is
//     inside (h2 or http/1.1) is ALPN's business after the handshake.
//   - the 24-byte client connection preface "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" (RFC 9113 §3.4):
//     h2c with prior knowledge.
//   - anything else: HTTP/1.1 (whose parser rejects what is not HTTP).
//
// kNeedMoreData while the bytes seen so far are a proper prefix of the preface (or a lone
// 0x16), so a client that sends its preface in pieces is still recognised. Pure and cheap: the
// connection calls it on every read until it decides.

#ifndef H2ENGINE_SERVER_PROTOCOL_SNIFF_H_
#define H2ENGINE_SERVER_PROTOCOL_SNIFF_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace h2engine::server {

enum class SniffResult : uint8_t {
  kNeedMoreData,
  kTls,
  kH2PriorKnowledge,
  kHttp1,
};

inline constexpr std::string_view kH2ClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

SniffResult SniffProtocol(std::span<const uint8_t> first_bytes);
const char* SniffResultName(SniffResult result);

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_PROTOCOL_SNIFF_H_
