#include "evalkit/suite/promptfoo_check.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

#include "evalkit/scorers/registry.h"

namespace evalkit {
namespace {

// promptfoo's check types (BaseAssertionTypes), for telling a check from plain text.
const std::set<std::string>& check_types() {
  static const std::set<std::string> types = {"answer-relevance",
                                              "bleu",
                                              "classifier",
                                              "contains",
                                              "contains-all",
                                              "contains-any",
                                              "contains-html",
                                              "contains-json",
                                              "contains-sql",
                                              "contains-xml",
                                              "context-faithfulness",
                                              "context-recall",
                                              "context-relevance",
                                              "conversation-relevance",
                                              "cost",
                                              "equals",
                                              "factuality",
                                              "finish-reason",
                                              "g-eval",
                                              "gleu",
                                              "guardrails",
                                              "icontains",
                                              "icontains-all",
                                              "icontains-any",
                                              "is-html",
                                              "is-json",
                                              "is-refusal",
                                              "is-sql",
                                              "is-valid-function-call",
                                              "is-valid-openai-function-call",
                                              "is-valid-openai-tools-call",
                                              "is-xml",
                                              "javascript",
                                              "latency",
                                              "levenshtein",
                                              "llm-rubric",
                                              "meteor",
                                              "model-graded-closedqa",
                                              "model-graded-factuality",
                                              "moderation",
                                              "perplexity",
                                              "perplexity-score",
                                              "pi",
                                              "python",
                                              "regex",
                                              "rouge-n",
                                              "ruby",
                                              "similar",
                                              "similar:cosine",
                                              "similar:dot",
                                              "similar:euclidean",
                                              "starts-with",
                                              "tool-call-f1",
                                              "webhook"};
  return types;
}

// Whether this build's scorer of type accepts options (probed by building it): lets the
// conversion use scorer features as they exist, and refuse what they lack.
bool scorer_accepts(const std::string& type, const nlohmann::json& options) {
  if (find_scorer_kind(type) == nullptr) return false;
  ScorerSpec spec;
  spec.type = type;
  spec.options = options;
  std::unique_ptr<Scorer> scorer;
  return static_cast<bool>(make_scorer(spec, &scorer));
}

bool scalar_text(const nlohmann::json& value, std::string* out) {
  if (value.is_string()) {
    *out = value.get<std::string>();
  } else if (value.is_number_integer() || value.is_number_unsigned()) {
    *out = value.dump();
  } else if (value.is_number_float()) {
    const double number = value.get<double>();
    *out = std::floor(number) == number && std::fabs(number) < 1e15
               ? std::to_string(static_cast<long long>(number))
               : value.dump();
  } else if (value.is_boolean()) {
    *out = value.get<bool>() ? "true" : "false";
  } else {
    return false;
  }
  return true;
}

// "a, b ,c" -> ["a", "b", "c"]; a list stays a list (of texts).
bool text_list(const nlohmann::json& value, nlohmann::json* out) {
  *out = nlohmann::json::array();
  std::string text;
  if (value.is_array()) {
    for (const auto& item : value) {
      if (!scalar_text(item, &text)) return false;
      out->push_back(text);
    }
    return !out->empty();
  }
  if (!scalar_text(value, &text)) return false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    const size_t begin = item.find_first_not_of(" \t");
    if (begin != std::string::npos) {
      out->push_back(item.substr(begin, item.find_last_not_of(" \t") - begin + 1));
    }
    start = comma + 1;
  }
  return !out->empty();
}

Status no_equivalent(const std::string& type, const std::string& why) {
  return Status::error("promptfoo check '" + type + "' is not supported: " + why);
}

// A judge template that this build knows (built-in or a file beside the suite).
bool has_judge_template(const std::string& name) {
  return scorer_accepts("judge", {{"template", name}, {"provider", "p"}});
}

Status convert(const std::string& type, const PromptfooCheck& check, nlohmann::json* out) {
  const nlohmann::json& value = check.value;
  std::string text;
  const bool has_text = scalar_text(value, &text);
  const auto need_text = [&](const char* what) {
    return Status::error("promptfoo check '" + type + "' needs " + what);
  };
  auto& scorer = *out;
  if (type == "equals") {
    if (!has_text) {
      return no_equivalent(type, "comparing with a JSON value has no evalkit equivalent");
    }
    scorer = {{"type", "exact_match"}, {"expected", text}};
  } else if (type == "contains" || type == "icontains" || type == "starts-with") {
    if (!has_text) return need_text("a text value");
    scorer = {{"type", type == "starts-with" ? "starts_with" : type}, {"value", text}};
  } else if (type == "contains-any" || type == "contains-all" || type == "icontains-any" ||
             type == "icontains-all") {
    nlohmann::json values;
    if (!text_list(value, &values)) return need_text("a list of values");
    scorer = {{"type", type[0] == 'i' ? "icontains" : "contains"},
              {"value", values},
              {"mode", type.substr(type.rfind('-') + 1)}};
  } else if (type == "regex") {
    if (!has_text) return need_text("a pattern");
    scorer = {{"type", "regex"}, {"pattern", text}};
  } else if (type == "is-json") {
    scorer = {{"type", "is_json"}};
    if (!value.is_null() && !(value.is_string() && text.empty())) {
      nlohmann::json schema = value;
      if (value.is_string()) {
        schema = nlohmann::json::parse(text, nullptr, false);
        if (schema.is_discarded()) {
          return no_equivalent(type, "its schema is not JSON (a file or YAML schema)");
        }
      }
      if (!scorer_accepts("is_json", {{"schema", schema}})) {
        return no_equivalent(type, "this evalkit cannot check its JSON schema");
      }
      scorer["schema"] = schema;
    }
  } else if (type == "similar" || type.rfind("similar:", 0) == 0) {
    if (!has_text) return need_text("a text to compare with");
    scorer = {{"type", "similarity"}, {"expected", text}, {"threshold", 0.75}};
    if (type.size() > 8) scorer["metric"] = type.substr(8);
  } else if (type == "llm-rubric") {
    if (!has_text) return need_text("a rubric");
    scorer = {{"type", "judge"}, {"template", "rubric"}, {"rubric", text}};
  } else if (type == "g-eval") {
    if (!has_text) return need_text("criteria");
    scorer = {{"type", "judge"}, {"template", "geval"}, {"criteria", text}, {"threshold", 0.7}};
  } else if (type == "factuality" || type == "model-graded-factuality") {
    if (!has_text) return need_text("the reference answer");
    scorer = {{"type", "judge"}, {"template", "factuality"}, {"expected", text}};
  } else if (type == "model-graded-closedqa") {
    if (!has_text) return need_text("criteria");
    scorer = {{"type", "judge"}, {"template", "closed_qa"}, {"criteria", text}};
  } else if (type == "answer-relevance" || type == "context-faithfulness" ||
             type == "context-relevance") {
    std::string name = type;
    std::replace(name.begin(), name.end(), '-', '_');
    if (!has_judge_template(name)) {
      return no_equivalent(type, "this evalkit has no '" + name + "' judge template");
    }
    scorer = {{"type", "judge"}, {"template", name}};
  } else if (type == "rouge-n") {
    if (!has_text) return need_text("the reference text");
    scorer = {{"type", "rouge"}, {"variant", "rouge1"}, {"expected", text}, {"threshold", 0.75}};
  } else if (type == "bleu") {
    if (!has_text) return need_text("the reference text");
    scorer = {{"type", "bleu"}, {"expected", text}, {"threshold", 0.5}};
  } else if (type == "levenshtein") {
    if (!has_text) return need_text("the reference text");
    // promptfoo's threshold is the largest edit distance that passes (default 5).
    const double distance = check.threshold.value_or(5);
    if (distance < 0 || std::floor(distance) != distance) {
      return Status::error("promptfoo check 'levenshtein' needs a whole-number threshold");
    }
    scorer = {{"type", "levenshtein"}, {"expected", text}, {"max_distance", int(distance)}};
    return Status::ok();
  } else if (type == "is-refusal") {
    if (find_scorer_kind("refusal") == nullptr) {
      return no_equivalent(type, "this evalkit has no 'refusal' scorer");
    }
    scorer = {{"type", "refusal"}};
  } else if (type == "javascript" || type == "python") {
    if (find_scorer_kind("script") == nullptr) {
      return no_equivalent(type, "code checks need the script scorer");
    }
    if (!has_text || text.empty()) return need_text("code or a file://");
    scorer = {{"type", "script"}, {type, text}};
  } else {
    return no_equivalent(type, "evalkit has no equivalent check");
  }
  if (check.threshold && type != "equals" && type.find("contains") == std::string::npos &&
      type != "starts-with" && type != "regex" && type != "is-json") {
    scorer["threshold"] = *check.threshold;
  }
  return Status::ok();
}

}  // namespace

