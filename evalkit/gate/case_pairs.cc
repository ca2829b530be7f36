#include "evalkit/gate/case_pairs.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace evalkit {

const PairMetric* CasePairs::metric(std::string_view name) const {
  const auto it = std::lower_bound(metrics.begin(), metrics.end(), name,
                                   [](const PairMetric& m, std::string_view n) { return m.name < n; });
  return it != metrics.end() && it->name == name ? &*it : nullptr;
}

CasePairsBuilder::CasePairsBuilder(std::map<std::string, std::string> prompt_renames,
                                   bool with_resources, double min_paired)
    : renames_(std::move(prompt_renames)), min_paired_(min_paired) {
  for (const auto& [was, is] : renames_) renamed_from_[is] = was;
  pairs_.with_resources = with_resources;
}

const std::string& CasePairsBuilder::paired_prompt(const std::string& baseline_prompt) const {
  const auto it = renames_.find(baseline_prompt);
  return it != renames_.end() ? it->second : baseline_prompt;
}

PairMetric& CasePairsBuilder::metric_column(const std::string& name) {
  auto it = std::lower_bound(pairs_.metrics.begin(), pairs_.metrics.end(), name,
                             [](const PairMetric& m, const std::string& n) { return m.name < n; });
  if (it != pairs_.metrics.end() && it->name == name) return *it;
  // A metric first seen now: every row so far was not scored for it.
  PairMetric column;
  column.name = name;
  const size_t rows = pairs_.cell.size();
  column.baseline.assign(rows, 0);
  column.current.assign(rows, 0);
  column.scored.assign(rows, 0);
  column.current_signature.assign(rows, InternedText());
  return *pairs_.metrics.insert(it, std::move(column));
}

uint32_t CasePairsBuilder::cell_of(const CaseKey& key) {
  // Rows come a cell at a time more often than not: try the last cell first.
  if (last_cell_ != UINT32_MAX) {
    const PairCell& last = pairs_.cells[last_cell_];
    if (last.prompt_id == key.prompt_id && last.provider_id == key.provider_id) return last_cell_;
  }
  auto [it, inserted] = cell_index_.try_emplace({key.prompt_id, key.provider_id},
                                                uint32_t(pairs_.cells.size()));
  if (inserted) {
    const auto from = renamed_from_.find(key.prompt_id);
    pairs_.cells.push_back(PairCell{key.prompt_id,
                                    from != renamed_from_.end() ? from->second : key.prompt_id,
                                    key.provider_id});
  }
  last_cell_ = it->second;
  return last_cell_;
}

uint32_t CasePairsBuilder::add_current(const CaseAggregate& current, int64_t order) {
  const uint32_t row = uint32_t(pairs_.cell.size());
  pairs_.case_id_text += current.key.case_id;
  pairs_.case_id_end.push_back(pairs_.case_id_text.size());
  pairs_.cell.push_back(cell_of(current.key));
  pairs_.pass.push_back(current.pass ? CasePairs::kCurrentPass : 0);
  pairs_.baseline_first_index.push_back(-1);
  pairs_.current_first_index.push_back(current.first_trial_index);
  if (current.first_trial != nullptr) {
    pairs_.current_first.resize(row + 1, nullptr);
    pairs_.current_first[row] = current.first_trial;
  }
  if (pairs_.with_resources) {
    pairs_.baseline_resources.emplace_back();
    pairs_.current_resources.push_back(current.resources);
  }
  for (PairMetric& column : pairs_.metrics) {
    column.baseline.push_back(0);
    column.current.push_back(0);
    column.scored.push_back(0);
    column.current_signature.emplace_back();
  }
  for (const auto& [name, mean] : current.metrics) {
    pairs_.current_metrics.insert(name);
    if (mean.weighted) pairs_.weighted.insert(name);
    if (mean.count == 0) continue;
    PairMetric& column = metric_column(name);
    column.current[row] = mean.mean;
    column.scored[row] |= PairMetric::kCurrentScored;
    column.current_signature[row] = mean.signature;
  }
  current_order_.push_back(order);
  paired_.push_back(0);
  return row;
}

