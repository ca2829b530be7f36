// The gate's rules beyond one metric's test: which metrics form the Holm family, intervals at
// the family's level, threshold rules, 0/1 scorers compared as binary, the smallest detectable
// drop, pairing (renamed prompts, min_paired, nothing to compare) and per-cell comparisons.
#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "evalkit/gate/comparison.h"
#include "evalkit/gate/detectable_drop.h"
#include "evalkit/gate/paired_test.h"
#include "tests/support/gate_trials.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;
using testing::make_trial;
using testing::numbered;
using testing::pass_fail_run;
using testing::ScoreValue;

const MetricComparison& metric_named(const std::vector<MetricComparison>& metrics,
                                     const std::string& name) {
  auto it = std::find_if(metrics.begin(), metrics.end(),
                         [&](const MetricComparison& m) { return m.metric == name; });
  EXPECT_NE(it, metrics.end()) << name;
  return *it;
}

// n cases; the first `passing` pass and score "exact" 1 (else 0); "constant" is always 1 with
// weight 0 (an informational scorer).
std::vector<TrialResult> exact_run(int n, int passing, bool with_constant) {
  std::vector<TrialResult> run;
  for (int i = 0; i < n; ++i) {
    std::vector<ScoreValue> scores = {{"exact", i < passing ? 1.0 : 0.0, "exact|1"}};
    if (with_constant) scores.push_back({"constant", 1.0, "constant|1", false, 0.0});
    run.push_back(make_trial(numbered("c", i), 0, i < passing, scores));
  }
  return run;
}

TEST(GateFamilyTest, AnInformationalScorerStaysOutOfTheHolmFamily) {
  // 50 cases, 7 pass -> fail and none back: McNemar p = 2 / 2^7 = 0.0156.
  CompareOptions options;
  options.gate[kPassRateMetric].max_drop = 0;
  const Comparison with = compare_runs(exact_run(50, 47, true), exact_run(50, 40, true), options);
  const Comparison without =
      compare_runs(exact_run(50, 47, false), exact_run(50, 40, false), options);
  const MetricComparison& pass_rate = metric_named(with.metrics, kPassRateMetric);
  EXPECT_EQ(with.family_size, 1);
  EXPECT_NEAR(*pass_rate.p_value, 0.015625, 1e-12);
  EXPECT_DOUBLE_EQ(*pass_rate.p_adjusted, *pass_rate.p_value);
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kRegressed);
  EXPECT_DOUBLE_EQ(*metric_named(without.metrics, kPassRateMetric).p_adjusted,
                   *pass_rate.p_adjusted);
  // The metrics outside gate: are compared for information, never adjusted or gated.
  const MetricComparison& constant = metric_named(with.metrics, "constant");
  EXPECT_FALSE(constant.gated);
  EXPECT_FALSE(constant.p_adjusted.has_value());
  EXPECT_EQ(constant.verdict, MetricVerdict::kNoSignificantChange);
  const MetricComparison& exact = metric_named(with.metrics, "exact");
  EXPECT_FALSE(exact.gated);
  EXPECT_EQ(exact.verdict, MetricVerdict::kWorse);
  EXPECT_STREQ(metric_verdict_name(exact.verdict), "worse (not gated)");
}

TEST(GateFamilyTest, WithoutGateRulesEveryWeightedScorerIsGatedAndWeightZeroIsNot) {
  const Comparison comparison =
      compare_runs(exact_run(50, 47, true), exact_run(50, 40, true), CompareOptions{});
  EXPECT_TRUE(metric_named(comparison.metrics, kPassRateMetric).gated);
  EXPECT_TRUE(metric_named(comparison.metrics, "exact").gated);
  EXPECT_FALSE(metric_named(comparison.metrics, "constant").gated);
  EXPECT_EQ(comparison.family_size, 2);
}

