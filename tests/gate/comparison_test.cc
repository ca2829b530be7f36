#include "evalkit/gate/comparison.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/gate_trials.h"

namespace evalkit {
namespace {

using ::testing::HasSubstr;

using testing::make_trial;
using testing::numbered;
using testing::pass_fail_run;

const MetricComparison& metric_named(const Comparison& comparison, const std::string& name) {
  auto it = std::find_if(comparison.metrics.begin(), comparison.metrics.end(),
                         [&](const MetricComparison& m) { return m.metric == name; });
  EXPECT_NE(it, comparison.metrics.end()) << name;
  return *it;
}

TEST(CaseAggregateTest, KOfNAndFlaky) {
  std::vector<TrialResult> trials = {make_trial("a", 0, true), make_trial("a", 1, false),
                                     make_trial("a", 2, true), make_trial("b", 0, true),
                                     make_trial("b", 1, true), make_trial("b", 2, true)};
  PassRule all;
  std::vector<CaseAggregate> cases = aggregate_cases(trials, all);
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].key.case_id, "a");
  EXPECT_EQ(cases[0].repeats, 3);
  EXPECT_EQ(cases[0].passes, 2);
  EXPECT_FALSE(cases[0].pass);  // k_of_n = 0: every repeat must pass
  EXPECT_TRUE(cases[0].flaky);
  EXPECT_TRUE(cases[1].pass);
  EXPECT_FALSE(cases[1].flaky);

  PassRule two_of_three;
  two_of_three.k_of_n = 2;
  cases = aggregate_cases(trials, two_of_three);
  EXPECT_TRUE(cases[0].pass);

  PassRule five;  // more than the repeats run: all of them
  five.k_of_n = 5;
  cases = aggregate_cases(trials, five);
  EXPECT_FALSE(cases[0].pass);
  EXPECT_TRUE(cases[1].pass);
}

TEST(CaseAggregateTest, ErrorsFailTheRepeatAndLeaveTheMetricMean) {
  TrialResult errored = make_trial("a", 1, true, {{"rouge", 0.0, "rouge|L", true}});
  errored.error = "scorer failed";
  std::vector<TrialResult> trials = {make_trial("a", 0, true, {{"rouge", 0.8, "rouge|L"}}), errored,
                                     make_trial("a", 2, true, {{"rouge", 0.6, "rouge|L"}})};
  const std::vector<CaseAggregate> cases = aggregate_cases(trials, PassRule{});
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].passes, 2);
  EXPECT_FALSE(cases[0].pass);
  EXPECT_TRUE(cases[0].flaky);
  const MetricMean& rouge = cases[0].metrics.at("rouge");
  EXPECT_DOUBLE_EQ(rouge.mean, 0.7);
  EXPECT_EQ(rouge.count, 2);
  EXPECT_EQ(rouge.errors, 1);
  EXPECT_NEAR(cases[0].mean_weighted_score, (0.8 + 0.0 + 0.6) / 3, 1e-12);
}

TEST(CaseAggregateTest, CasesToJson) {
  const std::vector<CaseAggregate> cases =
      aggregate_cases({make_trial("a", 0, true), make_trial("a", 1, false)}, PassRule{});
  const nlohmann::json json = cases_to_json(cases);
  const nlohmann::json expected = nlohmann::json::parse(R"([
    {"case_id": "a", "prompt_id": "qa", "provider_id": "model", "repeats": 2, "passes": 1,
     "pass": false, "flaky": true, "mean_weighted_score": 0.5}])");
  EXPECT_EQ(json, expected);
}

