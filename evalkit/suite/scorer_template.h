// {{var}} placeholders in scorer options: `{type: contains, value: "{{keyword}}"}` takes the
// case's `keyword`. Checked while loading (every case must have every variable its scorers
// use) and rendered for each trial.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

// The variable paths spec's options use, each once, in order of appearance; fails on a
// malformed placeholder ("{{" without "}}").
Status scorer_variables(const ScorerSpec& spec, std::vector<std::string>* variables);

// spec with every option string rendered with vars (a script scorer's code is left as it
// is: it gets the vars with each trial). An option string that is exactly one
// placeholder ("{{keywords}}") takes the variable's value as it is, so a list stays a list
// and a number a number; other strings get text. A missing variable is an error naming it.
Status render_scorer_spec(const ScorerSpec& spec, const nlohmann::json& vars, ScorerSpec* out);

}  // namespace evalkit
