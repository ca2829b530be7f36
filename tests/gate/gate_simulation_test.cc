// Soundness of the gate's decision rule, by simulation: how often it flags a regression
// when nothing changed (false alarms) and when a system really got worse (power).
#include <algorithm>
#include <cstdio>
#include <future>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/gate/comparison.h"

namespace evalkit {
namespace {

constexpr int kCases = 500;
constexpr int kRepetitions = 1000;

// Beta(a, b) from two gamma draws.
double draw_beta(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> gamma_a(a, 1.0), gamma_b(b, 1.0);
  const double x = gamma_a(rng);
  const double y = gamma_b(rng);
  return x / (x + y);
}

// One run's trials: one repeat per case, the same keys in every run.
std::vector<TrialResult> make_run(bool with_score) {
  std::vector<TrialResult> run(kCases);
  for (int i = 0; i < kCases; ++i) {
    run[i].index = i;
    run[i].key = {"case-" + std::to_string(i), "qa", "model", 0};
    if (with_score) {
      Score score;
      score.name = "quality";
      score.type = "simulated";
      score.signature = "quality|v1";
      run[i].scores.push_back(score);
    }
  }
  return run;
}

struct Rates {
  double flagged = 0;         // the run as a whole regressed
  double metric_flagged = 0;  // the metric under study regressed
};

// Binary outcomes: case i passes with probability p_i in the baseline and
// max(p_i - drop, 0) in the current run; difficulties p_i ~ Beta(1.4, 0.6), mean 0.7.
Rates binary_rates(double drop, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> difficulty(kCases);
  for (double& p : difficulty) p = draw_beta(rng, 1.4, 0.6);
  std::vector<TrialResult> baseline = make_run(false), current = make_run(false);
  CompareOptions options;
  options.alpha = 0.05;
  options.gate[kPassRateMetric].max_drop = 0.02;
  int flagged = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    for (int i = 0; i < kCases; ++i) {
      baseline[i].pass = uniform(rng) < difficulty[i];
      current[i].pass = uniform(rng) < std::max(difficulty[i] - drop, 0.0);
    }
    if (compare_runs(baseline, current, options).regressed) ++flagged;
  }
  const double rate = static_cast<double>(flagged) / kRepetitions;
  return {rate, rate};
}

// Continuous scores: case i has a true mean m_i ~ Beta(6, 4) (mean 0.6, sd 0.15, so the
// [0, 1] clip rarely matters); a run scores it m_i - drop + Normal(0, 0.1), clipped to
// [0, 1]. A trial passes when its score is at least 0.5, so pass_rate moves too and Holm
// adjusts over both metrics, as in a real suite.
Rates continuous_rates(double drop, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 0.1);
  std::vector<double> true_mean(kCases);
  for (double& m : true_mean) m = draw_beta(rng, 6, 4);
  std::vector<TrialResult> baseline = make_run(true), current = make_run(true);
  CompareOptions options;
  options.alpha = 0.05;
  options.gate[kPassRateMetric].max_drop = 0.02;
  options.gate["quality"].max_drop = 0.02;
  auto set_score = [](TrialResult& trial, double value) {
    value = std::clamp(value, 0.0, 1.0);
    trial.scores[0].value = value;
    trial.scores[0].pass = value >= 0.5;
    trial.pass = trial.scores[0].pass;
    trial.weighted_score = value;
  };
  int flagged = 0, metric_flagged = 0;
  for (int r = 0; r < kRepetitions; ++r) {
    for (int i = 0; i < kCases; ++i) {
      set_score(baseline[i], true_mean[i] + noise(rng));
      set_score(current[i], true_mean[i] - drop + noise(rng));
    }
    const Comparison comparison = compare_runs(baseline, current, options);
    if (comparison.regressed) ++flagged;
    for (const MetricComparison& metric : comparison.metrics) {
      if (metric.metric == "quality" && metric.verdict == MetricVerdict::kRegressed) {
        ++metric_flagged;
      }
    }
  }
  return {static_cast<double>(flagged) / kRepetitions,
          static_cast<double>(metric_flagged) / kRepetitions};
}

TEST(GateSimulationTest, PassRateRarelyFlagsNoiseAndCatchesAnEightPointDrop) {
  // The two scenarios are independent (own seeds); running them side by side halves the
  // wall time of sanitizer builds.
  auto same_future = std::async(std::launch::async, binary_rates, 0.0, 101);
  const Rates worse = binary_rates(0.08, 202);
  const Rates same = same_future.get();
  std::printf("pass_rate: same system flagged %.1f%%, 0.08 drop flagged %.1f%%\n",
              100 * same.flagged, 100 * worse.flagged);
  EXPECT_LE(same.flagged, 0.06);
  EXPECT_GE(worse.flagged, 0.85);
}

TEST(GateSimulationTest, ScoreRarelyFlagsNoiseAndCatchesAThreePointDrop) {
  auto same_future = std::async(std::launch::async, continuous_rates, 0.0, 303);
  const Rates worse = continuous_rates(0.03, 404);
  const Rates same = same_future.get();
  std::printf(
      "quality: same system flagged %.1f%% (any metric) / %.1f%% (quality); 0.03 drop flagged "
      "%.1f%% (quality) / %.1f%% (any metric)\n",
      100 * same.flagged, 100 * same.metric_flagged, 100 * worse.metric_flagged,
      100 * worse.flagged);
  EXPECT_LE(same.flagged, 0.06);
  EXPECT_GE(worse.metric_flagged, 0.85);
}

}  // namespace
}  // namespace evalkit
