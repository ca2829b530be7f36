// Adaptive concurrency for one endpoint: additive increase, multiplicative decrease (AIMD),
// as TCP does with its congestion window. A burst of "slow down" answers (429) halves the
// number of requests allowed in flight; successes grow it back by one per window.
#pragma once

#include <cstdint>

namespace evalkit {

class AdaptiveLimit {
 public:
  // Starts at ceiling (the configured concurrency) and never leaves [1, ceiling].
  explicit AdaptiveLimit(int ceiling);

  // Requests allowed in flight now.
  int current() const { return current_; }

  // The epoch a request starts in; pass it back with its outcome.
  uint64_t epoch() const { return epoch_; }

  // A request started in `started_epoch` was told to slow down. Halves the limit once per
  // epoch: answers to requests sent before the last cut say nothing about the new limit.
  void on_throttled(uint64_t started_epoch);

  // A request succeeded. After `current()` successes in a row, the limit grows by one.
  void on_success();

  int cuts() const { return cuts_; }

 private:
  int ceiling_;
  int current_;
  int successes_ = 0;
  uint64_t epoch_ = 0;
  int cuts_ = 0;
};

}  // namespace evalkit
