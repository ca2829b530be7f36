// The "rouge" scorer: ROUGE-1/2/L/Lsum (rouge-score's values, see rouge_metric.h) of a
// model output against its expected references.
#pragma once

#include <memory>
#include <string>

#include "evalkit/scorers/rouge_metric.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

// The "rouge" scorer. Options: variant (rougeL), measure f|p|r (f), stemmer porter|none
// or use_stemmer (none), tokenizer default|unicode (default); pass when the measure is at
// least the threshold (0.5).
std::unique_ptr<Scorer> make_rouge_scorer(const ScorerSpec& spec, std::string* error);

}  // namespace evalkit
