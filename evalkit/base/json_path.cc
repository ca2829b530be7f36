#include "evalkit/base/json_path.h"

namespace evalkit {
namespace {

bool is_index(std::string_view step) {
  return !step.empty() && step.size() < 10 &&
         step.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool valid_json_path(std::string_view path, std::string* problem) {
  if (path.empty()) {
    *problem = "the path is empty";
    return false;
  }
  if (path.front() == '/') {
    try {
      nlohmann::json::json_pointer pointer{std::string(path)};
    } catch (const nlohmann::json::exception&) {
      problem->assign(1, '\'').append(path).append("' is not a valid JSON pointer (RFC 6901)");
      return false;
    }
    return true;
  }
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const size_t end = dot == std::string_view::npos ? path.size() : dot;
    if (end == start) {
      problem->assign(1, '\'').append(path).append(
          "' has an empty step (write a.b.0.c, or a JSON pointer /a/b/0/c)");
      return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

const nlohmann::json* find_json_path(const nlohmann::json& document, std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    try {
      const nlohmann::json::json_pointer pointer{std::string(path)};
      return document.contains(pointer) ? &document.at(pointer) : nullptr;
    } catch (const nlohmann::json::exception&) {
      return nullptr;
    }
  }
  if (path == "json" || path.empty()) return &document;
  if (path.substr(0, 5) == "json.") path.remove_prefix(5);
  const nlohmann::json* at = &document;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = path.find('.', start);
    const std::string_view step =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (at->is_object()) {
      auto it = at->find(std::string(step));
      if (it == at->end()) return nullptr;
      at = &*it;
    } else if (at->is_array() && is_index(step)) {
      const size_t index = std::stoul(std::string(step));
      if (index >= at->size()) return nullptr;
      at = &(*at)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return at;
}

}  // namespace evalkit
