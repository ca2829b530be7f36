#include "evalkit/scorers/answer_transform.h"

#include <algorithm>
#include <regex>

#include "evalkit/base/json_parse.h"
#include "evalkit/base/suggest.h"
#include "evalkit/base/value_path.h"
#include "evalkit/text/code_fence.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {

struct AnswerTransform::Step {
  enum class Kind { kPath, kRegex, kStripCodeFence };
  Kind kind = Kind::kPath;
  ValuePath path;
  std::string pattern;
  std::regex regex;
  size_t group = 0;
};

namespace {

using Step = AnswerTransform::Step;

const char* const kFenceStep = "strip_code_fence";

std::string text_of(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>()
                           : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The answer's field `name` as JSON; false when the answer does not have it (an unset timing,
// or anything but the text when there is no answer).
bool answer_field(const ModelAnswer* answer, std::string_view text, const std::string& name,
                  nlohmann::json* out) {
  if (name == "output" || name == "text") {
    *out = std::string(text);
    return true;
  }
  if (answer == nullptr) return false;
  const ModelAnswer& a = *answer;
  if (name == "finish_reason") {
    *out = a.finish_reason;
  } else if (name == "tool_calls") {
    *out = nlohmann::json::array();
    for (const ToolCall& call : a.tool_calls) {
      const std::string arguments_text = text_of(call.arguments);
      out->push_back({{"id", call.id},
                      {"type", "function"},
                      {"name", call.name},
                      {"arguments", call.arguments},
                      {"function", {{"name", call.name}, {"arguments", arguments_text}}}});
    }
  } else if (name == "usage") {
    *out = {{"prompt_tokens", a.prompt_tokens},
            {"completion_tokens", a.completion_tokens},
            {"total_tokens", a.prompt_tokens + a.completion_tokens}};
  } else if (name == "prompt_tokens") {
    *out = a.prompt_tokens;
  } else if (name == "completion_tokens") {
    *out = a.completion_tokens;
  } else if (name == "latency_s") {
    *out = a.latency_s;
  } else {
    const std::optional<double>* timing = name == "time_to_first_token_s" ? &a.time_to_first_token_s
                                          : name == "time_per_output_token_s"
                                              ? &a.time_per_output_token_s
                                          : name == "tokens_per_s" ? &a.tokens_per_s
                                                                   : nullptr;
    if (timing == nullptr || !timing->has_value()) return false;
    *out = **timing;
  }
  return true;
}

// The fence hint for a text that does not parse as JSON but holds a fenced block.
std::string not_json(const std::string& where, const std::string& text) {
  std::string message = where.empty() ? std::string("the value") : "'" + where + "'";
  message += " is not JSON: " + quoted_excerpt(text);
  if (text.find("```") != std::string::npos) {
    message += " (it holds a ``` code fence: put strip_code_fence before the path)";
  }
  return message;
}

// Walks step.path from *value (the answer when at_root); strings on the way are read as JSON.
bool walk(const Step& step, bool at_root, const ModelAnswer* answer, nlohmann::json* value,
          std::string* failure) {
  const std::vector<PathStep>& parts = step.path.steps();
  const std::string& written = step.path.text();
  size_t first = 0;
  if (at_root) {
    if (!answer_field(answer, value->get_ref<const std::string&>(), parts[0].key, value)) {
      *failure = "path '" + written + "': the answer has no " + parts[0].key +
                 (answer == nullptr ? " (only its text is known here)" : "");
      return false;
    }
    first = 1;
  }
  nlohmann::json owned = std::move(*value);
  const nlohmann::json* node = &owned;
  for (size_t i = first; i < parts.size(); ++i) {
    const std::string where = at_root || i > 0 ? step.path.prefix(i) : std::string();
    if (node->is_string()) {
      nlohmann::json parsed = parse_untrusted_json(node->get_ref<const std::string&>());
      if (parsed.is_discarded()) {
        *failure = "path '" + written +
                   "': " + not_json(where, node->get<std::string>());
        return false;
      }
      owned = std::move(parsed);
      node = &owned;
    }
    const nlohmann::json* next = step_into(*node, parts[i]);
    if (next == nullptr) {
      if (at_root && i == 1 && parts[0].key == "tool_calls" && node->empty()) {
        *failure = "path '" + written + "': the answer has no tool calls";
      } else {
        *failure = "path '" + written + "': " + why_missing(*node, parts[i], where);
      }
      return false;
    }
    node = next;
  }
  nlohmann::json result = *node;
  *value = std::move(result);
  return true;
}

bool compile_path(const std::string& text, bool first, Step* step, std::string* error) {
  step->kind = Step::Kind::kPath;
  std::string problem;
  if (!ValuePath::parse(text, &step->path, &problem)) {
    *error = "transform path '" + text + "': " + problem;
    return false;
  }
  if (!first) return true;
  const std::string& root = step->path.steps()[0].key;
  const auto& fields = answer_field_names();
  if (std::find(fields.begin(), fields.end(), root) == fields.end()) {
    *error = "transform path '" + text + "' starts with '" + root +
             "', which is not a field of the answer" + did_you_mean(root, fields) +
             "; a field of a JSON output is output." + step->path.text() +
             " (the answer has output, tool_calls, finish_reason, usage, latency_s, ...)";
    return false;
  }
  return true;
}

bool compile_regex(const nlohmann::json& map, Step* step, std::string* error) {
  step->kind = Step::Kind::kRegex;
  bool ignore_case = false;
  std::optional<int64_t> group;
  for (const auto& [key, value] : map.items()) {
    if (key == "regex") {
      if (!value.is_string()) {
        *error = "transform 'regex' expects a string";
        return false;
      }
      step->pattern = value.get<std::string>();
    } else if (key == "group") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0) {
        *error = "transform 'group' expects a group number (0 is the whole match)";
        return false;
      }
      group = value.get<int64_t>();
    } else if (key == "ignore_case") {
      if (!value.is_boolean()) {
        *error = "transform 'ignore_case' expects true or false";
        return false;
      }
      ignore_case = value.get<bool>();
    } else {
      *error = "unknown key '" + key + "' in a regex transform" +
               did_you_mean(key, {"regex", "group", "ignore_case"});
      return false;
    }
  }
  auto flags = std::regex::ECMAScript;
  if (ignore_case) flags |= std::regex::icase;
  try {
    step->regex = std::regex(step->pattern, flags);
  } catch (const std::regex_error& e) {
    *error = "transform regex /" + step->pattern + "/ is invalid: " + e.what();
    return false;
  }
  const size_t groups = step->regex.mark_count();
  step->group = group ? static_cast<size_t>(*group) : (groups > 0 ? 1 : 0);
  if (step->group > groups) {
    *error = "transform regex /" + step->pattern + "/ has " + std::to_string(groups) + " group" +
             (groups == 1 ? "" : "s") + ", so it has no group " + std::to_string(step->group);
    return false;
  }
  return true;
}

