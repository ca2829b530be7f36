// paired_bootstrap_batch: several samples on one set of resamples give what separate
// paired_bootstrap calls give; kept resamples give intervals at any level.
#include "evalkit/gate/paired_bootstrap.h"

#include <cmath>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

namespace evalkit {
namespace {

std::vector<double> sample(int n, uint64_t seed, double shift) {
  std::vector<double> values;
  uint64_t state = seed;
  for (int i = 0; i < n; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    values.push_back(std::min(1.0, double(state >> 11) * 0x1.0p-53 + shift));
  }
  return values;
}

void expect_same(const BootstrapResult& batch, const BootstrapResult& single) {
  EXPECT_EQ(batch.pairs, single.pairs);
  EXPECT_DOUBLE_EQ(batch.mean_difference, single.mean_difference);
  EXPECT_NEAR(batch.p_value, single.p_value, 2.0 / 10001);  // a borderline resample may flip
  EXPECT_NEAR(batch.ci_low, single.ci_low, 1e-6);
  EXPECT_NEAR(batch.ci_high, single.ci_high, 1e-6);
}

TEST(PairedBootstrapBatchTest, MatchesSeparateCallsKeptAndDrawnInBlocks) {
  // 300 cases keep their weights (300 x 10,000 fits); 5,000 are drawn in blocks.
  for (int n : {300, 5000}) {
    const std::vector<double> base = sample(n, 1, 0);
    // worse: each case a little lower than in base, with some noise of its own.
    std::vector<double> worse = sample(n, 2, 0);
    for (int i = 0; i < n; ++i) worse[i] = 0.9 * base[i] + 0.1 * worse[i] - 0.05;
    const std::vector<double> same = sample(n, 3, 0);
    const std::vector<PairedSample> samples = {{base, worse}, {base, same}, {worse, same}};
    BootstrapOptions options;
    const std::vector<BootstrapResult> batch = paired_bootstrap_batch(samples, options);
    ASSERT_EQ(batch.size(), 3u);
    for (size_t k = 0; k < samples.size(); ++k) {
      SCOPED_TRACE(n);
      expect_same(batch[k], paired_bootstrap(samples[k].baseline, samples[k].current, options));
    }
    EXPECT_LT(batch[0].p_value, 0.01);
  }
}

TEST(PairedBootstrapBatchTest, KeptResamplesGiveIntervalsAtAnyLevel) {
  const std::vector<double> a = sample(400, 4, 0);
  const std::vector<double> b = sample(400, 5, 0.02);
  BootstrapOptions options;
  options.keep_resampled = true;
  const BootstrapResult kept = paired_bootstrap(a, b, options);
  ASSERT_EQ(kept.resampled.size(), size_t(options.resamples));
  for (double alpha : {0.05, 0.01, 0.001}) {
    options.alpha = alpha;
    options.keep_resampled = false;
    const BootstrapResult direct = paired_bootstrap(a, b, options);
    const BootstrapInterval interval = bootstrap_interval(kept, alpha);
    EXPECT_DOUBLE_EQ(interval.low, direct.ci_low) << alpha;
    EXPECT_DOUBLE_EQ(interval.high, direct.ci_high) << alpha;
    EXPECT_TRUE(direct.resampled.empty());
  }
  // Narrower levels nest inside wider ones.
  EXPECT_LT(bootstrap_interval(kept, 0.001).low, bootstrap_interval(kept, 0.05).low);
}

TEST(PairedBootstrapBatchTest, RefusesSamplesOfDifferentLengths) {
  const std::vector<double> three = {0.1, 0.2, 0.3};
  const std::vector<double> two = {0.1, 0.2};
  const std::vector<PairedSample> uneven = {{three, three}, {two, two}};
  EXPECT_THROW(paired_bootstrap_batch(uneven), std::invalid_argument);
  const std::vector<PairedSample> mismatched = {{three, two}};
  EXPECT_THROW(paired_bootstrap_batch(mismatched), std::invalid_argument);
  EXPECT_TRUE(paired_bootstrap_batch({}).empty());
}

}  // namespace
}  // namespace evalkit
