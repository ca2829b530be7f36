#include "evalkit/gate/detectable_drop.h"

#include <algorithm>
#include <cmath>

#include "evalkit/gate/mcnemar.h"
#include "evalkit/gate/paired_test.h"

namespace evalkit {
namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Power of the McNemar test against a true drop: L ~ n (noise/2 + drop), G ~ n noise/2.
double binary_power(double n, double noise_rate, double drop, double z) {
  const double lost = n * (noise_rate / 2 + drop);
  const double gained = n * noise_rate / 2;
  const double discordant = lost + gained;
  if (discordant <= 0) return 0;
  // Var(L - G) given n draws: n (pl + pg) - n (pl - pg)^2.
  const double variance = discordant - n * drop * drop;
  const double shift = (lost - gained) - z * std::sqrt(discordant);
  if (variance <= 1e-12) return shift > 0 ? 1.0 : 0.0;
  return normal_cdf(shift / std::sqrt(variance));
}

}  // namespace

std::optional<double> binary_detectable_drop(int64_t pairs, double noise_rate, double alpha,
                                             double power) {
  if (pairs <= 0 || smallest_reachable_p(pairs) > alpha) return std::nullopt;
  const double n = static_cast<double>(pairs);
  const double noise = std::clamp(noise_rate, 0.0, 1.0);
  const double z = normal_quantile(1 - alpha / 2);
  const double max_drop = 1.0 - noise / 2;  // a drop cannot take more cases than pass
  if (binary_power(n, noise, max_drop, z) < power) return std::nullopt;
  double low = 0, high = max_drop;
  for (int i = 0; i < 60; ++i) {
    const double mid = (low + high) / 2;
    (binary_power(n, noise, mid, z) >= power ? high : low) = mid;
  }
  // Exact McNemar needs at least pairs_needed_to_detect discordant cases; the normal
  // approximation may ask for fewer on tiny suites.
  const double floor = static_cast<double>(pairs_needed_to_detect(alpha)) / n;
  return std::min(1.0, std::max(high, floor));
}

std::optional<double> continuous_detectable_drop(int64_t pairs, double sd, double alpha,
                                                 double power) {
  if (pairs < 2 || smallest_reachable_p(pairs) > alpha) return std::nullopt;
  const double z = normal_quantile(1 - alpha / 2) + normal_quantile(power);
  return z * sd / std::sqrt(static_cast<double>(pairs));
}

}  // namespace evalkit
