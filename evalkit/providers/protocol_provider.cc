#include "evalkit/providers/protocol_provider.h"

#include "evalkit/base/json_parse.h"
#include "evalkit/base/secrets.h"
#include "evalkit/text/excerpt.h"
#include "evalkit/providers/openai_endpoint.h"
#include "evalkit/providers/response_recorder.h"
#include "evalkit/providers/retrying_sender.h"

namespace evalkit {
namespace {

class ProtocolProvider : public Provider {
 public:
  ProtocolProvider(const ProviderConfig& config, const ProviderEnvironment& environment,
                   std::unique_ptr<WireProtocol> protocol, std::vector<std::string> secrets)
      : config_(config),
        environment_(environment),
        protocol_(std::move(protocol)),
        secrets_(std::move(secrets)),
        policy_(retry_policy_for(config)) {
    apply_rate_limits(*environment_.http, config);
  }

  const ProviderConfig& config() const override { return config_; }

  void send(const ModelRequest& request, Callback done) override {
    const nlohmann::json params = merge_params(config_.params, request.params);
    HttpRequest http;
    if (Status s = protocol_->encode(request, params, &http); !s) {
      ModelResponse response;
      response.error_kind = error_kind::kRequest;
      response.error = "cannot build the request: " + s.message();
      settle(&response);
      done(std::move(response));
      return;
    }
    http.pool = config_.id;
    http.timeout_s = config_.timeout_s;
    http.estimated_tokens = estimate_request_tokens(http, params);
    const double estimate = http.estimated_tokens;
    std::string url = http.url;
    std::string key;
    if (environment_.recorder != nullptr) key = replay_key(config_.model, request, params);
    send_with_retries(
        *environment_.http, std::move(http), policy_, environment_.counters,
        [this, request, params, key, estimate, url = std::move(url),
         done = std::move(done)](SendOutcome outcome) {
          ModelResponse response = to_response(outcome, url);
          correct_token_estimate(*environment_.http, config_, estimate, response);
          if (response.ok && environment_.recorder != nullptr) {
            environment_.recorder->record(key, config_.model, request, params, response);
          }
          done(std::move(response));
        });
  }

 private:
  ModelResponse to_response(const SendOutcome& outcome, const std::string& url) const {
    ModelResponse response;
    response.attempts = outcome.attempts;
    response.latency_s = outcome.total_s;
    const HttpResponse& http = outcome.response;
    response.http_status = http.status;
    const std::string tries =
        outcome.attempts > 1 ? " (after " + std::to_string(outcome.attempts) + " attempts)" : "";
    if (!http.transport_error.empty()) {
      response.error_kind =
          http.timed_out ? error_kind::kTimeout
                         : (http.body_too_large ? error_kind::kMalformed : error_kind::kConnect);
      response.error = http.transport_error + tries;
    } else if (protocol_->is_error_status(http.status)) {
      response.error_kind =
          (http.status == 429 || http.status >= 500) ? error_kind::kServer : error_kind::kHttp;
      response.error =
          "HTTP " + std::to_string(http.status) + ": " + protocol_->error_message(http) + tries;
    } else {
      protocol_->decode(http, &response);
      // Stream timings cover the attempt that answered, not earlier failed ones.
      if (response.ok && response.streamed) derive_stream_timings(&response, http.elapsed_s);
    }
    // OpenAI-compatible endpoints are the ones most often misconfigured by hand (base URL,
    // OPENAI_API_KEY, model name): their failures say what to check.
    if (config_.type == "openai-chat" || config_.type == "openai-embeddings") {
      explain_endpoint_failure(config_, url, !secrets_.empty(), &response);
    }
    settle(&response);
    return response;
  }

  void settle(ModelResponse* response) const {
    if (!response->ok && environment_.counters != nullptr) {
      environment_.counters->count_error(response->error_kind);
    }
    for (const auto& secret : secrets_)
      response->error = redact(std::move(response->error), secret);
    redact_secrets_in_place(&response->error);
  }

  ProviderConfig config_;
  ProviderEnvironment environment_;
  std::unique_ptr<WireProtocol> protocol_;
  std::vector<std::string> secrets_;
  RetryPolicy policy_;
};

// A server's own error message, redacted whole and then cut: a cut first could leave a piece
// of an echoed key too short to recognise.
std::string server_text(std::string text) {
  constexpr size_t kServerMessageChars = 500;
  return excerpt(redact_secrets(std::move(text)), kServerMessageChars);
}

}  // namespace

std::string WireProtocol::error_message(const HttpResponse& http) const {
  return endpoint_error_message(http.body);
}

std::string endpoint_error_message(const std::string& body) {
  const nlohmann::json value = parse_untrusted_json(body);
  if (value.is_object()) {
    if (value.contains("error")) {
      const auto& e = value["error"];
      if (e.is_object() && e.contains("message") && e["message"].is_string()) {
        return server_text(e["message"].get<std::string>());
      }
      if (e.is_string()) return server_text(e.get<std::string>());
    }
    // AWS ({"message"}, {"Message"}) and FastAPI-style services ({"detail"}).
    for (const char* key : {"message", "Message", "detail"}) {
      if (value.contains(key) && value[key].is_string()) {
        return server_text(value[key].get<std::string>());
      }
    }
  }
  return body_snippet(body);
}

double estimate_request_tokens(const HttpRequest& http, const nlohmann::json& params) {
  double answer_tokens = 0;
  for (const char* key : {"max_tokens", "max_completion_tokens", "maxTokens"}) {
    if (params.contains(key) && params[key].is_number()) answer_tokens = params[key].get<double>();
  }
  return double(http.body.size()) / 4.0 + answer_tokens;
}

std::unique_ptr<Provider> make_protocol_provider(const ProviderConfig& config,
                                                 const ProviderEnvironment& environment,
                                                 std::unique_ptr<WireProtocol> protocol,
                                                 std::vector<std::string> secrets) {
  return std::make_unique<ProtocolProvider>(config, environment, std::move(protocol),
                                            std::move(secrets));
}

}  // namespace evalkit
