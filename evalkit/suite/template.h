// {{var}} templates for prompt messages: `{{country}}`, `{{user.name}}` (dotted paths into
// nested vars), `{{ items.0 }}` (array index). Whitespace inside braces is ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit {

// Renders tmpl with vars. A missing variable is an error naming it. Strings are inserted
// as-is; other JSON values as compact JSON.
Status render_template(std::string_view tmpl, const nlohmann::json& vars, std::string* out);

// The variable paths a template refers to, in order of appearance (for validation).
std::vector<std::string> template_variables(std::string_view tmpl);

// Like template_variables, but reports a malformed placeholder ("{{" without "}}", an empty
// name) as an error instead of skipping it.
Status parse_template_variables(std::string_view tmpl, std::vector<std::string>* variables);

// The value at a dotted variable path ("user.name", "items.0") in vars, or null when any
// part of the path is missing.
const nlohmann::json* find_template_variable(const nlohmann::json& vars, std::string_view path);

}  // namespace evalkit
