// Paired comparisons inside one run: every pair of providers on the same prompt, or every
// pair of prompts on the same provider, case by case, with the baseline gate's statistics
// (exact McNemar for pass/fail, paired bootstrap for scores, Holm across the family).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/gate/paired_bootstrap.h"
#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// What a comparison pairs: providers (within a prompt) or prompts (within a provider).
enum class GroupBy { kProvider, kPrompt };

// "provider" or "prompt".
const char* group_by_name(GroupBy by);
// Parses "provider" or "prompt"; false for anything else.
bool parse_group_by(const std::string& text, GroupBy* by);

// Samples bootstrapped together at most (paired_bootstrap_batch): their resampled sums take
// B x this many doubles.
inline constexpr size_t kBootstrapBatchSize = 32;

struct GroupCompareOptions {
  double alpha = 0.05;  // family-wise significance level
  PassRule pass;        // decides a case's pass over its repeats
  uint64_t seed = kDefaultBootstrapSeed;
  int resamples = kDefaultBootstrapResamples;
};

// "better" / "worse" say how b did against a.
enum class GroupVerdict { kBetter, kWorse, kNoSignificantDifference, kNotCompared };

// "better", "worse", "no significant difference", "not compared".
const char* group_verdict_name(GroupVerdict verdict);

struct GroupMetricComparison {
  std::string metric;  // "pass_rate" or a scorer's metric
  MetricKind kind = MetricKind::kContinuous;
  std::string test;  // "mcnemar-exact" or "paired-bootstrap"
  int64_t n = 0;     // pairs with a value on both sides
  double a_mean = 0;
  double b_mean = 0;
  double delta = 0;   // b_mean - a_mean
  double ci_low = 0;  // interval of delta at ci_level
  double ci_high = 0;
  // 1 - alpha * p_value / p_adjusted: the level at which the interval excludes 0 exactly
  // when the Holm-adjusted test rejects (for an interval that inverts the test).
  double ci_level = 0.95;
  double p_value = 1;
  double p_adjusted = 1;  // Holm over every test of the family
  GroupVerdict verdict = GroupVerdict::kNotCompared;
  std::string note;
};

struct ErroredCases {
  int64_t a = 0;     // cases with an error on a only
  int64_t b = 0;     // on b only
  int64_t both = 0;  // on both sides
};

struct GroupComparison {
  GroupBy by = GroupBy::kProvider;
  std::string within;  // the fixed prompt (by provider) or provider (by prompt)
  std::string a;
  std::string b;
  int64_t paired = 0;  // cases both sides answered without an error: the tests' cases
  ErroredCases errored;
  int64_t only_a = 0;  // cases run on a but not on b (e.g. a case tied to one prompt)
  int64_t only_b = 0;
  std::vector<GroupMetricComparison> metrics;  // pass_rate first, then scorers by name
};

struct GroupComparisons {
  GroupBy by = GroupBy::kProvider;
  double alpha = 0.05;
  int64_t tests = 0;  // the Holm family: every metric test of every pair
  std::vector<GroupComparison> comparisons;
};

// A run's cases over their repeats and which of them errored: what comparisons and
// rankings read, collected once.
struct RunCases {
  std::vector<CaseAggregate> aggregates;  // in plan order (first_trial is not set)
  std::set<CaseKey> errored;              // cases with an error in any repeat
};

// Collects RunCases one trial at a time (a store's trials as they are read).
class RunCasesCollector {
 public:
  explicit RunCasesCollector(size_t expected_cases = 0) : aggregator_(expected_cases) {}
  void add(const TrialResult& trial);
  RunCases finish(const PassRule& pass);

 private:
  CaseAggregator aggregator_;
  std::set<CaseKey> errored_;
};

RunCases collect_run_cases(const std::vector<TrialResult>& trials, const PassRule& pass);

// Compares every pair of groups along `by`. Cases are aggregated over repeats as the
// baseline gate does (aggregate_cases with the pass rule) and paired by case id. A case with
// an error in any repeat on a side is left out of the tests and counted in `errored`: an
// unreachable endpoint says nothing about answer quality, and counting it as a failure would
// blame the model for the network. Groups are taken in plan order; a is the earlier one.
// A metric whose paired values are all 0 or 1 is compared as binary (McNemar), any other
// with the paired bootstrap. Holm adjusts over every test of the family; a significant
// delta > 0 is "better" (b over a), < 0 "worse".
GroupComparisons compare_groups(const RunCases& cases, GroupBy by,
                                const GroupCompareOptions& options);
// The same over trials (collect_run_cases with options.pass).
GroupComparisons compare_groups(const std::vector<TrialResult>& trials, GroupBy by,
                                const GroupCompareOptions& options);

// The report's "group_comparisons" entries of one family (docs/json-report.md).
nlohmann::json to_json(const GroupComparisons& comparisons);

}  // namespace evalkit
