#include "evalkit/gate/mcnemar.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

// Two-sided exact p by direct summation of the Binomial(m, 1/2) pmf in long double, built
// by the ratio recurrence pmf(i + 1) = pmf(i) * (m - i) / (i + 1): no lgamma involved.
double direct_mcnemar_p(int64_t lost, int64_t gained) {
  const int64_t m = lost + gained;
  const int64_t k = std::min(lost, gained);
  long double pmf = std::pow(0.5L, static_cast<long double>(m));
  long double tail = 0;
  for (int64_t i = 0; i <= k; ++i) {
    tail += pmf;
    pmf = pmf * static_cast<long double>(m - i) / static_cast<long double>(i + 1);
  }
  return static_cast<double>(std::min(1.0L, 2 * tail));
}

TEST(McNemarTest, KnownSmallCases) {
  // lgamma is accurate to a few units in the last place, so sums are checked to 1e-14.
  EXPECT_NEAR(mcnemar_exact_p(0, 5), 2.0 / 32, 1e-14);         // 2 * (1/2)^5
  EXPECT_NEAR(mcnemar_exact_p(9, 1), 22.0 / 1024, 1e-14);      // 2 * (1 + 10) / 2^10
  EXPECT_NEAR(mcnemar_exact_p(2, 8), 2.0 * 56 / 1024, 1e-14);  // 2 * (1 + 10 + 45) / 2^10
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 1), 1.0);                // 2 * 1/2
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(3, 3), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
}

TEST(McNemarTest, IsSymmetricInTheDirectionOfChange) {
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(4, 17), mcnemar_exact_p(17, 4));
}

TEST(McNemarTest, MatchesDirectSummationOverManyTables) {
  for (int64_t m = 1; m <= 400; m += 13) {
    for (int64_t lost = 0; lost <= m; lost += 3) {
      const double expected = direct_mcnemar_p(lost, m - lost);
      const double actual = mcnemar_exact_p(lost, m - lost);
      EXPECT_NEAR(actual, expected, 1e-12 + 1e-9 * expected) << lost << " of " << m;
    }
  }
}

TEST(McNemarTest, StaysAccurateForLargeCounts) {
  // 2^-10000 underflows a double, so naive products fail here; log space must not.
  const double p = mcnemar_exact_p(4800, 5200);
  EXPECT_NEAR(p, direct_mcnemar_p(4800, 5200), 1e-9 * p);
  EXPECT_GT(p, 0.0);
  EXPECT_LT(p, 0.05);
  const double tiny = mcnemar_exact_p(100, 1000000);
  EXPECT_GE(tiny, 0.0);
  EXPECT_LT(tiny, 1e-300);
  EXPECT_NEAR(mcnemar_exact_p(500000, 500001), 1.0, 1e-6);
}

TEST(McNemarTest, NormalQuantileMatchesKnownValues) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-12);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(0.05), -1.644853626951472, 1e-12);
  EXPECT_NEAR(normal_quantile(1e-6), -4.753424308822899, 1e-9);
}

TEST(McNemarTest, NewcombeIntervalContainsTheDifferenceAndStaysInRange) {
  const PairedOutcomes table{.both_pass = 60, .lost = 15, .gained = 5, .both_fail = 20};
  const Interval interval = newcombe_paired_interval(table, 0.05);
  EXPECT_DOUBLE_EQ(table.difference(), -0.10);
  EXPECT_LT(interval.low, -0.10);
  EXPECT_GT(interval.high, -0.10);
  EXPECT_LT(interval.high, 0.0);  // 15 vs 5 lost/gained of 100 is a clear drop
  EXPECT_GT(interval.low, -0.25);

  const PairedOutcomes all_lost{.lost = 10};
  const Interval extreme = newcombe_paired_interval(all_lost, 0.05);
  EXPECT_GE(extreme.low, -1.0);
  EXPECT_LT(extreme.high, -0.5);
}

TEST(McNemarTest, NewcombeIntervalNarrowsWithMoreCases) {
  const PairedOutcomes small{.both_pass = 30, .lost = 6, .gained = 2, .both_fail = 12};
  const PairedOutcomes large{.both_pass = 300, .lost = 60, .gained = 20, .both_fail = 120};
  const Interval a = newcombe_paired_interval(small, 0.05);
  const Interval b = newcombe_paired_interval(large, 0.05);
  EXPECT_LT(b.high - b.low, (a.high - a.low) / 2.5);
}

TEST(McNemarTest, NewcombeIntervalCoversTheTrueDifference) {
  // Simulated paired outcomes with a known difference: P(lost) = 0.15, P(gained) = 0.07.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  const double true_difference = 0.07 - 0.15;
  int covered = 0;
  const int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    PairedOutcomes table;
    for (int i = 0; i < 80; ++i) {
      const double u = uniform(rng);
      if (u < 0.15) {
        ++table.lost;
      } else if (u < 0.22) {
        ++table.gained;
      } else if (u < 0.80) {
        ++table.both_pass;
      } else {
        ++table.both_fail;
      }
    }
    const Interval interval = newcombe_paired_interval(table, 0.05);
    if (interval.low <= true_difference && true_difference <= interval.high) ++covered;
  }
  const double coverage = static_cast<double>(covered) / trials;
  EXPECT_GT(coverage, 0.93);
  EXPECT_LT(coverage, 0.99);
}

}  // namespace
}  // namespace evalkit
