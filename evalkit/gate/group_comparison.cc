#include "evalkit/gate/group_comparison.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "evalkit/gate/holm.h"
#include "evalkit/gate/mcnemar.h"

namespace evalkit {
namespace {

// One case of one group: its aggregate over repeats, and whether any repeat errored.
struct GroupCase {
  const CaseAggregate* aggregate = nullptr;
  bool errored = false;
};

// A group's cases (one prompt x provider cell seen from the `by` side), in plan order.
struct Member {
  std::string id;
  std::vector<std::string> case_order;
  std::unordered_map<std::string, GroupCase> cases;
};

// The groups compared against each other: the members sharing one `within` id.
struct Family {
  std::string within;
  std::vector<Member> members;
};

std::vector<Family> families_of(const std::vector<CaseAggregate>& aggregates,
                                const std::set<CaseKey>& errored, GroupBy by) {
  std::vector<Family> families;
  std::unordered_map<std::string, size_t> family_position;
  std::unordered_map<std::string, std::unordered_map<std::string, size_t>> member_position;
  for (const CaseAggregate& aggregate : aggregates) {
    const std::string& within =
        by == GroupBy::kProvider ? aggregate.key.prompt_id : aggregate.key.provider_id;
    const std::string& member_id =
        by == GroupBy::kProvider ? aggregate.key.provider_id : aggregate.key.prompt_id;
    auto [family_it, new_family] = family_position.try_emplace(within, families.size());
    if (new_family) families.push_back(Family{within, {}});
    Family& family = families[family_it->second];
    auto& positions = member_position[within];
    auto [member_it, new_member] = positions.try_emplace(member_id, family.members.size());
    if (new_member) family.members.push_back(Member{member_id, {}, {}});
    Member& member = family.members[member_it->second];
    member.case_order.push_back(aggregate.key.case_id);
    member.cases[aggregate.key.case_id] = GroupCase{&aggregate, errored.count(aggregate.key) > 0};
  }
  return families;
}

// A metric's paired values, kept until the Holm-adjusted level of its interval is known;
// for a continuous metric, its bootstrap with the resampled differences.
struct PairedValues {
  std::vector<double> a, b;
  BootstrapResult bootstrap;
};

bool all_binary(const PairedValues& values) {
  const auto zero_or_one = [](double v) { return v == 0.0 || v == 1.0; };
  return std::all_of(values.a.begin(), values.a.end(), zero_or_one) &&
         std::all_of(values.b.begin(), values.b.end(), zero_or_one);
}

PairedOutcomes outcome_table(const PairedValues& values) {
  PairedOutcomes table;
  for (size_t i = 0; i < values.a.size(); ++i) {
    const bool was = values.a[i] == 1.0;
    const bool is = values.b[i] == 1.0;
    if (was && is) ++table.both_pass;
    if (was && !is) ++table.lost;
    if (!was && is) ++table.gained;
    if (!was && !is) ++table.both_fail;
  }
  return table;
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0.0 : sum / double(values.size());
}

// Fills what `metric` needs before the family is adjusted: sizes, means, and for a binary
// metric its exact test. A continuous metric's test runs later, batched (bootstrap_all).
void test_metric(const PairedValues& values, bool binary, GroupMetricComparison* metric) {
  metric->n = int64_t(values.a.size());
  metric->kind = binary ? MetricKind::kBinary : MetricKind::kContinuous;
  metric->test = binary ? "mcnemar-exact" : "paired-bootstrap";
  if (metric->n == 0) return;
  metric->a_mean = mean_of(values.a);
  metric->b_mean = mean_of(values.b);
  if (binary) {
    const PairedOutcomes table = outcome_table(values);
    metric->delta = table.difference();
    metric->p_value = mcnemar_exact_p(table.lost, table.gained);
  }
}

// The paired bootstrap of every continuous metric of every comparison: metrics with the
// same number of pairs share one set of resamples (paired_bootstrap_batch), and the
// resampled differences are kept for the interval at the adjusted level.
void bootstrap_all(std::vector<GroupComparison>* comparisons,
                   std::vector<std::vector<PairedValues>>* values,
                   const GroupCompareOptions& options) {
  std::map<size_t, std::vector<std::pair<size_t, size_t>>> by_size;  // n -> (comparison, metric)
  for (size_t c = 0; c < comparisons->size(); ++c) {
    for (size_t m = 0; m < (*comparisons)[c].metrics.size(); ++m) {
      const GroupMetricComparison& metric = (*comparisons)[c].metrics[m];
      if (metric.kind == MetricKind::kContinuous && metric.n > 0) {
        by_size[size_t(metric.n)].emplace_back(c, m);
      }
    }
  }
  BootstrapOptions bootstrap;
  bootstrap.resamples = options.resamples;
  bootstrap.seed = options.seed;
  bootstrap.alpha = options.alpha;
  bootstrap.keep_resampled = true;
  for (const auto& [n, members] : by_size) {
    for (size_t first = 0; first < members.size(); first += kBootstrapBatchSize) {
      const size_t last = std::min(members.size(), first + kBootstrapBatchSize);
      std::vector<PairedSample> samples;
      for (size_t i = first; i < last; ++i) {
        const PairedValues& paired = (*values)[members[i].first][members[i].second];
        samples.push_back({paired.a, paired.b});
      }
      std::vector<BootstrapResult> results = paired_bootstrap_batch(samples, bootstrap);
      for (size_t i = first; i < last; ++i) {
        const auto [c, m] = members[i];
        GroupMetricComparison& metric = (*comparisons)[c].metrics[m];
        PairedValues& paired = (*values)[c][m];
        paired.bootstrap = std::move(results[i - first]);
        metric.delta = paired.bootstrap.mean_difference;
        metric.p_value = paired.bootstrap.p_value;
      }
    }
  }
}

void interval_at(const PairedValues& values, double level, GroupMetricComparison* metric) {
  metric->ci_level = level;
  const double alpha = 1 - level;
  if (metric->kind == MetricKind::kBinary) {
    const Interval interval = newcombe_paired_interval(outcome_table(values), alpha);
    metric->ci_low = interval.low;
    metric->ci_high = interval.high;
    return;
  }
  const BootstrapInterval interval = bootstrap_interval(values.bootstrap, alpha);
  metric->ci_low = interval.low;
  metric->ci_high = interval.high;
}

// Compares two members of a family; `values` receives each metric's paired values.
GroupComparison compare_pair(GroupBy by, const Family& family, const Member& a, const Member& b,
                             std::vector<PairedValues>* values) {
  GroupComparison comparison;
  comparison.by = by;
  comparison.within = family.within;
  comparison.a = a.id;
  comparison.b = b.id;
  std::vector<std::pair<const CaseAggregate*, const CaseAggregate*>> pairs;
  for (const std::string& case_id : a.case_order) {
    const GroupCase& on_a = a.cases.at(case_id);
    const auto on_b = b.cases.find(case_id);
    if (on_b == b.cases.end()) {
      ++comparison.only_a;
      continue;
    }
    if (on_a.errored && on_b->second.errored) {
      ++comparison.errored.both;
    } else if (on_a.errored) {
      ++comparison.errored.a;
    } else if (on_b->second.errored) {
      ++comparison.errored.b;
    } else {
      pairs.emplace_back(on_a.aggregate, on_b->second.aggregate);
    }
  }
  for (const std::string& case_id : b.case_order) {
    if (!a.cases.count(case_id)) ++comparison.only_b;
  }
  comparison.paired = int64_t(pairs.size());

  std::set<std::string> metric_names;
  for (const auto& [on_a, on_b] : pairs) {
    for (const auto& entry : on_a->metrics) {
      if (on_b->metrics.count(entry.first)) metric_names.insert(entry.first);
    }
  }
  metric_names.erase(kPassRateMetric);  // a scorer may not shadow the case pass rate

  PairedValues pass;
  for (const auto& [on_a, on_b] : pairs) {
    pass.a.push_back(on_a->pass ? 1.0 : 0.0);
    pass.b.push_back(on_b->pass ? 1.0 : 0.0);
  }
  GroupMetricComparison pass_rate;
  pass_rate.metric = kPassRateMetric;
  test_metric(pass, /*binary=*/true, &pass_rate);
  if (pass_rate.n == 0) pass_rate.note = "no case was answered on both sides without an error";
  comparison.metrics.push_back(std::move(pass_rate));
  values->push_back(std::move(pass));

  for (const std::string& name : metric_names) {
    PairedValues scores;
    for (const auto& [on_a, on_b] : pairs) {
      // Cases carry checks of their own, so a metric may exist for some cases only.
      const auto x = on_a->metrics.find(name);
      const auto y = on_b->metrics.find(name);
      if (x == on_a->metrics.end() || y == on_b->metrics.end()) continue;
      if (x->second.count == 0 || y->second.count == 0) continue;
      scores.a.push_back(x->second.mean);
      scores.b.push_back(y->second.mean);
    }
    GroupMetricComparison metric;
    metric.metric = name;
    test_metric(scores, all_binary(scores), &metric);
    if (metric.n == 0) metric.note = "no case was scored on both sides";
    comparison.metrics.push_back(std::move(metric));
    values->push_back(std::move(scores));
  }
  return comparison;
}

}  // namespace

const char* group_by_name(GroupBy by) { return by == GroupBy::kProvider ? "provider" : "prompt"; }

bool parse_group_by(const std::string& text, GroupBy* by) {
  if (text == "provider") {
    *by = GroupBy::kProvider;
  } else if (text == "prompt") {
    *by = GroupBy::kPrompt;
  } else {
    return false;
  }
  return true;
}

const char* group_verdict_name(GroupVerdict verdict) {
  switch (verdict) {
    case GroupVerdict::kBetter:
      return "better";
    case GroupVerdict::kWorse:
      return "worse";
    case GroupVerdict::kNoSignificantDifference:
      return "no significant difference";
    case GroupVerdict::kNotCompared:
      return "not compared";
  }
  return "not compared";
}

void RunCasesCollector::add(const TrialResult& trial) {
  aggregator_.add(trial);
  if (!trial.error.empty()) {
    errored_.insert(CaseKey{trial.key.case_id, trial.key.prompt_id, trial.key.provider_id});
  }
}

RunCases RunCasesCollector::finish(const PassRule& pass) {
  RunCases cases;
  cases.aggregates = aggregator_.finish(pass);
  cases.errored = std::move(errored_);
  errored_.clear();
  return cases;
}

RunCases collect_run_cases(const std::vector<TrialResult>& trials, const PassRule& pass) {
  RunCasesCollector collector;
  for (const TrialResult& trial : trials) collector.add(trial);
  return collector.finish(pass);
}

GroupComparisons compare_groups(const std::vector<TrialResult>& trials, GroupBy by,
                                const GroupCompareOptions& options) {
  return compare_groups(collect_run_cases(trials, options.pass), by, options);
}

GroupComparisons compare_groups(const RunCases& cases, GroupBy by,
                                const GroupCompareOptions& options) {
  GroupComparisons result;
  result.by = by;
  result.alpha = options.alpha;

  // values[c][m]: the paired values of metric m of comparison c.
  std::vector<std::vector<PairedValues>> values;
  for (const Family& family : families_of(cases.aggregates, cases.errored, by)) {
    for (size_t i = 0; i < family.members.size(); ++i) {
      for (size_t j = i + 1; j < family.members.size(); ++j) {
        values.emplace_back();
        GroupComparison comparison =
            compare_pair(by, family, family.members[i], family.members[j], &values.back());
        // Two prompts (or providers) that share no case are not alternatives of each other
        // (each prompt with its own cases): there is nothing to compare, so no comparison.
        const bool share_a_case = comparison.paired > 0 || comparison.errored.a > 0 ||
                                  comparison.errored.b > 0 || comparison.errored.both > 0;
        if (!share_a_case) {
          values.pop_back();
          continue;
        }
        result.comparisons.push_back(std::move(comparison));
      }
    }
  }

  bootstrap_all(&result.comparisons, &values, options);

  std::vector<double> p_values;
  for (const GroupComparison& comparison : result.comparisons) {
    for (const GroupMetricComparison& metric : comparison.metrics) {
      if (metric.n > 0) p_values.push_back(metric.p_value);
    }
  }
  result.tests = int64_t(p_values.size());
  const std::vector<double> adjusted = holm_adjust(p_values);
  size_t next = 0;
  for (size_t c = 0; c < result.comparisons.size(); ++c) {
    for (size_t m = 0; m < result.comparisons[c].metrics.size(); ++m) {
      GroupMetricComparison& metric = result.comparisons[c].metrics[m];
      if (metric.n == 0) continue;
      metric.p_adjusted = adjusted[next++];
      const double level =
          metric.p_adjusted > 0
              ? std::min(1.0, 1 - options.alpha * metric.p_value / metric.p_adjusted)
              : 1 - options.alpha;
      interval_at(values[c][m], level, &metric);
      const bool significant = metric.p_adjusted <= options.alpha;
      metric.verdict = significant && metric.delta > 0   ? GroupVerdict::kBetter
                       : significant && metric.delta < 0 ? GroupVerdict::kWorse
                                                         : GroupVerdict::kNoSignificantDifference;
    }
  }
  return result;
}

nlohmann::json to_json(const GroupComparisons& comparisons) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupComparison& comparison : comparisons.comparisons) {
    nlohmann::json metrics = nlohmann::json::array();
    for (const GroupMetricComparison& metric : comparison.metrics) {
      nlohmann::json entry = {
          {"metric", metric.metric},
          {"kind", metric.kind == MetricKind::kBinary ? "binary" : "continuous"},
          {"test", metric.test},
          {"n", metric.n},
          {"verdict", group_verdict_name(metric.verdict)}};
      if (metric.n > 0) {
        entry["a_mean"] = metric.a_mean;
        entry["b_mean"] = metric.b_mean;
        entry["delta"] = metric.delta;
        entry["ci_low"] = metric.ci_low;
        entry["ci_high"] = metric.ci_high;
        entry["ci_level"] = metric.ci_level;
        entry["p_value"] = metric.p_value;
        entry["p_adjusted"] = metric.p_adjusted;
      }
      if (!metric.note.empty()) entry["note"] = metric.note;
      metrics.push_back(std::move(entry));
    }
    out.push_back({{"by", group_by_name(comparison.by)},
                   {"within", comparison.within},
                   {"a", comparison.a},
                   {"b", comparison.b},
                   {"paired", comparison.paired},
                   {"errored",
                    {{"a", comparison.errored.a},
                     {"b", comparison.errored.b},
                     {"both", comparison.errored.both}}},
                   {"unpaired", {{"a", comparison.only_a}, {"b", comparison.only_b}}},
                   {"alpha", comparisons.alpha},
                   {"family_tests", comparisons.tests},
                   {"metrics", std::move(metrics)}});
  }
  return out;
}

}  // namespace evalkit
