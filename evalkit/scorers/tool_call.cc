// tool_call: the answer made the expected tool call(s). Each expected call names a function
// and, optionally, its arguments (literals and matchers, see argument_matcher.h), compared as
// a subset (default) or exactly. The score is the F1 of the calls made against the calls
// expected (a call counts once, matched by name and arguments); with `ordered: true` only
// calls in the expected order count (the longest common subsequence), and with
// `allow_extra: true` calls beyond the expected do not lower the score (it is the recall).
// Without `calls`, each of the case's expected answers is an alternative: a tool name, or a
// call or list of calls as JSON; the best alternative counts.
#include <algorithm>
#include <memory>
#include <optional>

#include "evalkit/base/json_parse.h"
#include "evalkit/base/number_text.h"
#include "evalkit/base/suggest.h"
#include "evalkit/scorers/argument_matcher.h"
#include "evalkit/scorers/scorer_options.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

using json = nlohmann::json;

struct ExpectedCall {
  std::string name;
  std::optional<ArgumentMatcher> arguments;  // none: any arguments

  std::string describe() const {
    return arguments ? name + "(" + arguments->describe() + ")" : name;
  }
};

struct Settings {
  ArgumentMatcher::Mode mode = ArgumentMatcher::Mode::kSubset;
  bool ordered = false;
  bool allow_extra = false;
};

std::string describe_call(const ToolCall& call) {
  if (!call.arguments.is_object()) return call.name + "(" + short_value(call.arguments) + ")";
  std::string out = call.name + "(";
  bool first = true;
  for (const auto& [key, value] : call.arguments.items()) {
    out += (first ? "" : ", ") + key + "=" + short_value(value);
    first = false;
  }
  return out + ")";
}

template <typename T, typename Describe>
std::string list_of(const std::vector<T>& items, Describe describe, size_t most = 4) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < most; ++i) {
    out += (i == 0 ? "" : ", ") + describe(items[i]);
  }
  if (items.size() > most) out += " and " + std::to_string(items.size() - most) + " more";
  return out;
}

bool parse_call(const json& value, const Settings& settings, ExpectedCall* out,
                std::string* error) {
  if (value.is_string()) {
    out->name = value.get<std::string>();
    if (out->name.empty()) {
      *error = "a tool name is empty";
      return false;
    }
    return true;
  }
  if (!value.is_object()) {
    *error = "a call is a tool name or {name, arguments}, got " + excerpt(value.dump(), 40);
    return false;
  }
  // OpenAI's form {type: function, function: {name, arguments}} reads as its inner call.
  const json* call = &value;
  if (value.contains("function") && value["function"].is_object()) {
    for (const auto& item : value.items()) {
      if (item.key() != "function" && item.key() != "type" && item.key() != "id") {
        *error = "unknown key '" + item.key() + "' beside 'function' in a call";
        return false;
      }
    }
    call = &value["function"];
  }
  const json* arguments = nullptr;
  for (const auto& [key, member] : call->items()) {
    if (key == "name") {
      if (!member.is_string() || member.get<std::string>().empty()) {
        *error = "a call's 'name' expects the tool's name";
        return false;
      }
      out->name = member.get<std::string>();
    } else if (key == "arguments") {
      arguments = &member;
    } else if (key != "id" && key != "type") {
      *error = "unknown key '" + key + "' in a call" + did_you_mean(key, {"name", "arguments"});
      return false;
    }
  }
  if (out->name.empty()) {
    *error = "a call has no 'name'";
    return false;
  }
  if (arguments == nullptr) return true;
  json parsed = *arguments;
  if (arguments->is_string()) {  // OpenAI's arguments: a JSON text
    parsed = parse_untrusted_json(arguments->get<std::string>());
    if (parsed.is_discarded()) {
      *error = "the arguments of '" + out->name + "' are a string that is not JSON";
      return false;
    }
  }
  ArgumentMatcher matcher;
  std::string problem;
  if (!ArgumentMatcher::compile(parsed, settings.mode, &matcher, &problem)) {
    *error = out->name + " " + problem;
    return false;
  }
  out->arguments = std::move(matcher);
  return true;
}

