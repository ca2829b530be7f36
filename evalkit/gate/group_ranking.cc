#include "evalkit/gate/group_ranking.h"

#include <algorithm>
#include <map>

namespace evalkit {
namespace {

struct Candidate {
  std::vector<double> passes;  // 1 or 0 per case answered without an error
  int64_t errored = 0;
};

// An entry waiting for its interval, with its cases' outcomes.
struct PendingEntry {
  RankingEntry* entry;
  const std::vector<double>* passes;
};

// Each entry's pass rate with a percentile bootstrap interval. The paired bootstrap of the
// outcomes against zeros resamples exactly the cases, so the same seeded machinery serves;
// entries with as many cases (across all rankings) share one set of resamples.
void add_intervals(const std::vector<PendingEntry>& pending, const GroupCompareOptions& options) {
  BootstrapOptions bootstrap;
  bootstrap.resamples = options.resamples;
  bootstrap.seed = options.seed;
  bootstrap.alpha = options.alpha;
  std::map<size_t, std::vector<const PendingEntry*>> by_size;
  for (const PendingEntry& entry : pending) {
    if (!entry.passes->empty()) by_size[entry.passes->size()].push_back(&entry);
  }
  for (const auto& [n, members] : by_size) {
    const std::vector<double> zeros(n, 0.0);
    for (size_t first = 0; first < members.size(); first += kBootstrapBatchSize) {
      const size_t last = std::min(members.size(), first + kBootstrapBatchSize);
      std::vector<PairedSample> samples;
      for (size_t i = first; i < last; ++i) samples.push_back({zeros, *members[i]->passes});
      const std::vector<BootstrapResult> results = paired_bootstrap_batch(samples, bootstrap);
      for (size_t i = first; i < last; ++i) {
        RankingEntry& entry = *members[i]->entry;
        entry.pass_rate = results[i - first].mean_difference;
        entry.ci_low = results[i - first].ci_low;
        entry.ci_high = results[i - first].ci_high;
      }
    }
  }
}

}  // namespace

std::vector<Ranking> rank_groups(const RunCases& cases, const GroupComparisons& comparisons,
                                 const GroupCompareOptions& options) {
  const GroupBy by = comparisons.by;
  // within -> members in plan order, each with its cases' outcomes.
  std::vector<std::string> within_order;
  std::map<std::string, std::vector<std::pair<std::string, Candidate>>> members;
  for (const CaseAggregate& aggregate : cases.aggregates) {
    const std::string& within =
        by == GroupBy::kProvider ? aggregate.key.prompt_id : aggregate.key.provider_id;
    const std::string& id =
        by == GroupBy::kProvider ? aggregate.key.provider_id : aggregate.key.prompt_id;
    auto [it, inserted] = members.try_emplace(within);
    if (inserted) within_order.push_back(within);
    auto& list = it->second;
    auto member = std::find_if(list.begin(), list.end(),
                               [&](const auto& entry) { return entry.first == id; });
    if (member == list.end()) {
      list.emplace_back(id, Candidate{});
      member = list.end() - 1;
    }
    if (cases.errored.count(aggregate.key)) {
      ++member->second.errored;
    } else {
      member->second.passes.push_back(aggregate.pass ? 1.0 : 0.0);
    }
  }

  std::vector<Ranking> rankings;
  std::vector<const std::vector<std::pair<std::string, Candidate>>*> lists;  // per ranking
  for (const std::string& within : within_order) {
    const auto& list = members[within];
    if (list.size() <= 2) continue;
    // Members that share no case were not compared (compare_groups): no ranking either.
    if (std::none_of(comparisons.comparisons.begin(), comparisons.comparisons.end(),
                     [&](const GroupComparison& c) { return c.within == within; })) {
      continue;
    }
    Ranking ranking;
    ranking.by = by;
    ranking.within = within;
    ranking.ci_level = 1 - options.alpha;
    for (const auto& [id, candidate] : list) {
      RankingEntry entry;
      entry.id = id;
      entry.cases = int64_t(candidate.passes.size());
      entry.errored = candidate.errored;
      ranking.entries.push_back(std::move(entry));
    }
    for (const GroupComparison& comparison : comparisons.comparisons) {
      if (comparison.within != within || comparison.metrics.empty()) continue;
      const GroupMetricComparison& pass_rate = comparison.metrics.front();
      if (pass_rate.verdict == GroupVerdict::kBetter) {
        ranking.significant_pairs.emplace_back(comparison.b, comparison.a);
      } else if (pass_rate.verdict == GroupVerdict::kWorse) {
        ranking.significant_pairs.emplace_back(comparison.a, comparison.b);
      }
    }
    for (RankingEntry& entry : ranking.entries) {
      entry.rank =
          1 + int(std::count_if(ranking.significant_pairs.begin(), ranking.significant_pairs.end(),
                                [&](const auto& pair) { return pair.second == entry.id; }));
    }
    rankings.push_back(std::move(ranking));
    lists.push_back(&list);
  }

  std::vector<PendingEntry> pending;
  for (size_t r = 0; r < rankings.size(); ++r) {
    for (size_t i = 0; i < rankings[r].entries.size(); ++i) {
      pending.push_back({&rankings[r].entries[i], &(*lists[r])[i].second.passes});
    }
  }
  add_intervals(pending, options);
  for (Ranking& ranking : rankings) {
    std::stable_sort(
        ranking.entries.begin(), ranking.entries.end(),
        [](const RankingEntry& x, const RankingEntry& y) { return x.pass_rate > y.pass_rate; });
  }
  return rankings;
}

nlohmann::json to_json(const std::vector<Ranking>& rankings) {
  nlohmann::json out = nlohmann::json::array();
  for (const Ranking& ranking : rankings) {
    nlohmann::json entries = nlohmann::json::array();
    for (const RankingEntry& entry : ranking.entries) {
      entries.push_back({{"id", entry.id},
                         {"pass_rate", entry.pass_rate},
                         {"ci_low", entry.ci_low},
                         {"ci_high", entry.ci_high},
                         {"rank", entry.rank},
                         {"cases", entry.cases},
                         {"errored", entry.errored}});
    }
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& [better, worse] : ranking.significant_pairs) pairs.push_back({better, worse});
    out.push_back({{"by", group_by_name(ranking.by)},
                   {"within", ranking.within},
                   {"ci_level", ranking.ci_level},
                   {"entries", std::move(entries)},
                   {"significant_pairs", std::move(pairs)}});
  }
  return out;
}

}  // namespace evalkit
