// Perspective: which end of the connection this endpoint is (RFC 9113 §5.1.1: clients
// initiate odd-numbered streams, servers even-numbered ones; §8.4: only servers push).
//
// h2::Connection is one class for both perspectives; the building blocks that depend on the
// perspective (stream identifiers, the sender rules of some settings) take it as a parameter.

#ifndef H2ENGINE_H2_PERSPECTIVE_H_
#define H2ENGINE_H2_PERSPECTIVE_H_

#include <cstdint>
#include <ostream>

namespace h2engine::h2 {

enum class Perspective : uint8_t { kClient, kServer };

// Peer returns the other perspective.
constexpr Perspective Peer(Perspective p) {
  return p == Perspective::kClient ? Perspective::kServer : Perspective::kClient;
}

inline std::ostream& operator<<(std::ostream& out, Perspective p) {
  return out << (p == Perspective::kClient ? "client" : "server");
}

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_PERSPECTIVE_H_
