// The "judge" scorer: asks a chat model to grade the output with a judge template
// (judges/*.yaml or a file of the suite's own) and maps its verdict to [0, 1].
#pragma once

#include <memory>
#include <string>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Options: template (required: a built-in name or a .yaml path), provider (the chat
// provider; the suite loader fills it from defaults.judge), rubric, criteria, steps (fill
// the template's placeholders, else the template's defaults), samples (1: judge calls per
// order), aggregate (mean | majority), temperature (0) and seed (0; sample i uses seed + i),
// choice_scores (label -> score, overriding the template's). Pass means value >= threshold
// (the template's, else 0.5). A verdict that cannot be parsed is a scorer error.
std::unique_ptr<Scorer> make_judge_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit
