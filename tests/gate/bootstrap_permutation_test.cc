// The paired bootstrap's p-value against independent references computed exactly:
//   - the exact sign-flip permutation p-value of the paired differences (every one of the 2^n
//     sign patterns counted, by dynamic programming over integer sums), on small score sets;
//   - for a tiny set, the bootstrap distribution itself, enumerated over all n^n resamples.
// A p-value that is one-sided, or that counts the wrong tail, is off by a factor of about 2.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/gate/paired_bootstrap.h"
#include "tests/support/simulated_runs.h"

namespace evalkit {
namespace {

using testing::draw_beta;

// Exact two-sided sign-flip p-value: the share of sign patterns s in {-1, +1}^n with
// |sum s_i d_i| >= |sum d_i|. Differences are integers (scores in hundredths), so the sums
// are counted exactly; counts stay below 2^53 for n <= 52.
double sign_flip_p(const std::vector<int>& differences) {
  int span = 0;
  for (int d : differences) span += std::abs(d);
  std::vector<double> count(2 * span + 1, 0.0), next(2 * span + 1);
  count[span] = 1;  // index = sum + span
  for (int d : differences) {
    std::fill(next.begin(), next.end(), 0.0);
    for (int s = 0; s <= 2 * span; ++s) {
      if (count[s] == 0) continue;
      if (s + d >= 0 && s + d <= 2 * span) next[s + d] += count[s];
      if (s - d >= 0 && s - d <= 2 * span) next[s - d] += count[s];
    }
    count.swap(next);
  }
  int observed = 0;
  for (int d : differences) observed += d;
  double extreme = 0, total = 0;
  for (int s = 0; s <= 2 * span; ++s) {
    total += count[s];
    if (std::abs(s - span) >= std::abs(observed)) extreme += count[s];
  }
  return extreme / total;
}

struct ScoreSet {
  std::vector<double> baseline, current;
  std::vector<int> differences;  // current - baseline, in hundredths
};

// n cases with true means ~ Beta(6, 4); each run scores the mean + Normal(0, 0.15) (the
// current run shifted by `shift`), clipped to [0, 1] and rounded to hundredths.
ScoreSet score_set(std::mt19937_64& rng, int n, double shift) {
  std::normal_distribution<double> noise(0, 0.15);
  ScoreSet set;
  for (int i = 0; i < n; ++i) {
    const double mean = draw_beta(rng, 6, 4);
    const long b = std::lround(100 * std::clamp(mean + noise(rng), 0.0, 1.0));
    const long c = std::lround(100 * std::clamp(mean + shift + noise(rng), 0.0, 1.0));
    set.baseline.push_back(static_cast<double>(b) / 100);
    set.current.push_back(static_cast<double>(c) / 100);
    set.differences.push_back(static_cast<int>(c - b));
  }
  return set;
}

TEST(BootstrapPermutationTest, SignFlipReferenceIsExactOnAHandCountedCase) {
  // d = (1, 2, 3): sums over the 8 sign patterns are +-6, +-4, +-2, +-0 (twice); |sum| >= 6
  // for 2 of them.
  EXPECT_DOUBLE_EQ(sign_flip_p({1, 2, 3}), 0.25);
  EXPECT_DOUBLE_EQ(sign_flip_p({1, -1}), 1.0);
  EXPECT_DOUBLE_EQ(sign_flip_p({2, 2, 2, 2}), 2.0 / 16);
}

// With n of 30 to 40 and p between 0.1 and 0.7, the two p-values answer the same question
// and agree closely. The bootstrap's spread leaves the mean difference out while sign flips
// keep it in (sum d_i^2 = sum (d_i - mean)^2 + n mean^2), which makes the bootstrap p-value
// a little smaller, by at most about 20% here; a one-sided p-value would be about half.
TEST(BootstrapPermutationTest, PValueAgreesWithTheExactSignFlipPValue) {
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> shift(0.0, 0.08);
  BootstrapOptions options;
  options.resamples = 20000;
  int compared = 0;
  for (int attempt = 0; attempt < 60 && compared < 16; ++attempt) {
    const int n = attempt % 2 == 0 ? 30 : 40;
    const double true_shift = attempt % 3 == 0 ? -shift(rng) : shift(rng);
    const ScoreSet set = score_set(rng, n, true_shift);
    const double exact = sign_flip_p(set.differences);
    if (exact < 0.1 || exact > 0.7) continue;
    ++compared;
    options.seed = 1000 + attempt;
    const BootstrapResult result = paired_bootstrap(set.baseline, set.current, options);
    SCOPED_TRACE("n " + std::to_string(n) + ", mean difference " +
                 std::to_string(result.mean_difference));
    std::printf("n %d, mean difference %+.4f: sign-flip p %.4f, bootstrap p %.4f (ratio %.2f)\n", n,
                result.mean_difference, exact, result.p_value, result.p_value / exact);
    EXPECT_GE(result.p_value, 0.75 * exact);
    EXPECT_LE(result.p_value, 1.10 * exact);
  }
  EXPECT_GE(compared, 12);
}

// Six differences: all 6^6 = 46,656 equally likely resamples give the bootstrap p-value
// exactly; 100,000 resamples must land within a few standard errors of it.
TEST(BootstrapPermutationTest, PValueMatchesTheEnumeratedBootstrapDistribution) {
  const std::vector<double> baseline = {0.512, 0.618, 0.403, 0.707, 0.559, 0.661};
  const std::vector<double> current = {0.595, 0.597, 0.520, 0.801, 0.501, 0.792};
  const int n = static_cast<int>(baseline.size());
  std::vector<double> d(n);
  double mean = 0;
  for (int i = 0; i < n; ++i) {
    d[i] = current[i] - baseline[i];
    mean += d[i] / n;
  }
  // Resample means that tie |mean| within rounding are counted apart, so the check does not
  // depend on how a tie is broken.
  constexpr double kTie = 1e-6;
  int64_t beyond = 0, ties = 0, total = 0;
  std::vector<int> index(n, 0);
  for (;;) {
    double sum = 0;
    for (int i : index) sum += d[i];
    const double shift = std::abs(sum / n - mean);
    if (std::abs(shift - std::abs(mean)) <= kTie) {
      ++ties;
    } else if (shift > std::abs(mean)) {
      ++beyond;
    }
    ++total;
    int k = 0;
    while (k < n && ++index[k] == n) index[k++] = 0;
    if (k == n) break;
  }
  const double p_low = static_cast<double>(beyond) / total;
  const double p_high = static_cast<double>(beyond + ties) / total;
  BootstrapOptions options;
  options.resamples = 100000;
  const BootstrapResult result = paired_bootstrap(baseline, current, options);
  const double standard_error = std::sqrt(p_high * (1 - p_low) / options.resamples);
  std::printf("enumerated bootstrap p in [%.4f, %.4f], resampled %.4f\n", p_low, p_high,
              result.p_value);
  ASSERT_GT(p_low, 0.01);  // a p-value where one and two tails differ clearly
  EXPECT_GE(result.p_value, p_low - 4 * standard_error);
  EXPECT_LE(result.p_value, p_high + 4 * standard_error + 1.0 / options.resamples);
}

}  // namespace
}  // namespace evalkit
