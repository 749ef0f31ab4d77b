#include "base/byte_sink.h"

#include <algorithm>

namespace h2engine {

void ByteSink::Grow(size_t min_capacity) {
  size_t new_capacity = std::max<size_t>({min_capacity, capacity_ * 2, 64});
  // new uint8_t[n] default-initialises: the bytes are not zeroed, by design.
  std::unique_ptr<uint8_t[]> grown(new uint8_t[new_capacity]);
  if (size_ != 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = new_capacity;
}

}  // namespace h2engine
