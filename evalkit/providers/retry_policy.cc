#include "evalkit/providers/retry_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace evalkit {

bool is_retryable(const HttpResponse& response) {
  if (response.body_too_large) return false;  // the same answer would come back
  if (!response.transport_error.empty()) return true;
  const int s = response.status;
  return s == 408 || s == 429 || s >= 500;
}

double parse_retry_after(const std::string& value, std::time_t now) {
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::stod(value);
  }
  const std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return -1;
  return std::max(0.0, double(when - now));
}

double retry_delay_s(const RetryPolicy& policy, int failures, const HttpResponse& response,
                     std::mt19937_64& rng) {
  const double retry_after = parse_retry_after(response.retry_after, std::time(nullptr));
  if (retry_after >= 0) return std::min(retry_after, policy.max_delay_s);
  const double ceiling =
      std::min(policy.max_delay_s, policy.base_delay_s * std::ldexp(1.0, std::max(0, failures - 1)));
  return std::uniform_real_distribution<double>(0.0, ceiling)(rng);
}

}  // namespace evalkit
