// One promptfoo assertion (`assert:` entry or CSV `__expected` cell) as an evalkit scorer.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace evalkit {

struct ConvertedAssertion {
  YAML::Node scorer;                     // the evalkit scorer spec; null when not converted
  std::optional<std::string> reference;  // the value it compares with, which becomes `expected`
  std::string problem;                   // why it was not converted (empty when it was)
};

// Converts {type, value, threshold, weight, metric}. Types without an evalkit equivalent
// (javascript, python, cost, ...) come back with scorer null and problem set.
ConvertedAssertion convert_promptfoo_assertion(const YAML::Node& assertion);

// Converts a CSV `__expected` cell: "contains: x", "similar(0.8): x", "grade: rubric", or a
// plain value, which promptfoo treats as `equals`.
ConvertedAssertion convert_promptfoo_expected_cell(const std::string& cell);

}  // namespace evalkit
