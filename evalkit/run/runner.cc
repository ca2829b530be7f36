#include "evalkit/run/runner.h"

#include <tbb/task_arena.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <random>
#include <set>

#include "evalkit/base/git_head.h"
#include "evalkit/base/secrets.h"
#include "evalkit/providers/price_table.h"
#include "evalkit/providers/provider.h"
#include "evalkit/providers/response_recorder.h"
#include "evalkit/run/trial_redaction.h"
#include "evalkit/run/trial_scoring.h"
#include "evalkit/scorers/answer_transform.h"
#include "evalkit/scorers/registry.h"
#include "evalkit/store/trial_writer.h"
#include "evalkit/suite/scorer_template.h"
#include "evalkit/suite/template.h"
#include "evalkit/worker/worker_pool.h"

namespace evalkit {
namespace {

using Clock = std::chrono::steady_clock;

std::string new_run_id(const std::string& suite) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string suffix;
  for (int i = 0; i < 4; ++i) suffix.push_back(kHex[rd() % 16]);
  std::string name;
  for (char c : suite) name.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  return std::string(stamp) + "-" + name + "-" + suffix;
}

// A provider's params as stored for comparing runs (temperature, max_tokens, ...); a value
// under a name that looks like a secret is left out.
nlohmann::json comparable_params(const nlohmann::json& params) {
  nlohmann::json out = nlohmann::json::object();
  if (!params.is_object()) return out;
  for (const auto& [key, value] : params.items()) {
    std::string lower;
    for (char c : key)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    bool secret = false;
    for (const char* word : {"key", "secret", "token", "password", "credential", "auth"}) {
      secret = secret || lower.find(word) != std::string::npos;
    }
    if (!secret) out[key] = value;
  }
  return out;
}

nlohmann::json scorer_specs_json(const std::vector<ScorerSpec>& specs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : specs) {
    nlohmann::json j = s.options;
    j["type"] = s.type;
    j["weight"] = s.weight;
    if (s.threshold) j["threshold"] = *s.threshold;
    if (!s.name.empty()) j["name"] = s.name;
    if (s.negate) j["negate"] = true;
    if (!s.transform.is_null()) j["transform"] = s.transform;
    out.push_back(std::move(j));
  }
  return out;
}

// One trial on its way through the pipeline.
struct TrialTask {
  TrialSpec spec;
  TrialResult result;
  std::vector<const Scorer*> scorers;
  std::vector<double> weights;  // from each scorer's spec
  std::vector<std::string> types;  // each scorer's type, from its spec
  std::vector<std::unique_ptr<Scorer>> owned_scorers;  // the case's own scorers
  std::string input;  // last user message
  std::string transform_failure;  // why the prompt's transform found nothing to score
  Clock::time_point started;
  double live_cost_usd = 0;  // of calls that reached a provider (not the cache)
  int64_t live_tokens = 0;
};

class Run {
 public:
  Run(const Suite& suite, const RunOptions& options, Store& store, RunObserver& observer)
      : suite_(suite), options_(options), store_(store), observer_(observer) {}

