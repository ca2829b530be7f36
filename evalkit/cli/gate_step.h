// The gate as the CLI runs it after `run` and in `compare`: floors on the run, and with a
// baseline the comparison (refusing another suite unless asked), printed to the console and
// returned as the run document's "comparison" and "gate" objects.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/gate/gate_verdict.h"
#include "evalkit/store/store.h"

namespace evalkit::cli {

struct GateSettings {
  std::string baseline_label;   // as the user named it (a baseline name or a run reference)
  std::string baseline_run_id;  // resolved; empty for no baseline
  bool allow_signature_mismatch = false;
  bool allow_other_suite = false;
  double min_paired = 1.0;
  std::map<std::string, std::string> prompt_pairs;  // --pair-prompts OLD=NEW
};

struct GateStep {
  GateVerdict verdict;
  nlohmann::json comparison = nullptr;  // the report's "comparison" (null without a baseline)
  nlohmann::json gate;                  // the report's "gate"
  std::string baseline_run_id;  // the run compared with, when has_baseline
  bool has_baseline = false;
};

// Reads "OLD=NEW" into pairs; false when the text is not of that form.
bool parse_prompt_pair(const std::string& text, std::map<std::string, std::string>* pairs);

// "the baseline is a run of suite X, this is suite Y; ..." when settings refuse the baseline
// run for current_suite; "" when it may be compared.
std::string other_suite_refusal(const RunRecord& baseline, const std::string& current_suite,
                                const GateSettings& settings);

// The run's cases, each aggregated over its repeats by the pass rule, read from the store in
// key order (case id, prompt id, provider id) and handed to visit one at a time with its order
// in the run (the lowest index of its trials): what is held is one case, never the run.
Status for_each_stored_case(
    Store& store, const std::string& run_id, const PassRule& pass,
    const std::function<Status(const CaseAggregate& aggregate, int64_t order)>& visit);

// Checks floors on the stored run and, when settings name a baseline, compares with it;
// prints both and the verdict to console. options carries the suite's (or stored run's) gate
// settings. Both runs are read from the store a case at a time (for_each_stored_case): what is
// held is the paired cases' columns (CasePairs) and a value per case for each floor.
Status run_gate_step(Store& store, const RunRecord& current, CompareOptions options,
                     const GateSettings& settings, std::FILE* console, GateStep* step);

}  // namespace evalkit::cli
