#include "evalkit/gate/comparison.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "evalkit/base/number_text.h"
#include "evalkit/gate/case_pairing.h"
#include "evalkit/gate/detectable_drop.h"
#include "evalkit/gate/holm.h"
#include "evalkit/gate/resource_metrics.h"

namespace evalkit {
namespace {

// One metric's paired values: a from the baseline, b from the current run, and the rows of
// CasePairs they are of.
struct Series {
  std::vector<double> a, b;
  std::vector<uint32_t> rows;
  std::string mismatch;  // the first paired case whose signature differs
};

// A metric to compare over a set of pairs, before its test runs.
struct Pending {
  MetricComparison* result;
  Series series;
  bool in_family = false;
};

// A latency or cost metric's case values over the pairs where both runs got an answer.
Series resource_series(const std::string& metric, const CasePairs& pairs,
                       const std::vector<uint32_t>& rows) {
  Series series;
  for (const uint32_t row : rows) {
    const CaseResources& base = pairs.baseline_resources[row];
    const CaseResources& cur = pairs.current_resources[row];
    if (base.answered == 0 || cur.answered == 0) continue;
    series.a.push_back(case_resource_value(base, metric));
    series.b.push_back(case_resource_value(cur, metric));
    series.rows.push_back(row);
  }
  return series;
}

// Fills a latency or cost metric's comparison before its test; false when no case got an
// answer in both runs.
bool prepare_resource(const std::string& metric, const Series& series, const GateRule& rule,
                      MetricComparison* result) {
  result->metric = metric;
  result->gated = true;
  result->rise_is_worse = true;
  result->rule = rule.test == GateTest::kNone ? "threshold" : "paired";
  result->max_increase = rule.max_increase;
  result->kind = MetricKind::kContinuous;
  result->test = metric == kLatencyP95Metric ? "paired-bootstrap-p95" : "paired-bootstrap";
  result->n_pairs = static_cast<int64_t>(series.a.size());
  if (result->n_pairs == 0) {
    result->note = "no case got an answer in both runs";
    return false;
  }
  return true;
}

// "20%", "35.5%", "10812%": no exponent, however large the rise.
std::string percent(double share) {
  const double value = share * 100;
  if (std::fabs(value) < 1000) return format_number(value) + "%";
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.0f%%", value);
  return buffer;
}

// A rise beyond max_increase that is significant (or, under a threshold rule, any rise
// beyond it) regresses; a significant fall improves.
void decide_resource_verdict(MetricComparison& metric, double alpha) {
  if (!metric.p_value) {
    metric.verdict = MetricVerdict::kNotCompared;
    return;
  }
  metric.relative_change = relative_rise(*metric.baseline, *metric.current);
  const double allowed = metric.max_increase.value_or(0);
  const bool beyond = *metric.delta > 0 &&
                      (!metric.relative_change || *metric.relative_change > allowed);
  const std::string rise = metric.relative_change ? "rise of " + percent(*metric.relative_change)
                                                  : "rise from 0";
  if (metric.rule == "threshold") {
    if (beyond) {
      metric.verdict = MetricVerdict::kRegressed;
      metric.note = rise + " is larger than max_increase " + percent(allowed) +
                    " (threshold rule, no test)";
    } else {
      metric.verdict = *metric.delta < 0 ? MetricVerdict::kImproved
                                         : MetricVerdict::kNoSignificantChange;
    }
    return;
  }
  const double p = metric.p_adjusted.value_or(*metric.p_value);
  const bool significant = p <= alpha;
  if (beyond && significant) {
    metric.verdict = MetricVerdict::kRegressed;
    metric.note = rise + " is larger than max_increase " + percent(allowed);
  } else if (*metric.delta < 0 && significant) {
    metric.verdict = MetricVerdict::kImproved;
  } else {
    metric.verdict = MetricVerdict::kNoSignificantChange;
    if (*metric.delta > 0 && significant) {
      metric.note = "significant " + rise + " is within max_increase " + percent(allowed);
    } else if (beyond) {
      metric.note = rise + " is not significant (" + (metric.p_adjusted ? "p_adjusted " : "p ") +
                    format_number(p) + ")";
    }
  }
}

// The output of a row's first repeat in one run, when the trials are held (else empty: the
// caller reads it from the store by the trial index).
std::string output_of(const std::vector<const TrialResult*>& first, uint32_t row) {
  return row < first.size() && first[row] != nullptr ? first[row]->answer.text : std::string();
}

Series pass_series(const CasePairs& pairs, const std::vector<uint32_t>& rows) {
  Series series;
  series.a.reserve(rows.size());
  series.b.reserve(rows.size());
  series.rows.reserve(rows.size());
  for (const uint32_t row : rows) {
    series.a.push_back(pairs.pass[row] & CasePairs::kBaselinePass ? 1 : 0);
    series.b.push_back(pairs.pass[row] & CasePairs::kCurrentPass ? 1 : 0);
    series.rows.push_back(row);
  }
  return series;
}

// The cases both runs scored. The signature mismatch is the pooled one (the first paired case
// whose signatures differ); a cell's pairs are among them.
Series score_series(const std::string& metric, const CasePairs& pairs,
                    const std::vector<uint32_t>& rows) {
  Series series;
  const PairMetric* column = pairs.metric(metric);
  if (column == nullptr) return series;
  constexpr uint8_t kBoth = PairMetric::kBaselineScored | PairMetric::kCurrentScored;
  for (const uint32_t row : rows) {
    if ((column->scored[row] & kBoth) != kBoth) continue;
    series.a.push_back(column->baseline[row]);
    series.b.push_back(column->current[row]);
    series.rows.push_back(row);
  }
  series.mismatch = column->mismatch;
  return series;
}

// Which metrics the gate watches, and by which rule.
class GatePolicy {
 public:
  GatePolicy(const CompareOptions& options, const std::set<std::string>& weighted)
      : options_(options), weighted_(weighted) {}

