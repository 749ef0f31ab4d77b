#include "server/response.h"

#include <utility>

namespace h2engine::server {

Response Response::Text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  if (!content_type.empty()) r.headers.Add("content-type", content_type);
  r.body = std::move(body);
  return r;
}

Response Response::Stream(int status, std::shared_ptr<BodySource> source) {
  Response r;
  r.status = status;
  r.body_source = std::move(source);
  return r;
}

std::optional<uint64_t> Response::BodyLength() const {
  if (body_source) return body_source->Length();
  return body.size();
}

std::shared_ptr<BodyPipe> BodyPipe::Create(size_t high_water, std::optional<uint64_t> length) {
  return std::shared_ptr<BodyPipe>(new BodyPipe(high_water == 0 ? 1 : high_water, length));
}

void BodyPipe::WakeReaderLocked(std::function<void()>* out) {
  if (reader_waiting_ && resume_) {
    reader_waiting_ = false;
    *out = resume_;
  }
}

bool BodyPipe::Write(std::string data) {
  std::function<void()> wake;
  bool below;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || failed_ || cancelled_) return false;
    if (!data.empty()) {
      buffered_ += data.size();
      chunks_.push_back(std::move(data));
      WakeReaderLocked(&wake);
    }
    below = buffered_ < high_water_;
  }
  if (wake) wake();
  return below;
}

void BodyPipe::Finish(Headers trailers) {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || failed_ || cancelled_) return;
    finished_ = true;
    trailers_ = std::move(trailers);
    WakeReaderLocked(&wake);
  }
  if (wake) wake();
}

void BodyPipe::Fail() {
  std::function<void()> wake;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (finished_ || failed_ || cancelled_) return;
    failed_ = true;
    WakeReaderLocked(&wake);
  }
  if (wake) wake();
}

void BodyPipe::OnWritable(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled_ && buffered_ > high_water_ / 2) {
      on_writable_ = std::move(callback);
      return;
    }
  }
  callback();
}

bool BodyPipe::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

void BodyPipe::Start(std::function<void()> resume) {
  std::lock_guard<std::mutex> lock(mu_);
  resume_ = std::move(resume);
}

BodySource::Status BodyPipe::Read(size_t max_bytes, std::string* out) {
  std::function<void()> writable;
  Status status;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_ || cancelled_) return Status::kError;
    size_t taken = 0;
    while (!chunks_.empty() && taken < max_bytes) {
      std::string& front = chunks_.front();
      size_t n = std::min(front.size() - front_offset_, max_bytes - taken);
      out->append(front, front_offset_, n);
      taken += n;
      front_offset_ += n;
      if (front_offset_ == front.size()) {
        chunks_.pop_front();
        front_offset_ = 0;
      }
    }
    buffered_ -= taken;
    if (taken > 0 && on_writable_ && buffered_ <= high_water_ / 2) {
      writable = std::move(on_writable_);
      on_writable_ = nullptr;
    }
    if (finished_ && buffered_ == 0) {
      status = Status::kEnd;
    } else if (taken > 0) {
      status = Status::kData;
    } else {
      reader_waiting_ = true;
      status = Status::kLater;
    }
  }
  if (writable) writable();
  return status;
}

Headers BodyPipe::Trailers() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::move(trailers_);
}

void BodyPipe::Cancel() {
  std::function<void()> writable;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    chunks_.clear();
    buffered_ = 0;
    writable = std::move(on_writable_);
    on_writable_ = nullptr;
    resume_ = nullptr;
  }
  if (writable) writable();
}

}  // namespace h2engine::server
