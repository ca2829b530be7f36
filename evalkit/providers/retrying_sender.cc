#include "evalkit/providers/retrying_sender.h"

#include <chrono>
#include <memory>
#include <random>

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

struct RetryState {
  HttpClient* http;
  HttpRequest request;
  RetryPolicy policy;
  CallCounters* counters;
  std::function<void(SendOutcome)> done;
  Clock::time_point start;
  int attempts = 0;
};

// Jitter needs randomness, not security: one generator per thread, seeded once.
std::mt19937_64& jitter_rng() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return rng;
}

void attempt(std::shared_ptr<RetryState> state, double delay_s);

void on_response(std::shared_ptr<RetryState> state, HttpResponse response) {
  const double elapsed = std::chrono::duration<double>(Clock::now() - state->start).count();
  if (is_retryable(response) && state->attempts < state->policy.max_attempts) {
    const double delay = retry_delay_s(state->policy, state->attempts, response, jitter_rng());
    if (elapsed + delay + 0.001 < state->policy.deadline_s) {
      if (state->counters) state->counters->count_retry();
      attempt(state, delay);
      return;
    }
  }
  SendOutcome outcome;
  outcome.attempts = state->attempts;
  outcome.total_s = elapsed;
  outcome.deadline_passed = is_retryable(response) && elapsed >= state->policy.deadline_s;
  outcome.response = std::move(response);
  auto done = std::move(state->done);
  done(std::move(outcome));
}

void attempt(std::shared_ptr<RetryState> state, double delay_s) {
  ++state->attempts;
  if (state->counters) state->counters->count_attempt();
  // Never let one attempt run past the call's deadline.
  HttpRequest request = state->request;
  const double elapsed = std::chrono::duration<double>(Clock::now() - state->start).count();
  const double remaining = state->policy.deadline_s - elapsed - delay_s;
  if (remaining < request.timeout_s) request.timeout_s = std::max(0.05, remaining);
  state->http->submit(
      std::move(request), [state](HttpResponse response) { on_response(state, std::move(response)); },
      delay_s);
}

}  // namespace

void send_with_retries(HttpClient& http, HttpRequest request, const RetryPolicy& policy,
                       CallCounters* counters, std::function<void(SendOutcome)> done) {
  auto state = std::make_shared<RetryState>();
  state->http = &http;
  state->request = std::move(request);
  state->policy = policy;
  state->counters = counters;
  state->done = std::move(done);
  state->start = Clock::now();
  attempt(state, 0);
}

}  // namespace evalkit
