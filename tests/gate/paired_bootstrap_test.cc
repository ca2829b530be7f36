#include "evalkit/gate/paired_bootstrap.h"

#include <algorithm>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

struct PairedSample {
  std::vector<double> baseline, current;
};

// Case means in [0, 1]; the current run is the baseline shifted by `shift` plus noise.
PairedSample make_sample(int n, double shift, double noise, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.2, 0.8);
  std::normal_distribution<double> normal(0, noise);
  PairedSample sample;
  for (int i = 0; i < n; ++i) {
    const double value = uniform(rng);
    sample.baseline.push_back(value);
    sample.current.push_back(value + shift + normal(rng));
  }
  return sample;
}

TEST(PairedBootstrapTest, IntervalCoversTheTrueDifference) {
  // 200 independent samples with true difference -0.03: the 95% interval should cover it
  // about 95% of the time (the percentile interval runs a little narrow at n = 100).
  int covered = 0;
  const int samples = 200;
  BootstrapOptions options;
  options.resamples = 2000;
  for (int s = 0; s < samples; ++s) {
    const PairedSample sample = make_sample(100, -0.03, 0.1, 1000 + s);
    const BootstrapResult result = paired_bootstrap(sample.baseline, sample.current, options);
    if (result.ci_low <= -0.03 && -0.03 <= result.ci_high) ++covered;
  }
  EXPECT_GE(covered, 180);
  EXPECT_LE(covered, 199);
}

TEST(PairedBootstrapTest, MeanAndIntervalAreConsistent) {
  const PairedSample sample = make_sample(500, -0.05, 0.1, 3);
  const BootstrapResult result = paired_bootstrap(sample.baseline, sample.current);
  double sum = 0;
  for (size_t i = 0; i < sample.baseline.size(); ++i) sum += sample.current[i] - sample.baseline[i];
  EXPECT_NEAR(result.mean_difference, sum / 500, 1e-12);
  EXPECT_EQ(result.pairs, 500);
  EXPECT_LT(result.ci_low, result.mean_difference);
  EXPECT_GT(result.ci_high, result.mean_difference);
  // Standard error 0.1 / sqrt(500) = 0.0045: the 95% half-width is about 0.0088.
  EXPECT_NEAR(result.ci_high - result.ci_low, 2 * 1.96 * 0.1 / std::sqrt(500.0), 0.002);
  // -0.05 is eleven standard errors out: no resample comes close.
  EXPECT_DOUBLE_EQ(result.p_value, 1.0 / 10001);
}

TEST(PairedBootstrapTest, NoChangeGivesLargePValue) {
  const PairedSample sample = make_sample(300, 0.0, 0.1, 11);
  const BootstrapResult result = paired_bootstrap(sample.baseline, sample.current);
  EXPECT_LT(result.ci_low, 0.0);
  EXPECT_GT(result.ci_high, 0.0);
  EXPECT_GT(result.p_value, 0.05);
}

TEST(PairedBootstrapTest, SameSeedSameResultOtherSeedOtherResult) {
  const PairedSample sample = make_sample(250, -0.01, 0.1, 5);
  const BootstrapResult first = paired_bootstrap(sample.baseline, sample.current);
  const BootstrapResult again = paired_bootstrap(sample.baseline, sample.current);
  EXPECT_EQ(first.ci_low, again.ci_low);
  EXPECT_EQ(first.ci_high, again.ci_high);
  EXPECT_EQ(first.p_value, again.p_value);
  BootstrapOptions other;
  other.seed = 99;
  const BootstrapResult reseeded = paired_bootstrap(sample.baseline, sample.current, other);
  EXPECT_NE(first.ci_low, reseeded.ci_low);
}

TEST(PairedBootstrapTest, KeptAndFreshWeightsAgree) {
  for (int n : {37, 4000}) {  // 4000 x 10000 is too large to keep: drawn block by block
    const PairedSample sample = make_sample(n, -0.01, 0.1, 21);
    BootstrapOptions fresh;
    fresh.reuse_weights = false;
    const BootstrapResult kept = paired_bootstrap(sample.baseline, sample.current);
    const BootstrapResult drawn = paired_bootstrap(sample.baseline, sample.current, fresh);
    EXPECT_EQ(kept.ci_low, drawn.ci_low) << n;
    EXPECT_EQ(kept.ci_high, drawn.ci_high) << n;
    EXPECT_EQ(kept.p_value, drawn.p_value) << n;
  }
}

TEST(PairedBootstrapTest, ZeroVariance) {
  const std::vector<double> baseline(50, 0.6);
  const std::vector<double> same(50, 0.6);
  const BootstrapResult unchanged = paired_bootstrap(baseline, same);
  EXPECT_EQ(unchanged.mean_difference, 0.0);
  EXPECT_EQ(unchanged.ci_low, 0.0);
  EXPECT_EQ(unchanged.ci_high, 0.0);
  EXPECT_EQ(unchanged.p_value, 1.0);

  // Every case fell by exactly 0.25: no resample can undo that.
  const std::vector<double> fell(50, 0.35);
  const BootstrapResult dropped = paired_bootstrap(baseline, fell);
  EXPECT_NEAR(dropped.mean_difference, -0.25, 1e-12);
  EXPECT_NEAR(dropped.ci_low, -0.25, 1e-12);
  EXPECT_NEAR(dropped.ci_high, -0.25, 1e-12);
  EXPECT_DOUBLE_EQ(dropped.p_value, 1.0 / 10001);
}

TEST(PairedBootstrapTest, EmptyAndMismatchedInput) {
  const BootstrapResult empty = paired_bootstrap({}, {});
  EXPECT_EQ(empty.pairs, 0);
  EXPECT_EQ(empty.p_value, 1.0);
  const std::vector<double> one = {0.5}, two = {0.5, 0.4};
  EXPECT_THROW(paired_bootstrap(one, two), std::invalid_argument);
}

}  // namespace
}  // namespace evalkit
