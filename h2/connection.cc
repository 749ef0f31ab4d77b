#include "h2/connection.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/byte_sink.h"
#include "base/check.h"
#include "h2/flow_control.h"
#include "h2/frame_decoder.h"
#include "h2/frame_header.h"
#include "h2/frame_listener.h"
#include "h2/frame_writer.h"
#include "h2/outbound_queue.h"
#include "h2/priority.h"
#include "h2/stream_ids.h"
#include "h2/stream_state.h"
#include "h2/write_scheduler.h"
#include "hpack/decoder.h"
#include "hpack/encoder.h"
#include "hpack/error.h"
#include "hpack/header_field.h"

namespace h2engine::h2 {

std::string_view HeadersKindName(HeadersKind kind) {
  switch (kind) {
    case HeadersKind::kRequest:
      return "request";
    case HeadersKind::kResponse:
      return "response";
    case HeadersKind::kInformational:
      return "informational";
    case HeadersKind::kTrailers:
      return "trailers";
  }
  return "?";
}

namespace {

// Opaque data of the PINGs the connection sends on its own behalf ("h2rtt..." and
// "h2bye..."). A user PING with the same value is treated as ours; harmless.
constexpr uint64_t kRttPingOpaque = 0x6832727474000001ull;
constexpr uint64_t kShutdownPingOpaque = 0x6832627965000001ull;

PingData ToPingData(uint64_t v) {
  PingData d;
  for (int i = 7; i >= 0; --i) {
    d[static_cast<size_t>(i)] = static_cast<uint8_t>(v);
    v >>= 8;
  }
  return d;
}

uint64_t FromPingData(const PingData& d) {
  uint64_t v = 0;
  for (uint8_t b : d) v = (v << 8) | b;
  return v;
}

ConnectionOptions Sanitize(ConnectionOptions o) {
  o.max_frame_size = std::clamp(o.max_frame_size, kDefaultMaxFrameSize, kMaxAllowedMaxFrameSize);
  o.initial_window_size =
      std::min<uint32_t>(o.initial_window_size, static_cast<uint32_t>(kMaxWindowSize));
  o.initial_connection_window_size = std::clamp<uint32_t>(
      o.initial_connection_window_size, kDefaultInitialWindowSize, kMaxWindowSize);
  o.max_stream_window = std::min<uint32_t>(o.max_stream_window, kMaxWindowSize);
  o.max_connection_window = std::min<uint32_t>(o.max_connection_window, kMaxWindowSize);
  o.closed_streams_remembered = std::min(o.closed_streams_remembered, ClosedStreams::kMaxCapacity);
  o.max_output_buffer = std::max<size_t>(o.max_output_buffer, 16 << 10);
  o.output_chunk_size = std::clamp<size_t>(o.output_chunk_size, 1024, o.max_output_buffer);
  o.max_outstanding_pings = std::max<size_t>(o.max_outstanding_pings, 1);
  if (o.perspective == Perspective::kClient) o.enable_connect_protocol = false;
  return o;
}

// HeaderListSize counts as RFC 9113 §6.5.2 does: name + value + 32 per field.
template <typename List>
uint64_t HeaderListSize(const List& list) {
  uint64_t size = 0;
  for (const auto& f : list) size += f.name.size() + f.value.size() + 32;
  return size;
}

// PriorityOf parses the `priority` field lines of a request (RFC 9218 §5) in `list`.
template <typename List>
Priority PriorityOf(const List& list) {
  std::string_view lines[8];
  size_t n = 0;
  for (const auto& f : list) {
    if (f.name == "priority" && n < std::size(lines)) lines[n++] = f.value;
  }
  if (n == 0) return Priority{};
  return ParsePriorityFieldLines(std::span<const std::string_view>(lines, n)).priority();
}

template <typename List>
std::string_view FieldValue(const List& list, std::string_view name) {
  for (const auto& f : list) {
    if (f.name == name) return f.value;
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Connection::Impl

class Connection::Impl final : public FrameListener, public hpack::HeaderListener {
 public:
  Impl(const ConnectionOptions& options, ConnectionVisitor* visitor);

  Perspective perspective() const { return perspective_; }
  size_t ProcessInput(std::span<const uint8_t> bytes, Clock::time_point now);
  std::span<const uint8_t> PendingOutput();
  void ConsumeOutput(size_t n);
  bool want_read() const {
    return !failed_ && !finished_ && out_.backlog() <= options_.max_output_buffer;
  }
  bool want_write() const {
    return !out_.empty() || (!failed_ && scheduler_.HasReady());
  }
  bool is_closed() const { return (failed_ || finished_) && out_.empty(); }
  void OnTransportClosed();
  std::optional<Clock::time_point> NextDeadline() const;
  void OnTimer(Clock::time_point now);

  std::optional<StreamId> SubmitRequest(std::span<const HeaderRef> headers,
                                        std::unique_ptr<DataSource> body);
  bool SubmitInformational(StreamId id, std::span<const HeaderRef> headers);
  bool SubmitResponse(StreamId id, std::span<const HeaderRef> headers,
                      std::unique_ptr<DataSource> body);
  bool SubmitTrailers(StreamId id, std::span<const HeaderRef> trailers);
  bool ResumeData(StreamId id);
  void ConsumeData(StreamId id, size_t n);
  bool SubmitRstStream(StreamId id, ErrorCode code);
  void SubmitPing(uint64_t opaque, Clock::time_point now);
  void StartGracefulShutdown(Clock::time_point now);
  void SubmitGoAway(ErrorCode code, std::string_view debug);
  bool StartFromUpgrade(std::span<const uint8_t> payload, std::span<const HeaderRef> headers,
                        Clock::time_point now);

  const Settings& peer_settings() const { return peer_settings_; }
  size_t num_active_streams() const { return active_peer_ + active_local_; }
  size_t num_queued_requests() const {
    size_t n = 0;
    for (const auto& [id, s] : streams_) n += s->pending ? 1 : 0;
    return n;
  }
  std::chrono::nanoseconds rtt() const { return rtt_; }

  // FrameListener.
  void OnFrameHeader(const FrameHeader& h) override;
  void OnDataStart(const FrameHeader& h, uint8_t pad_length) override;
  void OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) override;
  void OnDataEnd(const FrameHeader& h) override;
  void OnHeadersStart(const FrameHeader& h, uint8_t pad_length,
                      const std::optional<PriorityFields>& priority) override;
  void OnPushPromiseStart(const FrameHeader& h, uint8_t pad_length,
                          StreamId promised_stream_id) override;
  void OnContinuationStart(const FrameHeader& h) override;
  void OnHeaderBlockFragment(const FrameHeader& h, std::span<const uint8_t> fragment) override;
  void OnHeadersEnd(const FrameHeader& h) override;
  void OnPushPromiseEnd(const FrameHeader& h) override;
  void OnContinuationEnd(const FrameHeader& h) override;
  void OnPriority(const FrameHeader& h, const PriorityFields& priority) override;
  void OnRstStream(const FrameHeader& h, ErrorCode error_code) override;
  void OnSettingsStart(const FrameHeader& h) override;
  void OnSetting(const FrameHeader& h, const Setting& setting) override;
  void OnSettingsEnd(const FrameHeader& h) override;
  void OnSettingsAck(const FrameHeader& h) override;
  void OnPing(const FrameHeader& h, const PingData& data) override;
  void OnPingAck(const FrameHeader& h, const PingData& data) override;
  void OnGoAway(const FrameHeader& h, StreamId last_stream_id, ErrorCode error_code,
                std::span<const uint8_t> debug_data) override;
  void OnWindowUpdate(const FrameHeader& h, uint32_t increment) override;
  void OnPriorityUpdate(const FrameHeader& h, StreamId prioritized_stream_id,
                        std::string_view field_value) override;
  void OnUnknownStart(const FrameHeader& h) override;
  void OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                    std::string_view reason) override;

  // hpack::HeaderListener.
  void OnHeader(std::string_view name, std::string_view value, bool never_indexed) override;

 private:
  struct Stream {
    Stream(StreamId stream_id, int64_t send_window, int64_t receive_window,
           const WindowUpdatePolicy& policy, InboundHeaderSequence sequence)
        : id(stream_id),
          send(send_window),
          recv(receive_window, policy),
          inbound(sequence) {}

    StreamId id;
    StreamStateMachine sm;
    SendWindow send;
    ReceiveWindow recv;
    InboundHeaderSequence inbound;
    ContentLengthTracker inbound_length;
    RequestMethod method = RequestMethod::kOther;  // the request's method
    bool plain_connect = false;  // a CONNECT request without :protocol (§8.5)
    bool tunnel = false;         // a CONNECT tunnel is up: only DATA and stream management
    bool local = false;         // we initiated it (client requests)
    bool pending = false;       // a client request waiting for a concurrency slot
    bool visible = false;       // the application knows it (OnStreamClosed is owed)
    bool counted = false;       // counts toward MAX_CONCURRENT_STREAMS
    bool closed = false;        // CloseStream() ran
    bool registered = false;    // in the write scheduler
    bool final_headers_sent = false;
    bool final_headers_received = false;
    // The body being sent.
    std::unique_ptr<DataSource> source;
    bool blocked = false;      // the source said "not yet"
    bool source_done = false;  // the source returned end_stream
    bool trailers_pending = false;
    HeaderList trailers;
    HeaderList request_headers;  // a queued request's header fields
    bool request_end_stream = false;
    uint64_t unconsumed = 0;  // delivered by OnData, not yet ConsumeData'd
  };

  // An event the visitor gets later: when it was raised by a command outside any entry
  // point, or while a callback was running (callbacks never nest).
  struct Event {
    enum class Kind : uint8_t { kStreamClosed, kFinished };
    Kind kind;
    StreamId id = 0;
    ErrorCode code = ErrorCode::kNoError;
    std::string reason;
  };

  // The header block being received (HEADERS + CONTINUATION*, §4.3).
  struct InboundBlock {
    bool active = false;
    StreamId stream_id = 0;
    bool end_stream = false;
    bool deliver = false;  // false: decode (HPACK state) and discard
    HeaderBlockKind kind = HeaderBlockKind::kRequest;
  };

  // EntryScope marks a public entry point that may call the visitor: queued events are
  // delivered at its start and end, and closed streams are freed when the outermost ends.
  class EntryScope {
   public:
    explicit EntryScope(Impl* impl) : impl_(impl) {
      ++impl_->entry_depth_;
      impl_->DrainEvents();
    }
    ~EntryScope() {
      impl_->DrainEvents();
      if (--impl_->entry_depth_ == 0 && impl_->depth_ == 0) impl_->graveyard_.clear();
    }

   private:
    Impl* impl_;
  };

  // Delivery of callbacks.
  template <typename F>
  void Deliver(F&& f) {
    ++depth_;
    f();
    --depth_;
    DrainEvents();
  }
  void Post(Event event);
  void DrainEvents();

  void SetNow(Clock::time_point now);
  size_t MatchPreface(std::span<const uint8_t> bytes);

  // Errors.
  void ConnectionError(ErrorCode code, std::string_view reason);
  void Fail(ErrorCode code, std::string_view reason, bool send_goaway);
  // Limited turns a rate-limit verdict into a connection error; true if it was one.
  bool Limited(ErrorCode verdict);
  bool Glitch() { return Limited(limits_.Record(RateLimited::kGlitch, now_)); }
  // StreamError: RST_STREAM on `id` with `code` (§5.4.2); `s` is its live stream, if any.
  void StreamError(StreamId id, Stream* s, ErrorCode code);
  void ResetStream(Stream* s, ErrorCode code);

  // Streams.
  Stream* FindLive(StreamId id) {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }
  const Stream* FindLive(StreamId id) const {
    auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : it->second.get();
  }
  // MachineFor: the state machine of `id` when it has no live (sent) stream object.
  StreamStateMachine MachineFor(StreamId id) const;
  Stream* CreateStream(StreamId id, bool local);
  void CloseStream(Stream* s, ErrorCode code, CloseCause cause);
  void CloseAllStreams(ErrorCode code);
  void PeerEnded(Stream* s);
  void CheckFinished();

  // Inbound helpers.
  void StartDiscardBlock();
  void FinishHeaderBlock();
  void OnHeaderListTooLarge(Stream* s);
  void ReleaseConnectionCredit(uint32_t n);
  void MaybeUpdateConnectionWindow();
  void MaybeUpdateStreamWindow(Stream* s);
  void ApplyPeerSettings(const Settings& old, uint32_t max_initial_window_seen);

  // Outbound helpers.
  template <typename List>
  bool CheckOutgoing(HeaderBlockKind kind, bool end_stream, const List& list);
  template <typename List>
  void WriteHeaders(StreamId id, const List& list, bool end_stream);
  void OpenLocalStream(Stream* s, std::span<const HeaderRef> headers);
  void ReleaseQueuedRequests();
  void UpdateReady(Stream* s);
  void GenerateData();
  void WriteStreamData(Stream* s);
  void SendTrailers(Stream* s);
  void WriteGoAway(StreamId last, ErrorCode code, std::string_view debug);
  void SendFinalGoAway();
  StreamId LastProcessedStream() const;

  const ConnectionOptions options_;
  ConnectionVisitor* const visitor_;
  const Perspective perspective_;
  const AutoTuningPolicy stream_policy_;
  const AutoTuningPolicy connection_policy_;

  FrameDecoder decoder_;
  hpack::Decoder hpack_decoder_;
  hpack::Encoder hpack_encoder_;
  OutboundQueue out_;
  ByteSink block_buffer_;
  std::vector<hpack::HeaderField> fields_;

  PendingSettings local_settings_;
  Settings peer_settings_;
  Clock::time_point settings_sent_at_{};
  bool preface_received_ = false;
  size_t preface_matched_ = 0;
  bool first_settings_received_ = false;
  bool any_input_ = false;
  uint32_t max_initial_window_seen_ = 0;  // within the SETTINGS frame being received
  Settings settings_before_frame_;

  StreamIds ids_;
  std::unordered_map<StreamId, std::unique_ptr<Stream>> streams_;
  std::deque<StreamId> queued_requests_;
  size_t active_peer_ = 0;
  size_t active_local_ = 0;
  WriteScheduler scheduler_;
  std::vector<StreamId> connection_blocked_;
  std::vector<std::unique_ptr<Stream>> graveyard_;

  SendWindow conn_send_;
  ReceiveWindow conn_recv_;

  InboundBlock block_;
  HeaderValidator validator_;
  HeaderValidator out_validator_;
  HeaderList headers_;
  size_t num_headers_ = 0;
  bool data_deliver_ = false;

  RateLimits limits_;

  Clock::time_point now_{};
  bool have_time_ = false;
  std::chrono::nanoseconds rtt_{0};
  bool rtt_ping_outstanding_ = false;
  Clock::time_point rtt_ping_sent_{};
  std::deque<std::pair<uint64_t, Clock::time_point>> user_pings_;

  enum class Shutdown : uint8_t { kNone, kDraining, kFinal };
  Shutdown shutdown_ = Shutdown::kNone;
  bool goaway_sent_ = false;
  StreamId goaway_last_sent_ = kMaxStreamId;
  bool shutdown_ping_outstanding_ = false;
  Clock::time_point shutdown_deadline_{};
  bool goaway_received_ = false;
  StreamId peer_goaway_last_ = kMaxStreamId;
  // The highest peer-initiated stream the application was given: the Last-Stream-ID of our
  // GOAWAY (§6.8: streams we "might have taken some action on").
  StreamId last_processed_ = 0;
  bool failed_ = false;
  bool finished_ = false;
  bool in_input_ = false;

  std::vector<Event> events_;
  int depth_ = 0;
  int entry_depth_ = 0;
};

Connection::Impl::Impl(const ConnectionOptions& options, ConnectionVisitor* visitor)
    : options_(Sanitize(options)),
      visitor_(visitor),
      perspective_(options_.perspective),
      stream_policy_(AutoTuneOptions{.max_window = options_.max_stream_window}),
      connection_policy_(AutoTuneOptions{.max_window = options_.max_connection_window}),
      decoder_(this),
      hpack_decoder_(hpack::DecoderOptions{
          .max_table_size = std::max(options_.header_table_size, kDefaultHeaderTableSize),
          .max_header_list_size = options_.max_header_list_size,
          // A string may exceed the list limit (then the list is too large: 431, not a
          // COMPRESSION_ERROR), but not by much: it is buffered when split across frames.
          .max_string_length = std::max<size_t>(2 * size_t{options_.max_header_list_size},
                                                4096)}),
      hpack_encoder_(hpack::EncoderOptions{.max_table_size = options_.encoder_table_size}),
      local_settings_(perspective_,
                      PendingSettingsOptions{.ack_timeout = options_.settings_timeout}),
      ids_(perspective_,
           StreamIdsOptions{.closed_streams_remembered = options_.closed_streams_remembered}),
      scheduler_(WriteScheduler::Options{
          .max_pending_updates = std::min<size_t>(options_.max_concurrent_streams, 1024)}),
      conn_send_(kDefaultInitialWindowSize),
      conn_recv_(kDefaultInitialWindowSize, options_.initial_connection_window_size,
                 connection_policy_),
      validator_(options_.validation),
      out_validator_(options_.validation),
      limits_(options_.rate_limits) {
  H2_CHECK(visitor_ != nullptr);
  validator_.set_enable_connect_protocol(options_.enable_connect_protocol);
  decoder_.set_max_frame_size(options_.max_frame_size);
  preface_received_ = perspective_ == Perspective::kClient;  // only servers receive one

  // The preface (§3.4) goes straight to the committed bytes: nothing, not even an urgent ACK,
  // may precede it.
  ByteSink& preface = out_.committed();
  if (perspective_ == Perspective::kClient) preface.Append(kClientPreface);

  // Our SETTINGS (§3.4: the first frame of each side): the values that differ from the
  // RFC's initial ones, plus the limits that are "unlimited" by default.
  Settings ours;
  ours.header_table_size = options_.header_table_size;
  if (perspective_ == Perspective::kClient) ours.enable_push = false;
  ours.max_concurrent_streams = options_.max_concurrent_streams;
  ours.initial_window_size = options_.initial_window_size;
  ours.max_frame_size = options_.max_frame_size;
  ours.max_header_list_size = options_.max_header_list_size;
  ours.enable_connect_protocol = options_.enable_connect_protocol;
  ours.no_rfc7540_priorities = true;
  const Settings defaults;
  std::vector<Setting> entries;
  for (SettingsId id : kKnownSettings) {
    const uint32_t value = *ours.Get(id);
    const bool unlimited_by_default = id == SettingsId::kMaxConcurrentStreams ||
                                      id == SettingsId::kMaxHeaderListSize;
    if (value != *defaults.Get(id) || unlimited_by_default) entries.push_back({id, value});
  }
  WriteSettings(preface, entries);
  const ErrorCode pushed = local_settings_.Push(ours, Clock::time_point{});
  H2_CHECK(pushed == ErrorCode::kNoError);  // Sanitize() keeps every value valid

  // A connection window larger than 65,535 is granted at once (§6.9.2: only WINDOW_UPDATE
  // changes it).
  if (auto increment = conn_recv_.UpdateToSend(Clock::time_point{}, rtt_)) {
    h2::WriteWindowUpdate(preface, 0, *increment);
  }
}

// --- Events -----------------------------------------------------------------------------------

void Connection::Impl::Post(Event event) {
  events_.push_back(std::move(event));
  if (entry_depth_ > 0 && depth_ == 0) DrainEvents();
}

void Connection::Impl::DrainEvents() {
  if (depth_ > 0 || entry_depth_ == 0) return;
  // Index loop: callbacks may post more events.
  for (size_t i = 0; i < events_.size(); ++i) {
    Event e = std::move(events_[i]);
    ++depth_;
    switch (e.kind) {
      case Event::Kind::kStreamClosed:
        visitor_->OnStreamClosed(e.id, e.code);
        break;
      case Event::Kind::kFinished:
        visitor_->OnConnectionError(e.code, e.reason);
        break;
    }
    --depth_;
  }
  events_.clear();
}

void Connection::Impl::SetNow(Clock::time_point now) {
  if (!have_time_) {
    have_time_ = true;
    now_ = now;
    settings_sent_at_ = now;
    if (options_.measure_rtt && !failed_) {
      WritePing(out_.control(), ToPingData(kRttPingOpaque), false);
      rtt_ping_sent_ = now;
      rtt_ping_outstanding_ = true;
    }
    return;
  }
  if (now > now_) now_ = now;
}

// --- Input ------------------------------------------------------------------------------------

size_t Connection::Impl::ProcessInput(std::span<const uint8_t> bytes, Clock::time_point now) {
  if (H2_BUG_IF(in_input_)) return 0;  // ProcessInput from inside a callback
  EntryScope scope(this);
  SetNow(now);
  if (failed_) return 0;
  // After a graceful finish (OnConnectionError(kNoError) was the last callback) input is
  // useless: swallowed unread.
  if (finished_) return bytes.size();
  in_input_ = true;
  any_input_ = true;
  size_t consumed = 0;
  if (!preface_received_) consumed = MatchPreface(bytes);
  if (!failed_ && consumed < bytes.size()) consumed += decoder_.Decode(bytes.subspan(consumed));
  in_input_ = false;
  // A graceful finish inside this call stopped the decoder: the rest is swallowed, as in
  // later calls.
  if (finished_ && !failed_) return bytes.size();
  return consumed;
}

size_t Connection::Impl::MatchPreface(std::span<const uint8_t> bytes) {
  const size_t n = std::min(bytes.size(), kClientPreface.size() - preface_matched_);
  if (std::memcmp(bytes.data(), kClientPreface.data() + preface_matched_, n) != 0) {
    // §3.4: an invalid preface is a connection error PROTOCOL_ERROR (the GOAWAY MAY be
    // omitted; we send it, it costs nothing).
    ConnectionError(ErrorCode::kProtocolError, "invalid connection preface");
    return 0;
  }
  preface_matched_ += n;
  if (preface_matched_ == kClientPreface.size()) preface_received_ = true;
  return n;
}

void Connection::Impl::OnFrameHeader(const FrameHeader& h) {
  if (failed_ || finished_) {
    decoder_.Stop();
    return;
  }
  // §3.4: the peer's preface ends with a SETTINGS frame, its first frame.
  if (!first_settings_received_ && (h.type != FrameType::kSettings || h.IsAck())) {
    ConnectionError(ErrorCode::kProtocolError, "the first frame is not SETTINGS (§3.4)");
    return;
  }
  // §6.10 (and §4.3): a header block is a contiguous sequence of frames.
  if (block_.active) {
    if (h.type != FrameType::kContinuation || h.stream_id != block_.stream_id) {
      ConnectionError(ErrorCode::kProtocolError,
                      "frame interleaved in a header block (expected CONTINUATION, §6.10)");
      return;
    }
  } else if (h.type == FrameType::kContinuation) {
    ConnectionError(ErrorCode::kProtocolError, "CONTINUATION without a header block (§6.10)");
    return;
  }
  // The peer keeps provoking frames (ACKs, RST_STREAMs) it does not read.
  if (out_.backlog() > 2 * options_.max_output_buffer) {
    ConnectionError(ErrorCode::kEnhanceYourCalm, "peer does not read what it provokes");
  }
}

StreamStateMachine Connection::Impl::MachineFor(StreamId id) const {
  const Stream* s = FindLive(id);
  if (s != nullptr && s->pending) return StreamStateMachine();  // idle on the wire
  return ids_.Lookup(id);
}

// DATA (§6.1).
void Connection::Impl::OnDataStart(const FrameHeader& h, uint8_t pad_length) {
  data_deliver_ = false;
  if (Limited(limits_.OnData(now_, h.length, h.IsEndStream()))) return;
  // §6.9: DATA counts against the connection window whatever becomes of it.
  if (conn_recv_.OnData(h.length) != ErrorCode::kNoError) {
    ConnectionError(ErrorCode::kFlowControlError, "DATA exceeds the connection window (§6.9.1)");
    return;
  }
  const StreamId id = h.stream_id;
  Stream* s = FindLive(id);
  if (s != nullptr && s->pending) s = nullptr;
  StreamStateMachine temp;
  StreamStateMachine* m = s != nullptr ? &s->sm : &(temp = MachineFor(id));
  const StreamEvent event = h.IsEndStream() ? StreamEvent::kRecvDataEndStream
                                            : StreamEvent::kRecvData;
  const StreamTransition t = m->Apply(event);
  switch (t.action) {
    case StreamAction::kConnectionError:
      ConnectionError(t.error, "DATA on a stream that is idle or closed (§5.1, §6.1)");
      return;
    case StreamAction::kIgnore:
      ReleaseConnectionCredit(h.length);
      Glitch();
      return;
    case StreamAction::kStreamError:
    case StreamAction::kForbidden:
      ReleaseConnectionCredit(h.length);
      StreamError(id, s, t.error == ErrorCode::kNoError ? ErrorCode::kStreamClosed : t.error);
      return;
    case StreamAction::kProceed:
      break;
  }
  if (H2_BUG_IF(s == nullptr)) {
    ReleaseConnectionCredit(h.length);
    return;
  }
  // §8.1: a message starts with its header section; DATA before the final response's
  // HEADERS (only possible on a client stream) is malformed.
  if (!s->final_headers_received) {
    ReleaseConnectionCredit(h.length);
    StreamError(id, s, kMalformedErrorCode);
    return;
  }
  if (s->recv.OnData(h.length) != ErrorCode::kNoError) {
    ReleaseConnectionCredit(h.length);
    StreamError(id, s, ErrorCode::kFlowControlError);  // §6.9.1
    return;
  }
  const uint32_t overhead = pad_length + (h.IsPadded() ? kPadLengthSize : 0);
  const uint32_t payload = h.length - overhead;
  // Padding is consumed at once (§6.1: it counts toward flow control, nobody reads it).
  s->recv.Consume(overhead);
  ReleaseConnectionCredit(overhead);
  if (s->inbound_length.OnData(payload) != HeaderError::kOk) {  // §8.1.1
    s->recv.Consume(payload);
    ReleaseConnectionCredit(payload);
    StreamError(id, s, kMalformedErrorCode);
    return;
  }
  s->unconsumed += payload;
  data_deliver_ = true;
  MaybeUpdateStreamWindow(s);
}

void Connection::Impl::OnDataPayload(const FrameHeader& h, std::span<const uint8_t> data) {
  if (!data_deliver_) return;
  Stream* s = FindLive(h.stream_id);
  if (s == nullptr || s->closed) return;  // reset meanwhile; its bytes were credited back
  Deliver([&] { visitor_->OnData(h.stream_id, data); });
}

void Connection::Impl::OnDataEnd(const FrameHeader& h) {
  if (!data_deliver_) return;
  data_deliver_ = false;
  Stream* s = FindLive(h.stream_id);
  if (s == nullptr || s->closed) return;
  if (h.IsEndStream()) {
    if (s->inbound_length.OnEndStream() != HeaderError::kOk) {  // §8.1.1
      StreamError(s->id, s, kMalformedErrorCode);
      return;
    }
    PeerEnded(s);
  }
}

// HEADERS (§6.2), CONTINUATION (§6.10).
void Connection::Impl::OnHeadersStart(const FrameHeader& h, uint8_t /*pad_length*/,
                                      const std::optional<PriorityFields>& priority) {
  if (Limited(limits_.OnHeaderBlockStart(h.length))) return;
  const StreamId id = h.stream_id;
  const bool end_stream = h.IsEndStream();
  block_ = InboundBlock{.active = true, .stream_id = id, .end_stream = end_stream};
  // §5.3.1: a stream cannot depend on itself (a stream error PROTOCOL_ERROR).
  const bool self_dependent = priority.has_value() && priority->dependency == id;

  Stream* s = FindLive(id);
  if (s != nullptr && s->pending) s = nullptr;
  StreamStateMachine temp;
  StreamStateMachine* m = s != nullptr ? &s->sm : &(temp = MachineFor(id));
  const bool was_idle = m->state() == StreamState::kIdle;
  const StreamTransition t = m->Apply(end_stream ? StreamEvent::kRecvHeadersEndStream
                                                 : StreamEvent::kRecvHeaders);
  switch (t.action) {
    case StreamAction::kConnectionError:
      ConnectionError(t.error, t.error == ErrorCode::kStreamClosed
                                   ? "HEADERS on a closed stream (§5.1)"
                                   : "HEADERS on a stream closed long ago or skipped (§5.1.1)");
      return;
    case StreamAction::kIgnore:
      StartDiscardBlock();
      Glitch();
      return;
    case StreamAction::kStreamError:
    case StreamAction::kForbidden:
      StartDiscardBlock();
      StreamError(id, s, t.error == ErrorCode::kNoError ? ErrorCode::kStreamClosed : t.error);
      return;
    case StreamAction::kProceed:
      break;
  }

  if (was_idle) {
    // A new stream from the peer (§5.1.1).
    if (ids_.IsLocallyInitiated(id)) {
      ConnectionError(ErrorCode::kProtocolError, "HEADERS on an idle stream of ours (§5.1)");
      return;
    }
    if (ids_.OnPeerOpened(id) != ErrorCode::kNoError) {
      ConnectionError(ErrorCode::kProtocolError,
                      perspective_ == Perspective::kClient
                          ? "a server opened a stream with HEADERS (§5.1, §8.4)"
                          : "stream identifier not greater than the previous ones (§5.1.1)");
      return;
    }
    // §6.8: after our GOAWAY, streams above its last stream identifier are discarded.
    if (goaway_sent_ && id > goaway_last_sent_) {
      ids_.OnClosed(id, CloseCause::kResetSent);
      StartDiscardBlock();
      return;
    }
    if (self_dependent) {
      StartDiscardBlock();
      StreamError(id, nullptr, ErrorCode::kProtocolError);
      return;
    }
    // §5.1.2: our SETTINGS_MAX_CONCURRENT_STREAMS, enforced from the moment we sent it (the
    // peer may not know it yet: REFUSED_STREAM tells it to retry).
    if (active_peer_ >= local_settings_.latest().max_concurrent_streams || finished_) {
      StartDiscardBlock();
      WriteRstStream(out_.control(), id, ErrorCode::kRefusedStream);
      ids_.OnClosed(id, CloseCause::kResetSent);
      Glitch();
      return;
    }
    s = CreateStream(id, /*local=*/false);
    s->sm = *m;
  } else if (self_dependent || (s != nullptr && s->tunnel)) {
    // §5.3.1 self-dependency; §8.5: only DATA and stream management frames on a tunnel.
    StartDiscardBlock();
    StreamError(id, s, ErrorCode::kProtocolError);
    return;
  }
  if (H2_BUG_IF(s == nullptr)) {
    StartDiscardBlock();
    return;
  }
  block_.deliver = true;
  block_.kind = s->inbound.next_kind();
  validator_.StartBlock(block_.kind, end_stream);
  num_headers_ = 0;
  hpack_decoder_.StartBlock(this);
}

void Connection::Impl::StartDiscardBlock() {
  block_.deliver = false;
  hpack_decoder_.StartBlock(nullptr);
}

void Connection::Impl::OnPushPromiseStart(const FrameHeader& /*h*/, uint8_t /*pad_length*/,
                                          StreamId /*promised_stream_id*/) {
  ConnectionError(ErrorCode::kProtocolError,
                  perspective_ == Perspective::kClient
                      ? "PUSH_PROMISE although we sent SETTINGS_ENABLE_PUSH=0 (§8.4)"
                      : "PUSH_PROMISE from a client (§8.4)");
}

void Connection::Impl::OnContinuationStart(const FrameHeader& h) {
  Limited(limits_.OnContinuation(h.length));
}

void Connection::Impl::OnHeaderBlockFragment(const FrameHeader& /*h*/,
                                             std::span<const uint8_t> fragment) {
  const hpack::HpackError e = hpack_decoder_.DecodeFragment(fragment);
  if (hpack::IsFatal(e)) {
    ConnectionError(ErrorCode::kCompressionError, hpack::HpackErrorName(e));  // §4.3
  }
}

void Connection::Impl::OnHeadersEnd(const FrameHeader& h) {
  if (h.IsEndHeaders()) FinishHeaderBlock();
}

void Connection::Impl::OnPushPromiseEnd(const FrameHeader& /*h*/) {}

void Connection::Impl::OnContinuationEnd(const FrameHeader& h) {
  if (h.IsEndHeaders()) FinishHeaderBlock();
}

void Connection::Impl::OnHeader(std::string_view name, std::string_view value,
                                bool never_indexed) {
  if (validator_.OnField(name, value) != HeaderError::kOk) return;  // sticky; keep decoding
  if (num_headers_ < headers_.size()) {
    HeaderEntry& e = headers_[num_headers_];
    e.name.assign(name);
    e.value.assign(value);
    e.never_index = never_indexed;
  } else {
    headers_.push_back(HeaderEntry{std::string(name), std::string(value), never_indexed});
  }
  ++num_headers_;
}

void Connection::Impl::FinishHeaderBlock() {
  block_.active = false;
  const hpack::HpackError e = hpack_decoder_.EndBlock();
  if (hpack::IsFatal(e)) {
    ConnectionError(ErrorCode::kCompressionError, hpack::HpackErrorName(e));
    return;
  }
  if (!block_.deliver) return;
  Stream* s = FindLive(block_.stream_id);
  if (s == nullptr || s->closed) return;
  if (e == hpack::HpackError::kHeaderListTooLarge) {
    OnHeaderListTooLarge(s);
    return;
  }
  const HeaderError verdict = validator_.EndBlock();
  if (verdict != HeaderError::kOk) {  // §8.1.1: malformed
    StreamError(s->id, s, kMalformedErrorCode);
    Glitch();
    return;
  }
  headers_.resize(num_headers_);
  const StreamId id = s->id;
  const bool end_stream = block_.end_stream;
  HeadersKind kind = HeadersKind::kTrailers;
  switch (block_.kind) {
    case HeaderBlockKind::kRequest:
      // §6.8: a request completed after our GOAWAY named a lower last stream is refused.
      if (goaway_sent_ && id > goaway_last_sent_) {
        ResetStream(s, ErrorCode::kRefusedStream);
        return;
      }
      kind = HeadersKind::kRequest;
      last_processed_ = std::max(last_processed_, id);
      s->method = validator_.method();
      s->plain_connect = validator_.is_connect() && !validator_.is_extended_connect();
      s->tunnel = s->plain_connect;
      s->inbound_length = ContentLengthTracker::ForRequest(validator_);
      if (!s->registered) s->registered = scheduler_.Register(id, PriorityOf(headers_));
      break;
    case HeaderBlockKind::kResponse:
      if (validator_.is_informational()) {
        kind = HeadersKind::kInformational;
      } else {
        kind = HeadersKind::kResponse;
        s->inbound_length = ContentLengthTracker::ForResponse(validator_, s->method);
        s->tunnel = s->plain_connect && validator_.status_code() / 100 == 2;
      }
      break;
    case HeaderBlockKind::kRequestTrailers:
    case HeaderBlockKind::kResponseTrailers:
      kind = HeadersKind::kTrailers;
      break;
  }
  // §8.1.1: content-length must match the DATA received, also when the stream ends here.
  if (end_stream && kind != HeadersKind::kInformational &&
      s->inbound_length.OnEndStream() != HeaderError::kOk) {
    StreamError(id, s, kMalformedErrorCode);
    return;
  }
  s->inbound.OnBlockAccepted(validator_);
  if (kind == HeadersKind::kRequest || kind == HeadersKind::kResponse) {
    s->final_headers_received = true;
  }
  s->visible = true;
  Deliver([&] { visitor_->OnHeaders(id, kind, headers_, end_stream); });
  if (end_stream && !s->closed) PeerEnded(s);
}

void Connection::Impl::OnHeaderListTooLarge(Stream* s) {
  // A server answers a request whose header section is too large with 431 (RFC 6585 §5, RFC
  // 9113 §10.5.1) and, if the request is still coming, asks the client to stop without error
  // (§8.1: RST_STREAM NO_ERROR). The application never sees that request. Anything else (a
  // response, trailers) is reset with CANCEL: "not wanted".
  if (perspective_ == Perspective::kServer && !s->visible && !s->final_headers_sent) {
    static constexpr HeaderRef k431[] = {{":status", "431"}, {"content-length", "0"}};
    const StreamTransition t = s->sm.Apply(StreamEvent::kSendHeadersEndStream);
    if (t.action == StreamAction::kProceed) {
      WriteHeaders(s->id, std::span<const HeaderRef>(k431), /*end_stream=*/true);
      s->final_headers_sent = true;
      if (s->sm.closed()) {
        CloseStream(s, ErrorCode::kNoError, CloseCause::kEndStream);
      } else {
        ResetStream(s, ErrorCode::kNoError);
      }
      return;
    }
  }
  ResetStream(s, ErrorCode::kCancel);
}

void Connection::Impl::PeerEnded(Stream* s) {
  if (s->visible) {
    const StreamId id = s->id;
    Deliver([&] { visitor_->OnEndStream(id); });
  }
  if (!s->closed && s->sm.closed()) CloseStream(s, ErrorCode::kNoError, CloseCause::kEndStream);
}

// PRIORITY (§6.3): carries no meaning for us (RFC 9218 replaced it) but is validated.
void Connection::Impl::OnPriority(const FrameHeader& h, const PriorityFields& priority) {
  if (Limited(limits_.Record(RateLimited::kPriority, now_))) return;
  if (priority.dependency != h.stream_id) return;
  // §5.3.1: self-dependency is a stream error PROTOCOL_ERROR. RST_STREAM may not be sent on
  // an idle stream (§6.4), so there it becomes a connection error.
  Stream* s = FindLive(h.stream_id);
  if (s != nullptr && s->pending) s = nullptr;
  if (s == nullptr && MachineFor(h.stream_id).state() == StreamState::kIdle) {
    ConnectionError(ErrorCode::kProtocolError, "PRIORITY: a stream cannot depend on itself");
    return;
  }
  StreamError(h.stream_id, s, ErrorCode::kProtocolError);
}

// RST_STREAM (§6.4).
void Connection::Impl::OnRstStream(const FrameHeader& h, ErrorCode error_code) {
  Stream* s = FindLive(h.stream_id);
  if (s != nullptr && s->pending) s = nullptr;
  StreamStateMachine temp;
  StreamStateMachine* m = s != nullptr ? &s->sm : &(temp = MachineFor(h.stream_id));
  const StreamState before = m->state();
  const StreamTransition t = m->Apply(StreamEvent::kRecvRstStream);
  switch (t.action) {
    case StreamAction::kConnectionError:
      ConnectionError(t.error, "RST_STREAM on an idle stream (§6.4)");
      return;
    case StreamAction::kProceed:
      break;
    default:
      return;  // a closed stream: nothing to do (§5.4.2: never answer RST_STREAM)
  }
  if (s == nullptr) return;
  // CVE-2023-44487 "rapid reset": resets of streams we were still working on.
  if (before == StreamState::kOpen || before == StreamState::kHalfClosedRemote) {
    if (Limited(limits_.Record(RateLimited::kPeerReset, now_))) return;
  }
  CloseStream(s, error_code, CloseCause::kResetReceived);
}

// SETTINGS (§6.5).
void Connection::Impl::OnSettingsStart(const FrameHeader& /*h*/) {
  if (Limited(limits_.Record(RateLimited::kSettings, now_))) return;
  settings_before_frame_ = peer_settings_;
  max_initial_window_seen_ = peer_settings_.initial_window_size;
}

void Connection::Impl::OnSetting(const FrameHeader& /*h*/, const Setting& setting) {
  // §6.5.3: in order, each replacing the previous value.
  const ErrorCode e = peer_settings_.ApplyFrom(Peer(perspective_), setting.id, setting.value);
  if (e != ErrorCode::kNoError) {
    ConnectionError(e, setting.id == SettingsId::kEnablePush
                           ? "SETTINGS_ENABLE_PUSH=1 from a server (§6.5.2)"
                           : "invalid SETTINGS value (§6.5.2, RFC 8441 §3)");
    return;
  }
  if (setting.id == SettingsId::kInitialWindowSize) {
    max_initial_window_seen_ = std::max(max_initial_window_seen_, setting.value);
  }
}

void Connection::Impl::OnSettingsEnd(const FrameHeader& /*h*/) {
  first_settings_received_ = true;
  ApplyPeerSettings(settings_before_frame_, max_initial_window_seen_);
  if (failed_) return;
  // The ACK jumps ahead of the frames not yet committed, but every header block encoded under
  // the old HPACK table size must go before it (Flush), since the peer may shrink its decoder
  // table once it has our ACK (RFC 7541 §4.2).
  WriteSettingsAck(out_.urgent());
  Deliver([&] { visitor_->OnPeerSettings(peer_settings_); });
}

void Connection::Impl::ApplyPeerSettings(const Settings& old, uint32_t max_initial_window_seen) {
  if (peer_settings_.header_table_size != old.header_table_size) {
    out_.Flush();
    hpack_encoder_.SetPeerMaxTableSize(peer_settings_.header_table_size);
  }
  if (peer_settings_.initial_window_size != old.initial_window_size ||
      max_initial_window_seen != old.initial_window_size) {
    // §6.9.2: every stream window moves by the change; past 2^31-1 at any step is a connection
    // FLOW_CONTROL_ERROR. The largest value the frame set decides that.
    const int64_t peak = int64_t{max_initial_window_seen} - old.initial_window_size;
    const int64_t delta = int64_t{peer_settings_.initial_window_size} - old.initial_window_size;
    for (auto& [id, s] : streams_) {
      if (s->send.available() + peak > kMaxWindowSize) {
        ConnectionError(ErrorCode::kFlowControlError,
                        "SETTINGS_INITIAL_WINDOW_SIZE makes a window exceed 2^31-1 (§6.9.2)");
        return;
      }
    }
    for (auto& [id, s] : streams_) {
      (void)s->send.ApplyInitialWindowDelta(delta);
      UpdateReady(s.get());
    }
  }
  if (peer_settings_.max_concurrent_streams != old.max_concurrent_streams) {
    ReleaseQueuedRequests();
  }
  out_validator_.set_enable_connect_protocol(peer_settings_.enable_connect_protocol);
}

void Connection::Impl::OnSettingsAck(const FrameHeader& /*h*/) {
  const Settings before = local_settings_.Permissive();
  if (local_settings_.OnAck() != ErrorCode::kNoError) {
    ConnectionError(ErrorCode::kProtocolError, "SETTINGS ACK for no SETTINGS (§6.5.3)");
    return;
  }
  const Settings after = local_settings_.Permissive();
  settings_sent_at_ = now_;
  // Our values now bind the peer (§6.5.3).
  if (after.header_table_size != before.header_table_size) {
    hpack_decoder_.SetMaxTableSize(after.header_table_size);
  }
  decoder_.set_max_frame_size(after.max_frame_size);
  const int64_t delta = int64_t{after.initial_window_size} - before.initial_window_size;
  if (delta != 0) {
    for (auto& [id, s] : streams_) (void)s->recv.ApplyInitialWindowDelta(delta);
  }
}

// PING (§6.7).
void Connection::Impl::OnPing(const FrameHeader& /*h*/, const PingData& data) {
  if (Limited(limits_.Record(RateLimited::kPing, now_))) return;
  WritePing(out_.urgent(), data, /*ack=*/true);
}

void Connection::Impl::OnPingAck(const FrameHeader& /*h*/, const PingData& data) {
  const uint64_t opaque = FromPingData(data);
  if (rtt_ping_outstanding_ && opaque == kRttPingOpaque) {
    rtt_ping_outstanding_ = false;
    rtt_ = std::chrono::duration_cast<std::chrono::nanoseconds>(now_ - rtt_ping_sent_);
    return;
  }
  if (shutdown_ping_outstanding_ && opaque == kShutdownPingOpaque) {
    shutdown_ping_outstanding_ = false;
    if (shutdown_ == Shutdown::kDraining) SendFinalGoAway();
    return;
  }
  for (auto it = user_pings_.begin(); it != user_pings_.end(); ++it) {
    if (it->first != opaque) continue;
    const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(now_ - it->second);
    user_pings_.erase(it);
    rtt_ = rtt;
    Deliver([&] { visitor_->OnPingAck(opaque, rtt); });
    return;
  }
  // An ACK for nothing we sent: ignored.
}

// GOAWAY (§6.8).
void Connection::Impl::OnGoAway(const FrameHeader& /*h*/, StreamId last_stream_id,
                                ErrorCode error_code, std::span<const uint8_t> debug_data) {
  if (goaway_received_ && last_stream_id > peer_goaway_last_) {
    ConnectionError(ErrorCode::kProtocolError, "GOAWAY raised the last stream identifier (§6.8)");
    return;
  }
  goaway_received_ = true;
  peer_goaway_last_ = last_stream_id;
  const std::string debug(reinterpret_cast<const char*>(debug_data.data()), debug_data.size());
  Deliver([&] { visitor_->OnGoAway(last_stream_id, error_code, debug); });
  // Streams we opened above last_stream_id were not processed: safe to retry.
  std::vector<Stream*> refused;
  for (auto& [id, s] : streams_) {
    if (s->local && (s->pending || id > last_stream_id)) refused.push_back(s.get());
  }
  std::sort(refused.begin(), refused.end(),
            [](const Stream* a, const Stream* b) { return a->id < b->id; });
  for (Stream* s : refused) CloseStream(s, ErrorCode::kRefusedStream, CloseCause::kResetReceived);
  queued_requests_.clear();
  if (error_code != ErrorCode::kNoError) {
    // §5.4.1: the peer closes the connection after a GOAWAY for an error.
    Fail(error_code, "peer GOAWAY: " + debug, /*send_goaway=*/false);
    return;
  }
  CheckFinished();
}

// WINDOW_UPDATE (§6.9).
void Connection::Impl::OnWindowUpdate(const FrameHeader& h, uint32_t increment) {
  if (Limited(limits_.OnWindowUpdate(now_, increment))) return;
  if (h.stream_id == 0) {
    if (conn_send_.OnWindowUpdate(increment) != ErrorCode::kNoError) {
      ConnectionError(ErrorCode::kFlowControlError,
                      "WINDOW_UPDATE makes the connection window exceed 2^31-1 (§6.9.1)");
      return;
    }
    std::vector<StreamId> blocked;
    blocked.swap(connection_blocked_);
    for (StreamId id : blocked) {
      if (Stream* s = FindLive(id)) UpdateReady(s);
    }
    return;
  }
  Stream* s = FindLive(h.stream_id);
  if (s != nullptr && s->pending) s = nullptr;
  StreamStateMachine temp;
  StreamStateMachine* m = s != nullptr ? &s->sm : &(temp = MachineFor(h.stream_id));
  const StreamTransition t = m->Apply(StreamEvent::kRecvWindowUpdate);
  if (t.action == StreamAction::kConnectionError) {
    ConnectionError(t.error, "WINDOW_UPDATE on an idle stream (§5.1)");
    return;
  }
  if (t.action != StreamAction::kProceed || s == nullptr) return;
  if (s->send.OnWindowUpdate(increment) != ErrorCode::kNoError) {
    StreamError(s->id, s, ErrorCode::kFlowControlError);  // §6.9.1
    return;
  }
  UpdateReady(s);
}

// PRIORITY_UPDATE (RFC 9218 §7.1).
void Connection::Impl::OnPriorityUpdate(const FrameHeader& /*h*/, StreamId prioritized,
                                        std::string_view field_value) {
  if (Limited(limits_.Record(RateLimited::kPriority, now_))) return;
  if (perspective_ == Perspective::kClient) {
    ConnectionError(ErrorCode::kProtocolError, "PRIORITY_UPDATE received by a client (RFC 9218)");
    return;
  }
  if (!IsClientInitiated(prioritized)) return;  // a push stream: we never push
  const PriorityParseResult parsed = ParsePriorityFieldValue(field_value);
  if (!parsed.ok()) return;  // RFC 9218 §7: MAY be an error; ignored
  Stream* s = FindLive(prioritized);
  if (s != nullptr) {
    if (s->registered) (void)scheduler_.UpdatePriority(prioritized, parsed.priority());
    return;
  }
  if (ids_.Lookup(prioritized).state() != StreamState::kIdle) return;  // closed: discard
  // RFC 9218 §7.1: idle streams with a priority plus open streams must stay within our
  // SETTINGS_MAX_CONCURRENT_STREAMS.
  if (scheduler_.NumPendingUpdates() + active_peer_ >=
      local_settings_.latest().max_concurrent_streams) {
    ConnectionError(ErrorCode::kProtocolError,
                    "PRIORITY_UPDATE for too many idle streams (RFC 9218 §7.1)");
    return;
  }
  (void)scheduler_.UpdatePriority(prioritized, parsed.priority());
}

void Connection::Impl::OnUnknownStart(const FrameHeader& /*h*/) { Glitch(); }

void Connection::Impl::OnFrameError(const FrameHeader& h, ErrorCode code, ErrorScope scope,
                                    std::string_view reason) {
  if (scope == ErrorScope::kConnection) {
    ConnectionError(code, reason);
    return;
  }
  Stream* s = FindLive(h.stream_id);
  if (s != nullptr && s->pending) s = nullptr;
  if (s == nullptr && MachineFor(h.stream_id).state() == StreamState::kIdle) {
    // RST_STREAM must not be sent on an idle stream (§6.4): escalate (§5.4.1).
    ConnectionError(code, reason);
    return;
  }
  StreamError(h.stream_id, s, code);
  Glitch();
}

// --- Errors -----------------------------------------------------------------------------------

bool Connection::Impl::Limited(ErrorCode verdict) {
  if (verdict == ErrorCode::kNoError) return false;
  ConnectionError(verdict, limits_.exceeded_reason());
  return true;
}

void Connection::Impl::ConnectionError(ErrorCode code, std::string_view reason) {
  Fail(code, reason, /*send_goaway=*/true);
}

void Connection::Impl::Fail(ErrorCode code, std::string_view reason, bool send_goaway) {
  if (failed_) return;
  failed_ = true;
  decoder_.Stop();
  block_.active = false;
  if (send_goaway) WriteGoAway(LastProcessedStream(), code, reason);
  CloseAllStreams(code);
  scheduler_ = WriteScheduler();
  connection_blocked_.clear();
  queued_requests_.clear();
  if (!finished_) Post(Event{Event::Kind::kFinished, 0, code, std::string(reason)});
}

void Connection::Impl::StreamError(StreamId id, Stream* s, ErrorCode code) {
  if (s != nullptr) {
    ResetStream(s, code);
    return;
  }
  WriteRstStream(out_.control(), id, code);
  ids_.OnClosed(id, CloseCause::kResetSent);
}

void Connection::Impl::ResetStream(Stream* s, ErrorCode code) {
  if (s->closed) return;
  if (!s->pending) {
    (void)s->sm.Apply(StreamEvent::kSendRstStream);
    WriteRstStream(out_.control(), s->id, code);
  }
  CloseStream(s, code, CloseCause::kResetSent);
}

// --- Streams ----------------------------------------------------------------------------------

Connection::Impl::Stream* Connection::Impl::CreateStream(StreamId id, bool local) {
  auto owned = std::make_unique<Stream>(
      id, int64_t{peer_settings_.initial_window_size},
      int64_t{local_settings_.Permissive().initial_window_size}, stream_policy_,
      perspective_ == Perspective::kServer ? InboundHeaderSequence::ForServer()
                                           : InboundHeaderSequence::ForClient());
  Stream* s = owned.get();
  s->local = local;
  if (!local) {
    s->counted = true;
    ++active_peer_;
  }
  streams_.emplace(id, std::move(owned));
  return s;
}

void Connection::Impl::CloseStream(Stream* s, ErrorCode code, CloseCause cause) {
  if (s->closed) return;
  s->closed = true;
  if (s->counted) {
    s->counted = false;
    --(s->local ? active_local_ : active_peer_);
  }
  if (!s->pending) ids_.OnClosed(s->id, cause);
  if (s->registered && !failed_) scheduler_.Unregister(s->id);
  s->registered = false;
  if (s->unconsumed > 0) {
    // The application will not consume a closed stream's bytes through the stream: credit
    // them to the connection now.
    const uint64_t n = s->unconsumed;
    s->unconsumed = 0;
    conn_recv_.Consume(n);
    MaybeUpdateConnectionWindow();
  }
  auto it = streams_.find(s->id);
  if (it != streams_.end()) {
    graveyard_.push_back(std::move(it->second));
    streams_.erase(it);
  }
  // Reported once the stream is gone from the map, so a callback sees a consistent state.
  if (s->visible) Post(Event{Event::Kind::kStreamClosed, s->id, code, {}});
  if (s->local) ReleaseQueuedRequests();
  CheckFinished();
}

void Connection::Impl::CloseAllStreams(ErrorCode code) {
  std::vector<Stream*> all;
  all.reserve(streams_.size());
  for (auto& [id, s] : streams_) all.push_back(s.get());
  std::sort(all.begin(), all.end(), [](const Stream* a, const Stream* b) { return a->id < b->id; });
  for (Stream* s : all) CloseStream(s, code, CloseCause::kResetSent);
}

void Connection::Impl::CheckFinished() {
  if (failed_ || finished_) return;
  const bool going_away = shutdown_ == Shutdown::kFinal || goaway_received_;
  if (!going_away || !streams_.empty()) return;
  finished_ = true;
  Post(Event{Event::Kind::kFinished, 0, ErrorCode::kNoError, "graceful shutdown complete"});
}

// --- Flow control -----------------------------------------------------------------------------

void Connection::Impl::ReleaseConnectionCredit(uint32_t n) {
  if (n == 0) return;
  conn_recv_.Consume(n);
  MaybeUpdateConnectionWindow();
}

void Connection::Impl::MaybeUpdateConnectionWindow() {
  if (failed_) return;
  if (auto increment = conn_recv_.UpdateToSend(now_, rtt_)) {
    h2::WriteWindowUpdate(out_.control(), 0, *increment);
  }
}

void Connection::Impl::MaybeUpdateStreamWindow(Stream* s) {
  if (failed_ || s->closed) return;
  // Credit is pointless once the peer has ended its side.
  const StreamState st = s->sm.state();
  if (st != StreamState::kOpen && st != StreamState::kHalfClosedLocal) return;
  if (auto increment = s->recv.UpdateToSend(now_, rtt_)) {
    h2::WriteWindowUpdate(out_.control(), s->id, *increment);
  }
}

void Connection::Impl::ConsumeData(StreamId id, size_t n) {
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed || n == 0) return;
  n = static_cast<size_t>(std::min<uint64_t>(n, s->unconsumed));
  if (n == 0) return;
  s->unconsumed -= n;
  s->recv.Consume(n);
  conn_recv_.Consume(n);
  MaybeUpdateStreamWindow(s);
  MaybeUpdateConnectionWindow();
}

// --- Output -----------------------------------------------------------------------------------

template <typename List>
bool Connection::Impl::CheckOutgoing(HeaderBlockKind kind, bool end_stream, const List& list) {
  if (HeaderListSize(list) > peer_settings_.max_header_list_size) return false;  // §6.5.2
  out_validator_.StartBlock(kind, end_stream);
  if (!options_.validate_outgoing_headers) {
    // Still learn the method and status the connection's own rules need.
    for (const auto& f : list) {
      if (f.name == ":method" || f.name == ":status") (void)out_validator_.OnField(f.name, f.value);
    }
    (void)out_validator_.EndBlock();
    return true;
  }
  for (const auto& f : list) {
    if (out_validator_.OnField(f.name, f.value) != HeaderError::kOk) return false;
  }
  return out_validator_.EndBlock() == HeaderError::kOk;
}

template <typename List>
void Connection::Impl::WriteHeaders(StreamId id, const List& list, bool end_stream) {
  fields_.clear();
  for (const auto& f : list) fields_.push_back({f.name, f.value, f.never_index});
  block_buffer_.Clear();
  hpack_encoder_.Encode(fields_, block_buffer_);
  WriteHeaderBlock(out_.control(), id, block_buffer_.span(), end_stream,
                   peer_settings_.max_frame_size);
}

void Connection::Impl::WriteGoAway(StreamId last, ErrorCode code, std::string_view debug) {
  if (goaway_sent_) last = std::min(last, goaway_last_sent_);  // §6.8: never increase it
  h2::WriteGoAway(out_.control(), last, code, debug);
  goaway_sent_ = true;
  goaway_last_sent_ = last;
}

StreamId Connection::Impl::LastProcessedStream() const { return last_processed_; }

void Connection::Impl::SendFinalGoAway() {
  shutdown_ = Shutdown::kFinal;
  shutdown_ping_outstanding_ = false;
  WriteGoAway(LastProcessedStream(), ErrorCode::kNoError, {});
  CheckFinished();
}

std::span<const uint8_t> Connection::Impl::PendingOutput() {
  EntryScope scope(this);
  GenerateData();
  return out_.Pending();
}

void Connection::Impl::ConsumeOutput(size_t n) { out_.Consume(n); }

void Connection::Impl::OnTransportClosed() {
  EntryScope scope(this);
  if (!failed_ && !finished_) Fail(ErrorCode::kCancel, "transport closed", /*send_goaway=*/false);
  out_.Clear();
  // After a graceful finish the streams are already gone; make is_closed() hold anyway.
  if (!failed_) failed_ = true;
}

void Connection::Impl::UpdateReady(Stream* s) {
  if (s->closed || s->pending || !s->registered || failed_) return;
  const bool wants_data = s->source != nullptr && !s->blocked && !s->source_done;
  const bool wants_trailers = s->source_done && s->trailers_pending;
  if (wants_trailers || (wants_data && s->send.Sendable() > 0)) {
    scheduler_.MarkReady(s->id);
  } else {
    scheduler_.MarkNotReady(s->id);
  }
}

void Connection::Impl::GenerateData() {
  const size_t limit = std::min(options_.output_chunk_size, options_.max_output_buffer);
  while (!failed_) {
    out_.Flush();
    if (out_.unsent_committed() >= limit) break;
    const std::optional<StreamId> next = scheduler_.PopNext();
    if (!next) break;
    Stream* s = FindLive(*next);
    if (s == nullptr || s->closed) continue;
    WriteStreamData(s);
  }
  out_.Flush();
}

void Connection::Impl::WriteStreamData(Stream* s) {
  if (s->source_done) {
    if (s->trailers_pending) SendTrailers(s);
    return;
  }
  if (s->source == nullptr || s->blocked) return;
  const uint32_t frame_limit = static_cast<uint32_t>(
      std::min<size_t>(peer_settings_.max_frame_size, options_.output_chunk_size));
  const uint32_t max = MaxDataPayload(s->send, conn_send_, frame_limit);
  if (max == 0) {
    if (conn_send_.Sendable() == 0) connection_blocked_.push_back(s->id);
    return;
  }
  out_.PrepareCommit();
  ByteSink& sink = out_.committed();
  const size_t header_pos = sink.size();
  sink.AppendUninitialized(kFrameHeaderSize);
  DataChunk chunk;
  ++depth_;
  chunk = s->source->Read(max, sink);
  --depth_;
  const size_t appended = sink.size() - header_pos - kFrameHeaderSize;
  if (s->closed || failed_) {  // reset from inside Read
    sink.Truncate(header_pos);
    DrainEvents();
    return;
  }
  if (H2_BUG_IF(appended > max)) {  // the DataSource broke its contract
    sink.Truncate(header_pos);
    ResetStream(s, ErrorCode::kInternalError);
    DrainEvents();
    return;
  }
  if (appended == 0 && !chunk.end_stream) {  // "not yet"
    sink.Truncate(header_pos);
    s->blocked = true;
    DrainEvents();
    return;
  }
  const bool end = chunk.end_stream;
  const bool end_on_data = end && !s->trailers_pending;
  if (appended == 0 && !end_on_data) {
    sink.Truncate(header_pos);  // nothing to say before the trailers
  } else {
    const FrameHeader header{static_cast<uint32_t>(appended), FrameType::kData,
                             end_on_data ? flags::kEndStream : uint8_t{0}, s->id};
    SerializeFrameHeader(header, sink.mutable_data() + header_pos);
    const uint32_t length = static_cast<uint32_t>(appended);
    (void)s->send.Consume(length);
    (void)conn_send_.Consume(length);
    (void)s->sm.Apply(end_on_data ? StreamEvent::kSendDataEndStream : StreamEvent::kSendData);
  }
  if (end) {
    s->source_done = true;
    s->source.reset();
    if (s->trailers_pending) SendTrailers(s);
  } else if (chunk.blocked) {
    s->blocked = true;
  }
  if (s->sm.closed()) {
    CloseStream(s, ErrorCode::kNoError, CloseCause::kEndStream);
  } else {
    UpdateReady(s);
  }
  DrainEvents();
}

void Connection::Impl::SendTrailers(Stream* s) {
  s->trailers_pending = false;
  WriteHeaders(s->id, s->trailers, /*end_stream=*/true);
  HeaderList().swap(s->trailers);
  (void)s->sm.Apply(StreamEvent::kSendHeadersEndStream);
  if (s->sm.closed()) CloseStream(s, ErrorCode::kNoError, CloseCause::kEndStream);
}

// --- Commands ---------------------------------------------------------------------------------

std::optional<StreamId> Connection::Impl::SubmitRequest(std::span<const HeaderRef> headers,
                                                        std::unique_ptr<DataSource> body) {
  if (perspective_ != Perspective::kClient || failed_ || finished_ || goaway_received_ ||
      shutdown_ != Shutdown::kNone) {
    return std::nullopt;
  }
  const bool end_stream = body == nullptr;
  if (!CheckOutgoing(HeaderBlockKind::kRequest, end_stream, headers)) return std::nullopt;
  const std::optional<StreamId> id = ids_.AllocateLocal();
  if (!id) return std::nullopt;  // §5.1.1: identifiers exhausted; a new connection is needed
  Stream* s = CreateStream(*id, /*local=*/true);
  s->visible = true;
  s->method = out_validator_.method();
  s->plain_connect = out_validator_.is_connect() && !out_validator_.is_extended_connect();
  s->request_end_stream = end_stream;
  if (body) {
    s->source = std::move(body);
  }
  if (queued_requests_.empty() && active_local_ < peer_settings_.max_concurrent_streams) {
    OpenLocalStream(s, headers);
  } else {
    s->pending = true;
    s->request_headers.reserve(headers.size());
    for (const HeaderRef& f : headers) {
      s->request_headers.push_back(
          HeaderEntry{std::string(f.name), std::string(f.value), f.never_index});
    }
    queued_requests_.push_back(*id);
  }
  return id;
}

void Connection::Impl::OpenLocalStream(Stream* s, std::span<const HeaderRef> headers) {
  s->pending = false;
  const bool end_stream = s->request_end_stream;
  (void)s->sm.Apply(end_stream ? StreamEvent::kSendHeadersEndStream : StreamEvent::kSendHeaders);
  Priority priority;
  if (!s->request_headers.empty()) {
    WriteHeaders(s->id, s->request_headers, end_stream);
    priority = PriorityOf(s->request_headers);
    HeaderList().swap(s->request_headers);
  } else {
    WriteHeaders(s->id, headers, end_stream);
    priority = PriorityOf(headers);
  }
  s->final_headers_sent = true;
  s->counted = true;
  ++active_local_;
  s->registered = scheduler_.Register(s->id, priority);
  UpdateReady(s);
}

void Connection::Impl::ReleaseQueuedRequests() {
  if (failed_ || goaway_received_) return;
  while (!queued_requests_.empty() && active_local_ < peer_settings_.max_concurrent_streams) {
    const StreamId id = queued_requests_.front();
    queued_requests_.pop_front();
    Stream* s = FindLive(id);
    if (s == nullptr || !s->pending || s->closed) continue;
    OpenLocalStream(s, {});
  }
}

bool Connection::Impl::SubmitInformational(StreamId id, std::span<const HeaderRef> headers) {
  if (perspective_ != Perspective::kServer || failed_) return false;
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed || !s->visible || s->final_headers_sent) return false;
  if (!CheckOutgoing(HeaderBlockKind::kResponse, false, headers)) return false;
  if (!out_validator_.is_informational()) return false;
  if (s->sm.Apply(StreamEvent::kSendHeaders).action != StreamAction::kProceed) return false;
  WriteHeaders(id, headers, /*end_stream=*/false);
  return true;
}