TEST(GateIntervalTest, GatedIntervalsAreAtTheFamilysLevelAndAgreeWithTheVerdict) {
  // For every 50-case table with up to 16 losses and 3 gains, two gated metrics: an interval
  // wholly below zero comes with a regression (or, where the exact test and the interval
  // method part ways, a note that says so), never with a silent "not significant".
  int below_zero = 0;
  for (int gained = 0; gained <= 3; ++gained) {
    for (int lost = 0; lost <= 16; ++lost) {
      std::vector<TrialResult> baseline = exact_run(50, 30, false);
      std::vector<TrialResult> current = exact_run(50, 30, false);
      for (int i = 0; i < lost; ++i) {
        current[i].pass = false;
        current[i].scores[0].value = 0;
      }
      for (int i = 0; i < gained; ++i) {
        current[49 - i].pass = true;
        current[49 - i].scores[0].value = 1;
      }
      const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
      ASSERT_EQ(comparison.family_size, 2);
      for (const MetricComparison& metric : comparison.metrics) {
        EXPECT_DOUBLE_EQ(metric.ci_level, 0.975) << metric.metric;
        if (*metric.ci_high < 0) {
          ++below_zero;
          EXPECT_TRUE(metric.verdict == MetricVerdict::kRegressed ||
                      metric.note.find("interval excludes 0") != std::string::npos)
              << metric.metric << " lost " << lost << " gained " << gained << ": " << metric.note;
        }
      }
    }
  }
  EXPECT_GT(below_zero, 20);  // the sweep reaches the interesting region
}

TEST(GateThresholdTest, ATestNoneRuleFailsOnTheDropAloneAndStaysOutOfTheFamily) {
  // 20 cases, 3 lost: McNemar p = 0.25, far from significant; a 0.15 drop.
  CompareOptions options;
  options.gate[kPassRateMetric] = GateRule{0.1, std::nullopt, GateTest::kNone};
  const Comparison dropped = compare_runs(pass_fail_run(20, 18), pass_fail_run(20, 15), options);
  const MetricComparison& pass_rate = metric_named(dropped.metrics, kPassRateMetric);
  EXPECT_EQ(pass_rate.rule, "threshold");
  EXPECT_EQ(dropped.family_size, 0);
  EXPECT_FALSE(pass_rate.p_adjusted.has_value());
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kRegressed);
  EXPECT_THAT(pass_rate.note, HasSubstr("larger than max_drop 0.1"));
  EXPECT_TRUE(dropped.regressed);
  EXPECT_TRUE(dropped.not_comparable.empty());  // a threshold needs no minimum of cases
  // A drop within max_drop passes.
  const Comparison within = compare_runs(pass_fail_run(20, 18), pass_fail_run(20, 17), options);
  EXPECT_EQ(metric_named(within.metrics, kPassRateMetric).verdict,
            MetricVerdict::kNoSignificantChange);
  EXPECT_FALSE(within.regressed);
}

TEST(GateBinaryTest, AScorerOfZerosAndOnesIsComparedWithMcNemar) {
  const Comparison comparison =
      compare_runs(exact_run(50, 47, false), exact_run(50, 40, false), CompareOptions{});
  const MetricComparison& exact = metric_named(comparison.metrics, "exact");
  EXPECT_EQ(exact.kind, MetricKind::kBinary);
  EXPECT_EQ(exact.test, "mcnemar-exact");
  EXPECT_DOUBLE_EQ(*exact.p_value, *metric_named(comparison.metrics, kPassRateMetric).p_value);
  // One fractional value anywhere makes it a score again.
  std::vector<TrialResult> current = exact_run(50, 40, false);
  current[45].scores[0].value = 0.5;
  const Comparison with_fraction =
      compare_runs(exact_run(50, 47, false), current, CompareOptions{});
  const MetricComparison& mixed = metric_named(with_fraction.metrics, "exact");
  EXPECT_EQ(mixed.kind, MetricKind::kContinuous);
  EXPECT_EQ(mixed.test, "paired-bootstrap");
}

