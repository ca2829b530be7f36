// A case's outcome over its repeats: trials grouped by (case, prompt, provider).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Identifies a case across runs: the trial key without the repeat.
struct CaseKey {
  std::string case_id;
  std::string prompt_id;
  std::string provider_id;

  auto operator<=>(const CaseKey&) const = default;
};

struct MetricMean {
  double mean = 0;                // over the repeats whose score for this metric did not error
  int count = 0;                  // those repeats
  int errors = 0;                 // repeats whose score errored (left out of the mean)
  std::string signature;          // of the first scored repeat
  bool mixed_signatures = false;  // repeats disagree on the signature
  bool weighted = false;          // some repeat's score has a non-zero weight (not informational)
};

struct CaseAggregate {
  CaseKey key;
  int repeats = 0;
  int passes = 0;
  bool pass = false;                          // by PassRule::k_of_n, see aggregate_cases
  bool flaky = false;                         // some repeats passed and some failed
  double mean_weighted_score = 0;             // over all repeats
  std::map<std::string, MetricMean> metrics;  // by Score::name
  // The repeat with the lowest repeat index, whose output comparisons show.
  const TrialResult* first_trial = nullptr;
};

// Groups trials by CaseKey, in order of each case's first trial in `trials` (plan order).
// A case passes when at least k of its n repeats pass, k = rule.k_of_n; k = 0 means every
// repeat must pass, and k larger than the repeats present also means every repeat (a run
// made with fewer --repeat than the suite asks for is judged on what it has). A trial with
// an error counts as a failed repeat. The returned first_trial pointers point into trials.
std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>& trials,
                                           const PassRule& rule);

// The report's "cases" array (docs/json-report.md): one object per case with case_id,
// prompt_id, provider_id, repeats, passes, pass, flaky, mean_weighted_score.
nlohmann::json cases_to_json(const std::vector<CaseAggregate>& cases);

}  // namespace evalkit
