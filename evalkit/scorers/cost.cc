// cost: the answer cost at most `max` US dollars, at its provider's price (the provider's
// `price:` or the built-in table) for the answer's prompt and completion tokens. Calls made
// by model-assisted scorers are not part of it.
#include <memory>

#include "evalkit/base/number_text.h"
#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"

namespace evalkit {
namespace {

std::string dollars(double usd) { return std::string("$").append(format_number(usd)); }

class CostScorer : public MatchScorer {
 public:
  CostScorer(const ScorerSpec& spec, double max_usd)
      : MatchScorer(spec, "max_usd:" + format_number(max_usd)), max_usd_(max_usd) {}

  Score score(const ScoreInput& input) const override {
    if (!input.cost_usd) {
      return failure(
          "the provider's price is unknown: give the provider 'price: {input: USD, "
          "output: USD}' (per million tokens)");
    }
    const double usd = *input.cost_usd;
    const bool within = usd <= max_usd_;
    Score score = verdict(within, "cost " + dollars(usd) + (within ? " is within " : " is over ") +
                                      "max " + dollars(max_usd_));
    score.details = {{"cost_usd", usd}, {"max_usd", max_usd_}};
    return score;
  }

 private:
  double max_usd_;
};

}  // namespace

std::unique_ptr<Scorer> make_cost_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  double max_usd = -1;
  const bool has_max = options.get_number("max", &max_usd);
  if (!options.finish(error)) return nullptr;
  if (spec.threshold) {
    *error = "the limit is 'max' in US dollars ('threshold' is for scores between 0 and 1)";
    return nullptr;
  }
  if (!has_max || max_usd < 0) {
    *error =
        "option 'max' (US dollars per answer, at least 0) is required, e.g. "
        "{type: cost, max: 0.002}";
    return nullptr;
  }
  return std::make_unique<CostScorer>(spec, max_usd);
}

}  // namespace evalkit
