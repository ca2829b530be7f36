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

nlohmann::json build_group_fields(const RunRecord& run, const std::vector<TrialResult>& trials,
                                  const CorpusScorers& scorers) {
  nlohmann::json fields = nlohmann::json::object();
  if (!has_several_groups(trials)) return fields;
  fields["groups"] = to_json(summarize_groups(trials, scorers));
  const GroupCompareOptions options = stored_group_options(run);
  nlohmann::json comparisons = nlohmann::json::array();
  nlohmann::json rankings = nlohmann::json::array();
  const RunCases cases = collect_run_cases(trials, options.pass);
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
