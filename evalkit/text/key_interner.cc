#include "evalkit/text/key_interner.h"

namespace evalkit {

void KeyInterner::reset(std::size_t max_keys) {
  // Load factor at most 1/2; only the first `capacity` slots are used, so a small segment
  // after a large one still works in a small, cache-resident part of the table.
  std::size_t capacity = 16;
  int bits = 4;
  while (capacity < 2 * max_keys) {
    capacity *= 2;
    ++bits;
  }
  if (capacity > slots_.size()) {
    slots_.assign(capacity, Slot{});
    stamp_ = 0;
  }
  if (++stamp_ == 0) {  // the stamp wrapped: old slots could look current
    for (Slot& s : slots_) s.stamp = 0;
    stamp_ = 1;
  }
  mask_ = capacity - 1;
  shift_ = 64 - bits;
  size_ = 0;
}

}  // namespace evalkit