bool parse_calls(const json& value, const Settings& settings, std::vector<ExpectedCall>* out,
                 std::string* error) {
  for (const json& item : value.is_array() ? value : json::array({value})) {
    ExpectedCall call;
    if (!parse_call(item, settings, &call, error)) return false;
    out->push_back(std::move(call));
  }
  return true;
}

// A case's expected answer as calls: JSON (a call or a list of calls), else a tool's name.
bool calls_of_reference(const std::string& reference, const Settings& settings,
                        std::vector<ExpectedCall>* out, std::string* error) {
  const json parsed = parse_untrusted_json(reference);
  if (!parsed.is_discarded() && (parsed.is_object() || parsed.is_array() || parsed.is_string())) {
    return parse_calls(parsed, settings, out, error);
  }
  return parse_calls(json(reference), settings, out, error);
}

// Kuhn's augmenting paths: the most expected calls that can each take a distinct call made.
bool augment(size_t e, const std::vector<std::vector<char>>& fits, std::vector<char>* seen,
             std::vector<int>* owner) {
  for (size_t a = 0; a < fits[e].size(); ++a) {
    if (!fits[e][a] || (*seen)[a]) continue;
    (*seen)[a] = 1;
    if ((*owner)[a] < 0 || augment(size_t((*owner)[a]), fits, seen, owner)) {
      (*owner)[a] = int(e);
      return true;
    }
  }
  return false;
}

// pairs[e] = the call made that expected call e took, or -1.
std::vector<int> match_any_order(const std::vector<std::vector<char>>& fits, size_t made) {
  std::vector<int> owner(made, -1);
  for (size_t e = 0; e < fits.size(); ++e) {
    std::vector<char> seen(made, 0);
    augment(e, fits, &seen, &owner);
  }
  std::vector<int> pairs(fits.size(), -1);
  for (size_t a = 0; a < made; ++a) {
    if (owner[a] >= 0) pairs[size_t(owner[a])] = int(a);
  }
  return pairs;
}

// The longest common subsequence of expected and made calls, as pairs like match_any_order.
std::vector<int> match_in_order(const std::vector<std::vector<char>>& fits, size_t made) {
  const size_t n = fits.size();
  std::vector<std::vector<int>> length(n + 1, std::vector<int>(made + 1, 0));
  for (size_t e = n; e-- > 0;) {
    for (size_t a = made; a-- > 0;) {
      length[e][a] =
          fits[e][a] ? length[e + 1][a + 1] + 1 : std::max(length[e + 1][a], length[e][a + 1]);
    }
  }
  std::vector<int> pairs(n, -1);
  for (size_t e = 0, a = 0; e < n && a < made;) {
    if (fits[e][a] && length[e][a] == length[e + 1][a + 1] + 1) {
      pairs[e++] = int(a++);
    } else if (length[e + 1][a] >= length[e][a + 1]) {
      ++e;
    } else {
      ++a;
    }
  }
  return pairs;
}

struct Outcome {
  double value = 0;
  double precision = 0, recall = 0, f1 = 0;
  size_t matched = 0;
  std::string reason;
};

