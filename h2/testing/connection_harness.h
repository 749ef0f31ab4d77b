// ConnectionHarness: one h2::Connection under test with everything a test needs around it: a
// RecordingVisitor, a FrameSequence for the peer's bytes, a FrameLog of what the connection
// wrote, and a test clock.
//
//   ConnectionHarness h(Perspective::kServer);
//   h.Handshake();                                  // preface + SETTINGS both ways
//   h.Feed(h.peer().Headers(1, RequestHeaders(), true).Take());
//   EXPECT_THAT(h.Events(), ElementsAre("headers 1 request ES [...]", "end_stream 1"));
//   EXPECT_THAT(h.Output(), ElementsAre("HEADERS 1 ..."));
//
// measure_rtt is off by default, so output is exactly what the test provokes.

#ifndef H2ENGINE_H2_TESTING_CONNECTION_HARNESS_H_
#define H2ENGINE_H2_TESTING_CONNECTION_HARNESS_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "h2/connection.h"
#include "h2/testing/frame_log.h"
#include "h2/testing/frame_sequence.h"
#include "h2/testing/recording_visitor.h"

namespace h2engine::h2::testing {

class ConnectionHarness {
 public:
  explicit ConnectionHarness(Perspective perspective, ConnectionOptions options = {});

  // Reset rebuilds the connection with new options (same perspective); the FrameLog decodes
  // with `peer_header_table_size` (what the peer's SETTINGS will advertise).
  void Reset(ConnectionOptions options, uint32_t peer_header_table_size = 4096);

  Connection& conn() { return *conn_; }
  RecordingVisitor& visitor() { return *visitor_; }
  FrameSequence& peer() { return peer_; }
  FrameLog& log() { return *log_; }
  Clock::time_point now() const { return now_; }
  void Advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<Clock::duration>(d); }

  // Feed gives `bytes` to ProcessInput at now() and returns what it consumed.
  size_t Feed(std::string_view bytes);
  // Output drains PendingOutput() (in writes of at most `write_size` bytes) and returns the
  // summaries of the frames written since the last call.
  std::vector<std::string> Output(size_t write_size = SIZE_MAX);
  // Events returns the visitor's events since the last call.
  std::vector<std::string> Events() { return visitor_->Take(); }

  // Handshake: the peer's preface (with `settings`) and its ACK of our SETTINGS; our output
  // and the visitor's events so far are drained and dropped.
  void Handshake(const std::vector<Setting>& settings = {});

  // Checks every test should end with: our output decoded without error and the visitor saw
  // no contract violation. Returns "" or the problem.
  std::string Problems() const;

 private:
  Perspective perspective_;
  ConnectionOptions options_;
  std::unique_ptr<RecordingVisitor> visitor_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<FrameLog> log_;
  FrameSequence peer_;
  Clock::time_point now_ = Clock::time_point() + std::chrono::seconds(1000);
};

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_CONNECTION_HARNESS_H_
