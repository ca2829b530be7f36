// Per-group summaries of a run: the same totals as the run's summary, cut by provider, by
// prompt and by (prompt, provider) cell, for the reports' "groups" (docs/json-report.md).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/run/trial.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Scorers rebuilt from a run's stored specs, by metric name, for corpus-level scores.
using CorpusScorers = std::map<std::string, std::unique_ptr<Scorer>>;

struct GroupMetric {
  double mean = 0;  // over the trials whose score for this metric did not error
  int64_t n = 0;    // those trials
  // The metric's corpus score over those trials (its own scale), when it has one.
  std::optional<double> corpus;
};

struct GroupSummary {
  std::optional<std::string> prompt_id;    // set for by_prompt and by_cell
  std::optional<std::string> provider_id;  // set for by_provider and by_cell
  int64_t trials = 0;
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t errors = 0;    // trials with an infrastructure or scorer error
  double pass_rate = 0;  // passed / trials, as the run's summary counts it
  std::map<std::string, GroupMetric> metrics;
  double latency_p50_s = 0;  // over trials with an answer, as the run's summary
  double latency_p95_s = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double cost_usd = 0;
};

struct GroupSummaries {
  // Each list in the order its groups first appear in the trials (plan order); cells are
  // prompt-major.
  std::vector<GroupSummary> by_provider;
  std::vector<GroupSummary> by_prompt;
  std::vector<GroupSummary> by_cell;
};

// True when the trials span more than one prompt or more than one provider: only then do
// groups say more than the run's summary.
bool has_several_groups(const std::vector<TrialResult>& trials);

// Summarises trials by provider, by prompt and by cell. Corpus scores come from `scorers`
// (a metric without a scorer there, or without a corpus form, has none).
GroupSummaries summarize_groups(const std::vector<TrialResult>& trials,
                                const CorpusScorers& scorers);

// summarize_groups one trial at a time (a store's trials as they are read): what is held is
// each group's sums, its latencies (8 bytes a trial per grouping, for the exact
// percentiles) and each corpus metric's sufficient statistics.
class GroupSummarizer {
 public:
  explicit GroupSummarizer(const CorpusScorers& scorers);
  ~GroupSummarizer();
  void add(const TrialResult& trial);
  GroupSummaries finish();

 private:
  class Groups;
  const CorpusScorers& scorers_;
  std::unique_ptr<Groups> by_provider_, by_prompt_, by_cell_;
};

// The report's "groups" object: {"by_provider": [...], "by_prompt": [...], "by_cell": [...]}.
nlohmann::json to_json(const GroupSummaries& groups);

}  // namespace evalkit