  Status execute(RunSummary* summary) {
    const int repeat = options_.repeat > 0 ? options_.repeat : suite_.repeat;
    if (Status s = TrialPlan::make(suite_, options_.filter, repeat, &plan_); !s) return s;
    if (Status s = build_scorers(); !s) return s;
    const int jobs = options_.jobs > 0 ? options_.jobs : default_jobs();
    if (Status s = build_providers(jobs); !s) return s;

    // The trials a resumed run finished before: one bit a planned trial.
    std::vector<bool> done_before(size_t(plan_.size()), false);
    int64_t done_count = 0;
    if (!options_.resume_run_id.empty()) {
      run_id_ = options_.resume_run_id;
      RunRecord previous;
      if (Status s = store_.load_run(run_id_, &previous); !s) return s;
      if (previous.suite_hash != suite_.content_hash) {
        return Status::error("run " + run_id_ + " was made from a different version of " +
                             suite_.path + " (suite hash differs); it cannot be resumed");
      }
      if (Status s = store_.finished_trial_bits(run_id_, &done_before, &done_count); !s) return s;
    } else {
      run_id_ = new_run_id(suite_.name);
      if (Status s = store_.create_run(make_run_record()); !s) {
        summary->store_error = s.message();  // the database, not the suite: exit 4
        return Status::error("evalkit run: cannot start a run in " + store_.path() + ": " +
                             s.message());
      }
    }

    writer_ = std::make_unique<TrialWriter>(&store_, run_id_);
    observer_.on_start(plan_, run_id_, done_count);
    const auto start = Clock::now();
    // The HTTP client caps requests in flight at `jobs`; a few more trials may be rendering,
    // scoring or being written meanwhile, so the network never waits for the CPU stages.
    // Under a budget no trial waits in the HTTP queue: each one started has its request sent at
    // once, so stopping the scheduling stops the requests.
    const bool budgeted = options_.max_cost_usd > 0 || options_.max_tokens > 0;
    const int window = budgeted ? jobs : jobs + std::max(8, jobs / 8);
    bool interrupted = false, over_budget = false;
    int64_t started = 0;
    // Trials are taken from the plan in index order; a dataset row is read when its first
    // trial is reached and freed when its last trial is done.
    TrialCursor trials(plan_);
    TrialSpec next;
    while (trials.next(&next)) {
      if (size_t(next.index) < done_before.size() && done_before[size_t(next.index)]) continue;
      if (options_.stop_requested && options_.stop_requested->load()) {
        interrupted = true;
        break;
      }
      if (writer_->failed()) break;  // nothing more could be kept: stop spending on calls
      if (unreachable_) break;       // the endpoint is down: do not retry every case against it
      {
        std::unique_lock<std::mutex> lock(mutex_);
        slot_free_.wait(lock, [&] { return in_flight_ < window; });
        // Checked once a slot is free: the trials that finished meanwhile have been counted.
        if (budget_reached()) {
          over_budget = true;
          break;
        }
        ++in_flight_;
      }
      ++started;
      start_trial(next);
    }
    next = TrialSpec();
    const Status cases_read = trials.status();
    if (!cases_read) std::fprintf(stderr, "evalkit run: %s\n", cases_read.message().c_str());
    {
      std::unique_lock<std::mutex> lock(mutex_);
      slot_free_.wait(lock, [&] { return in_flight_ == 0; });
    }
    // Script workers end with the run (closing their stdin lets them exit on their own).
    shutdown_shared_worker_pools();
    const Status written = writer_->flush();
    summary_.trials_lost = int64_t(writer_->lost());
    if (!written) summary_.store_error = written.message();
    writer_.reset();
    if (cache_) {
      if (Status s = cache_->flush(); !s)
        std::fprintf(stderr, "evalkit: %s\n", s.message().c_str());
      summary_.cache_hits = cache_->hits();
    }
    if (recorder_) {
      if (Status s = recorder_->status(); !s) summary_.record_error = s.message();
    }
    summary_.run_id = run_id_;
    summary_.planned = plan_.size();
    summary_.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
    summary_.attempts = counters_.attempts();
    summary_.retries = counters_.retries();
    if (http_) summary_.concurrency_cuts = http_->stats().concurrency_cuts;
    summary_.errors_by_kind = counters_.errors();
    summary_.not_run = plan_.size() - done_count - started;
    const int64_t stored = done_count + summary_.finished - summary_.trials_lost;
    std::string reason;
    if (!cases_read) {
      summary_.status = "incomplete";
      reason = cases_read.message();
    } else if (unreachable_ && summary_.store_error.empty()) {
      summary_.status = "incomplete";
      reason = "endpoint unreachable: " + summary_.unreachable;
    } else if (!summary_.store_error.empty()) {
      summary_.status = "incomplete";
      reason = "store write failed, " + std::to_string(summary_.trials_lost) + " of " +
               std::to_string(summary_.finished) + " finished trials lost: " + summary_.store_error;
    } else if (interrupted) {
      summary_.status = "interrupted";
      reason = "interrupted before all trials ran";
    } else if (over_budget) {
      summary_.status = "incomplete";
      reason = "budget";
    } else {
      summary_.status = stored < plan_.size() ? "incomplete" : "complete";
    }
    summary_.status_reason = reason;
    if (Status s = store_.finish_run(run_id_, summary_.status, reason, utc_now_iso8601(),
                                     summary_.duration_s);
        !s && summary_.store_error.empty()) {
      // The trials are stored but the run stays 'running': --resume still finishes it.
      summary_.store_error = s.message();
    }
    providers_.clear();  // stops exec workers before the HTTP client goes away
    *summary = summary_;
    return Status::ok();
  }

