// FrameSequence: builds the bytes a peer sends, frame by frame, for connection tests and fuzz
// seeds:
//
//   FrameSequence client;
//   client.ClientPreface()
//         .Headers(1, {{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"},
//                      {":path", "/"}}, /*end_stream=*/true);
//   connection.ProcessInput(AsBytes(client.Take()), now);
//
// Header blocks are HPACK-encoded with the sequence's own encoder, so one FrameSequence per
// peer keeps the dynamic table in step with the connection's decoder across Take() calls.
// Frames are written as given, valid or not: a test of a bad frame writes it with Raw*().

#ifndef H2ENGINE_H2_TESTING_FRAME_SEQUENCE_H_
#define H2ENGINE_H2_TESTING_FRAME_SEQUENCE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "h2/frame_header.h"
#include "h2/protocol.h"
#include "hpack/encoder.h"

namespace h2engine::h2::testing {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// A request's pseudo-headers (GET https://example.test/ by default) plus `extra` fields.
HeaderFields RequestHeaders(std::string_view method = "GET", std::string_view path = "/",
                            HeaderFields extra = {});
// A response's :status plus `extra` fields.
HeaderFields ResponseHeaders(std::string_view status = "200", HeaderFields extra = {});

struct HeadersOptions {
  bool end_headers = true;
  std::optional<PriorityFields> priority;
  std::optional<uint8_t> pad_length;
};

class FrameSequence {
 public:
  FrameSequence();

  // ClientPreface: the 24-octet preface and a SETTINGS frame with `settings`.
  FrameSequence& ClientPreface(const std::vector<Setting>& settings = {});
  // ServerPreface: a SETTINGS frame with `settings` (§3.4).
  FrameSequence& ServerPreface(const std::vector<Setting>& settings = {});
  FrameSequence& Settings(const std::vector<Setting>& settings);
  FrameSequence& SettingsAck();
  // Headers: one HEADERS frame carrying the whole encoded block (END_HEADERS unless
  // options.end_headers is false, then follow with Continuation()).
  FrameSequence& Headers(StreamId id, const HeaderFields& fields, bool end_stream,
                         const HeadersOptions& options = {});
  // HeadersInPieces: the block split into a HEADERS frame and CONTINUATION frames of at most
  // `piece` octets each.
  FrameSequence& HeadersInPieces(StreamId id, const HeaderFields& fields, bool end_stream,
                                 size_t piece);
  // A HEADERS frame with a fragment given as bytes (e.g. from EncodeBlock()).
  FrameSequence& HeadersFragment(StreamId id, std::string_view fragment, bool end_stream,
                                 bool end_headers, const HeadersOptions& options = {});
  FrameSequence& Continuation(StreamId id, std::string_view fragment, bool end_headers);
  // EncodeBlock encodes `fields` with this sequence's encoder (the table changes).
  std::string EncodeBlock(const HeaderFields& fields);
  FrameSequence& Data(StreamId id, std::string_view payload, bool end_stream = false,
                      std::optional<uint8_t> pad_length = std::nullopt);
  FrameSequence& RstStream(StreamId id, ErrorCode code);
  FrameSequence& Ping(uint64_t opaque);
  FrameSequence& PingAck(uint64_t opaque);
  FrameSequence& GoAway(StreamId last_stream_id, ErrorCode code, std::string_view debug = {});
  FrameSequence& WindowUpdate(StreamId id, uint32_t increment);
  FrameSequence& Priority(StreamId id, const PriorityFields& priority);
  FrameSequence& PriorityUpdate(StreamId prioritized, std::string_view value);
  FrameSequence& PushPromise(StreamId id, StreamId promised, const HeaderFields& fields);
  // RawFrame: any header and payload, unchecked (the length field is the payload's size
  // unless `length` is given).
  FrameSequence& RawFrame(uint8_t type, uint8_t flags, StreamId id, std::string_view payload,
                          std::optional<uint32_t> length = std::nullopt);
  FrameSequence& Raw(std::string_view bytes);

  // Take returns the bytes built since the last Take() and forgets them.
  std::string Take();
  const std::string& bytes() const { return bytes_; }

 private:
  std::unique_ptr<hpack::Encoder> encoder_;
  std::string bytes_;
};

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_FRAME_SEQUENCE_H_
