// The start that scorers comparing an output with the case's references (BLEU, chrF, ROUGE,
// Levenshtein) share: the Score carries the scorer's identity, and a case without references
// is an error, never a 0.
#pragma once

#include <string_view>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Who produced a Score: copied into every Score a reference scorer returns.
struct ScoreIdentity {
  std::string_view name;       // Score::name
  std::string_view type;       // Score::type
  std::string_view signature;  // Score::signature
  double weight = 1.0;         // Score::weight
};

// A Score carrying identity. When input has no reference the Score is already final: error
// set, reason = missing_reason; the caller returns it as it is.
Score start_reference_score(const ScoreInput& input, const ScoreIdentity& identity,
                            std::string_view missing_reason);

}  // namespace evalkit