 private:
  int default_jobs() const {
    int jobs = 0;
    for (const auto* p : plan_.providers()) jobs += std::max(1, p->concurrency);
    return std::max(1, jobs);
  }

  // Caller holds mutex_.
  bool budget_reached() const {
    return (options_.max_cost_usd > 0 && summary_.spent_usd >= options_.max_cost_usd) ||
           (options_.max_tokens > 0 && summary_.spent_tokens >= options_.max_tokens);
  }

  // What response cost at the price of the provider that answered it.
  double cost_of(const std::string& provider_id, const ModelResponse& response) const {
    auto it = prices_.find(provider_id);
    if (it == prices_.end()) return 0;
    return token_cost_usd(it->second, response.prompt_tokens, response.completion_tokens);
  }

  // Adds response's tokens and cost to the trial; live ones also count against budgets.
  void account(TrialTask& task, const std::string& provider_id, const ModelResponse& response) {
    const double cost = cost_of(provider_id, response);
    task.result.cost_usd += cost;
    if (!response.cached) {
      task.live_cost_usd += cost;
      task.live_tokens += response.prompt_tokens + response.completion_tokens;
    }
  }

  RunRecord make_run_record() const {
    RunRecord r;
    r.id = run_id_;
    r.suite = suite_.name;
    r.suite_path = suite_.path;
    r.suite_hash = suite_.content_hash;
    r.description = suite_.description;
    r.started_at = utc_now_iso8601();
    r.status = "running";
    r.git_commit = git_head_commit(suite_.directory.empty() ? "." : suite_.directory);
    r.command_line = redact_secrets(options_.command_line);
    for (const auto& p : suite_.providers) {
      r.providers.push_back({{"id", p.id},
                             {"type", p.type},
                             {"model", p.model},
                             {"base_url", redact_url(p.base_url)},
                             {"params", comparable_params(p.params)}});
    }
    // Every distinct scorer configuration (suite-wide and per case), so reports can rebuild
    // them for corpus-level scores.
    r.scorers = scorer_specs_json(suite_.scorers);
    std::set<std::string> seen;
    for (const auto& spec : r.scorers) seen.insert(spec.dump());
    for (auto& spec : scorer_specs_json(suite_.case_scorers)) {
      if (seen.insert(spec.dump()).second) r.scorers.push_back(std::move(spec));
    }
    nlohmann::json gate = nlohmann::json::object();
    for (const auto& [metric, rule] : suite_.gate) {
      nlohmann::json g = nlohmann::json::object();
      if (rule.max_drop) g["max_drop"] = *rule.max_drop;
      if (rule.min) g["min"] = *rule.min;
      if (rule.max_increase) g["max_increase"] = *rule.max_increase;
      if (rule.max) g["max"] = *rule.max;
      if (rule.test == GateTest::kNone) g["test"] = "none";
      gate[metric] = g;
    }
    r.config = {{"alpha", suite_.alpha},
                {"gate", gate},
                {"repeat", plan_.repeat()},
                {"pass",
                 {{"kind", suite_.pass.kind == PassRule::Kind::kAll ? "all" : "weighted_score"},
                  {"min_weighted_score", suite_.pass.min_weighted_score},
                  {"k_of_n", suite_.pass.k_of_n}}},
                {"filters",
                 options_.selection.is_object() ? options_.selection : nlohmann::json::object()}};
    nlohmann::json predecessors = nlohmann::json::object();
    for (const auto& prompt : suite_.prompts) {
      if (!prompt.replaces.empty()) predecessors[prompt.id] = prompt.replaces;
    }
    if (!predecessors.empty()) r.config["prompt_replaces"] = std::move(predecessors);
    r.planned_trials = plan_.size();
    return r;
  }

