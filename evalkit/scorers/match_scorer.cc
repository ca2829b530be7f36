#include "evalkit/scorers/match_scorer.h"

namespace evalkit {

MatchScorer::MatchScorer(const ScorerSpec& spec, std::string settings)
    : type_(spec.type),
      name_(spec.name.empty() ? spec.type : spec.name),
      signature_(settings.empty() ? spec.type : spec.type + "|" + settings),
      weight_(spec.weight),
      threshold_(spec.threshold.value_or(1.0)) {}

Score MatchScorer::verdict(bool matched, std::string reason) const {
  Score score;
  score.name = name_;
  score.type = type_;
  score.value = matched ? 1.0 : 0.0;
  score.pass = score.value >= threshold_;
  score.reason = std::move(reason);
  score.signature = signature_;
  score.weight = weight_;
  return score;
}

Score MatchScorer::failure(std::string reason) const {
  Score score = verdict(false, std::move(reason));
  score.pass = false;
  score.error = true;
  return score;
}

}  // namespace evalkit
