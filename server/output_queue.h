// OutputQueue: bytes waiting to be written to a peer, as a list of owned buffers, so a
// connection can hand them to writev() without first copying them into one buffer.
//
// Small appends are coalesced into the last buffer; large ones (a body chunk moved in as a
// std::string) are kept as their own buffer. Consume() drops bytes from the front after a
// partial write. Views returned by Gather() stay valid until the next Append or Consume.

#ifndef H2ENGINE_SERVER_OUTPUT_QUEUE_H_
#define H2ENGINE_SERVER_OUTPUT_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>

namespace h2engine::server {

class OutputQueue {
 public:
  // Append copies `data` (coalescing it into the last buffer when small).
  void Append(std::string_view data);
  // Append takes ownership of `data` (no copy unless it is small enough to coalesce).
  void Append(std::string&& data);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Gather fills `out` with views of the pending bytes, oldest first, and returns how many
  // views it filled (at most out.size()).
  size_t Gather(std::span<std::span<const uint8_t>> out) const;
  // Consume drops the first `n` bytes (n <= size()).
  void Consume(size_t n);
  // TakeAll returns every pending byte as one string and empties the queue (tests, small
  // outputs).
  std::string TakeAll();
  void Clear();

 private:
  static constexpr size_t kCoalesceLimit = 1024;

  std::deque<std::string> buffers_;
  size_t front_offset_ = 0;  // bytes of buffers_.front() already consumed
  size_t size_ = 0;
};

}  // namespace h2engine::server

#endif  // H2ENGINE_SERVER_OUTPUT_QUEUE_H_
