#include "evalkit/text/token_id_table.h"

#include <cstring>

namespace evalkit {
namespace {

// Tokens are short: mixing 8 bytes at a time with a multiply is plenty, and fast.
uint64_t hash_token(std::string_view token) {
  constexpr uint64_t kMultiplier = 0x9E3779B97F4A7C15ull;
  uint64_t h = token.size() * kMultiplier;
  size_t i = 0;
  for (; i + 8 <= token.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, token.data() + i, 8);
    h = (h ^ chunk) * kMultiplier;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  for (size_t shift = 0; i < token.size(); ++i, shift += 8) {
    tail |= static_cast<uint64_t>(static_cast<unsigned char>(token[i])) << shift;
  }
  h = (h ^ tail) * kMultiplier;
  h ^= h >> 32;
  return h;
}

}  // namespace

uint32_t TokenIdTable::intern(std::string_view token) {
  if (slots_.empty() || (ends_.size() + 1) * 2 > slots_.size()) grow();
  uint64_t hash = hash_token(token);
  size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    uint32_t entry = slots_[slot];
    if (entry == 0) {
      auto id = static_cast<uint32_t>(ends_.size());
      bytes_.append(token);
      ends_.push_back(static_cast<uint32_t>(bytes_.size()));
      hashes_.push_back(hash);
      slots_[slot] = id + 1;
      return id;
    }
    uint32_t id = entry - 1;
    if (hashes_[id] == hash && this->token(id) == token) return id;
  }
}

std::string_view TokenIdTable::token(uint32_t id) const {
  uint32_t begin = id == 0 ? 0 : ends_[id - 1];
  return std::string_view(bytes_).substr(begin, ends_[id] - begin);
}

size_t TokenIdTable::memory_bytes() const {
  return bytes_.capacity() + ends_.capacity() * sizeof(uint32_t) +
         hashes_.capacity() * sizeof(uint64_t) + slots_.capacity() * sizeof(uint32_t);
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
    slots_[slot] = id + 1;
  }
}

}  // namespace evalkit
