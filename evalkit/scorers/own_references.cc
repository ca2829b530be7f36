#include "evalkit/scorers/own_references.h"

namespace evalkit {
namespace {

class OwnReferencesScorer final : public Scorer {
 public:
  OwnReferencesScorer(std::unique_ptr<Scorer> inner, std::vector<std::string> references)
      : inner_(std::move(inner)), references_(std::move(references)) {}

  std::string name() const override { return inner_->name(); }
  std::string signature() const override { return inner_->signature(); }

  std::vector<ModelRequest> requests(const ScoreInput& input) const override {
    return inner_->requests(with_references(input));
  }

  Score score(const ScoreInput& input) const override {
    return inner_->score(with_references(input));
  }

  nlohmann::json corpus(const std::vector<const nlohmann::json*>& details) const override {
    return inner_->corpus(details);
  }

  std::unique_ptr<CorpusStatistics> corpus_statistics() const override {
    return WrappedCorpusStatistics::of(*this, *inner_);
  }

 private:
  ScoreInput with_references(const ScoreInput& input) const {
    ScoreInput own = input;
    own.expected = &references_;
    return own;
  }

  std::unique_ptr<Scorer> inner_;
  std::vector<std::string> references_;
};

bool reference_text(const nlohmann::json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
  } else if (value.is_number() || value.is_boolean()) {
    *out = value.dump();
  } else {
    return false;
  }
  return true;
}

}  // namespace

bool read_own_references(const nlohmann::json& value, std::vector<std::string>* out,
                         std::string* error) {
  out->clear();
  std::string text;
  if (reference_text(value, &text)) {
    out->push_back(std::move(text));
    return true;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!reference_text(item, &text)) break;
      out->push_back(std::move(text));
    }
    if (!out->empty() && out->size() == value.size()) return true;
    if (value.empty()) {
      *error = "option 'expected' is an empty list";
      return false;
    }
  }
  *error = "option 'expected' expects a string or a list of strings";
  return false;
}

std::unique_ptr<Scorer> with_own_references(std::unique_ptr<Scorer> inner,
                                            std::vector<std::string> references) {
  return std::make_unique<OwnReferencesScorer>(std::move(inner), std::move(references));
}

}  // namespace evalkit