TEST(ComparisonTest, PairsCasesAndListsTheUnpaired) {
  std::vector<TrialResult> baseline = {make_trial("a", 0, true), make_trial("b", 0, true),
                                       make_trial("c", 0, false)};
  std::vector<TrialResult> current = {make_trial("d", 0, true), make_trial("c", 0, true),
                                      make_trial("b", 0, false)};
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  ASSERT_EQ(comparison.only_in_baseline.size(), 1u);
  EXPECT_EQ(comparison.only_in_baseline[0].case_id, "a");
  ASSERT_EQ(comparison.only_in_current.size(), 1u);
  EXPECT_EQ(comparison.only_in_current[0].case_id, "d");
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  EXPECT_EQ(pass_rate.n_pairs, 2);
  EXPECT_EQ(pass_rate.kind, MetricKind::kBinary);
  EXPECT_EQ(pass_rate.test, "mcnemar-exact");
  EXPECT_DOUBLE_EQ(*pass_rate.baseline, 0.5);
  EXPECT_DOUBLE_EQ(*pass_rate.current, 0.5);

  // Pass -> fail first, then fail -> pass, each with both outputs.
  ASSERT_EQ(comparison.flipped.size(), 2u);
  EXPECT_EQ(comparison.flipped[0].key.case_id, "b");
  EXPECT_TRUE(comparison.flipped[0].baseline_pass);
  EXPECT_FALSE(comparison.flipped[0].current_pass);
  EXPECT_EQ(comparison.flipped[1].key.case_id, "c");
  EXPECT_EQ(comparison.flipped[1].baseline_output, "c#0");
}

TEST(ComparisonTest, ProviderAndPromptArePartOfTheCaseIdentity) {
  std::vector<TrialResult> baseline = {make_trial("a", 0, true)};
  std::vector<TrialResult> current = {make_trial("a", 0, true)};
  current[0].key.provider_id = "other-model";
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  EXPECT_EQ(comparison.only_in_baseline.size(), 1u);
  EXPECT_EQ(comparison.only_in_current.size(), 1u);
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kNotCompared);
  EXPECT_THAT(pass_rate.note, HasSubstr("no case"));
}

TEST(ComparisonTest, LargeSignificantDropRegresses) {
  const Comparison comparison =
      compare_runs(pass_fail_run(100, 90), pass_fail_run(100, 60), CompareOptions{});
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  EXPECT_NEAR(*pass_rate.delta, -0.30, 1e-12);
  EXPECT_LT(*pass_rate.p_value, 1e-6);
  EXPECT_LT(*pass_rate.ci_high, 0.0);
  EXPECT_GT(*pass_rate.ci_low, -0.45);
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kRegressed);
  EXPECT_TRUE(comparison.regressed);
  EXPECT_EQ(comparison.flipped.size(), 30u);
}

TEST(ComparisonTest, SignificantDropWithinMaxDropPasses) {
  // 600 of 10,000 cases lost: significant, but a 0.06 drop against max_drop 0.1.
  CompareOptions options;
  options.gate["pass_rate"].max_drop = 0.1;
  const Comparison comparison =
      compare_runs(pass_fail_run(10000, 9000), pass_fail_run(10000, 8400), options);
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  EXPECT_LT(*pass_rate.p_adjusted, 0.05);
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kNoSignificantChange);
  EXPECT_THAT(pass_rate.note, HasSubstr("within max_drop"));
  EXPECT_DOUBLE_EQ(pass_rate.max_drop, 0.1);
  EXPECT_FALSE(comparison.regressed);
}

TEST(ComparisonTest, NoisyDropIsNotSignificant) {
  // 2 of 20 cases lost: a 0.1 drop, but McNemar p = 0.5.
  const Comparison comparison =
      compare_runs(pass_fail_run(20, 15), pass_fail_run(20, 13), CompareOptions{});
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  EXPECT_DOUBLE_EQ(*pass_rate.p_value, 0.5);
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kNoSignificantChange);
  EXPECT_THAT(pass_rate.note, HasSubstr("not significant"));
  EXPECT_FALSE(comparison.regressed);
}

TEST(ComparisonTest, ImprovementAndMinIsNotAComparisonVerdict) {
  const Comparison improved =
      compare_runs(pass_fail_run(100, 50), pass_fail_run(100, 80), CompareOptions{});
  EXPECT_EQ(metric_named(improved, "pass_rate").verdict, MetricVerdict::kImproved);
  EXPECT_FALSE(improved.regressed);

  // A floor is checked on every run by check_floors (floors_test.cc), not by the comparison:
  // the comparison only carries the rule for the reports.
  CompareOptions options;
  options.gate["pass_rate"].min = 0.9;
  const Comparison floored = compare_runs(pass_fail_run(100, 50), pass_fail_run(100, 80), options);
  const MetricComparison& pass_rate = metric_named(floored, "pass_rate");
  EXPECT_EQ(pass_rate.verdict, MetricVerdict::kImproved);
  EXPECT_EQ(*pass_rate.min, 0.9);
  EXPECT_FALSE(floored.regressed);
}

