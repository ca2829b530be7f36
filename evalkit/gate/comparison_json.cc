// to_json(const Comparison&): the report's "comparison" object (docs/json-report.md).
#include <optional>

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
  return {{"metric", metric.metric},
          {"kind", metric.kind == MetricKind::kBinary ? "binary" : "continuous"},
          {"baseline", number_or_null(metric.baseline)},
          {"current", number_or_null(metric.current)},
          {"delta", number_or_null(metric.delta)},
          {"ci_low", number_or_null(metric.ci_low)},
          {"ci_high", number_or_null(metric.ci_high)},
          {"p_value", number_or_null(metric.p_value)},
          {"p_adjusted", number_or_null(metric.p_adjusted)},
          {"test", metric.test},
          {"n_pairs", metric.n_pairs},
          {"max_drop", metric.max_drop},
          {"min", number_or_null(metric.min)},
          {"verdict", metric_verdict_name(metric.verdict)},
          {"note", metric.note}};
}

}  // namespace

nlohmann::json to_json(const Comparison& comparison) {
  nlohmann::json metrics = nlohmann::json::array();
  for (const MetricComparison& metric : comparison.metrics) metrics.push_back(metric_json(metric));

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
      {"verdict", comparison.regressed ? "regressed" : "pass"},
      {"metrics", std::move(metrics)},
      {"flipped", std::move(flipped)},
      {"largest_drops", std::move(drops)},
      {"only_in_baseline", std::move(only_in_baseline)},
      {"only_in_current", std::move(only_in_current)}};
}

}  // namespace evalkit
