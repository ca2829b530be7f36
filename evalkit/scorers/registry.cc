#include "evalkit/scorers/registry.h"

#include "evalkit/base/suggest.h"

// One line per scorer kind. Each scorer lives in its own file and exposes its factory.

namespace evalkit {

std::unique_ptr<Scorer> make_bleu_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_chrf_scorer(const ScorerSpec& spec, std::string* error);

const std::vector<ScorerKind>& scorer_kinds() {
  static const std::vector<ScorerKind> kinds = {
      // {type, description, factory, model_assisted},
      {"bleu", "sentence BLEU as sacrebleu computes it (13a, exp smoothing)", make_bleu_scorer,
       false},
      {"chrf", "chrF / chrF++ (word_order: 2) as sacrebleu computes it", make_chrf_scorer, false},
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
    return Status::error_at(
        spec.where, "scorer '" + spec.type + "' is unknown" + did_you_mean(spec.type, names));
  }
  std::string error;
  *out = kind->make(spec, &error);
  if (*out == nullptr) return Status::error_at(spec.where, "scorer '" + spec.type + "': " + error);
  return Status::ok();
}

}  // namespace evalkit
