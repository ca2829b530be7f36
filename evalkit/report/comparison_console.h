// The gate in the console: how the cases paired, a table per metric (and per cell), flipped
// cases and the largest drops with both outputs, the floors, and the gate's one-line verdict.
#pragma once

#include <cstdio>
#include <vector>

#include "evalkit/gate/comparison.h"
#include "evalkit/gate/floors.h"
#include "evalkit/gate/gate_verdict.h"

namespace evalkit {

void print_comparison(std::FILE* out, const Comparison& comparison);

// The floors and the run's value for each; nothing when the suite sets none.
void print_floors(std::FILE* out, const std::vector<FloorCheck>& floors);

// "Gate: passed (...)" or "Gate: FAILED" followed by one line per reason.
void print_gate_verdict(std::FILE* out, const GateVerdict& verdict);

}  // namespace evalkit
