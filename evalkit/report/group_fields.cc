#include "evalkit/report/group_fields.h"

#include <set>

#include "evalkit/gate/group_ranking.h"
#include "evalkit/report/run_document.h"

namespace evalkit {

GroupCompareOptions stored_group_options(const RunRecord& run) {
  GroupCompareOptions options;
  if (run.config.is_object() && run.config.contains("alpha") && run.config["alpha"].is_number()) {
    const double alpha = run.config["alpha"].get<double>();
    if (alpha > 0 && alpha < 1) options.alpha = alpha;
  }
  options.pass = stored_pass_rule(run);
  return options;
}

namespace {

// The fields from the run's summaries and cases, however they were collected.
nlohmann::json group_fields_of(const GroupSummaries& summaries, const RunCases& cases,
                               const GroupCompareOptions& options) {
  nlohmann::json fields = nlohmann::json::object();
  fields["groups"] = to_json(summaries);
  nlohmann::json comparisons = nlohmann::json::array();
  nlohmann::json rankings = nlohmann::json::array();
  for (GroupBy by : {GroupBy::kProvider, GroupBy::kPrompt}) {
    const GroupComparisons family = compare_groups(cases, by, options);
    for (auto& entry : to_json(family)) comparisons.push_back(std::move(entry));
    for (auto& entry : to_json(rank_groups(cases, family, options))) {
      rankings.push_back(std::move(entry));
    }
  }
  fields["group_comparisons"] = std::move(comparisons);
  fields["rankings"] = std::move(rankings);
  return fields;
}

}  // namespace

nlohmann::json build_group_fields(const RunRecord& run, const std::vector<TrialResult>& trials,
                                  const CorpusScorers& scorers) {
  if (!has_several_groups(trials)) return nlohmann::json::object();
  const GroupCompareOptions options = stored_group_options(run);
  return group_fields_of(summarize_groups(trials, scorers),
                         collect_run_cases(trials, options.pass), options);
}

Status build_group_fields(Store& store, const RunRecord& run, const CorpusScorers& scorers,
                          nlohmann::json* fields) {
  *fields = nlohmann::json::object();
  bool several = false;
  if (Status s = store.has_several_groups(run.id, &several); !s || !several) return s;
  const GroupCompareOptions options = stored_group_options(run);
  int64_t case_ids = 0, case_keys = 0;
  if (Status s = store.count_cases(run.id, &case_ids, &case_keys); !s) return s;
  GroupSummarizer summarizer(scorers);
  RunCasesCollector cases(static_cast<size_t>(case_keys));
  Status read = store.for_each_trial(run.id, 1024, [&](const TrialResult& trial) {
    summarizer.add(trial);
    cases.add(trial);
    return Status::ok();
  });
  if (!read) return read;
  *fields = group_fields_of(summarizer.finish(), cases.finish(options.pass), options);
  return Status::ok();
}

std::vector<std::string> group_metric_names(const nlohmann::json& groups) {
  std::vector<std::string> names;
  std::set<std::string> seen;
  if (!groups.is_array()) return names;
  for (const auto& group : groups) {
    if (!group.is_object() || !group.contains("metrics") || !group["metrics"].is_object()) continue;
    for (const auto& item : group["metrics"].items()) {
      if (seen.insert(item.key()).second) names.push_back(item.key());
    }
  }
  return names;
}

std::vector<const nlohmann::json*> group_comparisons_by(const nlohmann::json& document,
                                                        const std::string& by) {
  std::vector<const nlohmann::json*> comparisons;
  if (!document.is_object() || !document.contains("group_comparisons")) return comparisons;
  for (const auto& comparison : document["group_comparisons"]) {
    if (comparison.is_object() && comparison.value("by", "") == by) {
      comparisons.push_back(&comparison);
    }
  }
  return comparisons;
}

}  // namespace evalkit
