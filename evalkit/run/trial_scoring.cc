#include "evalkit/run/trial_scoring.h"

namespace evalkit {

void score_trial(const std::vector<const Scorer*>& scorers, const std::vector<double>& weights,
                 const std::vector<std::vector<ModelResponse>>& responses, const PassRule& rule,
                 const std::function<ScoreInput(const std::vector<ModelResponse>*)>& make_input,
                 TrialResult* result) {
  double weighted = 0, weight_sum = 0;
  bool all_pass = true;
  std::string first_error;
  for (size_t i = 0; i < scorers.size(); ++i) {
    const std::vector<ModelResponse>* calls = i < responses.size() ? &responses[i] : nullptr;
    Score score;
    try {
      score = scorers[i]->score(make_input(calls));
    } catch (const std::exception& e) {
      score.name = scorers[i]->name();
      score.error = true;
      score.reason = std::string("scorer failed: ") + e.what();
    }
    if (score.name.empty()) score.name = scorers[i]->name();
    score.weight = i < weights.size() ? weights[i] : 1.0;
    if (score.signature.empty()) score.signature = scorers[i]->signature();
    if (score.error) {
      score.pass = false;
      if (first_error.empty()) first_error = score.name + ": " + score.reason;
    }
    // `pass: all` is over the scorers that count: a weight-0 scorer is informational.
    if (score.weight != 0) all_pass = all_pass && score.pass;
    weighted += score.weight * score.value;
    weight_sum += score.weight;
    result->scores.push_back(std::move(score));
  }
  result->weighted_score = weight_sum > 0 ? weighted / weight_sum : (all_pass ? 1.0 : 0.0);
  if (!first_error.empty()) {
    result->error = first_error;
    result->error_kind = error_kind::kScorer;
    result->pass = false;
    return;
  }
  result->pass = rule.kind == PassRule::Kind::kAll
                     ? all_pass
                     : result->weighted_score >= rule.min_weighted_score;
}

void fail_trial_scores(const std::vector<const Scorer*>& scorers,
                       const std::vector<std::string>& types, const std::vector<double>& weights,
                       const std::string& reason, TrialResult* result) {
  for (size_t i = 0; i < scorers.size(); ++i) {
    Score score;
    score.name = scorers[i]->name();
    score.type = i < types.size() ? types[i] : std::string();
    score.value = 0;
    score.pass = false;
    score.reason = reason;
    score.signature = scorers[i]->signature();
    score.weight = i < weights.size() ? weights[i] : 1.0;
    result->scores.push_back(std::move(score));
  }
  result->weighted_score = 0;
  result->pass = false;
}

}  // namespace evalkit
