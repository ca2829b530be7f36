// A path into a JSON value, as a suite writes it: dotted steps with numeric indices
// ("tool_calls.0.function.name"), brackets ("tool_calls[0]['function'].name", "[-1]" for the
// last item), an optional leading "$" ("$.a.b", as JSONPath writes it), or a JSON pointer
// (RFC 6901: "/tool_calls/0/name").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit {

struct PathStep {
  std::string key;               // the step as written (an object key)
  std::optional<int64_t> index;  // when the step is an integer: an array index (< 0 from the end)
  bool bracketed_key = false;    // written ['key'] or ["key"]: never an index
};

class ValuePath {
 public:
  // Parses text; false with *error ("empty step at character 12 of 'a..b'") when malformed.
  static bool parse(std::string_view text, ValuePath* out, std::string* error);

  const std::vector<PathStep>& steps() const { return steps_; }
  const std::string& text() const { return text_; }
  // The path's first `count` steps as written in dotted form ("tool_calls.0"), for messages.
  std::string prefix(size_t count) const;

 private:
  std::string text_;
  std::vector<PathStep> steps_;
};

// The value step names inside node: an object's member (an integer step is also a key), or an
// array's item (negative indices count from the end). Null when there is none.
const nlohmann::json* step_into(const nlohmann::json& node, const PathStep& step);

// Why step_into(node, step) found nothing, for a message about the path so far (`where`):
// "'tool_calls' has 1 item, there is no item 3", "'city' is missing", "'a' is a number".
std::string why_missing(const nlohmann::json& node, const PathStep& step, const std::string& where);

}  // namespace evalkit
