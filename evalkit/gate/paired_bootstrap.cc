#include "evalkit/gate/paired_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include <Eigen/Dense>

namespace evalkit {
namespace {

// SplitMix64 (Steele, Lea and Flood 2014): tiny state, passes BigCrush, and several times
// faster than std::mt19937_64 here, where drawing B * n indices is most of the work.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t operator()() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

// Row r holds how often each case is drawn in resample r. Counts are small integers, exact
// in float; float halves the memory traffic of the matrix product, which dominates.
using CountMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Weight matrices larger than this (in entries) are never kept, and are drawn in blocks.
constexpr int64_t kMaxKeptEntries = int64_t{8} << 20;  // 32 MB of float
constexpr int64_t kBlockEntries = int64_t{1} << 18;    // 1 MB of float: stays in cache

// Draws `rows` resamples of n indices into the top rows of block. A 32-bit draw u maps to
// the index (u * n) >> 32 (Lemire's multiply-shift), biased by less than n / 2^32.
void draw_counts(SplitMix64& rng, int64_t n, Eigen::Index rows, CountMatrix& block) {
  block.topRows(rows).setZero();
  const uint64_t range = static_cast<uint64_t>(n);
  for (Eigen::Index r = 0; r < rows; ++r) {
    float* row = block.row(r).data();
    int64_t drawn = 0;
    for (; drawn + 1 < n; drawn += 2) {
      const uint64_t bits = rng();
      row[((bits & 0xffffffffULL) * range) >> 32] += 1.0f;
      row[((bits >> 32) * range) >> 32] += 1.0f;
    }
    if (drawn < n) row[((rng() & 0xffffffffULL) * range) >> 32] += 1.0f;
  }
}

struct KeptWeights {
  int64_t n = 0;
  int resamples = 0;
  uint64_t seed = 0;
  CountMatrix counts;
};

std::mutex kept_weights_mutex;
std::shared_ptr<const KeptWeights> kept_weights;

std::shared_ptr<const KeptWeights> weights_for(int64_t n, int resamples, uint64_t seed) {
  {
    std::lock_guard<std::mutex> lock(kept_weights_mutex);
    if (kept_weights && kept_weights->n == n && kept_weights->resamples == resamples &&
        kept_weights->seed == seed) {
      return kept_weights;
    }
  }
  auto fresh = std::make_shared<KeptWeights>();
  fresh->n = n;
  fresh->resamples = resamples;
  fresh->seed = seed;
  fresh->counts.resize(resamples, n);
  SplitMix64 rng(seed);
  draw_counts(rng, n, resamples, fresh->counts);
  std::lock_guard<std::mutex> lock(kept_weights_mutex);
  kept_weights = fresh;
  return fresh;
}

// T*_b = d*_b - d for every resample and every column of centred (n x k, one sample per
// column): the count matrix times the centred differences. Centring first makes the
// zero-variance case exact (all products are 0). Returns B x k (B x 1 for a vector).
template <typename Centred>
Eigen::MatrixXd centred_resample_means(const Centred& centred, const BootstrapOptions& options) {
  const int64_t n = centred.rows();
  const int resamples = options.resamples;
  Eigen::MatrixXd shifts(resamples, centred.cols());
  const double scale = 1.0 / static_cast<double>(n);
  if (options.reuse_weights && n * resamples <= kMaxKeptEntries) {
    const auto weights = weights_for(n, resamples, options.seed);
    shifts = (weights->counts * centred).template cast<double>() * scale;
    return shifts;
  }
  const Eigen::Index rows_per_block =
      std::clamp<Eigen::Index>(kBlockEntries / n, 1, static_cast<Eigen::Index>(resamples));
  CountMatrix block(rows_per_block, n);
  SplitMix64 rng(options.seed);
  for (Eigen::Index first = 0; first < resamples; first += rows_per_block) {
    const Eigen::Index rows = std::min<Eigen::Index>(rows_per_block, resamples - first);
    draw_counts(rng, n, rows, block);
    shifts.middleRows(first, rows) =
        (block.topRows(rows) * centred).template cast<double>() * scale;
  }
  return shifts;
}

// Quantile q of values, interpolating linearly between order statistics (type 7). Reorders
// values (two partial selections rather than a full sort).
double quantile(std::vector<double>& values, double q) {
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(position));
  const double fraction = position - static_cast<double>(below);
  std::nth_element(values.begin(), values.begin() + below, values.end());
  const double low = values[below];
  if (fraction == 0 || below + 1 >= values.size()) return low;
  const double high = *std::min_element(values.begin() + below + 1, values.end());
  return low + fraction * (high - low);
}

// The result of one sample from its mean and its column of resampled shifts.
template <typename Shifts>
BootstrapResult result_from_shifts(int64_t n, double mean, const Shifts& shifts,
                                   const BootstrapOptions& options) {
  BootstrapResult result;
  result.pairs = n;
  result.mean_difference = mean;
  int64_t at_least_as_extreme = 0;
  for (Eigen::Index b = 0; b < shifts.size(); ++b) {
    if (std::abs(shifts[b]) >= std::abs(mean)) ++at_least_as_extreme;
  }
  result.p_value =
      static_cast<double>(1 + at_least_as_extreme) / static_cast<double>(options.resamples + 1);
  std::vector<double> resampled(static_cast<size_t>(shifts.size()));
  for (Eigen::Index b = 0; b < shifts.size(); ++b) resampled[b] = mean + shifts[b];
  if (options.keep_resampled) result.resampled = resampled;
  result.ci_low = quantile(resampled, options.alpha / 2);
  result.ci_high = quantile(resampled, 1 - options.alpha / 2);
  return result;
}

Eigen::VectorXd differences_of(std::span<const double> baseline, std::span<const double> current) {
  if (baseline.size() != current.size()) {
    throw std::invalid_argument("paired_bootstrap: baseline and current differ in length");
  }
  Eigen::VectorXd differences(static_cast<Eigen::Index>(baseline.size()));
  for (size_t i = 0; i < baseline.size(); ++i) differences[i] = current[i] - baseline[i];
  return differences;
}

}  // namespace

