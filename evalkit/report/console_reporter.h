// CTest-style console output: a line per trial as it finishes, a progress line on a
// terminal, and the closing summary.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "evalkit/run/runner.h"

namespace evalkit {

struct ConsoleOptions {
  int verbosity = 1;          // 0 = -q (failures and summary), 1 = normal, 2 = -V (outputs too)
  bool progress = false;      // redraw a progress line (only on a terminal)
  bool color = false;
  bool output_on_failure = false;  // print the output of failing trials
};

class ConsoleReporter : public RunObserver {
 public:
  ConsoleReporter(std::FILE* out, const ConsoleOptions& options);

  void on_start(const TrialPlan& plan, const std::string& run_id, int64_t already_done) override;
  void on_trial(const TrialSpec& spec, const TrialResult& result, int64_t finished) override;

  // "97% tests passed, 3 tests failed out of 120" with times, tokens and the failures list.
  void print_summary(const RunSummary& summary);

 private:
  void clear_progress();
  void draw_progress(int64_t finished);

  std::FILE* out_;
  ConsoleOptions options_;
  const TrialPlan* plan_ = nullptr;
  int64_t total_ = 0;
  int64_t already_done_ = 0;
  int index_width_ = 1;
  size_t name_width_ = 40;
  bool progress_drawn_ = false;
  struct Failure {
    int64_t number;
    std::string name;
    std::string what;
  };
  std::vector<Failure> failures_;
};

}  // namespace evalkit
