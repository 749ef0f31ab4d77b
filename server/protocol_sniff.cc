#include "server/protocol_sniff.h"

#include <algorithm>
#include <cstring>

namespace h2engine::server {

SniffResult SniffProtocol(std::span<const uint8_t> in) {
  if (in.empty()) return SniffResult::kNeedMoreData;
  if (in[0] == 0x16) {
    if (in.size() < 2) return SniffResult::kNeedMoreData;
    // TLSPlaintext.legacy_record_version is 0x03XX for every TLS version.
    return in[1] == 0x03 ? SniffResult::kTls : SniffResult::kHttp1;
  }
  size_t n = std::min(in.size(), kH2ClientPreface.size());
  if (std::memcmp(in.data(), kH2ClientPreface.data(), n) == 0) {
    return n == kH2ClientPreface.size() ? SniffResult::kH2PriorKnowledge
                                        : SniffResult::kNeedMoreData;
  }
  return SniffResult::kHttp1;
}

const char* SniffResultName(SniffResult result) {
  switch (result) {
    case SniffResult::kNeedMoreData:
      return "kNeedMoreData";
    case SniffResult::kTls:
      return "kTls";
    case SniffResult::kH2PriorKnowledge:
      return "kH2PriorKnowledge";
    case SniffResult::kHttp1:
      return "kHttp1";
  }
  return "?";
}

}  // namespace h2engine::server
