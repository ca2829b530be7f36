// The run document: everything about one run as JSON (docs/json-report.md). The JSON, HTML,
// JUnit and Markdown reports are all rendered from it, and it is built from the store.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/report/group_summary.h"
#include "evalkit/run/trial.h"
#include "evalkit/scorers/scorer.h"
#include "evalkit/store/store.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Rebuilds a run's scorers from their stored specs (RunRecord::scorers), by metric name, to
// compute corpus-level scores; specs that no longer build are left out.
CorpusScorers corpus_scorers(const nlohmann::json& specs);

// The document's "summary", "scorers" and "providers", folded one trial at a time. The latency
// percentiles are exact: kept here (8 bytes per trial overall and 8 per trial for its
// provider) or, after read_percentiles_from, asked of the store when written (nothing kept).
// Each corpus score folds its metric's details through the scorer's CorpusStatistics (a
// metric without them has no corpus form).
class RunAggregates {
 public:
  explicit RunAggregates(const RunRecord& run);
  // The trials added are the run's stored trials: write() reads their percentiles from store.
  void read_percentiles_from(Store* store) { store_ = store; }
  void add(const TrialResult& trial);
  // Sets (*doc)["summary"], ["scorers"] and ["providers"]; distinct_cases is the number of
  // distinct case ids among the trials.
  Status write(int64_t distinct_cases, nlohmann::json* doc) const;
  const CorpusScorers& scorers() const { return scorers_; }

 private:
  struct ScorerAggregate {
    std::string type, signature;
    int64_t count = 0, passes = 0, errors = 0;
    double sum = 0;
    std::unique_ptr<CorpusStatistics> statistics;  // null: the metric has no corpus form
  };
  struct ProviderAggregate {
    int64_t count = 0, passes = 0, errors = 0, prompt_tokens = 0, completion_tokens = 0;
    double score_sum = 0;
    std::vector<double> latencies;
  };
  // The p50 and p95 latency of the trials (of provider_id only, unless empty).
  Status latency_percentiles(const std::vector<double>& kept, const std::string& provider_id,
                             bool answered_only, double* p50, double* p95) const;

  std::string run_id_;
  Store* store_ = nullptr;
  CorpusScorers scorers_;
  int64_t trials_ = 0, passed_ = 0, failed_ = 0, errors_ = 0, prompt_tokens_ = 0,
          completion_tokens_ = 0;
  double cost_ = 0;
  std::vector<double> latencies_;
  std::map<std::string, int64_t> errors_by_kind_;
  std::map<std::string, ScorerAggregate> by_scorer_;
  std::vector<std::string> scorer_order_;
  std::map<std::string, ProviderAggregate> by_provider_;
};

// The document's "format_version", "evalkit_version" and "run".
nlohmann::json run_head(const RunRecord& run);

// A trial's document form with its "baseline": the paired trial of the baseline run.
class BaselineIndex {
 public:
  explicit BaselineIndex(const std::vector<TrialResult>* baseline_trials);
  nlohmann::json trial_json(const TrialResult& trial) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string, int>, const TrialResult*> by_key_;
};

// A trial's "baseline": the paired baseline trial's output, pass, weighted_score and scores.
nlohmann::json baseline_trial_json(const TrialResult& baseline);

// Builds the document. comparison is the gate's comparison object or null; baseline_trials,
// when given, fill each trial's "baseline" (the paired trial of the baseline run).
// group_fields, when given, are build_group_fields' result for these trials (computed once
// by a caller that also prints them); otherwise they are computed here.
nlohmann::json build_run_document(const RunRecord& run, const std::vector<TrialResult>& trials,
                                  const nlohmann::json& comparison = nullptr,
                                  const std::vector<TrialResult>* baseline_trials = nullptr,
                                  const nlohmann::json* group_fields = nullptr);

// The pass rule a stored run was made with (from RunRecord::config).
PassRule stored_pass_rule(const RunRecord& run);

// Linear-interpolated percentile (q in [0,1]) of values; 0 for an empty list.
double percentile(std::vector<double> values, double q);

// Writes document to path as pretty JSON (atomically).
Status write_json_report(const nlohmann::json& document, const std::string& path);

}  // namespace evalkit
