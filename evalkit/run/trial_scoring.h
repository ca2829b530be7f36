// Scores one trial's output with its scorers and applies the suite's pass rule.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "evalkit/run/trial.h"
#include "evalkit/scorers/scorer.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Requests and answers of the model-assisted scorers of one trial, per scorer.
struct ScorerCalls {
  std::vector<std::vector<ModelRequest>> requests;
  std::vector<std::vector<ModelResponse>> responses;
  std::atomic<size_t> pending{0};
};

// Fills result->scores, weighted_score and pass (and error when a scorer errs).
// make_input builds the ScoreInput given a scorer's model responses.
// weights[i] is scorers[i]'s weight from its spec.
void score_trial(const std::vector<const Scorer*>& scorers, const std::vector<double>& weights,
                 const std::vector<std::vector<ModelResponse>>& responses, const PassRule& rule,
                 const std::function<ScoreInput(const std::vector<ModelResponse>*)>& make_input,
                 TrialResult* result);

// Fails every scorer of a trial for one reason (its prompt's transform found nothing to
// score): each score is 0 and failed, not an error (the answer lacks what the suite checks),
// and the trial fails. types[i] and weights[i] are scorers[i]'s from its spec.
void fail_trial_scores(const std::vector<const Scorer*>& scorers,
                       const std::vector<std::string>& types, const std::vector<double>& weights,
                       const std::string& reason, TrialResult* result);

}  // namespace evalkit