BootstrapResult paired_bootstrap(std::span<const double> baseline, std::span<const double> current,
                                 const BootstrapOptions& options) {
  const Eigen::VectorXd differences = differences_of(baseline, current);
  if (options.resamples < 1) throw std::invalid_argument("paired_bootstrap: resamples < 1");
  const int64_t n = differences.size();
  if (n == 0) return BootstrapResult{};
  const double mean = differences.mean();
  const Eigen::VectorXf centred = (differences.array() - mean).cast<float>().matrix();
  const Eigen::MatrixXd shifts = centred_resample_means(centred, options);
  return result_from_shifts(n, mean, shifts.col(0), options);
}

std::vector<BootstrapResult> paired_bootstrap_batch(std::span<const PairedSample> samples,
                                                    const BootstrapOptions& options) {
  if (options.resamples < 1) throw std::invalid_argument("paired_bootstrap: resamples < 1");
  std::vector<BootstrapResult> results;
  if (samples.empty()) return results;
  const size_t length = samples.front().baseline.size();
  const Eigen::Index n = static_cast<Eigen::Index>(length);
  Eigen::MatrixXf centred(n, static_cast<Eigen::Index>(samples.size()));
  std::vector<double> means;
  for (size_t k = 0; k < samples.size(); ++k) {
    if (samples[k].baseline.size() != length) {
      throw std::invalid_argument("paired_bootstrap_batch: samples differ in length");
    }
    const Eigen::VectorXd differences = differences_of(samples[k].baseline, samples[k].current);
    means.push_back(n > 0 ? differences.mean() : 0.0);
    centred.col(static_cast<Eigen::Index>(k)) =
        (differences.array() - means.back()).cast<float>().matrix();
  }
  if (n == 0) return std::vector<BootstrapResult>(samples.size());
  const Eigen::MatrixXd shifts = centred_resample_means(centred, options);
  for (size_t k = 0; k < samples.size(); ++k) {
    results.push_back(
        result_from_shifts(n, means[k], shifts.col(static_cast<Eigen::Index>(k)), options));
  }
  return results;
}

BootstrapInterval bootstrap_interval(const BootstrapResult& result, double alpha) {
  if (result.resampled.empty()) return {result.mean_difference, result.mean_difference};
  std::vector<double> values = result.resampled;
  return {quantile(values, alpha / 2), quantile(values, 1 - alpha / 2)};
}

}  // namespace evalkit
