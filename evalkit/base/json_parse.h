// Parsing untrusted JSON (datasets, endpoint answers, files a user hands us).
#pragma once

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// Parses text; any failure, including those nlohmann reports by exception even in its
// non-throwing mode (a number too large for a double), yields a discarded value.
inline nlohmann::json parse_untrusted_json(std::string_view text) {
  try {
    return nlohmann::json::parse(text, nullptr, false);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
}

// The nesting depth of a JSON text (brackets outside strings), counting stops once it passes
// limit. Lets a caller refuse a 100,000-deep value before anything walks it recursively.
inline int json_nesting_depth(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace evalkit
