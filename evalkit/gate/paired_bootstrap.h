// Paired bootstrap of a mean difference: how much a score moved between two runs of the
// same cases, with a percentile confidence interval and a two-sided p-value.
#pragma once

#include <cstdint>
#include <span>

namespace evalkit {

inline constexpr uint64_t kDefaultBootstrapSeed = 0x5eed0fba5e11e5ULL;
inline constexpr int kDefaultBootstrapResamples = 10000;

struct BootstrapOptions {
  int resamples = kDefaultBootstrapResamples;  // B, the number of resamples (>= 1)
  uint64_t seed = kDefaultBootstrapSeed;       // same seed, same n -> same resamples
  double alpha = 0.05;                         // the interval covers 1 - alpha
  // Keep the last resampling weights (they depend only on n, B and seed) for the next call
  // with the same n; only when they fit in 32 MB. Results are identical either way.
  bool reuse_weights = true;
};

struct BootstrapResult {
  int64_t pairs = 0;
  double mean_difference = 0;  // d = mean of (current_i - baseline_i)
  double ci_low = 0;           // percentile interval of the resampled means
  double ci_high = 0;
  double p_value = 1;  // two-sided, against "no change"
};

// Resamples the n case indices with replacement B times (the same indices for both runs,
// which keeps the pairing). With d_i = current_i - baseline_i, mean d, and d*_b the mean of
// resample b:
//   interval: the alpha/2 and 1 - alpha/2 quantiles of d*_b (linear interpolation between
//             order statistics, "type 7");
//   p-value:  the centred statistic T*_b = d*_b - d mimics the sampling error of d around
//             the true difference, so under "no change" it tells how often |d| would be
//             reached by chance: p = (1 + #{b : |T*_b| >= |d|}) / (B + 1).
// With zero variance (every d_i equal) T*_b = 0: p = 1 when d = 0, else p = 1 / (B + 1).
// baseline and current must have the same length; empty input gives pairs = 0, p = 1.
BootstrapResult paired_bootstrap(std::span<const double> baseline, std::span<const double> current,
                                 const BootstrapOptions& options = {});

}  // namespace evalkit
