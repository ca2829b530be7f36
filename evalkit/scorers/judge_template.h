// An LLM-as-judge template: the prompt a judge model receives, the variables it fills, and
// how its answer is read and mapped to [0, 1]. Built-in templates live in judges/*.yaml and
// are compiled into the binary; a suite may name its own YAML file instead.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/scorers/verdict_parser.h"

namespace evalkit {

struct JudgeTemplate {
  std::string name;
  std::string description;
  std::string system;  // may be empty
  std::string user;    // {{input}} {{output}} {{expected}} {{rubric}} {{criteria}} {{steps}}
                       // {{context}}
  VerdictSpec verdict;
  double threshold = 0.5;  // pass when score >= threshold, unless the scorer sets its own
  // Ask twice with {{output}} and {{expected}} swapped; the swapped verdict counts as
  // 1 - score, so a judge that favours a position cancels out.
  bool pairwise = false;
  std::map<std::string, std::string> defaults;  // values for rubric, criteria, steps
  std::vector<std::string> variables;           // placeholders used by system and user
  std::string content_hash;                     // SHA-256 of the YAML text
};

// The placeholders a template may use.
const std::vector<std::string>& judge_template_variables();

// Parses a template from YAML text; origin names it in error messages.
Status parse_judge_template(const std::string& yaml, const std::string& origin, JudgeTemplate* out);

// Loads a built-in template by name ("factuality" is judges/factuality.yaml in the binary)
// or, when name_or_path ends in .yaml or .yml, the file at that path.
Status load_judge_template(const std::string& name_or_path, JudgeTemplate* out);

// The same, shared: parsed once per process (a file again when its text changes) and held
// once however many scorers use it.
Status load_shared_judge_template(const std::string& name_or_path,
                                  std::shared_ptr<const JudgeTemplate>* out);

// Names of the built-in templates, sorted.
std::vector<std::string> builtin_judge_templates();

}  // namespace evalkit
