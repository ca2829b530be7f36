// finish_reason: the answer stopped for one of the given reasons. Protocols name the same
// reasons differently (OpenAI "length", Anthropic and Bedrock "max_tokens", Gemini
// "MAX_TOKENS"), so by default a reason matches when it is the same ignoring case or means
// the same: stop, length, tool_calls or content_filter. `normalize: false` compares exactly.
#include <algorithm>
#include <memory>

#include "evalkit/scorers/match_scorer.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

std::string lower_ascii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The reason in the four words most protocols share; other reasons as they are, lower case.
std::string canonical_reason(const std::string& reason) {
  const std::string r = lower_ascii(reason);
  if (r == "stop" || r == "end_turn" || r == "stop_sequence" || r == "eos" || r == "end") {
    return "stop";
  }
  if (r == "length" || r == "max_tokens" || r == "model_length" || r == "max_output_tokens") {
    return "length";
  }
  if (r == "tool_calls" || r == "tool_use" || r == "function_call") return "tool_calls";
  if (r == "content_filter" || r == "content_filtered" || r == "safety" ||
      r == "guardrail_intervened" || r == "refusal" || r == "recitation") {
    return "content_filter";
  }
  return r;
}

std::string meaning(const std::string& canonical) {
  if (canonical == "length") return " (cut at the token limit)";
  if (canonical == "tool_calls") return " (stopped to call a tool)";
  if (canonical == "content_filter") return " (stopped by a content filter)";
  return "";
}

class FinishReasonScorer : public MatchScorer {
 public:
  FinishReasonScorer(const ScorerSpec& spec, std::vector<std::string> values, bool normalize,
                     std::string settings)
      : MatchScorer(spec, std::move(settings)), values_(std::move(values)), normalize_(normalize) {}

  Score score(const ScoreInput& input) const override {
    if (input.answer == nullptr) return failure("needs the whole answer (its finish reason)");
    const std::string& reason = input.answer->finish_reason;
    const bool matched = std::any_of(values_.begin(), values_.end(), [&](const std::string& v) {
      return reason == v || (normalize_ && canonical_reason(reason) == canonical_reason(v));
    });
    std::string expected;
    for (const auto& v : values_) expected += (expected.empty() ? "'" : " or '") + v + "'";
    if (reason.empty())
      return verdict(false, "the answer has no finish reason, expected " + expected);
    const std::string said = "finish reason " + quoted_excerpt(reason) +
                             (normalize_ ? meaning(canonical_reason(reason)) : "");
    return verdict(matched, matched ? said : said + ", expected " + expected);
  }

 private:
  std::vector<std::string> values_;
  bool normalize_;
};

}  // namespace

std::unique_ptr<Scorer> make_finish_reason_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  std::vector<std::string> values;
  bool normalize = true;
  const bool has_value = options.get_string_list("value", &values);
  options.get_bool("normalize", &normalize);
  if (!options.finish(error)) return nullptr;
  if (!has_value || values.empty() ||
      std::any_of(values.begin(), values.end(), [](const std::string& v) { return v.empty(); })) {
    *error = "option 'value' (a finish reason or a list of them, e.g. stop) is required";
    return nullptr;
  }
  std::string settings = "value:";
  for (size_t i = 0; i < values.size(); ++i) settings += (i ? "," : "") + values[i];
  settings += normalize ? "|norm:protocols" : "|norm:none";
  return std::make_unique<FinishReasonScorer>(spec, std::move(values), normalize,
                                              std::move(settings));
}

}  // namespace evalkit
