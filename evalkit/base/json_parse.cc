#include "evalkit/base/json_parse.h"

#include <string>

namespace evalkit {

size_t json_nesting_overflow(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string_view::npos;
}

nlohmann::json parse_json_within_depth(std::string_view text) {
  const size_t overflow = json_nesting_overflow(text);
  if (overflow != std::string_view::npos) {
    throw nlohmann::json::parse_error::create(
        101, overflow + 1,
        "syntax error: nested deeper than " + std::to_string(kMaxJsonDepth) + " levels", nullptr);
  }
  return nlohmann::json::parse(text);
}

nlohmann::json parse_untrusted_json(std::string_view text) {
  if (json_nesting_overflow(text) != std::string_view::npos) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  try {
    return nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

}  // namespace evalkit
