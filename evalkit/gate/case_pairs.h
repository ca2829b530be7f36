// The paired cases of a baseline and a run as columns: what a comparison reads of each pair
// (pass, each metric's case means, latency and cost, where to find the outputs), without the
// cases' aggregates. A gate over a million cases holds about a hundred bytes a pair, never
// both runs' aggregates (docs/scale.md, "Memory").
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evalkit/gate/case_aggregate.h"
#include "evalkit/gate/case_pairing.h"

namespace evalkit {

// A (prompt, provider) cell of the current run, and the baseline prompt its cases pair with
// (another one when a prompt was renamed).
struct PairCell {
  std::string prompt_id;
  std::string baseline_prompt_id;
  std::string provider_id;
};

// One metric's case means over the rows.
struct PairMetric {
  std::string name;
  std::vector<double> baseline, current;  // a case's mean where it was scored, else 0
  std::vector<uint8_t> scored;            // kBaselineScored | kCurrentScored
  std::vector<InternedText> current_signature;
  // The first pair, in the current run's order, whose signatures differ: the message says
  // which (empty when none does).
  std::string mismatch;
  int64_t mismatch_order = INT64_MAX;
  static constexpr uint8_t kBaselineScored = 1, kCurrentScored = 2;
};

// Built by CasePairsBuilder. A row is one case of the current run; rows that paired are listed
// by `order`, in the current run's order.
struct CasePairs {
  std::vector<uint32_t> order;  // the paired rows, in the current run's order

  // Per row.
  std::string case_id_text;         // every row's case id, one after another
  std::vector<uint64_t> case_id_end;  // where each row's case id ends in case_id_text
  std::vector<uint32_t> cell;       // index into cells
  std::vector<uint8_t> pass;        // kBaselinePass | kCurrentPass
  std::vector<int64_t> baseline_first_index, current_first_index;
  // The first repeats' trials, when the cases were aggregated from trials in memory (else
  // empty: outputs are read from the store by the indices above).
  std::vector<const TrialResult*> baseline_first, current_first;
  // Latency and cost means, when wanted (CasePairsBuilder's with_resources).
  bool with_resources = false;
  std::vector<CaseResources> baseline_resources, current_resources;
  std::vector<PairMetric> metrics;  // by name

  std::vector<PairCell> cells;
  // Every metric each run scored (paired cases or not), and those some repeat weighed.
  std::set<std::string> baseline_metrics, current_metrics, weighted;
  std::vector<CaseKey> only_in_baseline;  // in the baseline's order
  std::vector<CaseKey> only_in_current;   // in the current run's order
  Pairing pairing;

  std::string_view case_id(uint32_t row) const {
    const uint64_t begin = row == 0 ? 0 : case_id_end[row - 1];
    return std::string_view(case_id_text).substr(begin, case_id_end[row] - begin);
  }
  CaseKey key(uint32_t row) const {
    const PairCell& c = cells[cell[row]];
    return CaseKey{std::string(case_id(row)), c.prompt_id, c.provider_id};
  }
  const PairMetric* metric(std::string_view name) const;

  static constexpr uint8_t kBaselinePass = 1, kCurrentPass = 2;
};

// Collects the pairs a case at a time: every case of the current run (add_current), then
// every case of the baseline, each given the row it pairs with or none (add_baseline).
// Cases are identified by (case id, prompt id, provider id); prompt_renames maps a baseline
// prompt id to the current run's (as pair_cases decides them).
class CasePairsBuilder {
 public:
  CasePairsBuilder(std::map<std::string, std::string> prompt_renames, bool with_resources,
                   double min_paired);

  // A case of the current run; order ranks it in the current run (its first trial's place).
  // Returns its row.
  uint32_t add_current(const CaseAggregate& current, int64_t order);
  // A case of the baseline and the row of the current case it pairs with (kNoRow: none);
  // order ranks it in the baseline. A row pairs at most once.
  static constexpr uint32_t kNoRow = UINT32_MAX;
  void add_baseline(const CaseAggregate& baseline, uint32_t row, int64_t order);

  // The row of the current case with this key, among rows added in key order (as a store
  // reads them by key); kNoRow when none.
  uint32_t find_sorted(std::string_view case_id, std::string_view prompt_id,
                       std::string_view provider_id) const;
  // The prompt id a baseline case pairs under.
  const std::string& paired_prompt(const std::string& baseline_prompt) const;

  CasePairs finish();

 private:
  PairMetric& metric_column(const std::string& name);
  uint32_t cell_of(const CaseKey& key);

  CasePairs pairs_;
  std::map<std::string, std::string> renames_;
  std::map<std::string, std::string> renamed_from_;  // current prompt -> baseline prompt
  double min_paired_;
  std::vector<int64_t> current_order_;
  std::vector<uint8_t> paired_;
  std::vector<std::pair<int64_t, CaseKey>> only_in_baseline_;
  std::map<std::pair<std::string, std::string>, uint32_t> cell_index_;
  uint32_t last_cell_ = UINT32_MAX;
  int64_t baseline_cases_ = 0;
};

}  // namespace evalkit
