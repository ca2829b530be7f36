// exact_match: the output equals one of the expected answers after optional normalization.
#include <memory>

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/excerpt.h"
#include "evalkit/text/normalize.h"

namespace evalkit {
namespace {

class ExactMatchScorer : public MatchScorer {
 public:
  ExactMatchScorer(const ScorerSpec& spec, std::vector<NormalizeStep> steps)
      : MatchScorer(spec, "norm:" + normalize_signature(steps)), steps_(std::move(steps)) {}

  Score score(const ScoreInput& input) const override {
    if (input.expected->empty()) return failure("no expected answer to compare with");
    const std::string output = normalize_text(input.output, steps_);
    for (const auto& reference : *input.expected) {
      if (normalize_text(reference, steps_) == output) {
        return verdict(true, "matched " + quoted_excerpt(reference));
      }
    }
    std::string wanted;
    for (const auto& reference : *input.expected) {
      wanted += (wanted.empty() ? "" : " or ") + quoted_excerpt(reference);
    }
    return verdict(false, "expected " + wanted + ", got " + quoted_excerpt(input.output));
  }

 private:
  std::vector<NormalizeStep> steps_;
};

}  // namespace

std::unique_ptr<Scorer> make_exact_match_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::vector<std::string> names;
  std::vector<NormalizeStep> steps;
  if (options.get_string_list("normalize", &names)) {
    for (const auto& name : names) {
      NormalizeStep step;
      if (!parse_normalize_step(name, &step)) {
        options.fail("unknown normalize step '" + name + "'" +
                     did_you_mean(name, normalize_step_names()));
        break;
      }
      steps.push_back(step);
    }
  }
  if (!options.finish(error)) return nullptr;
  return std::make_unique<ExactMatchScorer>(spec, std::move(steps));
}

}  // namespace evalkit
