// Compares a run with a baseline, case by case: per metric a delta, a confidence interval,
// a significance test and a verdict; and the cases that flipped or fell the most.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/paired_bootstrap.h"
#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// The metric name of the case pass rate in gate rules and comparisons.
inline constexpr const char* kPassRateMetric = "pass_rate";

// How many cases largest_drops lists per metric.
inline constexpr size_t kLargestDropsPerMetric = 10;

struct CompareOptions {
  double alpha = 0.05;  // significance level and interval confidence 1 - alpha
  // Metric name (or "pass_rate") -> rule. A metric without a rule, or a rule without
  // max_drop, uses max_drop 0: any significant drop regresses.
  std::map<std::string, GateRule> gate;
  PassRule pass;  // decides a case's pass over its repeats (k_of_n)
  uint64_t seed = kDefaultBootstrapSeed;
  int resamples = kDefaultBootstrapResamples;
  // Compare metrics whose signature differs between the runs (normally refused).
  bool allow_signature_mismatch = false;

  // alpha, gate rules and pass rule as the suite declares them.
  static CompareOptions from_suite(const Suite& suite);
};

enum class MetricKind { kBinary, kContinuous };
enum class MetricVerdict { kRegressed, kNoSignificantChange, kImproved, kNotCompared };

// "regressed", "no significant change", "improved", "not compared".
const char* metric_verdict_name(MetricVerdict verdict);

struct MetricComparison {
  std::string metric;
  MetricKind kind = MetricKind::kContinuous;
  std::optional<double> baseline;  // mean over the paired cases
  std::optional<double> current;
  std::optional<double> delta;   // current - baseline
  std::optional<double> ci_low;  // interval of delta at 1 - alpha
  std::optional<double> ci_high;
  std::optional<double> p_value;     // two-sided, against "no change"
  std::optional<double> p_adjusted;  // Holm over the metrics compared
  std::string test;                  // "mcnemar-exact" or "paired-bootstrap"
  int64_t n_pairs = 0;
  double max_drop = 0;  // as applied
  std::optional<double> min;
  MetricVerdict verdict = MetricVerdict::kNotCompared;
  std::string note;  // why not compared, or which rule fired
};

struct CaseOutcome {
  CaseKey key;
  bool baseline_pass = false;
  bool current_pass = false;
  std::string baseline_output;
  std::string current_output;
};

struct CaseDrop {
  std::string metric;
  CaseKey key;
  double baseline = 0;
  double current = 0;
  double delta = 0;
  std::string baseline_output;
  std::string current_output;
};

struct Comparison {
  std::string baseline_name;    // set by the caller; "" for a comparison of two runs
  std::string baseline_run_id;  // set by the caller
  double alpha = 0.05;
  bool regressed = false;                 // some metric regressed
  std::vector<MetricComparison> metrics;  // pass_rate first, then scorers by name
  std::vector<CaseOutcome> flipped;       // pass -> fail, then fail -> pass
  std::vector<CaseDrop> largest_drops;    // per metric, largest fall first
  std::vector<CaseKey> only_in_baseline;
  std::vector<CaseKey> only_in_current;
};

// Pairs the cases of two runs by (case_id, prompt_id, provider_id) and compares them.
//   pass_rate: each case's pass over its repeats (options.pass); exact McNemar test,
//              Newcombe interval.
//   a scorer:  each case's mean score over repeats without a scorer error; paired
//              bootstrap (options.resamples, options.seed). A case enters when both runs
//              scored it at least once.
// A metric whose signature differs between the runs is "not compared" (with a note)
// unless options.allow_signature_mismatch. p-values are Holm-adjusted over the metrics
// compared. A metric regresses when delta < -max_drop and p_adjusted <= alpha, or when its
// current mean is below the rule's min; it improves when delta > 0 and p_adjusted <= alpha.
// Output quoted in flipped and largest_drops is the first repeat's. Cases in only one run
// are listed in only_in_*, in their run's order. docs/gating.md explains the choices.
Comparison compare_runs(const std::vector<TrialResult>& baseline,
                        const std::vector<TrialResult>& current, const CompareOptions& options);

// The report's "comparison" object, exactly as docs/json-report.md describes it.
nlohmann::json to_json(const Comparison& comparison);

}  // namespace evalkit
