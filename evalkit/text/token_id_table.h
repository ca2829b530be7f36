// Maps token strings to dense integer ids, so that metrics compare and count integers
// instead of strings. Tokens are stored once, in one growing buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

class TokenIdTable {
 public:
  // The id of token, added when first seen. Ids are dense: 0, 1, 2, ... in order of first
  // sight, so callers can index plain arrays by id.
  uint32_t intern(std::string_view token);

  // The text of an id returned by intern(); valid until the next intern() or clear().
  std::string_view token(uint32_t id) const;

  size_t size() const { return ends_.size(); }

  // Bytes held by the interner (to bound caches that live across calls).
  size_t memory_bytes() const;

  // Forgets every token; keeps the allocated memory.
  void clear();

 private:
  void grow();

  std::string bytes_;             // every token, back to back
  std::vector<uint32_t> ends_;    // end offset in bytes_ of each id
  std::vector<uint64_t> hashes_;  // hash of each id
  // Open addressing: (high 32 bits of the hash) | (id + 1), or 0 when empty.
  std::vector<uint64_t> slots_;
};

}  // namespace evalkit
