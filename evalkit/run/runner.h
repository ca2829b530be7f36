// Runs a planned suite: model calls go out through the providers (one I/O thread), outputs
// are scored on TBB workers, and finished trials go to the store as they finish.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "evalkit/base/status.h"
#include "evalkit/providers/response_cache.h"
#include "evalkit/run/trial_plan.h"
#include "evalkit/store/store.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// When a provider's first this many model calls all fail to connect (each after its own
// retries), the endpoint is taken to be down: the run stops scheduling trials instead of
// retrying every case against it, and ends incomplete.
inline constexpr int kUnreachableAfterFailures = 5;

struct RunOptions {
  CaseFilter filter;
  int jobs = 0;  // model requests in flight at most; 0 = the sum of the run providers' concurrency
  int repeat = 0;   // overrides the suite's repeat when > 0
  std::string record_file;    // --record: append live responses to this replay file
  bool replay_strict = false; // --replay-strict: no network at all
  std::string command_line;
  // How the run narrowed the suite (-R, -E, -L, --shard, --rerun-failed, --repeat until-*), as
  // stored in the run's config "filters"; empty when it ran the whole suite. A baseline is
  // refused for a filtered run.
  nlohmann::json selection = nlohmann::json::object();
  std::string resume_run_id;  // --resume: finish this run instead of starting one
  // --cache: answers kept in the run database. Under replay_strict a miss is a replay_miss.
  CacheMode cache = CacheMode::kOff;
  // Budgets (0 = none): once live calls have spent this much, no new trial starts; trials in
  // flight finish and the run ends incomplete with reason "budget".
  double max_cost_usd = 0;
  int64_t max_tokens = 0;
  // Set (e.g. by a SIGINT handler) to stop scheduling new trials; in-flight ones finish.
  const std::atomic<bool>* stop_requested = nullptr;
};

// Receives progress; called from several threads, one call at a time.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_start(const TrialPlan& plan, const std::string& run_id, int64_t already_done) {
    (void)plan, (void)run_id, (void)already_done;
  }
  virtual void on_trial(const TrialSpec& spec, const TrialResult& result, int64_t finished) = 0;
};

struct RunSummary {
  std::string run_id;
  int64_t planned = 0;
  int64_t finished = 0;  // in this invocation (resumed runs exclude earlier ones)
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t errors = 0;        // trials whose model call or scorer failed
  int64_t model_errors = 0;  // trials whose model call failed (infrastructure)
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double duration_s = 0;
  long long attempts = 0;
  long long retries = 0;
  long long concurrency_cuts = 0;  // adaptive_concurrency providers halving their limit
  std::map<std::string, long long> errors_by_kind;
  std::string status;         // complete | interrupted | incomplete
  std::string status_reason;  // "budget" when a budget stopped the run
  double cost_usd = 0;        // of this invocation's trials (cached ones at their recorded price)
  double spent_usd = 0;       // of live calls only: what the budget counts
  int64_t spent_tokens = 0;   // tokens of live calls only
  int64_t not_run = 0;        // trials left unrun (budget or interrupt)
  long long cache_hits = 0;
  // When the store failed to keep trials (a full disk): the first error, and how many
  // finished trials of this invocation are not stored. The run is then incomplete.
  std::string store_error;
  int64_t trials_lost = 0;
  std::string record_error;  // --record could not write every answer (ResponseRecorder::status)
  // Set when the run stopped because a provider's first kUnreachableAfterFailures calls all
  // failed to connect: the last of those errors (it names the provider and its URL).
  std::string unreachable;
};

// Runs suite into store. Returns an error Status only when the run could not start
// (bad provider config, database error); failing trials are results, not errors.
Status run_suite(const Suite& suite, const RunOptions& options, Store& store,
                 RunObserver& observer, RunSummary* summary);

}  // namespace evalkit
