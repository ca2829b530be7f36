#include "evalkit/suite/promptfoo_assertion.h"

#include <regex>
#include <set>

namespace evalkit {
namespace {

ConvertedAssertion not_converted(const std::string& problem) {
  ConvertedAssertion out;
  out.problem = problem;
  return out;
}

std::string scalar_text(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

// Types whose scorer compares the output with the case's expected answer.
struct ReferenceType {
  const char* promptfoo;
  const char* evalkit;
};
constexpr ReferenceType kReferenceTypes[] = {
    {"equals", "exact_match"}, {"similar", "similarity"},      {"rouge-n", "rouge"},
    {"bleu", "bleu"},          {"levenshtein", "levenshtein"}, {"factuality", "judge"},
};

// Types that carry their needle in a `value` option.
struct NeedleType {
  const char* promptfoo;
  const char* evalkit;
  const char* mode;  // nullptr: a single value
};
constexpr NeedleType kNeedleTypes[] = {
    {"contains", "contains", nullptr},       {"icontains", "icontains", nullptr},
    {"contains-any", "contains", "any"},     {"contains-all", "contains", "all"},
    {"icontains-any", "icontains", "any"},   {"icontains-all", "icontains", "all"},
    {"starts-with", "starts_with", nullptr}, {"not-contains", "not_contains", nullptr},
};

}  // namespace

ConvertedAssertion convert_promptfoo_assertion(const YAML::Node& assertion) {
  if (!assertion.IsMap() || !assertion["type"]) return not_converted("an assertion needs 'type'");
  const std::string type = scalar_text(assertion["type"]);
  const YAML::Node value = assertion["value"];
  ConvertedAssertion out;
  YAML::Node scorer(YAML::NodeType::Map);
  const auto common = [&](double default_threshold, bool threshold_applies) {
    if (assertion["metric"]) scorer["name"] = scalar_text(assertion["metric"]);
    if (assertion["weight"]) scorer["weight"] = assertion["weight"].as<double>();
    if (threshold_applies) {
      scorer["threshold"] =
          assertion["threshold"] ? assertion["threshold"].as<double>() : default_threshold;
    }
  };
  for (const auto& kind : kReferenceTypes) {
    if (type != kind.promptfoo) continue;
    if (!value || !value.IsScalar()) {
      return not_converted("'" + type + "' with a non-text value has no evalkit equivalent");
    }
    out.reference = value.as<std::string>();
    scorer["type"] = kind.evalkit;
    if (type == "equals") {
      common(0, false);
    } else if (type == "similar") {
      common(0.75, true);
    } else if (type == "rouge-n") {
      scorer["variant"] = "rouge1";
      common(0.75, true);
    } else if (type == "bleu") {
      common(0.5, true);
    } else if (type == "levenshtein") {
      // promptfoo's threshold is the largest edit distance that passes.
      common(0, false);
      scorer["max_distance"] = assertion["threshold"] ? assertion["threshold"].as<int>() : 5;
    } else if (type == "factuality") {
      scorer["template"] = "factuality";
      common(0, false);
    }
    out.scorer = scorer;
    return out;
  }
  for (const auto& kind : kNeedleTypes) {
    if (type != kind.promptfoo) continue;
    if (!value) return not_converted("'" + type + "' without a value");
    scorer["type"] = kind.evalkit;
    if (kind.mode != nullptr) {
      YAML::Node values(YAML::NodeType::Sequence);
      if (value.IsSequence()) {
        for (const auto& v : value) values.push_back(scalar_text(v));
      } else {
        // promptfoo splits a comma-separated string into the list.
        std::string text = scalar_text(value), item;
        for (size_t start = 0; start <= text.size();) {
          size_t comma = text.find(',', start);
          if (comma == std::string::npos) comma = text.size();
          item = text.substr(start, comma - start);
          item.erase(0, item.find_first_not_of(' '));
          item.erase(item.find_last_not_of(' ') + 1);
          if (!item.empty()) values.push_back(item);
          start = comma + 1;
        }
      }
      scorer["value"] = values;
      scorer["mode"] = kind.mode;
    } else {
      if (!value.IsScalar()) return not_converted("'" + type + "' with a non-text value");
      scorer["value"] = value.as<std::string>();
    }
    common(0, false);
    out.scorer = scorer;
    return out;
  }
  if (type == "regex") {
    if (!value || !value.IsScalar()) return not_converted("'regex' without a pattern");
    scorer["type"] = "regex";
    scorer["pattern"] = value.as<std::string>();
  } else if (type == "is-json") {
    if (value) return not_converted("'is-json' with a JSON schema: the schema is not checked");
    scorer["type"] = "is_json";
  } else if (type == "llm-rubric" || type == "model-graded-closedqa") {
    if (!value || !value.IsScalar()) return not_converted("'" + type + "' without a rubric");
    scorer["type"] = "judge";
    if (type == "llm-rubric") {
      scorer["template"] = "rubric";
      scorer["rubric"] = value.as<std::string>();
    } else {
      scorer["template"] = "closed_qa";
      scorer["criteria"] = value.as<std::string>();
    }
  } else {
    return not_converted("assertion type '" + type + "' has no evalkit equivalent");
  }
  common(0, false);
  out.scorer = scorer;
  return out;
}

ConvertedAssertion convert_promptfoo_expected_cell(const std::string& cell) {
  // "type: value" or "type(threshold): value"; a prefix that is not an assertion type is text.
  static const std::set<std::string> kKnownTypes = {"equals",
                                                    "contains",
                                                    "icontains",
                                                    "contains-any",
                                                    "contains-all",
                                                    "icontains-any",
                                                    "icontains-all",
                                                    "starts-with",
                                                    "not-contains",
                                                    "regex",
                                                    "is-json",
                                                    "similar",
                                                    "llm-rubric",
                                                    "grade",
                                                    "factuality",
                                                    "model-graded-closedqa",
                                                    "rouge-n",
                                                    "bleu",
                                                    "levenshtein",
                                                    "javascript",
                                                    "fn",
                                                    "python",
                                                    "eval",
                                                    "webhook",
                                                    "cost",
                                                    "latency",
                                                    "perplexity",
                                                    "answer-relevance",
                                                    "context-faithfulness"};
  static const std::regex kPrefix(R"(^\s*([a-z-]+)(\(([0-9.]+)\))?\s*:\s*([\s\S]*)$)");
  std::smatch m;
  YAML::Node assertion(YAML::NodeType::Map);
  if (cell == "is-json") {
    assertion["type"] = "is-json";
  } else if (std::regex_match(cell, m, kPrefix) && kKnownTypes.count(m[1].str())) {
    const std::string type = m[1].str();
    assertion["type"] = type == "grade" ? "llm-rubric" : type;
    assertion["value"] = m[4].str();
    if (m[3].matched) assertion["threshold"] = std::stod(m[3].str());
  } else {
    assertion["type"] = "equals";
    assertion["value"] = cell;
  }
  return convert_promptfoo_assertion(assertion);
}

}  // namespace evalkit
