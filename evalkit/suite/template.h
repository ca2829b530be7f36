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

}  // namespace evalkit
