#include "h2/settings.h"

#include <algorithm>

#include "base/check.h"

namespace h2engine::h2 {

ErrorCode Settings::Apply(SettingsId id, uint32_t value) {
  switch (id) {
    case SettingsId::kHeaderTableSize:
      header_table_size = value;
      return ErrorCode::kNoError;
    case SettingsId::kEnablePush:
      if (value > 1) return ErrorCode::kProtocolError;
      enable_push = value == 1;
      return ErrorCode::kNoError;
    case SettingsId::kMaxConcurrentStreams:
      max_concurrent_streams = value;
      return ErrorCode::kNoError;
    case SettingsId::kInitialWindowSize:
      if (value > kMaxWindowSize) return ErrorCode::kFlowControlError;
      initial_window_size = value;
      return ErrorCode::kNoError;
    case SettingsId::kMaxFrameSize:
      if (value < kDefaultMaxFrameSize || value > kMaxAllowedMaxFrameSize) {
        return ErrorCode::kProtocolError;
      }
      max_frame_size = value;
      return ErrorCode::kNoError;
    case SettingsId::kMaxHeaderListSize:
      max_header_list_size = value;
      return ErrorCode::kNoError;
    case SettingsId::kEnableConnectProtocol:
      if (value > 1 || (enable_connect_protocol && value == 0)) {
        return ErrorCode::kProtocolError;
      }
      enable_connect_protocol = value == 1;
      return ErrorCode::kNoError;
    case SettingsId::kNoRfc7540Priorities:
      if (value > 1) return ErrorCode::kProtocolError;
      no_rfc7540_priorities = value == 1;
      return ErrorCode::kNoError;
  }
  return ErrorCode::kNoError;  // unknown identifiers MUST be ignored (§6.5.2)
}

ErrorCode Settings::ApplyFrom(Perspective sender, SettingsId id, uint32_t value) {
  if (sender == Perspective::kServer && id == SettingsId::kEnablePush && value == 1) {
    return ErrorCode::kProtocolError;
  }
  return Apply(id, value);
}

std::optional<uint32_t> Settings::Get(SettingsId id) const {
  switch (id) {
    case SettingsId::kHeaderTableSize:
      return header_table_size;
    case SettingsId::kEnablePush:
      return enable_push ? 1 : 0;
    case SettingsId::kMaxConcurrentStreams:
      return max_concurrent_streams;
    case SettingsId::kInitialWindowSize:
      return initial_window_size;
    case SettingsId::kMaxFrameSize:
      return max_frame_size;
    case SettingsId::kMaxHeaderListSize:
      return max_header_list_size;
    case SettingsId::kEnableConnectProtocol:
      return enable_connect_protocol ? 1 : 0;
    case SettingsId::kNoRfc7540Priorities:
      return no_rfc7540_priorities ? 1 : 0;
  }
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& out, const Settings& s) {
  out << "{";
  bool first = true;
  for (SettingsId id : kKnownSettings) {
    out << (first ? "" : ", ") << SettingsIdName(id) << "=" << *s.Get(id);
    first = false;
  }
  return out << "}";
}

PendingSettings::PendingSettings(Perspective local, const PendingSettingsOptions& options)
    : local_(local),
      ack_timeout_(options.ack_timeout),
      capacity_(std::clamp<size_t>(options.max_outstanding, 1, 64)),
      ring_(new Sent[capacity_]) {}

const Settings& PendingSettings::latest() const {
  return count_ == 0 ? acked_ : At(count_ - 1).values;
}

Settings PendingSettings::Permissive() const {
  Settings p = acked_;
  for (size_t i = 0; i < count_; ++i) {
    const Settings& s = At(i).values;
    p.header_table_size = std::max(p.header_table_size, s.header_table_size);
    p.enable_push = p.enable_push || s.enable_push;
    p.max_concurrent_streams = std::max(p.max_concurrent_streams, s.max_concurrent_streams);
    p.initial_window_size = std::max(p.initial_window_size, s.initial_window_size);
    p.max_frame_size = std::max(p.max_frame_size, s.max_frame_size);
    p.max_header_list_size = std::max(p.max_header_list_size, s.max_header_list_size);
    p.enable_connect_protocol = p.enable_connect_protocol || s.enable_connect_protocol;
  }
  p.no_rfc7540_priorities = latest().no_rfc7540_priorities;
  return p;
}

ErrorCode PendingSettings::Push(const Settings& next, TimePoint now) {
  if (count_ == capacity_) return ErrorCode::kInternalError;
  const Settings& prev = latest();
  // Validate by applying every value that changes, in identifier order, to a copy of the
  // previous values: the same checks the peer will make.
  Settings check = prev;
  for (SettingsId id : kKnownSettings) {
    const uint32_t value = *next.Get(id);
    if (value == *prev.Get(id)) continue;
    if (id == SettingsId::kNoRfc7540Priorities && any_sent_) return ErrorCode::kProtocolError;
    const ErrorCode error = check.ApplyFrom(local_, id, value);
    if (error != ErrorCode::kNoError) return error;
  }
  H2_DCHECK(check == next);
  ring_[(head_ + count_) % capacity_] = Sent{next, now};
  ++count_;
  any_sent_ = true;
  return ErrorCode::kNoError;
}

ErrorCode PendingSettings::OnAck() {
  if (count_ == 0) return ErrorCode::kProtocolError;
  acked_ = ring_[head_].values;
  head_ = (head_ + 1) % capacity_;
  --count_;
  return ErrorCode::kNoError;
}

bool PendingSettings::AckOverdue(TimePoint now) const {
  return count_ > 0 && now - At(0).sent_at >= ack_timeout_;
}

std::optional<PendingSettings::TimePoint> PendingSettings::NextDeadline() const {
  if (count_ == 0) return std::nullopt;
  return At(0).sent_at + std::chrono::duration_cast<TimePoint::duration>(ack_timeout_);
}

}  // namespace h2engine::h2
