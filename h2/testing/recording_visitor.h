// RecordingVisitor: a ConnectionVisitor for tests that logs every callback as one line and
// checks the callback contract of h2/visitor.h as it goes (nothing for a stream after its
// OnStreamClosed, nothing at all after OnConnectionError, OnEndStream once, data only between
// headers and end of stream).
//
//   headers 1 request ES [:method=GET :scheme=https :authority=example.test :path=/]
//   data 1 len=5              (consecutive pieces of one stream are merged, so the log does
//                              not depend on how the input was split)
//   end_stream 1
//   closed 1 NO_ERROR
//   goaway last=3 NO_ERROR ""
//   peer_settings
//   ping_ack 0x0000000000000001
//   finished PROTOCOL_ERROR "reason"          (OnConnectionError)
//
// With a connection set and auto_consume, received data is consumed at once (ConsumeData).
// Hooks let a test act inside callbacks (answer a request, reset a stream...).

#ifndef H2ENGINE_H2_TESTING_RECORDING_VISITOR_H_
#define H2ENGINE_H2_TESTING_RECORDING_VISITOR_H_

#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "h2/connection.h"
#include "h2/visitor.h"

namespace h2engine::h2::testing {

class RecordingVisitor : public ConnectionVisitor {
 public:
  // Events since the last Take(), and forgets them (all_events() keeps everything).
  std::vector<std::string> Take();
  const std::vector<std::string>& all_events() const { return all_; }
  // The first contract violation seen, or "".
  const std::string& violation() const { return violation_; }
  std::string Body(StreamId id) const;
  const HeaderList* LastHeaders(StreamId id) const;
  bool finished() const { return finished_; }
  ErrorCode finish_code() const { return finish_code_; }
  const std::set<StreamId>& closed() const { return closed_; }
  const std::map<StreamId, ErrorCode>& close_codes() const { return close_codes_; }

  Connection* connection = nullptr;
  bool auto_consume = true;
  bool record_peer_settings = true;
  std::function<void(StreamId, HeadersKind, const HeaderList&, bool)> on_headers;
  std::function<void(StreamId, std::span<const uint8_t>)> on_data;
  std::function<void(StreamId)> on_end_stream;
  std::function<void(StreamId, ErrorCode)> on_closed;

  void OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers,
                 bool end_stream) override;
  void OnData(StreamId id, std::span<const uint8_t> data) override;
  void OnEndStream(StreamId id) override;
  void OnStreamClosed(StreamId id, ErrorCode code) override;
  void OnGoAway(StreamId last_stream_id, ErrorCode code, std::string_view debug) override;
  void OnPeerSettings(const Settings& settings) override;
  void OnPingAck(uint64_t opaque, std::chrono::nanoseconds rtt) override;
  void OnConnectionError(ErrorCode code, std::string_view reason) override;

 private:
  void Add(std::string event);
  void Check(StreamId id, const char* what);
  void Violation(std::string what) {
    if (violation_.empty()) violation_ = std::move(what);
  }

  std::vector<std::string> fresh_;
  std::vector<std::string> all_;
  std::string violation_;
  std::map<StreamId, std::string> bodies_;
  std::map<StreamId, HeaderList> last_headers_;
  std::set<StreamId> ended_;
  std::set<StreamId> closed_;
  std::map<StreamId, ErrorCode> close_codes_;
  bool finished_ = false;
  ErrorCode finish_code_ = ErrorCode::kNoError;
  StreamId last_data_stream_ = 0;
  size_t last_data_length_ = 0;
};

// FormatHeaders renders fields as "[a=b c=d]".
std::string FormatHeaders(const HeaderList& headers);

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_RECORDING_VISITOR_H_
