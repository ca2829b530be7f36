#include "evalkit/gate/comparison.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "evalkit/base/number_text.h"
#include "evalkit/gate/holm.h"
#include "evalkit/gate/mcnemar.h"

namespace evalkit {
namespace {

struct CasePair {
  const CaseAggregate* baseline;
  const CaseAggregate* current;
};

std::string output_of(const CaseAggregate& aggregate) {
  return aggregate.first_trial ? aggregate.first_trial->answer.text : std::string();
}

GateRule rule_for(const CompareOptions& options, const std::string& metric) {
  auto it = options.gate.find(metric);
  return it == options.gate.end() ? GateRule{} : it->second;
}

MetricComparison compare_pass_rate(const std::vector<CasePair>& pairs, double alpha) {
  MetricComparison result;
  result.metric = kPassRateMetric;
  result.kind = MetricKind::kBinary;
  result.test = "mcnemar-exact";
  PairedOutcomes table;
  for (const CasePair& pair : pairs) {
    const bool was = pair.baseline->pass;
    const bool is = pair.current->pass;
    if (was && is) ++table.both_pass;
    if (was && !is) ++table.lost;
    if (!was && is) ++table.gained;
    if (!was && !is) ++table.both_fail;
  }
  result.n_pairs = table.pairs();
  if (result.n_pairs == 0) {
    result.note = "no case is in both runs";
    return result;
  }
  const double n = static_cast<double>(result.n_pairs);
  result.baseline = static_cast<double>(table.both_pass + table.lost) / n;
  result.current = static_cast<double>(table.both_pass + table.gained) / n;
  result.delta = table.difference();
  result.p_value = mcnemar_exact_p(table.lost, table.gained);
  const Interval interval = newcombe_paired_interval(table, alpha);
  result.ci_low = interval.low;
  result.ci_high = interval.high;
  return result;
}

MetricComparison compare_scores(const std::string& metric, const std::vector<CasePair>& pairs,
                                const CompareOptions& options, std::vector<double>* baseline_means,
                                std::vector<double>* current_means,
                                std::vector<const CasePair*>* scored_pairs) {
  MetricComparison result;
  result.metric = metric;
  result.kind = MetricKind::kContinuous;
  result.test = "paired-bootstrap";
  std::string mismatch;  // the first paired case whose signature differs
  for (const CasePair& pair : pairs) {
    auto base = pair.baseline->metrics.find(metric);
    auto cur = pair.current->metrics.find(metric);
    if (base == pair.baseline->metrics.end() || cur == pair.current->metrics.end()) continue;
    if (base->second.count == 0 || cur->second.count == 0) continue;
    if (mismatch.empty() && base->second.signature != cur->second.signature) {
      mismatch = "signature differs: baseline " + base->second.signature + " vs current " +
                 cur->second.signature + "; use --allow-signature-mismatch to compare anyway";
    }
    baseline_means->push_back(base->second.mean);
    current_means->push_back(cur->second.mean);
    scored_pairs->push_back(&pair);
  }
  result.n_pairs = static_cast<int64_t>(baseline_means->size());
  if (result.n_pairs == 0) {
    result.note = "no case was scored in both runs";
    return result;
  }
  if (!mismatch.empty() && !options.allow_signature_mismatch) {
    result.note = std::move(mismatch);
    return result;
  }
  BootstrapOptions bootstrap;
  bootstrap.resamples = options.resamples;
  bootstrap.seed = options.seed;
  bootstrap.alpha = options.alpha;
  const BootstrapResult outcome = paired_bootstrap(*baseline_means, *current_means, bootstrap);
  const double n = static_cast<double>(result.n_pairs);
  double baseline_sum = 0, current_sum = 0;
  for (double value : *baseline_means) baseline_sum += value;
  for (double value : *current_means) current_sum += value;
  result.baseline = baseline_sum / n;
  result.current = current_sum / n;
  result.delta = outcome.mean_difference;
  result.ci_low = outcome.ci_low;
  result.ci_high = outcome.ci_high;
  result.p_value = outcome.p_value;
  return result;
}

bool is_compared(const MetricComparison& metric) { return metric.p_value.has_value(); }

void decide_verdict(MetricComparison& metric, const GateRule& rule, double alpha) {
  metric.max_drop = rule.max_drop.value_or(0.0);
  metric.min = rule.min;
  if (!is_compared(metric)) {
    metric.verdict = MetricVerdict::kNotCompared;
    return;
  }
  const double delta = *metric.delta;
  const bool significant = *metric.p_adjusted <= alpha;
  if (metric.min && *metric.current < *metric.min) {
    metric.verdict = MetricVerdict::kRegressed;
    metric.note =
        "current " + format_number(*metric.current) + " is below min " + format_number(*metric.min);
  } else if (delta < -metric.max_drop && significant) {
    metric.verdict = MetricVerdict::kRegressed;
  } else if (delta > 0 && significant) {
    metric.verdict = MetricVerdict::kImproved;
  } else {
    metric.verdict = MetricVerdict::kNoSignificantChange;
    if (delta < 0 && significant) {
      metric.note = "significant drop of " + format_number(-delta) + " is within max_drop " +
                    format_number(metric.max_drop);
    } else if (delta < -metric.max_drop) {
      metric.note = "drop of " + format_number(-delta) + " is not significant (p_adjusted " +
                    format_number(*metric.p_adjusted) + ")";
    }
  }
}

void add_largest_drops(const std::string& metric, const std::vector<double>& baseline_means,
                       const std::vector<double>& current_means,
                       const std::vector<const CasePair*>& scored_pairs,
                       std::vector<CaseDrop>* drops) {
  std::vector<size_t> fallen;
  for (size_t i = 0; i < scored_pairs.size(); ++i) {
    if (current_means[i] < baseline_means[i]) fallen.push_back(i);
  }
  auto delta_of = [&](size_t i) { return current_means[i] - baseline_means[i]; };
  const size_t keep = std::min(fallen.size(), kLargestDropsPerMetric);
  std::partial_sort(fallen.begin(), fallen.begin() + static_cast<std::ptrdiff_t>(keep),
                    fallen.end(), [&](size_t x, size_t y) {
                      // Ties keep plan order, so the list is stable across platforms.
                      return delta_of(x) < delta_of(y) || (delta_of(x) == delta_of(y) && x < y);
                    });
  for (size_t k = 0; k < keep; ++k) {
    const size_t i = fallen[k];
    const CasePair& pair = *scored_pairs[i];
    drops->push_back(CaseDrop{metric, pair.current->key, baseline_means[i], current_means[i],
                              delta_of(i), output_of(*pair.baseline), output_of(*pair.current)});
  }
}

}  // namespace

CompareOptions CompareOptions::from_suite(const Suite& suite) {
  CompareOptions options;
  options.alpha = suite.alpha;
  options.gate = suite.gate;
  options.pass = suite.pass;
  return options;
}

const char* metric_verdict_name(MetricVerdict verdict) {
  switch (verdict) {
    case MetricVerdict::kRegressed:
      return "regressed";
    case MetricVerdict::kNoSignificantChange:
      return "no significant change";
    case MetricVerdict::kImproved:
      return "improved";
    case MetricVerdict::kNotCompared:
      return "not compared";
  }
  return "not compared";
}

Comparison compare_runs(const std::vector<TrialResult>& baseline,
                        const std::vector<TrialResult>& current, const CompareOptions& options) {
  Comparison comparison;
  comparison.alpha = options.alpha;
  const std::vector<CaseAggregate> baseline_cases = aggregate_cases(baseline, options.pass);
  const std::vector<CaseAggregate> current_cases = aggregate_cases(current, options.pass);

  std::map<CaseKey, size_t> baseline_position;
  for (size_t i = 0; i < baseline_cases.size(); ++i) {
    baseline_position.emplace(baseline_cases[i].key, i);
  }
  std::vector<CasePair> pairs;
  std::vector<bool> baseline_paired(baseline_cases.size(), false);
  for (const CaseAggregate& aggregate : current_cases) {
    auto it = baseline_position.find(aggregate.key);
    if (it == baseline_position.end()) {
      comparison.only_in_current.push_back(aggregate.key);
    } else {
      pairs.push_back({&baseline_cases[it->second], &aggregate});
      baseline_paired[it->second] = true;
    }
  }
  for (size_t i = 0; i < baseline_cases.size(); ++i) {
    if (!baseline_paired[i]) comparison.only_in_baseline.push_back(baseline_cases[i].key);
  }

  // Every metric either run scored; one scored by a single run is listed, not compared.
  std::set<std::string> baseline_metrics, current_metrics;
  for (const CaseAggregate& aggregate : baseline_cases) {
    for (const auto& entry : aggregate.metrics) baseline_metrics.insert(entry.first);
  }
  for (const CaseAggregate& aggregate : current_cases) {
    for (const auto& entry : aggregate.metrics) current_metrics.insert(entry.first);
  }
  std::set<std::string> metric_names = baseline_metrics;
  metric_names.insert(current_metrics.begin(), current_metrics.end());
  metric_names.erase(kPassRateMetric);  // a scorer may not shadow the case pass rate

  comparison.metrics.push_back(compare_pass_rate(pairs, options.alpha));
  struct ScoredMetric {
    size_t index;
    std::vector<double> baseline_means, current_means;
    std::vector<const CasePair*> scored_pairs;
  };
  std::vector<ScoredMetric> scored;
  for (const std::string& name : metric_names) {
    if (!baseline_metrics.count(name) || !current_metrics.count(name)) {
      MetricComparison missing;
      missing.metric = name;
      missing.test = "paired-bootstrap";
      missing.note = baseline_metrics.count(name) ? "scored only in the baseline run"
                                                  : "scored only in the current run";
      comparison.metrics.push_back(std::move(missing));
      continue;
    }
    ScoredMetric entry{comparison.metrics.size(), {}, {}, {}};
    comparison.metrics.push_back(compare_scores(name, pairs, options, &entry.baseline_means,
                                                &entry.current_means, &entry.scored_pairs));
    if (is_compared(comparison.metrics.back())) scored.push_back(std::move(entry));
  }

  std::vector<double> p_values;
  std::vector<size_t> tested;
  for (size_t i = 0; i < comparison.metrics.size(); ++i) {
    if (!is_compared(comparison.metrics[i])) continue;
    p_values.push_back(*comparison.metrics[i].p_value);
    tested.push_back(i);
  }
  const std::vector<double> adjusted = holm_adjust(p_values);
  for (size_t k = 0; k < tested.size(); ++k) comparison.metrics[tested[k]].p_adjusted = adjusted[k];
  for (MetricComparison& metric : comparison.metrics) {
    decide_verdict(metric, rule_for(options, metric.metric), options.alpha);
    if (metric.verdict == MetricVerdict::kRegressed) comparison.regressed = true;
  }

  for (bool lost : {true, false}) {
    for (const CasePair& pair : pairs) {
      if (pair.baseline->pass == pair.current->pass || pair.baseline->pass != lost) continue;
      comparison.flipped.push_back(CaseOutcome{pair.current->key, pair.baseline->pass,
                                               pair.current->pass, output_of(*pair.baseline),
                                               output_of(*pair.current)});
    }
  }
  for (const ScoredMetric& entry : scored) {
    add_largest_drops(comparison.metrics[entry.index].metric, entry.baseline_means,
                      entry.current_means, entry.scored_pairs, &comparison.largest_drops);
  }
  return comparison;
}

}  // namespace evalkit
