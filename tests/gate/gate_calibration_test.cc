// The gate's false-alarm rate, pinned: when nothing changed, a metric is flagged as regressed
// in at most about alpha/2 of comparisons (docs/gating.md, section 5). Each scenario repeats
// an A/A comparison (two runs of the same system) R times and checks the share flagged
// against alpha/2 with a binomial tolerance: kSigmas standard deviations of a proportion
// over R repetitions, sqrt(q (1 - q) / R). Unlike the simulation of gate_simulation_test,
// these A/A runs differ by more than max_drop in a good share of repetitions, so the
// decision rests on the p-value and its calibration is what is measured.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <future>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/gate/comparison.h"
#include "evalkit/gate/mcnemar.h"
#include "evalkit/gate/paired_bootstrap.h"
#include "tests/support/simulated_runs.h"

namespace evalkit {
namespace {

using testing::draw_beta;
using testing::simulated_run;

constexpr double kAlpha = 0.05;
constexpr int kRepetitions = 4000;
constexpr double kSigmas = 3.0;
constexpr double kMaxDrop = 0.02;

// kSigmas standard deviations of the share of R Bernoulli(q) outcomes.
double binomial_tolerance(double q, int repetitions) {
  return kSigmas * std::sqrt(q * (1 - q) / repetitions);
}

const MetricComparison& metric_named(const Comparison& comparison, const std::string& name) {
  for (const MetricComparison& metric : comparison.metrics) {
    if (metric.metric == name) return metric;
  }
  ADD_FAILURE() << "no metric " << name;
  return comparison.metrics.front();
}

struct AARates {
  double regressed = 0;        // the metric was flagged as regressed
  double beyond_max_drop = 0;  // its delta was below -max_drop (the rule's first condition)
};

// Pass/fail A/A: 500 cases, case i passes with probability p_i ~ Beta(1.4, 0.6) in both runs.
// With about 140 discordant cases, sd(delta) is about 0.024, so a delta below -0.02 is common.
AARates pass_rate_aa(uint64_t seed) {
  constexpr int kCases = 500;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> difficulty(kCases);
  for (double& p : difficulty) p = draw_beta(rng, 1.4, 0.6);
  std::vector<TrialResult> baseline = simulated_run(kCases, false),
                           current = simulated_run(kCases, false);
  CompareOptions options;
  options.alpha = kAlpha;
  options.gate[kPassRateMetric].max_drop = kMaxDrop;
  int regressed = 0, beyond = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    for (int i = 0; i < kCases; ++i) {
      baseline[i].pass = uniform(rng) < difficulty[i];
      current[i].pass = uniform(rng) < difficulty[i];
    }
    const Comparison comparison = compare_runs(baseline, current, options);
    const MetricComparison& pass_rate = metric_named(comparison, kPassRateMetric);
    if (pass_rate.verdict == MetricVerdict::kRegressed) ++regressed;
    if (*pass_rate.delta < -kMaxDrop) ++beyond;
  }
  return {static_cast<double>(regressed) / kRepetitions,
          static_cast<double>(beyond) / kRepetitions};
}

// Score A/A: 100 cases with true means m_i ~ Beta(6, 4); each run scores m_i +
// Normal(0, 0.18), clipped to [0, 1], so sd(delta) is about 0.025. Every trial passes, so the
// pass rate never moves (its p-value is 1) and only the score can raise a false alarm.
AARates score_aa(uint64_t seed) {
  constexpr int kCases = 100;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 0.18);
  std::vector<double> true_mean(kCases);
  for (double& m : true_mean) m = draw_beta(rng, 6, 4);
  std::vector<TrialResult> baseline = simulated_run(kCases, true),
                           current = simulated_run(kCases, true);
  CompareOptions options;
  options.alpha = kAlpha;
  options.resamples = 2000;
  options.gate["quality"].max_drop = kMaxDrop;
  auto set_score = [](TrialResult& trial, double value) {
    value = std::clamp(value, 0.0, 1.0);
    trial.scores[0].value = value;
    trial.scores[0].pass = true;
    trial.pass = true;
    trial.weighted_score = value;
  };
  int regressed = 0, beyond = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    for (int i = 0; i < kCases; ++i) {
      set_score(baseline[i], true_mean[i] + noise(rng));
      set_score(current[i], true_mean[i] + noise(rng));
    }
    const Comparison comparison = compare_runs(baseline, current, options);
    const MetricComparison& quality = metric_named(comparison, "quality");
    if (quality.verdict == MetricVerdict::kRegressed) ++regressed;
    if (*quality.delta < -kMaxDrop) ++beyond;
  }
  return {static_cast<double>(regressed) / kRepetitions,
          static_cast<double>(beyond) / kRepetitions};
}

