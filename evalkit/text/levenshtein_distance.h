// Levenshtein (insert / delete / substitute, each costing 1) distance between two
// sequences of Unicode code points.
#pragma once

#include <cstddef>
#include <span>

namespace evalkit {

// The edit distance. Strips the common prefix and suffix, then uses Myers' bit-parallel
// algorithm (Hyyrö's formulation) when the shorter remainder has at most 64 code points
// and a one-row dynamic programme otherwise. Thread-safe; allocates only for long inputs.
size_t levenshtein_distance(std::span<const char32_t> a, std::span<const char32_t> b);

// The same distance by the plain O(|a| * |b|) dynamic programme (a cross-check for tests).
size_t levenshtein_distance_dp(std::span<const char32_t> a, std::span<const char32_t> b);

}  // namespace evalkit
