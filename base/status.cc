#include "base/status.h"

namespace h2engine {

const char* DecodeStatusName(DecodeStatus status) {
  switch (status) {
    case DecodeStatus::kDone:
      return "kDone";
    case DecodeStatus::kInProgress:
      return "kInProgress";
    case DecodeStatus::kError:
      return "kError";
  }
  return "DecodeStatus(?)";
}

std::ostream& operator<<(std::ostream& out, DecodeStatus status) {
  return out << DecodeStatusName(status);
}

}  // namespace h2engine