TEST(GateDetectableDropTest, SmallSuitesCannotSeeSmallDrops) {
  // No flaky cases, alpha 0.05: about 0.15 at 50 cases, a few points at 1,000.
  const double at_50 = binary_detectable_drop(50, 0.0, 0.05).value();
  const double at_1000 = binary_detectable_drop(1000, 0.0, 0.05).value();
  EXPECT_GT(at_50, 0.12);
  EXPECT_LT(at_50, 0.2);
  EXPECT_LT(at_1000, 0.02);
  // Flaky cases cost power: with 10% of cases flipping by chance it takes a larger drop.
  EXPECT_GT(binary_detectable_drop(50, 0.10, 0.05).value(), at_50 + 0.05);
  // Five cases cannot reach p <= 0.05 at all (2 / 2^5 = 0.0625).
  EXPECT_FALSE(binary_detectable_drop(5, 0.0, 0.05).has_value());
  EXPECT_EQ(pairs_needed_to_detect(0.05), 6);
  EXPECT_NEAR(continuous_detectable_drop(100, 0.1, 0.05).value(), (1.959964 + 0.841621) * 0.01,
              1e-5);
  // Reported for each gated metric of a comparison.
  const Comparison comparison = compare_runs(pass_fail_run(50, 45), pass_fail_run(50, 45), {});
  const MetricComparison& pass_rate = metric_named(comparison.metrics, kPassRateMetric);
  ASSERT_TRUE(pass_rate.detectable_drop.has_value());
  EXPECT_DOUBLE_EQ(*pass_rate.detectable_drop, at_50);
}

TEST(GatePairingTest, ARenamedPromptPairsOnlyWhenAskedTo) {
  std::vector<TrialResult> baseline = pass_fail_run(50, 47);
  std::vector<TrialResult> renamed = pass_fail_run(50, 4);
  for (TrialResult& trial : renamed) trial.key.prompt_id = "qa2";
  const Comparison unpaired = compare_runs(baseline, renamed, CompareOptions{});
  EXPECT_EQ(unpaired.pairing.paired, 0);
  EXPECT_EQ(unpaired.outcome(), GateOutcome::kNotComparable);
  EXPECT_FALSE(unpaired.passed());
  ASSERT_GE(unpaired.not_comparable.size(), 2u);
  EXPECT_THAT(unpaired.not_comparable[0], HasSubstr("no case of the baseline (50 cases) pairs"));
  EXPECT_THAT(unpaired.not_comparable[1], HasSubstr("baseline 'qa', this run 'qa2'"));
  EXPECT_THAT(unpaired.not_comparable[1], HasSubstr("--pair-prompts qa=qa2"));

  CompareOptions paired_options;
  paired_options.prompt_pairs["qa"] = "qa2";
  const Comparison paired = compare_runs(baseline, renamed, paired_options);
  EXPECT_EQ(paired.pairing.paired, 50);
  EXPECT_EQ(paired.pairing.prompt_pairs.at("qa"), "qa2");
  EXPECT_EQ(paired.outcome(), GateOutcome::kRegressed);
  EXPECT_EQ(paired.flipped.size(), 43u);
}

TEST(GatePairingTest, TooFewPairedCasesIsNotAPass) {
  // The current run covers 40 of the baseline's 50 cases, with no change on them.
  const std::vector<TrialResult> baseline = pass_fail_run(50, 45);
  std::vector<TrialResult> current = pass_fail_run(40, 40);
  const Comparison strict = compare_runs(baseline, current, CompareOptions{});
  EXPECT_EQ(strict.outcome(), GateOutcome::kNotComparable);
  ASSERT_FALSE(strict.not_comparable.empty());
  EXPECT_THAT(strict.not_comparable[0], HasSubstr("only 40 of the baseline's 50 cases paired"));
  EXPECT_THAT(strict.not_comparable.back(), HasSubstr("10 case ids only in the baseline"));
  CompareOptions lenient;
  lenient.min_paired = 0.8;
  EXPECT_EQ(compare_runs(baseline, current, lenient).outcome(), GateOutcome::kPass);
  // New cases in the current run never count against the pairing.
  EXPECT_EQ(compare_runs(pass_fail_run(40, 40), pass_fail_run(50, 50), CompareOptions{}).outcome(),
            GateOutcome::kPass);
}