  // Suite scorers whose options use {{var}} are built for each trial; the others once.
  Status build_scorers() {
    for (const auto& spec : suite_.scorers) {
      std::vector<std::string> variables;
      if (Status s = scorer_variables(spec, &variables); !s) return s;
      std::unique_ptr<Scorer> scorer;
      if (variables.empty()) {
        if (Status s = make_scorer(spec, &scorer); !s) return s;
      }
      suite_scorers_.push_back(std::move(scorer));
    }
    for (const auto& prompt : suite_.prompts) {
      if (prompt.transform.is_null()) continue;
      std::string error;
      if (!AnswerTransform::compile(prompt.transform, &prompt_transforms_[prompt.id], &error)) {
        return Status::error_at(prompt.where, "prompt transform: " + error);
      }
    }
    return Status::ok();
  }

  // Replaces the answer's text with the part the prompt's transform picks, keeping the text
  // as raw_text; records why when it finds nothing (every scorer then fails with that reason).
  void apply_prompt_transform(TrialTask& task) {
    const auto it = prompt_transforms_.find(task.spec.prompt->id);
    if (it == prompt_transforms_.end()) return;
    ModelAnswer& answer = task.result.answer;
    std::string text, failure;
    if (!it->second.apply(&answer, answer.text, &text, &failure)) {
      task.transform_failure = "prompt '" + task.spec.prompt->id + "' transform: " + failure;
      return;
    }
    answer.raw_text = std::move(answer.text);
    answer.text = std::move(text);
  }

  // A scorer for this trial from spec, its {{var}} options rendered with the case's vars.
  Status add_trial_scorer(const ScorerSpec& spec, TrialTask* task) {
    ScorerSpec rendered;
    if (Status s = render_scorer_spec(spec, task->spec.test_case->vars, &rendered); !s) {
      return Status::error("scorer '" + spec.type + "': " + s.message());
    }
    std::unique_ptr<Scorer> scorer;
    if (Status s = make_scorer(rendered, &scorer); !s) return s;
    task->scorers.push_back(scorer.get());
    task->weights.push_back(spec.weight);
    task->types.push_back(spec.type);
    task->owned_scorers.push_back(std::move(scorer));
    return Status::ok();
  }

