#include "evalkit/scorers/reference_scorer.h"

namespace evalkit {

Score start_reference_score(const ScoreInput& input, const ScoreIdentity& identity,
                            std::string_view missing_reason) {
  Score score;
  score.name = identity.name;
  score.type = identity.type;
  score.signature = identity.signature;
  score.weight = identity.weight;
  if (input.expected == nullptr || input.expected->empty()) {
    score.error = true;
    score.reason = missing_reason;
  }
  return score;
}

}  // namespace evalkit