TEST(ComparisonTest, KOfNDecidesWhichCasesFlip) {
  // Case "a" passes 2 of 3 repeats now, all 3 before.
  std::vector<TrialResult> baseline = {make_trial("a", 0, true), make_trial("a", 1, true),
                                       make_trial("a", 2, true)};
  std::vector<TrialResult> current = {make_trial("a", 0, true), make_trial("a", 1, false),
                                      make_trial("a", 2, true)};
  CompareOptions all;
  EXPECT_EQ(compare_runs(baseline, current, all).flipped.size(), 1u);
  CompareOptions two_of_three;
  two_of_three.pass.k_of_n = 2;
  EXPECT_TRUE(compare_runs(baseline, current, two_of_three).flipped.empty());
}

// Scores for n cases: value(i) in the baseline and value(i) + shift now.
std::vector<TrialResult> scored_run(int n, double shift, const std::string& signature) {
  std::vector<TrialResult> run;
  for (int i = 0; i < n; ++i) {
    const double value = 0.3 + 0.4 * ((i * 37) % 100) / 100.0 + shift;
    run.push_back(
        make_trial(numbered("c", i), 0, true, {{"bleu", value, signature}}, numbered("out", i)));
  }
  return run;
}

TEST(ComparisonTest, RefusesToCompareAcrossSignatures) {
  const std::vector<TrialResult> baseline = scored_run(50, 0, "bleu|tok:13a");
  const std::vector<TrialResult> current = scored_run(50, -0.2, "bleu|tok:intl");
  const Comparison refused = compare_runs(baseline, current, CompareOptions{});
  const MetricComparison& bleu = metric_named(refused, "bleu");
  EXPECT_EQ(bleu.verdict, MetricVerdict::kNotCompared);
  EXPECT_EQ(bleu.note,
            "signature differs: baseline bleu|tok:13a vs current bleu|tok:intl; use "
            "--allow-signature-mismatch to compare anyway");
  EXPECT_FALSE(bleu.p_value.has_value());
  EXPECT_FALSE(refused.regressed);
  EXPECT_TRUE(refused.largest_drops.empty());

  CompareOptions allow;
  allow.allow_signature_mismatch = true;
  const Comparison compared = compare_runs(baseline, current, allow);
  EXPECT_EQ(metric_named(compared, "bleu").verdict, MetricVerdict::kRegressed);
  EXPECT_TRUE(compared.regressed);
}

TEST(ComparisonTest, ContinuousMetricAndLargestDrops) {
  std::vector<TrialResult> baseline = scored_run(40, 0, "bleu|1");
  std::vector<TrialResult> current = scored_run(40, 0, "bleu|1");
  // Twelve cases fall, by 0.01 * (i + 1); the ten largest are listed, largest first.
  for (int i = 0; i < 12; ++i) current[i].scores[0].value -= 0.01 * (i + 1);
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  const MetricComparison& bleu = metric_named(comparison, "bleu");
  EXPECT_EQ(bleu.kind, MetricKind::kContinuous);
  EXPECT_EQ(bleu.test, "paired-bootstrap");
  EXPECT_EQ(bleu.n_pairs, 40);
  EXPECT_NEAR(*bleu.delta, -0.78 / 40, 1e-12);
  EXPECT_NEAR(*bleu.current - *bleu.baseline, *bleu.delta, 1e-12);
  EXPECT_LE(*bleu.ci_low, *bleu.delta);
  EXPECT_GE(*bleu.ci_high, *bleu.delta);
  EXPECT_GE(*bleu.p_adjusted, *bleu.p_value);
  ASSERT_EQ(comparison.largest_drops.size(), 10u);
  EXPECT_EQ(comparison.largest_drops[0].key.case_id, "c11");
  EXPECT_NEAR(comparison.largest_drops[0].delta, -0.12, 1e-12);
  EXPECT_EQ(comparison.largest_drops[0].current_output, "out11");
  EXPECT_EQ(comparison.largest_drops[9].key.case_id, "c2");
}