bool compile_step(const nlohmann::json& spec, bool first, Step* step, std::string* error) {
  if (spec.is_string()) {
    if (spec == kFenceStep) {
      step->kind = Step::Kind::kStripCodeFence;
      return true;
    }
    return compile_path(spec.get<std::string>(), first, step, error);
  }
  if (!spec.is_object() || spec.empty()) {
    *error =
        "a transform step is a path, strip_code_fence, {path: ...}, {regex: ...} or "
        "{strip_code_fence: true}";
    return false;
  }
  if (spec.contains("regex")) return compile_regex(spec, step, error);
  if (spec.size() != 1) {
    *error = "a transform step has one key (path, regex or strip_code_fence), got " +
             std::to_string(spec.size());
    return false;
  }
  // The one key, read from an iterator that outlives its use (items() makes a temporary).
  const auto entry = spec.begin();
  const std::string key = entry.key();
  const nlohmann::json& value = entry.value();
  if (key == "path") {
    if (!value.is_string()) {
      *error = "transform 'path' expects a string such as tool_calls.0.name";
      return false;
    }
    return compile_path(value.get<std::string>(), first, step, error);
  }
  if (key == kFenceStep) {
    if (value != true) {
      *error = "transform 'strip_code_fence' expects true";
      return false;
    }
    step->kind = Step::Kind::kStripCodeFence;
    return true;
  }
  *error =
      "unknown transform step '" + key + "'" + did_you_mean(key, {"path", "regex", kFenceStep});
  return false;
}

std::string step_signature(const Step& step) {
  switch (step.kind) {
    case Step::Kind::kPath:
      return "path:" + step.path.text();
    case Step::Kind::kRegex:
      return "regex:" + step.pattern + "#" + std::to_string(step.group) +
             ((step.regex.flags() & std::regex::icase) ? "i" : "");
    case Step::Kind::kStripCodeFence:
      return "fence";
  }
  return "";
}

}  // namespace

const std::vector<std::string>& answer_field_names() {
  static const std::vector<std::string> names = {"output",
                                                 "text",
                                                 "finish_reason",
                                                 "tool_calls",
                                                 "usage",
                                                 "prompt_tokens",
                                                 "completion_tokens",
                                                 "latency_s",
                                                 "time_to_first_token_s",
                                                 "time_per_output_token_s",
                                                 "tokens_per_s"};
  return names;
}

bool AnswerTransform::compile(const nlohmann::json& spec, AnswerTransform* out,
                              std::string* error) {
  const bool list = spec.is_array();
  if (list && spec.empty()) {
    *error = "transform has no step";
    return false;
  }
  auto steps = std::make_shared<std::vector<Step>>();
  std::string signature;
  for (const nlohmann::json& item : list ? spec : nlohmann::json::array({spec})) {
    if (item.is_array()) {
      *error = "a transform step cannot be a list (write the steps in one list)";
      return false;
    }
    Step step;
    std::string problem;
    if (!compile_step(item, steps->empty(), &step, &problem)) {
      *error = list ? "step " + std::to_string(steps->size() + 1) + ": " + problem : problem;
      return false;
    }
    signature += (signature.empty() ? "" : " > ") + step_signature(step);
    steps->push_back(std::move(step));
  }
  out->steps_ = std::move(steps);
  out->signature_ = std::move(signature);
  return true;
}

bool AnswerTransform::apply(const ModelAnswer* answer, std::string_view text, std::string* result,
                            std::string* failure) const {
  if (steps_ == nullptr) {
    *result = std::string(text);
    return true;
  }
  bool at_root = true;
  nlohmann::json value = std::string(text);  // at the root: the answer's text
  for (const Step& step : *steps_) {
    if (step.kind == Step::Kind::kPath) {
      if (!walk(step, at_root, answer, &value, failure)) return false;
    } else {
      const std::string current = text_of(value);
      if (step.kind == Step::Kind::kStripCodeFence) {
        value = std::string(strip_code_fence(current));
      } else {
        std::smatch match;
        if (!std::regex_search(current, match, step.regex)) {
          *failure =
              "regex /" + excerpt(step.pattern) + "/ does not match " + quoted_excerpt(current);
          return false;
        }
        if (!match[step.group].matched) {
          *failure = "regex /" + excerpt(step.pattern) + "/ matched " +
                     quoted_excerpt(match.str()) + " without group " + std::to_string(step.group);
          return false;
        }
        value = match[step.group].str();
      }
    }
    at_root = false;
  }
  *result = text_of(value);
  return true;
}

}  // namespace evalkit
