#include "evalkit/gate/case_aggregate.h"

#include <algorithm>
#include <functional>
#include <unordered_map>

namespace evalkit {
namespace {

struct CaseKeyHash {
  size_t operator()(const CaseKey& key) const {
    const std::hash<std::string> hash;
    size_t h = hash(key.case_id);
    h = h * 1000003u ^ hash(key.prompt_id);
    h = h * 1000003u ^ hash(key.provider_id);
    return h;
  }
};

struct CaseKeyEqual {
  bool operator()(const CaseKey& x, const CaseKey& y) const { return x == y; }
};

}  // namespace

std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>& trials,
                                           const PassRule& rule) {
  std::vector<CaseAggregate> cases;
  std::unordered_map<CaseKey, size_t, CaseKeyHash, CaseKeyEqual> position;
  std::vector<double> score_sums;  // per case: sum of weighted scores

  std::vector<std::map<std::string, double>> metric_sums;

  for (const TrialResult& trial : trials) {
    CaseKey key{trial.key.case_id, trial.key.prompt_id, trial.key.provider_id};
    auto [it, inserted] = position.try_emplace(key, cases.size());
    if (inserted) {
      cases.push_back(CaseAggregate{.key = std::move(key)});
      score_sums.push_back(0);
      metric_sums.emplace_back();
    }
    const size_t index = it->second;
    CaseAggregate& aggregate = cases[index];
    aggregate.repeats += 1;
    const bool passed = trial.pass && trial.error.empty();
    aggregate.passes += passed ? 1 : 0;
    score_sums[index] += trial.weighted_score;
    if (aggregate.first_trial == nullptr || trial.key.repeat < aggregate.first_trial->key.repeat) {
      aggregate.first_trial = &trial;
    }
    for (const Score& score : trial.scores) {
      MetricMean& metric = aggregate.metrics[score.name];
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
      metric_sums[index][score.name] += score.value;
    }
  }

  for (size_t i = 0; i < cases.size(); ++i) {
    CaseAggregate& aggregate = cases[i];
    const int needed =
        rule.k_of_n <= 0 ? aggregate.repeats : std::min(rule.k_of_n, aggregate.repeats);
    aggregate.pass = aggregate.passes >= needed;
    aggregate.flaky = aggregate.passes > 0 && aggregate.passes < aggregate.repeats;
    aggregate.mean_weighted_score = score_sums[i] / aggregate.repeats;
    for (auto& [name, metric] : aggregate.metrics) {
      if (metric.count > 0) metric.mean = metric_sums[i][name] / metric.count;
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
