// FrameLog: decodes what a connection sent (its PendingOutput bytes) into frames with decoded
// header blocks, and a one-line summary per frame that tests compare exactly:
//
//   SETTINGS MAX_CONCURRENT_STREAMS=100 MAX_HEADER_LIST_SIZE=65536
//   SETTINGS ACK
//   HEADERS 1 ES [:status=200 content-length=0]        (+2CONT when CONTINUATIONs followed)
//   DATA 1 ES len=5
//   RST_STREAM 1 PROTOCOL_ERROR
//   PING 0x0000000000000001      PING ACK 0x...
//   GOAWAY last=3 PROTOCOL_ERROR
//   WINDOW_UPDATE 0 +32768
//
// A header block is summarised once, on the frame that ends it. The log keeps its own HPACK
// decoder, so feed it everything one connection sent, in order. Anything a correct sender
// would never produce (a frame error, an HPACK error, an interleaved header block, a frame
// above the SETTINGS_MAX_FRAME_SIZE given) is recorded in error().

#ifndef H2ENGINE_H2_TESTING_FRAME_LOG_H_
#define H2ENGINE_H2_TESTING_FRAME_LOG_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h2/frame_decoder.h"
#include "h2/frame_header.h"
#include "h2/frame_listener.h"
#include "h2/protocol.h"
#include "h2/visitor.h"
#include "hpack/decoder.h"

namespace h2engine::h2::testing {

struct ParsedFrame {
  FrameHeader header;
  std::string summary;
  HeaderList headers;          // HEADERS/CONTINUATION ending a block: the decoded fields
  std::string payload;         // DATA payload (padding removed); GOAWAY debug data
  ErrorCode error_code = ErrorCode::kNoError;  // RST_STREAM, GOAWAY
  StreamId last_stream_id = 0;                 // GOAWAY
  uint32_t increment = 0;                      // WINDOW_UPDATE
  std::vector<Setting> settings;               // SETTINGS
  uint64_t opaque = 0;                         // PING
};

class FrameLog final : public FrameListener, public hpack::HeaderListener {
 public:
  // `client_preface`: the bytes start with the client connection preface (a client's output).
  // `header_table_size`: the SETTINGS_HEADER_TABLE_SIZE the receiver advertised (the HPACK
  // decoder rejects blocks that use more).
  explicit FrameLog(bool client_preface = false, uint32_t header_table_size = 4096);

  // Feed decodes `bytes` and returns the summaries of the frames it completed.
  std::vector<std::string> Feed(std::span<const uint8_t> bytes);
  std::vector<std::string> Feed(std::string_view bytes) {
    return Feed({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  }

  const std::vector<ParsedFrame>& frames() const { return frames_; }
  // All summaries so far.
  std::vector<std::string> Summaries() const;
  // The first problem found in the bytes, or "".
  const std::string& error() const { return error_; }
  // Body: DATA payloads of stream `id` concatenated.
  std::string Body(StreamId id) const;
  // The peer's (receiver's) SETTINGS_MAX_FRAME_SIZE, for the size check.
  void set_max_frame_size(uint32_t n) { decoder_.set_max_frame_size(n); }

  // FrameListener.
  void OnFrameHeader(const FrameHeader& h) override;
  void OnDataStart(const FrameHeader& h, uint8_t pad_length) override;
  void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) override;
  void OnDataEnd(const FrameHeader& h) override;
  void OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                      const std::optional<PriorityFields>& priority) override;
  void OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length, StreamId promised) override;
  void OnContinuationStart(const FrameHeader& h) override;
  void OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) override;
  void OnHeadersEnd(const FrameHeader& h) override;
  void OnPushPromiseEnd(const FrameHeader& h) override;
  void OnContinuationEnd(const FrameHeader& h) override;
  void OnPriority(const FrameHeader& h, const PriorityFields& priority) override;
  void OnRstStream(const FrameHeader& h, ErrorCode error_code) override;
  void OnSettingsStart(const FrameHeader& h) override;
  void OnSetting(const FrameHeader& h, const Setting& setting) override;
  void OnUnknownSetting(const FrameHeader& h, const Setting& setting) override;
  void OnSettingsEnd(const FrameHeader& h) override;
  void OnSettingsAck(const FrameHeader& h) override;
  void OnPing(const FrameHeader& h, const PingData& data) override;
  void OnPingAck(const FrameHeader& h, const PingData& data) override;
  void OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                std::span<const uint8_t> debug_data) override;
  void OnWindowUpdate(const FrameHeader& h, uint32_t increment) override;
  void OnPriorityUpdate(const FrameHeader& h, StreamId prioritized,
                        std::string_view value) override;
  void OnUnknownEnd(const FrameHeader& h) override;
  void OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                    std::string_view reason) override;
  void OnHeader(std::string_view name, std::string_view value, bool never_indexed) override;

 private:
  void Fail(std::string what);
  void Push(ParsedFrame frame);
  void EndBlock(const FrameHeader& h);

  FrameDecoder decoder_;
  hpack::Decoder hpack_;
  bool expect_preface_;
  size_t preface_matched_ = 0;
  std::vector<ParsedFrame> frames_;
  std::vector<std::string> fresh_;
  std::string error_;
  ParsedFrame current_;
  // Header block state.
  bool in_block_ = false;
  StreamId block_stream_ = 0;
  FrameHeader block_header_;
  int continuations_ = 0;
  HeaderList block_fields_;
  std::map<StreamId, std::string> bodies_;
};

// Hex64 formats an opaque PING value as PING summaries do ("0x0000000000000001").
std::string Hex64(uint64_t v);

}  // namespace h2engine::h2::testing

#endif  // H2ENGINE_H2_TESTING_FRAME_LOG_H_