  Status build_providers(int jobs) {
    HttpClientOptions http_options;
    http_options.max_in_flight = jobs;
    http_ = std::make_unique<HttpClient>(http_options);
    if (!options_.record_file.empty()) {
      recorder_ = std::make_unique<ResponseRecorder>();
      if (Status s = recorder_->open(options_.record_file); !s) return s;
    }
    if (options_.cache != CacheMode::kOff) {
      cache_ = std::make_unique<ResponseCache>();
      if (Status s = cache_->open(store_.path()); !s) return s;
    }
    ProviderEnvironment environment;
    environment.http = http_.get();
    environment.counters = &counters_;
    environment.recorder = recorder_.get();
    environment.replay_strict = options_.replay_strict;
    environment.cache_db_path = store_.path();
    for (const auto& config : suite_.providers) {
      std::unique_ptr<Provider> provider;
      if (Status s = make_provider(config, environment, &provider); !s) {
        // Under --replay-strict with the cache on, the cache alone answers a provider that
        // would need the network and has no responses file; a miss is then a replay_miss,
        // not a request. A responses file that cannot be read is an error of its own.
        const bool network =
            config.type != "replay" && config.type != "exec" && config.type != "script";
        if (!(cache_ && options_.replay_strict && network && config.responses_file.empty())) {
          return s;
        }
      }
      if (cache_) {
        provider = make_caching_provider(config, cache_endpoint(config, environment),
                                         std::move(provider), cache_.get(), options_.cache);
      }
      providers_[config.id] = std::move(provider);
      if (std::optional<TokenPrice> price = provider_price(config)) {
        prices_[config.id] = *price;
      } else if (options_.max_cost_usd > 0) {
        return Status::error_at(config.where,
                                "--max-cost needs the price of every provider, and model '" +
                                    config.model + "' of provider '" + config.id +
                                    "' is not in the built-in price table: give the provider "
                                    "'price: {input: USD, output: USD}' (per million tokens)");
      }
    }
    return Status::ok();
  }

  void start_trial(const TrialSpec& spec) {
    auto task = std::make_shared<TrialTask>();
    task->spec = spec;
    task->started = Clock::now();
    TrialResult& r = task->result;
    r.index = spec.index;
    r.key = {spec.test_case->id, spec.prompt->id, spec.provider->id, spec.repeat};
    r.labels = spec.test_case->labels;
    r.expected = spec.test_case->expected;
    r.vars = spec.test_case->vars;
    for (size_t i = 0; i < suite_scorers_.size(); ++i) {
      if (suite_scorers_[i] == nullptr) {
        if (Status s = add_trial_scorer(suite_.scorers[i], task.get()); !s) {
          finish_with_error(task, error_kind::kScorer, s.message());
          return;
        }
        continue;
      }
      task->scorers.push_back(suite_scorers_[i].get());
      task->weights.push_back(suite_.scorers[i].weight);
      task->types.push_back(suite_.scorers[i].type);
    }
    for (const auto& extra : spec.test_case->scorers) {
      if (Status s = add_trial_scorer(extra, task.get()); !s) {
        finish_with_error(task, error_kind::kScorer, s.message());
        return;
      }
    }

    ModelRequest request;
    request.provider_id = spec.provider->id;
    request.params = spec.prompt->params;
    request.vars = spec.test_case->vars;
    // The prompt's turns, then the case's own conversation, each rendered with the case's vars.
    for (const auto* turns : {&spec.prompt->messages, &spec.test_case->messages}) {
      for (const auto& message : *turns) {
        ChatMessage rendered = message;
        if (Status s = render_template(message.content, spec.test_case->vars, &rendered.content);
            !s) {
          const std::string where = turns == &spec.test_case->messages
                                        ? "case '" + spec.test_case->id + "' messages"
                                        : "prompt '" + spec.prompt->id + "'";
          finish_with_error(task, error_kind::kScorer, where + ": " + s.message());
          return;
        }
        if (rendered.role == "user") task->input = rendered.content;
        request.messages.push_back(std::move(rendered));
      }
    }
    // A prompt's tools (and choice) win over its provider's.
    request.tools = spec.prompt->tools.is_null() ? spec.provider->tools : spec.prompt->tools;
    request.tool_choice =
        spec.prompt->tool_choice.is_null() ? spec.provider->tool_choice : spec.prompt->tool_choice;
    // Only an http provider's body may use variables the prompt does not; other providers'
    // keys leave them out, so their replay and cache keys stay what they were.
    request.vars_in_identity = spec.provider->type == "http";
    r.request = {{"messages", chat_messages_to_json(request.messages)},
                 {"params", merge_params(spec.provider->params, request.params)}};
    if (!request.tools.is_null()) r.request["tools"] = request.tools;
    if (!request.tool_choice.is_null()) r.request["tool_choice"] = request.tool_choice;
    if (spec.test_case->timeout_s) r.request["timeout_s"] = *spec.test_case->timeout_s;

    providers_.at(spec.provider->id)->send(request, [this, task](ModelResponse response) {
      auto shared = std::make_shared<ModelResponse>(std::move(response));
      arena_.enqueue([this, task, shared] { after_generation(task, std::move(*shared)); });
    });
  }

