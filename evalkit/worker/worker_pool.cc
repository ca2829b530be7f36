#include "evalkit/worker/worker_pool.h"

#include <chrono>
#include <cstdlib>
#include <map>
#include <thread>

namespace evalkit {

WorkerPool::WorkerPool(WorkerCommand command, size_t max_workers, WorkerLimits limits)
    : command_(std::move(command)),
      limits_(limits),
      max_workers_(std::max<size_t>(1, max_workers)) {}

WorkerPool::~WorkerPool() { shutdown(0.5); }

WorkerReply WorkerPool::call(const nlohmann::json& request, double timeout_s) {
  std::unique_ptr<JsonLineWorker> worker;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_changed_.wait(
        lock, [&] { return !broken_.empty() || !idle_.empty() || existing_ < max_workers_; });
    if (!broken_.empty()) {
      WorkerReply reply;
      reply.failure = WorkerFailure::kStart;
      reply.error = broken_;
      return reply;
    }
    if (!idle_.empty()) {
      worker = std::move(idle_.back());
      idle_.pop_back();
    } else {
      worker = std::make_unique<JsonLineWorker>(command_, limits_);
      ++existing_;
    }
    if (!worker->running()) ++started_;
  }
  WorkerReply reply = worker->call(request, timeout_s);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // A process that failed before answering anything is a failed start (a missing program,
    // a script that dies on import); one that answered before only tripped on this request.
    const bool failed_start = reply.failure == WorkerFailure::kStart ||
                              (reply.failure != WorkerFailure::kNone && !reply.ever_answered);
    if (reply.failure == WorkerFailure::kNone) {
      failed_starts_ = 0;
    } else if (failed_start && ++failed_starts_ >= kMaxFailedStarts) {
      broken_ = reply.error + " (gave up after " + std::to_string(kMaxFailedStarts) +
                " failed starts in a row)";
    }
    idle_.push_back(std::move(worker));
  }
  idle_changed_.notify_all();
  return reply;
}

void WorkerPool::shutdown(double grace_s) {
  std::vector<std::unique_ptr<JsonLineWorker>> stopping;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping.swap(idle_);
    existing_ -= stopping.size();
    failed_starts_ = 0;
    broken_.clear();
  }
  idle_changed_.notify_all();
  // Close every stdin first so all workers wind down at once, then wait for each.
  for (auto& worker : stopping) worker->close_input();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  for (auto& worker : stopping) {
    const double left =
        std::chrono::duration<double>(deadline - std::chrono::steady_clock::now()).count();
    worker->stop(std::max(0.0, left));
  }
}

size_t WorkerPool::processes_started() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return started_;
}

namespace {

struct SharedPools {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<WorkerPool>> pools;

  ~SharedPools() {
    for (auto& [key, pool] : pools) pool->shutdown(0.5);
  }
};

SharedPools& shared_pools() {
  static SharedPools pools;
  return pools;
}

std::string pool_key(const WorkerCommand& command, size_t max_workers) {
  std::string key = command.directory + '\0' + std::to_string(max_workers);
  for (const auto& arg : command.argv) key += '\0' + arg;
  return key;
}

}  // namespace

std::shared_ptr<WorkerPool> shared_worker_pool(const WorkerCommand& command, size_t max_workers) {
  SharedPools& shared = shared_pools();
  std::lock_guard<std::mutex> lock(shared.mutex);
  auto& pool = shared.pools[pool_key(command, max_workers)];
  if (!pool) pool = std::make_shared<WorkerPool>(command, max_workers);
  return pool;
}

void shutdown_shared_worker_pools() {
  std::vector<std::shared_ptr<WorkerPool>> pools;
  {
    SharedPools& shared = shared_pools();
    std::lock_guard<std::mutex> lock(shared.mutex);
    for (auto& [key, pool] : shared.pools) pools.push_back(pool);
  }
  for (auto& pool : pools) pool->shutdown(1.0);
}

}  // namespace evalkit
