// not_contains: the output contains none of the given strings (by default the expected
// answers, which suits cases whose `expected` lists what must not appear).
#include <memory>

#include "evalkit/scorers/needle_scorer.h"

namespace evalkit {
namespace {

class NotContainsScorer : public NeedleScorer {
 public:
  NotContainsScorer(const ScorerSpec& spec, Settings settings)
      : NeedleScorer(spec, std::move(settings), "not contain") {}

 protected:
  bool matches(std::string_view output, std::string_view needle) const override {
    return output.find(needle) == std::string_view::npos;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_not_contains_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  NeedleScorer::Settings settings;
  // "Contains none of them" means every needle must be absent; `mode` would only confuse.
  NeedleScorer::read_settings(options, /*allow_mode=*/false, &settings);
  settings.require_all = true;
  if (!options.finish(error)) return nullptr;
  return std::make_unique<NotContainsScorer>(spec, std::move(settings));
}

}  // namespace evalkit
