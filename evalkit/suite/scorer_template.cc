#include "evalkit/suite/scorer_template.h"

#include <algorithm>
#include <functional>

#include "evalkit/suite/template.h"

namespace evalkit {
namespace {

constexpr size_t kMaxDepth = 64;

// Calls visit on every string inside value (object values and array items, recursively).
Status visit_strings(nlohmann::json& value, size_t depth,
                     const std::function<Status(nlohmann::json&)>& visit) {
  if (depth > kMaxDepth) return Status::error("scorer options are nested too deeply");
  if (value.is_string()) return visit(value);
  if (value.is_object() || value.is_array()) {
    for (auto& item : value) {
      if (Status s = visit_strings(item, depth + 1, visit); !s) return s;
    }
  }
  return Status::ok();
}

// The variable path when text is exactly one placeholder ("{{ a.b }}"), else "".
std::string sole_placeholder(const std::string& text) {
  if (text.size() < 5 || text.compare(0, 2, "{{") != 0 ||
      text.compare(text.size() - 2, 2, "}}") != 0 || text.find("{{", 2) != std::string::npos) {
    return "";
  }
  std::vector<std::string> variables;
  if (!parse_template_variables(text, &variables) || variables.size() != 1) return "";
  return variables[0];
}

// The options that templates may fill: all but a script scorer's code, which receives the
// case's variables with each trial instead (and stays one worker pool for every case).
nlohmann::json templated_options(const ScorerSpec& spec) {
  nlohmann::json options = spec.options;
  if (spec.type == "script" && options.is_object()) {
    for (const char* code : {"javascript", "python", "command", "interpreter"}) {
      options.erase(code);
    }
  }
  return options;
}

// Whether some string inside value, nested no deeper than visit_strings goes, holds "{{"
// (or the nesting is deeper: visit_strings words that).
bool may_hold_placeholders(const nlohmann::json& value, size_t depth) {
  if (depth > kMaxDepth) return true;
  if (value.is_string()) return value.get_ref<const std::string&>().find("{{") != std::string::npos;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      if (may_hold_placeholders(item, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

Status scorer_variables(const ScorerSpec& spec, std::vector<std::string>* variables) {
  variables->clear();
  // Most specs have no placeholder at all: found without copying the options.
  if (!may_hold_placeholders(spec.options, 0)) return Status::ok();
  nlohmann::json options = templated_options(spec);
  return visit_strings(options, 0, [&](nlohmann::json& text) {
    const std::string& value = text.get_ref<const std::string&>();
    if (value.find("{{") == std::string::npos) return Status::ok();
    std::vector<std::string> found;
    if (Status s = parse_template_variables(value, &found); !s) return s;
    for (auto& name : found) {
      if (std::find(variables->begin(), variables->end(), name) == variables->end()) {
        variables->push_back(std::move(name));
      }
    }
    return Status::ok();
  });
}

Status render_scorer_spec(const ScorerSpec& spec, const nlohmann::json& vars, ScorerSpec* out) {
  *out = spec;
  nlohmann::json options = templated_options(spec);
  const Status status = visit_strings(options, 0, [&](nlohmann::json& text) {
    const std::string& value = text.get_ref<const std::string&>();
    if (value.find("{{") == std::string::npos) return Status::ok();
    const std::string sole = sole_placeholder(value);
    if (!sole.empty()) {
      const nlohmann::json* found = find_template_variable(vars, sole);
      if (found == nullptr) return Status::error("template variable '" + sole + "' is not defined");
      text = *found;
      return Status::ok();
    }
    std::string rendered;
    if (Status s = render_template(value, vars, &rendered); !s) return s;
    text = std::move(rendered);
    return Status::ok();
  });
  if (!status) return status;
  for (auto& [key, value] : options.items()) out->options[key] = std::move(value);
  return Status::ok();
}

}  // namespace evalkit
