// A case's outcome over its repeats: trials grouped by (case, prompt, provider).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/run/trial.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// Identifies a case across runs: the trial key without the repeat.
struct CaseKey {
  std::string case_id;
  std::string prompt_id;
  std::string provider_id;

  auto operator<=>(const CaseKey&) const = default;
};

// A text held once per process however many aggregates carry it (a metric's signature is
// the same for most cases of a run): equal texts are the same object.
class InternedText {
 public:
  InternedText() = default;  // ""
  explicit InternedText(std::string_view text);
  const std::string& str() const;
  bool operator==(const InternedText& other) const { return text_ == other.text_; }

 private:
  const std::string* text_ = nullptr;  // null for ""
};

struct MetricMean {
  double mean = 0;                // over the repeats whose score for this metric did not error
  int count = 0;                  // those repeats
  int errors = 0;                 // repeats whose score errored (left out of the mean)
  InternedText signature;         // of the first scored repeat
  bool mixed_signatures = false;  // repeats disagree on the signature
  bool weighted = false;          // some repeat's score has a non-zero weight (not informational)
};

// A case's metrics by name: a sorted vector (a case has a few), used like the std::map it
// replaces (find, count, at, operator[], iteration in name order) at a third of the memory.
class MetricMeans {
 public:
  using value_type = std::pair<std::string, MetricMean>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = std::vector<value_type>::iterator;

  MetricMean& operator[](std::string_view name);
  iterator find(std::string_view name);
  const_iterator find(std::string_view name) const;
  const MetricMean& at(std::string_view name) const;  // std::out_of_range when absent
  size_t count(std::string_view name) const { return find(name) == end() ? 0 : 1; }
  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  std::vector<value_type> items_;
};

// A case's mean latency (the answer's latency_s) and cost (the trial's cost_usd, its judge
// calls included) over its repeats without an error; answered = 0 when every repeat erred.
struct CaseResources {
  double latency_s = 0;
  double cost_usd = 0;
  int answered = 0;
};

struct CaseAggregate {
  CaseKey key;
  int repeats = 0;
  int passes = 0;
  bool pass = false;                          // by PassRule::k_of_n, see aggregate_cases
  bool flaky = false;                         // some repeats passed and some failed
  double mean_weighted_score = 0;             // over all repeats
  MetricMeans metrics;                        // by Score::name
  // The repeat with the lowest repeat index, whose output comparisons show: its plan index
  // (TrialResult::index) and repeat, and, from aggregate_cases only, the trial itself.
  int64_t first_trial_index = -1;
  int first_repeat = 0;
  const TrialResult* first_trial = nullptr;
  CaseResources resources;
};

// Folds trials into case aggregates one at a time (a store's trials as they are read), so
// that what is held is one aggregate per case, never the trials. Keeps no reference to a
// trial: first_trial stays null.
class CaseAggregator {
 public:
  // expected_cases: room reserved up front (the store counts a run's case keys), so that
  // the aggregates are never copied to grow.
  explicit CaseAggregator(size_t expected_cases = 0);
  void add(const TrialResult& trial) { add(trial, nullptr); }
  // As aggregate_cases ends: pass and flaky by rule.k_of_n, sums turned into means. The
  // aggregator is empty afterwards.
  std::vector<CaseAggregate> finish(const PassRule& rule);

 private:
  friend std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>&,
                                                    const PassRule&);
  void add(const TrialResult& trial, const TrialResult* keep);
  size_t position_of(const TrialKey& key);

  std::vector<CaseAggregate> cases_;
  InternedText last_signature_;  // the signature interned last, reused while it repeats
  // Cases by the hash of their key: the first case with each hash, and for each case the
  // next one with the same hash (kNone ends the chain).
  static constexpr uint32_t kNone = UINT32_MAX;
  std::unordered_map<uint64_t, uint32_t> first_with_hash_;
  std::vector<uint32_t> next_with_hash_;
};

// Groups trials by CaseKey, in order of each case's first trial in `trials` (plan order).
// A case passes when at least k of its n repeats pass, k = rule.k_of_n; k = 0 means every
// repeat must pass, and k larger than the repeats present also means every repeat (a run
// made with fewer --repeat than the suite asks for is judged on what it has). A trial with
// an error counts as a failed repeat. The returned first_trial pointers point into trials.
std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>& trials,
                                           const PassRule& rule);

// The report's "cases" array (docs/json-report.md): one object per case with case_id,
// prompt_id, provider_id, repeats, passes, pass, flaky, mean_weighted_score.
nlohmann::json cases_to_json(const std::vector<CaseAggregate>& cases);

}  // namespace evalkit
