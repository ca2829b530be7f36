// Trials made up for gate tests: cases with a pass/fail outcome and named scores.
#pragma once

#include <string>
#include <vector>

#include "evalkit/run/trial.h"

namespace evalkit::testing {

struct ScoreValue {
  std::string name;
  double value;
  std::string signature;
  bool error = false;
  double weight = 1.0;
};

// prefix followed by a number, e.g. "c12".
std::string numbered(const std::string& prefix, int number);

// One trial of case_id (prompt "qa", provider "model") with the given scores; a score passes
// at 0.5 or more. The output is "<case_id>#<repeat>" unless given.
TrialResult make_trial(const std::string& case_id, int repeat, bool pass,
                       std::vector<ScoreValue> scores = {}, const std::string& output = "");

// n cases named prefix0..; the first `passing` pass.
std::vector<TrialResult> pass_fail_run(int n, int passing, const std::string& prefix = "c");

}  // namespace evalkit::testing
