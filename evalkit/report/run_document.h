// The run document: everything about one run as JSON (docs/json-report.md). The JSON, HTML,
// JUnit and Markdown reports are all rendered from it, and it is built from the store.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/report/group_summary.h"
#include "evalkit/run/trial.h"
#include "evalkit/store/store.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Rebuilds a run's scorers from their stored specs (RunRecord::scorers), by metric name, to
// compute corpus-level scores; specs that no longer build are left out.
CorpusScorers corpus_scorers(const nlohmann::json& specs);

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