bool Connection::Impl::SubmitResponse(StreamId id, std::span<const HeaderRef> headers,
                                      std::unique_ptr<DataSource> body) {
  if (perspective_ != Perspective::kServer || failed_) return false;
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed || !s->visible || s->final_headers_sent) return false;
  // Find the status first: HEAD, 204 and 304 responses have no content (§8.1.1).
  const std::string_view status = FieldValue(headers, ":status");
  if (s->method == RequestMethod::kHead || status == "204" || status == "304") body.reset();
  const bool end_stream = body == nullptr;
  if (!CheckOutgoing(HeaderBlockKind::kResponse, end_stream, headers)) return false;
  if (out_validator_.status_code() < 200) return false;
  const StreamEvent event =
      end_stream ? StreamEvent::kSendHeadersEndStream : StreamEvent::kSendHeaders;
  if (NextStreamState(s->sm.state(), s->sm.close_cause(), event).action !=
      StreamAction::kProceed) {
    return false;
  }
  (void)s->sm.Apply(event);
  WriteHeaders(id, headers, end_stream);
  s->final_headers_sent = true;
  if (body) {
    s->source = std::move(body);
    UpdateReady(s);
  }
  if (s->sm.closed()) CloseStream(s, ErrorCode::kNoError, CloseCause::kEndStream);
  return true;
}

