#include "evalkit/report/run_document.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "evalkit/base/files.h"
#include "evalkit/base/secrets.h"
#include "evalkit/gate/case_aggregate.h"
#include "evalkit/report/group_fields.h"
#include "evalkit/run/trial_json.h"
#include "evalkit/scorers/registry.h"

namespace evalkit {

CorpusScorers corpus_scorers(const nlohmann::json& specs) {
  CorpusScorers out;
  if (!specs.is_array()) return out;
  for (const auto& j : specs) {
    ScorerSpec spec;
    spec.type = j.value("type", "");
    spec.weight = j.value("weight", 1.0);
    if (j.contains("threshold") && j["threshold"].is_number()) spec.threshold = j["threshold"].get<double>();
    spec.name = j.value("name", "");
    spec.negate = j.value("negate", false);
    if (j.contains("transform")) spec.transform = j["transform"];
    spec.options = j;
    for (const char* key : {"type", "weight", "threshold", "name", "negate", "transform"}) {
      spec.options.erase(key);
    }
    std::unique_ptr<Scorer> scorer;
    if (!make_scorer(spec, &scorer)) continue;
    const std::string name = spec.name.empty() ? scorer->name() : spec.name;
    out[name] = std::move(scorer);
  }
  return out;
}

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = q * double(values.size() - 1);
  const size_t lower = size_t(position);
  const size_t upper = std::min(lower + 1, values.size() - 1);
  const double fraction = position - double(lower);
  return values[lower] + (values[upper] - values[lower]) * fraction;
}

PassRule stored_pass_rule(const RunRecord& run) {
  PassRule rule;
  if (!run.config.contains("pass") || !run.config["pass"].is_object()) return rule;
  const auto& p = run.config["pass"];
  rule.kind = p.value("kind", "all") == "weighted_score" ? PassRule::Kind::kWeightedScore
                                                          : PassRule::Kind::kAll;
  rule.min_weighted_score = p.value("min_weighted_score", 0.0);
  rule.k_of_n = p.value("k_of_n", 0);
  return rule;
}

RunAggregates::RunAggregates(const RunRecord& run)
    : run_id_(run.id), scorers_(corpus_scorers(run.scorers)) {}

Status RunAggregates::latency_percentiles(const std::vector<double>& kept,
                                          const std::string& provider_id, bool answered_only,
                                          double* p50, double* p95) const {
  if (store_ == nullptr) {
    *p50 = percentile(kept, 0.5);
    *p95 = percentile(kept, 0.95);
    return Status::ok();
  }
  if (Status s = store_->latency_quantile(run_id_, provider_id, answered_only, 0.5, p50); !s) {
    return s;
  }
  return store_->latency_quantile(run_id_, provider_id, answered_only, 0.95, p95);
}

void RunAggregates::add(const TrialResult& t) {
  ++trials_;
  if (!t.error.empty()) {
    ++errors_;
    ++errors_by_kind_[t.error_kind];
  } else if (t.pass) {
    ++passed_;
  } else {
    ++failed_;
  }
  prompt_tokens_ += t.prompt_tokens;
  completion_tokens_ += t.completion_tokens;
  cost_ += t.cost_usd;
  if (store_ == nullptr && (t.error.empty() || t.answer.latency_s > 0)) {
    latencies_.push_back(t.answer.latency_s);
  }
  auto& p = by_provider_[t.key.provider_id];
  ++p.count;
  p.passes += t.pass ? 1 : 0;
  p.errors += t.error.empty() ? 0 : 1;
  p.prompt_tokens += t.prompt_tokens;
  p.completion_tokens += t.completion_tokens;
  p.score_sum += t.weighted_score;
  if (store_ == nullptr) p.latencies.push_back(t.answer.latency_s);
  for (const auto& s : t.scores) {
    auto [it, inserted] = by_scorer_.try_emplace(s.name);
    auto& a = it->second;
    if (inserted) {
      scorer_order_.push_back(s.name);
      if (auto scorer = scorers_.find(s.name); scorer != scorers_.end()) {
        a.statistics = scorer->second->corpus_statistics();
      }
    }
    a.type = s.type;
    a.signature = s.signature;
    if (s.error) {
      ++a.errors;
      continue;
    }
    ++a.count;
    a.sum += s.value;
    a.passes += s.pass ? 1 : 0;
    // Corpus scores fold each trial's details into the metric's sufficient statistics.
    if (a.statistics != nullptr) a.statistics->add_details(s.details);
  }
}