TEST(GatePairingTest, EmptyAndTinyBaselinesAreNotComparable) {
  const Comparison empty = compare_runs({}, pass_fail_run(50, 4), CompareOptions{});
  EXPECT_EQ(empty.outcome(), GateOutcome::kNotComparable);
  EXPECT_THAT(empty.not_comparable[0], HasSubstr("the baseline has no cases"));
  // One case pairs, all of the baseline: but no test can flag anything with one pair.
  const Comparison one = compare_runs(pass_fail_run(1, 1), pass_fail_run(50, 0), CompareOptions{});
  EXPECT_EQ(one.pairing.paired, 1);
  EXPECT_EQ(one.outcome(), GateOutcome::kNotComparable);
  EXPECT_THAT(one.not_comparable.back(), HasSubstr("no test at level"));
  EXPECT_THAT(one.not_comparable.back(), HasSubstr("test: none"));
  // A threshold rule works with a handful of cases.
  CompareOptions threshold;
  threshold.gate[kPassRateMetric] = GateRule{0.0, std::nullopt, GateTest::kNone};
  const Comparison small = compare_runs(pass_fail_run(3, 3), pass_fail_run(3, 2), threshold);
  EXPECT_EQ(small.outcome(), GateOutcome::kRegressed);
}

// n passing cases per provider in the baseline; now provider `worse` fails its first `lost`.
void provider_runs(const std::vector<std::string>& providers, int n, const std::string& worse,
                   int lost, std::vector<TrialResult>* baseline,
                   std::vector<TrialResult>* current) {
  for (const std::string& provider : providers) {
    for (int i = 0; i < n; ++i) {
      TrialResult before = make_trial(numbered("c", i), 0, true);
      before.key.provider_id = provider;
      TrialResult after = before;
      after.pass = !(provider == worse && i < lost);
      baseline->push_back(before);
      current->push_back(after);
    }
  }
}

TEST(GateCellTest, EachPromptProviderCellIsComparedAndARegressionNamesItsCell) {
  // Two providers x 60 cases; only provider "b" got worse (20 of 60 lost).
  std::vector<TrialResult> baseline, current;
  provider_runs({"a", "b"}, 60, "b", 20, &baseline, &current);
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  ASSERT_EQ(comparison.cells.size(), 2u);
  EXPECT_EQ(comparison.family_size, 3);  // pass_rate pooled, in cell a, in cell b
  const CellComparison& a = comparison.cells[0];
  const CellComparison& b = comparison.cells[1];
  EXPECT_EQ(a.provider_id, "a");
  EXPECT_EQ(a.paired, 60);
  EXPECT_FALSE(a.regressed);
  EXPECT_EQ(b.provider_id, "b");
  EXPECT_TRUE(b.regressed);
  EXPECT_EQ(metric_named(b.metrics, kPassRateMetric).verdict, MetricVerdict::kRegressed);
  EXPECT_NEAR(*metric_named(b.metrics, kPassRateMetric).delta, -20.0 / 60, 1e-12);
  EXPECT_TRUE(comparison.regressed);
  const nlohmann::json json = to_json(comparison);
  ASSERT_EQ(json["cells"].size(), 2u);
  EXPECT_EQ(json["cells"][1]["provider_id"], "b");
  EXPECT_EQ(json["cells"][1]["verdict"], "regressed");
  EXPECT_EQ(json["cells"][0]["verdict"], "pass");
}

TEST(GateCellTest, OnlyTheCellThatDroppedIsMarkedRegressed) {
  // Four providers x 50 cases; only "d" lost 10 cases: its cell regressed, the others did not.
  std::vector<TrialResult> baseline, current;
  provider_runs({"a", "b", "c", "d"}, 50, "d", 10, &baseline, &current);
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  ASSERT_EQ(comparison.cells.size(), 4u);
  EXPECT_EQ(comparison.family_size, 5);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(comparison.cells[size_t(i)].regressed) << i;
  EXPECT_TRUE(comparison.cells[3].regressed);
  EXPECT_EQ(comparison.cells[3].provider_id, "d");
}

}  // namespace
}  // namespace evalkit