bool Connection::Impl::SubmitTrailers(StreamId id, std::span<const HeaderRef> trailers) {
  if (failed_) return false;
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed || s->source == nullptr || s->source_done ||
      s->trailers_pending || s->plain_connect) {
    return false;  // §8.5: no trailers on a CONNECT tunnel
  }
  const HeaderBlockKind kind = perspective_ == Perspective::kServer
                                   ? HeaderBlockKind::kResponseTrailers
                                   : HeaderBlockKind::kRequestTrailers;
  if (!CheckOutgoing(kind, /*end_stream=*/true, trailers)) return false;
  s->trailers_pending = true;
  s->trailers.reserve(trailers.size());
  for (const HeaderRef& f : trailers) {
    s->trailers.push_back(HeaderEntry{std::string(f.name), std::string(f.value), f.never_index});
  }
  UpdateReady(s);
  return true;
}

bool Connection::Impl::ResumeData(StreamId id) {
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed || s->source == nullptr) return false;
  s->blocked = false;
  UpdateReady(s);
  return true;
}

bool Connection::Impl::SubmitRstStream(StreamId id, ErrorCode code) {
  Stream* s = FindLive(id);
  if (s == nullptr || s->closed) return false;
  if (!s->pending && NextStreamState(s->sm.state(), s->sm.close_cause(),
                                     StreamEvent::kSendRstStream)
                             .action != StreamAction::kProceed) {
    return false;
  }
  ResetStream(s, code);
  return true;
}

