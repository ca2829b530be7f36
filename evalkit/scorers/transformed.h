// A scorer that scores a part of the answer (`transform:` on a scorer spec) instead of its text.
#pragma once

#include <memory>

#include "evalkit/scorers/answer_transform.h"
#include "evalkit/scorers/scorer.h"

namespace evalkit {

// Wraps scorer: every input's output becomes transform's result before scorer sees it (the
// judge's requests too). When the transform finds nothing (a missing path, a regex that does
// not match), the score is 0, failed (not an error: the answer lacks what was checked), with
// the transform's reason. The signature gains "|transform:<transform>".
std::unique_ptr<Scorer> make_transformed_scorer(const ScorerSpec& spec, AnswerTransform transform,
                                                std::unique_ptr<Scorer> scorer);

}  // namespace evalkit
