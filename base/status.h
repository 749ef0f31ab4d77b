// Status types shared by every resumable decoder in h2engine.
//
// A decoder fed a buffer either finishes the unit it was decoding (kDone), runs out of input
// before finishing it and keeps enough state to resume with the next buffer (kInProgress), or
// finds input it must reject (kError; the decoder says why through its own error enum).

#ifndef H2ENGINE_BASE_STATUS_H_
#define H2ENGINE_BASE_STATUS_H_

#include <ostream>

namespace h2engine {

enum class [[nodiscard]] DecodeStatus {
  kDone,
  kInProgress,
  kError,
};

// DecodeStatusName returns "kDone", "kInProgress" or "kError".
const char* DecodeStatusName(DecodeStatus status);

std::ostream& operator<<(std::ostream& out, DecodeStatus status);

}  // namespace h2engine

#endif  // H2ENGINE_BASE_STATUS_H_
