#include "evalkit/scorers/transformed.h"

#include <optional>

namespace evalkit {
namespace {

class TransformedScorer : public Scorer {
 public:
  TransformedScorer(const ScorerSpec& spec, AnswerTransform transform,
                    std::unique_ptr<Scorer> scorer)
      : type_(spec.type),
        weight_(spec.weight),
        transform_(std::move(transform)),
        scorer_(std::move(scorer)),
        signature_(scorer_->signature() + "|transform:" + transform_.signature()) {}

  std::string name() const override { return scorer_->name(); }
  std::string signature() const override { return signature_; }

  std::vector<ModelRequest> requests(const ScoreInput& input) const override {
    Transformed transformed;
    if (!transform(input, &transformed)) return {};
    return scorer_->requests(transformed.input);
  }

  Score score(const ScoreInput& input) const override {
    Transformed transformed;
    if (!transform(input, &transformed)) {
      Score score;
      score.name = name();
      score.type = type_;
      score.value = 0;
      score.pass = false;
      score.reason = "transform: " + transformed.failure;
      score.signature = signature_;
      score.weight = weight_;
      return score;
    }
    Score score = scorer_->score(transformed.input);
    score.signature = signature_;
    return score;
  }

  nlohmann::json corpus(const std::vector<const nlohmann::json*>& details) const override {
    return scorer_->corpus(details);
  }

  std::unique_ptr<CorpusStatistics> corpus_statistics() const override {
    return WrappedCorpusStatistics::of(*this, *scorer_);
  }

 private:
  // The input with the transformed output; the answer is copied so that scorers reading
  // answer->text see the same text as output.
  struct Transformed {
    std::string output;
    std::optional<ModelAnswer> answer;
    ScoreInput input;
    std::string failure;
  };

  bool transform(const ScoreInput& input, Transformed* out) const {
    if (!transform_.apply(input.answer, input.output, &out->output, &out->failure)) return false;
    out->input = input;
    out->input.output = out->output;
    if (input.answer != nullptr) {
      out->answer = *input.answer;
      out->answer->text = out->output;
      out->input.answer = &*out->answer;
    }
    return true;
  }

  std::string type_;
  double weight_;
  AnswerTransform transform_;
  std::unique_ptr<Scorer> scorer_;
  std::string signature_;
};

}  // namespace

std::unique_ptr<Scorer> make_transformed_scorer(const ScorerSpec& spec, AnswerTransform transform,
                                                std::unique_ptr<Scorer> scorer) {
  return std::make_unique<TransformedScorer>(spec, std::move(transform), std::move(scorer));
}

}  // namespace evalkit
