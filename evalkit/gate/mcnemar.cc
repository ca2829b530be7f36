#include "evalkit/gate/mcnemar.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace evalkit {
namespace {

// log P(X = k) for X ~ Binomial(m, 1/2).
double log_binomial_half_pmf(int64_t m, int64_t k) {
  const double md = static_cast<double>(m);
  const double kd = static_cast<double>(k);
  return std::lgamma(md + 1) - std::lgamma(kd + 1) - std::lgamma(md - kd + 1) - md * std::log(2.0);
}

// Wilson score interval for a proportion successes / n.
Interval wilson_interval(double successes, double n, double z) {
  const double p = successes / n;
  const double z2 = z * z;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace

double PairedOutcomes::difference() const {
  const int64_t n = pairs();
  return n == 0 ? 0.0 : static_cast<double>(gained - lost) / static_cast<double>(n);
}

double mcnemar_exact_p(int64_t lost, int64_t gained) {
  const int64_t m = lost + gained;
  if (m == 0) return 1.0;
  const int64_t k = std::min(lost, gained);
  if (2 * k == m) return 1.0;  // the observed split is the most likely one: nothing to see
  // Sum the lower tail with log-sum-exp around its largest term, P(X = k) (k < m/2, so the
  // pmf rises towards k). Terms far below the largest vanish in double and are skipped.
  const double log_top = log_binomial_half_pmf(m, k);
  double sum = 0;
  for (int64_t i = k; i >= 0; --i) {
    const double term = std::exp(log_binomial_half_pmf(m, i) - log_top);
    sum += term;
    if (term < 1e-18 * sum) break;
  }
  const double log_tail = log_top + std::log(sum);
  return std::min(1.0, 2.0 * std::exp(log_tail));
}

Interval newcombe_paired_interval(const PairedOutcomes& table, double alpha) {
  const int64_t n_int = table.pairs();
  if (n_int == 0) return {0, 0};
  const double n = static_cast<double>(n_int);
  const double a = static_cast<double>(table.both_pass);
  const double b = static_cast<double>(table.lost);
  const double c = static_cast<double>(table.gained);
  const double d = static_cast<double>(table.both_fail);
  const double z = normal_quantile(1 - alpha / 2);

  const double p_base = (a + b) / n;
  const double p_cur = (a + c) / n;
  const Interval base = wilson_interval(a + b, n, z);
  const Interval cur = wilson_interval(a + c, n, z);

  // phi of the 2x2 table; 0 when a margin is empty (one side constant).
  const double denominator = (a + b) * (c + d) * (a + c) * (b + d);
  const double phi = denominator > 0 ? (a * d - b * c) / std::sqrt(denominator) : 0.0;

  const double theta = p_cur - p_base;
  const double cur_down = p_cur - cur.low;
  const double base_up = base.high - p_base;
  const double cur_up = cur.high - p_cur;
  const double base_down = p_base - base.low;
  const double lower_spread =
      std::max(0.0, cur_down * cur_down - 2 * phi * cur_down * base_up + base_up * base_up);
  const double upper_spread =
      std::max(0.0, cur_up * cur_up - 2 * phi * cur_up * base_down + base_down * base_down);
  return {std::max(-1.0, theta - std::sqrt(lower_spread)),
          std::min(1.0, theta + std::sqrt(upper_spread))};
}

double normal_quantile(double p) {
  // Acklam's rational approximation (relative error < 1.2e-9), refined by one Halley step
  // on erfc, which brings it to double precision.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double low = 0.02425;
  double x;
  if (p < low) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - low) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

}  // namespace evalkit
