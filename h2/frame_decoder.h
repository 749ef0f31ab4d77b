// FrameDecoder: splits a byte stream into HTTP/2 frames (RFC 9113 §4.1) and reports each to a
// FrameListener (h2/frame_listener.h documents the callbacks and their order), checking the
// frame-level rules of RFC 9113 §4.2 and §6 and of the extension frames ALTSVC (RFC 7838 §4),
// ORIGIN (RFC 8336 §2) and PRIORITY_UPDATE (RFC 9218 §7.1).
//
// It is resumable at any byte boundary, in the style of quiche's Http2FrameDecoder: Decode()
// takes whatever bytes have arrived, a small state enum remembers where it stopped, and the
// next call resumes there. It never buffers a DATA payload or a field block fragment: those are
// handed to the listener as views into the input, piece by piece. The 9 header octets, the
// fixed prefixes (Pad Length, priority fields, promised stream id), each 6-octet setting and the
// payloads of PRIORITY, RST_STREAM, PING, WINDOW_UPDATE, GOAWAY, ALTSVC, ORIGIN and
// PRIORITY_UPDATE are assembled in an internal buffer when the input splits them (views into
// the input otherwise), so that buffer never exceeds max_frame_size() octets.
//
// It does not apply stream rules (states, CONTINUATION sequencing, flow control, which peer may
// send what): the connection does, from the callbacks.
//
// Errors: a connection error is reported once through OnFrameError(); the decoder then stays
// in State::kError and consumes nothing more. A stream error is reported the same way and the
// decoder skips the rest of that frame. Oversized frames are always connection errors (RFC 9113
// §4.2 requires it only for frames that can alter connection state; treating them all alike is
// allowed and keeps the decoder from skipping megabytes on a stream's behalf).

#ifndef H2ENGINE_H2_FRAME_DECODER_H_
#define H2ENGINE_H2_FRAME_DECODER_H_

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "h2/frame_header.h"
#include "h2/frame_listener.h"
#include "h2/protocol.h"

namespace h2engine::h2 {

class FrameDecoder {
 public:
  enum class State : uint8_t {
    kFrameHeader,   // At a frame boundary, or inside the 9 header octets.
    kPrefix,        // Pad Length / priority fields / promised stream id of DATA, HEADERS,
                    // PUSH_PROMISE.
    kPayload,       // Streaming DATA, field block fragments, unknown payloads.
    kPadding,       // Trailing padding.
    kWholePayload,  // Assembling a payload decoded in one piece (PRIORITY, PING, GOAWAY, ...).
    kSettings,      // SETTINGS entries, one at a time.
    kSkipPayload,   // Discarding the rest of a frame after a stream error.
    kError,         // A connection error was reported. Terminal.
    kStopped,       // Stop() was called. Terminal.
  };

  // `listener` must outlive the decoder.
  explicit FrameDecoder(FrameListener* listener);

  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // Decode consumes `input` and reports the frames in it. Returns the number of bytes consumed:
  // all of them, unless a connection error was found or Stop() was called (then the bytes up
  // to that point; later calls consume nothing). A frame may span any number of calls. Never
  // reads outside `input` and keeps no pointer into it after returning.
  [[nodiscard]] size_t Decode(std::span<const uint8_t> input);
  [[nodiscard]] size_t Decode(std::string_view input) {
    return Decode(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
  }

  // The largest frame payload accepted: our SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2, §6.5.2),
  // 16,384 by default. Values outside [2^14, 2^24-1] are clamped into it. Raise it only once
  // the peer has acknowledged the SETTINGS frame that announced the larger value; it applies
  // from the next frame header decoded. It also bounds the internal buffer.
  void set_max_frame_size(uint32_t max_frame_size);
  uint32_t max_frame_size() const { return max_frame_size_; }

  // Stop makes Decode() return at once, before reporting anything more; usable from inside a
  // callback (e.g. when the connection has found a connection error of its own). Terminal:
  // state() becomes kStopped (or stays kError if a connection error came first).
  void Stop();

  State state() const { return state_; }
  // error returns the connection error's code, or kNoError if there was none.
  ErrorCode error() const { return error_; }
  bool HasError() const { return state_ == State::kError; }
  // AtFrameBoundary is true when no frame is partly decoded (nothing buffered, no frame open):
  // a transport that ends here ended cleanly at the frame layer.
  bool AtFrameBoundary() const { return state_ == State::kFrameHeader && buffered_ == 0; }
  // The header of the frame being decoded (or last decoded); meaningful after the first
  // OnFrameHeader.
  const FrameHeader& current_header() const { return header_; }

 private:
  // The input of one Decode() call: a bounds-checked cursor. (A private stand-in for
  // base/decode_buffer.h's DecodeBuffer, which does not compile with NDEBUG yet.)
  class Input;

  DecodeStatus DecodeHeader(Input& db);
  DecodeStatus StartFrame();
  DecodeStatus DecodePrefix(Input& db);
  DecodeStatus DecodePayload(Input& db);
  DecodeStatus DecodePadding(Input& db);
  DecodeStatus DecodeWholePayload(Input& db);
  DecodeStatus DecodeSettings(Input& db);
  DecodeStatus SkipPayload(Input& db);

  void StartBody();
  void EndFrame();
  void ReportWholePayload(const uint8_t* p);
  void ReportAltSvc(const uint8_t* p);
  void ReportOrigin(const uint8_t* p);

  // Gather returns a pointer to the next `need` bytes, contiguous: into the input when they
  // are all there and nothing is buffered (consuming them), else into buffer_ once enough have
  // been copied there. Returns nullptr when the input ran out first (the bytes are kept).
  const uint8_t* Gather(Input& db, size_t need);

  DecodeStatus ConnectionError(ErrorCode code, std::string_view reason);
  DecodeStatus StreamError(ErrorCode code, std::string_view reason);

  FrameListener* const listener_;
  uint32_t max_frame_size_ = kDefaultMaxFrameSize;
  State state_ = State::kFrameHeader;
  ErrorCode error_ = ErrorCode::kNoError;
  bool stopped_ = false;

  FrameHeader header_;          // Flags masked as the listener sees them.
  uint8_t raw_flags_ = 0;       // Flags as received.
  uint32_t remaining_ = 0;      // Payload octets of the current state not yet consumed.
  uint32_t padding_ = 0;        // Trailing padding octets not yet consumed.
  uint32_t prefix_length_ = 0;  // Size of the fixed prefix (kPrefix).

  std::vector<uint8_t> buffer_;  // Assembly buffer for Gather(); never above max_frame_size_.
  size_t buffered_ = 0;          // Bytes of buffer_ holding a partial Gather().
  std::vector<std::string_view> origins_;  // Reused by ORIGIN frames.
};

std::string_view FrameDecoderStateName(FrameDecoder::State state);
std::ostream& operator<<(std::ostream& out, FrameDecoder::State state);

}  // namespace h2engine::h2

#endif  // H2ENGINE_H2_FRAME_DECODER_H_
