// Rankings of three or more providers (or prompts) by pass rate, with the uncertainty that
// a leaderboard usually leaves out: a bootstrap interval per entry, and which differences
// the paired comparisons found significant.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/gate/group_comparison.h"

namespace evalkit {

struct RankingEntry {
  std::string id;
  int64_t cases = 0;    // cases answered without an error (the pass rate's denominator)
  int64_t errored = 0;  // cases left out because a repeat errored
  double pass_rate = 0;
  double ci_low = 0;  // percentile bootstrap interval over cases at 1 - alpha
  double ci_high = 0;
  // 1 + the number of entries significantly better than this one: entries that the data
  // cannot tell apart share a rank.
  int rank = 1;
};

struct Ranking {
  GroupBy by = GroupBy::kProvider;
  std::string within;
  double ci_level = 0.95;
  std::vector<RankingEntry> entries;  // best pass rate first (ties in plan order)
  // (better, worse) pairs whose pass-rate comparison was significant after Holm.
  std::vector<std::pair<std::string, std::string>> significant_pairs;
};

// One ranking per `within` group with more than two members along comparisons.by. Each
// entry's pass rate is over its cases without an error, each case passing by the pass rule
// over its repeats; significance is read from comparisons (compare_groups over the same
// cases and options), so ranks agree with the pairwise verdicts.
std::vector<Ranking> rank_groups(const RunCases& cases, const GroupComparisons& comparisons,
                                 const GroupCompareOptions& options);

// The report's "rankings" entries (docs/json-report.md).
nlohmann::json to_json(const std::vector<Ranking>& rankings);

}  // namespace evalkit