  // Counts connection failures of a provider's first calls (see kUnreachableAfterFailures).
  void note_reachability(const std::string& provider_id, const ModelResponse& response) {
    std::lock_guard<std::mutex> lock(mutex_);
    Reachability& r = reachability_[provider_id];
    if (r.reached) return;
    if (response.ok || response.error_kind != std::string(error_kind::kConnect)) {
      r.reached = true;
    } else if (++r.connect_failures >= kUnreachableAfterFailures && !unreachable_) {
      summary_.unreachable = response.error;
      unreachable_ = true;
    }
  }

  void after_generation(const std::shared_ptr<TrialTask>& task, ModelResponse response) {
    TrialResult& r = task->result;
    note_reachability(task->spec.provider->id, response);
    r.attempts = response.attempts;
    r.cached = response.cached;
    r.prompt_tokens = response.prompt_tokens;
    r.completion_tokens = response.completion_tokens;
    account(*task, task->spec.provider->id, response);
    if (!response.ok) {
      r.answer.latency_s = response.latency_s;
      r.answer.prompt_tokens = response.prompt_tokens;
      r.answer.completion_tokens = response.completion_tokens;
      finish_with_error(task, response.error_kind, response.error, /*model_error=*/true);
      return;
    }
    r.answer = std::move(static_cast<ModelAnswer&>(response));
    redact_answer(&r.answer);  // before a judge or an embedder is sent it
    apply_prompt_transform(*task);
    if (!task->transform_failure.empty()) {
      fail_trial_scores(task->scorers, task->types, task->weights, task->transform_failure, &r);
      finish(task);
      return;
    }
    request_scorer_calls(task);
  }

  // Model-assisted scorers (judge, similarity) need calls of their own before scoring.
  void request_scorer_calls(const std::shared_ptr<TrialTask>& task) {
    auto calls = std::make_shared<ScorerCalls>();
    ScoreInput probe = score_input(*task, nullptr);
    calls->requests.resize(task->scorers.size());
    calls->responses.resize(task->scorers.size());
    size_t total = 0;
    for (size_t i = 0; i < task->scorers.size(); ++i) {
      calls->requests[i] = task->scorers[i]->requests(probe);
      calls->responses[i].resize(calls->requests[i].size());
      total += calls->requests[i].size();
    }
    if (total == 0) {
      score(task, calls);
      return;
    }
    calls->pending = total;
    for (size_t i = 0; i < calls->requests.size(); ++i) {
      for (size_t j = 0; j < calls->requests[i].size(); ++j) {
        const ModelRequest& request = calls->requests[i][j];
        auto it = providers_.find(request.provider_id);
        auto deliver = [this, task, calls, i, j](ModelResponse response) {
          calls->responses[i][j] = std::move(response);
          if (--calls->pending == 0) {
            arena_.enqueue([this, task, calls] { score(task, calls); });
          }
        };
        if (it == providers_.end()) {
          ModelResponse missing;
          missing.error_kind = error_kind::kScorer;
          missing.error = "scorer needs provider '" + request.provider_id + "', which the suite lacks";
          deliver(std::move(missing));
        } else {
          it->second->send(request, deliver);
        }
      }
    }
  }