bool is_promptfoo_check_type(const std::string& type) { return check_types().count(type) > 0; }

bool parse_promptfoo_cell(const std::string& cell, PromptfooCheck* out) {
  *out = PromptfooCheck();
  // Legacy forms first, as promptfoo reads them.
  for (const char* prefix : {"javascript:", "fn:", "eval:", "python:"}) {
    const std::string p = prefix;
    if (cell.rfind(p, 0) == 0) {
      out->type = p == "python:" ? "python" : "javascript";
      std::string body = cell.substr(p.size());
      const size_t begin = body.find_first_not_of(" \t\r\n");
      body = begin == std::string::npos
                 ? std::string()
                 : body.substr(begin, body.find_last_not_of(" \t\r\n") - begin + 1);
      out->value = body;
      return true;
    }
  }
  for (const char* prefix : {"grade:", "llm-rubric:"}) {
    const std::string p = prefix;
    if (cell.rfind(p, 0) == 0) {
      out->type = "llm-rubric";
      out->value = cell.substr(p.size());
      return true;
    }
  }
  if (cell.rfind("file://", 0) == 0) {
    const bool python = cell.find(".py") != std::string::npos;
    const bool script =
        python || cell.find(".js") != std::string::npos || cell.find(".ts") != std::string::npos;
    if (script) {
      out->type = python ? "python" : "javascript";
      out->value = cell;
      return true;
    }
  }
  // (not-)type(threshold)?(:value)?
  std::string rest = cell;
  bool negate = false;
  if (rest.rfind("not-", 0) == 0) {
    negate = true;
    rest = rest.substr(4);
  }
  // The longest type that prefixes rest and is followed by '(', ':' or the end.
  std::string type;
  for (const auto& candidate : check_types()) {
    if (rest.compare(0, candidate.size(), candidate) != 0) continue;
    const char next = rest.size() > candidate.size() ? rest[candidate.size()] : '\0';
    if ((next == '\0' || next == ':' || next == '(') && candidate.size() > type.size()) {
      type = candidate;
    }
  }
  if (type.empty()) return false;
  size_t position = type.size();
  if (position < rest.size() && rest[position] == '(') {
    const size_t close = rest.find(')', position);
    if (close == std::string::npos) return false;
    const std::string number = rest.substr(position + 1, close - position - 1);
    if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos ||
        std::count(number.begin(), number.end(), '.') > 1) {
      return false;
    }
    out->threshold = std::stod(number);
    position = close + 1;
  }
  if (position < rest.size()) {
    if (rest[position] != ':') return false;
    out->value = rest.substr(position + 1);
  }
  out->type = (negate ? "not-" : "") + type;
  // promptfoo's own defaults for cells without a threshold.
  if (!out->threshold && type == "similar") out->threshold = 0.8;
  return true;
}

Status promptfoo_check_scorer(const PromptfooCheck& check, nlohmann::json* scorer) {
  const bool negate = check.type.rfind("not-", 0) == 0;
  const std::string type = negate ? check.type.substr(4) : check.type;
  if (!is_promptfoo_check_type(type)) {
    return Status::error("'" + check.type + "' is not a promptfoo check type");
  }
  if (Status s = convert(type, check, scorer); !s) return s;
  if (!negate) return Status::ok();
  if (type == "contains") {
    *scorer = {{"type", "not_contains"}, {"value", (*scorer)["value"]}};
    return Status::ok();
  }
  (*scorer)["negate"] = true;  // every evalkit scorer can be negated
  return Status::ok();
}

}  // namespace evalkit
