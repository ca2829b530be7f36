// When and how long to wait before retrying a model call.
#pragma once

#include <ctime>
#include <random>
#include <string>

#include "evalkit/http/http_client.h"

namespace evalkit {

struct RetryPolicy {
  int max_attempts = 4;        // including the first
  double base_delay_s = 0.5;   // first backoff ceiling; doubles each failure
  double max_delay_s = 30;     // backoff ceiling
  double deadline_s = 300;     // total time for all attempts of one call
};

// Connect errors, timeouts, 429, 5xx (and 408) are retried; other 4xx never are. A 2xx whose
// body is malformed is an answer, not a fault of the exchange, so it is not retried either.
bool is_retryable(const HttpResponse& response);

// Parses Retry-After: delta-seconds or an HTTP date. Returns seconds to wait (>= 0), or -1 when
// the value is missing or unparseable.
double parse_retry_after(const std::string& value, std::time_t now);

// Delay before the next attempt after `failures` failed attempts (1-based): full jitter,
// uniform in [0, min(max_delay, base * 2^(failures-1))], unless the server sent Retry-After,
// which wins (capped at max_delay_s).
double retry_delay_s(const RetryPolicy& policy, int failures, const HttpResponse& response,
                     std::mt19937_64& rng);

}  // namespace evalkit
