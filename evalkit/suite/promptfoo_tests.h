// promptfoo tests (`tests:` inline, YAML/JSON/JSONL/CSV files, globs) and `defaultTest` as
// evalkit cases, dataset entries and suite scorers.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "evalkit/suite/promptfoo_assertion.h"

namespace evalkit::promptfoo {

struct ConvertedTests {
  Json cases = Json::array();    // inline cases and `{file: ...}` dataset entries
  Json scorers = Json::array();  // defaultTest's assertions, for every case
  Json default_vars = Json::object();
  std::vector<std::string> default_labels;
  std::optional<double> default_threshold;  // defaultTest.threshold
  std::set<std::string> case_ids;
  // Dataset entries (index in cases) -> the variables their CSV columns give.
  std::map<size_t, std::set<std::string>> dataset_columns;
};

class TestConverter {
 public:
  TestConverter(ImportContext& context, Graders& graders, const YAML::Node& root,
                ConvertedTests* out)
      : context_(context), graders_(graders), root_(root), out_(out) {}

  // `defaultTest:` (a map or a `file://` reference); read before the tests.
  void default_test(const YAML::Node& node);
  // `tests:`: a list of tests and file references, or one reference.
  void tests(const YAML::Node& node);

 private:
  void test_source(const YAML::Node& where, const std::string& reference);
  void test(const YAML::Node& node, const std::string& fallback_id);
  void csv_file(const YAML::Node& where, const std::string& path);
  bool csv_as_dataset(const std::string& path, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);
  void add_case(Json test_case, const Json& vars, const YAML::Node& where);
  bool convert_vars(const YAML::Node& vars, const std::string& owner, Json* out);

  ImportContext& context_;
  Graders& graders_;
  const YAML::Node& root_;
  ConvertedTests* out_;
  int tests_seen_ = 0;
};

}  // namespace evalkit::promptfoo
