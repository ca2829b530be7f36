#include "evalkit/report/group_summary.h"

#include <unordered_map>

#include "evalkit/report/run_document.h"

namespace evalkit {
namespace {

// A group while trials are added: sums and what percentiles and corpus scores need.
struct GroupTotals {
  GroupSummary summary;
  std::map<std::string, double> metric_sums;
  // Corpus metrics' sufficient statistics (every corpus form folds its trials' details
  // through them; null for a metric without one).
  std::map<std::string, std::unique_ptr<CorpusStatistics>> corpus;
  std::vector<double> latencies;
};

void add_trial(const TrialResult& trial, const CorpusScorers& scorers, GroupTotals* group) {
  GroupSummary& s = group->summary;
  ++s.trials;
  if (!trial.error.empty()) {
    ++s.errors;
  } else if (trial.pass) {
    ++s.passed;
  } else {
    ++s.failed;
  }
  s.prompt_tokens += trial.prompt_tokens;
  s.completion_tokens += trial.completion_tokens;
  s.cost_usd += trial.cost_usd;
  // The run's summary rule: a trial that errored before any answer has no latency.
  if (trial.error.empty() || trial.answer.latency_s > 0) {
    group->latencies.push_back(trial.answer.latency_s);
  }
  for (const Score& score : trial.scores) {
    GroupMetric& metric = s.metrics[score.name];
    if (score.error) continue;
    ++metric.n;
    group->metric_sums[score.name] += score.value;
    const auto scorer = scorers.find(score.name);
    if (scorer == scorers.end()) continue;
    auto [part, added] = group->corpus.try_emplace(score.name);
    if (added) part->second = scorer->second->corpus_statistics();
    if (part->second != nullptr) part->second->add_details(score.details);
  }
}

}  // namespace

class GroupSummarizer::Groups {
 public:
  GroupTotals& at(const std::string& key, const std::optional<std::string>& prompt_id,
                  const std::optional<std::string>& provider_id) {
    auto [it, inserted] = position_.try_emplace(key, groups_.size());
    if (inserted) {
      groups_.emplace_back();
      groups_.back().summary.prompt_id = prompt_id;
      groups_.back().summary.provider_id = provider_id;
    }
    return groups_[it->second];
  }

  std::vector<GroupSummary> finish() {
    std::vector<GroupSummary> out;
    out.reserve(groups_.size());
    for (GroupTotals& group : groups_) {
      GroupSummary& s = group.summary;
      s.pass_rate = s.trials > 0 ? double(s.passed) / double(s.trials) : 0.0;
      s.latency_p50_s = percentile(group.latencies, 0.5);
      s.latency_p95_s = percentile(group.latencies, 0.95);
      for (auto& [name, metric] : s.metrics) {
        if (metric.n > 0) metric.mean = group.metric_sums[name] / double(metric.n);
        const auto part = group.corpus.find(name);
        if (part == group.corpus.end() || part->second == nullptr) continue;
        const nlohmann::json corpus = part->second->result();
        if (corpus.is_object() && corpus.contains("score") && corpus["score"].is_number()) {
          metric.corpus = corpus["score"].get<double>();
        }
      }
      out.push_back(std::move(s));
    }
    groups_.clear();
    position_.clear();
    return out;
  }

 private:
  std::unordered_map<std::string, size_t> position_;
  std::vector<GroupTotals> groups_;
};

GroupSummarizer::GroupSummarizer(const CorpusScorers& scorers)
    : scorers_(scorers),
      by_provider_(std::make_unique<Groups>()),
      by_prompt_(std::make_unique<Groups>()),
      by_cell_(std::make_unique<Groups>()) {}

GroupSummarizer::~GroupSummarizer() = default;

void GroupSummarizer::add(const TrialResult& trial) {
  const std::string& prompt = trial.key.prompt_id;
  const std::string& provider = trial.key.provider_id;
  add_trial(trial, scorers_, &by_provider_->at(provider, std::nullopt, provider));
  add_trial(trial, scorers_, &by_prompt_->at(prompt, prompt, std::nullopt));
  // Ids may hold any character but NUL cannot come from YAML, so it separates the two.
  std::string cell = prompt;
  cell += '\0';
  cell += provider;
  add_trial(trial, scorers_, &by_cell_->at(cell, prompt, provider));
}

GroupSummaries GroupSummarizer::finish() {
  GroupSummaries groups;
  groups.by_provider = by_provider_->finish();
  groups.by_prompt = by_prompt_->finish();
  groups.by_cell = by_cell_->finish();
  return groups;
}

bool has_several_groups(const std::vector<TrialResult>& trials) {
  if (trials.empty()) return false;
  const TrialKey& first = trials.front().key;
  for (const TrialResult& trial : trials) {
    if (trial.key.prompt_id != first.prompt_id || trial.key.provider_id != first.provider_id) {
      return true;
    }
  }
  return false;
}

GroupSummaries summarize_groups(const std::vector<TrialResult>& trials,
                                const CorpusScorers& scorers) {
  GroupSummarizer summarizer(scorers);
  for (const TrialResult& trial : trials) summarizer.add(trial);
  return summarizer.finish();
}

namespace {

nlohmann::json group_json(const GroupSummary& group) {
  nlohmann::json out = nlohmann::json::object();
  if (group.prompt_id) out["prompt_id"] = *group.prompt_id;
  if (group.provider_id) out["provider_id"] = *group.provider_id;
  nlohmann::json metrics = nlohmann::json::object();
  for (const auto& [name, metric] : group.metrics) {
    nlohmann::json entry = {{"mean", metric.mean}, {"n", metric.n}};
    if (metric.corpus) entry["corpus"] = *metric.corpus;
    metrics[name] = std::move(entry);
  }
  out["trials"] = group.trials;
  out["passed"] = group.passed;
  out["failed"] = group.failed;
  out["errors"] = group.errors;
  out["pass_rate"] = group.pass_rate;
  out["metrics"] = std::move(metrics);
  out["latency_p50_s"] = group.latency_p50_s;
  out["latency_p95_s"] = group.latency_p95_s;
  out["prompt_tokens"] = group.prompt_tokens;
  out["completion_tokens"] = group.completion_tokens;
  out["cost_usd"] = group.cost_usd;
  return out;
}

nlohmann::json list_json(const std::vector<GroupSummary>& groups) {
  nlohmann::json out = nlohmann::json::array();
  for (const GroupSummary& group : groups) out.push_back(group_json(group));
  return out;
}

}  // namespace

nlohmann::json to_json(const GroupSummaries& groups) {
  return {{"by_provider", list_json(groups.by_provider)},
          {"by_prompt", list_json(groups.by_prompt)},
          {"by_cell", list_json(groups.by_cell)}};
}

}  // namespace evalkit
