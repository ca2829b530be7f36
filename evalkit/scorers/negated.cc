#include "evalkit/scorers/negated.h"

namespace evalkit {
namespace {

class NegatedScorer : public Scorer {
 public:
  NegatedScorer(const ScorerSpec& spec, std::unique_ptr<Scorer> inner)
      : inner_(std::move(inner)),
        name_(spec.name.empty() ? "not_" + inner_->name() : spec.name),
        signature_("not(" + inner_->signature() + ")") {}

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  std::vector<ModelRequest> requests(const ScoreInput& input) const override {
    return inner_->requests(input);
  }

  Score score(const ScoreInput& input) const override {
    Score score = inner_->score(input);
    score.name = name_;
    score.signature = signature_;
    // A scorer that could not decide has not said no: its error is never turned into a pass.
    if (score.error) return score;
    score.pass = !score.pass;
    score.value = 1.0 - score.value;
    score.reason = "not: " + score.reason;
    return score;
  }

 private:
  std::unique_ptr<Scorer> inner_;
  std::string name_;
  std::string signature_;
};

}  // namespace

std::unique_ptr<Scorer> make_negated_scorer(const ScorerSpec& spec, std::unique_ptr<Scorer> inner) {
  return std::make_unique<NegatedScorer>(spec, std::move(inner));
}

}  // namespace evalkit
