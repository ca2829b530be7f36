// The trials of a run: selected cases x their prompts x providers x repeats, indexed
// arithmetically so a million-trial plan costs a few bytes per (case, prompt) pair.
#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "evalkit/base/status.h"
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
  const CaseConfig* test_case = nullptr;
  const PromptConfig* prompt = nullptr;
  const ProviderConfig* provider = nullptr;
  int repeat = 0;
};

class TrialPlan {
 public:
  // Plans the trials of suite; an invalid regex or unknown provider is an error.
  static Status make(const Suite& suite, const CaseFilter& filter, int repeat,
                     TrialPlan* plan);

  int64_t size() const;
  TrialSpec at(int64_t index) const;
  // The providers trials run on: the suite's systems under test (Suite::systems_under_test).
  const std::vector<const ProviderConfig*>& providers() const { return providers_; }
  int repeat() const { return repeat_; }
  size_t selected_cases() const { return selected_cases_; }
  // Display name of a trial: "prompt/case", with "provider:" in front when several providers
  // run and "#r" behind when repeating.
  std::string display_name(const TrialSpec& spec) const;

 private:
  const Suite* suite_ = nullptr;
  std::vector<std::pair<uint32_t, uint32_t>> pairs_;  // (case index, prompt index)
  std::vector<const ProviderConfig*> providers_;
  int repeat_ = 1;
  int64_t per_pair_ = 1;
  // Only when some provider runs only some prompts (ProviderConfig::prompts): the providers
  // of each prompt, and the first trial index of each pair.
  std::vector<std::vector<const ProviderConfig*>> prompt_providers_;
  std::vector<int64_t> starts_;
  int64_t total_ = 0;
  size_t selected_cases_ = 0;
};

}  // namespace evalkit
