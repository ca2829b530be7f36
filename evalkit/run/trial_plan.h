// The trials of a run: selected cases x their prompts x providers x repeats. The plan keeps
// counts, not cases: a TrialCursor walks it in index order, reading dataset rows as it goes,
// so a million-case plan costs the same few bytes as a ten-case one.
#pragma once

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
#include "evalkit/suite/case_cursor.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

struct CaseFilter {
  std::vector<std::string> include;  // -R: case id matches any (ECMAScript regex, search)
  std::vector<std::string> exclude;  // -E: case id matches none
  std::vector<std::string> labels;   // -L: case has any of these labels
  // --shard I/N: keep cases whose id hash falls in shard index (0-based) of count.
  int shard_index = 0;
  int shard_count = 1;
};

struct TrialSpec {
  int64_t index = 0;
  // Shared by the trials of one case: a dataset row lives until its last trial is done.
  std::shared_ptr<const CaseConfig> test_case;
  const PromptConfig* prompt = nullptr;
  const ProviderConfig* provider = nullptr;
  int repeat = 0;
};

class TrialPlan {
 public:
  // Plans the trials of suite (which must outlive the plan); an invalid regex or unknown
  // provider is an error, and so is a dataset changed since the suite loaded.
  static Status make(const Suite& suite, const CaseFilter& filter, int repeat, TrialPlan* plan);

  int64_t size() const { return total_; }
  // The providers trials run on: the suite's systems under test (Suite::systems_under_test).
  const std::vector<const ProviderConfig*>& providers() const { return providers_; }
  int repeat() const { return repeat_; }
  size_t selected_cases() const { return selected_cases_; }
  // Display name of a trial: "prompt/case", with "provider:" in front when several providers
  // run and "#r" behind when repeating.
  std::string display_name(const TrialSpec& spec) const;

 private:
  friend class TrialCursor;
  bool selects(const CaseConfig& test_case) const;
  // The providers that run prompt p (every one unless some are limited to some prompts).
  const std::vector<const ProviderConfig*>& providers_of(size_t p) const {
    return prompt_providers_.empty() ? providers_ : prompt_providers_[p];
  }
  // The trials of one selected case.
  int64_t trials_of(const std::optional<std::string>& prompt) const;
  bool filters() const;

  const Suite* suite_ = nullptr;
  CaseFilter filter_;
  std::vector<std::regex> include_, exclude_;
  std::vector<const ProviderConfig*> providers_;
  int repeat_ = 1;
  // Only when some provider runs only some prompts (ProviderConfig::prompts): the providers
  // of each prompt.
  std::vector<std::vector<const ProviderConfig*>> prompt_providers_;
  int64_t total_ = 0;
  size_t selected_cases_ = 0;
};

// The trials of a plan in index order (0, 1, ...), each with its case.
class TrialCursor {
 public:
  // plan (and its suite) must outlive the cursor.
  explicit TrialCursor(const TrialPlan& plan);

  // The next trial; false at the end, or on an error (status()).
  bool next(TrialSpec* spec);
  const Status& status() const { return cases_.status(); }

 private:
  bool next_case();

  const TrialPlan& plan_;
  CaseCursor cases_;
  std::shared_ptr<const CaseConfig> case_;
  size_t prompt_ = 0;
  size_t provider_ = 0;
  int repeat_ = 0;
  int64_t index_ = 0;
};

}  // namespace evalkit
