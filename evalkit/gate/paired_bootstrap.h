// Paired bootstrap of a mean difference: how much a score moved between two runs of the
// same cases, with a percentile confidence interval and a two-sided p-value.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

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
  // Fill BootstrapResult::resampled, so that an interval at another level can be read later
  // (bootstrap_interval) without resampling again.
  bool keep_resampled = false;
};

struct BootstrapResult {
  int64_t pairs = 0;
  double mean_difference = 0;  // d = mean of (current_i - baseline_i)
  double ci_low = 0;           // percentile interval of the resampled means
  double ci_high = 0;
  double p_value = 1;  // two-sided, against "no change"
  // d*_b of every resample, in draw order; only with BootstrapOptions::keep_resampled.
  std::vector<double> resampled;
};

// One paired sample for paired_bootstrap_batch.
struct PairedSample {
  std::span<const double> baseline;
  std::span<const double> current;
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

// paired_bootstrap of several samples of the same length at once: one set of resamples,
// drawn once, serves every sample, so k samples cost one draw and a matrix product instead
// of k draws. Result i equals paired_bootstrap(samples[i].baseline, samples[i].current,
// options) up to float rounding in the resampled sums. Samples of different lengths, or a
// baseline and current of different lengths, are an error (std::invalid_argument).
std::vector<BootstrapResult> paired_bootstrap_batch(std::span<const PairedSample> samples,
                                                    const BootstrapOptions& options = {});

struct BootstrapInterval {
  double low = 0;
  double high = 0;
};

// The percentile interval at 1 - alpha of a result computed with keep_resampled (the same
// quantiles paired_bootstrap reports for its own alpha); [mean, mean] without resamples.
BootstrapInterval bootstrap_interval(const BootstrapResult& result, double alpha);

}  // namespace evalkit
