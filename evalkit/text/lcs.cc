#include "evalkit/text/lcs.h"

#include <algorithm>
#include <bit>

namespace evalkit {
namespace {

constexpr uint32_t kNoSlot = UINT32_MAX;

}  // namespace

size_t lcs_length(std::span<const uint32_t> a, std::span<const uint32_t> b, LcsScratch* scratch) {
  if (a.empty() || b.empty()) return 0;
  const size_t words = (a.size() + 63) / 64;
  uint32_t max_id = 0;
  for (uint32_t id : a) max_id = std::max(max_id, id);
  for (uint32_t id : b) max_id = std::max(max_id, id);
  std::vector<uint32_t>& slot_of_id = scratch->slot_of_id;
  if (slot_of_id.size() <= max_id) slot_of_id.resize(max_id + 1, kNoSlot);

  // One bit mask per distinct token of a: bit i is set where a[i] is that token.
  std::vector<uint64_t>& masks = scratch->match_masks;
  masks.clear();
  uint32_t slots = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    uint32_t& slot = slot_of_id[a[i]];
    if (slot == kNoSlot) {
      slot = slots++;
      masks.resize(static_cast<size_t>(slots) * words, 0);
    }
    masks[slot * words + i / 64] |= uint64_t{1} << (i % 64);
  }

  // V has a 0 bit for every position of a matched so far; V' = (V + U) | (V - U) with
  // U = V & M, and V - U = V & ~M because U is a subset of V.
  std::vector<uint64_t>& v = scratch->v;
  v.assign(words, ~uint64_t{0});
  if (words == 1) {
    uint64_t v0 = v[0];
    for (uint32_t id : b) {
      uint32_t slot = slot_of_id[id];
      if (slot == kNoSlot) continue;
      uint64_t m = masks[slot];
      uint64_t u = v0 & m;
      v0 = (v0 + u) | (v0 & ~m);
    }
    v[0] = v0;
  } else {
    for (uint32_t id : b) {
      uint32_t slot = slot_of_id[id];
      if (slot == kNoSlot) continue;
      const uint64_t* m = &masks[slot * words];
      uint64_t carry = 0;
      for (size_t w = 0; w < words; ++w) {
        uint64_t u = v[w] & m[w];
        uint64_t sum = v[w] + u;
        uint64_t carry_out = sum < v[w];
        sum += carry;
        carry_out |= sum < carry;
        carry = carry_out;
        v[w] = sum | (v[w] & ~m[w]);
      }
    }
  }

  size_t zeros = 0;
  for (size_t w = 0; w < words; ++w) {
    size_t bits = std::min<size_t>(64, a.size() - w * 64);
    uint64_t valid = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    zeros += bits - static_cast<size_t>(std::popcount(v[w] & valid));
  }
  for (uint32_t id : a) slot_of_id[id] = kNoSlot;
  return zeros;
}

size_t lcs_length_dp(std::span<const uint32_t> a, std::span<const uint32_t> b) {
  std::vector<uint32_t> row(b.size() + 1, 0);
  for (uint32_t token : a) {
    uint32_t diagonal = 0;  // row[j - 1] of the previous row
    for (size_t j = 1; j <= b.size(); ++j) {
      uint32_t above = row[j];
      row[j] = token == b[j - 1] ? diagonal + 1 : std::max(above, row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.size()];
}

void mark_lcs_positions_dp(std::span<const uint32_t> reference, std::span<const uint32_t> candidate,
                           LcsScratch* scratch, std::vector<uint8_t>* in_lcs) {
  const size_t rows = reference.size();
  const size_t columns = candidate.size();
  if (rows == 0 || columns == 0) return;
  const size_t stride = columns + 1;
  std::vector<uint32_t>& table = scratch->table;
  if (table.size() < (rows + 1) * stride) table.resize((rows + 1) * stride);
  std::fill_n(table.begin(), stride, 0);  // row 0; column 0 is set row by row
  for (size_t i = 1; i <= rows; ++i) {
    uint32_t* row = &table[i * stride];
    row[0] = 0;
    const uint32_t* above = row - stride;
    uint32_t token = reference[i - 1];
    for (size_t j = 1; j <= columns; ++j) {
      row[j] = token == candidate[j - 1] ? above[j - 1] + 1 : std::max(above[j], row[j - 1]);
    }
  }
  size_t i = rows;
  size_t j = columns;
  while (i > 0 && j > 0) {
    if (reference[i - 1] == candidate[j - 1]) {
      (*in_lcs)[i - 1] = 1;
      --i;
      --j;
    } else if (table[i * stride + j - 1] > table[(i - 1) * stride + j]) {
      --j;
    } else {
      --i;
    }
  }
}

void mark_lcs_positions(std::span<const uint32_t> reference, std::span<const uint32_t> candidate,
                        LcsScratch* scratch, std::vector<uint8_t>* in_lcs) {
  const size_t rows = reference.size();
  const size_t columns = candidate.size();
  if (rows == 0 || columns == 0) return;
  if (rows > 64) {
    mark_lcs_positions_dp(reference, candidate, scratch, in_lcs);
    return;
  }
  // Column j of the LCS table is kept as one word: bit i - 1 is 0 where
  // table[i][j] = table[i - 1][j] + 1.
  uint32_t max_id = 0;
  for (uint32_t id : reference) max_id = std::max(max_id, id);
  for (uint32_t id : candidate) max_id = std::max(max_id, id);
  std::vector<uint32_t>& slot_of_id = scratch->slot_of_id;
  if (slot_of_id.size() <= max_id) slot_of_id.resize(max_id + 1, kNoSlot);
  std::vector<uint64_t>& masks = scratch->match_masks;
  masks.clear();
  for (size_t i = 0; i < rows; ++i) {
    uint32_t& slot = slot_of_id[reference[i]];
    if (slot == kNoSlot) {
      slot = static_cast<uint32_t>(masks.size());
      masks.push_back(0);
    }
    masks[slot] |= uint64_t{1} << i;
  }
  std::vector<uint64_t>& column_bits = scratch->v;
  column_bits.resize(columns + 1);
  uint64_t v = ~uint64_t{0};
  column_bits[0] = v;
  for (size_t j = 1; j <= columns; ++j) {
    uint32_t slot = slot_of_id[candidate[j - 1]];
    if (slot != kNoSlot) {
      uint64_t m = masks[slot];
      v = (v + (v & m)) | (v & ~m);
    }
    column_bits[j] = v;
  }
  for (uint32_t id : reference) slot_of_id[id] = kNoSlot;

  // Walking back with unequal tokens, table[i][j] is the larger of its left and upper
  // neighbours, each of which is either equal to it or one less. So "left > up" holds
  // exactly when the upper one is one less: when bit i - 1 of column j is 0.
  size_t i = rows;
  size_t j = columns;
  while (i > 0 && j > 0) {
    if (reference[i - 1] == candidate[j - 1]) {
      (*in_lcs)[i - 1] = 1;
      --i;
      --j;
    } else if (((column_bits[j] >> (i - 1)) & 1) == 0) {
      --j;
    } else {
      --i;
    }
  }
}

}  // namespace evalkit
