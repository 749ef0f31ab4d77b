#include "base/status.h"

#include <sstream>

#include "base/check.h"
#include "gtest/gtest.h"

namespace h2engine {
namespace {

TEST(DecodeStatusTest, Names) {
  EXPECT_STREQ(DecodeStatusName(DecodeStatus::kDone), "kDone");
  EXPECT_STREQ(DecodeStatusName(DecodeStatus::kInProgress), "kInProgress");
  EXPECT_STREQ(DecodeStatusName(DecodeStatus::kError), "kError");
  std::ostringstream out;
  out << DecodeStatus::kInProgress;
  EXPECT_EQ(out.str(), "kInProgress");
}

TEST(CheckDeathTest, CheckAbortsWithCondition) {
  int x = 1;
  EXPECT_DEATH(H2_CHECK(x == 2), "H2_CHECK failed: x == 2");
}

TEST(CheckTest, BugIfEvaluatesToCondition) {
  int calls = 0;
  auto falsy = [&] {
    ++calls;
    return false;
  };
  EXPECT_FALSE(H2_BUG_IF(falsy()));
  EXPECT_EQ(calls, 1);
#ifndef NDEBUG
  EXPECT_DEATH((void)H2_BUG_IF(calls == 1), "H2_BUG: calls == 1");
#endif
}

}  // namespace
}  // namespace h2engine
