// Limits on legal-but-abusive peer behaviour (RFC 9113 §10.5): floods of frames that each cost
// us work or output although the protocol allows them.
//
// RFC 9113 §10.5: "Implementations SHOULD track the use of these features and set limits on
// their use. An endpoint MAY treat activity that is suspicious as a connection error of type
// ENHANCE_YOUR_CALM." RateLimits counts, per connection, each kind of event in its own token
// bucket (a burst, refilled at a steady rate) and answers with the configured error once a
// bucket is empty:
//   kPeerReset     the peer's RST_STREAM on a stream we had not finished serving: "rapid
//                  reset" (CVE-2023-44487), where a client opens and cancels streams so fast
//                  that MAX_CONCURRENT_STREAMS never limits the work it causes.
//   kPing          PING without ACK: each one must be answered (§6.7).
//   kSettings      SETTINGS without ACK: each one must be applied and acknowledged (§6.5.3).
//   kEmptyData     DATA with no payload and no END_STREAM: costs a frame, carries nothing.
//   kPriority      PRIORITY (§6.3) and PRIORITY_UPDATE (RFC 9218 §7.1): reprioritization work.
//   kTinyWindowUpdate  WINDOW_UPDATE with a tiny increment: makes us send tiny DATA frames.
//   kGlitch        anything else suspicious the connection wants to count: frames on closed
//                  streams it has to discard, stream errors the peer provokes (each costs us
//                  a RST_STREAM), unknown extension frames, ...
// A header block made of many tiny CONTINUATION frames, or a huge one, is limited per block
// (OnHeaderBlockStart / OnContinuation): by the number of CONTINUATION frames and by the
// octets of the block, both checked before anything is decoded or buffered.
//
// Every check is O(1) and allocation-free; time is passed in. A burst of 0 turns a limit off.

#ifndef H2ENGINE_H2_RATE_LIMITS_H_
#define H2ENGINE_H2_RATE_LIMITS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string_view>

#include "h2/protocol.h"

namespace h2engine::h2 {

// TokenBucket: holds up to `burst` tokens, starts full, and gains `per_second` tokens per
// second of the time passed to it (with nanosecond resolution, in integers: no drift). A
// burst of 0 never holds a token.
class TokenBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TokenBucket(uint32_t burst, uint32_t per_second);

  // TryTake refills for the time since the previous call, then takes `n` tokens if that many
  // are there: true, or false taking nothing. The first call starts the clock (full bucket).
  // A `now` earlier than a previous one counts as no time passing.
  [[nodiscard]] bool TryTake(TimePoint now, uint32_t n = 1);

  // Available returns the whole tokens there would be at `now`, without taking any.
  uint32_t Available(TimePoint now) const;

  uint32_t burst() const { return burst_; }
  uint32_t per_second() const { return per_second_; }

 private:
  // The level in nano-tokens (one token is 10^9): refilling adds elapsed nanoseconds times
  // per_second exactly.
  int64_t LevelAt(TimePoint now) const;

  uint32_t burst_;
  uint32_t per_second_;
  int64_t capacity_;  // burst_ * 10^9
  int64_t level_;
  bool started_ = false;
  TimePoint last_{};
};

struct RateLimit {
  uint32_t burst;       // events allowed at once; 0 = no limit
  uint32_t per_second;  // sustained events per second
};

enum class RateLimited : uint8_t {
  kPeerReset,
  kPing,
  kSettings,
  kEmptyData,
  kPriority,
  kTinyWindowUpdate,
  kGlitch,
};
inline constexpr size_t kNumRateLimited = 7;

std::string_view RateLimitedName(RateLimited kind);
std::ostream& operator<<(std::ostream& out, RateLimited kind);

struct RateLimitOptions {
  // Rapid reset: nghttp2's post-CVE-2023-44487 budget is of the same order (1000 at once, 33
  // a second). A browser cancelling a page's requests stays far below it.
  RateLimit peer_resets = {1000, 33};
  RateLimit pings = {100, 10};
  RateLimit settings = {50, 5};
  RateLimit empty_data = {100, 10};
  RateLimit priority = {1000, 100};
  RateLimit tiny_window_updates = {1000, 100};
  RateLimit glitches = {1000, 100};
  // A WINDOW_UPDATE increment below this many octets is "tiny".
  uint32_t tiny_window_update = 1024;
  // Per header block (HEADERS or PUSH_PROMISE and its CONTINUATIONs): at most this many
  // CONTINUATION frames, and at most this many octets of frame payload in all (a compressed
  // block; the decoded size is HPACK's limit, SETTINGS_MAX_HEADER_LIST_SIZE). 0 = no limit.
  uint32_t max_continuation_frames = 64;
  uint32_t max_header_block_bytes = 256 << 10;
  // The connection error to answer with (§10.5).
  ErrorCode error = ErrorCode::kEnhanceYourCalm;
};

// RateLimits: the buckets and the header-block counters of one connection.
class RateLimits {
 public:
  using TimePoint = TokenBucket::TimePoint;

  explicit RateLimits(const RateLimitOptions& options = {});

  // Record counts `count` events of `kind` at `now`: kNoError, or options.error when the
  // bucket has run out (the event is the one too many; the connection sends GOAWAY).
  [[nodiscard]] ErrorCode Record(RateLimited kind, TimePoint now, uint32_t count = 1);

  // OnData counts an empty DATA frame without END_STREAM (kEmptyData); others are free.
  [[nodiscard]] ErrorCode OnData(TimePoint now, uint32_t length, bool end_stream);
  // OnWindowUpdate counts an increment below tiny_window_update (kTinyWindowUpdate).
  [[nodiscard]] ErrorCode OnWindowUpdate(TimePoint now, uint32_t increment);

  // OnHeaderBlockStart starts a header block with its HEADERS/PUSH_PROMISE payload length;
  // OnContinuation adds a CONTINUATION frame's payload length. options.error if the block now
  // has more than max_continuation_frames CONTINUATION frames or max_header_block_bytes.
  [[nodiscard]] ErrorCode OnHeaderBlockStart(uint32_t payload_length);
  [[nodiscard]] ErrorCode OnContinuation(uint32_t payload_length);

  // exceeded_reason says which limit was last exceeded ("" if none), for logs and the GOAWAY
  // debug data: "too many RST_STREAM from the peer (rapid reset)", "too many PING", ...
  std::string_view exceeded_reason() const { return exceeded_reason_; }
  const RateLimitOptions& options() const { return options_; }

 private:
  ErrorCode CheckBlock();

  RateLimitOptions options_;
  std::array<TokenBucket, kNumRateLimited> buckets_;
  std::array<bool, kNumRateLimited> unlimited_;
  uint64_t block_bytes_ = 0;
  uint32_t block_continuations_ = 0;
  std::string_view exceeded_reason_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_RATE_LIMITS_H_
