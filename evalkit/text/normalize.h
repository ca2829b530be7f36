// Text normalization steps that string-matching scorers apply to outputs and references
// alike, so that "Paris." and " paris" can be made to compare equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace evalkit {

enum class NormalizeStep {
  kLower,               // ASCII letters to lower case; other bytes unchanged
  kTrim,                // drop leading and trailing whitespace
  kCollapseWhitespace,  // every run of whitespace becomes one space
  kStripPunctuation,    // drop ASCII punctuation
};

// The step's name as written in suites: "lower", "trim", "collapse_whitespace",
// "strip_punctuation".
const char* normalize_step_name(NormalizeStep step);

// Every step name, in declaration order (for did-you-mean suggestions and docs).
const std::vector<std::string>& normalize_step_names();

// Parses a step name; false when name is not a step.
bool parse_normalize_step(std::string_view name, NormalizeStep* step);

// Applies steps in order.
std::string normalize_text(std::string_view text, const std::vector<NormalizeStep>& steps);

// "lower,trim": the steps as a signature fragment; "none" when there are none.
std::string normalize_signature(const std::vector<NormalizeStep>& steps);

// ASCII-only lower case; UTF-8 multi-byte sequences pass through untouched.
std::string ascii_lower(std::string_view text);

}  // namespace evalkit