  ScoreInput score_input(const TrialTask& task, const std::vector<ModelResponse>* responses) const {
    ScoreInput input;
    input.output = task.result.answer.text;
    input.answer = &task.result.answer;
    input.expected = &task.result.expected;
    input.vars = &task.result.vars;
    input.input = task.input;
    input.model_responses = responses;
    const auto tools = task.result.request.find("tools");
    if (tools != task.result.request.end() && !tools->is_null()) input.tools = &*tools;
    if (const auto price = prices_.find(task.spec.provider->id); price != prices_.end()) {
      const ModelAnswer& answer = task.result.answer;
      input.cost_usd =
          token_cost_usd(price->second, answer.prompt_tokens, answer.completion_tokens);
    }
    return input;
  }

  void score(const std::shared_ptr<TrialTask>& task, const std::shared_ptr<ScorerCalls>& calls) {
    TrialResult& r = task->result;
    for (size_t i = 0; i < task->scorers.size(); ++i) {
      const auto& responses = calls->responses[i];
      for (size_t j = 0; j < responses.size(); ++j) {
        r.prompt_tokens += responses[j].prompt_tokens;
        r.completion_tokens += responses[j].completion_tokens;
        account(*task, calls->requests[i][j].provider_id, responses[j]);
      }
    }
    const PassRule& rule = task->spec.test_case->pass ? *task->spec.test_case->pass : suite_.pass;
    score_trial(
        task->scorers, task->weights, calls->responses, rule,
        [&](const std::vector<ModelResponse>* responses) { return score_input(*task, responses); },
        &r);
    finish(task);
  }

  void finish_with_error(const std::shared_ptr<TrialTask>& task, const std::string& kind,
                         const std::string& message, bool model_error = false) {
    task->result.error = message;
    task->result.error_kind = kind;
    task->result.pass = false;
    if (model_error) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++summary_.model_errors;
    }
    finish(task);
  }

  void finish(const std::shared_ptr<TrialTask>& task) {
    TrialResult& r = task->result;
    redact_trial(&r);  // before the console, the store and every report see it
    r.duration_s = std::chrono::duration<double>(Clock::now() - task->started).count();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++summary_.finished;
      if (!r.error.empty()) {
        ++summary_.errors;
      } else if (r.pass) {
        ++summary_.passed;
      } else {
        ++summary_.failed;
      }
      summary_.prompt_tokens += r.prompt_tokens;
      summary_.completion_tokens += r.completion_tokens;
      summary_.cost_usd += r.cost_usd;
      summary_.spent_usd += task->live_cost_usd;
      summary_.spent_tokens += task->live_tokens;
      observer_.on_trial(task->spec, r, summary_.finished);
    }
    writer_->push(std::move(r));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_flight_;
    }
    slot_free_.notify_one();  // only the scheduling thread waits on it
  }

  const Suite& suite_;
  const RunOptions& options_;
  Store& store_;
  RunObserver& observer_;
  TrialPlan plan_;
  std::string run_id_;
  std::vector<std::unique_ptr<Scorer>> suite_scorers_;
  std::map<std::string, AnswerTransform> prompt_transforms_;  // by prompt id
  CallCounters counters_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<ResponseRecorder> recorder_;
  std::unique_ptr<ResponseCache> cache_;  // outlives the providers that write to it
  std::map<std::string, std::unique_ptr<Provider>> providers_;
  std::map<std::string, TokenPrice> prices_;  // by provider id
  std::unique_ptr<TrialWriter> writer_;
  tbb::task_arena arena_;
  std::mutex mutex_;
  std::condition_variable slot_free_;
  int in_flight_ = 0;
  struct Reachability {
    bool reached = false;  // some call got an answer (or an HTTP error) from the endpoint
    int connect_failures = 0;
  };
  std::map<std::string, Reachability> reachability_;  // by provider id; guarded by mutex_
  std::atomic<bool> unreachable_{false};
  RunSummary summary_;
};

}  // namespace

Status run_suite(const Suite& suite, const RunOptions& options, Store& store,
                 RunObserver& observer, RunSummary* summary) {
  Run run(suite, options, store, observer);
  return run.execute(summary);
}

}  // namespace evalkit
