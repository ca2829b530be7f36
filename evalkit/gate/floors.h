// Absolute floors (`gate: {metric: {min: X}}`): checked on every run, with or without a
// baseline, over all of the run's cases.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

struct FloorCheck {
  std::string metric;
  double min = 0;
  std::optional<double> value;  // the run's value; none when no case was scored
  int64_t cases = 0;            // cases the value is over
  bool held = false;            // value >= min (value <= max for a ceiling)
  // A ceiling (`max:` on latency_p95, latency_mean, cost_mean) instead of a floor.
  std::optional<double> max;
  std::string note;             // why it failed when there is no value
};

// For every rule with `min`: pass_rate is the share of cases that pass (over repeats, by
// pass.k_of_n); a scorer metric is the mean of its cases' mean scores (repeats whose scorer
// errored left out). A floor on a metric no case was scored for fails: an absent value is
// not a passing one.
std::vector<FloorCheck> check_floors(const std::vector<TrialResult>& trials,
                                     const std::map<std::string, GateRule>& gate,
                                     const PassRule& pass);

// The same over the run's case aggregates (made with the same pass rule).
std::vector<FloorCheck> check_floors(const std::vector<CaseAggregate>& cases,
                                     const std::map<std::string, GateRule>& gate);

// check_floors a case at a time, so that a run read from a store is never held: add each case
// in key order (a ceiling's mean sums in that order), with its order in the run (a floor sums
// in that order), then finish. Holds a value per case for each floor and ceiling.
class FloorChecker {
 public:
  explicit FloorChecker(const std::map<std::string, GateRule>& gate);
  void add(const CaseAggregate& c, int64_t order);
  std::vector<FloorCheck> finish();

 private:
  struct Floor {
    int64_t passes = 0;  // pass_rate's
    int64_t cases = 0;
    std::vector<std::pair<int64_t, double>> values;  // a scorer's: (order, case mean)
  };
  const std::map<std::string, GateRule>& gate_;
  int64_t cases_ = 0;
  std::map<std::string, std::vector<double>> ceilings_;
  std::map<std::string, Floor> floors_;
};

// Whether any rule sets a floor (`min`) or a ceiling (`max`).
bool has_floors(const std::map<std::string, GateRule>& gate);

// True when every floor held.
bool floors_held(const std::vector<FloorCheck>& floors);

// [{"metric", "min", "value", "cases", "held", "note"}], as docs/json-report.md describes.
nlohmann::json floors_to_json(const std::vector<FloorCheck>& floors);

}  // namespace evalkit
