#include "evalkit/text/token_id_table.h"

#include <cstring>

namespace evalkit {
namespace {

// Tokens are short: mixing 8 bytes at a time with a multiply is plenty, and fast. Fixed-size
// memcpy calls compile to single loads.
uint64_t hash_token(std::string_view token) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  const char* p = token.data();
  size_t left = token.size();
  uint64_t h = left * kMultiplier;
  for (; left >= 8; left -= 8, p += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    h = (h ^ chunk) * kMultiplier;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  if (left >= 4) {
    uint32_t chunk;
    std::memcpy(&chunk, p, 4);
    tail = chunk;
    p += 4;
    left -= 4;
  }
  for (int shift = 32; left > 0; --left, ++p, shift += 8) {
    tail ^= static_cast<uint64_t>(static_cast<unsigned char>(*p)) << (shift % 64);
  }
  h = (h ^ tail) * kMultiplier;
  h ^= h >> 32;
  return h;
}

bool same_bytes(const char* a, const char* b, size_t size) {
  for (; size >= 8; size -= 8, a += 8, b += 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  for (; size > 0; --size, ++a, ++b) {
    if (*a != *b) return false;
  }
  return true;
}

constexpr uint64_t tag_of(uint64_t hash) { return hash & 0xFFFFFFFF00000000ull; }

}  // namespace

uint32_t TokenIdTable::intern(std::string_view token) {
  if (slots_.empty() || (ends_.size() + 1) * 2 > slots_.size()) grow();
  const uint64_t hash = hash_token(token);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    uint64_t entry = slots_[slot];
    if (entry == 0) {
      auto id = static_cast<uint32_t>(ends_.size());
      bytes_.append(token);
      ends_.push_back(static_cast<uint32_t>(bytes_.size()));
      hashes_.push_back(hash);
      slots_[slot] = tag_of(hash) | (id + 1);
      return id;
    }
    if (tag_of(entry) != tag_of(hash)) continue;
    auto id = static_cast<uint32_t>(entry) - 1;
    uint32_t begin = id == 0 ? 0 : ends_[id - 1];
    if (ends_[id] - begin == token.size() &&
        same_bytes(bytes_.data() + begin, token.data(), token.size())) {
      return id;
    }
  }
}

std::string_view TokenIdTable::token(uint32_t id) const {
  uint32_t begin = id == 0 ? 0 : ends_[id - 1];
  return std::string_view(bytes_).substr(begin, ends_[id] - begin);
}

size_t TokenIdTable::memory_bytes() const {
  return bytes_.capacity() + ends_.capacity() * sizeof(uint32_t) +
         hashes_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint64_t);
}

void TokenIdTable::clear() {
  bytes_.clear();
  ends_.clear();
  hashes_.clear();
  slots_.assign(slots_.size(), 0);
}

void TokenIdTable::grow() {
  size_t capacity = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(capacity, 0);
  size_t mask = capacity - 1;
  for (uint32_t id = 0; id < ends_.size(); ++id) {
    size_t slot = hashes_[id] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = tag_of(hashes_[id]) | (id + 1);
  }
}

}  // namespace evalkit
