#include "evalkit/providers/openai_embeddings_provider.h"
#include "evalkit/base/json_parse.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "evalkit/providers/embedding_cache.h"
#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/response_recorder.h"

namespace evalkit {
namespace {

// One ModelRequest on its way: its inputs are answered by the cache and by HTTP batches
// (shared with other requests' inputs) that finish in any order.
struct EmbeddingJob {
  std::mutex mutex;
  ModelResponse response;
  size_t pending_inputs = 0;
  bool failed = false;
  Provider::Callback done;
  // --record: what the replay file needs once every input has its vector.
  std::optional<ModelRequest> request_to_record;
};

// An input waiting for its batch.
struct PendingInput {
  std::shared_ptr<EmbeddingJob> job;
  size_t index = 0;  // in the job's request
  std::string text;
  std::string key;   // the cache key; empty without a cache
};

// Inputs of requests with the same parameters, waiting to go out together.
struct PendingGroup {
  nlohmann::json params;
  std::vector<PendingInput> inputs;
  std::chrono::steady_clock::time_point since;  // when its oldest input arrived
};

class OpenAIEmbeddingsProvider : public Provider {
 public:
  // Inputs of concurrent requests wait this long at most for others to share their HTTP
  // request (up to batch_size texts): an embeddings endpoint answers many texts at about the
  // cost of one, so a suite scoring similarity on every case sends a few requests a second
  // instead of one per case.
  static constexpr std::chrono::milliseconds kBatchWait{5};

  OpenAIEmbeddingsProvider(const ProviderConfig& config, const ProviderEnvironment& environment,
                           std::string base_url, OpenAIEndpoint endpoint)
      : config_(config),
        environment_(environment),
        base_url_(std::move(base_url)),
        endpoint_(std::move(endpoint)),
        policy_(retry_policy_for(config)) {
    apply_rate_limits(*environment_.http, config);
    if (!environment.cache_db_path.empty()) {
      cache_ = std::make_unique<EmbeddingCache>();
      // Without a cache the run is slower, never wrong, so a cache that cannot open is dropped.
      if (!cache_->open(environment.cache_db_path)) cache_.reset();
    }
  }

  ~OpenAIEmbeddingsProvider() override {
    std::map<std::string, PendingGroup> left;
    {
      std::lock_guard<std::mutex> lock(pending_mutex_);
      stopping_ = true;
      left.swap(pending_);
    }
    pending_wake_.notify_all();
    if (flusher_.joinable()) flusher_.join();
    // The run waits for every trial before its providers go, so nothing should be left; if
    // something is, its requests are answered, not forgotten.
    for (auto& [params, group] : left) {
      ModelResponse cancelled;
      cancelled.error = "embeddings request cancelled: the run ended before it was sent";
      cancelled.error_kind = error_kind::kCancelled;
      settle_batch(group.inputs, {}, cancelled);
    }
  }

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    auto job = std::make_shared<EmbeddingJob>();
    job->done = std::move(done);
    job->response.embeddings.resize(request.inputs.size());
    if (environment_.recorder != nullptr) job->request_to_record = request;
    std::vector<PendingInput> missing;
    for (size_t i = 0; i < request.inputs.size(); ++i) {
      std::string key;
      if (cache_ != nullptr) {
        key = EmbeddingCache::key(config_.model, base_url_, config_.dimensions.value_or(0),
                                  request.inputs[i]);
        if (auto vector = cache_->find(key)) {
          job->response.embeddings[i] = std::move(*vector);
          continue;
        }
      }
      missing.push_back(PendingInput{job, i, request.inputs[i], std::move(key)});
    }
    if (missing.empty()) {
      job->response.ok = true;
      job->response.cached = !request.inputs.empty();
      finish(*job);
      return;
    }
    job->pending_inputs = missing.size();
    const nlohmann::json params = merge_params(config_.params, request.params);
    const size_t batch = static_cast<size_t>(std::max(1, config_.batch_size));
    std::vector<std::vector<PendingInput>> full;
    {
      std::lock_guard<std::mutex> lock(pending_mutex_);
      if (!flusher_.joinable()) flusher_ = std::thread([this] { flush_when_due(); });
      PendingGroup& group = pending_[params.dump()];
      for (auto& input : missing) {
        if (group.inputs.empty()) {
          group.params = params;
          group.since = std::chrono::steady_clock::now();
        }
        group.inputs.push_back(std::move(input));
        if (group.inputs.size() == batch) {
          full.push_back(std::move(group.inputs));
          group.inputs.clear();
        }
      }
    }
    pending_wake_.notify_one();
    for (auto& inputs : full) send_batch(params, std::move(inputs));
  }

