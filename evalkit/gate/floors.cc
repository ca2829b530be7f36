#include "evalkit/gate/floors.h"

#include <algorithm>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/comparison.h"
#include "evalkit/gate/resource_metrics.h"

namespace evalkit {

bool has_floors(const std::map<std::string, GateRule>& gate) {
  for (const auto& entry : gate) {
    if (entry.second.min.has_value() || entry.second.max.has_value()) return true;
  }
  return false;
}

std::vector<FloorCheck> check_floors(const std::vector<TrialResult>& trials,
                                     const std::map<std::string, GateRule>& gate,
                                     const PassRule& pass) {
  if (!has_floors(gate)) return {};
  return check_floors(aggregate_cases(trials, pass), gate);
}

std::vector<FloorCheck> check_floors(const std::vector<CaseAggregate>& cases,
                                     const std::map<std::string, GateRule>& gate) {
  std::vector<FloorCheck> floors;
  if (!has_floors(gate)) return floors;
  // The cases that got an answer, in key order (the order the values are summed in).
  std::vector<const CaseAggregate*> answered;
  for (const auto& [metric, rule] : gate) {
    if (rule.max && is_resource_metric(metric)) {
      // A ceiling on latency or cost, over every case that got an answer.
      if (answered.empty()) {
        for (const CaseAggregate& c : cases) {
          if (c.resources.answered > 0) answered.push_back(&c);
        }
        std::sort(answered.begin(), answered.end(),
                  [](const CaseAggregate* a, const CaseAggregate* b) { return a->key < b->key; });
      }
      FloorCheck ceiling;
      ceiling.metric = metric;
      ceiling.max = *rule.max;
      std::vector<double> values;
      for (const CaseAggregate* c : answered) {
        values.push_back(case_resource_value(c->resources, metric));
      }
      ceiling.cases = static_cast<int64_t>(values.size());
      if (!values.empty()) {
        ceiling.value = resource_statistic(metric, values);
        ceiling.held = *ceiling.value <= *ceiling.max;
      } else {
        ceiling.note = cases.empty() ? "the run has no cases" : "no case got an answer";
      }
      floors.push_back(std::move(ceiling));
    }
    if (!rule.min) continue;
    FloorCheck floor;
    floor.metric = metric;
    floor.min = *rule.min;
    double sum = 0;
    for (const CaseAggregate& aggregate : cases) {
      if (metric == kPassRateMetric) {
        sum += aggregate.pass ? 1 : 0;
        ++floor.cases;
        continue;
      }
      const auto it = aggregate.metrics.find(metric);
      if (it == aggregate.metrics.end() || it->second.count == 0) continue;
      sum += it->second.mean;
      ++floor.cases;
    }
    if (floor.cases > 0) {
      floor.value = sum / static_cast<double>(floor.cases);
      floor.held = *floor.value >= floor.min;
    } else {
      floor.note = cases.empty() ? "the run has no cases" : "no case was scored for this metric";
    }
    floors.push_back(std::move(floor));
  }
  return floors;
}

bool floors_held(const std::vector<FloorCheck>& floors) {
  for (const FloorCheck& floor : floors) {
    if (!floor.held) return false;
  }
  return true;
}

nlohmann::json floors_to_json(const std::vector<FloorCheck>& floors) {
  nlohmann::json array = nlohmann::json::array();
  for (const FloorCheck& floor : floors) {
    nlohmann::json item = {{"metric", floor.metric},
                           {"min", floor.min},
                           {"value", floor.value ? nlohmann::json(*floor.value) : nlohmann::json()},
                           {"cases", floor.cases},
                           {"held", floor.held},
                           {"note", floor.note}};
    if (floor.max) {
      item.erase("min");
      item["max"] = *floor.max;
    }
    array.push_back(std::move(item));
  }
  return array;
}

}  // namespace evalkit