void CasePairsBuilder::add_baseline(const CaseAggregate& baseline, uint32_t row, int64_t order) {
  ++baseline_cases_;
  for (const auto& [name, mean] : baseline.metrics) {
    pairs_.baseline_metrics.insert(name);
    if (mean.weighted) pairs_.weighted.insert(name);
  }
  if (row == kNoRow || paired_[row]) {
    only_in_baseline_.emplace_back(order, baseline.key);
    return;
  }
  paired_[row] = 1;
  if (baseline.pass) pairs_.pass[row] |= CasePairs::kBaselinePass;
  pairs_.baseline_first_index[row] = baseline.first_trial_index;
  if (baseline.first_trial != nullptr) {
    pairs_.baseline_first.resize(pairs_.cell.size(), nullptr);
    pairs_.baseline_first[row] = baseline.first_trial;
  }
  if (pairs_.with_resources) pairs_.baseline_resources[row] = baseline.resources;
  for (const auto& [name, mean] : baseline.metrics) {
    if (mean.count == 0) continue;
    PairMetric& column = metric_column(name);
    column.baseline[row] = mean.mean;
    column.scored[row] |= PairMetric::kBaselineScored;
    if ((column.scored[row] & PairMetric::kCurrentScored) &&
        !(column.current_signature[row] == mean.signature) &&
        current_order_[row] < column.mismatch_order) {
      column.mismatch_order = current_order_[row];
      column.mismatch = "signature differs: baseline " + mean.signature.str() + " vs current " +
                        column.current_signature[row].str() +
                        "; use --allow-signature-mismatch to compare anyway";
    }
  }
}

uint32_t CasePairsBuilder::find_sorted(std::string_view case_id, std::string_view prompt_id,
                                       std::string_view provider_id) const {
  const uint32_t rows = uint32_t(pairs_.cell.size());
  auto less = [&](uint32_t row) {  // the row's key < the key sought
    const int by_case = pairs_.case_id(row).compare(case_id);
    if (by_case != 0) return by_case < 0;
    const PairCell& c = pairs_.cells[pairs_.cell[row]];
    const int by_prompt = std::string_view(c.prompt_id).compare(prompt_id);
    if (by_prompt != 0) return by_prompt < 0;
    return std::string_view(c.provider_id).compare(provider_id) < 0;
  };
  uint32_t low = 0, high = rows;
  while (low < high) {
    const uint32_t mid = low + (high - low) / 2;
    if (less(mid)) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  if (low == rows || pairs_.case_id(low) != case_id) return kNoRow;
  const PairCell& c = pairs_.cells[pairs_.cell[low]];
  return c.prompt_id == prompt_id && c.provider_id == provider_id ? low : kNoRow;
}

CasePairs CasePairsBuilder::finish() {
  const uint32_t rows = uint32_t(pairs_.cell.size());
  std::vector<uint32_t> by_order(rows);
  std::iota(by_order.begin(), by_order.end(), 0u);
  std::stable_sort(by_order.begin(), by_order.end(), [&](uint32_t a, uint32_t b) {
    return current_order_[a] < current_order_[b];
  });
  for (const uint32_t row : by_order) {
    if (paired_[row]) {
      pairs_.order.push_back(row);
    } else {
      pairs_.only_in_current.push_back(pairs_.key(row));
    }
  }
  std::stable_sort(only_in_baseline_.begin(), only_in_baseline_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, key] : only_in_baseline_) pairs_.only_in_baseline.push_back(std::move(key));
  only_in_baseline_.clear();

  Pairing& pairing = pairs_.pairing;
  pairing.baseline_cases = baseline_cases_;
  pairing.current_cases = rows;
  pairing.paired = static_cast<int64_t>(pairs_.order.size());
  pairing.min_paired = min_paired_;
  pairing.prompt_pairs = renames_;
  explain_unpaired(pairs_.only_in_baseline, pairs_.only_in_current, &pairing);
  return std::move(pairs_);
}

}  // namespace evalkit
