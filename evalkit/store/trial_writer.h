// Writes finished trials to the store from a background thread in batched transactions, so
// neither the network loop nor the scorers wait on disk.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "evalkit/store/store.h"

namespace evalkit {

class TrialWriter {
 public:
  // Trials waiting to be written at most: push() blocks beyond this, so a run whose trials
  // finish faster than the disk takes them holds a bounded queue, not every result.
  static constexpr size_t kDefaultMaxQueued = 2048;

  // Starts the writer thread; trials are committed at most max_delay_s after push.
  TrialWriter(Store* store, std::string run_id, double max_delay_s = 0.2,
              size_t max_queued = kDefaultMaxQueued);
  // Writes everything pushed so far, then stops.
  ~TrialWriter();

  // Queues trial for writing; waits while max_queued trials are already waiting.
  void push(TrialResult trial);
  // Blocks until everything pushed so far is committed; returns the first write error.
  Status flush();
  // Whether a write has failed (a full disk, a read-only file): the batch it held is lost.
  bool failed() const { return failed_.load(); }
  // Trials pushed but not stored because their batch failed to commit.
  size_t lost() const;
  // The most trials that ever waited to be written at once (never above max_queued).
  size_t peak_queued() const;

 private:
  void work();
  // Trials a transaction waits for (at most max_delay_s): 256, or fewer under a small bound.
  size_t batch_size() const { return std::min<size_t>(256, max_queued_); }

  Store* store_;
  std::string run_id_;
  double max_delay_s_;
  size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable flushed_;
  std::condition_variable room_;  // the queue shrank below max_queued_
  std::deque<TrialResult> queue_;
  size_t pushed_ = 0;
  size_t peak_queued_ = 0;
  size_t written_ = 0;
  bool stopping_ = false;
  int flush_requests_ = 0;  // callers blocked in flush(): write without waiting for a batch
  Status error_;
  size_t lost_ = 0;
  std::atomic<bool> failed_{false};
  std::thread thread_;
};

}  // namespace evalkit
