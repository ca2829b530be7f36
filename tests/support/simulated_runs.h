// Simulated runs for tests of the gate's statistics: case difficulties and score means drawn
// from Beta distributions, and runs of TrialResults whose outcomes a test fills in.
#pragma once

#include <random>
#include <vector>

#include "evalkit/run/trial.h"

namespace evalkit::testing {

// A draw from Beta(a, b), as x / (x + y) of two gamma draws.
double draw_beta(std::mt19937_64& rng, double a, double b);

// One run's trials: one repeat each of cases "case-0" .. "case-<cases-1>" (prompt "qa",
// provider "model"), the same keys in every run; with_score gives each a "quality" score
// (signature "quality|v1") for the caller to set.
std::vector<TrialResult> simulated_run(int cases, bool with_score);

}  // namespace evalkit::testing
