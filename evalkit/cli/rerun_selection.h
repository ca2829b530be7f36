// What `evalkit run` repeats: the cases that failed in a stored run (--rerun-failed), runs
// repeated until one fails or passes (--repeat until-fail:N / until-pass:N), and a stop after
// the first failure (--stop-on-failure).
#pragma once

#include <atomic>
#include <string>

#include "evalkit/base/status.h"
#include "evalkit/run/runner.h"
#include "evalkit/run/trial_plan.h"
#include "evalkit/store/store.h"

namespace evalkit::cli {

// Narrows filter to the cases with a failing (or erroring) trial in run_id. Existing -R
// patterns still apply (a case must match them too); -E, -L and --shard are left as they are.
// *failed_cases gets how many cases remain selected (0 means nothing to rerun).
Status select_failed_cases(Store& store, const std::string& run_id, CaseFilter* filter,
                           size_t* failed_cases);

// --repeat N (trials per case), until-fail:N or until-pass:N (whole runs, at most N).
struct RepeatMode {
  enum Kind { kTrials, kUntilFail, kUntilPass };
  Kind kind = kTrials;
  int count = 0;  // 0 with kTrials: the suite's own repeat
};

// Parses the --repeat argument; false when it is none of the three forms or N < 1.
bool parse_repeat_mode(const std::string& text, RepeatMode* mode);

// Forwards every event to inner and sets *stop once a trial does not pass, so the runner
// schedules nothing more (trials already in flight still finish and are reported).
class StopOnFailureObserver : public RunObserver {
 public:
  StopOnFailureObserver(RunObserver& inner, std::atomic<bool>* stop) : inner_(inner), stop_(stop) {}
  void on_start(const TrialPlan& plan, const std::string& run_id, int64_t already_done) override;
  void on_trial(const TrialSpec& spec, const TrialResult& result, int64_t finished) override;
  bool triggered() const { return triggered_; }

 private:
  RunObserver& inner_;
  std::atomic<bool>* stop_;
  bool triggered_ = false;
};

}  // namespace evalkit::cli