  bool gated(const std::string& metric) const {
    if (!options_.gate.empty()) return options_.gate.count(metric) > 0;
    return metric == kPassRateMetric || weighted_.count(metric) > 0;
  }
  GateRule rule(const std::string& metric) const {
    auto it = options_.gate.find(metric);
    return it == options_.gate.end() ? GateRule{} : it->second;
  }

 private:
  const CompareOptions& options_;
  const std::set<std::string>& weighted_;
};

// Fills everything but the test's outputs; says whether the metric can be tested.
bool prepare(const std::string& metric, const Series& series, const GatePolicy& policy,
             const CompareOptions& options, MetricComparison* result) {
  result->metric = metric;
  result->gated = policy.gated(metric);
  const GateRule rule = policy.rule(metric);
  result->rule = rule.test == GateTest::kNone ? "threshold" : "paired";
  result->max_drop = rule.max_drop.value_or(0.0);
  result->min = rule.min;
  result->n_pairs = static_cast<int64_t>(series.a.size());
  const bool binary =
      metric == kPassRateMetric || (values_are_binary(series.a) && values_are_binary(series.b));
  result->kind = binary ? MetricKind::kBinary : MetricKind::kContinuous;
  result->test = binary ? "mcnemar-exact" : "paired-bootstrap";
  if (result->n_pairs == 0) {
    result->note =
        metric == kPassRateMetric ? "no case is in both runs" : "no case was scored in both runs";
    return false;
  }
  if (!series.mismatch.empty() && !options.allow_signature_mismatch) {
    result->note = series.mismatch;
    return false;
  }
  return true;
}

void run_test(Pending& pending, double ci_alpha, const CompareOptions& options) {
  MetricComparison& m = *pending.result;
  BootstrapOptions bootstrap;
  bootstrap.resamples = options.resamples;
  bootstrap.seed = options.seed;
  const PairedTestResult r =
      m.rise_is_worse
          ? resource_test(m.metric, pending.series.a, pending.series.b, ci_alpha, bootstrap)
      : m.kind == MetricKind::kBinary
          ? paired_binary_test(pending.series.a, pending.series.b, ci_alpha)
          : paired_test(pending.series.a, pending.series.b, ci_alpha, bootstrap);
  m.baseline = r.a_mean;
  m.current = r.b_mean;
  m.delta = r.delta;
  m.ci_low = r.ci_low;
  m.ci_high = r.ci_high;
  m.ci_level = r.ci_level;
  m.p_value = r.p_value;
  if (!m.gated || m.rule != "paired") return;
  m.can_detect = smallest_reachable_p(r.pairs) <= ci_alpha;
  if (m.rise_is_worse) return;  // the detectable drop is a score's; a rise is not sized
  if (m.kind == MetricKind::kBinary) {
    const double noise =
        2.0 * static_cast<double>(std::min(r.lost, r.gained)) / static_cast<double>(r.pairs);
    m.detectable_drop = binary_detectable_drop(r.pairs, noise, ci_alpha, options.power);
  } else {
    double sd = r.sd_difference;
    if (sd == 0 && r.pairs > 1) {  // no case moved: judge the noise by the spread of cases
      double mean = 0, squares = 0;
      for (double v : pending.series.a) mean += v;
      mean /= static_cast<double>(r.pairs);
      for (double v : pending.series.a) squares += (v - mean) * (v - mean);
      sd = std::sqrt(squares / static_cast<double>(r.pairs - 1));
    }
    m.detectable_drop = continuous_detectable_drop(r.pairs, sd, ci_alpha, options.power);
  }
}

void decide_verdict(MetricComparison& metric, double alpha) {
  if (metric.rise_is_worse) {
    decide_resource_verdict(metric, alpha);
    return;
  }
  if (!metric.p_value) {
    metric.verdict = MetricVerdict::kNotCompared;
    return;
  }
  const double delta = *metric.delta;
  if (metric.gated && metric.rule == "threshold") {
    if (delta < -metric.max_drop) {
      metric.verdict = MetricVerdict::kRegressed;
      metric.note = "drop of " + format_number(-delta) + " is larger than max_drop " +
                    format_number(metric.max_drop) + " (threshold rule, no test)";
    } else {
      metric.verdict = delta > 0 ? MetricVerdict::kImproved : MetricVerdict::kNoSignificantChange;
    }
    return;
  }
  const double p = metric.p_adjusted.value_or(*metric.p_value);
  const double max_drop = metric.gated ? metric.max_drop : 0.0;
  switch (decide_drop(delta, p, alpha, max_drop)) {
    case DropVerdict::kWorse:
      metric.verdict = metric.gated ? MetricVerdict::kRegressed : MetricVerdict::kWorse;
      return;
    case DropVerdict::kBetter:
      metric.verdict = MetricVerdict::kImproved;
      return;
    case DropVerdict::kNoSignificantChange:
      break;
  }
  metric.verdict = MetricVerdict::kNoSignificantChange;
  const bool significant = p <= alpha;
  if (delta < 0 && significant) {
    metric.note = "significant drop of " + format_number(-delta) + " is within max_drop " +
                  format_number(max_drop);
  } else if (delta < -max_drop) {
    metric.note = std::string("drop of ") + format_number(-delta) + " is not significant (" +
                  (metric.p_adjusted ? "p_adjusted " : "p ") + format_number(p) + ")";
  }
  // The interval is at the family's level; a test and an interval of different methods can
  // still disagree at the edge. Say so rather than print an interval below zero unexplained.
  if (metric.ci_high && *metric.ci_high < 0 && !significant) {
    metric.note += std::string(metric.note.empty() ? "" : "; ") +
                   "the interval excludes 0 but the exact test does not reject";
  }
}

void add_largest_drops(const std::string& metric, const Series& series, const CasePairs& pairs,
                       std::vector<CaseDrop>* drops) {
  std::vector<size_t> fallen;
  for (size_t i = 0; i < series.rows.size(); ++i) {
    if (series.b[i] < series.a[i]) fallen.push_back(i);
  }
  auto delta_of = [&](size_t i) { return series.b[i] - series.a[i]; };
  const size_t keep = std::min(fallen.size(), kLargestDropsPerMetric);
  std::partial_sort(fallen.begin(), fallen.begin() + static_cast<std::ptrdiff_t>(keep),
                    fallen.end(), [&](size_t x, size_t y) {
                      // Ties keep plan order, so the list is stable across platforms.
                      return delta_of(x) < delta_of(y) || (delta_of(x) == delta_of(y) && x < y);
                    });
  for (size_t k = 0; k < keep; ++k) {
    const size_t i = fallen[k];
    const uint32_t row = series.rows[i];
    drops->push_back(CaseDrop{metric, pairs.key(row), series.a[i], series.b[i], delta_of(i),
                              output_of(pairs.baseline_first, row),
                              output_of(pairs.current_first, row),
                              pairs.baseline_first_index[row], pairs.current_first_index[row]});
  }
}

}  // namespace

CompareOptions CompareOptions::from_suite(const Suite& suite) {
  CompareOptions options;
  options.alpha = suite.alpha;
  options.gate = suite.gate;
  options.pass = suite.pass;
  for (const PromptConfig& prompt : suite.prompts) {
    if (!prompt.replaces.empty()) options.prompt_pairs[prompt.replaces] = prompt.id;
  }
  return options;
}

CompareOptions CompareOptions::from_run_config(const nlohmann::json& config) {
  CompareOptions options;
  if (!config.is_object()) return options;
  if (const auto it = config.find("alpha"); it != config.end() && it->is_number()) {
    options.alpha = it->get<double>();
  }
  if (const auto gate = config.find("gate"); gate != config.end() && gate->is_object()) {
    for (const auto& [metric, rule] : gate->items()) {
      if (!rule.is_object()) continue;
      GateRule g;
      if (const auto v = rule.find("max_drop"); v != rule.end() && v->is_number()) {
        g.max_drop = v->get<double>();
      }
      if (const auto v = rule.find("min"); v != rule.end() && v->is_number())
        g.min = v->get<double>();
      if (const auto v = rule.find("test"); v != rule.end() && *v == "none")
        g.test = GateTest::kNone;
      if (const auto v = rule.find("max_increase"); v != rule.end() && v->is_number()) {
        g.max_increase = v->get<double>();
      }
      if (const auto v = rule.find("max"); v != rule.end() && v->is_number()) g.max = v->get<double>();
      options.gate[metric] = g;
    }
  }
  if (const auto pass = config.find("pass"); pass != config.end() && pass->is_object()) try {
      options.pass.kind = pass->value("kind", "all") == "weighted_score"
                              ? PassRule::Kind::kWeightedScore
                              : PassRule::Kind::kAll;
      options.pass.min_weighted_score = pass->value("min_weighted_score", 0.0);
      options.pass.k_of_n = pass->value("k_of_n", 0);
    } catch (const nlohmann::json::exception&) {
      options.pass = PassRule{};  // a malformed stored rule: the default, as for old runs
    }
  if (const auto replaces = config.find("prompt_replaces");
      replaces != config.end() && replaces->is_object()) {
    for (const auto& [prompt, old] : replaces->items()) {
      if (old.is_string()) options.prompt_pairs[old.get<std::string>()] = prompt;
    }
  }
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
    case MetricVerdict::kWorse:
      return "worse (not gated)";
  }
  return "not compared";
}

