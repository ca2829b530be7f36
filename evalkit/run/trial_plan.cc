#include "evalkit/run/trial_plan.h"

#include <algorithm>

#include "evalkit/base/hash.h"

namespace evalkit {

Status TrialPlan::make(const Suite& suite, const CaseFilter& filter, int repeat,
                       TrialPlan* plan) {
  plan->suite_ = &suite;
  plan->repeat_ = std::max(1, repeat);
  std::vector<std::regex> include, exclude;
  try {
    for (const auto& r : filter.include) include.emplace_back(r, std::regex::ECMAScript);
    for (const auto& r : filter.exclude) exclude.emplace_back(r, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Status::error(std::string("invalid case filter regex: ") + e.what());
  }

  // Providers that trials run on: the systems under test (validate_suite has checked them).
  plan->providers_.clear();
  for (const std::string& id : suite.systems_under_test()) {
    const ProviderConfig* p = suite.find_provider(id);
    if (p == nullptr) return Status::error("provider '" + id + "' under test is unknown");
    plan->providers_.push_back(p);
  }
  if (plan->providers_.empty()) return Status::error("suite '" + suite.name + "' has no provider to run");

  plan->pairs_.clear();
  plan->starts_.clear();
  plan->prompt_providers_.clear();
  plan->total_ = 0;
  plan->selected_cases_ = 0;
  const bool limited = std::any_of(plan->providers_.begin(), plan->providers_.end(),
                                   [](const ProviderConfig* p) { return !p->prompts.empty(); });
  if (limited) {
    for (const auto& prompt : suite.prompts) {
      plan->prompt_providers_.emplace_back();
      for (const ProviderConfig* provider : plan->providers_) {
        if (provider->prompts.empty() ||
            std::find(provider->prompts.begin(), provider->prompts.end(), prompt.id) !=
                provider->prompts.end()) {
          plan->prompt_providers_.back().push_back(provider);
        }
      }
    }
  }
  for (size_t c = 0; c < suite.cases.size(); ++c) {
    const CaseConfig& test_case = suite.cases[c];
    const auto matches = [&](const std::regex& r) { return std::regex_search(test_case.id, r); };
    if (!include.empty() && std::none_of(include.begin(), include.end(), matches)) continue;
    if (std::any_of(exclude.begin(), exclude.end(), matches)) continue;
    if (!filter.labels.empty() &&
        std::none_of(filter.labels.begin(), filter.labels.end(), [&](const std::string& l) {
          return std::find(test_case.labels.begin(), test_case.labels.end(), l) !=
                 test_case.labels.end();
        })) {
      continue;
    }
    if (filter.shard_count > 1 &&
        int(fnv1a64(test_case.id) % uint64_t(filter.shard_count)) != filter.shard_index) {
      continue;
    }
    ++plan->selected_cases_;
    for (size_t p = 0; p < suite.prompts.size(); ++p) {
      if (test_case.prompt && *test_case.prompt != suite.prompts[p].id) continue;
      if (!plan->prompt_providers_.empty() && plan->prompt_providers_[p].empty()) continue;
      plan->pairs_.emplace_back(uint32_t(c), uint32_t(p));
    }
  }
  plan->per_pair_ = int64_t(plan->providers_.size()) * plan->repeat_;
  if (!plan->prompt_providers_.empty()) {
    // Providers limited to some prompts: each pair has its own number of trials.
    plan->starts_.reserve(plan->pairs_.size());
    for (const auto& [c, p] : plan->pairs_) {
      plan->starts_.push_back(plan->total_);
      plan->total_ += int64_t(plan->prompt_providers_[p].size()) * plan->repeat_;
    }
  }
  return Status::ok();
}

int64_t TrialPlan::size() const {
  return prompt_providers_.empty() ? int64_t(pairs_.size()) * per_pair_ : total_;
}

TrialSpec TrialPlan::at(int64_t index) const {
  TrialSpec spec;
  spec.index = index;
  if (prompt_providers_.empty()) {
    const auto& [c, p] = pairs_[size_t(index / per_pair_)];
    const int64_t rest = index % per_pair_;
    spec.test_case = &suite_->cases[c];
    spec.prompt = &suite_->prompts[p];
    spec.provider = providers_[size_t(rest / repeat_)];
    spec.repeat = int(rest % repeat_);
    return spec;
  }
  const size_t pair =
      size_t(std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin()) - 1;
  const auto& [c, p] = pairs_[pair];
  const int64_t rest = index - starts_[pair];
  spec.test_case = &suite_->cases[c];
  spec.prompt = &suite_->prompts[p];
  spec.provider = prompt_providers_[p][size_t(rest / repeat_)];
  spec.repeat = int(rest % repeat_);
  return spec;
}

std::string TrialPlan::display_name(const TrialSpec& spec) const {
  std::string name;
  if (providers_.size() > 1) name += spec.provider->id + ":";
  name += spec.prompt->id + "/" + spec.test_case->id;
  if (repeat_ > 1) {
    name += '#';  // appended apart: "#" + std::to_string(...) trips GCC 12's -Wrestrict
    name += std::to_string(spec.repeat + 1);
  }
  return name;
}

}  // namespace evalkit
