#include "tests/support/simulated_runs.h"

#include <string>

namespace evalkit::testing {

double draw_beta(std::mt19937_64& rng, double a, double b) {
  std::gamma_distribution<double> gamma_a(a, 1.0), gamma_b(b, 1.0);
  const double x = gamma_a(rng);
  const double y = gamma_b(rng);
  return x / (x + y);
}

std::vector<TrialResult> simulated_run(int cases, bool with_score) {
  std::vector<TrialResult> run(cases);
  for (int i = 0; i < cases; ++i) {
    run[i].index = i;
    run[i].key = {"case-" + std::to_string(i), "qa", "model", 0};
    if (with_score) {
      Score score;
      score.name = "quality";
      score.type = "simulated";
      score.signature = "quality|v1";
      run[i].scores.push_back(score);
    }
  }
  return run;
}

}  // namespace evalkit::testing
