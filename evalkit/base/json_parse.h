// Parsing untrusted JSON (datasets, endpoint answers, model outputs, files a user hands us).
// Nesting is limited: nlohmann's parser is iterative, but dumping, copying and comparing a
// value recurse once per level, so a 100,000-deep array would overflow the stack later.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace evalkit {

// Deepest nesting of arrays and objects evalkit accepts from untrusted text.
inline constexpr size_t kMaxJsonDepth = 512;

// The byte offset of the first '[' or '{' (outside strings) that opens level
// max_depth + 1, or std::string_view::npos when text nests no deeper than max_depth.
size_t json_nesting_overflow(std::string_view text, size_t max_depth = kMaxJsonDepth);

// nlohmann::json::parse(text), refusing nesting deeper than kMaxJsonDepth with a
// nlohmann::json::parse_error at the offending byte. Throws what nlohmann throws.
nlohmann::json parse_json_within_depth(std::string_view text);

// Parses text; any failure (bad grammar, nesting deeper than kMaxJsonDepth, a number too
// large for a double, which nlohmann reports by exception even in its non-throwing mode)
// yields a discarded value.
nlohmann::json parse_untrusted_json(std::string_view text);

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
