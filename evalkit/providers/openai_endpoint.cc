#include "evalkit/providers/openai_endpoint.h"

#include "evalkit/base/json_parse.h"
#include "evalkit/base/secrets.h"
#include "evalkit/providers/endpoint_params.h"
#include "evalkit/providers/provider.h"
#include "evalkit/text/excerpt.h"

namespace evalkit {
namespace {

// Longest server error message kept, in characters.
constexpr size_t kServerMessageChars = 500;

// The server's own error message when the body is an OpenAI-style error object (redacted,
// then cut), else a snippet of the body.
std::string server_message(const std::string& body) {
  nlohmann::json value = parse_untrusted_json(body);
  if (value.is_object() && value.contains("error")) {
    const auto& e = value["error"];
    const nlohmann::json* message = nullptr;
    if (e.is_object() && e.contains("message") && e["message"].is_string()) message = &e["message"];
    if (e.is_string()) message = &e;
    if (message != nullptr) {
      return excerpt(redact_secrets(message->get<std::string>()), kServerMessageChars);
    }
  }
  return body_snippet(body);
}

}  // namespace

std::string body_snippet(const std::string& body) {
  // Redacted whole first: a cut could leave a piece of a key too short to recognise.
  const std::string redacted = redact_secrets(body);
  size_t cut = std::min<size_t>(200, redacted.size());
  while (cut > 0 && cut < redacted.size() &&
         (static_cast<unsigned char>(redacted[cut]) & 0xC0) == 0x80) {
    --cut;  // no half character at the cut
  }
  std::string s = redacted.substr(0, cut);
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return redacted.size() > 200 ? s + "…" : s;
}

std::string openai_endpoint_url(std::string base_url, std::string_view path) {
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  return base_url + std::string(path);
}

RetryPolicy retry_policy_for(const ProviderConfig& config) {
  RetryPolicy policy;
  policy.max_attempts = config.max_attempts;
  policy.deadline_s = config.deadline_s;
  return policy;
}

Status make_openai_endpoint(const ProviderConfig& config, const EnvLookup& getenv,
                            const std::string& base_url, std::string_view path,
                            const std::string& auth_header_name, const std::string& api_key,
                            OpenAIEndpoint* out) {
  EndpointParams params;
  if (Status s = resolve_endpoint_params(config, getenv, &params); !s) return s;
  out->url = with_query(openai_endpoint_url(base_url, path), params.query);
  out->headers = {"Content-Type: application/json"};
  const bool own_auth = has_header(params.headers, auth_header_name) ||
                        has_header(params.headers, "Authorization");
  if (!api_key.empty() && !own_auth) {
    out->headers.push_back(auth_header_name + ": " +
                           (auth_header_name == "Authorization" ? "Bearer " : "") + api_key);
  }
  out->headers.insert(out->headers.end(), params.headers.begin(), params.headers.end());
  out->secrets = std::move(params.secrets);
  if (!api_key.empty()) out->secrets.push_back(api_key);
  return Status::ok();
}

HttpRequest openai_post(const ProviderConfig& config, const OpenAIEndpoint& endpoint,
                        const nlohmann::json& body) {
  HttpRequest http;
  http.url = endpoint.url;
  http.pool = config.id;
  http.timeout_s = config.timeout_s;
  http.headers = endpoint.headers;
  http.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  // About four bytes a token for what is sent, plus the most the model may answer.
  double answer_tokens = 0;
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (body.contains(key) && body[key].is_number()) answer_tokens = body[key].get<double>();
  }
  http.estimated_tokens = double(http.body.size()) / 4.0 + answer_tokens;
  return http;
}

void apply_rate_limits(HttpClient& http, const ProviderConfig& config) {
  http.set_pool_limit(config.id, config.concurrency);
  if (config.adaptive_concurrency) http.set_pool_adaptive(config.id, true);
  if (config.requests_per_minute > 0 || config.tokens_per_minute > 0) {
    http.set_pool_rate(config.id, config.requests_per_minute, config.tokens_per_minute);
  }
}

void correct_token_estimate(HttpClient& http, const ProviderConfig& config, double estimated,
                            const ModelResponse& response) {
  if (config.tokens_per_minute <= 0 || !response.ok) return;
  const double used = double(response.prompt_tokens + response.completion_tokens);
  if (used > 0) http.correct_pool_tokens(config.id, used - estimated);
}

bool read_openai_outcome(const SendOutcome& outcome, ModelResponse* response) {
  response->attempts = outcome.attempts;
  response->latency_s = outcome.total_s;
  const HttpResponse& http = outcome.response;
  response->http_status = http.status;
  const std::string tries =
      outcome.attempts > 1 ? " (after " + std::to_string(outcome.attempts) + " attempts)" : "";
  if (!http.transport_error.empty()) {
    response->error_kind =
        http.timed_out ? error_kind::kTimeout
                       : (http.body_too_large ? error_kind::kMalformed : error_kind::kConnect);
    response->error = http.transport_error + tries;
    return false;
  }
  if (http.status < 200 || http.status >= 300) {
    response->error_kind =
        (http.status == 429 || http.status >= 500) ? error_kind::kServer : error_kind::kHttp;
    response->error =
        "HTTP " + std::to_string(http.status) + ": " + server_message(http.body) + tries;
    return false;
  }
  return true;
}

void settle_openai_response(ModelResponse* response, CallCounters* counters,
                            const std::vector<std::string>& secrets) {
  if (!response->ok && counters != nullptr) counters->count_error(response->error_kind);
  for (const auto& secret : secrets) response->error = redact(std::move(response->error), secret);
  redact_secrets_in_place(&response->error);
}

}  // namespace evalkit
