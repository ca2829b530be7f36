// Sends an HTTP request with retries, backoff and a total deadline, without holding a thread.
#pragma once

#include <functional>

#include "evalkit/http/http_client.h"
#include "evalkit/providers/call_counters.h"
#include "evalkit/providers/retry_policy.h"

namespace evalkit {

struct SendOutcome {
  HttpResponse response;  // the last attempt's response
  int attempts = 0;
  double total_s = 0;          // first send to final answer, backoff included
  bool deadline_passed = false;
};

// Sends request through http, retrying per policy; done runs once on the I/O thread.
void send_with_retries(HttpClient& http, HttpRequest request, const RetryPolicy& policy,
                       CallCounters* counters, std::function<void(SendOutcome)> done);

}  // namespace evalkit
