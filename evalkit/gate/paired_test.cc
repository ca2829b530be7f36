#include "evalkit/gate/paired_test.h"

#include <cmath>

#include "evalkit/gate/mcnemar.h"

namespace evalkit {
namespace {

double mean_of(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0.0 : sum / static_cast<double>(values.size());
}

double sd_of_differences(std::span<const double> a, std::span<const double> b) {
  const size_t n = a.size();
  if (n < 2) return 0;
  double mean = 0;
  for (size_t i = 0; i < n; ++i) mean += b[i] - a[i];
  mean /= static_cast<double>(n);
  double squares = 0;
  for (size_t i = 0; i < n; ++i) {
    const double d = b[i] - a[i] - mean;
    squares += d * d;
  }
  return std::sqrt(squares / static_cast<double>(n - 1));
}

}  // namespace

const char* metric_kind_name(MetricKind kind) {
  return kind == MetricKind::kBinary ? "binary" : "continuous";
}

bool values_are_binary(std::span<const double> values) {
  if (values.empty()) return false;
  for (double v : values) {
    if (v != 0.0 && v != 1.0) return false;
  }
  return true;
}

PairedTestResult paired_binary_test(std::span<const double> a, std::span<const double> b,
                                    double ci_alpha) {
  PairedTestResult result;
  result.kind = MetricKind::kBinary;
  result.test = "mcnemar-exact";
  result.ci_level = 1 - ci_alpha;
  PairedOutcomes table;
  for (size_t i = 0; i < a.size(); ++i) {
    const bool was = a[i] >= 0.5;
    const bool is = b[i] >= 0.5;
    if (was && is) ++table.both_pass;
    if (was && !is) ++table.lost;
    if (!was && is) ++table.gained;
    if (!was && !is) ++table.both_fail;
  }
  result.pairs = table.pairs();
  result.lost = table.lost;
  result.gained = table.gained;
  if (result.pairs == 0) return result;
  const double n = static_cast<double>(result.pairs);
  result.a_mean = static_cast<double>(table.both_pass + table.lost) / n;
  result.b_mean = static_cast<double>(table.both_pass + table.gained) / n;
  result.delta = table.difference();
  result.p_value = mcnemar_exact_p(table.lost, table.gained);
  const Interval interval = newcombe_paired_interval(table, ci_alpha);
  result.ci_low = interval.low;
  result.ci_high = interval.high;
  result.sd_difference = sd_of_differences(a, b);
  return result;
}

PairedTestResult paired_test(std::span<const double> a, std::span<const double> b, double ci_alpha,
                             const BootstrapOptions& bootstrap) {
  if (values_are_binary(a) && values_are_binary(b)) return paired_binary_test(a, b, ci_alpha);
  PairedTestResult result;
  result.kind = MetricKind::kContinuous;
  result.test = "paired-bootstrap";
  result.ci_level = 1 - ci_alpha;
  result.pairs = static_cast<int64_t>(a.size());
  if (a.empty()) return result;
  BootstrapOptions options = bootstrap;
  options.alpha = ci_alpha;
  const BootstrapResult outcome = paired_bootstrap(a, b, options);
  result.a_mean = mean_of(a);
  result.b_mean = mean_of(b);
  result.delta = outcome.mean_difference;
  result.ci_low = outcome.ci_low;
  result.ci_high = outcome.ci_high;
  result.p_value = outcome.p_value;
  result.sd_difference = sd_of_differences(a, b);
  return result;
}

DropVerdict decide_drop(double delta, double p, double alpha, double max_drop) {
  const bool significant = p <= alpha;
  if (delta < -max_drop && significant) return DropVerdict::kWorse;
  if (delta > 0 && significant) return DropVerdict::kBetter;
  return DropVerdict::kNoSignificantChange;
}

double smallest_reachable_p(int64_t pairs) {
  if (pairs <= 0) return 1.0;
  return std::min(1.0, 2.0 * std::pow(0.5, static_cast<double>(pairs)));
}

int64_t pairs_needed_to_detect(double alpha) {
  int64_t n = 1;
  while (smallest_reachable_p(n) > alpha && n < 4096) ++n;
  return n;
}

}  // namespace evalkit
