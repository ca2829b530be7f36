// What differs between two stored runs besides their trials: the suite, its version, and each
// provider's model and settings. A comparison states these so that a reader knows whether the
// change they see is the prompt's, the model's, or the suite's.
#pragma once

#include <string>
#include <vector>

#include "evalkit/store/store.h"

namespace evalkit {

struct RunDifferences {
  bool other_suite = false;    // the suites' names differ
  bool suite_changed = false;  // same name, different suite hash (the suite file was edited)
  std::string baseline_suite, current_suite;
  // One line each, e.g. "provider 'assistant': model gpt-4o-mini -> gpt-4o".
  std::vector<std::string> provider_changes;
};

// Compares the runs' records (suite name and hash, providers' type, model, base_url and
// params as stored in RunRecord::providers).
RunDifferences run_differences(const RunRecord& baseline, const RunRecord& current);

}  // namespace evalkit
