// Fuzzes tls/alpn.h (RFC 7301 ProtocolNameList bodies).
//
// Input layout: byte 0 = n; bytes 1..n (clamped) = a candidate preference list (our side),
// the rest = the client's wire list. Checks, against a naive reference written here:
//   - Validate and Parse agree; a parsed list re-encodes to exactly the input bytes;
//   - every parsed name is 1..255 bytes and lies inside the input;
//   - SelectAlpn picks the first preference the client offers (or reports no overlap /
//     malformed exactly when the reference does), and its view points into the client list;
//   - the default {"h2", "http/1.1"} preferences behave the same way.
// ASan catches any read past the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tls/alpn.h"

namespace {

using h2engine::tls::AlpnSelectStatus;
using h2engine::tls::AlpnStatus;

void Require(bool ok) {
  if (!ok) std::abort();
}

bool Inside(std::string_view view, std::span<const uint8_t> bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(view.data());
  return p >= bytes.data() && p + view.size() <= bytes.data() + bytes.size();
}

// CheckList validates `wire` both ways and returns the names (empty if invalid).
std::vector<std::string_view> CheckList(std::span<const uint8_t> wire, bool* valid) {
  std::vector<std::string_view> names;
  const AlpnStatus status = h2engine::tls::ParseAlpnList(wire, &names);
  Require(status == h2engine::tls::ValidateAlpnList(wire));
  *valid = status == AlpnStatus::kOk;
  if (!*valid) {
    Require(names.empty());
    Require(h2engine::tls::AlpnStatusName(status)[0] != '\0');
    return names;
  }
  std::vector<std::string> owned;
  for (std::string_view name : names) {
    Require(!name.empty() && name.size() <= h2engine::tls::kMaxAlpnNameSize);
    Require(Inside(name, wire));
    owned.emplace_back(name);
  }
  std::vector<uint8_t> reencoded;
  Require(h2engine::tls::EncodeAlpnList(owned, &reencoded) == AlpnStatus::kOk);
  Require(reencoded.size() == wire.size());
  Require(std::equal(reencoded.begin(), reencoded.end(), wire.begin()));
  return names;
}

void CheckSelect(std::span<const uint8_t> client, bool client_valid,
                 const std::vector<std::string_view>& offered,
                 const std::vector<std::string>& preferences) {
  std::string_view chosen = "sentinel";
  const AlpnSelectStatus status = h2engine::tls::SelectAlpn(client, preferences, &chosen);
  if (!client_valid) {
    Require(status == AlpnSelectStatus::kMalformed);
    Require(chosen == "sentinel");
    return;
  }
  // The reference: our order decides.
  const std::string* expected = nullptr;
  for (const std::string& wanted : preferences) {
    for (std::string_view name : offered) {
      if (name == wanted) {
        expected = &wanted;
        break;
      }
    }
    if (expected != nullptr) break;
  }
  if (expected == nullptr) {
    Require(status == AlpnSelectStatus::kNoOverlap);
    Require(chosen == "sentinel");
  } else {
    Require(status == AlpnSelectStatus::kSelected);
    Require(chosen == *expected);
    Require(Inside(chosen, client));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  bool whole_valid = false;
  const std::vector<std::string_view> whole = CheckList(input, &whole_valid);
  CheckSelect(input, whole_valid, whole, {"h2", "http/1.1"});

  if (size < 1) return 0;
  const size_t n = std::min<size_t>(data[0], size - 1);
  const std::span<const uint8_t> ours = input.subspan(1, n);
  const std::span<const uint8_t> client = input.subspan(1 + n);
  bool ours_valid = false;
  bool client_valid = false;
  const std::vector<std::string_view> our_names = CheckList(ours, &ours_valid);
  const std::vector<std::string_view> offered = CheckList(client, &client_valid);
  std::vector<std::string> preferences(our_names.begin(), our_names.end());
  CheckSelect(client, client_valid, offered, preferences);
  return 0;
}
