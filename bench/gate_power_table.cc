// Prints the power table in docs/gating.md: how often the gate flags a pass-rate drop,
// by number of cases and size of the drop, at alpha 0.05, by simulating paired runs.
//
// Case i passes with probability p_i ~ Beta(1.4, 0.6) (mean 0.7) in the baseline and
// max(p_i - drop, 0) in the current run; every cell is the share of flagged repetitions.
// Usage: gate_power_table [repetitions=1000]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "evalkit/gate/comparison.h"

namespace evalkit {
namespace {

double draw_beta(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> gamma_a(a, 1.0), gamma_b(b, 1.0);
  const double x = gamma_a(rng);
  const double y = gamma_b(rng);
  return x / (x + y);
}

std::vector<TrialResult> make_run(int cases) {
  std::vector<TrialResult> run(cases);
  for (int i = 0; i < cases; ++i) run[i].key = {"case-" + std::to_string(i), "qa", "model", 0};
  return run;
}

// Share of repetitions flagged, for each max_drop in max_drops.
std::vector<double> flagged_share(int cases, double drop, const std::vector<double>& max_drops,
                                  int repetitions, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> difficulty(cases);
  for (double& p : difficulty) p = draw_beta(rng, 1.4, 0.6);
  std::vector<TrialResult> baseline = make_run(cases), current = make_run(cases);
  std::vector<CompareOptions> options(max_drops.size());
  for (size_t k = 0; k < max_drops.size(); ++k) {
    options[k].gate[kPassRateMetric].max_drop = max_drops[k];
  }
  std::vector<int> flagged(max_drops.size(), 0);
  for (int r = 0; r < repetitions; ++r) {
    for (int i = 0; i < cases; ++i) {
      baseline[i].pass = uniform(rng) < difficulty[i];
      current[i].pass = uniform(rng) < std::max(difficulty[i] - drop, 0.0);
    }
    for (size_t k = 0; k < max_drops.size(); ++k) {
      if (compare_runs(baseline, current, options[k]).regressed) ++flagged[k];
    }
  }
  std::vector<double> shares;
  for (int count : flagged) shares.push_back(static_cast<double>(count) / repetitions);
  return shares;
}

}  // namespace
}  // namespace evalkit

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::atoi(argv[1]) : 1000;
  const std::vector<int> case_counts = {100, 200, 500, 1000, 2000, 5000};
  const std::vector<double> drops = {0.0, 0.02, 0.05, 0.08, 0.10};
  const std::vector<double> max_drops = {0.0, 0.02};
  std::vector<std::vector<std::vector<double>>> table;  // [cases][drop][max_drop]
  uint64_t seed = 1;
  for (int cases : case_counts) {
    table.emplace_back();
    for (double drop : drops) {
      table.back().push_back(evalkit::flagged_share(cases, drop, max_drops, repetitions, seed++));
    }
  }
  for (size_t k = 0; k < max_drops.size(); ++k) {
    std::printf("\nmax_drop %.2f, alpha 0.05, %d repetitions per cell\n\n", max_drops[k],
                repetitions);
    std::printf("| cases |");
    for (double drop : drops) std::printf(" drop %.2f |", drop);
    std::printf("\n| ---: |");
    for (size_t d = 0; d < drops.size(); ++d) std::printf(" ---: |");
    std::printf("\n");
    for (size_t c = 0; c < case_counts.size(); ++c) {
      std::printf("| %d |", case_counts[c]);
      for (size_t d = 0; d < drops.size(); ++d) std::printf(" %.0f%% |", 100 * table[c][d][k]);
      std::printf("\n");
    }
  }
  return 0;
}