 private:
  // The flusher thread: sends each group once its oldest input has waited kBatchWait.
  void flush_when_due() {
    std::unique_lock<std::mutex> lock(pending_mutex_);
    while (!stopping_) {
      auto due_at = std::chrono::steady_clock::time_point::max();
      for (const auto& [key, group] : pending_) {
        if (!group.inputs.empty()) due_at = std::min(due_at, group.since + kBatchWait);
      }
      if (due_at == std::chrono::steady_clock::time_point::max()) {
        pending_wake_.wait(lock);
        continue;
      }
      if (std::chrono::steady_clock::now() < due_at) {
        pending_wake_.wait_until(lock, due_at);
        continue;
      }
      std::vector<std::pair<nlohmann::json, std::vector<PendingInput>>> due;
      const auto now = std::chrono::steady_clock::now();
      for (auto it = pending_.begin(); it != pending_.end();) {
        if (!it->second.inputs.empty() && it->second.since + kBatchWait <= now) {
          due.emplace_back(std::move(it->second.params), std::move(it->second.inputs));
          it = pending_.erase(it);
        } else {
          ++it;
        }
      }
      lock.unlock();
      for (auto& [params, inputs] : due) send_batch(params, std::move(inputs));
      lock.lock();
    }
  }

  // One HTTP request for inputs (at most batch_size); a text asked for twice is sent once.
  void send_batch(const nlohmann::json& params, std::vector<PendingInput> inputs) {
    std::vector<size_t> slots(inputs.size());
    std::map<std::string_view, size_t> seen;
    nlohmann::json texts = nlohmann::json::array();
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto [it, added] = seen.emplace(inputs[i].text, texts.size());
      if (added) texts.push_back(inputs[i].text);
      slots[i] = it->second;
    }
    nlohmann::json body = params;
    body["model"] = config_.model;
    body["input"] = std::move(texts);
    if (config_.dimensions) body["dimensions"] = *config_.dimensions;
    HttpRequest http = openai_post(config_, endpoint_, body);
    const double estimate = http.estimated_tokens;
    const size_t distinct = seen.size();
    send_with_retries(*environment_.http, std::move(http), policy_, environment_.counters,
                      [this, inputs = std::move(inputs), slots = std::move(slots), distinct,
                       estimate](SendOutcome outcome) mutable {
                        on_batch(std::move(inputs), slots, distinct, estimate, outcome);
                      });
  }

  void on_batch(std::vector<PendingInput> inputs, const std::vector<size_t>& slots,
                size_t distinct, double estimate, const SendOutcome& outcome) {
    ModelResponse answer;
    if (read_openai_outcome(outcome, &answer)) {
      parse_embeddings_list(outcome.response.body, distinct, &answer);
    }
    correct_token_estimate(*environment_.http, config_, estimate, answer);
    explain_endpoint_failure(config_, endpoint_.url, !endpoint_.secrets.empty(), &answer);
    settle_openai_response(&answer, environment_.counters, endpoint_.secrets);
    if (answer.ok && cache_ != nullptr) {
      std::vector<bool> stored(distinct, false);
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (stored[slots[i]] || inputs[i].key.empty()) continue;
        stored[slots[i]] = true;
        cache_->put(inputs[i].key, answer.embeddings[slots[i]]);
      }
    }
    settle_batch(inputs, slots, answer);
  }

  // Gives each request its inputs' vectors (or the batch's error) and a share of the batch's
  // tokens by the length of its texts; a request whose last input this was is finished.
  void settle_batch(const std::vector<PendingInput>& inputs, const std::vector<size_t>& slots,
                    const ModelResponse& answer) {
    size_t total_length = 0;
    for (const auto& input : inputs) total_length += input.text.size() + 1;
    // Each request's positions in inputs, in the order requests first appear (so which one
    // gets the rounding of the tokens is the same in every run).
    std::vector<std::pair<EmbeddingJob*, std::vector<size_t>>> by_job;
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto it = std::find_if(by_job.begin(), by_job.end(),
                             [&](const auto& entry) { return entry.first == inputs[i].job.get(); });
      if (it == by_job.end()) it = by_job.emplace(by_job.end(), inputs[i].job.get(), std::vector<size_t>{});
      it->second.push_back(i);
    }
    int64_t tokens_left = answer.prompt_tokens;
    size_t jobs_left = by_job.size();
    for (const auto& [raw_job, positions] : by_job) {
      const std::shared_ptr<EmbeddingJob>& job = inputs[positions.front()].job;
      size_t length = 0;
      for (size_t i : positions) length += inputs[i].text.size() + 1;
      const int64_t share =
          --jobs_left == 0 ? tokens_left
                           : static_cast<int64_t>(double(answer.prompt_tokens) * double(length) /
                                                  double(std::max<size_t>(1, total_length)));
      tokens_left -= share;
      bool finished = false;
      {
        std::lock_guard<std::mutex> lock(job->mutex);
        ModelResponse& response = job->response;
        response.attempts += answer.attempts;
        response.latency_s = std::max(response.latency_s, answer.latency_s);
        response.prompt_tokens += share;
        if (!answer.ok && !job->failed) {
          job->failed = true;
          response.error = answer.error;
          response.error_kind = answer.error_kind;
          response.http_status = answer.http_status;
        } else if (answer.ok) {
          if (response.http_status == 0) response.http_status = answer.http_status;
          for (size_t i : positions) response.embeddings[inputs[i].index] = answer.embeddings[slots[i]];
        }
        job->pending_inputs -= positions.size();
        if (job->pending_inputs == 0) {
          response.ok = !job->failed;
          if (!response.ok) response.embeddings.clear();
          finished = true;
        }
      }
      if (finished) finish(*job);
    }
  }

  // Hands the job's answer over (recording it first under --record). The cache's vectors
  // are recorded too, so a replay file covers the whole run whatever the cache held.
  void finish(EmbeddingJob& job) {
    if (job.response.ok && job.request_to_record) {
      const ModelRequest& request = *job.request_to_record;
      const nlohmann::json params = replay_params(config_, request);
      environment_.recorder->record(replay_key(config_.model, request, params), config_.model,
                                    request, params, job.response);
    }
    Callback done = std::move(job.done);
    done(std::move(job.response));
  }

  ProviderConfig config_;
  ProviderEnvironment environment_;
  std::string base_url_;
  OpenAIEndpoint endpoint_;
  RetryPolicy policy_;
  std::unique_ptr<EmbeddingCache> cache_;
  std::mutex pending_mutex_;
  std::condition_variable pending_wake_;
  std::map<std::string, PendingGroup> pending_;  // by the parameters' JSON text
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace

