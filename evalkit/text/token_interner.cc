#include "evalkit/text/token_interner.h"

#include <cstring>

namespace evalkit {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;

uint64_t mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ULL;
  x ^= x >> 32;
  return x;
}

}  // namespace

uint64_t token_hash(std::string_view bytes) {
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  uint64_t h = n * kMul;
  while (n >= 8) {
    uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    h = (h ^ chunk) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t chunk = 0;
    std::memcpy(&chunk, p, n);
    h = (h ^ chunk) * kMul;
  }
  return mix(h);
}

void TokenInterner::reset(std::size_t max_tokens) {
  std::size_t capacity = 16;
  while (capacity < 2 * max_tokens) capacity *= 2;
  if (capacity > slots_.size()) {
    slots_.assign(capacity, Slot{});
    stamp_ = 0;
  }
  if (++stamp_ == 0) {
    for (Slot& s : slots_) s.stamp = 0;
    stamp_ = 1;
  }
  mask_ = capacity - 1;
  tokens_.clear();
}

void TokenInterner::grow() {
  const std::size_t capacity = 2 * (mask_ + 1);
  slots_.assign(capacity, Slot{});
  stamp_ = 1;
  mask_ = capacity - 1;
  for (uint32_t id = 0; id < tokens_.size(); ++id) {
    const uint64_t hash = token_hash(tokens_[id]);
    std::size_t slot = static_cast<std::size_t>(hash) & mask_;
    while (slots_[slot].stamp == stamp_) slot = (slot + 1) & mask_;
    slots_[slot] = Slot{hash, id, stamp_};
  }
}

uint32_t TokenInterner::intern(std::string_view token) {
  const uint64_t hash = token_hash(token);
  std::size_t slot = static_cast<std::size_t>(hash) & mask_;
  while (true) {
    Slot& s = slots_[slot];
    if (s.stamp != stamp_) {
      const auto id = static_cast<uint32_t>(tokens_.size());
      s = Slot{hash, id, stamp_};
      tokens_.push_back(token);
      return id;
    }
    if (s.hash == hash && tokens_[s.id] == token) return s.id;
    slot = (slot + 1) & mask_;
  }
}

}  // namespace evalkit
