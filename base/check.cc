#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace h2engine::internal {

void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: H2_CHECK failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();
}

void BugReported(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: H2_BUG: %s\n", file, line, condition);
#ifndef NDEBUG
  std::fflush(stderr);
  std::abort();
#endif
}

}  // namespace h2engine::internal