void parse_embeddings_list(const std::string& body, size_t expected_count,
                           ModelResponse* response) {
  const auto malformed = [&](const std::string& what) {
    response->ok = false;
    response->embeddings.clear();
    response->error_kind = error_kind::kMalformed;
    response->error = "malformed embeddings response: " + what;
  };
  nlohmann::json value = parse_untrusted_json(body);
  if (value.is_discarded()) return malformed("not valid JSON: " + body_snippet(body));
  if (!value.is_object() || !value.contains("data") || !value["data"].is_array()) {
    return malformed("no 'data' array");
  }
  const auto& data = value["data"];
  if (data.size() != expected_count) {
    return malformed("expected " + std::to_string(expected_count) + " embeddings, got " +
                     std::to_string(data.size()));
  }
  response->embeddings.assign(expected_count, {});
  std::vector<bool> seen(expected_count, false);
  for (size_t position = 0; position < data.size(); ++position) {
    const auto& item = data[position];
    if (!item.is_object() || !item.contains("embedding") || !item["embedding"].is_array()) {
      return malformed("data[" + std::to_string(position) + "] has no 'embedding' array");
    }
    // Servers may answer out of order; `index` says which input a vector belongs to.
    size_t index = position;
    if (item.contains("index")) {
      if (!item["index"].is_number_unsigned() || item["index"].get<size_t>() >= expected_count) {
        return malformed("data[" + std::to_string(position) + "].index is out of range");
      }
      index = item["index"].get<size_t>();
    }
    if (seen[index]) return malformed("index " + std::to_string(index) + " appears twice");
    seen[index] = true;
    std::vector<float>& vector = response->embeddings[index];
    vector.reserve(item["embedding"].size());
    for (const auto& component : item["embedding"]) {
      if (!component.is_number()) {
        return malformed("data[" + std::to_string(position) + "].embedding holds a non-number");
      }
      vector.push_back(component.get<float>());
    }
  }
  if (value.contains("usage") && value["usage"].is_object()) {
    const auto& usage = value["usage"];
    if (usage.contains("prompt_tokens") && usage["prompt_tokens"].is_number_integer()) {
      response->prompt_tokens = usage["prompt_tokens"].get<int64_t>();
    }
  }
  response->ok = true;
}

Status make_openai_embeddings_provider(const ProviderConfig& config,
                                       const ProviderEnvironment& environment,
                                       const EnvLookup& getenv, std::string base_url,
                                       const std::string& api_key, std::unique_ptr<Provider>* out) {
  OpenAIEndpoint endpoint;
  if (Status s = make_openai_endpoint(config, getenv, base_url, "/embeddings", "Authorization",
                                      api_key, &endpoint);
      !s) {
    return s;
  }
  *out = std::make_unique<OpenAIEmbeddingsProvider>(config, environment, std::move(base_url),
                                                    std::move(endpoint));
  return Status::ok();
}

}  // namespace evalkit
