// The "levenshtein" scorer: edit distance between the output and each reference, counted in
// Unicode code points, and the similarity 1 - distance / max(length) it implies.
#pragma once

#include <memory>
#include <string>

#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Options: lowercase (false) lowercases both sides first (Unicode simple case mapping);
// max_distance (unset) makes pass mean distance <= max_distance, otherwise pass means
// similarity >= threshold (0.8). The value is the similarity of the best reference.
std::unique_ptr<Scorer> make_levenshtein_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit
