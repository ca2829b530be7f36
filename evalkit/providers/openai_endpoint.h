// What the OpenAI-compatible providers (chat, embeddings) share: the request they send and
// how a transport or HTTP failure becomes a ModelResponse error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evalkit/http/http_client.h"
#include "evalkit/providers/call_counters.h"
#include "evalkit/model/model_response.h"
#include "evalkit/providers/retry_policy.h"
#include "evalkit/providers/retrying_sender.h"
#include "evalkit/suite/env_expansion.h"
#include "evalkit/suite/suite.h"

namespace evalkit {

// base_url without trailing slashes, followed by path ("/embeddings").
std::string openai_endpoint_url(std::string base_url, std::string_view path);

// Where an OpenAI-style request goes and what it carries besides its body.
struct OpenAIEndpoint {
  std::string url;                   // with the provider's query parameters
  std::vector<std::string> headers;  // auth and the provider's `headers:`
  std::vector<std::string> secrets;  // the key and every header/query value, for redaction
};

// The endpoint at base_url + path for config: its `query:` appended, its `headers:` added,
// and auth_header ("Authorization: Bearer KEY", "api-key: KEY") unless api_key is empty or
// the suite's headers set that header (or Authorization) themselves.
Status make_openai_endpoint(const ProviderConfig& config, const EnvLookup& getenv,
                            const std::string& base_url, std::string_view path,
                            const std::string& auth_header_name, const std::string& api_key,
                            OpenAIEndpoint* out);

// The retry policy a provider's config asks for.
RetryPolicy retry_policy_for(const ProviderConfig& config);

// A JSON POST to the endpoint on the provider's connection pool.
HttpRequest openai_post(const ProviderConfig& config, const OpenAIEndpoint& endpoint,
                        const nlohmann::json& body);

// The provider's connection pool limits: concurrency, and requests/tokens per minute.
void apply_rate_limits(HttpClient& http, const ProviderConfig& config);

// Once usage is known, charges the pool's token bucket the difference between what a call
// used and what openai_post estimated (HttpRequest::estimated_tokens).
void correct_token_estimate(HttpClient& http, const ProviderConfig& config, double estimated,
                            const ModelResponse& response);

// Copies attempts, latency and status from outcome into response. Returns true when the
// answer is a 2xx whose body the caller should parse; otherwise sets error and error_kind.
bool read_openai_outcome(const SendOutcome& outcome, ModelResponse* response);

// The last step for every answer: counts a failure in counters (may be null) and removes
// every secret from the error message.
void settle_openai_response(ModelResponse* response, CallCounters* counters,
                            const std::vector<std::string>& secrets);

// The first 200 bytes of body with control characters blanked, for error messages.
std::string body_snippet(const std::string& body);

}  // namespace evalkit
