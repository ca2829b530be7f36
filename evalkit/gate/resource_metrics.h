// Latency and cost as gated metrics (`gate: {latency_p95: {max_increase: 0.2}}`): unlike
// scores they are worse when they rise, and a team tolerates a share of rise rather than an
// absolute one. Each case's value is its mean over the repeats that got an answer; the two
// runs are compared over their paired cases with the paired bootstrap (the same resampled
// cases for both runs), of the 95th percentile or of the mean. docs/gating.md section 11.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/paired_bootstrap.h"
#include "evalkit/gate/paired_test.h"
#include "evalkit/run/trial.h"

namespace evalkit {

inline constexpr const char* kLatencyP95Metric = "latency_p95";
inline constexpr const char* kLatencyMeanMetric = "latency_mean";
inline constexpr const char* kCostMeanMetric = "cost_mean";

// latency_p95, latency_mean or cost_mean (suite_keys::resource_metrics()).
bool is_resource_metric(std::string_view metric);

// Each case's CaseResources. Cases whose every repeat erred are absent: an error has no
// latency worth comparing.
std::map<CaseKey, CaseResources> case_resources(const std::vector<TrialResult>& trials);

// The case's value for metric (latency for latency_*, cost for cost_mean).
double case_resource_value(const CaseResources& resources, std::string_view metric);

// The run's value over its cases' values: the 95th percentile (linear interpolation between
// order statistics) for latency_p95, the mean for the others; 0 without values.
double resource_statistic(std::string_view metric, std::span<const double> values);

// Compares paired case values (same length, at least one pair). delta = statistic(current)
// - statistic(baseline), so a rise is positive. The interval (at 1 - ci_alpha) and the
// two-sided p-value come from resampling the case indices with replacement, the same indices
// for both runs: the percentile interval of the resampled deltas, and
// p = (1 + #{b : |T*_b - delta| >= |delta|}) / (B + 1).
PairedTestResult resource_test(std::string_view metric, std::span<const double> baseline,
                               std::span<const double> current, double ci_alpha,
                               const BootstrapOptions& options);

// The rise of current over baseline as a share of baseline (0.25 = 25% higher); none when
// baseline is 0 and current is not (any rise from nothing is unbounded).
std::optional<double> relative_rise(double baseline, double current);

}  // namespace evalkit
