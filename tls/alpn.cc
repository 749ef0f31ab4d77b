#include "tls/alpn.h"

#include <cstring>

namespace h2engine::tls {

const char* AlpnStatusName(AlpnStatus status) {
  switch (status) {
    case AlpnStatus::kOk:
      return "ok";
    case AlpnStatus::kEmptyList:
      return "empty protocol list";
    case AlpnStatus::kEmptyName:
      return "empty protocol name";
    case AlpnStatus::kTruncated:
      return "truncated protocol list";
    case AlpnStatus::kTooLong:
      return "protocol list or name too long";
  }
  return "unknown ALPN status";
}

namespace {

// ForEachName walks a ProtocolNameList body, calling fn(name) for each entry until fn returns
// true (stop). It reports the list's validity up to the point where it stopped; a caller that
// needs the whole list validated must not stop early.
template <typename Fn>
AlpnStatus ForEachName(std::span<const uint8_t> wire, Fn fn) {
  if (wire.empty()) return AlpnStatus::kEmptyList;
  if (wire.size() > kMaxAlpnListSize) return AlpnStatus::kTooLong;
  size_t pos = 0;
  while (pos < wire.size()) {
    const size_t len = wire[pos];
    ++pos;
    if (len == 0) return AlpnStatus::kEmptyName;
    if (len > wire.size() - pos) return AlpnStatus::kTruncated;
    const std::string_view name(reinterpret_cast<const char*>(wire.data() + pos), len);
    pos += len;
    if (fn(name)) break;
  }
  return AlpnStatus::kOk;
}

}  // namespace

AlpnStatus ValidateAlpnList(std::span<const uint8_t> wire) {
  return ForEachName(wire, [](std::string_view) { return false; });
}

AlpnStatus ParseAlpnList(std::span<const uint8_t> wire, std::vector<std::string_view>* out) {
  const AlpnStatus status = ValidateAlpnList(wire);
  if (status != AlpnStatus::kOk) return status;
  (void)ForEachName(wire, [out](std::string_view name) {
    out->push_back(name);
    return false;
  });
  return AlpnStatus::kOk;
}

AlpnSelectStatus SelectAlpn(std::span<const uint8_t> client_wire,
                            std::span<const std::string> preferences, std::string_view* out) {
  if (ValidateAlpnList(client_wire) != AlpnStatus::kOk) return AlpnSelectStatus::kMalformed;
  // Both lists are short (a handful of names), so a quadratic scan without allocation is the
  // fastest way; the outer loop over our preferences makes our order win.
  for (const std::string& wanted : preferences) {
    std::string_view found;
    (void)ForEachName(client_wire, [&](std::string_view offered) {
      if (offered == wanted) {
        found = offered;
        return true;
      }
      return false;
    });
    if (!found.empty()) {
      *out = found;
      return AlpnSelectStatus::kSelected;
    }
  }
  return AlpnSelectStatus::kNoOverlap;
}

AlpnStatus EncodeAlpnList(std::span<const std::string> protocols, std::vector<uint8_t>* out) {
  out->clear();
  if (protocols.empty()) return AlpnStatus::kEmptyList;
  for (const std::string& name : protocols) {
    if (name.empty()) return AlpnStatus::kEmptyName;
    if (name.size() > kMaxAlpnNameSize) return AlpnStatus::kTooLong;
    if (out->size() + 1 + name.size() > kMaxAlpnListSize) return AlpnStatus::kTooLong;
    out->push_back(static_cast<uint8_t>(name.size()));
    out->insert(out->end(), name.begin(), name.end());
  }
  return AlpnStatus::kOk;
}

}  // namespace h2engine::tls
