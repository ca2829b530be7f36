#include "evalkit/gate/group_comparison.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "evalkit/gate/group_ranking.h"
#include "evalkit/gate/holm.h"
#include "evalkit/gate/mcnemar.h"

namespace evalkit {
namespace {

struct TrialSpec {
  std::string case_id, prompt, provider;
  bool pass = true;
  double score = -1;  // < 0: no "quality" score
  bool error = false;
  int repeat = 0;
};

TrialResult make_trial(const TrialSpec& spec) {
  TrialResult trial;
  trial.key = {spec.case_id, spec.prompt, spec.provider, spec.repeat};
  trial.pass = spec.pass && !spec.error;
  if (spec.error) {
    trial.error = "HTTP 500";
    trial.error_kind = "http_error";
    return trial;
  }
  if (spec.score >= 0) {
    Score score;
    score.name = "quality";
    score.type = "quality";
    score.value = spec.score;
    score.pass = spec.score >= 0.5;
    trial.scores.push_back(score);
  }
  return trial;
}

std::string case_name(int i) {
  std::string name = "c";
  name += std::to_string(i);
  return name;
}

// n cases on one prompt for each provider; pass(provider, i) decides each outcome.
template <typename PassFn>
std::vector<TrialResult> one_prompt_run(int n, const std::vector<std::string>& providers,
                                        PassFn pass) {
  std::vector<TrialResult> trials;
  for (int i = 0; i < n; ++i) {
    for (const std::string& provider : providers) {
      trials.push_back(make_trial({case_name(i), "qa", provider, pass(provider, i)}));
    }
  }
  return trials;
}

const GroupMetricComparison& pass_rate_of(const GroupComparison& comparison) {
  return comparison.metrics.front();
}

TEST(GroupComparisonTest, ComparesEveryPairOfProvidersWithinEachPrompt) {
  std::vector<TrialResult> trials;
  for (const std::string prompt : {"p1", "p2"}) {
    for (int i = 0; i < 10; ++i) {
      for (const std::string provider : {"a", "b", "c"}) {
        trials.push_back(make_trial({case_name(i), prompt, provider, true}));
      }
    }
  }
  const GroupComparisons by_provider = compare_groups(trials, GroupBy::kProvider, {});
  ASSERT_EQ(by_provider.comparisons.size(), 6u);  // 3 pairs on each of 2 prompts
  EXPECT_EQ(by_provider.comparisons[0].within, "p1");
  EXPECT_EQ(by_provider.comparisons[0].a, "a");
  EXPECT_EQ(by_provider.comparisons[0].b, "b");
  EXPECT_EQ(by_provider.comparisons[1].b, "c");
  EXPECT_EQ(by_provider.comparisons[2].a, "b");
  EXPECT_EQ(by_provider.comparisons[3].within, "p2");
  EXPECT_EQ(by_provider.tests, 6);  // pass_rate only: no scorer

  const GroupComparisons by_prompt = compare_groups(trials, GroupBy::kPrompt, {});
  ASSERT_EQ(by_prompt.comparisons.size(), 3u);  // one pair of prompts on each provider
  EXPECT_EQ(by_prompt.comparisons[0].within, "a");
  EXPECT_EQ(by_prompt.comparisons[0].a, "p1");
  EXPECT_EQ(by_prompt.comparisons[0].b, "p2");
  EXPECT_EQ(by_prompt.comparisons[0].paired, 10);
}

TEST(GroupComparisonTest, PassRateUsesTheExactMcNemarTestAndHolmOverTheFamily) {
  // b loses 12 cases a passes and gains 2; c equals a.
  const auto trials = one_prompt_run(100, {"a", "b", "c"}, [](const std::string& p, int i) {
    return p == "b" ? i >= 12 : i < 98;
  });
  const GroupComparisons result = compare_groups(trials, GroupBy::kProvider, {});
  ASSERT_EQ(result.comparisons.size(), 3u);
  const GroupMetricComparison& ab = pass_rate_of(result.comparisons[0]);
  EXPECT_EQ(ab.kind, MetricKind::kBinary);
  EXPECT_EQ(ab.test, "mcnemar-exact");
  EXPECT_EQ(ab.n, 100);
  EXPECT_DOUBLE_EQ(ab.a_mean, 0.98);
  EXPECT_DOUBLE_EQ(ab.b_mean, 0.88);
  EXPECT_DOUBLE_EQ(ab.delta, -0.10);
  EXPECT_DOUBLE_EQ(ab.p_value, mcnemar_exact_p(12, 2));
  std::vector<double> family;
  for (const GroupComparison& c : result.comparisons) family.push_back(pass_rate_of(c).p_value);
  EXPECT_DOUBLE_EQ(ab.p_adjusted, holm_adjust(family)[0]);
  EXPECT_GT(ab.p_adjusted, ab.p_value);
  EXPECT_EQ(ab.verdict, GroupVerdict::kWorse);
  // The interval is at the level that matches the adjusted test, and excludes 0 with it.
  EXPECT_DOUBLE_EQ(ab.ci_level, 1 - 0.05 * ab.p_value / ab.p_adjusted);
  const Interval interval = newcombe_paired_interval(PairedOutcomes{86, 12, 2, 0}, 1 - ab.ci_level);
  EXPECT_DOUBLE_EQ(ab.ci_low, interval.low);
  EXPECT_DOUBLE_EQ(ab.ci_high, interval.high);
  EXPECT_LT(ab.ci_high, 0);
  // c against b is the mirror image: better.
  EXPECT_EQ(pass_rate_of(result.comparisons[2]).verdict, GroupVerdict::kBetter);
  const GroupMetricComparison& ac = pass_rate_of(result.comparisons[1]);
  EXPECT_EQ(ac.verdict, GroupVerdict::kNoSignificantDifference);
  EXPECT_DOUBLE_EQ(ac.p_value, 1.0);
  EXPECT_LE(ac.ci_low, 0);
  EXPECT_GE(ac.ci_high, 0);
}

TEST(GroupComparisonTest, ASmallDifferenceIsNotSignificant) {
  const auto trials = one_prompt_run(
      50, {"a", "b"}, [](const std::string& p, int i) { return p == "a" ? i < 40 : i < 38; });
  const GroupComparisons result = compare_groups(trials, GroupBy::kProvider, {});
  const GroupMetricComparison& metric = pass_rate_of(result.comparisons[0]);
  EXPECT_DOUBLE_EQ(metric.delta, -0.04);
  EXPECT_EQ(metric.verdict, GroupVerdict::kNoSignificantDifference);
  EXPECT_LT(metric.ci_low, 0);
  EXPECT_GT(metric.ci_high, 0);
}

TEST(GroupComparisonTest, ScoresUseThePairedBootstrapAndZeroOneScoresTheExactTest) {
  std::vector<TrialResult> trials;
  for (int i = 0; i < 200; ++i) {
    const double base = 0.5 + 0.4 * ((i * 37) % 11) / 10.0;
    trials.push_back(make_trial({case_name(i), "qa", "a", true, base}));
    trials.push_back(make_trial({case_name(i), "qa", "b", true, base - 0.1}));
  }
  GroupCompareOptions options;
  options.resamples = 2000;
  const GroupComparisons result = compare_groups(trials, GroupBy::kProvider, options);
  ASSERT_EQ(result.comparisons[0].metrics.size(), 2u);
  const GroupMetricComparison& quality = result.comparisons[0].metrics[1];
  EXPECT_EQ(quality.metric, "quality");
  EXPECT_EQ(quality.kind, MetricKind::kContinuous);
  EXPECT_EQ(quality.test, "paired-bootstrap");
  EXPECT_NEAR(quality.delta, -0.1, 1e-9);
  EXPECT_EQ(quality.verdict, GroupVerdict::kWorse);
  EXPECT_NEAR(quality.ci_low, -0.1, 1e-9);  // every difference is -0.1: no spread
  EXPECT_NEAR(quality.ci_high, -0.1, 1e-9);

  std::vector<TrialResult> binary;
  for (int i = 0; i < 40; ++i) {
    binary.push_back(make_trial({case_name(i), "qa", "a", true, 1.0}));
    binary.push_back(make_trial({case_name(i), "qa", "b", true, i < 30 ? 1.0 : 0.0}));
  }
  const GroupComparisons binary_result = compare_groups(binary, GroupBy::kProvider, options);
  const GroupMetricComparison& zero_one = binary_result.comparisons[0].metrics[1];
  EXPECT_EQ(zero_one.kind, MetricKind::kBinary);
  EXPECT_EQ(zero_one.test, "mcnemar-exact");
  EXPECT_DOUBLE_EQ(zero_one.p_value, mcnemar_exact_p(10, 0));
}

TEST(GroupComparisonTest, ErroredAndUnpairedCasesAreCountedNotTested) {
  std::vector<TrialResult> trials;
  for (int i = 0; i < 20; ++i) {
    const bool a_error = i == 0 || i == 1;
    const bool b_error = i == 1 || i == 2 || i == 3;
    trials.push_back(make_trial({case_name(i), "qa", "a", true, -1, a_error}));
    trials.push_back(make_trial({case_name(i), "qa", "b", true, -1, b_error}));
  }
  trials.push_back(make_trial({"only-a", "qa", "a", true}));
  trials.push_back(make_trial({"only-b", "qa", "b", false}));
  trials.push_back(make_trial({"only-b2", "qa", "b", false}));
  const GroupComparison comparison =
      compare_groups(trials, GroupBy::kProvider, {}).comparisons.at(0);
  EXPECT_EQ(comparison.errored.a, 1);     // case 0
  EXPECT_EQ(comparison.errored.b, 2);     // cases 2 and 3
  EXPECT_EQ(comparison.errored.both, 1);  // case 1
  EXPECT_EQ(comparison.only_a, 1);
  EXPECT_EQ(comparison.only_b, 2);
  EXPECT_EQ(comparison.paired, 16);
  EXPECT_EQ(pass_rate_of(comparison).n, 16);
  EXPECT_DOUBLE_EQ(pass_rate_of(comparison).b_mean, 1.0);  // errors are not failures

  // An error in one repeat leaves the case out; the other repeats do not rescue it.
  std::vector<TrialResult> repeats;
  for (int r = 0; r < 3; ++r) {
    repeats.push_back(make_trial({"c", "qa", "a", true, -1, false, r}));
    repeats.push_back(make_trial({"c", "qa", "b", true, -1, r == 2, r}));
  }
  const GroupComparison repeated =
      compare_groups(repeats, GroupBy::kProvider, {}).comparisons.at(0);
  EXPECT_EQ(repeated.errored.b, 1);
  EXPECT_EQ(repeated.paired, 0);
  EXPECT_EQ(pass_rate_of(repeated).verdict, GroupVerdict::kNotCompared);
  EXPECT_FALSE(pass_rate_of(repeated).note.empty());
}

TEST(GroupComparisonTest, JsonFollowsTheDocumentedShape) {
  const auto trials = one_prompt_run(
      30, {"a", "b"}, [](const std::string& p, int i) { return p == "a" || i < 10; });
  const nlohmann::json json = to_json(compare_groups(trials, GroupBy::kProvider, {}));
  ASSERT_EQ(json.size(), 1u);
  const nlohmann::json& entry = json[0];
  EXPECT_EQ(entry["by"], "provider");
  EXPECT_EQ(entry["within"], "qa");
  EXPECT_EQ(entry["a"], "a");
  EXPECT_EQ(entry["b"], "b");
  EXPECT_EQ(entry["paired"], 30);
  EXPECT_EQ(entry["errored"], nlohmann::json({{"a", 0}, {"b", 0}, {"both", 0}}));
  const nlohmann::json& metric = entry["metrics"][0];
  for (const char* key : {"metric", "kind", "a_mean", "b_mean", "delta", "ci_low", "ci_high",
                          "ci_level", "p_value", "p_adjusted", "verdict"}) {
    EXPECT_TRUE(metric.contains(key)) << key;
  }
  EXPECT_EQ(metric["verdict"], "worse");
  EXPECT_DOUBLE_EQ(metric["delta"].get<double>(), -20.0 / 30.0);
}

TEST(GroupRankingTest, RanksShareAPlaceUnlessADifferenceIsSignificant) {
  // a and b are alike (90%, 88%); c is far behind (40%).
  const auto trials = one_prompt_run(100, {"c", "a", "b"}, [](const std::string& p, int i) {
    return p == "a" ? i < 90 : p == "b" ? (i < 88) : i < 40;
  });
  GroupCompareOptions options;
  const RunCases cases = collect_run_cases(trials, options.pass);
  const std::vector<Ranking> rankings =
      rank_groups(cases, compare_groups(cases, GroupBy::kProvider, options), options);
  ASSERT_EQ(rankings.size(), 1u);
  const Ranking& ranking = rankings[0];
  EXPECT_EQ(ranking.within, "qa");
  ASSERT_EQ(ranking.entries.size(), 3u);
  EXPECT_EQ(ranking.entries[0].id, "a");
  EXPECT_EQ(ranking.entries[1].id, "b");
  EXPECT_EQ(ranking.entries[2].id, "c");
  EXPECT_EQ(ranking.entries[0].rank, 1);
  EXPECT_EQ(ranking.entries[1].rank, 1);
  EXPECT_EQ(ranking.entries[2].rank, 3);
  EXPECT_DOUBLE_EQ(ranking.entries[0].pass_rate, 0.90);
  EXPECT_LT(ranking.entries[0].ci_low, 0.90);
  EXPECT_GT(ranking.entries[0].ci_high, 0.90);
  EXPECT_LT(ranking.entries[0].ci_low, ranking.entries[1].ci_high);  // the intervals overlap
  ASSERT_EQ(ranking.significant_pairs.size(), 2u);
  EXPECT_EQ(ranking.significant_pairs[0], std::make_pair(std::string("a"), std::string("c")));
  EXPECT_EQ(ranking.significant_pairs[1], std::make_pair(std::string("b"), std::string("c")));

  // Two providers need no ranking: the comparison says it all.
  const auto two = one_prompt_run(10, {"a", "b"}, [](const std::string&, int) { return true; });
  const RunCases two_cases = collect_run_cases(two, options.pass);
  EXPECT_TRUE(
      rank_groups(two_cases, compare_groups(two_cases, GroupBy::kProvider, options), options)
          .empty());
}

TEST(GroupComparisonTest, PromptsThatShareNoCaseAreNeitherComparedNorRanked) {
  // Each prompt with its own cases (the quickstart's shape): not alternatives of each other.
  std::vector<TrialResult> trials;
  for (int i = 0; i < 6; ++i) {
    trials.push_back(make_trial({"qa-" + case_name(i), "qa", "m", true}));
    trials.push_back(make_trial({"sum-" + case_name(i), "summarize", "m", i % 2 == 0}));
    trials.push_back(make_trial({"ex-" + case_name(i), "extract", "m", false}));
  }
  const GroupCompareOptions options;
  const RunCases cases = collect_run_cases(trials, options.pass);
  const GroupComparisons disjoint = compare_groups(cases, GroupBy::kPrompt, options);
  EXPECT_TRUE(disjoint.comparisons.empty());
  EXPECT_EQ(disjoint.tests, 0);
  EXPECT_TRUE(rank_groups(cases, disjoint, options).empty());

  // One case run by two of the prompts makes those two comparable again, and only those.
  trials.push_back(make_trial({"qa-" + case_name(0), "summarize", "m", true}));
  const RunCases shared_cases = collect_run_cases(trials, options.pass);
  const GroupComparisons shared = compare_groups(shared_cases, GroupBy::kPrompt, options);
  ASSERT_EQ(shared.comparisons.size(), 1u);
  EXPECT_EQ(shared.comparisons[0].paired, 1);
  EXPECT_EQ(shared.comparisons[0].only_a + shared.comparisons[0].only_b, 5 + 6);
}

}  // namespace
}  // namespace evalkit
