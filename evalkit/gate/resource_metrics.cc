#include "evalkit/gate/resource_metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "evalkit/suite/suite_keys.h"

namespace evalkit {
namespace {

// SplitMix64 with Lemire's multiply-shift for indices, as the score bootstrap draws them.
class IndexDraw {
 public:
  explicit IndexDraw(uint64_t seed) : state_(seed) {}
  size_t below(size_t n) {
    state_ += 0x9e3779b97f4a7c15ULL;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    // Lemire's multiply-shift on the high 32 bits: (u * n) >> 32, biased by less than
    // n / 2^32 (case counts stay far below 2^32).
    return static_cast<size_t>(((z >> 32) * static_cast<uint64_t>(n)) >> 32);
  }

 private:
  uint64_t state_;
};

// The q quantile of values (linear interpolation between order statistics); reorders them.
double quantile_in_place(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t lower = static_cast<size_t>(position);
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(lower);
  std::nth_element(values.begin(), at, values.end());
  const double low = *at;
  const double fraction = position - static_cast<double>(lower);
  if (fraction == 0 || lower + 1 >= values.size()) return low;
  const double high = *std::min_element(at + 1, values.end());
  return low + (high - low) * fraction;
}

double sample_sd(std::span<const double> a, std::span<const double> b) {
  const size_t n = a.size();
  if (n < 2) return 0;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += b[i] - a[i];
  mean /= static_cast<double>(n);
  double squares = 0;
  for (size_t i = 0; i < n; ++i) squares += (b[i] - a[i] - mean) * (b[i] - a[i] - mean);
  return std::sqrt(squares / static_cast<double>(n - 1));
}

PairedTestResult p95_test(std::span<const double> a, std::span<const double> b, double ci_alpha,
                          const BootstrapOptions& options) {
  PairedTestResult r;
  r.kind = MetricKind::kContinuous;
  r.test = "paired-bootstrap-p95";
  r.pairs = static_cast<int64_t>(a.size());
  r.a_mean = resource_statistic(kLatencyP95Metric, a);
  r.b_mean = resource_statistic(kLatencyP95Metric, b);
  r.delta = r.b_mean - r.a_mean;
  r.ci_level = 1 - ci_alpha;
  r.sd_difference = sample_sd(a, b);
  const size_t n = a.size();
  const int resamples = std::max(1, options.resamples);
  std::vector<double> deltas(static_cast<size_t>(resamples));
  std::vector<double> ra(n), rb(n);
  IndexDraw draw(options.seed);
  int64_t extreme = 0;
  for (double& d : deltas) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = draw.below(n);
      ra[k] = a[i];
      rb[k] = b[i];
    }
    d = quantile_in_place(rb, 0.95) - quantile_in_place(ra, 0.95);
    if (std::abs(d - r.delta) >= std::abs(r.delta)) ++extreme;
  }
  r.p_value = static_cast<double>(1 + extreme) / static_cast<double>(resamples + 1);
  if (r.delta == 0) r.p_value = 1;
  r.ci_low = quantile_in_place(deltas, ci_alpha / 2);
  r.ci_high = quantile_in_place(deltas, 1 - ci_alpha / 2);
  return r;
}

}  // namespace

bool is_resource_metric(std::string_view metric) {
  const auto& names = suite_keys::resource_metrics();
  return std::find(names.begin(), names.end(), metric) != names.end();
}

std::map<CaseKey, CaseResources> case_resources(const std::vector<TrialResult>& trials) {
  std::map<CaseKey, CaseResources> out;
  for (const TrialResult& trial : trials) {
    if (!trial.error.empty()) continue;
    CaseResources& r = out[CaseKey{trial.key.case_id, trial.key.prompt_id, trial.key.provider_id}];
    r.latency_s += trial.answer.latency_s;  // sums until the end
    r.cost_usd += trial.cost_usd;
    r.answered += 1;
  }
  for (auto& [key, r] : out) {
    r.latency_s /= r.answered;
    r.cost_usd /= r.answered;
  }
  return out;
}

double case_resource_value(const CaseResources& resources, std::string_view metric) {
  return metric == kCostMeanMetric ? resources.cost_usd : resources.latency_s;
}

double resource_statistic(std::string_view metric, std::span<const double> values) {
  if (values.empty()) return 0;
  if (metric == kLatencyP95Metric) {
    std::vector<double> copy(values.begin(), values.end());
    return quantile_in_place(copy, 0.95);
  }
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

PairedTestResult resource_test(std::string_view metric, std::span<const double> baseline,
                               std::span<const double> current, double ci_alpha,
                               const BootstrapOptions& options) {
  if (metric == kLatencyP95Metric) return p95_test(baseline, current, ci_alpha, options);
  BootstrapOptions bootstrap = options;
  bootstrap.alpha = ci_alpha;
  const BootstrapResult b = paired_bootstrap(baseline, current, bootstrap);
  PairedTestResult r;
  r.kind = MetricKind::kContinuous;
  r.test = "paired-bootstrap";
  r.pairs = b.pairs;
  r.a_mean = resource_statistic(metric, baseline);
  r.b_mean = resource_statistic(metric, current);
  r.delta = b.mean_difference;
  r.ci_low = b.ci_low;
  r.ci_high = b.ci_high;
  r.ci_level = 1 - ci_alpha;
  r.p_value = b.p_value;
  r.sd_difference = sample_sd(baseline, current);
  return r;
}

std::optional<double> relative_rise(double baseline, double current) {
  if (baseline == 0) return current == 0 ? std::optional<double>(0.0) : std::nullopt;
  return (current - baseline) / baseline;
}

}  // namespace evalkit
