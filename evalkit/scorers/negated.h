// Negation of any scorer (`negate: true`, or the scorer wrapped in `not:`), like promptfoo's
// `not-` prefix: the trial passes when the scorer would fail and the value becomes 1 - value.
#pragma once

#include <memory>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Wraps inner. The metric is "not_<name>" unless spec names it; an error stays an error.
std::unique_ptr<Scorer> make_negated_scorer(const ScorerSpec& spec, std::unique_ptr<Scorer> inner);

}  // namespace evalkit
