// The `cases:` list of a suite: inline cases and `{file: ...}` dataset entries.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "evalkit/suite/suite.h"
#include "evalkit/suite/suite_paths.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Reads every case, loading dataset files relative to directory (the suite's folder).
// Inline cases without an id get "case-<n>" (n counts entries of the list from 1).
// *dataset_hashes receives the SHA-256 of each dataset file in order, for the content hash.
Status parse_cases(const YAML::Node& node, const YamlReader& reader, const std::string& directory,
                   std::vector<CaseConfig>* cases, std::vector<std::string>* dataset_hashes);

}  // namespace evalkit
