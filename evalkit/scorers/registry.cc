#include "evalkit/scorers/registry.h"

#include "evalkit/base/suggest.h"
#include "evalkit/scorers/negated.h"
#include "evalkit/scorers/own_references.h"
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
std::unique_ptr<Scorer> make_script_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_pii_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_secrets_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_refusal_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_tool_call_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_tool_args_schema_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_latency_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_cost_scorer(const ScorerSpec& spec, std::string* error);
std::unique_ptr<Scorer> make_finish_reason_scorer(const ScorerSpec& spec, std::string* error);

const std::vector<ScorerKind>& scorer_kinds() {
  static const std::vector<ScorerKind> kinds = {
      // {type, description, factory, model_assisted, options},
      {"exact_match", "output equals an expected answer (optionally normalized)",
       make_exact_match_scorer, false,
       "  --normalize LIST   lower, trim, collapse_whitespace, strip_punctuation "
       "(comma-separated,\n"
       "                     applied in order to the output and each reference)"},
      {"contains", "output contains an expected answer or a given value", make_contains_scorer,
       false,
       "  --value TEXT       the text to look for (default: the references)\n"
       "  --mode any|all     one of the values or all of them (default any)",
       "value"},
      {"icontains", "like contains, ignoring ASCII case", make_icontains_scorer, false,
       "  --value TEXT       the text to look for (default: the references)\n"
       "  --mode any|all     one of the values or all of them (default any)",
       "value"},
      {"not_contains", "output contains none of the given values", make_not_contains_scorer, false,
       "  --value TEXT       the text that must not appear (default: the references)", "value"},
      {"starts_with", "output starts with an expected answer or a given value",
       make_starts_with_scorer, false,
       "  --value TEXT       the prefix (default: the references)\n"
       "  --mode any|all     one of the values or all of them (default any)",
       "value"},
      {"regex", "output matches an ECMAScript regular expression", make_regex_scorer, false,
       "  --pattern RE       ECMAScript regular expression, searched in the output (required)\n"
       "  --ignore-case true  match regardless of case"},
      {"is_json", "output parses as JSON (and matches a JSON Schema with `schema:`)",
       make_is_json_scorer, false,
       "  --schema JSON      a JSON Schema (draft 2020-12) the value must match\n"
       "  --strip-code-fence true  parse the inside of a ```json fence"},
      {"json_field", "a field of the JSON output equals a value", make_json_field_scorer, false,
       "  --path a.b.0.c     the field (required)\n"
       "  --equals JSON      the value it must equal (default: the first reference, as text)\n"
       "  --strip-code-fence true  parse the inside of a ```json fence"},
      {"bleu", "sentence BLEU as sacrebleu computes it (13a, exp smoothing)", make_bleu_scorer,
       false,
       "  --tokenize 13a|intl|none  (default 13a)\n"
       "  --lowercase true   compare lowercased\n"
       "  --smooth exp|floor|add-k|none  (default exp) and --smooth-value X\n"
       "  --max-order N      largest n-gram (default 4)\n"
       "  --effective-order true|false  (default true for sentences)"},
      {"chrf", "chrF / chrF++ (word_order: 2) as sacrebleu computes it", make_chrf_scorer, false,
       "  --char-order N     character n-gram order (default 6)\n"
       "  --word-order 0|2   2 gives chrF++ (default 0)\n"
       "  --beta B           recall weight (default 2)\n"
       "  --lowercase true   compare lowercased"},
      {"rouge", "ROUGE-1/2/L/Lsum as rouge-score computes them", make_rouge_scorer, false,
       "  --variant rouge1|rouge2|rougeL|rougeLsum  (default: all four with `evalkit score`)\n"
       "  --stemmer porter   Porter stemming as rouge-score applies it\n"
       "  --tokenizer default|unicode"},
      {"levenshtein", "character edit distance and similarity", make_levenshtein_scorer, false,
       "  --lowercase true   compare lowercased"},
      {"similarity", "embedding similarity (cosine, dot, euclidean) to the closest reference",
       make_similarity_scorer, true,
       "  --provider ID      embeddings provider (in a suite; default defaults.embedder)\n"
       "  --metric cosine|dot|euclidean  (default cosine)"},
      {"judge", "a chat model grades the output with a judge template (judges/*.yaml)",
       make_judge_scorer, true,
       "  --template NAME    judge template (required; judges/*.yaml or a file)\n"
       "  --provider ID      chat provider (in a suite; default defaults.judge)\n"
       "  --rubric, --criteria, --steps, --samples, --aggregate, --temperature, --seed,\n"
       "  --choice-scores    see docs/judges.md",
       "rubric criteria steps context"},
      {"script", "the team's own check: a long-lived process speaking JSON lines (docs/scripts.md)",
       make_script_scorer, false,
       "  --command CMD      the worker's argv (or --python FILE / --javascript FILE)\n"
       "  --timeout S        per-trial timeout; --workers N, --config JSON: see docs/scripts.md"},
      {"pii", "no personal data: e-mails, phones, cards (Luhn), IBANs, national ids, IPs",
       make_pii_scorer, false, "  --kinds LIST       the kinds to look for (default: all)"},
      {"secrets", "no credentials: provider API keys, private keys, JWTs, passwords in URLs",
       make_secrets_scorer, false, "  --kinds LIST       the kinds to look for (default: all)"},
      {"refusal", "the output refuses (phrase list; `not: refusal` for must-answer)",
       make_refusal_scorer, false, "  --phrases LIST     extra refusal phrases; --only true uses only those"},
      {"tool_call", "the answer made the expected tool calls (F1 over the calls)",
       make_tool_call_scorer, false,
       "  --calls JSON       the expected call(s): a name, {name, arguments}, or a list\n"
       "                     (default: each reference is an alternative)\n"
       "  --arguments subset|exact  extra arguments allowed or not (default subset)\n"
       "  --ordered true     calls must come in the expected order\n"
       "  --allow-extra true  calls beyond the expected do not count (score = recall)"},
      {"tool_args_schema", "every tool call's arguments match its tool's JSON Schema",
       make_tool_args_schema_scorer, false,
       "  --schemas JSON     {tool: schema} (default: the parameters of the request's tools)\n"
       "  --unknown-tools fail|ignore  a call to a tool without a schema (default fail)\n"
       "  --allow-no-calls true  an answer without tool calls passes"},
      {"latency", "the answer came within max seconds (total or to the first token)",
       make_latency_scorer, false,
       "  --max S            the limit in seconds (required)\n"
       "  --of total|first_token  (default total; first_token needs a streamed answer)"},
      {"cost", "the answer cost at most max US dollars at its provider's price",
       make_cost_scorer, false, "  --max USD          the limit per answer (required)"},
      {"finish_reason", "the answer stopped for the given reason (stop, length, tool_calls, ...)",
       make_finish_reason_scorer, false,
       "  --value LIST       the reason(s) that pass (required)\n"
       "  --normalize false  compare exactly (default: end_turn = stop, max_tokens = length, ...)"},
  };
  return kinds;
}

