// A provider answers model requests: a live endpoint, a replay file, or a local command.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "evalkit/base/status.h"
#include "evalkit/http/http_client.h"
#include "evalkit/providers/call_counters.h"
#include "evalkit/model/model_response.h"
#include "evalkit/suite/env_expansion.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

class ResponseRecorder;

class Provider {
 public:
  using Callback = std::function<void(ModelResponse)>;
  virtual ~Provider() = default;

  virtual const ProviderConfig& config() const = 0;

  // Sends one request. done runs exactly once, possibly on another thread and possibly
  // before send returns; it must be quick (hand CPU work elsewhere).
  virtual void send(const ModelRequest& request, Callback done) = 0;
};

// What providers share for one run.
struct ProviderEnvironment {
  HttpClient* http = nullptr;
  CallCounters* counters = nullptr;
  ResponseRecorder* recorder = nullptr;  // --record: live answers are appended here
  bool replay_strict = false;            // never go to the network
  std::string cache_db_path;  // SQLite file for the embedding cache; empty means no cache
  // Environment lookup for API keys and OPENAI_BASE_URL; defaults to getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
};

// Builds the provider for config. An openai-chat provider whose base URL is empty (not in
// the suite, no OPENAI_BASE_URL) and that names a responses file answers from that file,
// so a suite can run offline and live unchanged.
Status make_provider(const ProviderConfig& config, const ProviderEnvironment& environment,
                     std::unique_ptr<Provider>* out);

// The key a recorded response is stored under: a canonical hash of what determines the
// answer (model, messages, params), independent of provider id, URL and credentials.
std::string replay_key(const std::string& model, const ModelRequest& request,
                       const nlohmann::json& merged_params);

// Provider params merged with per-request overrides (request wins).
nlohmann::json merge_params(const nlohmann::json& provider_params, const nlohmann::json& overrides);

// The params a replay key is computed from: merge_params(config.params, request.params),
// plus config.dimensions for an embedding request, since they change the vectors.
nlohmann::json replay_params(const ProviderConfig& config, const ModelRequest& request);

// Rewrites a failed response's error so that it names the provider and the endpoint it
// called (credentials removed) and says what most likely fixes it: a connection failure
// points at the suite's base_url (or OPENAI_BASE_URL when the suite sets none), a 401 or
// 403 at the environment variable named by api_key_env and whether it is set, a 404 at the
// model name and the URL's path. Every network provider calls it on its failures.
void explain_endpoint_failure(const ProviderConfig& config, const std::string& url, bool key_set,
                              ModelResponse* response);

// redact_secrets(text), and every occurrence of secret (registered or not, 4 characters or
// more) replaced by "[redacted]". New code registers its secrets (register_secret in
// evalkit/base/secrets.h) and calls redact_secrets.
std::string redact(std::string text, const std::string& secret);

}  // namespace evalkit
