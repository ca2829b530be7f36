#include "evalkit/store/trial_writer.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace evalkit {

TrialWriter::TrialWriter(Store* store, std::string run_id, double max_delay_s, size_t max_queued)
    : store_(store),
      run_id_(std::move(run_id)),
      max_delay_s_(max_delay_s),
      max_queued_(std::max<size_t>(1, max_queued)) {
  thread_ = std::thread([this] { work(); });
}

TrialWriter::~TrialWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TrialWriter::push(TrialResult trial) {
  bool wake = false;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [this] { return queue_.size() < max_queued_; });
    queue_.push_back(std::move(trial));
    peak_queued_ = std::max(peak_queued_, queue_.size());
    ++pushed_;
    // The writer sleeps until a first trial arrives, then waits (bounded) for a batch:
    // only those two moments need a wakeup.
    wake = queue_.size() == 1 || queue_.size() == batch_size();
  }
  if (wake) wake_.notify_one();
}

Status TrialWriter::flush() {
  std::unique_lock<std::mutex> lock(mutex_);
  ++flush_requests_;
  wake_.notify_one();
  flushed_.wait(lock, [this] { return written_ >= pushed_; });
  --flush_requests_;
  return error_;
}

size_t TrialWriter::lost() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return lost_;
}

size_t TrialWriter::peak_queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_queued_;
}

void TrialWriter::work() {
  std::vector<TrialResult> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      // Wait briefly for more trials so that one transaction covers many of them.
      if (!stopping_ && queue_.size() < batch_size()) {
        wake_.wait_for(lock, std::chrono::duration<double>(max_delay_s_), [this] {
          return stopping_ || flush_requests_ > 0 || queue_.size() >= batch_size();
        });
      }
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
    }
    room_.notify_all();
    Status status = store_->write_trials(run_id_, batch);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!status) {
        if (error_) error_ = status;
        lost_ += batch.size();
        failed_ = true;
      }
      written_ += batch.size();
    }
    batch.clear();
    flushed_.notify_all();
  }
}

}  // namespace evalkit
