// Latency and cost in the gate: a rise beyond max_increase that the paired bootstrap finds
// significant regresses (in the Holm family), noise does not, a threshold rule needs no test,
// and a ceiling (`max:`) is checked on every run like a floor.
#include <random>

#include <gtest/gtest.h>

#include "evalkit/gate/comparison.h"
#include "evalkit/gate/floors.h"
#include "evalkit/gate/gate_verdict.h"
#include "evalkit/gate/resource_metrics.h"
#include "tests/support/gate_trials.h"

namespace evalkit {
namespace {

using testing::make_trial;
using testing::numbered;

// n passing cases with the given latency (seconds) and cost (USD) per case.
std::vector<TrialResult> timed_run(const std::vector<double>& latency,
                                   const std::vector<double>& cost) {
  std::vector<TrialResult> trials;
  for (size_t i = 0; i < latency.size(); ++i) {
    TrialResult t = make_trial(numbered("c", int(i)), 0, true);
    t.answer.latency_s = latency[i];
    t.cost_usd = cost[i];
    trials.push_back(std::move(t));
  }
  return trials;
}

std::vector<double> around(double center, double spread, int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> noise(-spread, spread);
  std::vector<double> values;
  for (int i = 0; i < n; ++i) values.push_back(center + noise(rng));
  return values;
}

const MetricComparison* find(const Comparison& c, const std::string& metric) {
  for (const auto& m : c.metrics) {
    if (m.metric == metric) return &m;
  }
  return nullptr;
}

CompareOptions gate(std::map<std::string, GateRule> rules) {
  CompareOptions options;
  options.gate = std::move(rules);
  options.resamples = 2000;
  return options;
}

TEST(ResourceMetricsTest, NinetyFifthPercentileInterpolates) {
  std::vector<double> values;
  for (int i = 1; i <= 21; ++i) values.push_back(i);  // p95 at position 19: the 20th value
  EXPECT_DOUBLE_EQ(resource_statistic(kLatencyP95Metric, values), 20.0);
  values.pop_back();  // 20 values: position 18.05 -> 19 + 0.05
  EXPECT_NEAR(resource_statistic(kLatencyP95Metric, values), 19.05, 1e-12);
  EXPECT_DOUBLE_EQ(resource_statistic(kCostMeanMetric, std::vector<double>{1, 2, 6}), 3.0);
  EXPECT_NEAR(*relative_rise(2, 2.5), 0.25, 1e-12);
  EXPECT_FALSE(relative_rise(0, 1).has_value());
}

TEST(ResourceMetricsTest, ErroredTrialsHaveNoLatency) {
  std::vector<TrialResult> trials = timed_run({1, 3}, {0.1, 0.3});
  TrialResult failed = make_trial("c0", 1, false);
  failed.error = "timeout";
  failed.answer.latency_s = 60;
  trials.push_back(failed);
  const auto resources = case_resources(trials);
  ASSERT_EQ(resources.size(), 2u);
  EXPECT_DOUBLE_EQ(resources.begin()->second.latency_s, 1.0);  // the timeout is left out
  EXPECT_EQ(resources.begin()->second.answered, 1);
}

TEST(ResourceGateTest, ASignificantRiseBeyondTheAllowanceRegresses) {
  const auto base = timed_run(around(1.0, 0.2, 60, 1), around(0.01, 0.002, 60, 2));
  const auto slow = timed_run(around(1.5, 0.2, 60, 3), around(0.01, 0.002, 60, 4));
  GateRule latency;
  latency.max_increase = 0.2;
  GateRule cost;
  cost.max_increase = 0.1;
  const Comparison c =
      compare_runs(base, slow, gate({{kLatencyP95Metric, latency}, {kCostMeanMetric, cost}}));
  const MetricComparison* p95 = find(c, kLatencyP95Metric);
  ASSERT_NE(p95, nullptr);
  EXPECT_TRUE(p95->rise_is_worse);
  EXPECT_EQ(p95->test, "paired-bootstrap-p95");
  EXPECT_EQ(p95->verdict, MetricVerdict::kRegressed) << p95->note;
  EXPECT_GT(*p95->delta, 0.3);
  EXPECT_GT(*p95->relative_change, 0.2);
  EXPECT_GT(*p95->ci_low, 0);
  EXPECT_NE(p95->note.find("is larger than max_increase 20%"), std::string::npos) << p95->note;
  // Cost did not move: no regression, and both are in the Holm family.
  const MetricComparison* mean_cost = find(c, kCostMeanMetric);
  ASSERT_NE(mean_cost, nullptr);
  EXPECT_EQ(mean_cost->verdict, MetricVerdict::kNoSignificantChange);
  EXPECT_EQ(c.family_size, 2);
  EXPECT_TRUE(p95->p_adjusted.has_value());
  EXPECT_TRUE(c.regressed);
  EXPECT_EQ(c.outcome(), GateOutcome::kRegressed);
  EXPECT_NE(to_json(c).dump().find("\"rise_is_worse\":true"), std::string::npos);
}

TEST(ResourceGateTest, ARiseWithinTheAllowanceOrAFallDoesNotRegress) {
  const auto base = timed_run(around(1.0, 0.1, 60, 5), around(0.01, 0.001, 60, 6));
  GateRule latency;
  latency.max_increase = 0.5;
  const auto bit_slower = timed_run(around(1.2, 0.1, 60, 7), around(0.01, 0.001, 60, 8));
  const Comparison within = compare_runs(base, bit_slower, gate({{kLatencyMeanMetric, latency}}));
  const MetricComparison* m = find(within, kLatencyMeanMetric);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->verdict, MetricVerdict::kNoSignificantChange);
  EXPECT_NE(m->note.find("is within max_increase 50%"), std::string::npos) << m->note;
  EXPECT_FALSE(within.regressed);