const char* gate_outcome_name(GateOutcome outcome) {
  switch (outcome) {
    case GateOutcome::kPass:
      return "pass";
    case GateOutcome::kRegressed:
      return "regressed";
    case GateOutcome::kNotComparable:
      return "not comparable";
  }
  return "not comparable";
}

Comparison compare_runs(const std::vector<TrialResult>& baseline,
                        const std::vector<TrialResult>& current, const CompareOptions& options) {
  return compare_cases(aggregate_cases(baseline, options.pass),
                       aggregate_cases(current, options.pass), options);
}

bool compares_resources(const CompareOptions& options) {
  for (const auto& [name, rule] : options.gate) {
    if (is_resource_metric(name) && rule.max_increase) return true;
  }
  return false;
}

Comparison compare_cases(const std::vector<CaseAggregate>& baseline_cases,
                         const std::vector<CaseAggregate>& current_cases,
                         const CompareOptions& options) {
  std::set<std::string> baseline_prompts, current_prompts;
  for (const CaseAggregate& c : baseline_cases) baseline_prompts.insert(c.key.prompt_id);
  for (const CaseAggregate& c : current_cases) current_prompts.insert(c.key.prompt_id);
  std::map<std::string, std::string> renames =
      prompt_renames(baseline_prompts, current_prompts, options.prompt_pairs);
  const std::vector<uint32_t> matched = match_cases(baseline_cases, current_cases, renames);
  CasePairsBuilder builder(std::move(renames), compares_resources(options), options.min_paired);
  for (size_t i = 0; i < current_cases.size(); ++i) {
    builder.add_current(current_cases[i], int64_t(i));
  }
  for (size_t i = 0; i < baseline_cases.size(); ++i) {
    builder.add_baseline(baseline_cases[i], matched[i], int64_t(i));
  }
  return compare_pairs(builder.finish(), options);
}

