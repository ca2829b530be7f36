// Synthetic JSON report documents (docs/json-report.md) for the report writers' tests:
// N trials with a mix of passes, failures, errors and hostile model outputs, and
// optionally a comparison with a baseline.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evalkit::testing {

struct SyntheticReportOptions {
  int trials = 20;
  int repeats = 1;              // trials are grouped into cases of `repeats` each
  bool with_comparison = true;  // add `comparison` and per-trial `baseline`
  bool hostile = true;          // every 7th output (from the 2nd) is a hostile payload
  std::string suite = "quickstart";
  // A grid of cells: when both are set, trial i is case i / (cells), cell i % (cells), where
  // cells = prompts x providers (prompt-major), so every case runs in every cell.
  std::vector<std::string> prompts;
  std::vector<std::string> providers;
  // Judge scores carry what the judge saw, as the judge scorer records it: the system
  // message, the rendered prompt and each raw verdict.
  bool judge_transcripts = false;
};

// Outputs that try to run script or inject an element in an HTML page. Each one, if it
// ever ran, would set window.__pwned and add an element with id kInjectedMarkerId.
const std::vector<std::string>& hostile_outputs();
inline constexpr const char* kInjectedMarkerId = "evalkit-pwned-marker";

// A complete document whose summary, scorer means and comparison agree with its trials.
// Trial i: an infrastructure error when i % 17 == 6, a failure when i % 5 == 3, else a
// pass; in comparisons, trial i's baseline passed when i % 11 == 3 (so some flip).
nlohmann::json make_report_document(const SyntheticReportOptions& options = {});

}  // namespace evalkit::testing