const ScorerKind* find_scorer_kind(const std::string& type) {
  for (const auto& kind : scorer_kinds()) {
    if (type == kind.type) return &kind;
  }
  return nullptr;
}

bool is_free_text_option(const ScorerKind& kind, std::string_view key) {
  if (kind.free_text_options == nullptr || key.empty()) return false;
  std::string_view names = kind.free_text_options;
  while (!names.empty()) {
    const size_t space = names.find(' ');
    if (names.substr(0, space) == key) return true;
    if (space == std::string_view::npos) break;
    names.remove_prefix(space + 1);
  }
  return false;
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
  // `expected` belongs to every kind: the scorer's own references instead of the case's.
  const auto own = spec.options.find("expected");
  const bool has_own = own != spec.options.end();
  std::vector<std::string> references;
  if (has_own && !read_own_references(*own, &references, &error)) {
    return Status::error_at(spec.where, "scorer '" + spec.type + "': " + error);
  }
  AnswerTransform transform;
  if (!spec.transform.is_null() && !AnswerTransform::compile(spec.transform, &transform, &error)) {
    const SourceLocation& where = spec.transform_where.line > 0 ? spec.transform_where : spec.where;
    return Status::error_at(where, "scorer '" + spec.type + "': transform: " + error);
  }
  ScorerSpec inner_spec = spec;
  if (has_own) inner_spec.options.erase("expected");
  *out = kind->make(inner_spec, &error);
  if (*out == nullptr) return Status::error_at(spec.where, "scorer '" + spec.type + "': " + error);
  if (has_own) *out = with_own_references(std::move(*out), std::move(references));
  if (!transform.empty()) *out = make_transformed_scorer(spec, std::move(transform), std::move(*out));
  if (spec.negate) *out = make_negated_scorer(spec, std::move(*out));
  return Status::ok();
}

}  // namespace evalkit
