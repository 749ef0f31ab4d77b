#include "h2/testing/connection_harness.h"

#include <algorithm>

namespace h2engine::h2::testing {

ConnectionHarness::ConnectionHarness(Perspective perspective, ConnectionOptions options)
    : perspective_(perspective) {
  options.measure_rtt = false;
  Reset(options);
}

void ConnectionHarness::Reset(ConnectionOptions options, uint32_t peer_header_table_size) {
  options.perspective = perspective_;
  options_ = options;
  conn_.reset();
  visitor_ = std::make_unique<RecordingVisitor>();
  conn_ = std::make_unique<Connection>(options_, visitor_.get());
  visitor_->connection = conn_.get();
  log_ = std::make_unique<FrameLog>(perspective_ == Perspective::kClient, peer_header_table_size);
  peer_ = FrameSequence();
}

size_t ConnectionHarness::Feed(std::string_view bytes) {
  return conn_->ProcessInput(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
      now_);
}

std::vector<std::string> ConnectionHarness::Output(size_t write_size) {
  std::vector<std::string> out;
  for (int guard = 0; guard < 100000; ++guard) {
    std::span<const uint8_t> pending = conn_->PendingOutput();
    if (pending.empty()) break;
    const size_t n = std::min(pending.size(), write_size);
    std::vector<std::string> frames = log_->Feed(pending.first(n));
    conn_->ConsumeOutput(n);
    out.insert(out.end(), frames.begin(), frames.end());
  }
  return out;
}

void ConnectionHarness::Handshake(const std::vector<Setting>& settings) {
  if (perspective_ == Perspective::kServer) {
    peer_.ClientPreface(settings);
  } else {
    peer_.ServerPreface(settings);
  }
  peer_.SettingsAck();
  Feed(peer_.Take());
  Output();
  Events();
}

std::string ConnectionHarness::Problems() const {
  if (!log_->error().empty()) return "output: " + log_->error();
  if (!visitor_->violation().empty()) return "visitor: " + visitor_->violation();
  return "";
}

}  // namespace h2engine::h2::testing
