// The `cases:` list of a suite: inline cases and `{file: ...}` dataset entries.
#pragma once

#include <string>
#include <vector>

#include "evalkit/suite/source_node.h"

#include "evalkit/suite/suite.h"
#include "evalkit/suite/suite_paths.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

struct SuiteLocations;

// Reads the `cases:` list into suite->inline_cases, suite->datasets and suite->case_segments,
// with dataset files relative to suite->directory. Each dataset is read through once, here,
// so that its errors come with the suite's, and held open (not in memory) for later walks.
// Inline cases without an id get "case-<n>" (n counts entries of the list from 1).
// *dataset_hashes receives the SHA-256 of each dataset file in order, for the content hash;
// *facts the case id hashes and distinct case scorers.
Status parse_cases(const SourceNode& node, const YamlReader& reader, Suite* suite,
                   SuiteLocations* facts, std::vector<std::string>* dataset_hashes);

}  // namespace evalkit
