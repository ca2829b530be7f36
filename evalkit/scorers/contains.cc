// contains: the output contains an expected answer (or one of the `value` strings).
#include <memory>

#include "evalkit/scorers/needle_scorer.h"

namespace evalkit {
namespace {

class ContainsScorer : public NeedleScorer {
 public:
  ContainsScorer(const ScorerSpec& spec, Settings settings)
      : NeedleScorer(spec, std::move(settings), "contain") {}

 protected:
  bool matches(std::string_view output, std::string_view needle) const override {
    return output.find(needle) != std::string_view::npos;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_contains_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  NeedleScorer::Settings settings;
  NeedleScorer::read_settings(options, /*allow_mode=*/true, &settings);
  if (!options.finish(error)) return nullptr;
  return std::make_unique<ContainsScorer>(spec, std::move(settings));
}

}  // namespace evalkit
