#include "h2/testing/recording_visitor.h"

#include "h2/testing/frame_log.h"

namespace h2engine::h2::testing {

std::string FormatHeaders(const HeaderList& headers) {
  std::string s = "[";
  for (size_t i = 0; i < headers.size(); ++i) {
    if (i > 0) s += " ";
    s += headers[i].name + "=" + headers[i].value;
  }
  return s + "]";
}

std::vector<std::string> RecordingVisitor::Take() {
  std::vector<std::string> out;
  out.swap(fresh_);
  last_data_stream_ = 0;
  return out;
}

std::string RecordingVisitor::Body(StreamId id) const {
  auto it = bodies_.find(id);
  return it == bodies_.end() ? std::string() : it->second;
}

const HeaderList* RecordingVisitor::LastHeaders(StreamId id) const {
  auto it = last_headers_.find(id);
  return it == last_headers_.end() ? nullptr : &it->second;
}

void RecordingVisitor::Add(std::string event) {
  last_data_stream_ = 0;
  fresh_.push_back(event);
  all_.push_back(std::move(event));
}

void RecordingVisitor::Check(StreamId id, const char* what) {
  if (finished_) Violation(std::string(what) + " after OnConnectionError");
  if (closed_.count(id)) Violation(std::string(what) + " on closed stream " + std::to_string(id));
}

void RecordingVisitor::OnHeaders(StreamId id, HeadersKind kind, const HeaderList& headers,
                                 bool end_stream) {
  Check(id, "OnHeaders");
  if (ended_.count(id)) Violation("OnHeaders after OnEndStream on " + std::to_string(id));
  Add("headers " + std::to_string(id) + " " + std::string(HeadersKindName(kind)) +
      (end_stream ? " ES " : " ") + FormatHeaders(headers));
  last_headers_[id] = headers;
  if (on_headers) on_headers(id, kind, headers, end_stream);
}

void RecordingVisitor::OnData(StreamId id, std::span<const uint8_t> data) {
  Check(id, "OnData");
  if (ended_.count(id)) Violation("OnData after OnEndStream on " + std::to_string(id));
  if (data.empty()) Violation("empty OnData");
  bodies_[id].append(reinterpret_cast<const char*>(data.data()), data.size());
  if (last_data_stream_ == id && !fresh_.empty()) {
    last_data_length_ += data.size();
    fresh_.back() = "data " + std::to_string(id) + " len=" + std::to_string(last_data_length_);
    all_.back() = fresh_.back();
  } else {
    Add("data " + std::to_string(id) + " len=" + std::to_string(data.size()));
    last_data_stream_ = id;
    last_data_length_ = data.size();
  }
  if (auto_consume && connection != nullptr) connection->ConsumeData(id, data.size());
  if (on_data) on_data(id, data);
}

void RecordingVisitor::OnEndStream(StreamId id) {
  Check(id, "OnEndStream");
  if (!ended_.insert(id).second) Violation("OnEndStream twice on " + std::to_string(id));
  Add("end_stream " + std::to_string(id));
  if (on_end_stream) on_end_stream(id);
}

void RecordingVisitor::OnStreamClosed(StreamId id, ErrorCode code) {
  Check(id, "OnStreamClosed");
  closed_.insert(id);
  close_codes_[id] = code;
  Add("closed " + std::to_string(id) + " " + std::string(ErrorCodeName(code)));
  if (on_closed) on_closed(id, code);
}

void RecordingVisitor::OnGoAway(StreamId last_stream_id, ErrorCode code, std::string_view debug) {
  if (finished_) Violation("OnGoAway after OnConnectionError");
  Add("goaway last=" + std::to_string(last_stream_id) + " " + std::string(ErrorCodeName(code)) +
      " \"" + std::string(debug) + "\"");
}

void RecordingVisitor::OnPeerSettings(const Settings&) {
  if (finished_) Violation("OnPeerSettings after OnConnectionError");
  if (record_peer_settings) Add("peer_settings");
}

void RecordingVisitor::OnPingAck(uint64_t opaque, std::chrono::nanoseconds) {
  Add("ping_ack " + Hex64(opaque));
}

void RecordingVisitor::OnConnectionError(ErrorCode code, std::string_view reason) {
  if (finished_) Violation("OnConnectionError twice");
  finished_ = true;
  finish_code_ = code;
  Add("finished " + std::string(ErrorCodeName(code)) + " \"" + std::string(reason) + "\"");
}

}  // namespace h2engine::h2::testing
