#include "evalkit/run/trial_plan.h"

#include <algorithm>

#include "evalkit/base/hash.h"

namespace evalkit {

Status TrialPlan::make(const Suite& suite, const CaseFilter& filter, int repeat, TrialPlan* plan) {
  plan->suite_ = &suite;
  plan->filter_ = filter;
  plan->repeat_ = std::max(1, repeat);
  plan->include_.clear();
  plan->exclude_.clear();
  try {
    for (const auto& r : filter.include) plan->include_.emplace_back(r, std::regex::ECMAScript);
    for (const auto& r : filter.exclude) plan->exclude_.emplace_back(r, std::regex::ECMAScript);
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
  if (plan->providers_.empty()) {
    return Status::error("suite '" + suite.name + "' has no provider to run");
  }

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
  // Without filters, a dataset whose rows name no prompt of their own is counted from its
  // row count; otherwise its rows are read once to select them.
  for (const CaseSegment& segment : suite.case_segments) {
    if (!segment.dataset) {
      for (size_t i = 0; i < segment.count; ++i) {
        const CaseConfig& test_case = suite.inline_cases[segment.first + i];
        if (!plan->selects(test_case)) continue;
        ++plan->selected_cases_;
        plan->total_ += plan->trials_of(test_case.prompt);
      }
      continue;
    }
    const DatasetSource& source = suite.datasets[segment.first];
    if (!plan->filters() && !source.row_prompts) {
      plan->selected_cases_ += source.rows;
      plan->total_ += int64_t(source.rows) * plan->trials_of(source.prompt);
      continue;
    }
    Suite one = Suite();  // a walk over this dataset alone
    one.directory = suite.directory;
    one.defaults = suite.defaults;
    one.datasets.push_back(source);
    one.case_segments.push_back(CaseSegment{true, 0, source.rows});
    CaseCursor cursor(one);
    std::shared_ptr<const CaseConfig> test_case;
    while (cursor.next(&test_case)) {
      if (!plan->selects(*test_case)) continue;
      ++plan->selected_cases_;
      plan->total_ += plan->trials_of(test_case->prompt);
    }
    if (!cursor.status()) return cursor.status();
  }
  return Status::ok();
}

bool TrialPlan::filters() const {
  return !include_.empty() || !exclude_.empty() || !filter_.labels.empty() ||
         filter_.shard_count > 1;
}

bool TrialPlan::selects(const CaseConfig& test_case) const {
  const auto matches = [&](const std::regex& r) { return std::regex_search(test_case.id, r); };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), matches)) return false;
  if (std::any_of(exclude_.begin(), exclude_.end(), matches)) return false;
  if (!filter_.labels.empty() &&
      std::none_of(filter_.labels.begin(), filter_.labels.end(), [&](const std::string& l) {
        return std::find(test_case.labels.begin(), test_case.labels.end(), l) !=
               test_case.labels.end();
      })) {
    return false;
  }
  if (filter_.shard_count > 1 &&
      int(fnv1a64(test_case.id) % uint64_t(filter_.shard_count)) != filter_.shard_index) {
    return false;
  }
  return true;
}

int64_t TrialPlan::trials_of(const std::optional<std::string>& prompt) const {
  int64_t trials = 0;
  for (size_t p = 0; p < suite_->prompts.size(); ++p) {
    if (prompt && *prompt != suite_->prompts[p].id) continue;
    trials += int64_t(providers_of(p).size()) * repeat_;
  }
  return trials;
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

TrialCursor::TrialCursor(const TrialPlan& plan) : plan_(plan), cases_(*plan.suite_) {}

// Moves to the next selected case, at its first prompt.
bool TrialCursor::next_case() {
  case_.reset();
  while (cases_.next(&case_)) {
    if (plan_.selects(*case_)) {
      prompt_ = 0;
      provider_ = 0;
      repeat_ = 0;
      return true;
    }
  }
  case_.reset();
  return false;
}

bool TrialCursor::next(TrialSpec* spec) {
  const auto& prompts = plan_.suite_->prompts;
  while (true) {
    if (!case_ && !next_case()) return false;
    // Skip prompts this case does not run, and prompts no provider runs.
    while (prompt_ < prompts.size() && ((case_->prompt && *case_->prompt != prompts[prompt_].id) ||
                                        provider_ >= plan_.providers_of(prompt_).size())) {
      ++prompt_;
      provider_ = 0;
      repeat_ = 0;
    }
    if (prompt_ >= prompts.size()) {
      case_.reset();
      continue;
    }
    spec->index = index_++;
    spec->test_case = case_;
    spec->prompt = &prompts[prompt_];
    spec->provider = plan_.providers_of(prompt_)[provider_];
    spec->repeat = repeat_;
    if (++repeat_ >= plan_.repeat_) {
      repeat_ = 0;
      ++provider_;
    }
    return true;
  }
}

}  // namespace evalkit
