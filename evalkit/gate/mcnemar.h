// McNemar's exact test and a confidence interval for paired pass/fail outcomes.
//
// Each case is run by both systems; only the discordant cases carry information about a
// change: `lost` passed in the baseline and fails now, `gained` failed and passes now.
#pragma once

#include <cstdint>

namespace evalkit {

// The 2x2 table of paired outcomes over n = sum of the four cells.
struct PairedOutcomes {
  int64_t both_pass = 0;
  int64_t lost = 0;    // baseline pass, current fail
  int64_t gained = 0;  // baseline fail, current pass
  int64_t both_fail = 0;

  int64_t pairs() const { return both_pass + lost + gained + both_fail; }
  // current pass rate - baseline pass rate = (gained - lost) / n; 0 when n = 0.
  double difference() const;
};

// Two-sided exact McNemar p-value: under "no change" lost ~ Binomial(lost + gained, 1/2);
// p = min(1, 2 * P(X <= min(lost, gained))). Computed in log space, exact to double
// rounding for any count. Returns 1 when there are no discordant pairs.
double mcnemar_exact_p(int64_t lost, int64_t gained);

struct Interval {
  double low = 0;
  double high = 0;
};

// Newcombe's hybrid score interval (his method 10, 1998) for the difference of paired
// proportions current - baseline, at confidence 1 - alpha: Wilson score intervals for the
// two marginal pass rates, combined with the phi correlation of the 2x2 table. Unlike the
// Wald interval it stays inside [-1, 1] and keeps its coverage near 0 and 1.
// Returns [0, 0] when there are no pairs.
Interval newcombe_paired_interval(const PairedOutcomes& table, double alpha);

// The standard normal quantile z with P(Z <= z) = p, for 0 < p < 1.
double normal_quantile(double p);

}  // namespace evalkit
