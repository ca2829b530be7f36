// Run-wide counts of model calls, shared by every provider (printed at the end of a run).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace evalkit {

class CallCounters {
 public:
  void count_attempt() { ++attempts_; }
  void count_retry() { ++retries_; }
  void count_error(const std::string& kind) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++errors_[kind];
  }
  long long attempts() const { return attempts_; }
  long long retries() const { return retries_; }
  std::map<std::string, long long> errors() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return errors_;
  }

 private:
  std::atomic<long long> attempts_{0};
  std::atomic<long long> retries_{0};
  mutable std::mutex mutex_;
  std::map<std::string, long long> errors_;
};

}  // namespace evalkit
