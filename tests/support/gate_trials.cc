#include "tests/support/gate_trials.h"

namespace evalkit::testing {

std::string numbered(const std::string& prefix, int number) {
  std::string text = prefix;
  text += std::to_string(number);
  return text;
}

TrialResult make_trial(const std::string& case_id, int repeat, bool pass,
                       std::vector<ScoreValue> scores, const std::string& output) {
  TrialResult trial;
  trial.key = {case_id, "qa", "model", repeat};
  trial.pass = pass;
  trial.answer.text = output.empty() ? numbered(case_id + "#", repeat) : output;
  double total = 0;
  for (const ScoreValue& value : scores) {
    Score score;
    score.name = value.name;
    score.type = value.name;
    score.value = value.value;
    score.signature = value.signature;
    score.error = value.error;
    score.weight = value.weight;
    score.pass = !value.error && value.value >= 0.5;
    trial.scores.push_back(score);
    total += value.value;
  }
  trial.weighted_score = scores.empty() ? (pass ? 1.0 : 0.0) : total / scores.size();
  return trial;
}

std::vector<TrialResult> pass_fail_run(int n, int passing, const std::string& prefix) {
  std::vector<TrialResult> run;
  for (int i = 0; i < n; ++i) run.push_back(make_trial(numbered(prefix, i), 0, i < passing));
  return run;
}

}  // namespace evalkit::testing