void Connection::Impl::SubmitPing(uint64_t opaque, Clock::time_point now) {
  if (failed_) return;
  SetNow(now);
  WritePing(out_.control(), ToPingData(opaque), /*ack=*/false);
  user_pings_.emplace_back(opaque, now);
  while (user_pings_.size() > options_.max_outstanding_pings) user_pings_.pop_front();
}

void Connection::Impl::StartGracefulShutdown(Clock::time_point now) {
  if (failed_ || shutdown_ != Shutdown::kNone) return;
  SetNow(now);
  if (perspective_ == Perspective::kClient) {
    // A client's GOAWAY concerns server-initiated streams, of which there are none (no push).
    SendFinalGoAway();
    return;
  }
  // §6.8: first signal that shutdown is coming without refusing the requests in flight,
  // then, one round trip later, name the last stream that will be processed.
  WriteGoAway(kMaxStreamId, ErrorCode::kNoError, {});
  shutdown_ = Shutdown::kDraining;
  WritePing(out_.control(), ToPingData(kShutdownPingOpaque), /*ack=*/false);
  shutdown_ping_outstanding_ = true;
  shutdown_deadline_ = now + options_.graceful_shutdown_timeout;
}

void Connection::Impl::SubmitGoAway(ErrorCode code, std::string_view debug) {
  if (failed_) return;
  if (code != ErrorCode::kNoError) {
    Fail(code, debug, /*send_goaway=*/true);
    return;
  }
  shutdown_ = Shutdown::kFinal;
  shutdown_ping_outstanding_ = false;
  WriteGoAway(LastProcessedStream(), code, debug);
  CheckFinished();
}

