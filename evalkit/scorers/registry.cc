#include "evalkit/scorers/registry.h"

#include "evalkit/base/suggest.h"

// One line per scorer kind. Each scorer lives in its own file and exposes its factory.
// (declarations of the factories)

namespace evalkit {

std::unique_ptr<Scorer> make_levenshtein_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_rouge_scorer(const ScorerSpec& spec, std::string* error);

const std::vector<ScorerKind>& scorer_kinds() {
  static const std::vector<ScorerKind> kinds = {
      // {type, description, factory, model_assisted},
      {"rouge", "ROUGE-1/2/L/Lsum as rouge-score computes them", make_rouge_scorer, false},
      {"levenshtein", "character edit distance and similarity", make_levenshtein_scorer, false},
  };
  return kinds;
}

const ScorerKind* find_scorer_kind(const std::string& type) {
  for (const auto& kind : scorer_kinds()) {
    if (type == kind.type) return &kind;
  }
  return nullptr;
}

Status make_scorer(const ScorerSpec& spec, std::unique_ptr<Scorer>* out) {
  const ScorerKind* kind = find_scorer_kind(spec.type);
  if (kind == nullptr) {
    std::vector<std::string> names;
    for (const auto& k : scorer_kinds()) names.emplace_back(k.type);
    return Status::error_at(spec.where, "scorer '" + spec.type + "' is unknown" +
                                            did_you_mean(spec.type, names));
  }
  std::string error;
  *out = kind->make(spec, &error);
  if (*out == nullptr) return Status::error_at(spec.where, "scorer '" + spec.type + "': " + error);
  return Status::ok();
}

}  // namespace evalkit
