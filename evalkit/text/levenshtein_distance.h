// Levenshtein (insert / delete / substitute, each costing 1) distance between two
// sequences of Unicode code points.
#pragma once

#include <cstddef>
#include <span>

namespace evalkit {

// The edit distance. Strips the common prefix and suffix, then runs Myers' bit-parallel
// algorithm over the shorter remainder: in one machine word up to 64 code points (Hyyrö's
// formulation), in 64-row blocks beyond (O(n * m / 64)). Thread-safe; allocates only when
// the shorter remainder is over 64 code points.
size_t levenshtein_distance(std::span<const char32_t> a, std::span<const char32_t> b);

// The same distance by the plain O(|a| * |b|) dynamic programme (a cross-check for tests).
size_t levenshtein_distance_dp(std::span<const char32_t> a, std::span<const char32_t> b);

}  // namespace evalkit
