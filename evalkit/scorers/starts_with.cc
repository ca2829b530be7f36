// starts_with: the output begins with an expected answer (or one of the `value` strings).
#include <memory>

#include "evalkit/scorers/needle_scorer.h"

namespace evalkit {
namespace {

class StartsWithScorer : public NeedleScorer {
 public:
  StartsWithScorer(const ScorerSpec& spec, Settings settings)
      : NeedleScorer(spec, std::move(settings), "start with") {}

 protected:
  bool matches(std::string_view output, std::string_view needle) const override {
    return output.substr(0, needle.size()) == needle;
  }
};

}  // namespace

std::unique_ptr<Scorer> make_starts_with_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  NeedleScorer::Settings settings;
  NeedleScorer::read_settings(options, /*allow_mode=*/true, &settings);
  if (!options.finish(error)) return nullptr;
  return std::make_unique<StartsWithScorer>(spec, std::move(settings));
}

}  // namespace evalkit
