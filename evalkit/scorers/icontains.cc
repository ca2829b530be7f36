// icontains: like contains, ignoring ASCII case.
#include <memory>

#include "evalkit/scorers/needle_scorer.h"
#include "evalkit/text/normalize.h"

namespace evalkit {
namespace {

class IContainsScorer : public NeedleScorer {
 public:
  IContainsScorer(const ScorerSpec& spec, Settings settings)
      : NeedleScorer(spec, std::move(settings), "contain (ignoring case)") {}

 protected:
  bool matches(std::string_view output, std::string_view needle) const override {
    return ascii_lower(output).find(ascii_lower(needle)) != std::string::npos;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_icontains_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  NeedleScorer::Settings settings;
  NeedleScorer::read_settings(options, /*allow_mode=*/true, &settings);
  if (!options.finish(error)) return nullptr;
  return std::make_unique<IContainsScorer>(spec, std::move(settings));
}

}  // namespace evalkit
