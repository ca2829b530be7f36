// Dense ids for 64-bit keys: the first key seen gets 0, the next new one 1, and so on.
// An open-addressing table that is reused across calls without clearing or reallocating.
#pragma once

#include <cstdint>
#include <vector>

namespace evalkit {

class KeyInterner {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  // Forgets every key and makes room for up to max_keys keys.
  void reset(std::size_t max_keys);

  // The id of key, assigning the next id when key is new. At most max_keys distinct keys.
  uint32_t intern(uint64_t key) {
    std::size_t slot = home(key);
    while (true) {
      Slot& s = slots_[slot];
      if (s.stamp != stamp_) {
        s = Slot{key, size_, stamp_};
        return size_++;
      }
      if (s.key == key) return s.id;
      slot = (slot + 1) & mask_;
    }
  }

  // The id of key, or kAbsent.
  uint32_t find(uint64_t key) const {
    std::size_t slot = home(key);
    while (true) {
      const Slot& s = slots_[slot];
      if (s.stamp != stamp_) return kAbsent;
      if (s.key == key) return s.id;
      slot = (slot + 1) & mask_;
    }
  }

  // Number of distinct keys interned since reset().
  uint32_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t id = 0;
    uint32_t stamp = 0;  // the slot is in use only when stamp == stamp_
  };

  std::size_t home(uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  int shift_ = 64;
  uint32_t stamp_ = 0;
  uint32_t size_ = 0;
};

}  // namespace evalkit
