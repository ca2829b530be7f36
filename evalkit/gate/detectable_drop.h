// How large a drop a paired test can see with a given number of cases: the smallest true drop
// it flags with the wanted power (80% by default). A gate on a suite too small for the drops
// that matter is shown as such instead of passing quietly.
#pragma once

#include <cstdint>
#include <optional>

namespace evalkit {

// A pass/fail metric compared with the exact McNemar test at level alpha (two-sided) over
// `pairs` cases. `noise_rate` is the share of cases that flip by chance between two runs of
// the same system (half each way); a true drop adds `drop` of the cases as pass -> fail.
// Uses the normal approximation of the McNemar statistic (L - G) / sqrt(L + G). Returns the
// smallest drop in (0, 1] with power >= `power`, or nullopt when even a drop of 1 is not
// detected that often (too few cases).
std::optional<double> binary_detectable_drop(int64_t pairs, double noise_rate, double alpha,
                                             double power = 0.8);

// A score compared with a paired test at level alpha (two-sided): with sd the standard
// deviation of the per-case differences, the drop is (z(1 - alpha/2) + z(power)) * sd /
// sqrt(pairs). Returns nullopt for fewer than two pairs.
std::optional<double> continuous_detectable_drop(int64_t pairs, double sd, double alpha,
                                                 double power = 0.8);

}  // namespace evalkit
