// Dense ids for strings: equal tokens get equal ids, so n-grams compare as integers.
// The table is reused across calls; interned views must outlive the next reset().
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace evalkit {

class TokenInterner {
 public:
  // Forgets every token and makes room for up to max_tokens tokens.
  void reset(std::size_t max_tokens);

  // The id of token (0, 1, 2, ... in order of first appearance).
  uint32_t intern(std::string_view token);

  // Number of distinct tokens since reset().
  uint32_t size() const { return static_cast<uint32_t>(tokens_.size()); }

  // Slots in the table; keep size() below half of it (reset() or grow()).
  std::size_t capacity() const { return mask_ + 1; }

  // Doubles the capacity, keeping every id.
  void grow();

  // Points id at another copy of the same token (for callers that copy tokens they keep).
  void rebind(uint32_t id, std::string_view same_token) { tokens_[id] = same_token; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;
    uint32_t stamp = 0;
  };

  std::vector<Slot> slots_;
  std::vector<std::string_view> tokens_;
  std::size_t mask_ = 0;
  uint32_t stamp_ = 0;
};

// A fast, well-mixed 64-bit hash of bytes for in-memory tables (not stable across versions).
uint64_t token_hash(std::string_view bytes);

}  // namespace evalkit
