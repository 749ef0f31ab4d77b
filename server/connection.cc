#include "server/connection.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "base/check.h"

namespace h2engine::server {

Connection::Connection(EventLoop* loop, int fd, const SocketAddress& peer,
                       const ConnectionOptions& options, SessionFactory factory,
                       ClosedCallback on_closed)
    : loop_(loop),
      fd_(fd),
      peer_(peer),
      options_(options),
      factory_(std::move(factory)),
      on_closed_(std::move(on_closed)) {
  accepted_ = last_progress_ = phase_since_ = loop_->Now();
}

Connection::~Connection() {
  on_closed_ = nullptr;
  Destroy();
}

bool Connection::Start() {
  if (!loop_->Watch(fd_, kIoRead, [this](uint32_t events) { OnIo(events); })) {
    Destroy();
    return false;
  }
  ArmTimer();
  return true;
}

void Connection::SessionChanged() {
  if (state_ == State::kClosed) return;
  if (in_update_) {
    update_again_ = true;
    return;
  }
  // Called from inside the session (a posted response, a resumed body): re-evaluate from the
  // loop, never re-entrantly.
  if (update_posted_) return;
  update_posted_ = true;
  std::weak_ptr<int> alive = alive_;
  loop_->Post([alive, this] {
    if (!alive.lock()) return;
    update_posted_ = false;
    Update();
  });
}

void Connection::OnIo(uint32_t events) {
  if (state_ == State::kClosed) return;
  if (events & kIoError) {
    Destroy();
    return;
  }
  if (events & kIoRead) {
    ReadSome();
  } else if (events & kIoHangup) {
    Destroy();  // both directions are gone
    return;
  }
  if (state_ == State::kClosed) return;
  Update();
}

void Connection::ReadSome() {
  if (state_ == State::kLingering) {
    char discard[4096];
    ssize_t n = ::read(fd_, discard, sizeof(discard));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) Destroy();
    return;
  }
  size_t room =
      options_.max_input_buffer > input_.size() ? options_.max_input_buffer - input_.size() : 0;
  if (room == 0) return;
  size_t want = std::min(room, options_.read_chunk_bytes);
  size_t old = input_.size();
  input_.resize(old + want);
  ssize_t n;
  do {
    n = ::read(fd_, input_.data() + old, want);
  } while (n < 0 && errno == EINTR);
  if (n > 0) {
    input_.resize(old + static_cast<size_t>(n));
    last_progress_ = loop_->Now();
    return;
  }
  input_.resize(old);
  if (n == 0) {
    eof_ = true;
    if (session_ != nullptr) {
      session_->OnInputClosed();
    } else {
      Destroy();
    }
    return;
  }
  if (errno != EAGAIN && errno != EWOULDBLOCK) Destroy();  // ECONNRESET and friends
}

bool Connection::TryCreateSession() {
  SniffResult protocol =
      SniffProtocol({reinterpret_cast<const uint8_t*>(input_.data()), input_.size()});
  if (protocol == SniffResult::kNeedMoreData) return false;
  session_ = factory_(protocol, this, peer_);
  if (session_ == nullptr) {
    Destroy();
    return false;
  }
  if (eof_) session_->OnInputClosed();
  return true;
}

void Connection::Update() {
  if (state_ == State::kClosed) return;
  if (in_update_) {
    update_again_ = true;
    return;
  }
  in_update_ = true;
  bool more = false;
  for (int round = 0; state_ == State::kOpen; ++round) {
    if (round == 64) {  // fairness: finish on a later turn instead of starving the loop
      more = true;
      break;
    }
    update_again_ = false;
    if (session_ == nullptr && !TryCreateSession()) break;
    session_->Advance();
    bool progress = false;
    if (!input_.empty() && session_->wants_input()) {
      size_t n =
          session_->ProcessInput({reinterpret_cast<const uint8_t*>(input_.data()), input_.size()});
      if (n > 0) {
        input_.erase(0, n);
        progress = true;
      }
    }
    if (session_->pending_output() > 0 && !Flush()) {
      in_update_ = false;
      Destroy();
      return;
    }
    if (session_->done() && session_->pending_output() == 0) {
      BeginLinger();
      break;
    }
    if (!progress && !update_again_) break;
  }
  in_update_ = false;
  if (state_ == State::kClosed) return;
  UpdateInterest();
  ArmTimer();
  if (more) SessionChanged();
}

bool Connection::Flush() {
  constexpr size_t kMaxViews = 64;
  size_t written = 0;
  want_write_ = false;
  while (session_->pending_output() > 0) {
    if (written >= options_.max_write_per_turn) {
      want_write_ = true;  // more next turn: the socket is still writable
      return true;
    }
    std::span<const uint8_t> views[kMaxViews];
    size_t count = session_->GatherOutput(views);
    iovec iov[kMaxViews];
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
      iov[i].iov_base = const_cast<uint8_t*>(views[i].data());
      iov[i].iov_len = views[i].size();
      total += views[i].size();
    }
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = count;
    ssize_t n = ::sendmsg(fd_, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        want_write_ = true;
        return true;
      }
      return false;  // EPIPE, ECONNRESET: the peer is gone
    }
    last_progress_ = loop_->Now();
    written += static_cast<size_t>(n);
    session_->ConsumeOutput(static_cast<size_t>(n));
    if (static_cast<size_t>(n) < total) {
      want_write_ = true;  // the socket buffer is full
      return true;
    }
  }
  return true;
}

