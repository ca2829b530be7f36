// The run document's group fields (docs/json-report.md): per-group summaries, the paired
// comparisons between providers and between prompts, and rankings. Built from the stored
// trials, so `evalkit run`, `evalkit report` and `evalkit compare --by` agree.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/group_comparison.h"
#include "evalkit/report/group_summary.h"
#include "evalkit/run/trial.h"
#include "evalkit/store/store.h"

namespace evalkit {

// The comparison settings a stored run was made with: its alpha and pass rule.
GroupCompareOptions stored_group_options(const RunRecord& run);

// {"groups": ..., "group_comparisons": [...], "rankings": [...]}, or an empty object when
// the trials span a single prompt and a single provider. group_comparisons holds the
// provider family (pairs of providers within each prompt) and then the prompt family;
// rankings are there for families with more than two members.
nlohmann::json build_group_fields(const RunRecord& run, const std::vector<TrialResult>& trials,
                                  const CorpusScorers& scorers);

// The same for a stored run, read from the store a batch of trials at a time: what is held
// is each group's sums and latencies and one aggregate per case (GroupSummarizer,
// CaseAggregator), never the trials.
Status build_group_fields(Store& store, const RunRecord& run, const CorpusScorers& scorers,
                          nlohmann::json* fields);

// The metric names of a JSON list of group summaries ("groups"."by_cell" and the like), in
// the order they first appear, for the reports' metric columns.
std::vector<std::string> group_metric_names(const nlohmann::json& groups);

// The entries of document's "group_comparisons" of one family ("provider" or "prompt"), in
// order.
std::vector<const nlohmann::json*> group_comparisons_by(const nlohmann::json& document,
                                                        const std::string& by);

}  // namespace evalkit