Outcome judge_calls(const std::vector<ExpectedCall>& expected, const ModelAnswer& answer,
                    const Settings& settings) {
  const std::vector<ToolCall>& made = answer.tool_calls;
  Outcome out;
  if (expected.empty()) {
    out.value = out.precision = out.recall = out.f1 = made.empty() ? 1 : 0;
    out.reason = made.empty() ? "no tool call, as expected"
                              : "expected no tool call, got " + list_of(made, describe_call);
    return out;
  }
  // fits[e][a]: call a is expected call e; why[e][a]: why not, when the names agree.
  std::vector<std::vector<char>> fits(expected.size(), std::vector<char>(made.size(), 0));
  std::vector<std::vector<std::string>> why(expected.size(), std::vector<std::string>(made.size()));
  for (size_t e = 0; e < expected.size(); ++e) {
    for (size_t a = 0; a < made.size(); ++a) {
      if (made[a].name != expected[e].name) continue;
      fits[e][a] =
          !expected[e].arguments || expected[e].arguments->matches(made[a].arguments, &why[e][a]);
    }
  }
  const std::vector<int> any_order = match_any_order(fits, made.size());
  const std::vector<int> pairs = settings.ordered ? match_in_order(fits, made.size()) : any_order;
  std::vector<char> used(made.size(), 0);
  for (int a : pairs) {
    if (a >= 0) used[size_t(a)] = 1, ++out.matched;
  }
  const size_t any_order_matched =
      size_t(std::count_if(any_order.begin(), any_order.end(), [](int a) { return a >= 0; }));
  const double matched = double(out.matched);
  out.recall = matched / double(expected.size());
  out.precision = made.empty() ? 0 : matched / double(made.size());
  out.f1 = out.matched == 0 ? 0 : 2 * out.precision * out.recall / (out.precision + out.recall);
  out.value = settings.allow_extra ? out.recall : out.f1;

  std::vector<std::string> parts;
  std::vector<char> mentioned(made.size(), 0);
  for (size_t e = 0; e < expected.size(); ++e) {
    if (pairs[e] >= 0) continue;
    std::string part = "expected " + expected[e].describe() + ", got ";
    std::optional<size_t> same_name;
    std::vector<ToolCall> others;
    for (size_t a = 0; a < made.size(); ++a) {
      if (used[a]) continue;
      if (!same_name && made[a].name == expected[e].name) same_name = a;
      others.push_back(made[a]);
    }
    if (same_name && fits[e][*same_name]) {  // made, but not where the order wants it
      part += describe_call(made[*same_name]) + " out of order (called " +
              list_of(made, describe_call) + ")";
      mentioned[*same_name] = 1;
    } else if (same_name && !why[e][*same_name].empty()) {
      part += describe_call(made[*same_name]) + ": " + why[e][*same_name];
      mentioned[*same_name] = 1;
    } else if (!others.empty()) {
      part += list_of(others, describe_call);
      for (size_t a = 0; a < made.size(); ++a) mentioned[a] = mentioned[a] || !used[a];
    } else if (!made.empty()) {
      part += settings.ordered && any_order_matched > out.matched
                  ? "it out of order (called " + list_of(made, describe_call) + ")"
                  : "no further call (called " + list_of(made, describe_call) + ")";
    } else {
      part += "no tool call";
      if (!answer.text.empty())
        part += " (the answer is text: " + quoted_excerpt(answer.text, 60) + ")";
    }
    parts.push_back(std::move(part));
  }
  if (!settings.allow_extra) {
    std::vector<ToolCall> extra;
    for (size_t a = 0; a < made.size(); ++a) {
      if (!used[a] && !mentioned[a]) extra.push_back(made[a]);
    }
    if (!extra.empty()) {
      parts.push_back(std::string(extra.size() == 1 ? "unexpected call " : "unexpected calls ") +
                      list_of(extra, describe_call));
    }
  }
  if (parts.empty()) {
    std::vector<ToolCall> called;
    for (size_t a = 0; a < made.size(); ++a) {
      if (used[a]) called.push_back(made[a]);
    }
    out.reason = "called " + list_of(called, describe_call);
    if (called.size() < made.size()) {
      out.reason += " (and " + std::to_string(made.size() - called.size()) + " other";
      out.reason += made.size() - called.size() == 1 ? " call, allowed)" : " calls, allowed)";
    }
  } else {
    for (const auto& part : parts) out.reason += (out.reason.empty() ? "" : "; ") + part;
  }
  return out;
}

