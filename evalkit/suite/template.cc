#include "evalkit/suite/template.h"

#include <functional>

namespace evalkit {
namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

std::string_view trim_spaces(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return std::string_view();
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// Walks tmpl, handing literal text and placeholder names to the callbacks in order.
// Stops at the first callback error.
Status walk_template(std::string_view tmpl, const std::function<void(std::string_view)>& on_text,
                     const std::function<Status(std::string_view)>& on_variable) {
  size_t position = 0;
  while (position < tmpl.size()) {
    const size_t open = tmpl.find(kOpen, position);
    if (open == std::string_view::npos) {
      on_text(tmpl.substr(position));
      break;
    }
    on_text(tmpl.substr(position, open - position));
    const size_t close = tmpl.find(kClose, open + kOpen.size());
    if (close == std::string_view::npos) {
      return Status::error("template has '{{' without a closing '}}' at offset " +
                           std::to_string(open));
    }
    const std::string_view name =
        trim_spaces(tmpl.substr(open + kOpen.size(), close - open - kOpen.size()));
    if (name.empty()) {
      return Status::error("template has an empty '{{ }}' at offset " + std::to_string(open));
    }
    if (Status status = on_variable(name); !status) return status;
    position = close + kClose.size();
  }
  return Status::ok();
}

bool is_index(std::string_view part) {
  return !part.empty() && part.size() < 10 &&
         part.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

const nlohmann::json* find_template_variable(const nlohmann::json& vars, std::string_view path) {
  const nlohmann::json* node = &vars;
  while (true) {
    const size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    if (node->is_object()) {
      const auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array() && is_index(part)) {
      const size_t index = std::stoul(std::string(part));
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) return node;
    path.remove_prefix(dot + 1);
  }
}

Status render_template(std::string_view tmpl, const nlohmann::json& vars, std::string* out) {
  out->clear();
  out->reserve(tmpl.size());
  return walk_template(
      tmpl, [out](std::string_view text) { out->append(text); },
      [out, &vars](std::string_view name) {
        const nlohmann::json* value = find_template_variable(vars, name);
        if (value == nullptr) {
          return Status::error("template variable '" + std::string(name) + "' is not defined");
        }
        if (value->is_string()) {
          out->append(value->get_ref<const std::string&>());
        } else {
          out->append(value->dump());
        }
        return Status::ok();
      });
}

Status parse_template_variables(std::string_view tmpl, std::vector<std::string>* variables) {
  variables->clear();
  return walk_template(
      tmpl, [](std::string_view) {},
      [variables](std::string_view name) {
        variables->emplace_back(name);
        return Status::ok();
      });
}

std::vector<std::string> template_variables(std::string_view tmpl) {
  std::vector<std::string> variables;
  // A malformed tail is not a variable; the names before it still are.
  (void)parse_template_variables(tmpl, &variables);
  return variables;
}

}  // namespace evalkit