Status RunAggregates::write(int64_t distinct_cases, nlohmann::json* doc) const {
  const int64_t n = trials_;
  double p50 = 0, p95 = 0;
  if (Status s = latency_percentiles(latencies_, "", /*answered_only=*/true, &p50, &p95); !s) {
    return s;
  }
  (*doc)["summary"] = {{"trials", n},
                       {"cases", distinct_cases},
                       {"passed", passed_},
                       {"failed", failed_},
                       {"errors", errors_},
                       {"pass_rate", n > 0 ? double(passed_) / double(n) : 0.0},
                       {"prompt_tokens", prompt_tokens_},
                       {"completion_tokens", completion_tokens_},
                       {"cost_usd", cost_},
                       {"latency_p50_s", p50},
                       {"latency_p95_s", p95},
                       {"errors_by_kind", errors_by_kind_}};

  nlohmann::json scorer_list = nlohmann::json::array();
  for (const auto& name : scorer_order_) {
    const auto& a = by_scorer_.at(name);
    nlohmann::json corpus = nullptr;
    if (a.statistics != nullptr && a.count > 0) corpus = a.statistics->result();
    scorer_list.push_back({{"name", name},
                           {"type", a.type},
                           {"signature", a.signature},
                           {"count", a.count},
                           {"mean", a.count > 0 ? a.sum / double(a.count) : 0.0},
                           {"pass_rate", a.count > 0 ? double(a.passes) / double(a.count) : 0.0},
                           {"errors", a.errors},
                           {"corpus", corpus}});
  }
  (*doc)["scorers"] = std::move(scorer_list);

  nlohmann::json provider_list = nlohmann::json::array();
  for (const auto& [id, p] : by_provider_) {
    double provider_p50 = 0, provider_p95 = 0;
    if (Status s = latency_percentiles(p.latencies, id, /*answered_only=*/false, &provider_p50,
                                       &provider_p95);
        !s) {
      return s;
    }
    provider_list.push_back(
        {{"id", id},
         {"count", p.count},
         {"pass_rate", p.count > 0 ? double(p.passes) / double(p.count) : 0.0},
         {"mean_weighted_score", p.count > 0 ? p.score_sum / double(p.count) : 0.0},
         {"errors", p.errors},
         {"latency_p50_s", provider_p50},
         {"latency_p95_s", provider_p95},
         {"prompt_tokens", p.prompt_tokens},
         {"completion_tokens", p.completion_tokens}});
  }
  (*doc)["providers"] = std::move(provider_list);
  return Status::ok();
}

nlohmann::json run_head(const RunRecord& run) {
  nlohmann::json doc;
  doc["format_version"] = 1;
  doc["evalkit_version"] = EVALKIT_VERSION;
  doc["run"] = {{"id", run.id},
                {"suite", run.suite},
                {"description", run.description},
                {"suite_path", run.suite_path},
                {"suite_hash", run.suite_hash},
                {"started_at", run.started_at},
                {"finished_at", run.finished_at},
                {"duration_s", run.duration_s},
                {"status", run.status},
                {"status_reason", run.status_reason},
                {"git_commit", run.git_commit},
                {"command_line", run.command_line},
                {"providers", redact_provider_urls(run.providers)},
                {"planned_trials", run.planned_trials},
                {"config", run.config},
                {"scorer_specs", run.scorers}};
  return doc;
}

BaselineIndex::BaselineIndex(const std::vector<TrialResult>* baseline_trials) {
  if (baseline_trials == nullptr) return;
  for (const auto& b : *baseline_trials) {
    by_key_[{b.key.case_id, b.key.prompt_id, b.key.provider_id, b.key.repeat}] = &b;
  }
}

nlohmann::json BaselineIndex::trial_json(const TrialResult& t) const {
  nlohmann::json j = trial_to_json(t);
  auto it = by_key_.find({t.key.case_id, t.key.prompt_id, t.key.provider_id, t.key.repeat});
  if (it != by_key_.end()) j["baseline"] = baseline_trial_json(*it->second);
  return j;
}

nlohmann::json baseline_trial_json(const TrialResult& baseline) {
  nlohmann::json scores = nlohmann::json::object();
  for (const auto& s : baseline.scores) scores[s.name] = s.value;
  return {{"output", baseline.answer.text},
          {"pass", baseline.pass},
          {"weighted_score", baseline.weighted_score},
          {"scores", std::move(scores)}};
}

nlohmann::json build_run_document(const RunRecord& run, const std::vector<TrialResult>& trials,
                                  const nlohmann::json& comparison,
                                  const std::vector<TrialResult>* baseline_trials,
                                  const nlohmann::json* group_fields) {
  nlohmann::json doc = run_head(run);
  RunAggregates aggregates(run);
  std::set<std::string> case_ids;
  for (const auto& t : trials) {
    case_ids.insert(t.key.case_id);
    aggregates.add(t);
  }
  // Percentiles from the trials given, in memory: writing cannot fail.
  (void)aggregates.write(int64_t(case_ids.size()), &doc);

  const BaselineIndex baseline(baseline_trials);
  nlohmann::json trial_list = nlohmann::json::array();
  for (const auto& t : trials) trial_list.push_back(baseline.trial_json(t));
  doc["trials"] = std::move(trial_list);
  doc["cases"] = cases_to_json(aggregate_cases(trials, stored_pass_rule(run)));
  doc["comparison"] = comparison;
  const nlohmann::json fields = group_fields != nullptr
                                    ? *group_fields
                                    : build_group_fields(run, trials, aggregates.scorers());
  for (const auto& [key, value] : fields.items()) doc[key] = value;
  return doc;
}

Status write_json_report(const nlohmann::json& document, const std::string& path) {
  return write_file_atomic(
      path, document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}  // namespace evalkit
