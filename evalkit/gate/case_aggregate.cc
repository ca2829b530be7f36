#include "evalkit/gate/case_aggregate.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace evalkit {
namespace {

uint64_t key_hash(const TrialKey& key) {
  const std::hash<std::string_view> hash;
  uint64_t h = hash(key.case_id);
  h = h * 1000003u ^ hash(key.prompt_id);
  h = h * 1000003u ^ hash(key.provider_id);
  return h;
}

}  // namespace

namespace {

// Interned texts live as long as the process (a handful of distinct signatures).
struct InternedTexts {
  std::mutex mutex;
  std::unordered_set<std::string> texts;
};

InternedTexts& interned_texts() {
  static InternedTexts* texts = new InternedTexts();  // never destroyed: used until exit
  return *texts;
}

const std::string* intern(std::string_view text) {
  if (text.empty()) return nullptr;
  InternedTexts& all = interned_texts();
  std::lock_guard<std::mutex> lock(all.mutex);
  return &*all.texts.emplace(text).first;
}

}  // namespace

InternedText::InternedText(std::string_view text) : text_(intern(text)) {}

const std::string& InternedText::str() const {
  static const std::string empty;
  return text_ != nullptr ? *text_ : empty;
}

MetricMean& MetricMeans::operator[](std::string_view name) {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const value_type& item, std::string_view n) { return item.first < n; });
  if (it != items_.end() && it->first == name) return it->second;
  return items_.insert(it, value_type(std::string(name), MetricMean{}))->second;
}

MetricMeans::iterator MetricMeans::find(std::string_view name) {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const value_type& item, std::string_view n) { return item.first < n; });
  return it != items_.end() && it->first == name ? it : items_.end();
}

MetricMeans::const_iterator MetricMeans::find(std::string_view name) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), name,
                             [](const value_type& item, std::string_view n) { return item.first < n; });
  return it != items_.end() && it->first == name ? it : items_.end();
}

const MetricMean& MetricMeans::at(std::string_view name) const {
  const auto it = find(name);
  if (it == end()) throw std::out_of_range("no metric '" + std::string(name) + "'");
  return it->second;
}

CaseAggregator::CaseAggregator(size_t expected_cases) {
  cases_.reserve(expected_cases);
  next_with_hash_.reserve(expected_cases);
  first_with_hash_.reserve(expected_cases);
}

size_t CaseAggregator::position_of(const TrialKey& key) {
  const uint64_t h = key_hash(key);
  auto [it, inserted] = first_with_hash_.try_emplace(h, uint32_t(cases_.size()));
  if (!inserted) {
    uint32_t at = it->second;
    while (true) {
      const CaseKey& k = cases_[at].key;
      if (k.case_id == key.case_id && k.prompt_id == key.prompt_id &&
          k.provider_id == key.provider_id) {
        return at;
      }
      if (next_with_hash_[at] == kNone) break;
      at = next_with_hash_[at];
    }
    next_with_hash_[at] = uint32_t(cases_.size());  // a new case whose hash another has
  }
  cases_.push_back(CaseAggregate{.key = {key.case_id, key.prompt_id, key.provider_id}});
  next_with_hash_.push_back(kNone);
  return cases_.size() - 1;
}

void CaseAggregator::add(const TrialResult& trial, const TrialResult* keep) {
  CaseAggregate& aggregate = cases_[position_of(trial.key)];
  const bool first = aggregate.repeats == 0 || trial.key.repeat < aggregate.first_repeat;
  aggregate.repeats += 1;
  const bool passed = trial.pass && trial.error.empty();
  aggregate.passes += passed ? 1 : 0;
  aggregate.mean_weighted_score += trial.weighted_score;  // a sum until the end
  if (first) {
    aggregate.first_repeat = trial.key.repeat;
    aggregate.first_trial_index = trial.index;
    aggregate.first_trial = keep;
  }
  if (trial.error.empty()) {
    aggregate.resources.latency_s += trial.answer.latency_s;  // sums until the end
    aggregate.resources.cost_usd += trial.cost_usd;
    aggregate.resources.answered += 1;
  }
  for (const Score& score : trial.scores) {
    MetricMean& metric = aggregate.metrics[score.name];
    if (score.weight != 0) metric.weighted = true;
    if (score.error) {
      metric.errors += 1;
      continue;
    }
    if (metric.count == 0) {
      if (last_signature_.str() != score.signature) last_signature_ = InternedText(score.signature);
      metric.signature = last_signature_;
    } else if (metric.signature.str() != score.signature) {
      metric.mixed_signatures = true;
    }
    metric.count += 1;
    metric.mean += score.value;  // a sum until the end
  }
}

std::vector<CaseAggregate> CaseAggregator::finish(const PassRule& rule) {
  first_with_hash_ = {};
  next_with_hash_ = {};
  for (CaseAggregate& aggregate : cases_) {
    const int needed =
        rule.k_of_n <= 0 ? aggregate.repeats : std::min(rule.k_of_n, aggregate.repeats);
    aggregate.pass = aggregate.passes >= needed;
    aggregate.flaky = aggregate.passes > 0 && aggregate.passes < aggregate.repeats;
    aggregate.mean_weighted_score /= aggregate.repeats;
    for (auto& entry : aggregate.metrics) {
      MetricMean& metric = entry.second;
      if (metric.count > 0) metric.mean /= metric.count;
    }
    CaseResources& r = aggregate.resources;
    if (r.answered > 0) {
      r.latency_s /= r.answered;
      r.cost_usd /= r.answered;
    }
  }
  std::vector<CaseAggregate> cases = std::move(cases_);
  cases_.clear();
  return cases;
}

std::vector<CaseAggregate> aggregate_cases(const std::vector<TrialResult>& trials,
                                           const PassRule& rule) {
  CaseAggregator aggregator;
  for (const TrialResult& trial : trials) aggregator.add(trial, &trial);
  return aggregator.finish(rule);
}

nlohmann::json cases_to_json(const std::vector<CaseAggregate>& cases) {
  nlohmann::json array = nlohmann::json::array();
  for (const CaseAggregate& aggregate : cases) {
    array.push_back({{"case_id", aggregate.key.case_id},
                     {"prompt_id", aggregate.key.prompt_id},
                     {"provider_id", aggregate.key.provider_id},
                     {"repeats", aggregate.repeats},
                     {"passes", aggregate.passes},
                     {"pass", aggregate.pass},
                     {"flaky", aggregate.flaky},
                     {"mean_weighted_score", aggregate.mean_weighted_score}});
  }
  return array;
}

}  // namespace evalkit
