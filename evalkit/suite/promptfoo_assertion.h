// One promptfoo assertion (an `assert:` entry) as evalkit scorers, and the graders
// (judge and embedding providers) that model-graded assertions use.
#pragma once

#include <string>
#include <vector>

#include "evalkit/suite/promptfoo_context.h"
#include "evalkit/suite/promptfoo_providers.h"

namespace evalkit::promptfoo {

// The providers that grade: the suite's default judge and embedder and any grader an
// assertion or test names. Each distinct grader becomes one provider, never a system under
// test.
class Graders {
 public:
  explicit Graders(std::set<std::string>* provider_ids) : ids_(provider_ids) {}

  // Sets the defaults from `defaultTest.options.provider` (a chat id, `{id, config}`, or
  // `{text, embedding}`).
  void set_defaults(const YAML::Node& spec, ImportContext& context);

  // The provider id an assertion should name for a grader spec ("" for the suite default,
  // which `defaults.judge`/`defaults.embedder` name). False when the spec cannot be converted.
  bool judge_for(const YAML::Node& spec, ImportContext& context, std::string* id);
  bool embedder_for(const YAML::Node& spec, ImportContext& context, std::string* id);

  // Marks the default judge or embedder as used, so that it is written.
  void use_default_judge() { judge_used_ = true; }
  void use_default_embedder() { embedder_used_ = true; }

  // The grader providers to add to the suite and the `defaults` entries naming them.
  Json providers(ImportContext& context);
  const std::string& default_judge() const { return default_judge_; }
  const std::string& default_embedder() const { return default_embedder_; }
  bool judge_used() const { return judge_used_; }
  bool embedder_used() const { return embedder_used_; }

 private:
  std::string add(const ConvertedProvider& converted, const std::string& wanted);

  std::set<std::string>* ids_;
  Json providers_ = Json::array();
  std::vector<std::pair<std::string, std::string>> by_spec_;  // spec dump -> id
  std::string default_judge_, default_embedder_;
  bool judge_used_ = false, embedder_used_ = false;
  bool judge_set_ = false, embedder_set_ = false;
};

// Where an assertion is read: the config (for `$ref`), the graders, and a grader the test
// names (`options.provider`, may be null).
struct AssertionScope {
  ImportContext& context;
  Graders& graders;
  const YAML::Node& root;
  YAML::Node test_grader;
  std::string owner;  // "case 'x'" or "defaultTest", for notes
};

// Appends the scorers for one `assert:` entry to *out (an `assert-set` gives several).
// What cannot be carried is noted and left out.
void convert_assertion(const YAML::Node& node, const AssertionScope& scope, Json* out);

// The scorer for a CSV `__expected` cell, as promptfoo reads it; false (noted at location)
// when it cannot be carried.
bool convert_expected_cell(const std::string& cell, const std::string& location,
                           const AssertionScope& scope, Json* scorer);

}  // namespace evalkit::promptfoo
