#include "evalkit/scorers/registry.h"

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/transformed.h"

// One line per scorer kind. Each scorer lives in its own file and exposes its factory.

namespace evalkit {

std::unique_ptr<Scorer> make_exact_match_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_contains_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_icontains_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_not_contains_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_starts_with_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_regex_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_is_json_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_json_field_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_bleu_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_chrf_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_levenshtein_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_rouge_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_similarity_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_judge_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_tool_call_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_latency_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_cost_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_finish_reason_scorer(const ScorerSpec& spec, std::string* error);

const std::vector<ScorerKind>& scorer_kinds() {
  static const std::vector<ScorerKind> kinds = {
      // {type, description, factory, model_assisted},
      {"exact_match", "output equals an expected answer (optionally normalized)",
       make_exact_match_scorer, false},
      {"contains", "output contains an expected answer or a given value", make_contains_scorer,
       false},
      {"icontains", "like contains, ignoring ASCII case", make_icontains_scorer, false},
      {"not_contains", "output contains none of the given values", make_not_contains_scorer, false},
      {"starts_with", "output starts with an expected answer or a given value",
       make_starts_with_scorer, false},
      {"regex", "output matches an ECMAScript regular expression", make_regex_scorer, false},
      {"is_json", "output parses as JSON", make_is_json_scorer, false},
      {"json_field", "a field of the JSON output equals a value", make_json_field_scorer, false},
      {"bleu", "sentence BLEU as sacrebleu computes it (13a, exp smoothing)", make_bleu_scorer,
       false},
      {"chrf", "chrF / chrF++ (word_order: 2) as sacrebleu computes it", make_chrf_scorer, false},
      {"rouge", "ROUGE-1/2/L/Lsum as rouge-score computes them", make_rouge_scorer, false},
      {"levenshtein", "character edit distance and similarity", make_levenshtein_scorer, false},
      {"similarity", "embedding similarity (cosine, dot, euclidean) to the closest reference",
       make_similarity_scorer, true},
      {"judge", "a chat model grades the output with a judge template (judges/*.yaml)",
       make_judge_scorer, true},
      {"tool_call", "the answer made the expected tool calls (F1 over the calls)",
       make_tool_call_scorer, false},
      {"latency", "the answer came within max seconds (total or to the first token)",
       make_latency_scorer, false},
      {"cost", "the answer cost at most max US dollars at its provider's price",
       make_cost_scorer, false},
      {"finish_reason", "the answer stopped for the given reason (stop, length, tool_calls, ...)",
       make_finish_reason_scorer, false},
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
  AnswerTransform transform;
  if (!spec.transform.is_null() && !AnswerTransform::compile(spec.transform, &transform, &error)) {
    const SourceLocation& where = spec.transform_where.line > 0 ? spec.transform_where : spec.where;
    return Status::error_at(where, "scorer '" + spec.type + "': " + error);
  }
  *out = kind->make(spec, &error);
  if (*out == nullptr) return Status::error_at(spec.where, "scorer '" + spec.type + "': " + error);
  if (!transform.empty()) *out = make_transformed_scorer(spec, std::move(transform), std::move(*out));
  return Status::ok();
}

}  // namespace evalkit
