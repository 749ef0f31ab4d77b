// HTTP/2 settings: the values of RFC 9113 §6.5.2, RFC 8441 §3 (SETTINGS_ENABLE_CONNECT_PROTOCOL)
// and RFC 9218 §2.1 (SETTINGS_NO_RFC7540_PRIORITIES), their defaults and validation, and the
// queue of settings we sent and await acknowledgement for (§6.5.3).
//
// Settings holds one endpoint's values. Apply() takes the entries of a SETTINGS frame one at
// a time, in order (§6.5.3: "processed in the order they appear"), ignores unknown
// identifiers (§6.5.2) and returns the connection error an invalid value calls for:
//   SETTINGS_ENABLE_PUSH not 0 or 1 -> PROTOCOL_ERROR (§6.5.2); 1 from a server ->
//     PROTOCOL_ERROR (§6.5.2, ApplyFrom only)
//   SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1 -> FLOW_CONTROL_ERROR (§6.5.2)
//   SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1 -> PROTOCOL_ERROR (§6.5.2)
//   SETTINGS_ENABLE_CONNECT_PROTOCOL not 0 or 1, or 0 after 1 -> PROTOCOL_ERROR (RFC 8441 §3
//     says the value MUST be 0 or 1 and a sender MUST NOT go back to 0; the code is §5.4's
//     generic one)
//   SETTINGS_NO_RFC7540_PRIORITIES not 0 or 1 -> PROTOCOL_ERROR (RFC 9218 §2.1)
// Applying a SETTINGS frame's effects (resizing windows by the SETTINGS_INITIAL_WINDOW_SIZE
// delta, §6.9.2; the HPACK encoder's table size, RFC 7541 §4.2) is the connection's job.
//
// PendingSettings tracks our side: what the peer has acknowledged, what is in flight, and
// when an acknowledgement is overdue. Our values bind the peer only once it has applied them,
// which an ACK proves (§6.5.3); see Permissive() for what to enforce meanwhile.

#ifndef H2ENGINE_H2_SETTINGS_H_
#define H2ENGINE_H2_SETTINGS_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>

#include "h2/perspective.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

// Every setting Settings knows, in identifier order.
inline constexpr std::array<SettingsId, 8> kKnownSettings = {
    SettingsId::kHeaderTableSize,       SettingsId::kEnablePush,
    SettingsId::kMaxConcurrentStreams,  SettingsId::kInitialWindowSize,
    SettingsId::kMaxFrameSize,          SettingsId::kMaxHeaderListSize,
    SettingsId::kEnableConnectProtocol, SettingsId::kNoRfc7540Priorities,
};

struct Settings {
  // "Initially, there is no limit" (§6.5.2) for MAX_CONCURRENT_STREAMS and
  // MAX_HEADER_LIST_SIZE: the largest value the field can carry.
  static constexpr uint32_t kUnlimited = 0xffffffff;

  // The initial values of RFC 9113 §6.5.2, RFC 8441 §3 and RFC 9218 §2.1.
  uint32_t header_table_size = kDefaultHeaderTableSize;  // 4,096
  bool enable_push = true;  // 1; a server's own value has no effect (§6.5.2)
  uint32_t max_concurrent_streams = kUnlimited;
  uint32_t initial_window_size = kDefaultInitialWindowSize;  // 65,535
  uint32_t max_frame_size = kDefaultMaxFrameSize;            // 16,384
  uint32_t max_header_list_size = kUnlimited;
  bool enable_connect_protocol = false;
  bool no_rfc7540_priorities = false;

  // Apply validates one setting and stores it: kNoError (also for unknown identifiers, which
  // are ignored), or the code of the connection error the value calls for (see the header
  // comment), in which case nothing changes.
  [[nodiscard]] ErrorCode Apply(SettingsId id, uint32_t value);

