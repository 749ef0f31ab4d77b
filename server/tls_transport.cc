#include "server/tls_transport.h"

#include <algorithm>
#include <utility>

namespace h2engine::server {

std::unique_ptr<TlsTransport> TlsTransport::Create(
    SessionHost* host, std::shared_ptr<const tls::ServerContext> context,
    const TlsTransportOptions& options, InnerFactory factory, std::string* error) {
  std::unique_ptr<tls::Session> tls =
      tls::Session::CreateServer(std::move(context), options.limits, error);
  if (tls == nullptr) return nullptr;
  return std::unique_ptr<TlsTransport>(
      new TlsTransport(host, std::move(tls), options, std::move(factory)));
}

TlsTransport::TlsTransport(SessionHost* host, std::unique_ptr<tls::Session> tls,
                           const TlsTransportOptions& options, InnerFactory factory)
    : host_(host), tls_(std::move(tls)), options_(options), factory_(std::move(factory)) {}

TlsTransport::~TlsTransport() { OnConnectionClosed(); }

void TlsTransport::Advance() {
  if (inner_ != nullptr && !connection_closed_) inner_->Advance();
  Pump();
}

size_t TlsTransport::ProcessInput(std::span<const uint8_t> input) {
  if (closing_ || connection_closed_) return input.size();  // nothing more is read
  size_t n = tls_->FeedCiphertext(input);
  Pump();
  return n;
}

void TlsTransport::OnInputClosed() {
  if (socket_eof_) return;
  socket_eof_ = true;
  if (!tls_->handshake_complete()) {
    closing_ = true;  // the client gave up during the handshake
    return;
  }
  Pump();
}

bool TlsTransport::wants_input() const {
  return !closing_ && !connection_closed_ && !socket_eof_ && !tls_closed_ &&
         tls_->CiphertextInputSpace() > 0;
}

size_t TlsTransport::GatherOutput(std::span<std::span<const uint8_t>> out) const {
  if (out.empty() || !tls_->has_pending_ciphertext()) return 0;
  out[0] = tls_->PendingCiphertext();
  return 1;
}

size_t TlsTransport::pending_output() const { return tls_->PendingCiphertext().size(); }

void TlsTransport::ConsumeOutput(size_t n) {
  tls_->ConsumeCiphertext(n);
  Pump();
}

bool TlsTransport::done() const { return closing_ || connection_closed_; }

SessionPhase TlsTransport::phase() const {
  if (done()) return SessionPhase::kClosing;
  if (!tls_->handshake_complete() || inner_ == nullptr) return SessionPhase::kHandshake;
  return inner_->phase();
}

uint64_t TlsTransport::requests_started() const {
  return inner_ != nullptr ? inner_->requests_started() : 0;
}

void TlsTransport::OnTimeout(SessionPhase phase) {
  if (done()) return;
  if (phase == SessionPhase::kHandshake || inner_ == nullptr) {
    closing_ = true;  // handshake timeout: close without an alert
    return;
  }
  inner_->OnTimeout(phase);
  Pump();
}

void TlsTransport::OnConnectionClosed() {
  if (connection_closed_) return;
  connection_closed_ = true;
  if (inner_ != nullptr) inner_->OnConnectionClosed();
}

std::optional<TimePoint> TlsTransport::NextDeadline() const {
  if (inner_ == nullptr || done()) return std::nullopt;
  return inner_->NextDeadline();
}

void TlsTransport::OnDeadline() {
  if (inner_ == nullptr || done()) return;
  inner_->OnDeadline();
  Pump();
}

void TlsTransport::StartGracefulShutdown() {
  if (done()) return;
  if (inner_ == nullptr) {
    closing_ = true;  // still handshaking: nothing in flight
    return;
  }
  inner_->StartGracefulShutdown();
  Pump();
}

void TlsTransport::Close() {
  if (closing_) return;
  closing_ = true;
  if (tls_->handshake_complete() && !tls_->failed()) (void)tls_->Shutdown();  // close_notify
}

void TlsTransport::Pump() {
  if (pumping_ || closing_ || connection_closed_) return;
  pumping_ = true;
  int round = 0;
  for (; round < 64 && !closing_; ++round) {
    bool progress = false;
    drained_ = false;

    // The handshake, then the protocol chosen by ALPN.
    if (inner_ == nullptr) {
      tls::TlsStatus status = tls_->Handshake();
      if (status == tls::TlsStatus::kError) {
        closing_ = true;  // the alert (if any) is pending; flushed, then closed
        break;
      }
      if (status != tls::TlsStatus::kOk) {
        if (socket_eof_) closing_ = true;  // the handshake can never complete
        break;
      }
      inner_ = factory_(*tls_);
      if (inner_ == nullptr) {
        Close();
        break;
      }
      progress = true;
    }

    // Plaintext in: decrypt while the inner session can take it.
    while (!tls_closed_ && plaintext_.size() < options_.max_plaintext_buffer &&
           inner_->wants_input()) {
      uint8_t buffer[16 * 1024];
      size_t room = std::min(sizeof(buffer), options_.max_plaintext_buffer - plaintext_.size());
      tls::TlsResult r = tls_->ReadPlaintext({buffer, room});
      if (r.status == tls::TlsStatus::kOk) {
        plaintext_.append(reinterpret_cast<const char*>(buffer), r.bytes);
        progress = true;
        continue;
      }
      if (r.status == tls::TlsStatus::kClosed) {
        tls_closed_ = true;  // close_notify
        progress = true;
      } else if (r.status == tls::TlsStatus::kWantRead) {
        drained_ = true;
      } else if (r.status == tls::TlsStatus::kError) {
        closing_ = true;
        if (inner_ != nullptr) inner_->OnConnectionClosed();
        pumping_ = false;
        return;
      }
      break;  // kWantRead: need ciphertext; kWantWrite: flush first
    }
    if (!plaintext_.empty() && inner_->wants_input()) {
      size_t n = inner_->ProcessInput(
          {reinterpret_cast<const uint8_t*>(plaintext_.data()), plaintext_.size()});
      if (n > 0) {
        plaintext_.erase(0, n);
        progress = true;
      }
    }
    if ((tls_closed_ || (socket_eof_ && drained_)) && plaintext_.empty() && !inner_told_closed_) {
      inner_told_closed_ = true;
      inner_->OnInputClosed();
      progress = true;
    }

    // Plaintext out: encrypt what the inner session has, as far as the TLS buffer allows.
    while (inner_->pending_output() > 0) {
      std::span<const uint8_t> views[16];
      size_t count = inner_->GatherOutput(views);
      size_t taken = 0;
      bool full = false;
      for (size_t i = 0; i < count && !full; ++i) {
        std::span<const uint8_t> view = views[i];
        while (!view.empty()) {
          tls::TlsResult r = tls_->WritePlaintext(view);
          if (r.status != tls::TlsStatus::kOk || r.bytes == 0) {
            full = true;
            if (r.status == tls::TlsStatus::kError) closing_ = true;
            break;
          }
          taken += r.bytes;
          view = view.subspan(r.bytes);
          if (!view.empty()) {
            full = true;  // the output limit was reached mid-view
            break;
          }
        }
      }
      if (taken > 0) {
        inner_->ConsumeOutput(taken);
        progress = true;
      }
      if (full || taken == 0 || closing_) break;
    }

    // The inner session is finished and everything it said is encrypted: close_notify.
    if (inner_->done() && inner_->pending_output() == 0) {
      Close();
      break;
    }
    if (!progress) break;
  }
  pumping_ = false;
  if (round == 64) host_->SessionChanged();  // more to do: continue on a later turn
}

}  // namespace h2engine::server
