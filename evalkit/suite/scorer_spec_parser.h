// Scorer lists in a suite: `scorers: [{type: rouge, variant: rougeL, threshold: 0.4}, regex]`.
#pragma once

#include <vector>

#include <yaml-cpp/yaml.h>

#include "evalkit/scorers/scorer.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Reads a list of scorer specs. An item is a map with `type` (the reserved keys type,
// Reads a list of scorer specs. An item is a map with `type` (the reserved keys type,
// weight, threshold, name, negate and transform are lifted out; every other key becomes an
// option), just a type name, or `not: <item>` (negated). Options are checked later, when the
// scorer is built.
Status parse_scorer_specs(const YAML::Node& node, const YamlReader& reader,
                          std::vector<ScorerSpec>* out);

// The same from a JSON value (a JSONL dataset line's `scorers`); errors are placed at where.
Status parse_scorer_specs_json(const nlohmann::json& value, const SourceLocation& where,
                               std::vector<ScorerSpec>* out);

}  // namespace evalkit
