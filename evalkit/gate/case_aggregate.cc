#include "evalkit/gate/case_aggregate.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

namespace evalkit {
namespace {

// A case key that borrows the trial's strings: grouping copies each key once per case,
// not once per trial.
struct KeyView {
  std::string_view case_id, prompt_id, provider_id;
  bool operator==(const KeyView&) const = default;
};

struct KeyViewHash {
  size_t operator()(const KeyView& key) const {
    const std::hash<std::string_view> hash;
    size_t h = hash(key.case_id);
    h = h * 1000003u ^ hash(key.prompt_id);
    h = h * 1000003u ^ hash(key.provider_id);
    return h;
  }
};

}  // namespace

std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>& trials,
                                           const PassRule& rule) {
  std::vector<CaseAggregate> cases;
  std::unordered_map<KeyView, size_t, KeyViewHash> position;
  position.reserve(trials.size());

  for (const TrialResult& trial : trials) {
    const KeyView view{trial.key.case_id, trial.key.prompt_id, trial.key.provider_id};
    auto [it, inserted] = position.try_emplace(view, cases.size());
    if (inserted) {
      cases.push_back(
          CaseAggregate{.key = {trial.key.case_id, trial.key.prompt_id, trial.key.provider_id}});
    }
    CaseAggregate& aggregate = cases[it->second];
    aggregate.repeats += 1;
    const bool passed = trial.pass && trial.error.empty();
    aggregate.passes += passed ? 1 : 0;
    aggregate.mean_weighted_score += trial.weighted_score;  // a sum until the end
    if (aggregate.first_trial == nullptr || trial.key.repeat < aggregate.first_trial->key.repeat) {
      aggregate.first_trial = &trial;
    }
    for (const Score& score : trial.scores) {
      MetricMean& metric = aggregate.metrics[score.name];
      if (score.weight != 0) metric.weighted = true;
      if (score.error) {
        metric.errors += 1;
        continue;
      }
      if (metric.count == 0) {
        metric.signature = score.signature;
      } else if (metric.signature != score.signature) {
        metric.mixed_signatures = true;
      }
      metric.count += 1;
      metric.mean += score.value;  // a sum until the end
    }
  }

  for (CaseAggregate& aggregate : cases) {
    const int needed =
        rule.k_of_n <= 0 ? aggregate.repeats : std::min(rule.k_of_n, aggregate.repeats);
    aggregate.pass = aggregate.passes >= needed;
    aggregate.flaky = aggregate.passes > 0 && aggregate.passes < aggregate.repeats;
    aggregate.mean_weighted_score /= aggregate.repeats;
    for (auto& entry : aggregate.metrics) {
      MetricMean& metric = entry.second;
      if (metric.count > 0) metric.mean /= metric.count;
    }
  }
  return cases;
}

nlohmann::json cases_to_json(const std::vector<CaseAggregate>& cases) {
  nlohmann::json array = nlohmann::json::array();
  for (const CaseAggregate& aggregate : cases) {
    array.push_back({{"case_id", aggregate.key.case_id},
                     {"prompt_id", aggregate.key.prompt_id},
                     {"provider_id", aggregate.key.provider_id},
                     {"repeats", aggregate.repeats},
                     {"passes", aggregate.passes},
                     {"pass", aggregate.pass},
                     {"flaky", aggregate.flaky},
                     {"mean_weighted_score", aggregate.mean_weighted_score}});
  }
  return array;
}

}  // namespace evalkit