Comparison compare_pairs(CasePairs pairs, const CompareOptions& options) {
  Comparison comparison;
  comparison.alpha = options.alpha;
  comparison.only_in_baseline = std::move(pairs.only_in_baseline);
  comparison.only_in_current = std::move(pairs.only_in_current);
  comparison.pairing = std::move(pairs.pairing);
  const Pairing& pairing = comparison.pairing;

  // Every metric either run scored; one scored by a single run is listed, not compared.
  const std::set<std::string>& baseline_metrics = pairs.baseline_metrics;
  const std::set<std::string>& current_metrics = pairs.current_metrics;
  const std::set<std::string>& weighted = pairs.weighted;
  std::set<std::string> metric_names = baseline_metrics;
  metric_names.insert(current_metrics.begin(), current_metrics.end());
  metric_names.erase(kPassRateMetric);  // a scorer may not shadow the case pass rate
  for (const auto& [name, rule] : options.gate) {
    if (is_resource_metric(name)) metric_names.erase(name);  // measured, not scored
  }
  const GatePolicy policy(options, weighted);

  const std::vector<uint32_t>& all_pairs = pairs.order;

  // Phase 1: every comparison to make, pooled and per cell, so that the family is known
  // before any interval is computed.
  // Pending keeps pointers into comparison.metrics: room for pass_rate, the scorers' metrics
  // and the gated latency and cost metrics, so that it never reallocates.
  comparison.metrics.reserve(metric_names.size() + 1 + options.gate.size());
  std::vector<Pending> pending;
  std::vector<size_t> pooled_pending;  // indices into pending, parallel to comparison.metrics
  auto add = [&](const std::string& name, Series series, MetricComparison* slot) {
    const bool testable = prepare(name, series, policy, options, slot);
    if (testable) pending.push_back(Pending{slot, std::move(series), false});
    return testable;
  };
  comparison.metrics.emplace_back();
  add(kPassRateMetric, pass_series(pairs, all_pairs), &comparison.metrics.back());
  for (const std::string& name : metric_names) {
    comparison.metrics.emplace_back();
    MetricComparison& slot = comparison.metrics.back();
    if (!baseline_metrics.count(name) || !current_metrics.count(name)) {
      slot.metric = name;
      slot.gated = policy.gated(name);
      slot.test = "paired-bootstrap";
      slot.note = baseline_metrics.count(name) ? "scored only in the baseline run"
                                               : "scored only in the current run";
      continue;
    }
    add(name, score_series(name, pairs, all_pairs), &slot);
  }
  // Latency and cost, when the gate names them with max_increase (over all cases; a ceiling
  // alone is checked with the floors).
  for (const auto& [name, rule] : options.gate) {
    if (!is_resource_metric(name) || !rule.max_increase) continue;
    Series series = resource_series(name, pairs, all_pairs);
    MetricComparison& slot = comparison.metrics.emplace_back();
    if (prepare_resource(name, series, rule, &slot)) {
      pending.push_back(Pending{&slot, std::move(series), false});
    }
  }
  const size_t pooled_count = pending.size();

  // The paired rows of each (prompt, provider) cell, in the run's order (when there are
  // several cells), and the cells that have some, by (prompt, provider).
  std::vector<std::vector<uint32_t>> cell_rows(pairs.cells.size());
  if (pairs.cells.size() > 1) {
    for (const uint32_t row : all_pairs) cell_rows[pairs.cell[row]].push_back(row);
  }
  std::vector<uint32_t> cells_in_order;
  for (uint32_t c = 0; c < pairs.cells.size(); ++c) {
    if (!cell_rows[c].empty()) cells_in_order.push_back(c);
  }
  std::sort(cells_in_order.begin(), cells_in_order.end(), [&](uint32_t x, uint32_t y) {
    const PairCell& a = pairs.cells[x];
    const PairCell& b = pairs.cells[y];
    return std::tie(a.prompt_id, a.provider_id) < std::tie(b.prompt_id, b.provider_id);
  });
  if (cells_in_order.size() > 1) {
    comparison.cells.reserve(cells_in_order.size());
    for (const uint32_t cell : cells_in_order) {
      CellComparison& c = comparison.cells.emplace_back();
      c.prompt_id = pairs.cells[cell].prompt_id;
      c.provider_id = pairs.cells[cell].provider_id;
      c.baseline_prompt_id = pairs.cells[cell].baseline_prompt_id;
      c.paired = static_cast<int64_t>(cell_rows[cell].size());
      c.metrics.reserve(metric_names.size() + 1);
    }
    size_t k = 0;
    for (const uint32_t cell : cells_in_order) {
      const std::vector<uint32_t>& cell_pairs = cell_rows[cell];
      CellComparison& c = comparison.cells[k++];
      c.metrics.emplace_back();
      add(kPassRateMetric, pass_series(pairs, cell_pairs), &c.metrics.back());
      for (const MetricComparison& pooled : comparison.metrics) {
        // Gated scorer metrics that the pooled comparison could test (prepare left no note).
        if (pooled.metric == kPassRateMetric || !pooled.gated || !pooled.note.empty()) continue;
        if (pooled.rise_is_worse) continue;  // latency and cost are gated over all cases
        c.metrics.emplace_back();
        add(pooled.metric, score_series(pooled.metric, pairs, cell_pairs), &c.metrics.back());
      }
    }
  }

  // Phase 2: the family is every gated metric tested by significance; its intervals are at
  // level 1 - alpha/m, so an interval and the Holm verdict tell the same story.
  int family = 0;
  for (Pending& p : pending) {
    p.in_family = p.result->gated && p.result->rule == "paired";
    if (p.in_family) ++family;
  }
  comparison.family_size = family;
  const double family_alpha = family > 0 ? options.alpha / family : options.alpha;
  for (Pending& p : pending) run_test(p, p.in_family ? family_alpha : options.alpha, options);

  std::vector<double> p_values;
  std::vector<MetricComparison*> tested;
  for (Pending& p : pending) {
    if (!p.in_family) continue;
    p_values.push_back(*p.result->p_value);
    tested.push_back(p.result);
  }
  const std::vector<double> adjusted = holm_adjust(p_values);
  for (size_t k = 0; k < tested.size(); ++k) tested[k]->p_adjusted = adjusted[k];

  for (MetricComparison& metric : comparison.metrics) {
    decide_verdict(metric, options.alpha);
    if (metric.verdict == MetricVerdict::kRegressed) comparison.regressed = true;
  }
  for (CellComparison& cell : comparison.cells) {
    for (MetricComparison& metric : cell.metrics) {
      decide_verdict(metric, options.alpha);
      if (metric.verdict == MetricVerdict::kRegressed) cell.regressed = true;
    }
    if (cell.regressed) comparison.regressed = true;
  }

  // When can the gate not pass, whatever the metrics say?
  for (std::string& problem : pairing_problems(pairing)) {
    comparison.not_comparable.push_back(std::move(problem));
  }
  if (pairing.paired > 0) {
    bool threshold = false, detectable = false, any_paired = false;
    for (const MetricComparison& metric : comparison.metrics) {
      if (!metric.gated) continue;
      if (!metric.p_value) {
        if (metric.note.rfind("signature differs", 0) == 0) {
          comparison.not_comparable.push_back("gated metric '" + metric.metric +
                                              "' cannot be compared: " + metric.note);
        }
        continue;
      }
      if (metric.rule == "threshold") {
        threshold = true;
      } else {
        any_paired = true;
        detectable = detectable || metric.can_detect;
      }
    }
    if (any_paired && !detectable && !threshold) {
      comparison.not_comparable.push_back(
          "with " + std::to_string(pairing.paired) + " paired cases no test at level " +
          format_number(family_alpha) + " can reach significance (at least " +
          std::to_string(pairs_needed_to_detect(family_alpha)) +
          " are needed): add cases, or gate with a threshold rule ({max_drop: X, test: none})");
    }
  }

  for (bool lost : {true, false}) {
    for (const uint32_t row : all_pairs) {
      const bool baseline_pass = pairs.pass[row] & CasePairs::kBaselinePass;
      const bool current_pass = pairs.pass[row] & CasePairs::kCurrentPass;
      if (baseline_pass == current_pass || baseline_pass != lost) continue;
      comparison.flipped.push_back(CaseOutcome{pairs.key(row), baseline_pass, current_pass,
                                               output_of(pairs.baseline_first, row),
                                               output_of(pairs.current_first, row),
                                               pairs.baseline_first_index[row],
                                               pairs.current_first_index[row]});
    }
  }
  for (size_t i = 0; i < pooled_count; ++i) {
    const Pending& p = pending[i];
    if (p.result->metric == kPassRateMetric || p.result->rise_is_worse) continue;
    add_largest_drops(p.result->metric, p.series, pairs, &comparison.largest_drops);
  }
  return comparison;
}

}  // namespace evalkit