TEST(ComparisonTest, MetricScoredByOneRunIsListedNotCompared) {
  std::vector<TrialResult> baseline = scored_run(10, 0, "bleu|1");
  std::vector<TrialResult> current = pass_fail_run(10, 10);
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  const MetricComparison& bleu = metric_named(comparison, "bleu");
  EXPECT_EQ(bleu.verdict, MetricVerdict::kNotCompared);
  EXPECT_EQ(bleu.note, "scored only in the baseline run");
}

TEST(ComparisonTest, HolmAdjustsAcrossMetrics) {
  std::vector<TrialResult> baseline = scored_run(60, 0, "bleu|1");
  std::vector<TrialResult> current = scored_run(60, -0.01, "bleu|1");
  for (int i = 0; i < 10; ++i) current[i].pass = false;
  const Comparison comparison = compare_runs(baseline, current, CompareOptions{});
  const MetricComparison& pass_rate = metric_named(comparison, "pass_rate");
  const MetricComparison& bleu = metric_named(comparison, "bleu");
  // The smaller p-value is doubled, the larger kept (or raised to the smaller's).
  const double smaller = std::min(*pass_rate.p_value, *bleu.p_value);
  const double larger = std::max(*pass_rate.p_value, *bleu.p_value);
  EXPECT_DOUBLE_EQ(std::min(*pass_rate.p_adjusted, *bleu.p_adjusted), std::min(1.0, 2 * smaller));
  EXPECT_DOUBLE_EQ(std::max(*pass_rate.p_adjusted, *bleu.p_adjusted),
                   std::max(larger, std::min(1.0, 2 * smaller)));
}

TEST(ComparisonTest, ToJsonMatchesTheReportFormat) {
  Comparison comparison =
      compare_runs(scored_run(30, 0, "bleu|1"), scored_run(30, -0.1, "bleu|1"), CompareOptions{});
  comparison.baseline_name = "main";
  comparison.baseline_run_id = "run-1";
  const nlohmann::json json = to_json(comparison);
  EXPECT_EQ(json["baseline"], nlohmann::json({{"name", "main"}, {"run_id", "run-1"}}));
  EXPECT_EQ(json["alpha"], 0.05);
  EXPECT_EQ(json["verdict"], "regressed");
  ASSERT_EQ(json["metrics"].size(), 2u);
  const nlohmann::json& pass_rate = json["metrics"][0];
  std::vector<std::string> keys;
  for (const auto& item : pass_rate.items()) keys.push_back(item.key());
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"baseline", "can_detect", "ci_high",  "ci_level",
                                            "ci_low",   "current",    "delta",    "detectable_drop",
                                            "gated",    "kind",       "max_drop", "metric",
                                            "min",      "n_pairs",    "note",     "p_adjusted",
                                            "p_value",  "rule",       "test",     "verdict"}));
  EXPECT_EQ(json["pairing"]["paired"], 30);
  EXPECT_EQ(json["pairing"]["baseline_cases"], 30);
  EXPECT_EQ(json["family_size"], 2);
  EXPECT_EQ(json["not_comparable"], nlohmann::json::array());
  EXPECT_EQ(json["cells"], nlohmann::json::array());
  EXPECT_EQ(pass_rate["metric"], "pass_rate");
  EXPECT_EQ(pass_rate["kind"], "binary");
  EXPECT_TRUE(pass_rate["min"].is_null());
  EXPECT_EQ(pass_rate["verdict"], "no significant change");
  const nlohmann::json& bleu = json["metrics"][1];
  EXPECT_EQ(bleu["kind"], "continuous");
  EXPECT_EQ(bleu["verdict"], "regressed");
  EXPECT_NEAR(bleu["delta"].get<double>(), -0.1, 1e-12);
  EXPECT_EQ(json["flipped"], nlohmann::json::array());
  ASSERT_EQ(json["largest_drops"].size(), 10u);
  const nlohmann::json& drop = json["largest_drops"][0];
  for (const char* key : {"metric", "case_id", "prompt_id", "provider_id", "baseline", "current",
                          "delta", "baseline_output", "current_output"}) {
    EXPECT_TRUE(drop.contains(key)) << key;
  }
  EXPECT_EQ(json["only_in_baseline"], nlohmann::json::array());
  EXPECT_EQ(json["only_in_current"], nlohmann::json::array());
}

}  // namespace
}  // namespace evalkit
