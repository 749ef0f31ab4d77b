// Assertion macros for h2engine.
//
//   H2_CHECK(cond)        always on; aborts with file:line and the condition. Use only where
//                         going on would be memory-unsafe.
//   H2_DCHECK(cond)       debug builds only (compiled out under NDEBUG, the condition is not
//                         evaluated). Use densely on hot paths to state invariants.
//   H2_DCHECK_EQ/NE/LE/LT/GE/GT(a, b)
//   H2_BUG_IF(cond)       "impossible" state that the program can survive: evaluates to cond,
//                         logs the condition to stderr, and in debug
//                         builds aborts. Use as `if (H2_BUG_IF(x)) return Recover();`.
//
// No exceptions: base/, hpack/ and h2/ are built with -fno-exceptions.

#ifndef H2ENGINE_BASE_CHECK_H_
#define H2ENGINE_BASE_CHECK_H_

namespace h2engine::internal {

[[noreturn]] void CheckFailed(const char* file, int line, const char* condition);
void BugReported(const char* file, int line, const char* condition);

}  // namespace h2engine::internal

#define H2_PREDICT_FALSE(x) __builtin_expect(!!(x), 0)
#define H2_PREDICT_TRUE(x) __builtin_expect(!!(x), 1)

#define H2_CHECK(cond)                                                  \
  do {                                                                  \
    if (H2_PREDICT_FALSE(!(cond))) {                                    \
      ::h2engine::internal::CheckFailed(__FILE__, __LINE__, #cond);     \
    }                                                                   \
  } while (false)

#ifdef NDEBUG
#define H2_DCHECK(cond) \
  do {                  \
    if (false) {        \
      (void)(cond);     \
    }                   \
  } while (false)
#define H2_DEBUG_ONLY(x)
#else
#define H2_DCHECK(cond) H2_CHECK(cond)
#define H2_DEBUG_ONLY(x) x
#endif

#define H2_DCHECK_EQ(a, b) H2_DCHECK((a) == (b))
#define H2_DCHECK_NE(a, b) H2_DCHECK((a) != (b))
#define H2_DCHECK_LE(a, b) H2_DCHECK((a) <= (b))
#define H2_DCHECK_LT(a, b) H2_DCHECK((a) < (b))
#define H2_DCHECK_GE(a, b) H2_DCHECK((a) >= (b))
#define H2_DCHECK_GT(a, b) H2_DCHECK((a) > (b))

#define H2_BUG_IF(cond)                                                    \
  (H2_PREDICT_FALSE(cond)                                                  \
       ? (::h2engine::internal::BugReported(__FILE__, __LINE__, #cond), true) \
       : false)

#endif  // H2ENGINE_BASE_CHECK_H_
