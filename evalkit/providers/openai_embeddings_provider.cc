#include "evalkit/providers/openai_embeddings_provider.h"
#include "evalkit/base/json_parse.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "evalkit/providers/embedding_cache.h"
#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/response_recorder.h"

namespace evalkit {
namespace {

// One ModelRequest on its way: its inputs are answered by the cache and by one or more
// HTTP batches that finish in any order.
struct EmbeddingJob {
  std::mutex mutex;
  ModelResponse response;
  size_t pending_batches = 0;
  bool failed = false;
  Provider::Callback done;
  // --record: what the replay file needs once every input has its vector.
  std::optional<ModelRequest> request_to_record;
};

class OpenAIEmbeddingsProvider : public Provider {
 public:
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

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    auto job = std::make_shared<EmbeddingJob>();
    job->done = std::move(done);
    job->response.embeddings.resize(request.inputs.size());
    if (environment_.recorder != nullptr) job->request_to_record = request;
    std::vector<size_t> missing;
    std::vector<std::string> keys(request.inputs.size());
    for (size_t i = 0; i < request.inputs.size(); ++i) {
      if (cache_ != nullptr) {
        keys[i] = EmbeddingCache::key(config_.model, base_url_, config_.dimensions.value_or(0),
                                      request.inputs[i]);
        if (auto vector = cache_->find(keys[i])) {
          job->response.embeddings[i] = std::move(*vector);
          continue;
        }
      }
      missing.push_back(i);
    }
    if (missing.empty()) {
      job->response.ok = true;
      job->response.cached = !request.inputs.empty();
      finish(*job);
      return;
    }
    const size_t batch = static_cast<size_t>(std::max(1, config_.batch_size));
    job->pending_batches = (missing.size() + batch - 1) / batch;
    const nlohmann::json params = merge_params(config_.params, request.params);
    for (size_t first = 0; first < missing.size(); first += batch) {
      std::vector<size_t> indices(missing.begin() + first,
                                  missing.begin() + std::min(missing.size(), first + batch));
      nlohmann::json body = params;
      body["model"] = config_.model;
      nlohmann::json input = nlohmann::json::array();
      for (size_t index : indices) input.push_back(request.inputs[index]);
      body["input"] = std::move(input);
      if (config_.dimensions) body["dimensions"] = *config_.dimensions;
      std::vector<std::string> batch_keys;
      if (cache_ != nullptr) {
        for (size_t index : indices) batch_keys.push_back(keys[index]);
      }
      HttpRequest http = openai_post(config_, endpoint_, body);
      const double estimate = http.estimated_tokens;
      send_with_retries(
          *environment_.http, std::move(http), policy_, environment_.counters,
          [this, job, estimate, indices = std::move(indices), batch_keys = std::move(batch_keys)](
              SendOutcome outcome) { on_batch(job, indices, batch_keys, estimate, outcome); });
    }
  }

 private:
  void on_batch(const std::shared_ptr<EmbeddingJob>& job, const std::vector<size_t>& indices,
                const std::vector<std::string>& keys, double estimate, const SendOutcome& outcome) {
    ModelResponse answer;
    if (read_openai_outcome(outcome, &answer)) {
      parse_embeddings_list(outcome.response.body, indices.size(), &answer);
    }
    correct_token_estimate(*environment_.http, config_, estimate, answer);
    explain_endpoint_failure(config_, endpoint_.url, !endpoint_.secrets.empty(), &answer);
    settle_openai_response(&answer, environment_.counters, endpoint_.secrets);
    if (answer.ok && cache_ != nullptr) {
      for (size_t i = 0; i < keys.size(); ++i) cache_->put(keys[i], answer.embeddings[i]);
    }
    {
      std::lock_guard<std::mutex> lock(job->mutex);
      ModelResponse& response = job->response;
      response.attempts += answer.attempts;
      response.latency_s = std::max(response.latency_s, answer.latency_s);
      response.prompt_tokens += answer.prompt_tokens;
      if (!answer.ok && !job->failed) {
        job->failed = true;
        response.error = std::move(answer.error);
        response.error_kind = std::move(answer.error_kind);
        response.http_status = answer.http_status;
      } else if (answer.ok) {
        if (response.http_status == 0) response.http_status = answer.http_status;
        for (size_t i = 0; i < indices.size(); ++i) {
          response.embeddings[indices[i]] = std::move(answer.embeddings[i]);
        }
      }
      if (--job->pending_batches > 0) return;
      response.ok = !job->failed;
      if (!response.ok) response.embeddings.clear();
    }
    finish(*job);
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
