// Compares a run with a baseline, case by case: how many cases paired (and why the others did
// not), per metric a delta, a confidence interval, a significance test and a verdict, the same
// per (prompt, provider) cell, and the cases that flipped or fell the most.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/case_pairing.h"
#include "evalkit/gate/case_pairs.h"
#include "evalkit/gate/paired_bootstrap.h"
#include "evalkit/gate/paired_test.h"
#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// The metric name of the case pass rate in gate rules and comparisons.
inline constexpr const char* kPassRateMetric = "pass_rate";

// How many cases largest_drops lists per metric.
inline constexpr size_t kLargestDropsPerMetric = 10;

struct CompareOptions {
  double alpha = 0.05;  // family-wise significance level
  // Metric name (or "pass_rate") -> rule. When the map is empty, the gated metrics are
  // pass_rate and every scorer with a non-zero weight, each with max_drop 0; otherwise exactly
  // the metrics it names. Other metrics are compared for information and never fail the gate.
  std::map<std::string, GateRule> gate;
  PassRule pass;  // decides a case's pass over its repeats (k_of_n)
  uint64_t seed = kDefaultBootstrapSeed;
  int resamples = kDefaultBootstrapResamples;
  // Compare metrics whose signature differs between the runs (normally refused).
  bool allow_signature_mismatch = false;
  // Baseline prompt id -> current prompt id: the baseline's cases of the old prompt pair with
  // the current run's cases of the new one (a prompt renamed to version it).
  std::map<std::string, std::string> prompt_pairs;
  // The share of the baseline's cases that must pair for the gate to pass (1 = all).
  double min_paired = 1.0;
  // The power at which the smallest detectable drop of each gated metric is reported.
  double power = 0.8;

  // alpha, gate rules, pass rule and prompt predecessors (`replaces:`) as the suite declares.
  static CompareOptions from_suite(const Suite& suite);
  // The same from a stored run's config (RunRecord::config: alpha, gate, pass,
  // prompt_replaces), as the run was made.
  static CompareOptions from_run_config(const nlohmann::json& config);
};

enum class MetricVerdict {
  kRegressed,            // a gated metric fell by more than its rule allows
  kNoSignificantChange,  //
  kImproved,             //
  kNotCompared,          // see the note
  kWorse,                // an informational (not gated) metric fell significantly
};

// "regressed", "no significant change", "improved", "not compared", "worse (not gated)".
const char* metric_verdict_name(MetricVerdict verdict);

struct MetricComparison {
  std::string metric;
  MetricKind kind = MetricKind::kContinuous;
  bool gated = false;              // part of the gate (else informational)
  std::string rule = "paired";     // gated metrics: "paired" (significance) or "threshold"
  std::optional<double> baseline;  // mean over the paired cases
  std::optional<double> current;
  std::optional<double> delta;   // current - baseline
  std::optional<double> ci_low;  // interval of delta at ci_level
  std::optional<double> ci_high;
  double ci_level = 0.95;            // 1 - alpha/m for gated paired metrics (m = family size)
  std::optional<double> p_value;     // two-sided, against "no change"
  std::optional<double> p_adjusted;  // Holm over the gated paired metrics (the family)
  std::string test;                  // "mcnemar-exact" or "paired-bootstrap"
  int64_t n_pairs = 0;
  double max_drop = 0;  // as applied
  std::optional<double> min;
  // The smallest true drop the test flags with CompareOptions::power at its level, given this
  // many pairs and the noise seen; nullopt when no drop can be detected with so few pairs.
  std::optional<double> detectable_drop;
  bool can_detect = true;  // a paired test at this level can reach significance at all
  MetricVerdict verdict = MetricVerdict::kNotCompared;
  std::string note;  // why not compared, or which rule fired
  // Latency and cost (gate/resource_metrics.h): a rise is worse, and max_increase (instead of
  // max_drop) is the rise allowed as a share of the baseline's value; relative_change is
  // delta / baseline (none when the baseline is 0).
  bool rise_is_worse = false;
  std::optional<double> max_increase;
  std::optional<double> relative_change;
};

// A case's outputs are those of its first repeat in each run (CaseAggregate::first_trial),
// whose plan indices are kept so that aggregates read from a store can fill them in later
// (fill_outputs).
struct CaseOutcome {
  CaseKey key;
  bool baseline_pass = false;
  bool current_pass = false;
  std::string baseline_output;
  std::string current_output;
  int64_t baseline_trial_index = -1;
  int64_t current_trial_index = -1;
};