void Connection::UpdateInterest() {
  uint32_t interest = 0;
  if (state_ == State::kLingering) {
    interest = kIoRead;
  } else if (state_ == State::kOpen) {
    bool want_read = !eof_ && input_.size() < options_.max_input_buffer &&
                     (session_ == nullptr || session_->wants_input());
    if (want_read) interest |= kIoRead;
    if (want_write_) interest |= kIoWrite;
  }
  loop_->SetInterest(fd_, interest);
}

std::optional<TimePoint> Connection::PhaseDeadline() {
  TimePoint now = loop_->Now();
  if (state_ == State::kLingering) return linger_start_ + options_.linger_timeout;
  if (session_ == nullptr) return accepted_ + options_.first_request_timeout;
  SessionPhase phase = session_->phase();
  uint64_t requests = session_->requests_started();
  if (phase != phase_ || requests != requests_seen_) {
    phase_ = phase;
    phase_since_ = now;
    requests_seen_ = requests;
  }
  switch (phase) {
    case SessionPhase::kHandshake:
      return std::min(accepted_ + options_.handshake_timeout,
                      accepted_ + options_.first_request_timeout);
    case SessionPhase::kFirstRequest:
      return accepted_ + options_.first_request_timeout;
    case SessionPhase::kIdle:
      return phase_since_ + options_.idle_timeout;
    case SessionPhase::kReadingHead: {
      TimePoint deadline = phase_since_ + options_.header_timeout;
      if (requests == 0) deadline = std::min(deadline, accepted_ + options_.first_request_timeout);
      return deadline;
    }
    case SessionPhase::kReadingBody:
      return last_progress_ + options_.idle_timeout;
    case SessionPhase::kProcessing:
    case SessionPhase::kClosing:
      // The application's turn: no timeout, unless the peer is not taking our output.
      if (want_write_) return last_progress_ + options_.idle_timeout;
      return std::nullopt;
  }
  return std::nullopt;
}

void Connection::ArmTimer() {
  if (state_ == State::kClosed) return;
  std::optional<TimePoint> deadline = PhaseDeadline();
  if (state_ == State::kOpen && session_ != nullptr) {
    std::optional<TimePoint> protocol = session_->NextDeadline();
    if (protocol && (!deadline || *protocol < *deadline)) deadline = protocol;
  }
  if (!deadline) {
    if (timer_ != kNoTimer) loop_->CancelTimer(timer_);
    timer_ = kNoTimer;
    return;
  }
  if (timer_ != kNoTimer && loop_->IsTimerPending(timer_) && timer_deadline_ == *deadline) return;
  if (timer_ != kNoTimer) loop_->CancelTimer(timer_);
  timer_deadline_ = *deadline;
  timer_ = loop_->RunAt(*deadline, [this] {
    timer_ = kNoTimer;
    OnTimer();
  });
}

void Connection::OnTimer() {
  if (state_ == State::kClosed) return;
  if (state_ == State::kLingering || session_ == nullptr) {
    Destroy();
    return;
  }
  TimePoint now = loop_->Now();
  std::optional<TimePoint> protocol = session_->NextDeadline();
  if (protocol && *protocol <= now) {
    session_->OnDeadline();
    Update();
    return;
  }
  std::optional<TimePoint> deadline = PhaseDeadline();
  if (!deadline || *deadline > now) {  // woken early (the phase changed meanwhile)
    ArmTimer();
    return;
  }
  SessionPhase phase = session_->phase();
  if (phase == SessionPhase::kProcessing || phase == SessionPhase::kClosing) {
    Destroy();  // the peer stopped reading our output
    return;
  }
  session_->OnTimeout(phase);
  Update();
}

void Connection::StartGracefulShutdown() {
  if (state_ != State::kOpen) return;  // already lingering or closed
  if (session_ == nullptr) {
    Destroy();  // nothing recognisable has arrived yet
    return;
  }
  session_->StartGracefulShutdown();
  Update();
}

void Connection::BeginLinger() {
  if (state_ != State::kOpen) return;
  if (session_ != nullptr) {
    session_->OnConnectionClosed();
    session_.reset();
  }
  if (eof_) {  // the peer has already closed its side: nothing to drain
    Destroy();
    return;
  }
  state_ = State::kLingering;
  ::shutdown(fd_, SHUT_WR);
  input_.clear();
  input_.shrink_to_fit();
  linger_start_ = loop_->Now();
}

void Connection::Destroy() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  if (timer_ != kNoTimer) loop_->CancelTimer(timer_);
  timer_ = kNoTimer;
  loop_->Unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
  if (session_ != nullptr) {
    session_->OnConnectionClosed();
    session_.reset();
  }
  if (on_closed_) {
    ClosedCallback callback = std::move(on_closed_);
    on_closed_ = nullptr;
    callback(this);
  }
}

}  // namespace h2engine::server
