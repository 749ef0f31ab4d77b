#include "h2/stream_ids.h"

#include "base/check.h"

namespace h2engine::h2 {

StreamIds::StreamIds(Perspective local, const StreamIdsOptions& options)
    : local_(local),
      first_local_(options.first_local_stream_id),
      closed_(options.closed_streams_remembered) {
  const StreamId natural = local == Perspective::kClient ? 1 : 2;
  if (first_local_ == 0 || H2_BUG_IF(!IsLocallyInitiated(first_local_))) first_local_ = natural;
}

StreamStateMachine StreamIds::Lookup(StreamId id) const {
  if (H2_BUG_IF(id == 0 || id > kMaxStreamId)) {
    return StreamStateMachine::ForClosed(CloseCause::kForgotten);
  }
  const StreamId highest = IsLocallyInitiated(id) ? last_local_ : last_peer_;
  if (id > highest) return StreamStateMachine();
  return StreamStateMachine::ForClosed(closed_.Find(id));  // kNone becomes kForgotten
}

ErrorCode StreamIds::RecordPeerId(StreamId id) {
  if (id == 0 || id > kMaxStreamId || IsLocallyInitiated(id) || id <= last_peer_) {
    return ErrorCode::kProtocolError;
  }
  last_peer_ = id;
  return ErrorCode::kNoError;
}

ErrorCode StreamIds::OnPeerOpened(StreamId id) {
  // Only clients open streams with HEADERS; a server's streams start reserved (§5.1 idle).
  if (local_ == Perspective::kClient) return ErrorCode::kProtocolError;
  return RecordPeerId(id);
}

ErrorCode StreamIds::OnPeerReserved(StreamId promised_id) {
  // Only servers push (§8.4).
  if (local_ == Perspective::kServer) return ErrorCode::kProtocolError;
  return RecordPeerId(promised_id);
}

std::optional<StreamId> StreamIds::AllocateLocal() {
  const StreamId next = last_local_ == 0 ? first_local_ : last_local_ + 2;
  if (next > kMaxStreamId) return std::nullopt;
  last_local_ = next;
  return next;
}

}  // namespace h2engine::h2
