#include "evalkit/gate/gate_verdict.h"

#include "evalkit/base/number_text.h"

namespace evalkit {
namespace {

std::string cell_name(const CellComparison& cell) {
  return cell.prompt_id + " x " + cell.provider_id;
}

}  // namespace

GateVerdict decide_gate(const Comparison* comparison, const std::vector<FloorCheck>& floors) {
  GateVerdict verdict;
  if (comparison != nullptr) {
    verdict.compared = true;
    for (const std::string& reason : comparison->not_comparable) {
      verdict.reasons.push_back("not comparable: " + reason);
    }
    if (!comparison->not_comparable.empty()) {
      for (const std::string& change : comparison->changes) {
        verdict.reasons.push_back("also changed since the baseline: " + change);
      }
    }
    for (const MetricComparison& metric : comparison->metrics) {
      if (metric.verdict != MetricVerdict::kRegressed) continue;
      verdict.reasons.push_back(metric.metric + " regressed (" + format_number(*metric.baseline) +
                                " -> " + format_number(*metric.current) + ")");
    }
    for (const CellComparison& cell : comparison->cells) {
      for (const MetricComparison& metric : cell.metrics) {
        if (metric.verdict != MetricVerdict::kRegressed) continue;
        verdict.reasons.push_back(metric.metric + " regressed in cell " + cell_name(cell) + " (" +
                                  format_number(*metric.baseline) + " -> " +
                                  format_number(*metric.current) + ")");
      }
    }
  }
  for (const FloorCheck& floor : floors) {
    if (floor.held) continue;
    if (floor.max) {
      verdict.reasons.push_back(
          floor.value ? floor.metric + " " + format_number(*floor.value) + " is above its ceiling " +
                            format_number(*floor.max)
                      : floor.metric + " has no value to hold its ceiling " +
                            format_number(*floor.max) + " (" + floor.note + ")");
      continue;
    }
    verdict.reasons.push_back(floor.value ? floor.metric + " " + format_number(*floor.value) +
                                                " is below its floor " + format_number(floor.min)
                                          : floor.metric + " has no value to hold its floor " +
                                                format_number(floor.min) + " (" + floor.note + ")");
  }
  verdict.passed = verdict.reasons.empty();
  auto add = [&](const char* word) {
    verdict.headline += (verdict.headline.empty() ? "" : ", ") + std::string(word);
  };
  if (comparison != nullptr && !comparison->not_comparable.empty()) add("NOT COMPARABLE");
  if (comparison != nullptr && comparison->regressed) add("REGRESSED");
  bool below = false, above = false;
  for (const FloorCheck& floor : floors) {
    if (!floor.held) (floor.max ? above : below) = true;
  }
  if (below) add("BELOW FLOOR");
  if (above) add("ABOVE CEILING");
  return verdict;
}

nlohmann::json gate_to_json(const GateVerdict& verdict, const std::vector<FloorCheck>& floors) {
  return {{"verdict", verdict.passed ? "pass" : "fail"},
          {"compared", verdict.compared},
          {"reasons", verdict.reasons},
          {"floors", floors_to_json(floors)}};
}

}  // namespace evalkit
