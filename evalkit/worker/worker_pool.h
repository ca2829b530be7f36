// A bounded set of JsonLineWorkers running one command: a caller borrows an idle worker (or
// starts one, up to the limit), makes one call, and gives it back. Pools are shared by command,
// so scorers built per trial reuse the processes of the run instead of starting new ones.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "evalkit/worker/json_line_worker.h"

namespace evalkit {

class WorkerPool {
 public:
  // max_workers >= 1 processes at most; they start when first needed.
  WorkerPool(WorkerCommand command, size_t max_workers, WorkerLimits limits = {});
  ~WorkerPool();

  // One request on an idle worker (waiting for one when all are busy). Thread-safe.
  // After kMaxFailedStarts processes in a row failed before answering anything (a missing
  // program, a script that dies on import), the pool stops starting new ones and every later
  // call fails at once with the last message.
  WorkerReply call(const nlohmann::json& request, double timeout_s);

  // Stops every worker: closes their stdin, waits up to grace_s, kills what is left. Calls
  // after this start workers again.
  void shutdown(double grace_s = 1.0);

  // Processes started so far (restarts included), for tests and summaries.
  size_t processes_started() const;

  static constexpr int kMaxFailedStarts = 3;

 private:
  WorkerCommand command_;
  WorkerLimits limits_;
  size_t max_workers_;
  mutable std::mutex mutex_;
  std::condition_variable idle_changed_;
  std::vector<std::unique_ptr<JsonLineWorker>> idle_;
  size_t existing_ = 0;  // idle + borrowed
  size_t started_ = 0;
  int failed_starts_ = 0;
  std::string broken_;  // non-empty once the pool gave up starting processes
};

// The pool for command, shared by every caller that asks with an equal command and limit;
// created on first use. Pools live until shutdown_shared_worker_pools().
std::shared_ptr<WorkerPool> shared_worker_pool(const WorkerCommand& command, size_t max_workers);

// Stops the processes of every shared pool (the end of a run, and at exit).
void shutdown_shared_worker_pools();

}  // namespace evalkit
