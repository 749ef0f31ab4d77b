// Flow-control windows of RFC 9113 §5.2 and §6.9, one object per window: each stream and the
// connection have a SendWindow (the peer's credit for what we send) and a ReceiveWindow (our
// credit for what the peer sends). The connection checks DATA against both levels; these
// classes do the arithmetic, the limits and the decision of when to send WINDOW_UPDATE.
//
// Rules (h2/README.md "Flow control" has the details):
//   - Only DATA is flow-controlled; its whole payload counts, Pad Length and padding included
//     (§6.1, §6.9.1); the 9-octet header does not.
//   - A window never exceeds 2^31-1 (§6.9.1): a WINDOW_UPDATE past it is FLOW_CONTROL_ERROR
//     (a stream error for a stream window, a connection error for the connection's, §6.9);
//     an increment of 0 is PROTOCOL_ERROR (same scopes).
//   - A change of SETTINGS_INITIAL_WINDOW_SIZE moves every stream window by the difference
//     (never the connection window); the result may be negative, and one past 2^31-1 is a
//     connection FLOW_CONTROL_ERROR (§6.9.2).
//   - Receive side: DATA beyond the window is FLOW_CONTROL_ERROR. Credit is returned only for
//     data the application has consumed (back pressure), never merely for data received;
//     when is up to a WindowUpdatePolicy. The default returns credit once half the target
//     window is consumed, and grows the target toward the bandwidth-delay product (§5.2.3).
//
// Time and the RTT are passed in; nothing here reads a clock or allocates.

#ifndef H2ENGINE_H2_FLOW_CONTROL_H_
#define H2ENGINE_H2_FLOW_CONTROL_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "h2/protocol.h"

namespace h2engine::h2 {

// SendWindow: how much DATA we may still send, as granted by the peer (§6.9.1). May be
// negative after the peer lowers SETTINGS_INITIAL_WINDOW_SIZE (§6.9.2).
class SendWindow {
 public:
  explicit SendWindow(int64_t initial = kDefaultInitialWindowSize) : window_(initial) {}

  int64_t available() const { return window_; }
  // Sendable: the largest DATA payload allowed now (0 when the window is 0 or negative).
  uint32_t Sendable() const { return window_ > 0 ? static_cast<uint32_t>(window_) : 0; }

  // Consume records a DATA frame of `length` octets sent (its whole payload, §6.9.1). False,
  // changing nothing, if `length` is more than Sendable(): the sender MUST NOT do that. An
  // empty DATA frame (length 0) is always allowed.
  [[nodiscard]] bool Consume(uint32_t length);

  // OnWindowUpdate applies a WINDOW_UPDATE increment (§6.9): kNoError; kProtocolError for a
  // zero increment; kFlowControlError if the window would exceed 2^31-1 (§6.9.1). On error
  // nothing changes.
  [[nodiscard]] ErrorCode OnWindowUpdate(uint32_t increment);

  // ApplyInitialWindowDelta moves a stream window by the change of the peer's
  // SETTINGS_INITIAL_WINDOW_SIZE (new - old, §6.9.2). kFlowControlError (a connection error),
  // changing nothing, if the window would exceed 2^31-1. Never call it for the connection
  // window.
  [[nodiscard]] ErrorCode ApplyInitialWindowDelta(int64_t delta);

 private:
  int64_t window_;
};

// MaxDataPayload: the largest DATA payload that may be sent on a stream now: the smaller of
// the two windows (§6.9.1) and the peer's SETTINGS_MAX_FRAME_SIZE (§4.2), at least 0.
uint32_t MaxDataPayload(const SendWindow& stream, const SendWindow& connection,
                        uint32_t max_frame_size);

// WindowUpdatePolicy: decides when a ReceiveWindow gives credit back and how large its target
// window grows. Implementations must be stateless (one policy serves many windows) and
// outlive the windows that use them.
class WindowUpdatePolicy {
 public:
  virtual ~WindowUpdatePolicy() = default;

  // NextTarget is asked whenever the application has consumed a whole `target` worth of
  // data since it was last asked; `elapsed` is how long that took, `rtt` the caller's RTT
  // estimate (zero if unknown). Returns the new target; results below `target` are ignored
  // (the window never shrinks) and above 2^31-1 clamped.
  virtual int64_t NextTarget(int64_t target, std::chrono::nanoseconds elapsed,
                             std::chrono::nanoseconds rtt) const = 0;

