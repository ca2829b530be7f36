// The gate's one answer for a run: did it pass? It fails when a floor does not hold (with or
// without a baseline), when a gated metric regressed against the baseline, or when the
// baseline gives nothing to compare.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/comparison.h"
#include "evalkit/gate/floors.h"

namespace evalkit {

struct GateVerdict {
  bool passed = true;
  bool compared = false;             // a baseline was compared
  std::vector<std::string> reasons;  // why it failed, most important first
  // What failed, for the console's headline: "NOT COMPARABLE", "REGRESSED", "BELOW FLOOR",
  // joined by ", " when several.
  std::string headline;
};

// comparison may be null (no baseline).
GateVerdict decide_gate(const Comparison* comparison, const std::vector<FloorCheck>& floors);

// The run document's "gate" object: {"verdict": "pass"|"fail", "compared", "reasons",
// "floors"} (docs/json-report.md).
nlohmann::json gate_to_json(const GateVerdict& verdict, const std::vector<FloorCheck>& floors);

}  // namespace evalkit
