// Turns a suite document into a Suite: structure, key names and value types. References
// between parts (ids, scorer options, template variables) are checked by validate_suite.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evalkit/suite/source_node.h"

#include "evalkit/suite/suite.h"
#include "evalkit/suite/yaml_reader.h"

namespace evalkit {

// Where parts of a suite without a `where` of their own were written, for later errors.
struct SuiteLocations {
  std::map<std::string, SourceLocation> defaults;  // "provider", "judge", "embedder"
  // Each id of Suite::under_test, at its own position in the list.
  std::vector<SourceLocation> under_test;
  SourceLocation under_test_key;  // the `under_test` key or `defaults.provider` list
  std::map<std::string, SourceLocation> gate;      // metric name -> its key
  SourceLocation pass;
  // Gathered while the cases are read, for validation: a 32-bit hash of every case id
  // (case_id_hash; 4 bytes a case, dropped once validated); Suite::case_scorers by a hash of
  // each spec, and their (type, name) pairs; the judge template files seen.
  std::vector<uint32_t> case_id_hashes;
  std::unordered_multimap<uint64_t, size_t> case_scorer_index;
  std::set<std::string> case_scorer_kinds;
  std::set<std::string> case_judge_template_names;
};

// The hash of a case id that the duplicate check compares first (ids compared exactly only
// when theirs collide: about a hundred pairs among a million ids).
uint32_t case_id_hash(std::string_view id);

// Fills *suite from root; suite->path and suite->directory must already be set (datasets
// and replay files are found relative to the directory). *dataset_hashes receives the
// SHA-256 of each dataset file read, in order.
Status parse_suite_document(const SourceNode& root, const YamlReader& reader, Suite* suite,
                            SuiteLocations* locations, std::vector<std::string>* dataset_hashes);

// Reads `pass:`: `all` or {weighted_score, k_of_n}.
Status parse_pass_rule(const SourceNode& node, const YamlReader& reader, PassRule* out);

// Whether name suits ids and file names: letters, digits, '.', '_' and '-'.
bool is_suite_name(std::string_view name);

// The names of environment variables that providers' api_key_env entries name, read before
// anything else so that ${VAR} expansion can refuse them everywhere.
std::set<std::string> api_key_variables(const SourceNode& root);

}  // namespace evalkit