bool Connection::Impl::StartFromUpgrade(std::span<const uint8_t> payload,
                                        std::span<const HeaderRef> headers,
                                        Clock::time_point now) {
  if (perspective_ != Perspective::kServer || failed_ || any_input_ || !streams_.empty() ||
      ids_.last_peer_stream_id() != 0) {
    return false;
  }
  if (payload.size() % kSettingSize != 0) return false;
  Settings next = peer_settings_;
  uint32_t max_initial_window = next.initial_window_size;
  for (size_t i = 0; i < payload.size(); i += kSettingSize) {
    const uint8_t* p = payload.data() + i;
    const auto id = static_cast<SettingsId>((p[0] << 8) | p[1]);
    const uint32_t value = (uint32_t{p[2]} << 24) | (uint32_t{p[3]} << 16) |
                           (uint32_t{p[4]} << 8) | p[5];
    if (next.ApplyFrom(Perspective::kClient, id, value) != ErrorCode::kNoError) return false;
    if (id == SettingsId::kInitialWindowSize) {
      max_initial_window = std::max(max_initial_window, value);
    }
  }
  validator_.StartBlock(HeaderBlockKind::kRequest, /*end_stream=*/true);
  for (const HeaderRef& f : headers) {
    if (validator_.OnField(f.name, f.value) != HeaderError::kOk) return false;
  }
  if (validator_.EndBlock() != HeaderError::kOk) return false;

  EntryScope scope(this);
  SetNow(now);
  const Settings old = peer_settings_;
  peer_settings_ = next;
  ApplyPeerSettings(old, max_initial_window);
  if (ids_.OnPeerOpened(1) != ErrorCode::kNoError) return false;
  Stream* s = CreateStream(1, /*local=*/false);
  (void)s->sm.Apply(StreamEvent::kRecvHeadersEndStream);
  s->method = validator_.method();
  s->inbound.OnBlockAccepted(validator_);
  s->final_headers_received = true;
  s->visible = true;
  headers_.clear();
  for (const HeaderRef& f : headers) {
    headers_.push_back(HeaderEntry{std::string(f.name), std::string(f.value), f.never_index});
  }
  num_headers_ = headers_.size();
  last_processed_ = 1;
  s->registered = scheduler_.Register(1, PriorityOf(headers_));
  Deliver([&] { visitor_->OnHeaders(1, HeadersKind::kRequest, headers_, true); });
  if (!s->closed) PeerEnded(s);
  return true;
}