TEST(GateCalibrationTest, PassRateFalseAlarmsStayWithinHalfAlpha) {
  const AARates rates = pass_rate_aa(17);
  const double tolerance = binomial_tolerance(kAlpha / 2, kRepetitions);
  std::printf(
      "pass_rate A/A: delta below -max_drop in %.1f%%, regressed in %.2f%% (alpha/2 = "
      "%.1f%%, tolerance %.2f%%)\n",
      100 * rates.beyond_max_drop, 100 * rates.regressed, 100 * kAlpha / 2, 100 * tolerance);
  // The scenario reaches the p-value: many A/A deltas cross max_drop.
  EXPECT_GT(rates.beyond_max_drop, 0.10);
  // The exact McNemar test is conservative (its p-values are discrete), so only the upper
  // side is promised.
  EXPECT_LE(rates.regressed, kAlpha / 2 + tolerance);
  EXPECT_GT(rates.regressed, 0.0);  // but the gate does fire on the rare large A/A drop
}

TEST(GateCalibrationTest, ScoreFalseAlarmsMatchHalfAlphaAfterHolm) {
  const AARates rates = score_aa(29);
  // Holm multiplies the smallest of the m = 2 p-values compared (quality's; the pass rate's
  // is 1) by 2, so a false alarm needs p <= alpha / 2 and a drop: alpha / 4 of comparisons,
  // which is alpha/2 at the per-test level the docs promise.
  const double expected = kAlpha / 4;
  const double tolerance = binomial_tolerance(expected, kRepetitions);
  std::printf(
      "quality A/A: delta below -max_drop in %.1f%%, regressed in %.2f%% (expected "
      "%.2f%% +- %.2f%%)\n",
      100 * rates.beyond_max_drop, 100 * rates.regressed, 100 * expected, 100 * tolerance);
  EXPECT_GT(rates.beyond_max_drop, 0.10);
  EXPECT_LE(rates.regressed, expected + tolerance);
  EXPECT_GE(rates.regressed, expected - tolerance);
}

// The two tests on their own, with no gate rule or Holm around them: when nothing changed,
// p <= alpha together with a drop happens in alpha/2 of comparisons (the bootstrap), or at
// most that (the exact McNemar test).
TEST(GateCalibrationTest, EachTestAloneFlagsADropInHalfAlphaOfAAComparisons) {
  constexpr int kCases = 100;
  std::mt19937_64 rng(41);
  std::normal_distribution<double> noise(0, 0.18);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> true_mean(kCases), difficulty(kCases);
  for (double& m : true_mean) m = draw_beta(rng, 6, 4);
  for (double& p : difficulty) p = draw_beta(rng, 1.4, 0.6);
  std::vector<double> baseline(kCases), current(kCases);
  BootstrapOptions bootstrap;
  bootstrap.resamples = 2000;
  bootstrap.alpha = kAlpha;
  int bootstrap_drops = 0, mcnemar_drops = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    PairedOutcomes table;
    for (int i = 0; i < kCases; ++i) {
      baseline[i] = std::clamp(true_mean[i] + noise(rng), 0.0, 1.0);
      current[i] = std::clamp(true_mean[i] + noise(rng), 0.0, 1.0);
      const bool was = uniform(rng) < difficulty[i];
      const bool is = uniform(rng) < difficulty[i];
      if (was && is) ++table.both_pass;
      if (was && !is) ++table.lost;
      if (!was && is) ++table.gained;
      if (!was && !is) ++table.both_fail;
    }
    const BootstrapResult result = paired_bootstrap(baseline, current, bootstrap);
    if (result.p_value <= kAlpha && result.mean_difference < 0) ++bootstrap_drops;
    if (mcnemar_exact_p(table.lost, table.gained) <= kAlpha && table.lost > table.gained) {
      ++mcnemar_drops;
    }
  }
  const double tolerance = binomial_tolerance(kAlpha / 2, kRepetitions);
  const double bootstrap_rate = static_cast<double>(bootstrap_drops) / kRepetitions;
  const double mcnemar_rate = static_cast<double>(mcnemar_drops) / kRepetitions;
  std::printf(
      "A/A drops flagged at alpha: bootstrap %.2f%%, McNemar %.2f%% (alpha/2 = %.1f%% "
      "+- %.2f%%)\n",
      100 * bootstrap_rate, 100 * mcnemar_rate, 100 * kAlpha / 2, 100 * tolerance);
  EXPECT_LE(bootstrap_rate, kAlpha / 2 + tolerance);
  EXPECT_GE(bootstrap_rate, kAlpha / 2 - tolerance);
  EXPECT_LE(mcnemar_rate, kAlpha / 2 + tolerance);
}

}  // namespace
}  // namespace evalkit