struct CaseDrop {
  std::string metric;
  CaseKey key;
  double baseline = 0;
  double current = 0;
  double delta = 0;
  std::string baseline_output;
  std::string current_output;
  int64_t baseline_trial_index = -1;
  int64_t current_trial_index = -1;
};

// One (prompt, provider) cell compared with the same cell of the baseline.
struct CellComparison {
  std::string prompt_id;           // the current run's
  std::string baseline_prompt_id;  // differs when the prompt was paired by rename
  std::string provider_id;
  int64_t paired = 0;
  std::vector<MetricComparison> metrics;  // pass_rate and the gated metrics
  bool regressed = false;
};

enum class GateOutcome { kPass, kRegressed, kNotComparable };

// "pass", "regressed", "not comparable".
const char* gate_outcome_name(GateOutcome outcome);

struct Comparison {
  std::string baseline_name;    // set by the caller; "" for a comparison of two runs
  std::string baseline_run_id;  // set by the caller
  double alpha = 0.05;
  bool regressed = false;  // some gated metric regressed (pooled or in a cell)
  // Why the gate cannot pass whatever the metrics say (too few pairs, another suite, a test
  // that cannot reach significance); empty when the runs are comparable.
  std::vector<std::string> not_comparable;
  // What changed between the runs besides the trials (suite, models, settings), set by the
  // caller from the stored runs.
  std::vector<std::string> changes;
  int family_size = 0;                    // the gated paired tests Holm adjusts over
  std::vector<MetricComparison> metrics;  // over all paired cases: pass_rate first, then scorers
  std::vector<CellComparison> cells;      // when the paired cases span several cells
  Pairing pairing;
  std::vector<CaseOutcome> flipped;     // pass -> fail, then fail -> pass
  std::vector<CaseDrop> largest_drops;  // per metric, largest fall first
  std::vector<CaseKey> only_in_baseline;
  std::vector<CaseKey> only_in_current;

  GateOutcome outcome() const {
    if (!not_comparable.empty()) return GateOutcome::kNotComparable;
    return regressed ? GateOutcome::kRegressed : GateOutcome::kPass;
  }
  bool passed() const { return outcome() == GateOutcome::kPass; }
};

// Pairs the cases of two runs by (case_id, prompt_id, provider_id), the baseline's prompt ids
// renamed by options.prompt_pairs, and compares them:
//   pass_rate and 0/1 metrics: each case's pass (or value) over its repeats; exact McNemar
//              test, Newcombe interval;
//   other scores: each case's mean score over repeats without a scorer error; paired
//              bootstrap (options.resamples, options.seed). A case enters when both runs
//              scored it at least once.
// Only gated metrics (see CompareOptions::gate) form the Holm family, over all paired cases
// and, when the pairs span several (prompt, provider) cells, in each cell too; their intervals
// are at level 1 - alpha/m. A gated metric regresses when delta < -max_drop and, under the
// default rule, p_adjusted <= alpha; under `test: none` the drop alone decides. A metric whose
// signature differs between the runs is "not compared" unless allow_signature_mismatch.
// The comparison is not comparable (the gate cannot pass) when no case paired, when fewer than
// min_paired of the baseline's cases paired, or when no gated test could reach significance
// with the pairs there are. docs/gating.md explains the choices.
Comparison compare_runs(const std::vector<TrialResult>& baseline,
                        const std::vector<TrialResult>& current, const CompareOptions& options);

// compare_runs over the two runs' case aggregates (aggregate_cases, or a CaseAggregator fed
// from a store, both by options.pass). A case's outputs come from its first_trial; when that is
// null (aggregates read from a store) they are left empty, with the trial indices to read them
// by.
Comparison compare_cases(const std::vector<CaseAggregate>& baseline_cases,
                         const std::vector<CaseAggregate>& current_cases,
                         const CompareOptions& options);

// compare_runs over the paired cases as CasePairsBuilder collected them (from aggregates held
// in memory, or from two stored runs read a case at a time): the comparison itself, which the
// functions above reach through this one.
Comparison compare_pairs(CasePairs pairs, const CompareOptions& options);

// Whether the comparison needs each case's latency and cost (a gate rule with max_increase).
bool compares_resources(const CompareOptions& options);

// The report's "comparison" object, exactly as docs/json-report.md describes it.
nlohmann::json to_json(const Comparison& comparison);

}  // namespace evalkit