  // ApplyFrom is Apply plus the rule that depends on the sender: a server MUST NOT set
  // SETTINGS_ENABLE_PUSH to 1, and a client MUST treat it as PROTOCOL_ERROR (§6.5.2).
  [[nodiscard]] ErrorCode ApplyFrom(Perspective sender, SettingsId id, uint32_t value);

  // Get returns the value of a known setting as it is carried on the wire, or nullopt.
  std::optional<uint32_t> Get(SettingsId id) const;

  friend bool operator==(const Settings&, const Settings&) = default;
};

std::ostream& operator<<(std::ostream& out, const Settings& s);

struct PendingSettingsOptions {
  // How long the peer has to acknowledge a SETTINGS frame before AckOverdue() (§6.5.3 leaves
  // "a reasonable amount of time" to us; allow for processing delays, not just the RTT).
  std::chrono::nanoseconds ack_timeout = std::chrono::seconds(10);
  // How many SETTINGS frames may await acknowledgement at once (1..64).
  size_t max_outstanding = 8;
};

// PendingSettings: our settings as acknowledged by the peer, and the SETTINGS frames sent and
// not yet acknowledged, oldest first. Fixed memory, allocated at construction.
class PendingSettings {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit PendingSettings(Perspective local, const PendingSettingsOptions& options = {});

  // acked: the values the peer has applied for sure (RFC defaults until the first ACK).
  const Settings& acked() const { return acked_; }
  // latest: the values of the newest frame sent (acked() if none is outstanding). The next
  // frame needs to carry only the settings whose value differs from these.
  const Settings& latest() const;
  size_t outstanding() const { return count_; }

  // Permissive: what to enforce on the peer while frames are in flight. Until it applies a
  // frame, the peer may follow the older values; once it has (before we see the ACK), the
  // newer ones. So for each limit the most permissive value among acked() and every
  // outstanding frame: the largest size or count, push allowed if any allows it (§6.5.2: a
  // PUSH_PROMISE is an error only once ENABLE_PUSH=0 is acknowledged), extended CONNECT if
  // any announced it. no_rfc7540_priorities is latest()'s.
  Settings Permissive() const;

  // Push records a SETTINGS frame we are about to send, carrying the values of `next` (only
  // those that differ from latest() need to go in it). Returns kNoError; or the connection
  // error the peer would answer an invalid value with (checked as ApplyFrom(local, ...) does
  // against latest(); also a change of SETTINGS_NO_RFC7540_PRIORITIES after the first frame,
  // which RFC 9218 §2.1 forbids); or kInternalError when max_outstanding frames already await
  // their ACK. On error nothing is recorded and nothing should be sent.
  [[nodiscard]] ErrorCode Push(const Settings& next, TimePoint now);

  // OnAck handles a SETTINGS frame with the ACK flag: the oldest outstanding frame becomes
  // acked() (§6.5.3: ACKs come in order). kProtocolError if nothing was outstanding (an ACK
  // nobody asked for). Copy acked() first to see what changed (e.g. the initial window size
  // delta for ReceiveWindow::ApplyInitialWindowDelta).
  [[nodiscard]] ErrorCode OnAck();

  // AckOverdue is true when the oldest outstanding frame was sent ack_timeout or more before
  // `now`: the connection may close with SETTINGS_TIMEOUT (§6.5.3).
  bool AckOverdue(TimePoint now) const;
  // NextDeadline: when AckOverdue() will become true, or nullopt if nothing is outstanding.
  std::optional<TimePoint> NextDeadline() const;

 private:
  struct Sent {
    Settings values;
    TimePoint sent_at;
  };
  const Sent& At(size_t i) const { return ring_[(head_ + i) % capacity_]; }

  Perspective local_;
  std::chrono::nanoseconds ack_timeout_;
  size_t capacity_;
  std::unique_ptr<Sent[]> ring_;
  size_t head_ = 0;   // oldest outstanding
  size_t count_ = 0;  // outstanding frames
  bool any_sent_ = false;
  Settings acked_;
};

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_SETTINGS_H_