// --- Timers -----------------------------------------------------------------------------------

std::optional<Clock::time_point> Connection::Impl::NextDeadline() const {
  if (failed_) return std::nullopt;
  std::optional<Clock::time_point> deadline;
  if (have_time_ && local_settings_.outstanding() > 0) {
    deadline = settings_sent_at_ +
               std::chrono::duration_cast<Clock::duration>(options_.settings_timeout);
  }
  if (shutdown_ == Shutdown::kDraining) {
    deadline = deadline ? std::min(*deadline, shutdown_deadline_) : shutdown_deadline_;
  }
  return deadline;
}

void Connection::Impl::OnTimer(Clock::time_point now) {
  EntryScope scope(this);
  SetNow(now);
  if (failed_) return;
  if (local_settings_.outstanding() > 0 &&
      now >= settings_sent_at_ +
                 std::chrono::duration_cast<Clock::duration>(options_.settings_timeout)) {
    ConnectionError(ErrorCode::kSettingsTimeout, "SETTINGS not acknowledged in time (§6.5.3)");
    return;
  }
  if (shutdown_ == Shutdown::kDraining && now >= shutdown_deadline_) SendFinalGoAway();
}

// ---------------------------------------------------------------------------------------------
// Connection

Connection::Connection(const ConnectionOptions& options, ConnectionVisitor* visitor)
    : impl_(std::make_unique<Impl>(options, visitor)) {}
