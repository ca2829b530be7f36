// Longest common subsequence of two token-id sequences: its length (ROUGE-L) and, for
// summary-level ROUGE-Lsum, which reference positions one particular LCS uses.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace evalkit {

// Buffers reused across calls so that the hot loop does not allocate.
struct LcsScratch {
  std::vector<uint32_t> slot_of_id;  // id -> row of match_masks, or kNoSlot
  std::vector<uint64_t> match_masks;
  std::vector<uint64_t> v;
  std::vector<uint32_t> table;
};

// The LCS length, bit-parallel over a (Allison-Dix / Crochemore et al.): O(|b| * |a| / 64).
// Ids index plain arrays, so they should be dense (see TokenIdTable).
size_t lcs_length(std::span<const uint32_t> a, std::span<const uint32_t> b, LcsScratch* scratch);

// The LCS length by the textbook O(|a| * |b|) dynamic programme with one rolling row.
size_t lcs_length_dp(std::span<const uint32_t> a, std::span<const uint32_t> b);

// Fills the full LCS table of reference and candidate and walks it back from the end the way
// rouge-score does (equal tokens: diagonal; else left if table[i][j-1] > table[i-1][j];
// else up), setting (*in_lcs)[i] = 1 for every reference position i on that path. *in_lcs
// must already have reference.size() entries; others are left as they are, so calls over
// several candidates build the union.
// References of up to 64 tokens keep each table column as one bit-parallel word.
void mark_lcs_positions(std::span<const uint32_t> reference, std::span<const uint32_t> candidate,
                        LcsScratch* scratch, std::vector<uint8_t>* in_lcs);

// The same walk over an explicit O(|reference| * |candidate|) table (any length).
void mark_lcs_positions_dp(std::span<const uint32_t> reference, std::span<const uint32_t> candidate,
                           LcsScratch* scratch, std::vector<uint8_t>* in_lcs);

}  // namespace evalkit
