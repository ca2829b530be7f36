#include "evalkit/cli/gate_step.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "evalkit/gate/case_pairs.h"

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

Status for_each_stored_case(
    Store& store, const std::string& run_id, const PassRule& pass,
    const std::function<Status(const CaseAggregate& aggregate, int64_t order)>& visit) {
  CaseAggregator aggregator;
  TrialKey held;  // the key of the case being folded (its repeat unused)
  bool holding = false;
  int64_t order = 0;
  auto hand_over = [&]() {
    const std::vector<CaseAggregate> one = aggregator.finish(pass);
    return visit(one.front(), order);
  };
  Status read = store.for_each_trial_outcome_by_key(run_id, [&](const TrialResult& trial) {
    const TrialKey& key = trial.key;
    if (holding && (key.case_id != held.case_id || key.prompt_id != held.prompt_id ||
                    key.provider_id != held.provider_id)) {
      if (std::tie(key.case_id, key.prompt_id, key.provider_id) <
          std::tie(held.case_id, held.prompt_id, held.provider_id)) {
        return Status::error("database: the trials of run " + run_id +
                             " were not read in key order");
      }
      if (Status v = hand_over(); !v) return v;
      holding = false;
    }
    if (!holding) {
      held = key;
      order = trial.index;
      holding = true;
    }
    order = std::min(order, trial.index);
    aggregator.add(trial);
    return Status::ok();
  });
  if (!read) return read;
  return holding ? hand_over() : Status::ok();
}

namespace {

// The outputs of the cases a comparison lists (flipped, largest drops), read from the store
// by the trial indices compare_cases kept.
Status fill_outputs(Store& store, const std::string& baseline_run_id,
                    const std::string& current_run_id, Comparison* comparison) {
  std::vector<int64_t> baseline_indices, current_indices;
  for (const CaseOutcome& c : comparison->flipped) {
    baseline_indices.push_back(c.baseline_trial_index);
    current_indices.push_back(c.current_trial_index);
  }
  for (const CaseDrop& d : comparison->largest_drops) {
    baseline_indices.push_back(d.baseline_trial_index);
    current_indices.push_back(d.current_trial_index);
  }
  std::map<int64_t, std::string> baseline_outputs, current_outputs;
  if (Status s = store.trial_outputs(baseline_run_id, baseline_indices, &baseline_outputs); !s) {
    return s;
  }
  if (Status s = store.trial_outputs(current_run_id, current_indices, &current_outputs); !s) {
    return s;
  }
  auto output = [](const std::map<int64_t, std::string>& outputs, int64_t index) {
    const auto it = outputs.find(index);
    return it == outputs.end() ? std::string() : it->second;
  };
  for (CaseOutcome& c : comparison->flipped) {
    c.baseline_output = output(baseline_outputs, c.baseline_trial_index);
    c.current_output = output(current_outputs, c.current_trial_index);
  }
  for (CaseDrop& d : comparison->largest_drops) {
    d.baseline_output = output(baseline_outputs, d.baseline_trial_index);
    d.current_output = output(current_outputs, d.current_trial_index);
  }
  return Status::ok();
}

}  // namespace

Status run_gate_step(Store& store, const RunRecord& current, CompareOptions options,
                     const GateSettings& settings, std::FILE* console, GateStep* step) {
  const bool compare = !settings.baseline_run_id.empty();
  RunRecord baseline;
  std::map<std::string, std::string> renames;
  if (compare) {
    if (Status s = store.load_run(settings.baseline_run_id, &baseline); !s) return s;
    options.allow_signature_mismatch = settings.allow_signature_mismatch;
    options.min_paired = settings.min_paired;
    for (const auto& [was, is] : settings.prompt_pairs) options.prompt_pairs[was] = is;
    std::set<std::string> baseline_prompts, current_prompts;
    if (Status s = store.prompt_ids(settings.baseline_run_id, &baseline_prompts); !s) return s;
    if (Status s = store.prompt_ids(current.id, &current_prompts); !s) return s;
    renames = prompt_renames(baseline_prompts, current_prompts, options.prompt_pairs);
  }
  // Each run is read a case at a time in key order: the current run's cases become the rows
  // of the pairs (and the floors' values), and each baseline case finds its row by key.
  CasePairsBuilder pairs(renames, compares_resources(options), options.min_paired);
  FloorChecker floor_checker(options.gate);
  const bool floors_wanted = has_floors(options.gate);
  if (compare || floors_wanted) {
    Status read = for_each_stored_case(
        store, current.id, options.pass, [&](const CaseAggregate& c, int64_t order) {
          if (compare) pairs.add_current(c, order);
          if (floors_wanted) floor_checker.add(c, order);
          return Status::ok();
        });
    if (!read) return read;
  }
  const std::vector<FloorCheck> floors =
      floors_wanted ? floor_checker.finish() : std::vector<FloorCheck>{};
  Comparison comparison;
  if (compare) {
    Status read = for_each_stored_case(
        store, settings.baseline_run_id, options.pass, [&](const CaseAggregate& c, int64_t order) {
          const uint32_t row = pairs.find_sorted(c.key.case_id, pairs.paired_prompt(c.key.prompt_id),
                                                 c.key.provider_id);
          pairs.add_baseline(c, row, order);
          return Status::ok();
        });
    if (!read) return read;
    step->has_baseline = true;
    step->baseline_run_id = settings.baseline_run_id;
    comparison = compare_pairs(pairs.finish(), options);
    if (Status s = fill_outputs(store, settings.baseline_run_id, current.id, &comparison); !s) {
      return s;
    }
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