  // ShouldSendUpdate says whether to return `credit` (> 0) octets now, for a window whose
  // target is `target` and where the peer may still send `window` octets.
  virtual bool ShouldSendUpdate(int64_t target, int64_t window, int64_t credit) const = 0;
};

struct AutoTuneOptions {
  // The target never grows past this (and never past 2^31-1). A value at or below the
  // initial window turns auto-tuning off.
  int64_t max_window = 16 << 20;
  // A window consumed within rtt_multiplier * RTT means the sender is held back by the
  // window, not by the network or the application: the target doubles. A window-limited
  // sender delivers one window per round trip plus queueing and processing delays, hence
  // the slack over one RTT.
  int rtt_multiplier = 2;
  // Credit is returned once at least target / update_divisor octets are consumed (RFC 1122's
  // advice against tiny updates, §6.9.1).
  int update_divisor = 2;
};

// AutoTuningPolicy is the default WindowUpdatePolicy: return credit at half the target;
// double the target, up to max_window, when a whole window is consumed within about one RTT.
class AutoTuningPolicy final : public WindowUpdatePolicy {
 public:
  explicit AutoTuningPolicy(const AutoTuneOptions& options = {});

  int64_t NextTarget(int64_t target, std::chrono::nanoseconds elapsed,
                     std::chrono::nanoseconds rtt) const override;
  bool ShouldSendUpdate(int64_t target, int64_t window, int64_t credit) const override;

  const AutoTuneOptions& options() const { return options_; }

 private:
  AutoTuneOptions options_;
};

// DefaultWindowUpdatePolicy: an AutoTuningPolicy with default options (16 MiB ceiling).
const WindowUpdatePolicy& DefaultWindowUpdatePolicy();

// ReceiveWindow: how much DATA the peer may still send us on one stream or the connection,
// and the credit to give back with WINDOW_UPDATE.
//
// Octets move through three buckets: the peer's window (may still be sent), buffered
// (arrived, not consumed by the application), credit (consumed, not yet returned). Returning
// credit moves it back to the window. The target is the window size we aim for: the initial
// window, grown by the policy. When the target grows, the growth is credit too.
class ReceiveWindow {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // `initial_window` is what the peer assumes (65,535 for the connection, §6.9.2; our
  // SETTINGS_INITIAL_WINDOW_SIZE for a stream); `target` (at least initial_window, at most
  // 2^31-1) the window we want: the difference is credit from the start, returned by
  // UpdateToSend() as soon as the policy agrees (the default: if it is at least half the
  // target), so a connection can open its window wider than 65,535 at once. `policy` must
  // outlive the window.
  explicit ReceiveWindow(int64_t initial_window = kDefaultInitialWindowSize,
                         const WindowUpdatePolicy& policy = DefaultWindowUpdatePolicy());
  ReceiveWindow(int64_t initial_window, int64_t target, const WindowUpdatePolicy& policy);
  // The window keeps a pointer to its policy: temporaries would dangle.
  ReceiveWindow(int64_t, const WindowUpdatePolicy&&) = delete;
  ReceiveWindow(int64_t, int64_t, const WindowUpdatePolicy&&) = delete;

  int64_t window() const { return window_; }
  int64_t target() const { return target_; }
  int64_t buffered() const { return buffered_; }
  int64_t credit() const { return credit_; }

  // OnData records a DATA frame of `length` octets received (its whole payload, padding
  // included, §6.1). kFlowControlError, changing nothing, if it exceeds the window: a stream
  // error for a stream window, a connection error for the connection window. Frames in error
  // or discarded still count against the connection window (§6.9): call OnData and then
  // Consume for them.
  [[nodiscard]] ErrorCode OnData(uint32_t length);

  // Consume records that `bytes` of the buffered octets are done with: the application
  // processed them, or they were padding or discarded. Consuming more than is buffered is a
  // caller bug (reported, and clamped).
  void Consume(size_t bytes);

  // UpdateToSend returns the WINDOW_UPDATE increment to send now, or nullopt. A returned
  // increment is committed (the window grows by it): send it. `now` and `rtt` (zero if
  // unknown) drive auto-tuning; call it after each Consume().
  std::optional<uint32_t> UpdateToSend(TimePoint now, std::chrono::nanoseconds rtt);

  // ApplyInitialWindowDelta moves a stream window by the change of our
  // SETTINGS_INITIAL_WINDOW_SIZE (new - old) once the peer has acknowledged it, which is
  // when the peer applies it (§6.5.3, §6.9.2); the target moves with it (never below 0). The
  // window may become negative (§6.9.3). kFlowControlError, changing nothing, if it would
  // exceed 2^31-1.
  [[nodiscard]] ErrorCode ApplyInitialWindowDelta(int64_t delta);

 private:
  const WindowUpdatePolicy* policy_;
  int64_t window_;
  int64_t target_;
  int64_t buffered_ = 0;
  int64_t credit_ = 0;
  // Auto-tuning: octets consumed since epoch_start_, which is set by the first UpdateToSend()
  // that sees consumption (not counting that consumption), then whenever a whole target has
  // been consumed and the policy asked.
  int64_t epoch_consumed_ = 0;
  bool epoch_started_ = false;
  TimePoint epoch_start_{};
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FLOW_CONTROL_H_
