// One paired comparison of a metric between two sides (a baseline and a run, or two providers
// or prompts of one run): the effect, its interval, a p-value, and the verdict rule. The
// baseline gate and the in-run comparisons share these pieces.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "evalkit/gate/paired_bootstrap.h"

namespace evalkit {

enum class MetricKind { kBinary, kContinuous };

// "binary" or "continuous".
const char* metric_kind_name(MetricKind kind);

// True when every value is exactly 0 or 1 (and there is at least one): such a metric is a
// pass/fail outcome and is compared as one (McNemar), like the case pass rate.
bool values_are_binary(std::span<const double> values);

struct PairedTestResult {
  MetricKind kind = MetricKind::kContinuous;
  std::string test;  // "mcnemar-exact" or "paired-bootstrap"
  int64_t pairs = 0;
  double a_mean = 0;  // side a (the baseline), over the pairs
  double b_mean = 0;  // side b (the current run)
  double delta = 0;   // b_mean - a_mean
  double ci_low = 0;  // interval of delta at ci_level
  double ci_high = 0;
  double ci_level = 0.95;
  double p_value = 1;  // two-sided, against "no change"
  // Discordant pairs of a binary comparison: a passed and b failed (lost), and the reverse.
  int64_t lost = 0;
  int64_t gained = 0;
  // Sample standard deviation of the per-pair differences b_i - a_i (0 with one pair).
  double sd_difference = 0;
};

// Compares paired values a[i], b[i] (same length, at least one pair). When both sides are
// binary (values_are_binary), the exact McNemar test and Newcombe's interval; otherwise the
// paired bootstrap of bootstrap (its alpha is replaced by ci_alpha). The interval is at level
// 1 - ci_alpha; the p-value does not depend on ci_alpha.
PairedTestResult paired_test(std::span<const double> a, std::span<const double> b, double ci_alpha,
                             const BootstrapOptions& bootstrap = {});

// The exact McNemar test on pass/fail pairs (true = pass), interval at 1 - ci_alpha.
PairedTestResult paired_binary_test(std::span<const double> a, std::span<const double> b,
                                    double ci_alpha);

enum class DropVerdict { kWorse, kNoSignificantChange, kBetter };

// The verdict rule of every paired comparison: worse when the drop is larger than max_drop
// (delta < -max_drop) and significant (p <= alpha, p already adjusted for the family); better
// when delta > 0 and significant; otherwise no significant change.
DropVerdict decide_drop(double delta, double p, double alpha, double max_drop);

// The smallest p-value any paired test can reach with n pairs: 2 * 0.5^n, when every pair
// moves the same way (the sign test's floor, which the exact McNemar test shares). A test at
// level alpha can flag nothing while this is above alpha.
double smallest_reachable_p(int64_t pairs);

// The fewest pairs for which a test at level alpha can reach significance at all.
int64_t pairs_needed_to_detect(double alpha);

}  // namespace evalkit
