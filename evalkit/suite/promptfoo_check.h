// promptfoo's checks (assertion types such as `icontains-any`, `similar`, `llm-rubric`) as
// evalkit scorer specs. Used by CSV datasets, whose `__expected` cells use promptfoo's
// syntax, and by `evalkit import promptfoo`.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"

namespace evalkit {

struct PromptfooCheck {
  std::string type;      // as promptfoo names it, with an optional "not-" prefix
  nlohmann::json value;  // null when absent
  std::optional<double> threshold;
};

// Parses an `__expected` cell: "contains:Paris", "icontains-any:a,b", "similar(0.8):text",
// "not-regex:^x", "grade:rubric", "javascript:output.length < 9", "is-json". Returns false for
// a cell without a known type prefix: promptfoo compares such a cell for equality.
bool parse_promptfoo_cell(const std::string& cell, PromptfooCheck* out);

// The evalkit scorer spec ({"type": ..., options, "threshold"?}) for check; an error saying
// why when evalkit has no equivalent. The message has no location (the caller adds it).
Status promptfoo_check_scorer(const PromptfooCheck& check, nlohmann::json* scorer);

// Whether type (without "not-") is one of promptfoo's check types.
bool is_promptfoo_check_type(const std::string& type);

}  // namespace evalkit
