#include "evalkit/cli/gate_step.h"

#include "evalkit/gate/floors.h"
#include "evalkit/gate/run_differences.h"
#include "evalkit/report/comparison_console.h"

namespace evalkit::cli {

bool parse_prompt_pair(const std::string& text, std::map<std::string, std::string>* pairs) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == text.size()) return false;
  (*pairs)[text.substr(0, equals)] = text.substr(equals + 1);
  return true;
}

std::string other_suite_refusal(const RunRecord& baseline, const std::string& current_suite,
                                const GateSettings& settings) {
  if (settings.allow_other_suite || baseline.suite == current_suite) return "";
  return "baseline '" + settings.baseline_label + "' is a run of suite '" + baseline.suite +
         "' (run " + baseline.id + "), this is suite '" + current_suite +
         "': nothing to compare. Save a baseline of this suite (evalkit baseline save NAME "
         "--suite " +
         current_suite + "), or pass --allow-other-suite to compare anyway";
}

Status run_gate_step(Store& store, const RunRecord& current, const std::vector<TrialResult>& trials,
                     CompareOptions options, const GateSettings& settings, std::FILE* console,
                     GateStep* step) {
  const std::vector<FloorCheck> floors = check_floors(trials, options.gate, options.pass);
  Comparison comparison;
  if (!settings.baseline_run_id.empty()) {
    RunRecord baseline;
    if (Status s = store.load_run(settings.baseline_run_id, &baseline); !s) return s;
    if (Status s = store.load_trials(settings.baseline_run_id, &step->baseline_trials); !s) {
      return s;
    }
    step->has_baseline = true;
    options.allow_signature_mismatch = settings.allow_signature_mismatch;
    options.min_paired = settings.min_paired;
    for (const auto& [was, is] : settings.prompt_pairs) options.prompt_pairs[was] = is;
    comparison = compare_runs(step->baseline_trials, trials, options);
    comparison.baseline_name = settings.baseline_label == settings.baseline_run_id
                                   ? std::string()
                                   : settings.baseline_label;
    comparison.baseline_run_id = settings.baseline_run_id;
    const RunDifferences differences = run_differences(baseline, current);
    if (differences.other_suite) {
      const std::string refusal = other_suite_refusal(baseline, current.suite, settings);
      if (!refusal.empty()) {
        comparison.not_comparable.insert(comparison.not_comparable.begin(), refusal);
      } else {
        comparison.changes.push_back("suite: baseline '" + baseline.suite + "', this run '" +
                                     current.suite + "' (--allow-other-suite)");
      }
    } else if (differences.suite_changed) {
      comparison.changes.push_back("the suite file changed since the baseline (suite hash " +
                                   baseline.suite_hash.substr(0, 12) + " -> " +
                                   current.suite_hash.substr(0, 12) + ")");
    }
    for (const std::string& change : differences.provider_changes) {
      comparison.changes.push_back(change);
    }
    print_comparison(console, comparison);
    step->comparison = to_json(comparison);
  }
  print_floors(console, floors);
  step->verdict = decide_gate(step->has_baseline ? &comparison : nullptr, floors);
  if (step->has_baseline || !floors.empty()) print_gate_verdict(console, step->verdict);
  step->gate = gate_to_json(step->verdict, floors);
  return Status::ok();
}

}  // namespace evalkit::cli
