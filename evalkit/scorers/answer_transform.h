// `transform:` on a scorer or a prompt: what is scored instead of the answer's text. A
// transform is a path into the answer (`tool_calls.0.name`, `output.city` for a field of a
// JSON output), a regular-expression group, or the body of a Markdown code fence; or a list
// of these steps, each applied to what the one before produced. docs/suite-format.md has the
// syntax.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "evalkit/model/model_answer.h"

namespace evalkit {

class AnswerTransform {
 public:
  // Compiles a transform as the suite writes it: a path string, "strip_code_fence", a map
  // ({path: P}, {regex: R, group: N, ignore_case: B}, {strip_code_fence: true}), or a list of
  // these. False with *error on a malformed path, an unknown answer field, a bad regex, or a
  // group the regex does not have.
  static bool compile(const nlohmann::json& spec, AnswerTransform* out, std::string* error);

  // Whether compile() gave this transform any step.
  bool empty() const { return steps_ == nullptr; }

  // Applies the transform. answer may be null when only text is known (paths must then start
  // at output or text). On success *result is the picked value's text (a string as it is,
  // any other JSON value compact) and the return is true; else *failure says what was
  // missing ("path 'tool_calls.0.name': the answer has no tool calls").
  bool apply(const ModelAnswer* answer, std::string_view text, std::string* result,
             std::string* failure) const;

  // The transform as written, in one canonical form for score signatures:
  // "path:tool_calls.0.name", "regex:(\d+)#1", "fence", steps joined by " > ".
  const std::string& signature() const { return signature_; }

  struct Step;

 private:
  std::shared_ptr<const std::vector<Step>> steps_;
  std::string signature_;
};

// The answer's fields a transform path may start with: output (= text), text, finish_reason,
// tool_calls (each {id, type, name, arguments, function: {name, arguments as JSON text}}),
// usage ({prompt_tokens, completion_tokens, total_tokens}), prompt_tokens, completion_tokens,
// latency_s, time_to_first_token_s, time_per_output_token_s, tokens_per_s.
const std::vector<std::string>& answer_field_names();

}  // namespace evalkit