class ToolCallScorer : public Scorer {
 public:
  ToolCallScorer(const ScorerSpec& spec, std::optional<std::vector<ExpectedCall>> calls,
                 Settings settings, std::string settings_text)
      : type_(spec.type),
        name_(spec.name.empty() ? spec.type : spec.name),
        signature_(spec.type + "|" + settings_text),
        weight_(spec.weight),
        threshold_(spec.threshold.value_or(1.0)),
        calls_(std::move(calls)),
        settings_(settings) {}

  std::string name() const override { return name_; }
  std::string signature() const override { return signature_; }

  Score score(const ScoreInput& input) const override {
    Score score;
    score.name = name_;
    score.type = type_;
    score.signature = signature_;
    score.weight = weight_;
    if (input.answer == nullptr) return failure(score, "needs the whole answer (its tool calls)");
    std::vector<std::vector<ExpectedCall>> alternatives;
    if (calls_) {
      alternatives.push_back(*calls_);
    } else {
      if (input.expected->empty()) {
        return failure(score, "no 'calls' option and no expected answer naming the call");
      }
      for (size_t i = 0; i < input.expected->size(); ++i) {
        std::vector<ExpectedCall> calls;
        std::string error;
        if (!calls_of_reference((*input.expected)[i], settings_, &calls, &error)) {
          return failure(
              score, "expected answer " + std::to_string(i + 1) + " is not a tool call: " + error);
        }
        alternatives.push_back(std::move(calls));
      }
    }
    Outcome best;
    bool first = true;
    for (const auto& calls : alternatives) {
      Outcome outcome = judge_calls(calls, *input.answer, settings_);
      if (first || outcome.value > best.value) best = std::move(outcome);
      first = false;
    }
    score.value = best.value;
    score.pass = best.value >= threshold_;
    score.reason = best.reason;
    if (alternatives.size() > 1 && best.value < 1) {
      score.reason = "closest of " + std::to_string(alternatives.size()) +
                     " expected answers: " + score.reason;
    }
    score.details = {{"precision", best.precision},
                     {"recall", best.recall},
                     {"f1", best.f1},
                     {"matched", best.matched},
                     {"called", input.answer->tool_calls.size()}};
    return score;
  }

 private:
  static Score failure(Score score, std::string reason) {
    score.error = true;
    score.pass = false;
    score.reason = std::move(reason);
    return score;
  }

  std::string type_;
  std::string name_;
  std::string signature_;
  double weight_;
  double threshold_;
  std::optional<std::vector<ExpectedCall>> calls_;
  Settings settings_;
};

}  // namespace

std::unique_ptr<Scorer> make_tool_call_scorer(const ScorerSpec& spec, std::string* error) {
  ScorerOptions options(spec);
  Settings settings;
  std::string arguments = "subset";
  options.get_string("arguments", &arguments);
  options.get_bool("ordered", &settings.ordered);
  options.get_bool("allow_extra", &settings.allow_extra);
  const json* calls_option = options.get_json("calls");
  if (!options.finish(error)) return nullptr;
  if (arguments != "subset" && arguments != "exact") {
    *error =
        "option 'arguments' is 'subset' (the calls may have more arguments than listed) "
        "or 'exact', got '" +
        arguments + "'";
    return nullptr;
  }
  settings.mode =
      arguments == "exact" ? ArgumentMatcher::Mode::kExact : ArgumentMatcher::Mode::kSubset;
  std::optional<std::vector<ExpectedCall>> calls;
  std::string expected_text = "expected";
  if (calls_option != nullptr) {
    calls.emplace();
    std::string problem;
    if (!parse_calls(*calls_option, settings, &*calls, &problem)) {
      *error = "option 'calls': " + problem;
      return nullptr;
    }
    expected_text = calls_option->dump(-1, ' ', false, json::error_handler_t::replace);
  }
  const std::string settings_text = "calls:" + expected_text + "|args:" + arguments +
                                    "|order:" + (settings.ordered ? "strict" : "any") +
                                    "|extra:" + (settings.allow_extra ? "allow" : "count");
  return std::make_unique<ToolCallScorer>(spec, std::move(calls), settings, settings_text);
}

}  // namespace evalkit
