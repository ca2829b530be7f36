// to_json(const Comparison&): the report's "comparison" object (docs/json-report.md).
#include <optional>
#include <set>

#include "evalkit/gate/comparison.h"

namespace evalkit {
namespace {

nlohmann::json number_or_null(const std::optional<double>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json key_json(const CaseKey& key) {
  return {{"case_id", key.case_id}, {"prompt_id", key.prompt_id}, {"provider_id", key.provider_id}};
}

nlohmann::json metric_json(const MetricComparison& metric) {
  nlohmann::json j = {{"metric", metric.metric},
          {"kind", metric_kind_name(metric.kind)},
          {"gated", metric.gated},
          {"rule", metric.rule},
          {"baseline", number_or_null(metric.baseline)},
          {"current", number_or_null(metric.current)},
          {"delta", number_or_null(metric.delta)},
          {"ci_low", number_or_null(metric.ci_low)},
          {"ci_high", number_or_null(metric.ci_high)},
          {"ci_level", metric.ci_level},
          {"p_value", number_or_null(metric.p_value)},
          {"p_adjusted", number_or_null(metric.p_adjusted)},
          {"test", metric.test},
          {"n_pairs", metric.n_pairs},
          {"max_drop", metric.max_drop},
          {"min", number_or_null(metric.min)},
          {"detectable_drop", number_or_null(metric.detectable_drop)},
          {"can_detect", metric.can_detect},
          {"verdict", metric_verdict_name(metric.verdict)},
          {"note", metric.note}};
  if (metric.rise_is_worse) {  // latency and cost: a rise is worse
    j["rise_is_worse"] = true;
    j["max_increase"] = number_or_null(metric.max_increase);
    j["relative_change"] = number_or_null(metric.relative_change);
    j.erase("max_drop");
    j.erase("min");
    j.erase("detectable_drop");
  }
  return j;
}

nlohmann::json strings_json(const std::set<std::string>& items) {
  nlohmann::json array = nlohmann::json::array();
  for (const std::string& item : items) array.push_back(item);
  return array;
}

nlohmann::json pairing_json(const Pairing& pairing) {
  nlohmann::json renamed = nlohmann::json::object();
  for (const auto& [was, is] : pairing.prompt_pairs) renamed[was] = is;
  return {{"baseline_cases", pairing.baseline_cases},
          {"current_cases", pairing.current_cases},
          {"paired", pairing.paired},
          {"min_paired", pairing.min_paired},
          {"prompt_pairs", std::move(renamed)},
          {"prompts_only_in_baseline", strings_json(pairing.prompts_only_in_baseline)},
          {"prompts_only_in_current", strings_json(pairing.prompts_only_in_current)},
          {"providers_only_in_baseline", strings_json(pairing.providers_only_in_baseline)},
          {"providers_only_in_current", strings_json(pairing.providers_only_in_current)}};
}

nlohmann::json cell_json(const CellComparison& cell) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricComparison& metric : cell.metrics) metrics.push_back(metric_json(metric));
  return {{"prompt_id", cell.prompt_id},
          {"baseline_prompt_id", cell.baseline_prompt_id},
          {"provider_id", cell.provider_id},
          {"paired", cell.paired},
          {"verdict", cell.regressed ? "regressed" : "pass"},
          {"metrics", std::move(metrics)}};
}

}  // namespace

nlohmann::json to_json(const Comparison& comparison) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricComparison& metric : comparison.metrics) metrics.push_back(metric_json(metric));

  nlohmann::json cells = nlohmann::json::array();
  for (const CellComparison& cell : comparison.cells) cells.push_back(cell_json(cell));

  nlohmann::json flipped = nlohmann::json::array();
  for (const CaseOutcome& outcome : comparison.flipped) {
    nlohmann::json entry = key_json(outcome.key);
    entry["baseline_pass"] = outcome.baseline_pass;
    entry["current_pass"] = outcome.current_pass;
    entry["baseline_output"] = outcome.baseline_output;
    entry["current_output"] = outcome.current_output;
    flipped.push_back(std::move(entry));
  }

  nlohmann::json drops = nlohmann::json::array();
  for (const CaseDrop& drop : comparison.largest_drops) {
    nlohmann::json entry = {{"metric", drop.metric}};
    entry.update(key_json(drop.key));
    entry["baseline"] = drop.baseline;
    entry["current"] = drop.current;
    entry["delta"] = drop.delta;
    entry["baseline_output"] = drop.baseline_output;
    entry["current_output"] = drop.current_output;
    drops.push_back(std::move(entry));
  }

  nlohmann::json only_in_baseline = nlohmann::json::array();
  for (const CaseKey& key : comparison.only_in_baseline) only_in_baseline.push_back(key_json(key));
  nlohmann::json only_in_current = nlohmann::json::array();
  for (const CaseKey& key : comparison.only_in_current) only_in_current.push_back(key_json(key));

  return {
      {"baseline", {{"name", comparison.baseline_name}, {"run_id", comparison.baseline_run_id}}},
      {"alpha", comparison.alpha},
      {"verdict", gate_outcome_name(comparison.outcome())},
      {"not_comparable", comparison.not_comparable},
      {"changes", comparison.changes},
      {"family_size", comparison.family_size},
      {"pairing", pairing_json(comparison.pairing)},
      {"metrics", std::move(metrics)},
      {"cells", std::move(cells)},
      {"flipped", std::move(flipped)},
      {"largest_drops", std::move(drops)},
      {"only_in_baseline", std::move(only_in_baseline)},
      {"only_in_current", std::move(only_in_current)}};
}

}  // namespace evalkit
