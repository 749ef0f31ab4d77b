// ByteSink: an append-only, growable byte buffer that encoders and frame writers write into.
//
// It owns its storage, grows geometrically, and never value-initialises memory it hands out, so
// a writer that knows its output size can Reserve() once and write with plain stores (the
// Huffman encoder writes 64 bits at a time this way). Clear() keeps the capacity, so a sink
// reused across frames stops allocating once it has reached its working size.
//
// Views returned by span()/view()/data() are valid until the next call that appends, reserves
// or moves the sink.

#ifndef H2ENGINE_BASE_BYTE_SINK_H_
#define H2ENGINE_BASE_BYTE_SINK_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>

#include "base/check.h"

namespace h2engine {

class ByteSink {
 public:
  ByteSink() = default;
  explicit ByteSink(size_t initial_capacity) { Grow(initial_capacity); }
  ByteSink(ByteSink&& other) noexcept { *this = std::move(other); }
  ByteSink& operator=(ByteSink&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = other.capacity_ = 0;
    return *this;
  }
  ByteSink(const ByteSink&) = delete;
  ByteSink& operator=(const ByteSink&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  const uint8_t* data() const { return data_.get(); }
  uint8_t* mutable_data() { return data_.get(); }
  std::span<const uint8_t> span() const { return {data_.get(), size_}; }
  std::string_view view() const {
    return {reinterpret_cast<const char*>(data_.get()), size_};
  }

  // Clear forgets the contents and keeps the capacity.
  void Clear() { size_ = 0; }
  // Truncate shrinks the contents to `new_size` bytes (<= size()).
  void Truncate(size_t new_size) {
    H2_DCHECK_LE(new_size, size_);
    size_ = new_size;
  }

  // Reserve makes room for `n` more bytes and returns where they go; nothing is appended until
  // Commit(). The pointer is valid until the next call that changes the sink.
  uint8_t* Reserve(size_t n) {
    if (H2_PREDICT_FALSE(capacity_ - size_ < n)) Grow(size_ + n);
    return data_.get() + size_;
  }
  // Commit appends `n` bytes written through the last Reserve() (n <= what was reserved).
  void Commit(size_t n) {
    H2_DCHECK_LE(size_ + n, capacity_);
    size_ += n;
  }
  // AppendUninitialized appends `n` bytes of unspecified value and returns a pointer to them.
  uint8_t* AppendUninitialized(size_t n) {
    uint8_t* out = Reserve(n);
    size_ += n;
    return out;
  }

  void Append(const void* bytes, size_t n) {
    if (n == 0) return;
    std::memcpy(Reserve(n), bytes, n);
    size_ += n;
  }
  void Append(std::span<const uint8_t> bytes) { Append(bytes.data(), bytes.size()); }
  void Append(std::string_view bytes) { Append(bytes.data(), bytes.size()); }
  void AppendUInt8(uint8_t v) {
    *Reserve(1) = v;
    ++size_;
  }
  // Big-endian (network order) integers.
  void AppendUInt16(uint16_t v) {
    uint8_t* p = AppendUninitialized(2);
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
  }
  void AppendUInt24(uint32_t v) {
    H2_DCHECK_LT(v, 1u << 24);
    uint8_t* p = AppendUninitialized(3);
    p[0] = static_cast<uint8_t>(v >> 16);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v);
  }
  void AppendUInt32(uint32_t v) {
    uint8_t* p = AppendUninitialized(4);
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
  }

 private:
  void Grow(size_t min_capacity);

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace h2engine

#endif  // H2ENGINE_BASE_BYTE_SINK_H_