  const auto faster = timed_run(around(0.6, 0.1, 60, 9), around(0.01, 0.001, 60, 10));
  const Comparison better = compare_runs(base, faster, gate({{kLatencyMeanMetric, latency}}));
  EXPECT_EQ(find(better, kLatencyMeanMetric)->verdict, MetricVerdict::kImproved);
}

TEST(ResourceGateTest, NoiseAloneRarelyRegresses) {
  GateRule latency;
  latency.max_increase = 0;
  int flagged = 0;
  for (uint32_t seed = 0; seed < 40; ++seed) {
    const auto a = timed_run(around(1.0, 0.5, 80, 100 + seed), std::vector<double>(80, 0.0));
    const auto b = timed_run(around(1.0, 0.5, 80, 200 + seed), std::vector<double>(80, 0.0));
    if (compare_runs(a, b, gate({{kLatencyP95Metric, latency}})).regressed) ++flagged;
  }
  // Two-sided at 0.05, only rises count: about 1 in 40 expected.
  EXPECT_LE(flagged, 5);
}

TEST(ResourceGateTest, AThresholdRuleNeedsNoTest) {
  const auto base = timed_run({1, 1, 1}, {0, 0, 0});
  const auto slow = timed_run({1.3, 1.3, 1.3}, {0, 0, 0});
  GateRule latency;
  latency.max_increase = 0.2;
  latency.test = GateTest::kNone;
  const Comparison c = compare_runs(base, slow, gate({{kLatencyMeanMetric, latency}}));
  const MetricComparison* m = find(c, kLatencyMeanMetric);
  EXPECT_EQ(m->verdict, MetricVerdict::kRegressed);
  EXPECT_EQ(m->note, "rise of 30% is larger than max_increase 20% (threshold rule, no test)");
  EXPECT_EQ(c.family_size, 0);
  EXPECT_TRUE(c.not_comparable.empty());
}

TEST(ResourceGateTest, CeilingsAreCheckedOnEveryRun) {
  GateRule rule;
  rule.max = 2.0;
  std::map<std::string, GateRule> rules = {{kLatencyP95Metric, rule}};
  std::vector<double> latency(20, 1.0);
  latency[19] = 9;  // one slow case: p95 = 1 + 0.05 * 8 = 1.4
  std::vector<FloorCheck> ceilings =
      check_floors(timed_run(latency, std::vector<double>(20, 0)), rules, PassRule{});
  ASSERT_EQ(ceilings.size(), 1u);
  EXPECT_NEAR(*ceilings[0].value, 1.4, 1e-12);
  EXPECT_TRUE(ceilings[0].held);
  latency[18] = 9;  // two: p95 = 9
  ceilings = check_floors(timed_run(latency, std::vector<double>(20, 0)), rules, PassRule{});
  EXPECT_FALSE(ceilings[0].held);
  const GateVerdict verdict = decide_gate(nullptr, ceilings);
  EXPECT_FALSE(verdict.passed);
  EXPECT_EQ(verdict.headline, "ABOVE CEILING");
  ASSERT_EQ(verdict.reasons.size(), 1u);
  EXPECT_EQ(verdict.reasons[0], "latency_p95 9 is above its ceiling 2");
  EXPECT_EQ(floors_to_json(ceilings)[0]["max"], 2.0);
}

}  // namespace
}  // namespace evalkit