Connection::~Connection() = default;

Perspective Connection::perspective() const { return impl_->perspective(); }
size_t Connection::ProcessInput(std::span<const uint8_t> bytes, Clock::time_point now) {
  return impl_->ProcessInput(bytes, now);
}
std::span<const uint8_t> Connection::PendingOutput() { return impl_->PendingOutput(); }
void Connection::ConsumeOutput(size_t n) { impl_->ConsumeOutput(n); }
bool Connection::want_read() const { return impl_->want_read(); }
bool Connection::want_write() const { return impl_->want_write(); }
bool Connection::is_closed() const { return impl_->is_closed(); }
void Connection::OnTransportClosed() { impl_->OnTransportClosed(); }
std::optional<Clock::time_point> Connection::NextDeadline() const {
  return impl_->NextDeadline();
}
void Connection::OnTimer(Clock::time_point now) { impl_->OnTimer(now); }
std::optional<StreamId> Connection::SubmitRequest(std::span<const HeaderRef> headers,
                                                  std::unique_ptr<DataSource> body) {
  return impl_->SubmitRequest(headers, std::move(body));
}
bool Connection::SubmitInformational(StreamId id, std::span<const HeaderRef> headers) {
  return impl_->SubmitInformational(id, headers);
}
bool Connection::SubmitResponse(StreamId id, std::span<const HeaderRef> headers,
                                std::unique_ptr<DataSource> body) {
  return impl_->SubmitResponse(id, headers, std::move(body));
}
bool Connection::SubmitTrailers(StreamId id, std::span<const HeaderRef> trailers) {
  return impl_->SubmitTrailers(id, trailers);
}
bool Connection::ResumeData(StreamId id) { return impl_->ResumeData(id); }
void Connection::ConsumeData(StreamId id, size_t n) { impl_->ConsumeData(id, n); }
bool Connection::SubmitRstStream(StreamId id, ErrorCode code) {
  return impl_->SubmitRstStream(id, code);
}
void Connection::SubmitPing(uint64_t opaque, Clock::time_point now) {
  impl_->SubmitPing(opaque, now);
}
void Connection::StartGracefulShutdown(Clock::time_point now) {
  impl_->StartGracefulShutdown(now);
}
void Connection::SubmitGoAway(ErrorCode code, std::string_view debug) {
  impl_->SubmitGoAway(code, debug);
}
bool Connection::StartFromUpgrade(std::span<const uint8_t> http2_settings_payload,
                                  std::span<const HeaderRef> request_headers,
                                  Clock::time_point now) {
  return impl_->StartFromUpgrade(http2_settings_payload, request_headers, now);
}
const Settings& Connection::peer_settings() const { return impl_->peer_settings(); }
size_t Connection::num_active_streams() const { return impl_->num_active_streams(); }
size_t Connection::num_queued_requests() const { return impl_->num_queued_requests(); }
std::chrono::nanoseconds Connection::rtt() const { return impl_->rtt(); }

}  // namespace h2engine::h2
