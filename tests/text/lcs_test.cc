#include "evalkit/text/lcs.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

using Ids = std::vector<uint32_t>;

TEST(LcsTest, SmallCases) {
  LcsScratch scratch;
  EXPECT_EQ(lcs_length(Ids{1, 2, 3, 4}, Ids{1, 3, 4}, &scratch), 3u);
  EXPECT_EQ(lcs_length(Ids{}, Ids{1}, &scratch), 0u);
  EXPECT_EQ(lcs_length(Ids{5, 6}, Ids{7, 8}, &scratch), 0u);
  EXPECT_EQ(lcs_length(Ids{1, 1, 1}, Ids{1, 1}, &scratch), 2u);
}

TEST(LcsTest, BitParallelAgreesWithTheTableAcrossWordBoundaries) {
  std::mt19937 random(11);
  LcsScratch scratch;
  for (int trial = 0; trial < 400; ++trial) {
    std::uniform_int_distribution<size_t> length(0, trial % 2 ? 70 : 200);
    std::uniform_int_distribution<uint32_t> id(0, 1 + trial % 20);
    Ids a(length(random)), b(length(random));
    for (auto& x : a) x = id(random);
    for (auto& x : b) x = id(random);
    EXPECT_EQ(lcs_length(a, b, &scratch), lcs_length_dp(a, b)) << a.size() << "x" << b.size();
  }
}

TEST(LcsTest, BacktrackingFollowsRougeScoreTieRule) {
  LcsScratch scratch;
  // reference "a b", candidate "b a": two LCS of length 1. At (2,2) b != a and
  // t[2][1] = 1 is not greater than t[1][2] = 1, so the walk moves up in the reference to
  // (1,2), where a == a: reference position 0 is marked, not 1.
  std::vector<uint8_t> marked(2, 0);
  mark_lcs_positions(Ids{1, 2}, Ids{2, 1}, &scratch, &marked);
  EXPECT_EQ(marked, (std::vector<uint8_t>{1, 0}));
  // Calls accumulate: a second candidate adds its own positions to the union.
  mark_lcs_positions(Ids{1, 2}, Ids{2}, &scratch, &marked);
  EXPECT_EQ(marked, (std::vector<uint8_t>{1, 1}));
}

TEST(LcsTest, BitParallelBacktrackingMarksTheSamePositionsAsTheTable) {
  std::mt19937 random(13);
  LcsScratch scratch;
  for (int trial = 0; trial < 1000; ++trial) {
    std::uniform_int_distribution<size_t> length(0, trial % 4 == 0 ? 64 : 25);
    std::uniform_int_distribution<uint32_t> id(0, 1 + trial % 6);
    Ids reference(length(random)), candidate(length(random));
    for (auto& x : reference) x = id(random);
    for (auto& x : candidate) x = id(random);
    std::vector<uint8_t> fast(reference.size(), 0), table(reference.size(), 0);
    mark_lcs_positions(reference, candidate, &scratch, &fast);
    mark_lcs_positions_dp(reference, candidate, &scratch, &table);
    EXPECT_EQ(fast, table) << reference.size() << "x" << candidate.size();
    size_t marked = std::count(fast.begin(), fast.end(), 1);
    EXPECT_EQ(marked, lcs_length_dp(reference, candidate));
  }
}

}  // namespace
}  // namespace evalkit
