// Text eight bytes at a time: each test flags the bytes of a 64-bit word that match, and may
// flag a byte above a matching one too (a borrow), never miss one. So a word with no flag holds
// no such byte, and a word with one is looked at byte by byte.
#pragma once

#include <cstdint>
#include <cstring>

namespace evalkit::byte_words {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;

inline uint64_t load(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Bytes of 0x80 and above.
inline uint64_t high(uint64_t word) { return word & kHigh; }

// Bytes below limit (at most 0x80).
inline uint64_t below(uint64_t word, unsigned limit) {
  return (word - kOnes * limit) & ~word & kHigh;
}

// Bytes equal to c.
inline uint64_t equal_to(uint64_t word, char c) {
  const uint64_t diff = word ^ (kOnes * static_cast<unsigned char>(c));
  return (diff - kOnes) & ~diff & kHigh;
}

// Bytes of 0x7F (DEL) and above.
inline uint64_t del_or_high(uint64_t word) { return (word | (word + kOnes)) & kHigh; }

}  // namespace evalkit::byte_words
