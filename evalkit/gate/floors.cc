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
  if (!has_floors(gate)) return {};
  std::vector<uint32_t> by_key(cases.size());
  for (uint32_t i = 0; i < by_key.size(); ++i) by_key[i] = i;
  std::sort(by_key.begin(), by_key.end(),
            [&](uint32_t a, uint32_t b) { return cases[a].key < cases[b].key; });
  FloorChecker checker(gate);
  for (const uint32_t i : by_key) checker.add(cases[i], int64_t(i));
  return checker.finish();
}

FloorChecker::FloorChecker(const std::map<std::string, GateRule>& gate) : gate_(gate) {
  for (const auto& [metric, rule] : gate_) {
    if (rule.max && is_resource_metric(metric)) ceilings_[metric];
    if (rule.min) floors_[metric];
  }
}

void FloorChecker::add(const CaseAggregate& c, int64_t order) {
  ++cases_;
  if (c.resources.answered > 0) {
    for (auto& [metric, values] : ceilings_) {
      values.push_back(case_resource_value(c.resources, metric));
    }
  }
  for (auto& [metric, floor] : floors_) {
    if (metric == kPassRateMetric) {
      floor.passes += c.pass ? 1 : 0;
      ++floor.cases;
      continue;
    }
    const auto it = c.metrics.find(metric);
    if (it == c.metrics.end() || it->second.count == 0) continue;
    floor.values.emplace_back(order, it->second.mean);
    ++floor.cases;
  }
}

std::vector<FloorCheck> FloorChecker::finish() {
  std::vector<FloorCheck> checks;
  for (const auto& [metric, rule] : gate_) {
    if (rule.max && is_resource_metric(metric)) {
      // A ceiling on latency or cost, over every case that got an answer, in key order.
      const std::vector<double>& values = ceilings_[metric];
      FloorCheck ceiling;
      ceiling.metric = metric;
      ceiling.max = *rule.max;
      ceiling.cases = static_cast<int64_t>(values.size());
      if (!values.empty()) {
        ceiling.value = resource_statistic(metric, values);
        ceiling.held = *ceiling.value <= *ceiling.max;
      } else {
        ceiling.note = cases_ == 0 ? "the run has no cases" : "no case got an answer";
      }
      checks.push_back(std::move(ceiling));
    }
    if (!rule.min) continue;
    Floor& floor = floors_[metric];
    FloorCheck check;
    check.metric = metric;
    check.min = *rule.min;
    check.cases = floor.cases;
    // Summed in the run's order, whatever order the cases came in.
    std::stable_sort(floor.values.begin(), floor.values.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    double sum = static_cast<double>(floor.passes);
    for (const auto& [order, value] : floor.values) sum += value;
    if (check.cases > 0) {
      check.value = sum / static_cast<double>(check.cases);
      check.held = *check.value >= check.min;
    } else {
      check.note = cases_ == 0 ? "the run has no cases" : "no case was scored for this metric";
    }
    checks.push_back(std::move(check));
  }
  return checks;
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
